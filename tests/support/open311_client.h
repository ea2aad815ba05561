// Talking to Open311 GeoReport v2 endpoints in either format: form and query encoding, and every answer
// read into one shape, whether it came as JSON or XML, so that a test checks both formats with one body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "support/http_client.h"

namespace civicgrid::testing {

// Arguments in order; a name may repeat (attribute[code][]).
using Params = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes every byte but RFC 3986's unreserved characters (UTF-8 goes out byte by byte).
std::string PercentEncode(std::string_view s);

// "name=value&…", both sides percent-encoded: a form body (application/x-www-form-urlencoded) or a query.
std::string FormEncode(const Params& params);

// `params` without the arguments named `name`, then with `name`=`value` appended.
Params With(Params params, const std::string& name, const std::string& value);
// `params` without the arguments named `name`.
Params Without(Params params, const std::string& name);

// An answer in one shape. `doc` is:
//   JSON — the body as parsed, with every scalar turned into its text (true → "true", 7 → "7",
//          35.045 → "35.045") and null members left out;
//   XML  — the root element turned into the same: the lists of the spec (endpoints/endpoint,
//          formats/format, services/service, attributes/attribute, values/value, service_requests/request,
//          service_request_updates/request_update, errors/error) become arrays, an element without child
//          elements becomes its text, any other element an object of its children.
struct Open311Answer {
  unsigned status = 0;
  std::string body;
  std::string root;  // XML: the root element's name; JSON: ""
  boost::json::value doc;
  std::string error;  // why the answer is not well-formed in its format, or its content type is wrong ("" = fine)
};

// Reads `reply` as an answer in `format` ("json" or "xml"): the content type (application/json or text/xml,
// charset utf-8), a well-formed body (XML: with its declaration, support/xml_reader.h).
Open311Answer ReadOpen311(const HttpReply& reply, const std::string& format);

// Reading a doc: the objects of a list.
using Items = std::vector<boost::json::object>;

// The text of member `name` of `o` ("" when absent or not text).
std::string Text(const boost::json::object& o, std::string_view name);
// The text `s` as a number (NaN when it is not one).
double Number(const std::string& s);
// The text of member `name` of each item.
std::vector<std::string> Column(const Items& items, std::string_view name);
// True when `v` holds `s`.
bool Contains(const std::vector<std::string>& v, const std::string& s);
// The first item whose member `name` has the text `value`.
std::optional<boost::json::object> Find(const Items& items, std::string_view name, const std::string& value);
// The objects of member `name` of `o`, a list (none when it is absent or not a list).
Items Members(const boost::json::object& o, std::string_view name);

}  // namespace civicgrid::testing
