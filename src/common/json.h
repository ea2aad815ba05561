// JSON text for people and machines: like boost::json::serialize, but numbers are written in their
// shortest round-trip decimal form ("118.35", "0.5", "1e-07") instead of Boost 1.81's "1.1835E2".
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace civicgrid {

// Serialises `value` compactly (no spaces); strings escaped as RFC 8259 requires.
std::string ToJson(const boost::json::value& value);

// Appends the serialisation of `value` to `out`.
void AppendJson(std::string& out, const boost::json::value& value);

}  // namespace civicgrid
