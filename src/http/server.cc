#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/log.h"
#include "http/beast_request.h"
#include "http/static_files.h"

namespace civicgrid::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kRequests = "civicgrid_http_requests_total";
constexpr const char* kDuration = "civicgrid_http_request_duration_seconds";
constexpr const char* kConnections = "civicgrid_http_connections_active";
constexpr const char* kStartTime = "civicgrid_process_start_time_seconds";
constexpr const char* kLiveConnections = "civicgrid_live_connections";

void DescribeServerMetrics(Metrics& metrics) {
  metrics.Describe(kRequests, Metrics::Type::kCounter, "HTTP requests answered, by route, method and status.");
  metrics.Describe(kDuration, Metrics::Type::kHistogram, "HTTP request handling time in seconds, by route.");
  metrics.Describe(kConnections, Metrics::Type::kGauge, "Open HTTP connections.");
  metrics.Describe(kStartTime, Metrics::Type::kGauge, "Start time of the process since the Unix epoch in seconds.");
  metrics.Describe(kLiveConnections, Metrics::Type::kGauge, "Open WebSocket sessions.");
  metrics.GaugeAdd(kConnections, {}, 0);
  metrics.GaugeAdd(kLiveConnections, {}, 0);
  metrics.GaugeSet(kStartTime, {}, ProcessStartTimeSeconds());
}

bool IsRouterPath(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/open311" || path.starts_with("/open311/") ||
         path == "/healthz" || path == "/metrics";
}

// Content-Security-Policy of every response that does not bring its own (API, errors, pages).
constexpr const char* kApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

// The headers every response carries; a Content-Security-Policy already set is kept.
void SetSecurityHeaders(bhttp::fields& fields, const std::string& request_id) {
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("X-Frame-Options", "DENY");
  fields.set("Referrer-Policy", "no-referrer");
  if (fields.find("Content-Security-Policy") == fields.end()) {
    fields.set("Content-Security-Policy", kApiContentSecurityPolicy);
  }
  fields.set("X-Request-Id", request_id);
}

bool HeaderSafe(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

// One accepted connection; its stream's executor is a strand that serialises all work on it.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a request is being handled; touched only on the stream's strand
  std::string remote;
  WebSocketStream* ws = nullptr;  // the upgraded stream while its session runs; strand only
  bool ws_closing = false;        // the server has begun the closing handshake; strand only
};

// Begins the closing handshake of the connection's WebSocket session with `code`, once. Strand only.
void CloseWebSocket(const std::shared_ptr<Connection>& conn, websocket::close_code code) {
  if (!conn->ws || conn->ws_closing || !conn->ws->is_open()) return;
  conn->ws_closing = true;
  // The handler keeps the connection (and so the TCP stream under the WebSocket stream) alive; if the
  // session ends first, the WebSocket stream's destruction completes this with operation_aborted.
  conn->ws->async_close(code, [conn](const beast::error_code&) {});
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)), router(r), metrics(m), static_files(options.static_root) {}

  // Declared before the io_context so that they outlive it: destroying the io_context destroys
  // suspended sessions, whose guards unregister themselves here.
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  StaticFiles static_files;
  struct WebSocketRoute {
    std::string name;
    WebSocketHandler handler;
  };
  std::unordered_map<std::string, WebSocketRoute> websockets;  // by path; read-only once started
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;  // guarded by mu
  bool done = false;                                                       // guarded by mu
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};
  std::atomic<unsigned short> bound_port{0};
  std::mutex join_mu;
  std::vector<std::thread> threads;

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer shutdown_timer{asio::make_strand(ioc)};
  std::optional<asio::signal_set> signals;

  Result<void> Start();
  void BeginStop();
  void Finish();
  void WaitStopped();
  bool OnIoThread() const;
  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  asio::awaitable<Response> Handle(Request& request);
  asio::awaitable<void> LingeringClose(Connection& conn);
  const WebSocketRoute* FindWebSocket(const bhttp::request<bhttp::string_body>& message, const Request& request) const;
  Result<WebSocketSession> OpenWebSocket(const WebSocketRoute& route, Request& request);
  asio::awaitable<void> RunWebSocket(std::shared_ptr<Connection> conn, bhttp::request<bhttp::string_body>& message,
                                     const Request& request, Clock::time_point start, WebSocketSession session);
  void Forget(Connection* conn);
};

