// Reading JSON request bodies with errors that name the field.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/cases.h"
#include "core/result.h"
#include "http/message.h"

namespace civicgrid::http {

// How deeply a request body's JSON may nest arrays and objects ({"a":[1]} is 2 levels).
inline constexpr std::size_t kMaxJsonDepth = 20;

// The body as a JSON object. Fails with invalid_argument naming "body" when the body is empty, not
// valid UTF-8, not valid JSON, nested deeper than kMaxJsonDepth, or not an object; the message says
// which.
Result<boost::json::object> JsonObjectBody(const Request& req);

// Typed members: absent (or null) → nullopt; present with the wrong type → an error naming `key`.
Result<std::optional<std::string>> OptString(const boost::json::object& o, std::string_view key, size_t max_bytes = 4000);
Result<std::optional<int64_t>> OptInt(const boost::json::object& o, std::string_view key);
Result<std::optional<double>> OptNumber(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> OptBool(const boost::json::object& o, std::string_view key);
Result<std::vector<std::string>> StringList(const boost::json::object& o, std::string_view key, size_t max_items = 50);
Result<std::vector<int64_t>> IdList(const boost::json::object& o, std::string_view key, size_t max_items = 50);

// The caller of a use case: the request's principal (set by the router's guard; the route must not be
// kPublic) and the client address.
app::Caller CallerOf(const Request& req);

// A whole decimal number from a query parameter (400 naming `field`).
Result<int64_t> ParseInteger(std::string_view text, std::string_view field);

}  // namespace civicgrid::http
