#include "common/json.h"

#include <charconv>
#include <cmath>

#include <boost/json.hpp>

namespace civicgrid {
namespace json = boost::json;

namespace {

void AppendString(std::string& out, json::string_view s) {
  // Boost's serializer escapes strings correctly; reuse it for exactly that.
  out += json::serialize(json::value(s));
}

void AppendDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

}  // namespace

void AppendJson(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: out += std::to_string(v.get_int64()); break;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case json::kind::double_: AppendDouble(out, v.get_double()); break;
    case json::kind::string: AppendString(out, v.get_string()); break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJson(out, e);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(out, kv.key());
        out.push_back(':');
        AppendJson(out, kv.value());
      }
      out.push_back('}');
      break;
    }
  }
}

std::string ToJson(const json::value& v) {
  std::string out;
  AppendJson(out, v);
  return out;
}

}  // namespace civicgrid
