// Turning a request parsed by Beast into the Request that handlers see. The server uses it for every
// request; the request fuzzer drives it directly.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace civicgrid::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// The request id for a client's X-Request-Id value: the value itself when it is 1 to 64 characters of
// [A-Za-z0-9._-], else a new id ("hhhhhh-hhhhhhhhhh", unique within the process).
std::string RequestIdFor(std::string_view client_id);

// Fills `request` from `message`: method, id (by RequestIdFor), headers (names lower-cased, repeated
// headers joined with ", "), target, path, segments and query (by ParseTarget) and the body, which is
// moved out of `message`. Leaves remote alone. When ParseTarget refuses the target, answers its error
// with request.path set to the raw target up to '?' (for logs) and the body left in `message`.
Result<void> FromBeast(BeastRequest& message, Request& request);

}  // namespace civicgrid::http
