// Method + path routing with {name} segment parameters, and the access check every route passes.
//
// Every route declares the Permission it needs (core/access.h). Before the handler runs, Dispatch
// authenticates the request through the Guard (a bearer token → Request::principal), then: a kPublic
// route, or a request without credentials, passes the Guard's per-client rate limit (429 with
// Retry-After); any other route needs a principal (401 otherwise) holding the permission (403
// otherwise, reported to Guard::denied). Scope (which cases, which territory) is checked by the app.
//
// Patterns are absolute paths made of literal segments and {name} segments; a {name} segment
// matches any one non-empty decoded segment and stores it in Request::params. When several patterns
// match, the one with a literal segment earliest wins ("/a/new" beats "/a/{id}"). A GET route also
// answers HEAD. Register every route before the server starts: matching is then read-only and safe
// from many threads.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
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
  Permission permission = Permission::kSignedIn;
};

// What Dispatch asks before a handler runs. Every member may be empty (then: no credentials are
// recognised, nothing is rate-limited, nothing is reported).
struct Guard {
  // The principal of the request's credentials (Authorization: Bearer …, or ?access_token= for
  // WebSocket upgrades): nullopt when it carries none; an error (answered 401) when they are invalid.
  std::function<Result<std::optional<Principal>>(const Request&)> authenticate;
  // For requests to kPublic routes and requests without credentials: 0 to go on, else the seconds the
  // client must wait (answered 429 with Retry-After).
  std::function<int64_t(const Request&)> limit;
  // Called for every 403 with the permission that was missing (the audit log records it).
  std::function<void(const Request&, Permission missing)> denied;
};

class Router {
 public:
  // The outcome of matching a request.
  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;  // set when kFound
    std::string name;                  // route name when kFound
    Permission permission = Permission::kSignedIn;  // when kFound
    std::string allow;                 // "GET, HEAD, POST" when kMethodNotAllowed
  };

  // Registers a route needing `permission`. Throws std::invalid_argument on a malformed pattern (not
  // starting with '/', empty or unclosed {}, a duplicate parameter name) or a duplicate (method, pattern).
  void Add(Verb method, std::string pattern, std::string name, Permission permission, Handler handler);
  // Registers a synchronous handler (wrapped into a coroutine).
  void Add(Verb method, std::string pattern, std::string name, Permission permission, SyncHandler handler);

  // Sets the access guard (before the server starts).
  void SetGuard(Guard guard) { guard_ = std::move(guard); }
  const Guard& guard() const { return guard_; }

  // Finds the route for request.method and request.segments; when found, fills request.params and
  // request.route. HEAD falls back to the GET route of the same pattern.
  Match Find(Request& request) const;

  // Routes the request, applies the guard (see the top of this file) and runs its handler: a 404 JSON
  // error ("not_found") for an unknown path, a 405 JSON error ("method_not_allowed") with an Allow
  // header for a known path and wrong method. Exceptions from the handler propagate to the caller.
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
  Guard guard_;
};

// Applies `guard` to a request of a route needing `permission`: fills request.principal, and answers
// the refusal (401, 403 or 429) if the request may not go on. Used by Dispatch and by WebSocket
// endpoints.
std::optional<Response> CheckAccess(const Guard& guard, Permission permission, Request& request);

}  // namespace civicgrid::http
