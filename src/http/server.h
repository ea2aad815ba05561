// The HTTP/1.1 server: Boost.Beast over asio coroutines, N io threads, keep-alive.
//
// Requests under /api/, /healthz and /metrics go to the Router; other GET/HEAD requests are served
// from ServerOptions::static_root (or, without a built UI, "/" answers a page saying so). Every
// response carries X-Content-Type-Options: nosniff, X-Frame-Options: DENY, Referrer-Policy:
// no-referrer, a Content-Security-Policy and X-Request-Id (the client's X-Request-Id when it is short
// and plain, else a generated one). The policy is the web UI's (kUiContentSecurityPolicy in
// static_files.h) on the UI's files, and "default-src 'none'; frame-ancestors 'none'" on everything
// else (API, errors, pages). Each request is logged as an "http.request" event and counted in the
// Metrics. Handler exceptions become 500 JSON errors; malformed HTTP gets 400 and the connection is
// closed; a body over max_body_bytes gets 413, a header over max_header_bytes 431; a target whose
// decoded path or query is not UTF-8 or holds a NUL gets 400. A request's header must arrive within
// read_timeout in all (from the connection's start for its first request, from its first byte for
// later ones) and its body within read_timeout after that, however slowly they trickle in; otherwise
// the connection is closed without an answer.
//
// A WebSocket upgrade request for a path registered with AddWebSocket() is handed to that endpoint
// instead (counted and logged like any request, under the endpoint's name); every other request,
// upgrade or not, is served as above.
//
//   Router router; Metrics metrics;
//   AddStandardRoutes(router, metrics);          // /healthz, /metrics
//   router.Add(Verb::get, "/api/v1/x/{id}", "x.get", handler);
//   Server server(options, router, metrics);     // router and metrics must outlive the server
//   server.Run();                                // until Stop() or, with handle_signals, SIGINT/SIGTERM
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/client_ip.h"
#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace civicgrid::http {

struct ServerOptions {
  std::string address = "127.0.0.1";             // IPv4 or IPv6 literal to bind
  unsigned short port = 8080;                     // 0 = any free port; see Server::port()
  unsigned threads = 0;                           // io threads; 0 = hardware concurrency
  std::string static_root;                        // built web UI directory; empty = none
  std::string docs_path = "/api/v1/docs";         // linked from the "UI not built" page
  std::size_t max_body_bytes = 1 << 20;           // larger request bodies get 413
  std::size_t max_header_bytes = 16 * 1024;       // larger request headers get 431
  std::chrono::milliseconds read_timeout{15000};  // to read one request's whole header, and its body
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive: wait for the next request
  std::chrono::milliseconds write_timeout{30000}; // to write one response
  std::chrono::milliseconds shutdown_timeout{10000};  // Stop(): how long in-flight requests may take
  bool handle_signals = false;                    // SIGINT/SIGTERM trigger a graceful stop
  bool log_requests = true;                       // one "http.request" info event per request
  // Reverse proxies whose X-Forwarded-For names the client: a request from one of them gets as its
  // Request::remote the client address ClientAddress() finds (no port); others keep their peer "ip:port".
  TrustedProxies trusted_proxies;
};

// An upgraded connection: a Beast WebSocket stream over the connection's TCP stream, whose executor
// is the connection's strand.
using WebSocketStream = boost::beast::websocket::stream<boost::beast::tcp_stream&>;

// A WebSocket session: runs on the connection's strand from the accepted upgrade until it returns.
// It may read, write and ping (one operation of each kind at a time) but never calls async_close: the
// server owns the closing handshake. On Stop() the server sends a close frame (going_away); the
// session's pending read then ends with websocket::error::closed (or another error once the
// connection is gone) and the session should return promptly. When it returns with the stream still
// open, the server closes it (normal); either way the connection is then closed. The function object
// is kept alive until its coroutine has finished, and must not leave work that uses the stream.
using WebSocketSession = std::function<boost::asio::awaitable<void>(WebSocketStream& ws)>;

// Decides on one upgrade request (path, query and headers parsed as for any handler; route set to
// the endpoint's name): answers the session to run, or an Error that is sent as a JSON error
// (status by StatusFor) without upgrading. Runs on the connection's strand and must not block.
using WebSocketHandler = std::function<Result<WebSocketSession>(Request& request)>;

class Server {
 public:
  // Does not bind yet. `router` and `metrics` are used by reference and must outlive the server; the
  // router must not change once Start() has been called.
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  // Stops (as Stop()) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Registers a WebSocket endpoint at exactly `path` (decoded, e.g. "/api/v1/live"); `name` is its
  // route label in metrics and logs. Upgrades are counted in civicgrid_http_requests_total (status
  // 101, or the refusal's) and open sessions in the gauge civicgrid_live_connections. Register before
  // Start(); throws std::logic_error after Start() or for a path registered twice.
  void AddWebSocket(std::string path, std::string name, WebSocketHandler handler);

  // Binds, listens and starts the io threads. Fails (e.g. address in use, bad address) without
  // throwing. Calling it twice is an error.
  Result<void> Start();

  // Starts if needed (throwing std::runtime_error if Start() fails), then blocks until the server
  // has stopped: by Stop() from another thread, RequestStop(), or a signal with handle_signals.
  void Run();

  // Graceful stop: stops accepting, closes idle keep-alive connections, starts the closing handshake
  // (going_away) of every WebSocket session, lets in-flight requests and closing handshakes finish
  // (at most shutdown_timeout, then closes them), stops the io threads and returns.
  // Idempotent. Must not be called from a handler (it would wait for itself): use RequestStop().
  void Stop();

  // Begins the graceful stop and returns at once; safe from any thread, handlers included.
  void RequestStop();

  // The bound port (useful with port 0); 0 before Start().
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Registers GET /healthz ({"status":"ok"}, route "healthz") and GET /metrics (Prometheus text,
// route "metrics"), and declares the server's metric families in `metrics`.
void AddStandardRoutes(Router& router, Metrics& metrics);

}  // namespace civicgrid::http
