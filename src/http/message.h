// HTTP request and response values as handlers see them, plus the JSON/error helpers.
//
// The server turns each Beast request into a Request (decoded path, query, headers, body) and each
// Response back into a Beast response, adding the security headers and X-Request-Id itself.
// Nothing here does I/O; everything is a plain value.
#pragma once

#include <ostream>  // before Beast: its status.ipp streams a string_view but does not include <ostream>

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access.h"
#include "core/result.h"

namespace boost::json {
class value;
}

namespace civicgrid::http {

using Verb = boost::beast::http::verb;
using Status = boost::beast::http::status;

// One HTTP request. Header names are stored lower-case; repeated headers are joined with ", ".
struct Request {
  Verb method = Verb::get;
  std::string target;                              // raw request-target, as received
  std::string path;                                // percent-decoded path, without the query
  std::vector<std::string> segments;               // decoded path segments ("/a/b%2Fc" → a, b/c)
  std::map<std::string, std::string> query;        // decoded query ('+' is a space); last key wins
  std::map<std::string, std::string> params;       // {name} path parameters, filled by the Router
  std::map<std::string, std::string> headers;      // lower-case name → value
  std::string body;
  std::string remote;  // peer "ip:port", or behind a trusted proxy the client's "ip" (ServerOptions)
  std::string id;                                  // request id, echoed as X-Request-Id
  std::string route;                               // matched route name ("" until routed)
  std::shared_ptr<const Principal> principal;      // who is asking (set by the router's guard), or null

  // The principal; only valid on routes that are not kPublic (the guard has checked it is there).
  const Principal& who() const { return *principal; }

  // Header value by case-insensitive name, or "" when absent.
  std::string_view Header(std::string_view name) const;
  // Query parameter, or `fallback` when absent.
  std::string Query(std::string_view name, std::string_view fallback = {}) const;
  // Path parameter, or "" when absent.
  std::string Param(std::string_view name) const;
};

// Fills target, path, segments and query from a request-target in origin form ("/p?q").
// Fails with invalid_argument (field "target"), leaving `request` unchanged, if the target is not a
// valid origin-form target or if its decoded path, a query key or a query value is not valid UTF-8
// or contains a NUL byte.
Result<void> ParseTarget(std::string_view target, Request& request);

// One HTTP response. `headers` are extra headers (e.g. Allow, Cache-Control, Location).
struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // Appends an extra header.
  Response& With(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // The value of an extra header by case-insensitive name, if set.
  std::optional<std::string> Header(std::string_view name) const;
};

// `value` serialised as application/json with the given status.
Response Json(unsigned status, const boost::json::value& value);
inline Response Json(Status status, const boost::json::value& value) {
  return Json(static_cast<unsigned>(status), value);
}

// Exactly {"error":{"code":...,"message":...,"field":...}} ("field" omitted when empty); for an error with
// retry_after, also "retry_after" and a Retry-After header.
Response JsonError(unsigned status, const Error& error);
// The same with the status chosen by StatusFor(error).
Response JsonError(const Error& error);

// A plain response with an explicit content type.
Response Text(unsigned status, std::string body, std::string content_type = "text/plain; charset=utf-8");

// HTTP status for an Error code: invalid_argument 400, unauthorized 401, forbidden 403,
// not_found 404, method_not_allowed 405, conflict 409, payload_too_large 413,
// unsupported_media_type 415, too_many_requests 429, anything else 500.
unsigned StatusFor(const Error& error);

}  // namespace civicgrid::http
