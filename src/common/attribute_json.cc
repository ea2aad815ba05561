#include "common/attribute_json.h"

#include <climits>
#include <cmath>
#include <optional>

#include <boost/json.hpp>

#include "common/json.h"

namespace civicgrid {
namespace json = boost::json;
namespace {

Error Wrong(const std::string& field, const std::string& what) {
  return Error::InvalidArgument(field + " must be " + what, field);
}

// The string member `key` of `o`: absent (or null) → `fallback`, or an error when `fallback` is nullopt.
Result<std::string> StringMember(const json::object& o, std::string_view key, const std::string& at,
                                 std::optional<std::string> fallback = std::nullopt) {
  const std::string field = at + "." + std::string(key);
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) {
    if (fallback) return *fallback;
    return Error::InvalidArgument(field + " is required", field);
  }
  if (!it->value().is_string()) return Wrong(field, "a string");
  return std::string(it->value().get_string());
}

Result<bool> BoolMember(const json::object& o, std::string_view key, const std::string& at, bool fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return fallback;
  if (!it->value().is_bool()) return Wrong(at + "." + std::string(key), "true or false");
  return it->value().get_bool();
}

Result<int> OrderMember(const json::object& o, const std::string& at, int fallback) {
  auto it = o.find("order");
  if (it == o.end() || it->value().is_null()) return fallback;
  const json::value& v = it->value();
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double() && std::isfinite(v.get_double()) && std::floor(v.get_double()) == v.get_double()) {
    d = v.get_double();
  } else {
    return Wrong(at + ".order", "a whole number");
  }
  if (d < INT_MIN || d > INT_MAX) return Wrong(at + ".order", "a whole number from 1");
  return static_cast<int>(d);
}

Result<std::vector<AttributeValue>> ValuesMember(const json::object& o, const std::string& at) {
  std::vector<AttributeValue> out;
  auto it = o.find("values");
  if (it == o.end() || it->value().is_null()) return out;
  const std::string field = at + ".values";
  if (!it->value().is_array()) return Wrong(field, "an array of {key, name}");
  const json::array& items = it->value().get_array();
  for (size_t j = 0; j < items.size(); ++j) {
    const std::string vat = field + "[" + std::to_string(j) + "]";
    if (!items[j].is_object()) return Wrong(vat, "an object {key, name}");
    auto key = StringMember(items[j].get_object(), "key", vat);
    if (!key) return key.error();
    auto name = StringMember(items[j].get_object(), "name", vat);
    if (!name) return name.error();
    out.push_back({std::move(*key), std::move(*name)});
  }
  return out;
}

Result<CategoryAttribute> ParseOne(const json::value& item, size_t i) {
  const std::string at = "attributes[" + std::to_string(i) + "]";
  if (!item.is_object()) return Wrong(at, "an object");
  const json::object& o = item.get_object();
  CategoryAttribute a;
  auto code = StringMember(o, "code", at);
  if (!code) return code.error();
  a.code = std::move(*code);
  auto datatype = StringMember(o, "datatype", at);
  if (!datatype) return datatype.error();
  auto d = ParseAttributeDatatype(*datatype);
  if (!d) return Wrong(at + ".datatype", "string, number, datetime, text, singlevaluelist or multivaluelist");
  a.datatype = *d;
  auto required = BoolMember(o, "required", at, false);
  if (!required) return required.error();
  a.required = *required;
  auto variable = BoolMember(o, "variable", at, true);
  if (!variable) return variable.error();
  a.variable = *variable;
  auto description = StringMember(o, "description", at);
  if (!description) return description.error();
  a.description = std::move(*description);
  auto datatype_description = StringMember(o, "datatype_description", at, "");
  if (!datatype_description) return datatype_description.error();
  a.datatype_description = std::move(*datatype_description);
  auto order = OrderMember(o, at, static_cast<int>(i) + 1);
  if (!order) return order.error();
  a.order = *order;
  auto values = ValuesMember(o, at);
  if (!values) return values.error();
  a.values = std::move(*values);
  return a;
}

}  // namespace

json::array AttributesToJsonArray(const std::vector<CategoryAttribute>& attributes) {
  json::array out;
  out.reserve(attributes.size());
  for (const CategoryAttribute& a : attributes) {
    json::array values;
    for (const AttributeValue& v : a.values) values.push_back(json::object{{"key", v.key}, {"name", v.name}});
    out.push_back(json::object{{"code", a.code},
                               {"datatype", AttributeDatatypeName(a.datatype)},
                               {"required", a.required},
                               {"variable", a.variable},
                               {"description", a.description},
                               {"datatype_description", a.datatype_description},
                               {"order", a.order},
                               {"values", std::move(values)}});
  }
  return out;
}

std::string AttributesToJson(const std::vector<CategoryAttribute>& attributes) {
  return ToJson(AttributesToJsonArray(attributes));
}

Result<std::vector<CategoryAttribute>> ParseAttributesJson(const json::value& value) {
  if (!value.is_array()) return Wrong("attributes", "an array of attributes");
  const json::array& items = value.get_array();
  std::vector<CategoryAttribute> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto a = ParseOne(items[i], i);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  if (auto r = ValidateAttributes(out); !r) return r.error();
  return out;
}

Result<std::vector<CategoryAttribute>> ParseAttributesJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return Error::InvalidArgument("attributes is not valid JSON: " + ec.message(), "attributes");
  return ParseAttributesJson(v);
}

Result<std::vector<CategoryAttribute>> ParseAttributesJson(const char* text) {
  return ParseAttributesJson(std::string_view(text));
}

}  // namespace civicgrid
