#include "http/static_files.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

namespace civicgrid::http {
namespace fs = std::filesystem;
namespace {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool Within(const fs::path& root, const fs::path& path) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

// The canonical regular file at `path` if it exists and lies inside `root`.
std::optional<fs::path> ConfinedFile(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (ec || !Within(root, canonical)) return std::nullopt;
  if (fs::is_directory(canonical, ec)) {
    canonical /= "index.html";
    if (!fs::is_regular_file(canonical, ec)) return std::nullopt;
    // index.html itself may be a symlink leading out of the root.
    canonical = fs::canonical(canonical, ec);
    if (ec || !Within(root, canonical)) return std::nullopt;
  }
  if (!fs::is_regular_file(canonical, ec)) return std::nullopt;
  return canonical;
}

Response NotFound(const Request& request) {
  return JsonError(404, Error::NotFound("no file at " + request.path));
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"wasm", "application/wasm"},
      {"pbf", "application/x-protobuf"},
  };
  size_t dot = file_name.rfind('.');
  size_t slash = file_name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(file_name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Response NotBuiltPage(std::string_view docs_path) {
  std::string docs = HtmlEscape(docs_path);
  std::string body =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>civicgrid</title></head>\n"
      "<body>\n<h1>civicgrid</h1>\n<p>The web UI is not built, so there is nothing to show here.</p>\n"
      "<ul>\n<li><a href=\"/healthz\">/healthz</a> &mdash; health check</li>\n<li><a href=\"" +
      docs + "\">" + docs + "</a> &mdash; API documentation</li>\n</ul>\n</body></html>\n";
  Response response = Text(200, std::move(body), "text/html; charset=utf-8");
  response.With("Cache-Control", "no-cache");
  return response;
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

bool StaticFiles::available() const {
  std::error_code ec;
  return !root_.empty() && fs::is_directory(root_, ec);
}

Response StaticFiles::Serve(const Request& request) const {
  std::error_code ec;
  if (root_.empty()) return NotFound(request);
  fs::path root = fs::canonical(root_, ec);
  if (ec || !fs::is_directory(root, ec)) return NotFound(request);

  fs::path relative;
  std::string last;
  for (const std::string& segment : request.segments) {
    if (segment.empty() || segment == ".") continue;
    if (segment == ".." || segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return JsonError(400, Error::InvalidArgument("path not allowed", "path"));
    }
    if (segment.front() == '.') return NotFound(request);
    relative /= segment;
    last = segment;
  }

  std::optional<fs::path> file = ConfinedFile(root, root / relative);
  if (!file) {
    if (last.find('.') != std::string::npos) return NotFound(request);
    file = ConfinedFile(root, root / "index.html");  // single-page-app fallback
    if (!file) return NotFound(request);
  }

  auto size = fs::file_size(*file, ec);
  if (ec) return NotFound(request);
  auto mtime = fs::last_write_time(*file, ec);
  long long ticks = ec ? 0 : static_cast<long long>(mtime.time_since_epoch().count());
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(ticks));
  std::string name = file->filename().string();
  std::string cache = ContentTypeFor(name).starts_with("text/html") ? "no-cache" : "public, max-age=300";

  if (request.Header("if-none-match") == etag) {
    Response response;
    response.status = 304;
    response.content_type.clear();
    response.With("ETag", etag).With("Cache-Control", cache);
    response.With("Content-Security-Policy", std::string(kUiContentSecurityPolicy));
    return response;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) return NotFound(request);
  std::string body;
  body.resize(size);
  in.read(body.data(), static_cast<std::streamsize>(size));
  body.resize(static_cast<size_t>(in.gcount()));
  Response response = Text(200, std::move(body), std::string(ContentTypeFor(name)));
  response.With("ETag", etag).With("Cache-Control", cache);
  response.With("Content-Security-Policy", std::string(kUiContentSecurityPolicy));
  return response;
}

}  // namespace civicgrid::http
