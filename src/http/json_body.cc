#include "http/json_body.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>

#include "core/text.h"

namespace civicgrid::http {
namespace json = boost::json;

namespace {
Error Wrong(std::string_view key, const char* what) {
  return Error::InvalidArgument(std::string(key) + " must be " + what, std::string(key));
}
const json::value* Member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}
}  // namespace

Result<json::object> JsonObjectBody(const Request& req) {
  if (req.body.empty()) return Error::InvalidArgument("the body must be a JSON object", "body");
  if (!IsValidUtf8(req.body)) return Error::InvalidArgument("the body is not valid UTF-8", "body");
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec, {}, options);
  if (ec == json::error::too_deep)
    return Error::InvalidArgument("the body's JSON is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                                  "body");
  if (ec) return Error::InvalidArgument("the body is not valid JSON: " + ec.message(), "body");
  if (!v.is_object()) return Error::InvalidArgument("the body must be a JSON object", "body");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key, size_t max_bytes) {
  const json::value* v = Member(o, key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Wrong(key, "a string");
  if (v->as_string().size() > max_bytes)
    return Error::InvalidArgument(std::string(key) + " is longer than " + std::to_string(max_bytes) + " bytes",
                                  std::string(key));
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> OptInt(const json::object& o, std::string_view key) {
  const json::value* v = Member(o, key);
  if (!v) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  if (v->is_double() && std::floor(v->as_double()) == v->as_double() && std::abs(v->as_double()) < 9e15)
    return std::optional<int64_t>(static_cast<int64_t>(v->as_double()));
  return Wrong(key, "a whole number");
}

Result<std::optional<double>> OptNumber(const json::object& o, std::string_view key) {
  const json::value* v = Member(o, key);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return Wrong(key, "a number");
  return std::optional<double>(v->to_number<double>());
}

Result<std::optional<bool>> OptBool(const json::object& o, std::string_view key) {
  const json::value* v = Member(o, key);
  if (!v) return std::optional<bool>();
  if (!v->is_bool()) return Wrong(key, "true or false");
  return std::optional<bool>(v->as_bool());
}

Result<std::vector<std::string>> StringList(const json::object& o, std::string_view key, size_t max_items) {
  std::vector<std::string> out;
  const json::value* v = Member(o, key);
  if (!v) return out;
  if (!v->is_array()) return Wrong(key, "an array of strings");
  if (v->as_array().size() > max_items)
    return Error::InvalidArgument(std::string(key) + " has more than " + std::to_string(max_items) + " items",
                                  std::string(key));
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().size() > 200) return Wrong(key, "an array of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::vector<int64_t>> IdList(const json::object& o, std::string_view key, size_t max_items) {
  std::vector<int64_t> out;
  const json::value* v = Member(o, key);
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > max_items) return Wrong(key, "an array of ids");
  for (const auto& item : v->as_array()) {
    if (!item.is_int64() || item.as_int64() <= 0) return Wrong(key, "an array of ids");
    out.push_back(item.as_int64());
  }
  return out;
}

app::Caller CallerOf(const Request& req) { return app::Caller{req.principal ? *req.principal : Principal{}, req.remote}; }

Result<int64_t> ParseInteger(std::string_view text, std::string_view field) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size())
    return Error::InvalidArgument(std::string(field) + " must be a whole number", std::string(field));
  return v;
}

}  // namespace civicgrid::http
