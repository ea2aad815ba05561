// The HTTP server end to end: a real server on 127.0.0.1 (port 0) in this process, driven by a Beast
// synchronous client, plus raw sockets (with receive timeouts) for malformed and slow clients.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "http/json_body.h"
#include "http/static_files.h"
#include "support/exposition.h"
#include "support/trickle.h"

namespace civicgrid::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using HttpResponse = bhttp::response<bhttp::string_body>;

// State shared with the test routes.
struct Hooks {
  std::atomic<bool> slow_started{false};
};

void AddTestRoutes(Router& router, Hooks& hooks) {
  router.Add(Verb::get, "/api/v1/divisions/{code}", "divisions.get", Permission::kPublic, SyncHandler([](Request& request) {
               return Json(200, boost::json::value{{"code", request.Param("code")}});
             }));
  router.Add(Verb::post, "/api/echo", "echo", Permission::kPublic, SyncHandler([](Request& request) {
               return Json(200, boost::json::value{{"body", request.body},
                                                   {"q", request.Query("q")},
                                                   {"x", request.Query("x")},
                                                   {"content_type", request.Header("Content-Type")},
                                                   {"remote_set", !request.remote.empty()}});
             }));
  router.Add(Verb::post, "/api/json", "json", Permission::kPublic, SyncHandler([](Request& request) {
               auto body = JsonObjectBody(request);
               return body ? Json(200, boost::json::value{{"members", body->size()}}) : JsonError(body.error());
             }));
  router.Add(Verb::get, "/api/throw", "throw", Permission::kPublic, SyncHandler([](Request&) -> Response {
               throw std::runtime_error("handler failed on purpose");
             }));
  router.Add(Verb::get, "/api/slow", "slow", Permission::kPublic, Handler([&hooks](Request&) -> asio::awaitable<Response> {
               hooks.slow_started = true;
               asio::steady_timer timer(co_await asio::this_coro::executor, 300ms);
               co_await timer.async_wait(asio::use_awaitable);
               co_return Text(200, "slow done");
             }));
}

// A started server with the standard and test routes; stops on destruction.
struct TestServer {
  explicit TestServer(ServerOptions options = {}) {
    AddStandardRoutes(router, metrics);
    AddTestRoutes(router, hooks);
    options.address = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    options.log_requests = false;
    server = std::make_unique<Server>(options, router, metrics);
    auto started = server->Start();
    EXPECT_TRUE(started.ok()) << started.error().message;
    EXPECT_NE(server->port(), 0);
  }
  ~TestServer() { server->Stop(); }
  unsigned short port() const { return server->port(); }

  Hooks hooks;
  Router router;
  Metrics metrics;
  std::unique_ptr<Server> server;
};