namespace {
thread_local const void* current_io_impl = nullptr;  // the Impl whose io thread this is
}  // namespace

bool Server::Impl::OnIoThread() const { return current_io_impl == this; }

Result<void> Server::Impl::Start() {
  if (started.exchange(true)) return Error{"failed_precondition", "server already started", {}};
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return Error::InvalidArgument("invalid listen address '" + options.address + "'", "address");
  tcp::endpoint endpoint(address, options.port);
  auto fail = [&](const char* what) {
    std::string message = std::string("cannot ") + what + " " + options.address + ":" +
                          std::to_string(options.port) + ": " + ec.message();
    acceptor.close(ec);
    std::lock_guard lock(mu);
    done = true;
    finished = true;
    return Error{"unavailable", std::move(message), "listen"};
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  bound_port = acceptor.local_endpoint(ec).port();

  work.emplace(ioc.get_executor());
  asio::co_spawn(acceptor.get_executor(), Accept(), asio::detached);
  if (options.handle_signals) {
    signals.emplace(asio::make_strand(ioc), SIGINT, SIGTERM);
    signals->async_wait([this](const beast::error_code& error, int signal) {
      if (error) return;
      log::Info("server.signal", {{"signal", signal}});
      BeginStop();
    });
  }
  unsigned n = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  log::Info("server.start", {{"address", options.address},
                             {"port", static_cast<int>(bound_port.load())},
                             {"threads", n},
                             {"static_root", options.static_root},
                             {"ui", static_files.available()}});
  threads.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([this] {
      current_io_impl = this;
      for (;;) {
        try {
          ioc.run();
          break;
        } catch (const std::exception& e) {
          log::Error("server.io_exception", {{"error", e.what()}});
        }
      }
    });
  }
  return {};
}

void Server::Impl::BeginStop() {
  if (!started || stopping.exchange(true)) return;
  log::Info("server.stopping", {{"port", static_cast<int>(bound_port.load())}});
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  if (signals) asio::post(signals->get_executor(), [this] { signals->cancel(); });
  bool none;
  {
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : connections) {
      if (auto conn = weak.lock()) {
        // Idle connections (waiting for a request) are closed now; busy ones close after responding;
        // WebSocket sessions get a close frame and end when the client answers it.
        asio::post(conn->stream.get_executor(), [conn] {
          if (conn->ws) {
            CloseWebSocket(conn, websocket::close_code::going_away);
          } else if (!conn->busy) {
            conn->stream.cancel();
          }
        });
      }
    }
    none = connections.empty();
  }
  if (none) {
    Finish();
    return;
  }
  asio::post(shutdown_timer.get_executor(), [this] {
    shutdown_timer.expires_after(options.shutdown_timeout);
    shutdown_timer.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      size_t left;
      {
        std::lock_guard lock(mu);
        left = connections.size();
      }
      log::Warn("server.shutdown_timeout", {{"connections", left}});
      Finish();
    });
  });
}

void Server::Impl::Finish() {
  if (finished.exchange(true)) return;
  asio::post(shutdown_timer.get_executor(), [this] { shutdown_timer.cancel(); });
  {
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : connections) {
      if (auto conn = weak.lock()) asio::post(conn->stream.get_executor(), [conn] { conn->stream.close(); });
    }
  }
  work.reset();
  ioc.stop();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
}

void Server::Impl::WaitStopped() {
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return done; });
  }
  std::lock_guard join_lock(join_mu);
  bool joined = false;
  for (auto& thread : threads) {
    if (thread.joinable()) {
      thread.join();
      joined = true;
    }
  }
  if (joined) log::Info("server.stopped", {{"port", static_cast<int>(bound_port.load())}});
}

void Server::Impl::Forget(Connection* conn) {
  bool last;
  {
    std::lock_guard lock(mu);
    connections.erase(conn);
    last = connections.empty();
  }
  metrics.GaugeAdd(kConnections, {}, -1);
  if (last && stopping && !finished) Finish();
}

