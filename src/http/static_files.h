// Serving the built web UI from a directory, confined to that directory.
//
// A request path is resolved from its decoded segments: "." and empty segments are skipped, a ".."
// segment or one containing '/', '\\' or NUL is rejected with 400, hidden names (".x") are 404, and
// the resolved file (after following symlinks) must lie inside the root, else 404. A directory serves
// its index.html. A missing path whose last segment has no '.' (a client-side route such as
// "/divisions/11") falls back to the root index.html; a missing "file.ext" is 404. Every file served
// (200 or 304) carries kUiContentSecurityPolicy.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace civicgrid::http {

// The Content-Security-Policy of the web UI's files: everything from this origin only, inline styles
// allowed (Element Plus sets them), images also from data: and blob: URLs (ECharts, Leaflet), fonts
// also from data: URLs, fetch and WebSocket connections to this origin, no plugins, no framing.
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

// The content type for a file name by its extension (html, js, css, json, svg, png, jpg, webp, woff2,
// ico, ...), or "application/octet-stream".
std::string_view ContentTypeFor(std::string_view file_name);

// The small HTML page answered at "/" when there is no built web UI. It says so and links /healthz
// and `docs_path`.
Response NotBuiltPage(std::string_view docs_path);

class StaticFiles {
 public:
  // `root` may be empty or missing; then available() is false.
  explicit StaticFiles(std::string root);

  // True when the root is an existing directory (checked on each call).
  bool available() const;

  // The response for a GET or HEAD `request` (uses request.segments and the If-None-Match header):
  // 200 with the file, 304 when the ETag matches (both with kUiContentSecurityPolicy), 400 for a
  // rejected path, 404 when nothing is found.
  Response Serve(const Request& request) const;

 private:
  std::string root_;
};

}  // namespace civicgrid::http
