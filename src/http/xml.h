// XML text for APIs that speak it (Open311's .xml formats): a JSON value written as elements, so that an
// answer is built once and encoded either way.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace civicgrid::http {

// `text` escaped for XML character data and attribute values (& < > " '); characters XML 1.0 does not
// allow (control characters other than tab, newline and carriage return) are dropped.
std::string XmlEscape(std::string_view text);

// A whole document: the declaration <?xml version="1.0" encoding="utf-8"?> and element `root` holding
// `value`. An object becomes one element per member, in order (null members are left out); an array
// becomes one element per item, named `item` at the top and, inside a member, by the member's name made
// singular ("attributes" → "attribute", "values" → "value", "endpoints" → "endpoint", "formats" →
// "format"; other names ending in 's' lose it); strings, numbers and booleans ("true"/"false") become text.
std::string JsonToXml(const boost::json::value& value, std::string_view root, std::string_view item);

}  // namespace civicgrid::http