asio::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (stopping || ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      log::Warn("server.accept_error", {{"error", ec.message()}});
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    beast::error_code endpoint_ec;
    auto peer = socket.remote_endpoint(endpoint_ec);
    auto conn = std::make_shared<Connection>(std::move(socket));
    if (!endpoint_ec) {
      const std::string address = peer.address().to_string();
      conn->remote = (peer.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(peer.port());
    }
    {
      std::lock_guard lock(mu);
      connections.emplace(conn.get(), conn);
    }
    metrics.GaugeAdd(kConnections, {}, 1);
    asio::co_spawn(conn->stream.get_executor(), Serve(conn), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::Error("http.connection_exception", {{"error", ex.what()}});
      } catch (...) {
        log::Error("http.connection_exception", {{"error", "unknown"}});
      }
    });
  }
}

asio::awaitable<Response> Server::Impl::Handle(Request& request) {
  if (IsRouterPath(request.path)) {
    co_return co_await router.Dispatch(request);
  }
  request.route = "static";
  if (request.method != Verb::get && request.method != Verb::head) {
    Response response = JsonError(405, Error{"method_not_allowed", "only GET and HEAD are allowed here", {}});
    response.With("Allow", "GET, HEAD");
    co_return response;
  }
  if (static_files.available()) co_return static_files.Serve(request);
  if (request.path == "/") co_return NotBuiltPage(options.docs_path);
  co_return JsonError(404, Error::NotFound("no web UI is built; nothing at " + request.path));
}

const Server::Impl::WebSocketRoute* Server::Impl::FindWebSocket(const bhttp::request<bhttp::string_body>& message,
                                                                 const Request& request) const {
  if (websockets.empty() || !websocket::is_upgrade(message)) return nullptr;
  auto it = websockets.find(request.path);
  return it == websockets.end() ? nullptr : &it->second;
}

Result<WebSocketSession> Server::Impl::OpenWebSocket(const WebSocketRoute& route, Request& request) {
  request.route = route.name;
  try {
    auto session = route.handler(request);
    if (session && !*session) return Error::Internal("WebSocket endpoint answered no session");
    return session;
  } catch (const std::exception& e) {
    log::Error("http.handler_exception",
               {{"route", request.route}, {"path", request.path}, {"id", request.id}, {"error", e.what()}});
  } catch (...) {
    log::Error("http.handler_exception",
               {{"route", request.route}, {"path", request.path}, {"id", request.id}, {"error", "unknown"}});
  }
  return Error::Internal("internal error");
}

asio::awaitable<void> Server::Impl::RunWebSocket(std::shared_ptr<Connection> conn,
                                                 bhttp::request<bhttp::string_body>& message, const Request& request,
                                                 Clock::time_point start, WebSocketSession session) {
  conn->stream.expires_never();  // from now on the WebSocket stream's own timeouts apply
  WebSocketStream ws(conn->stream);
  // Handshake timeout (the 101 response, later the closing handshake) 30 s; no idle timeout unless
  // the session sets one.
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  const std::string method(bhttp::to_string(request.method));
  unsigned status = 0;
  double seconds = 0;
  // Beast calls the decorator with the finished handshake response (101, or its own 400/426 for a
  // bad handshake) just before writing it: count it there, as Serve() does for other responses.
  ws.set_option(websocket::stream_base::decorator([&](websocket::response_type& res) {
    res.set(bhttp::field::server, "civicgrid");
    SetSecurityHeaders(res.base(), request.id);
    status = res.result_int();
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    metrics.CounterAdd(kRequests, {{"route", request.route}, {"method", method}, {"status", std::to_string(status)}});
    metrics.Observe(kDuration, {{"route", request.route}}, seconds);
  }));
  auto [accept_ec] = co_await ws.async_accept(message, kTuple);
  if (options.log_requests) {
    log::Info("http.request", {{"method", method},
                               {"path", request.path},
                               {"route", request.route},
                               {"status", status},
                               {"ms", std::round(seconds * 1e6) / 1e3},
                               {"bytes", 0},
                               {"remote", request.remote},
                               {"id", request.id}});
  }
  if (accept_ec) co_return;

  struct Registration {
    Impl* impl;
    Connection* conn;
    ~Registration() {
      conn->ws = nullptr;
      impl->metrics.GaugeAdd(kLiveConnections, {}, -1);
    }
  };
  conn->ws = &ws;
  metrics.GaugeAdd(kLiveConnections, {}, 1);
  Registration registration{this, conn.get()};
  // A stop that began during the handshake found no stream to close yet.
  if (stopping) CloseWebSocket(conn, websocket::close_code::going_away);
  try {
    co_await session(ws);
  } catch (const std::exception& e) {
    log::Error("http.websocket_exception", {{"route", request.route}, {"id", request.id}, {"error", e.what()}});
  } catch (...) {
    log::Error("http.websocket_exception", {{"route", request.route}, {"id", request.id}, {"error", "unknown"}});
  }
  if (!conn->ws_closing && ws.is_open()) {
    conn->ws_closing = true;
    auto [close_ec] = co_await ws.async_close(websocket::close_code::normal, kTuple);
    (void)close_ec;
  }
}

