#include "http/router.h"

#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace civicgrid::http {
namespace {

std::vector<std::string> SplitPattern(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string::npos) end = pattern.size();
    std::string segment = pattern.substr(start, end - start);
    if (segment.empty() && end != pattern.size()) {
      throw std::invalid_argument("route pattern has an empty segment: " + pattern);
    }
    if (!segment.empty()) out.push_back(std::move(segment));
    start = end + 1;
  }
  return out;
}

}  // namespace

void Router::Add(Verb method, std::string pattern, std::string name, Permission permission, Handler handler) {
  if (!handler) throw std::invalid_argument("route handler is empty: " + pattern);
  Route route;
  std::set<std::string> names;
  for (auto& text : SplitPattern(pattern)) {
    Segment segment;
    if (text.front() == '{' || text.back() == '}' || text.find_first_of("{}") != std::string::npos) {
      if (text.size() < 3 || text.front() != '{' || text.back() != '}' ||
          text.find_first_of("{}", 1) != text.size() - 1) {
        throw std::invalid_argument("malformed parameter segment '" + text + "' in " + pattern);
      }
      segment.text = text.substr(1, text.size() - 2);
      segment.param = true;
      if (!names.insert(segment.text).second) {
        throw std::invalid_argument("duplicate parameter '" + segment.text + "' in " + pattern);
      }
    } else {
      segment.text = std::move(text);
    }
    route.segments.push_back(std::move(segment));
  }
  for (const auto& existing : routes_) {
    if (existing.info.method == method && existing.info.pattern == pattern) {
      throw std::invalid_argument("duplicate route " + std::string(boost::beast::http::to_string(method)) +
                                  " " + pattern);
    }
  }
  route.info = RouteInfo{method, std::move(pattern), std::move(name), permission};
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::Add(Verb method, std::string pattern, std::string name, Permission permission, SyncHandler handler) {
  if (!handler) throw std::invalid_argument("route handler is empty: " + pattern);
  Add(method, std::move(pattern), std::move(name), permission,
      Handler([handler = std::move(handler)](Request& request) -> boost::asio::awaitable<Response> {
        co_return handler(request);
      }));
}

bool Router::Matches(const Route& route, const std::vector<std::string>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = route.segments[i];
    if (s.param ? segments[i].empty() : s.text != segments[i]) return false;
  }
  return true;
}

bool Router::MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].param != b.segments[i].param) return !a.segments[i].param;
  }
  return false;
}

Router::Match Router::Find(Request& request) const {
  const Route* best = nullptr;
  const Route* head_fallback = nullptr;
  std::set<Verb> allowed;
  for (const Route& route : routes_) {
    if (!Matches(route, request.segments)) continue;
    allowed.insert(route.info.method);
    if (route.info.method == request.method) {
      if (!best || MoreSpecific(route, *best)) best = &route;
    } else if (request.method == Verb::head && route.info.method == Verb::get) {
      if (!head_fallback || MoreSpecific(route, *head_fallback)) head_fallback = &route;
    }
  }
  if (!best) best = head_fallback;
  Match match;
  if (best) {
    request.params.clear();
    for (size_t i = 0; i < best->segments.size(); ++i) {
      if (best->segments[i].param) request.params[best->segments[i].text] = request.segments[i];
    }
    request.route = best->info.name;
    match.kind = Match::Kind::kFound;
    match.handler = &best->handler;
    match.name = best->info.name;
    match.permission = best->info.permission;
    return match;
  }
  if (allowed.empty()) return match;
  if (allowed.count(Verb::get)) allowed.insert(Verb::head);
  match.kind = Match::Kind::kMethodNotAllowed;
  for (Verb verb : allowed) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += boost::beast::http::to_string(verb);
  }
  return match;
}

boost::asio::awaitable<Response> Router::Dispatch(Request& request) const {
  Match match = Find(request);
  switch (match.kind) {
    case Match::Kind::kFound: {
      if (auto refused = CheckAccess(guard_, match.permission, request)) co_return std::move(*refused);
      co_return co_await (*match.handler)(request);
    }
    case Match::Kind::kMethodNotAllowed: {
      Response response = JsonError(
          405, Error{"method_not_allowed",
                     "method " + std::string(boost::beast::http::to_string(request.method)) +
                         " is not allowed here; allowed: " + match.allow,
                     {}});
      response.With("Allow", match.allow);
      co_return response;
    }
    case Match::Kind::kNotFound:
      break;
  }
  co_return JsonError(404, Error::NotFound("no route for " + request.path));
}

std::optional<Response> CheckAccess(const Guard& guard, Permission permission, Request& request) {
  request.principal.reset();
  if (guard.authenticate) {
    auto who = guard.authenticate(request);
    if (!who) {
      Response r = JsonError(401, who.error());
      r.With("WWW-Authenticate", "Bearer");
      return r;
    }
    if (*who) request.principal = std::make_shared<const Principal>(std::move(**who));
  }
  if ((permission == Permission::kPublic || !request.principal) && guard.limit) {
    if (int64_t wait = guard.limit(request); wait > 0)
      return JsonError(Error::TooManyRequests("too many requests from this address; try again later", wait));
  }
  if (permission == Permission::kPublic) return std::nullopt;
  if (!request.principal) {
    Response r = JsonError(401, Error::Unauthorized("sign in first: send Authorization: Bearer <token>"));
    r.With("WWW-Authenticate", "Bearer");
    return r;
  }
  if (!request.principal->Has(permission)) {
    if (guard.denied) guard.denied(request, permission);
    return JsonError(403, Error::Forbidden("your roles do not allow " + std::string(PermissionName(permission))));
  }
  return std::nullopt;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

}  // namespace civicgrid::http
