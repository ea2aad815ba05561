#include "http/attachment_routes.h"

#include <map>
#include <optional>
#include <string>

#include <boost/json.hpp>

namespace civicgrid::http {
namespace json = boost::json;
namespace {

constexpr std::string_view kUrlPrefix = "/api/v1/attachments/";
constexpr std::string_view kCacheControl = "public, max-age=31536000, immutable";

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

bool Blank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && Blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && Blank(s.back())) s.remove_suffix(1);
  return s;
}

// A header value of the form `value; name=token; name="quoted"` (Content-Type, Content-Disposition).
struct HeaderValue {
  std::string value;                          // lower-case
  std::map<std::string, std::string> params;  // lower-case names
};

// Parses a HeaderValue; nullopt when malformed (no value, a parameter without '=', an unclosed quote,
// a repeated parameter). A quoted value is taken literally up to the next quote, as browsers write
// multipart headers (they send a quote inside a file name as %22 and do not escape backslashes).
std::optional<HeaderValue> ParseHeaderValue(std::string_view s) {
  HeaderValue out;
  const size_t semi = s.find(';');
  out.value = LowerAscii(Trim(s.substr(0, semi)));
  if (out.value.empty()) return std::nullopt;
  size_t i = semi == std::string_view::npos ? s.size() : semi + 1;
  while (i < s.size()) {
    while (i < s.size() && (Blank(s[i]) || s[i] == ';')) ++i;
    if (i >= s.size()) break;
    const size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name = LowerAscii(Trim(s.substr(i, eq - i)));
    if (name.empty() || name.find_first_of(" \t;\"") != std::string::npos) return std::nullopt;
    i = eq + 1;
    while (i < s.size() && Blank(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      const size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      value = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
      while (i < s.size() && Blank(s[i])) ++i;
      if (i < s.size() && s[i] != ';') return std::nullopt;
    } else {
      const size_t end = s.find(';', i);
      value = std::string(Trim(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end == std::string_view::npos ? s.size() : end;
    }
    if (!out.params.emplace(std::move(name), std::move(value)).second) return std::nullopt;
  }
  return out;
}

// RFC 2046: 1 to 70 characters from DIGIT, ALPHA and '()+_,-./:=? and space, not ending in a space.
bool ValidBoundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  for (char c : b) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

Error Malformed(const std::string& why) {
  return Error::InvalidArgument("malformed multipart/form-data upload: " + why, "file");
}

// The part named "file" of a multipart/form-data body (RFC 7578 / RFC 2046).
Result<std::string_view> MultipartFile(std::string_view content_type, std::string_view body) {
  auto media = ParseHeaderValue(content_type);
  if (!media) return Malformed("unreadable Content-Type parameters");
  auto boundary = media->params.find("boundary");
  if (boundary == media->params.end() || !ValidBoundary(boundary->second))
    return Malformed("the Content-Type has no valid boundary");
  const std::string dash = "--" + boundary->second;
  const std::string delimiter = "\r\n" + dash;

  // The first delimiter opens the body, or ends a preamble (which is ignored).
  size_t pos = 0;
  if (body.starts_with(dash)) {
    pos = dash.size();
  } else {
    const size_t at = body.find(delimiter);
    if (at == std::string_view::npos) return Malformed("the boundary does not occur in the body");
    pos = at + delimiter.size();
  }
  std::optional<std::string_view> file;
  size_t parts = 0;
  while (!body.substr(pos).starts_with("--")) {  // "--" after a delimiter closes the body; the epilogue is ignored
    while (pos < body.size() && Blank(body[pos])) ++pos;  // transport padding
    if (!body.substr(pos).starts_with("\r\n")) return Malformed("a boundary is not followed by a line break");
    pos += 2;
    // Part headers, up to an empty line.
    std::optional<HeaderValue> disposition;
    while (true) {
      const size_t eol = body.find("\r\n", pos);
      if (eol == std::string_view::npos) return Malformed("the headers of a part do not end");
      const std::string_view line = body.substr(pos, eol - pos);
      pos = eol + 2;
      if (line.empty()) break;
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return Malformed("a part has a malformed header");
      if (LowerAscii(Trim(line.substr(0, colon))) != "content-disposition") continue;
      if (disposition) return Malformed("a part has two Content-Disposition headers");
      disposition = ParseHeaderValue(line.substr(colon + 1));
      if (!disposition || disposition->value != "form-data")
        return Malformed("a part's Content-Disposition is not form-data");
    }
    const size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) return Malformed("a part is not closed by the boundary (truncated upload?)");
    const std::string_view content = body.substr(pos, end - pos);
    pos = end + delimiter.size();
    ++parts;
    if (!disposition) return Malformed("a part has no Content-Disposition");
    auto name = disposition->params.find("name");
    if (name == disposition->params.end()) return Malformed("a part has no name");
    if (name->second != "file") continue;
    if (file) return Error::InvalidArgument("upload one file at a time: several parts are named 'file'", "file");
    file = content;
  }
  if (parts == 0) return Malformed("it has no parts");
  if (!file) return Error::InvalidArgument("the multipart/form-data upload has no part named 'file'", "file");
  return *file;
}

}  // namespace

Response CreateAttachment(app::AttachmentStore& store, const Request& req) {
  auto bytes = UploadedFile(req);
  if (!bytes) return JsonError(bytes.error());
  auto a = store.Put(*bytes);
  if (!a) return JsonError(a.error());
  const std::string url = std::string(kUrlPrefix) + a->id;
  json::object out{{"id", a->id},        {"content_type", a->content_type}, {"size", a->size},
                   {"width", a->width},  {"height", a->height},             {"url", url}};
  Response r = Json(201, out);
  r.With("Location", url);
  return r;
}

namespace {

// True when an If-None-Match header value lists `etag` (weak or strong) or is "*".
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

Response GetAttachment(app::AttachmentStore& store, Request& req) {
  const std::string id = LowerAscii(req.Param("id"));
  const std::string etag = "\"" + id + "\"";
  // Content-addressed: a stored id always names the same bytes, so a matching tag needs no read.
  if (NoneMatchHits(req.Header("if-none-match"), etag) && store.Exists(id)) {
    Response r = Text(304, {}, {});
    r.With("ETag", etag).With("Cache-Control", std::string(kCacheControl));
    return r;
  }
  auto content = store.Get(id);
  if (!content) return JsonError(content.error());
  Response r = Text(200, std::move(content->bytes), std::move(content->content_type));
  r.With("ETag", etag).With("Cache-Control", std::string(kCacheControl));  // not `return r.With(...)`: a copy
  return r;
}

}  // namespace

Result<std::string_view> UploadedFile(const Request& request) {
  const std::string_view content_type = request.Header("content-type");
  if (LowerAscii(Trim(content_type.substr(0, content_type.find(';')))) == "multipart/form-data")
    return MultipartFile(content_type, request.body);
  return std::string_view(request.body);
}

void AddAttachmentRoutes(Router& router, app::AttachmentStore& store) {
  router.Add(Verb::post, "/api/v1/attachments", "attachments.create", Permission::kAttachmentWrite,
             SyncHandler([&store](Request& r) { return CreateAttachment(store, r); }));
  router.Add(Verb::get, "/api/v1/attachments/{id}", "attachments.get", Permission::kSignedIn,
             SyncHandler([&store](Request& r) { return GetAttachment(store, r); }));
}

}  // namespace civicgrid::http