asio::awaitable<void> Server::Impl::LingeringClose(Connection& conn) {
  // Stop sending, then read and discard what the client still sends for a moment, so that it can
  // read our error response instead of seeing a reset.
  beast::error_code ec;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  auto deadline = Clock::now() + std::chrono::seconds(2);
  size_t budget = 4 * options.max_body_bytes + (1 << 20);
  std::vector<char> scratch(16 * 1024);
  while (!ec && budget > 0 && Clock::now() < deadline) {
    conn.stream.expires_at(deadline);
    auto [read_ec, n] = co_await conn.stream.async_read_some(asio::buffer(scratch), kTuple);
    ec = read_ec;
    budget = n >= budget ? 0 : budget - n;
  }
  conn.stream.close();
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> conn) {
  struct Guard {
    Impl* impl;
    Connection* conn;
    ~Guard() { impl->Forget(conn); }
  } guard{this, conn.get()};

  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  bool first = true;
  bool linger = false;
  // A request's whole header must arrive by this deadline, however it trickles in: read_timeout from
  // the connection's start for the first request, from its first byte for later ones.
  Clock::time_point header_deadline = Clock::now() + options.read_timeout;
  for (;;) {
    if (stopping) break;
    if (buffer.size() == 0) {
      // Wait for the first byte of the next request (idle keep-alive time after the first one).
      if (first) {
        stream.expires_at(header_deadline);
      } else {
        stream.expires_after(options.idle_timeout);
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    if (!first) header_deadline = Clock::now() + options.read_timeout;
    first = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    stream.expires_at(header_deadline);
    auto [header_ec, header_n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    (void)header_n;
    if (stopping && header_ec) break;
    conn->busy = true;
    const auto start = Clock::now();
    beast::error_code ec = header_ec;
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        stream.expires_after(options.write_timeout);
        auto [cont_ec, cont_n] = co_await bhttp::async_write(stream, cont, kTuple);
        (void)cont_n;
        ec = cont_ec;
      }
      if (!ec) {
        stream.expires_after(options.read_timeout);  // for the whole body, however it trickles in
        auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        (void)body_n;
        ec = body_ec;
      }
    }

    Request request;
    Response response;
    bool keep_alive = false;
    unsigned version = 11;
    if (ec == bhttp::error::body_limit) {
      response = JsonError(413, Error{"payload_too_large",
                                      "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes",
                                      {}});
      linger = true;
    } else if (ec == bhttp::error::header_limit) {
      response = JsonError(431, Error{"header_too_large", "request header too large", {}});
      linger = true;
    } else if (IsParseError(ec)) {
      response = JsonError(400, Error::InvalidArgument("malformed HTTP request: " + ec.message()));
      linger = true;
    } else if (ec) {
      break;  // timeout, reset or a closed connection: nobody to answer
    }
    auto& message = parser.get();
    request.remote = conn->remote;
    if (!ec) {
      version = message.version();
      keep_alive = message.keep_alive();
      auto converted = FromBeast(message, request);
      // Behind a trusted reverse proxy the client is the one it names, for everything downstream.
      if (converted)
        request.remote = ClientAddress(conn->remote, request.Header("x-forwarded-for"), options.trusted_proxies);
      if (!converted) {
        response = JsonError(400, converted.error());
        keep_alive = false;
      } else if (const WebSocketRoute* ws_route = FindWebSocket(message, request)) {
        auto session = OpenWebSocket(*ws_route, request);
        if (session) {
          // The connection is the session's from now on; it is closed when the session ends.
          co_await RunWebSocket(conn, message, request, start, std::move(*session));
          break;
        }
        response = JsonError(session.error());
      } else {
        try {
          response = co_await Handle(request);
        } catch (const std::exception& e) {
          log::Error("http.handler_exception",
                     {{"route", request.route}, {"path", request.path}, {"id", request.id}, {"error", e.what()}});
          response = JsonError(500, Error::Internal("internal error"));
        } catch (...) {
          log::Error("http.handler_exception",
                     {{"route", request.route}, {"path", request.path}, {"id", request.id}, {"error", "unknown"}});
          response = JsonError(500, Error::Internal("internal error"));
        }
      }
    } else {
      request.method = message.method();
      request.id = RequestIdFor(message["X-Request-Id"]);
      request.path = std::string(message.target().substr(0, message.target().find('?')));
    }
    if (request.route.empty()) request.route = "unmatched";
    if (response.status < 100 || response.status > 999) response.status = 500;

    bhttp::response<bhttp::string_body> out;
    out.version(version == 10 ? 10 : 11);
    out.result(response.status);
    out.set(bhttp::field::server, "civicgrid");
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
      if (!name.empty() && HeaderSafe(name) && HeaderSafe(value)) out.insert(name, value);
    }
    SetSecurityHeaders(out.base(), request.id);
    const size_t body_bytes = response.body.size();
    const bool no_body = response.status < 200 || response.status == 204 || response.status == 304;
    if (request.method == Verb::head) {
      if (!no_body) out.content_length(body_bytes);
    } else if (!no_body) {
      out.body() = std::move(response.body);
      out.content_length(body_bytes);
    }
    keep_alive = keep_alive && !linger && !stopping;
    out.keep_alive(keep_alive);
    // Count the request before its response leaves: a client that reads /metrics right after
    // receiving this response must see it counted. The duration is the time to produce it.
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string method(bhttp::to_string(request.method));
    metrics.CounterAdd(kRequests,
                       {{"route", request.route}, {"method", method}, {"status", std::to_string(response.status)}});
    metrics.Observe(kDuration, {{"route", request.route}}, seconds);

    stream.expires_after(options.write_timeout);
    auto [write_ec, write_n] = co_await bhttp::async_write(stream, out, kTuple);
    (void)write_n;
    if (options.log_requests) {
      log::Info("http.request", {{"method", method},
                                 {"path", request.path},
                                 {"route", request.route},
                                 {"status", response.status},
                                 {"ms", std::round(seconds * 1e6) / 1e3},
                                 {"bytes", body_bytes},
                                 {"remote", request.remote},
                                 {"id", request.id}});
    }
    conn->busy = false;
    if (write_ec || !keep_alive) break;
  }
  if (linger) {
    co_await LingeringClose(*conn);
  } else {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
  }
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {
  DescribeServerMetrics(metrics);
}

Server::~Server() { Stop(); }

void Server::AddWebSocket(std::string path, std::string name, WebSocketHandler handler) {
  if (impl_->started) throw std::logic_error("AddWebSocket(" + path + ") after Start()");
  if (!path.starts_with('/')) throw std::invalid_argument("WebSocket path must start with '/': " + path);
  if (impl_->websockets.contains(path)) throw std::logic_error("WebSocket path registered twice: " + path);
  impl_->websockets.emplace(std::move(path), Impl::WebSocketRoute{std::move(name), std::move(handler)});
}

Result<void> Server::Start() { return impl_->Start(); }

void Server::Run() {
  if (!impl_->started) {
    if (auto started = Start(); !started) throw std::runtime_error(started.error().message);
  }
  impl_->WaitStopped();
}

void Server::Stop() {
  if (!impl_->started) return;
  impl_->BeginStop();
  if (impl_->OnIoThread()) return;  // waiting here would wait for ourselves
  impl_->WaitStopped();
}

void Server::RequestStop() { impl_->BeginStop(); }

unsigned short Server::port() const { return impl_->bound_port; }

void AddStandardRoutes(Router& router, Metrics& metrics) {
  DescribeServerMetrics(metrics);
  router.Add(Verb::get, "/healthz", "healthz", Permission::kPublic, SyncHandler([](Request&) {
               Response response = Json(200, boost::json::value({{"status", "ok"}}));
               response.With("Cache-Control", "no-store");
               return response;
             }));
  router.Add(Verb::get, "/metrics", "metrics", Permission::kPublic, SyncHandler([&metrics](Request&) {
               Response response = Text(200, metrics.Render(), std::string(kPrometheusContentType));
               response.With("Cache-Control", "no-store");
               return response;
             }));
}

}  // namespace civicgrid::http