// A Beast synchronous client on one keep-alive connection.
class Client {
 public:
  explicit Client(unsigned short port) : stream_(ioc_) {
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  HttpResponse Send(bhttp::request<bhttp::string_body> request) {
    request.set(bhttp::field::host, "127.0.0.1");
    request.prepare_payload();
    bhttp::write(stream_, request);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    if (request.method() == Verb::head) parser.skip(true);
    bhttp::read(stream_, buffer_, parser);
    return parser.release();
  }
  HttpResponse Call(Verb method, std::string target, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> request{method, target, 11};
    for (auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    return Send(std::move(request));
  }
  HttpResponse Get(std::string target) { return Call(Verb::get, std::move(target)); }
  // True when the server has closed the connection (the next read sees end of stream).
  bool PeerClosed() {
    beast::error_code ec;
    char byte;
    stream_.socket().read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Raw POSIX socket with a 5 s receive timeout, for clients that misbehave.
class RawSocket {
 public:
  explicit RawSocket(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(std::string_view data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }
  // Reads until the peer closes (closed = true) or the receive timeout passes (closed = false).
  std::pair<std::string, bool> ReadAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
    return {out, n == 0 || errno == ECONNRESET};
  }

 private:
  int fd_;
  bool connected_ = false;
};

// A directory tree under the system temp dir: root/www is the web root, root/secret.txt is outside.
class WebRoot {
 public:
  WebRoot() {
    std::string pattern = (fs::temp_directory_path() / "civicgrid-http-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    base_ = pattern;
    fs::create_directories(www() / "assets");
    Write(www() / "index.html", "<html>civicgrid app</html>");
    Write(www() / "assets" / "app.js", "console.log('app');");
    for (const char* name : {"assets/style.css", "data.json", "logo.svg", "img.png", "photo.jpg", "photo.webp",
                             "font.woff2", "favicon.ico", ".env"}) {
      Write(www() / name, name);
    }
    Write(base_ / "secret.txt", "TOP SECRET");
    fs::create_symlink(base_ / "secret.txt", www() / "leak.txt");
    fs::create_symlink(base_, www() / "up");
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  fs::path www() const { return base_ / "www"; }

 private:
  static void Write(const fs::path& path, std::string_view text) { std::ofstream(path, std::ios::binary) << text; }
  fs::path base_;
};

void ExpectJsonError(const HttpResponse& response, unsigned status, std::string_view code) {
  EXPECT_EQ(response.result_int(), status) << response.body();
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("error").at("code").as_string(), code) << response.body();
  EXPECT_TRUE(body.at("error").at("message").is_string());
}

constexpr std::string_view kApiPolicy = "default-src 'none'; frame-ancestors 'none'";

// The headers of every response; `policy` is the Content-Security-Policy expected.
void ExpectSecurityHeaders(const HttpResponse& response, std::string_view policy = kApiPolicy) {
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response["X-Frame-Options"], "DENY");
  EXPECT_EQ(response["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(response["Content-Security-Policy"], policy);
  EXPECT_EQ(response.count("Content-Security-Policy"), 1u);
  EXPECT_FALSE(response["X-Request-Id"].empty());
}

TEST(HttpServer, RoutesWithParametersAndSecurityHeaders) {
  TestServer server;
  Client client(server.port());
  auto response = client.Get("/api/v1/divisions/110101");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response.body(), R"({"code":"110101"})");
  ExpectSecurityHeaders(response);

  auto echoed = client.Call(Verb::get, "/api/v1/divisions/1", {}, {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(echoed["X-Request-Id"], "abc-123");
  auto replaced = client.Call(Verb::get, "/api/v1/divisions/1", {}, {{"X-Request-Id", "bad id\"<>"}});
  EXPECT_NE(replaced["X-Request-Id"], "bad id\"<>");
  EXPECT_NE(replaced["X-Request-Id"], response["X-Request-Id"]);
}

TEST(HttpServer, DecodesQueryAndPassesBodyAndHeaders) {
  TestServer server;
  Client client(server.port());
  auto response = client.Call(Verb::post, "/api/echo?q=a%20b&x=1&x=2", "hello", {{"Content-Type", "text/plain"}});
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("body").as_string(), "hello");
  EXPECT_EQ(body.at("q").as_string(), "a b");
  EXPECT_EQ(body.at("x").as_string(), "2");
  EXPECT_EQ(body.at("content_type").as_string(), "text/plain");
  EXPECT_TRUE(body.at("remote_set").as_bool());
}

TEST(HttpServer, UnknownPathAndWrongMethodAreJsonErrors) {
  TestServer server;
  Client client(server.port());
  auto missing = client.Get("/api/nope");
  ExpectJsonError(missing, 404, "not_found");
  ExpectSecurityHeaders(missing);
  auto wrong = client.Call(Verb::delete_, "/api/v1/divisions/11");
  ExpectJsonError(wrong, 405, "method_not_allowed");
  EXPECT_EQ(wrong[bhttp::field::allow], "GET, HEAD");
  // The connection survives both.
  EXPECT_EQ(client.Get("/healthz").result_int(), 200u);
}

TEST(HttpServer, BodyTooLargeIs413) {
  TestServer server;
  Client client(server.port());
  auto response = client.Call(Verb::post, "/api/echo", std::string((1 << 20) + 1, 'x'));
  ExpectJsonError(response, 413, "payload_too_large");
  EXPECT_TRUE(client.PeerClosed());
  // Exactly the limit is fine.
  Client again(server.port());
  EXPECT_EQ(again.Call(Verb::post, "/api/echo", std::string(1 << 20, 'x')).result_int(), 200u);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server;
  Client client(server.port());
  for (int i = 0; i < 5; ++i) {
    auto response = client.Get("/api/v1/divisions/" + std::to_string(i));
    ASSERT_EQ(response.result_int(), 200u);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(response.body(), R"({"code":")" + std::to_string(i) + R"("})");
  }
  EXPECT_EQ(server.metrics.Value("civicgrid_http_connections_active"), 1);
}

TEST(HttpServer, Http10WithoutKeepAliveCloses) {
  TestServer server;
  RawSocket raw(server.port());
  ASSERT_TRUE(raw.connected());
  raw.Send("GET /healthz HTTP/1.0\r\n\r\n");
  auto [data, closed] = raw.ReadAll();
  EXPECT_TRUE(data.starts_with("HTTP/1.0 200")) << data;
  EXPECT_TRUE(closed);
}

TEST(HttpServer, HealthzAndHead) {
  TestServer server;
  Client client(server.port());
  auto response = client.Get("/healthz");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), R"({"status":"ok"})");
  auto head = client.Call(Verb::head, "/healthz");
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[bhttp::field::content_length], std::to_string(response.body().size()));
  EXPECT_EQ(client.Get("/healthz").result_int(), 200u);  // the HEAD left the stream in sync
}

TEST(HttpServer, StaticFilesWithContentTypes) {
  WebRoot root;
  ServerOptions options;
  options.static_root = root.www().string();
  TestServer server(options);
  Client client(server.port());
  const std::pair<std::string, std::string> cases[] = {
      {"/", "text/html; charset=utf-8"},
      {"/index.html", "text/html; charset=utf-8"},
      {"/assets/app.js", "text/javascript; charset=utf-8"},
      {"/assets/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},
      {"/logo.svg", "image/svg+xml"},
      {"/img.png", "image/png"},
      {"/photo.jpg", "image/jpeg"},
      {"/photo.webp", "image/webp"},
      {"/font.woff2", "font/woff2"},
      {"/favicon.ico", "image/x-icon"},
  };
  for (const auto& [target, type] : cases) {
    auto response = client.Get(target);
    EXPECT_EQ(response.result_int(), 200u) << target;
    EXPECT_EQ(response[bhttp::field::content_type], type) << target;
    ExpectSecurityHeaders(response, kUiContentSecurityPolicy);
  }
  EXPECT_EQ(client.Get("/assets/app.js").body(), "console.log('app');");

  auto head = client.Call(Verb::head, "/assets/app.js");
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[bhttp::field::content_length], "19");
  EXPECT_TRUE(head.body().empty());

  auto first = client.Get("/assets/style.css");
  std::string etag(first[bhttp::field::etag]);
  ASSERT_FALSE(etag.empty());
  auto cached = client.Call(Verb::get, "/assets/style.css", {}, {{"If-None-Match", etag}});
  EXPECT_EQ(cached.result_int(), 304u);
  EXPECT_TRUE(cached.body().empty());
  ExpectSecurityHeaders(cached, kUiContentSecurityPolicy);

  ExpectJsonError(client.Call(Verb::post, "/index.html"), 405, "method_not_allowed");
}

TEST(HttpServer, SinglePageAppFallbackAndMissingFiles) {
  WebRoot root;
  ServerOptions options;
  options.static_root = root.www().string();
  TestServer server(options);
  Client client(server.port());
  auto route = client.Get("/divisions/110101");
  EXPECT_EQ(route.result_int(), 200u);
  EXPECT_EQ(route.body(), "<html>civicgrid app</html>");
  ExpectSecurityHeaders(route, kUiContentSecurityPolicy);
  auto missing = client.Get("/assets/missing.js");
  ExpectJsonError(missing, 404, "not_found");
  ExpectSecurityHeaders(missing);  // an error, not a UI file
  ExpectJsonError(client.Get("/.env"), 404, "not_found");
  // Unknown API paths never fall back to the UI.
  ExpectJsonError(client.Get("/api/unknown"), 404, "not_found");
}

TEST(HttpServer, PathTraversalIsRejectedOrConfined) {
  WebRoot root;
  ServerOptions options;
  options.static_root = root.www().string();
  TestServer server(options);
  const char* targets[] = {"/../secret.txt",   "/%2e%2e/secret.txt",   "/%2E%2E/%2e%2e/secret.txt",
                           "/assets/../../secret.txt", "/..%2fsecret.txt", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
                           "/leak.txt",        "/up/secret.txt",       "/up",
                           "/..%5csecret.txt", "/../etc/passwd",       "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"};
  for (const char* target : targets) {
    Client client(server.port());
    auto response = client.Get(target);
    EXPECT_EQ(response.body().find("TOP SECRET"), std::string::npos) << target;
    EXPECT_EQ(response.body().find("root:"), std::string::npos) << target;
    unsigned status = response.result_int();
    bool spa_fallback = status == 200 && response.body() == "<html>civicgrid app</html>";
    EXPECT_TRUE(status == 400 || status == 404 || spa_fallback) << target << " → " << status;
  }
}

TEST(HttpServer, WithoutUiRootAnswersPlaceholderPage) {
  for (std::string root : {std::string(), std::string("/nonexistent/civicgrid-ui")}) {
    ServerOptions options;
    options.static_root = root;
    options.docs_path = "/api/v1/docs";
    TestServer server(options);
    Client client(server.port());
    auto page = client.Get("/");
    EXPECT_EQ(page.result_int(), 200u);
    EXPECT_EQ(page[bhttp::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(page.body().find("not built"), std::string::npos) << page.body();
    EXPECT_NE(page.body().find("href=\"/healthz\""), std::string::npos);
    EXPECT_NE(page.body().find("href=\"/api/v1/docs\""), std::string::npos);
    ExpectSecurityHeaders(page);
    ExpectJsonError(client.Get("/assets/app.js"), 404, "not_found");
    ExpectJsonError(client.Get("/divisions/11"), 404, "not_found");
  }
}

TEST(HttpServer, MetricsExposition) {
  TestServer server;
  server.metrics.AddGaugeCallback("civicgrid_grids", "Grids in the store.", [] { return 42.0; });
  Client client(server.port());
  client.Get("/api/v1/divisions/1");
  client.Get("/api/v1/divisions/2");
  client.Get("/api/nope");
  auto response = client.Get("/metrics");
  ASSERT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[bhttp::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = response.body();
  EXPECT_NE(text.find("civicgrid_http_requests_total{route=\"divisions.get\",method=\"GET\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("civicgrid_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("civicgrid_http_request_duration_seconds_bucket{route=\"divisions.get\",le=\"+Inf\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("civicgrid_http_request_duration_seconds_count{route=\"divisions.get\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("civicgrid_http_connections_active 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE civicgrid_process_start_time_seconds gauge\ncivicgrid_process_start_time_seconds "),
            std::string::npos);
  EXPECT_NE(text.find("civicgrid_grids 42\n"), std::string::npos);
  testing::ExpectValidExposition(text);
}

TEST(HttpServer, HandlerExceptionIs500Json) {
  TestServer server;
  Client client(server.port());
  auto response = client.Get("/api/throw");
  ExpectJsonError(response, 500, "internal");
  EXPECT_EQ(response.body().find("on purpose"), std::string::npos);  // internals are logged, not sent
  EXPECT_EQ(client.Get("/healthz").result_int(), 200u);
}

TEST(HttpServer, MalformedRequestIs400AndClose) {
  TestServer server;
  RawSocket raw(server.port());
  ASSERT_TRUE(raw.connected());
  raw.Send("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto [data, closed] = raw.ReadAll();
  EXPECT_TRUE(data.starts_with("HTTP/1.1 400")) << data;
  EXPECT_NE(data.find("\"code\":\"invalid_argument\""), std::string::npos) << data;
  EXPECT_TRUE(closed);
}

TEST(HttpServer, SlowHeaderIsDisconnected) {
  ServerOptions options;
  options.read_timeout = 1s;
  TestServer server(options);
  RawSocket raw(server.port());
  ASSERT_TRUE(raw.connected());
  auto start = std::chrono::steady_clock::now();
  raw.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: ");
  auto [data, closed] = raw.ReadAll();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "connection still open after the header timeout";
  EXPECT_EQ(data.find("200 OK"), std::string::npos);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 4s);
}

TEST(HttpServer, SlowlorisClientsAreCutOffWhileOthersAreServed) {
  ServerOptions options;
  options.read_timeout = 1s;
  TestServer server(options);
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(100, 'a') +
                             "\r\n\r\n";
  const std::string complete = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string post = "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n";
  // One byte every 300 ms: each read succeeds long before read_timeout, but the whole never arrives
  // in time. The header of a first request, of a keep-alive request after a served one, and a body.
  using testing::Trickle;
  std::optional<std::chrono::milliseconds> first, later, body;
  std::thread a([&] { first = Trickle(server.port(), "", header, 300ms); });
  std::thread b([&] { later = Trickle(server.port(), complete, header, 300ms); });
  std::thread c([&] { body = Trickle(server.port(), post, std::string(100, 'x'), 300ms); });
  // Meanwhile other clients are served promptly.
  auto until = std::chrono::steady_clock::now() + 2500ms;
  int served = 0;
  while (std::chrono::steady_clock::now() < until) {
    Client client(server.port());
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.Get("/healthz").result_int(), 200u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
    ++served;
    std::this_thread::sleep_for(100ms);
  }
  a.join();
  b.join();
  c.join();
  EXPECT_GE(served, 5);
  for (const auto& elapsed : {first, later, body}) {
    ASSERT_TRUE(elapsed.has_value()) << "a trickling client kept its connection";
    EXPECT_GE(*elapsed, 600ms);
    EXPECT_LT(*elapsed, 2500ms);
  }
}

TEST(HttpServer, TargetThatIsNotUtf8Is400) {
  TestServer server;
  for (const char* target : {"/api/v1/divisions/%C3%28", "/api/v1/divisions/%ED%A0%80", "/api/v1/divisions/%C0%AF",
                             "/api/v1/divisions/a%00b", "/api/echo?q=%FF", "/api/echo?%00=1", "/%FF"}) {
    Client client(server.port());
    auto response = client.Get(target);
    ExpectJsonError(response, 400, "invalid_argument");
    ExpectSecurityHeaders(response);
    EXPECT_EQ(boost::json::parse(response.body()).at("error").at("field").as_string(), "target") << target;
  }
  Client client(server.port());
  EXPECT_EQ(client.Get("/api/v1/divisions/%E7%AC%AC1").body(), R"({"code":"第1"})");
}

TEST(HttpServer, JsonBodiesTooDeepOrNotUtf8Are400) {
  TestServer server;
  Client client(server.port());
  auto field_and_message = [](const HttpResponse& response) {
    auto error = boost::json::parse(response.body()).at("error");
    return std::string(error.at("field").as_string()) + ": " + std::string(error.at("message").as_string());
  };
  std::string deep = R"({"a":)" + std::string(25, '[') + std::string(25, ']') + "}";
  auto response = client.Call(Verb::post, "/api/json", deep, {{"Content-Type", "application/json"}});
  ExpectJsonError(response, 400, "invalid_argument");
  EXPECT_EQ(field_and_message(response), "body: the body's JSON is nested deeper than 20 levels");
  response = client.Call(Verb::post, "/api/json", "{\"a\":\"\xC3\x28\"}", {{"Content-Type", "application/json"}});
  ExpectJsonError(response, 400, "invalid_argument");
  EXPECT_EQ(field_and_message(response), "body: the body is not valid UTF-8");
  response = client.Call(Verb::post, "/api/json", R"({"a":"第1网格","b":[1,2]})");
  EXPECT_EQ(response.body(), R"({"members":2})");
}

TEST(HttpServer, GracefulStopFinishesInFlightRequest) {
  TestServer server;
  HttpResponse response;
  std::thread client_thread([&] {
    Client client(server.port());
    response = client.Get("/api/slow");
  });
  for (int i = 0; i < 500 && !server.hooks.slow_started; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(server.hooks.slow_started);
  auto start = std::chrono::steady_clock::now();
  server.server->Stop();
  auto elapsed = std::chrono::steady_clock::now() - start;
  client_thread.join();
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "slow done");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_GE(elapsed, 100ms);
  EXPECT_LT(elapsed, 5s);
  // No longer accepting.
  RawSocket late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(HttpServer, StopClosesIdleKeepAliveConnections) {
  TestServer server;
  Client client(server.port());
  EXPECT_EQ(client.Get("/healthz").result_int(), 200u);
  auto start = std::chrono::steady_clock::now();
  server.server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(client.PeerClosed());
  server.server->Stop();  // idempotent
}

TEST(HttpServer, RequestStopFromAnotherThreadEndsRun) {
  TestServer server;
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    server.server->RequestStop();
  });
  server.server->Run();
  stopper.join();
}

TEST(HttpServer, SignalTriggersGracefulStop) {
  Router router;
  Metrics metrics;
  AddStandardRoutes(router, metrics);
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.handle_signals = true;
  Server server(options, router, metrics);
  ASSERT_TRUE(server.Start().ok());
  {
    Client client(server.port());
    EXPECT_EQ(client.Get("/healthz").result_int(), 200u);
  }
  std::thread killer([] {
    std::this_thread::sleep_for(50ms);
    std::raise(SIGTERM);
  });
  server.Run();  // returns once SIGTERM has been handled
  killer.join();
}

TEST(HttpServer, StartFailsCleanlyWhenPortIsTaken) {
  TestServer first;
  Router router;
  Metrics metrics;
  ServerOptions options;
  options.port = first.port();
  Server second(options, router, metrics);
  auto started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().field, "listen");
  ServerOptions bad;
  bad.address = "not an address";
  Server third(bad, router, metrics);
  EXPECT_EQ(third.Start().error().code, "invalid_argument");
}

}  // namespace
}  // namespace civicgrid::http
