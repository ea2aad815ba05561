// Method + path routing with {name} segment parameters.
//
// Patterns are absolute paths made of literal segments and {name} segments; a {name} segment
// matches any one non-empty decoded segment and stores it in Request::params. When several patterns
// match, the one with a literal segment earliest wins ("/a/new" beats "/a/{id}"). A GET route also
// answers HEAD. Register every route before the server starts: matching is then read-only and safe
// from many threads.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace civicgrid::http {

// A coroutine handler: runs on the connection's strand and may co_await asio operations.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;
// A synchronous handler, for quick work that never blocks.
using SyncHandler = std::function<Response(Request&)>;

// One registered route, as listed by Router::Routes().
struct RouteInfo {
  Verb method;
  std::string pattern;  // e.g. "/api/v1/divisions/{code}"
  std::string name;     // e.g. "divisions.get"; used as the metrics/log label
};

class Router {
 public:
  // The outcome of matching a request.
  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;  // set when kFound
    std::string name;                  // route name when kFound
    std::string allow;                 // "GET, HEAD, POST" when kMethodNotAllowed
  };

  // Registers a route. Throws std::invalid_argument on a malformed pattern (not starting with '/',
  // empty or unclosed {}, a duplicate parameter name) or a duplicate (method, pattern).
  void Add(Verb method, std::string pattern, std::string name, Handler handler);
  // Registers a synchronous handler (wrapped into a coroutine).
  void Add(Verb method, std::string pattern, std::string name, SyncHandler handler);

  // Finds the route for request.method and request.segments; when found, fills request.params and
  // request.route. HEAD falls back to the GET route of the same pattern.
  Match Find(Request& request) const;

  // Routes the request and runs its handler: a 404 JSON error ("not_found") for an unknown path, a
  // 405 JSON error ("method_not_allowed") with an Allow header for a known path and wrong method.
  // Exceptions from the handler propagate to the caller.
  boost::asio::awaitable<Response> Dispatch(Request& request) const;

  // Every registered route, in registration order.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool param = false;
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };
  // True when the route's pattern matches the decoded segments.
  static bool Matches(const Route& route, const std::vector<std::string>& segments);
  // True when a has a literal segment where b first has a parameter.
  static bool MoreSpecific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace civicgrid::http
