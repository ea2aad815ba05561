// Fuzzes request handling up to the handler: the bytes are what a client sends on one connection.
// They are parsed by Beast's request parser with the server's header and body limits (several
// pipelined requests while each asks to keep the connection), each parsed request is turned into a
// Request by FromBeast (as the server does), and then routed: API paths by Router::Find on a router
// with the real routes' patterns, other GET/HEAD paths by StaticFiles::Serve on a small web root
// beside a file that must never be served. Every body also goes through the upload decoding of
// POST /api/v1/attachments (UploadedFile: raw or multipart/form-data) and the image sniffing after it.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "app/attachments.h"
#include "core/text.h"
#include "fuzz/fuzz_check.h"
#include "http/attachment_routes.h"
#include "http/beast_request.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"

namespace civicgrid::fuzz {
namespace {

namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using http::Verb;

constexpr std::string_view kSecret = "outside the web root";

// The one place that registers a route, so that a change of Router::Add's signature is one line here.
void AddRoute(http::Router& router, Verb method, const char* pattern, const char* name) {
  router.Add(method, pattern, name, Permission::kPublic, http::SyncHandler([](http::Request&) { return http::Text(200, "ok"); }));
}

// The routes of the real server (their patterns and methods), with trivial handlers.
void AddRoutes(http::Router& router) {
  const struct {
    Verb method;
    const char* pattern;
  } routes[] = {
      {Verb::get, "/healthz"},
      {Verb::get, "/metrics"},
      {Verb::get, "/api/v1/cases"},
      {Verb::post, "/api/v1/cases"},
      {Verb::get, "/api/v1/cases/{id}"},
      {Verb::post, "/api/v1/cases/{id}/actions"},
      {Verb::get, "/api/v1/cases/{id}/routing"},
      {Verb::get, "/api/v1/track/{code}"},
      {Verb::get, "/api/v1/divisions/{code}"},
      {Verb::get, "/api/v1/grids"},
      {Verb::get, "/api/v1/grids/{code}"},
      {Verb::get, "/api/v1/locate"},
      {Verb::get, "/api/v1/stats"},
      {Verb::get, "/api/v1/attachments/{id}"},
      {Verb::post, "/api/v1/attachments"},
      {Verb::get, "/api/v1/units"},
      {Verb::post, "/api/v1/units"},
      {Verb::put, "/api/v1/units/{id}"},
      {Verb::get, "/api/v1/categories"},
      {Verb::post, "/api/v1/categories"},
      {Verb::put, "/api/v1/categories/{code}"},
      {Verb::get, "/api/v1/calendars"},
      {Verb::get, "/api/v1/calendars/{id}"},
      {Verb::put, "/api/v1/calendars/{id}"},
      {Verb::get, "/api/v1/routing"},
      {Verb::get, "/api/v1/routing-rules"},
      {Verb::post, "/api/v1/routing-rules"},
      {Verb::put, "/api/v1/routing-rules/{id}"},
      {Verb::delete_, "/api/v1/routing-rules/{id}"},
  };
  for (const auto& route : routes) AddRoute(router, route.method, route.pattern, route.pattern);
}

// A web root (index.html, assets/app.js) inside a temporary directory that also holds a secret file,
// reachable from the root only through a symlink that must not be followed out.
struct WebRoot {
  WebRoot() {
    std::string pattern = (fs::temp_directory_path() / "civicgrid-fuzz-XXXXXX").string();
    Check(::mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory");
    base = pattern;
    fs::create_directories(base / "www" / "assets");
    std::ofstream(base / "www" / "index.html") << "<html>index</html>";
    std::ofstream(base / "www" / "assets" / "app.js") << "app();";
    std::ofstream(base / "secret.txt") << kSecret;
    fs::create_symlink(base / "secret.txt", base / "www" / "leak.txt");
    fs::create_symlink(base, base / "www" / "up");
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  fs::path base;
};

struct Fixture {
  Fixture() : files((web.base / "www").string()) { AddRoutes(router); }
  http::ServerOptions options;  // the limits the server applies
  http::Router router;
  WebRoot web;
  http::StaticFiles files;
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

bool Clean(std::string_view text) { return text.find('\0') == std::string_view::npos && IsValidUtf8(text); }

// Checks what FromBeast made of an accepted request, then routes it.
void Route(Fixture& fixture, http::Request& request) {
  Check(Clean(request.path) && request.path.starts_with('/'), "a decoded path is not clean UTF-8 from '/'");
  for (const auto& segment : request.segments) Check(Clean(segment), "a decoded segment is not clean UTF-8");
  for (const auto& [key, value] : request.query) Check(Clean(key) && Clean(value), "a query is not clean UTF-8");
  for (const auto& [name, value] : request.headers) {
    for (char c : name) Check(!(c >= 'A' && c <= 'Z'), "a header name is not lower-case");
  }
  Check(!request.id.empty() && request.id.size() <= 64, "a request id is empty or long");

  if (auto file = http::UploadedFile(request); file) {
    const char* begin = request.body.data();
    Check(file->data() >= begin && file->data() + file->size() <= begin + request.body.size(),
          "UploadedFile answered bytes outside the body");
    if (auto image = app::SniffImage(*file)) Check(!image->content_type.empty(), "an image without a type");
  } else {
    CheckInputError(file.error());
  }

  const std::string& path = request.path;
  if (path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/metrics") {
    auto match = fixture.router.Find(request);
    if (match.kind == http::Router::Match::Kind::kFound) {
      Check(match.handler != nullptr && request.route == match.name, "a found route has no handler or name");
      for (const auto& [name, value] : request.params) Check(!value.empty(), "an empty path parameter");
    } else if (match.kind == http::Router::Match::Kind::kMethodNotAllowed) {
      Check(!match.allow.empty(), "405 without Allow");
    }
    return;
  }
  if (request.method != Verb::get && request.method != Verb::head) return;
  http::Response response = fixture.files.Serve(request);
  Check(response.body.find(kSecret) == std::string::npos, "a file outside the web root was served");
  Check(response.status == 200 || response.status == 304 || response.status == 400 || response.status == 404,
        "static files answered an unexpected status");
}

}  // namespace
}  // namespace civicgrid::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace civicgrid;
  namespace bhttp = boost::beast::http;
  fuzz::Fixture& fixture = fuzz::Shared();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < 8 && !rest.empty(); ++n) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(fixture.options.max_header_bytes));
    parser.body_limit(fixture.options.max_body_bytes);
    boost::beast::error_code ec;
    while (!parser.is_done() && !rest.empty()) {
      size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (!parser.is_done()) return 0;  // an error (the server answers 4xx and closes) or the input ended
    http::BeastRequest& message = parser.get();
    const bool keep_alive = message.keep_alive();
    http::Request request;
    if (auto converted = http::FromBeast(message, request); converted) {
      fuzz::Route(fixture, request);
    } else {
      fuzz::CheckInputError(converted.error());
      fuzz::Check(http::StatusFor(converted.error()) == 400, "a refused target is not a 400");
      return 0;  // the server closes the connection after this answer
    }
    if (!keep_alive) return 0;
  }
  return 0;
}
