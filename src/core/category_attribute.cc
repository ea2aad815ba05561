#include "core/category_attribute.h"

#include <charconv>
#include <cmath>
#include <set>

#include "core/case.h"
#include "core/text.h"

namespace civicgrid {
namespace {

constexpr size_t kMaxAttributes = 50;
constexpr size_t kMaxValues = 100;
constexpr size_t kMaxStringAnswer = 1000;
constexpr size_t kMaxTextAnswer = 4000;

constexpr struct {
  AttributeDatatype datatype;
  std::string_view name;
} kDatatypeNames[] = {
    {AttributeDatatype::kString, "string"},
    {AttributeDatatype::kNumber, "number"},
    {AttributeDatatype::kDatetime, "datetime"},
    {AttributeDatatype::kText, "text"},
    {AttributeDatatype::kSingleValueList, "singlevaluelist"},
    {AttributeDatatype::kMultiValueList, "multivaluelist"},
};

bool IsList(AttributeDatatype d) {
  return d == AttributeDatatype::kSingleValueList || d == AttributeDatatype::kMultiValueList;
}

bool IsCodeChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

bool IsFiniteNumber(std::string_view s) {
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(d);
}

Result<void> ValidateAttribute(const CategoryAttribute& a, const std::string& at) {
  if (a.code.empty() || a.code.size() > 40)
    return Error::InvalidArgument("an attribute code must be 1–40 characters", at + ".code");
  for (char c : a.code)
    if (!IsCodeChar(c))
      return Error::InvalidArgument("attribute code '" + a.code + "' may hold only letters, digits, '_' and '-'",
                                    at + ".code");
  if (a.required && !a.variable)
    return Error::InvalidArgument("an informational attribute (variable false) cannot be required", at + ".required");
  if (a.description.empty() || a.description.size() > 1000)
    return Error::InvalidArgument("an attribute's description must be 1–1000 bytes", at + ".description");
  if (a.datatype_description.size() > 200)
    return Error::InvalidArgument("datatype_description must be at most 200 bytes", at + ".datatype_description");
  if (a.order < 1) return Error::InvalidArgument("order must be 1 or more", at + ".order");
  if (!IsList(a.datatype)) {
    if (!a.values.empty())
      return Error::InvalidArgument("only a singlevaluelist or multivaluelist attribute has values", at + ".values");
    return {};
  }
  if (a.values.empty() || a.values.size() > kMaxValues)
    return Error::InvalidArgument("a list attribute needs 1–100 values", at + ".values");
  std::set<std::string_view> keys;
  for (size_t j = 0; j < a.values.size(); ++j) {
    const AttributeValue& v = a.values[j];
    const std::string vat = at + ".values[" + std::to_string(j) + "]";
    if (v.key.empty() || v.key.size() > 100 || HasControl(v.key))
      return Error::InvalidArgument("a value's key must be 1–100 bytes without control characters", vat + ".key");
    if (v.name.empty() || v.name.size() > 200)
      return Error::InvalidArgument("a value's name must be 1–200 bytes", vat + ".name");
    if (!keys.insert(v.key).second)
      return Error::InvalidArgument("value key '" + v.key + "' appears twice", at + ".values");
  }
  return {};
}

const AttributeValue* FindValue(const CategoryAttribute& a, std::string_view key) {
  for (const AttributeValue& v : a.values)
    if (v.key == key) return &v;
  return nullptr;
}

// Checks the (non-empty) values answered to `a`.
Result<void> CheckAnswer(const CategoryAttribute& a, const std::vector<std::string>& values, const std::string& field) {
  auto wrong = [&](const std::string& why) { return Error::InvalidArgument(why, field); };
  if (a.datatype == AttributeDatatype::kMultiValueList) {
    std::set<std::string_view> seen;
    for (const std::string& v : values) {
      if (!FindValue(a, v)) return wrong("'" + v + "' is not one of the choices of " + a.code);
      if (!seen.insert(v).second) return wrong("'" + v + "' is given twice");
    }
    return {};
  }
  if (values.size() != 1) return wrong(a.code + " takes one value");
  const std::string& v = values[0];
  switch (a.datatype) {
    case AttributeDatatype::kNumber:
      if (!IsFiniteNumber(v)) return wrong("'" + v + "' is not a number");
      return {};
    case AttributeDatatype::kDatetime:
      if (auto t = ParseTimestamp(v, field); !t) return t.error();
      return {};
    case AttributeDatatype::kString:
    case AttributeDatatype::kText: {
      const size_t max = a.datatype == AttributeDatatype::kString ? kMaxStringAnswer : kMaxTextAnswer;
      if (v.size() > max) return wrong(a.code + " is longer than " + std::to_string(max) + " bytes");
      if (!IsValidUtf8(v)) return wrong(a.code + " is not valid UTF-8");
      return {};
    }
    case AttributeDatatype::kSingleValueList:
      if (!FindValue(a, v)) return wrong("'" + v + "' is not one of the choices of " + a.code);
      return {};
    case AttributeDatatype::kMultiValueList: break;  // above
  }
  return {};
}

}  // namespace

std::string_view AttributeDatatypeName(AttributeDatatype datatype) {
  for (const auto& d : kDatatypeNames)
    if (d.datatype == datatype) return d.name;
  return "string";
}

std::optional<AttributeDatatype> ParseAttributeDatatype(std::string_view name) {
  for (const auto& d : kDatatypeNames)
    if (d.name == name) return d.datatype;
  return std::nullopt;
}

Result<void> ValidateAttributes(const std::vector<CategoryAttribute>& attributes) {
  if (attributes.size() > kMaxAttributes)
    return Error::InvalidArgument("a category has at most 50 attributes", "attributes");
  std::set<std::string_view> codes;
  std::set<int> orders;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const CategoryAttribute& a = attributes[i];
    const std::string at = "attributes[" + std::to_string(i) + "]";
    if (auto r = ValidateAttribute(a, at); !r) return r;
    if (!codes.insert(a.code).second)
      return Error::InvalidArgument("attribute code '" + a.code + "' appears twice", at + ".code");
    if (!orders.insert(a.order).second)
      return Error::InvalidArgument("order " + std::to_string(a.order) + " is used twice", at + ".order");
  }
  return {};
}

Result<AttributeAnswers> CheckAttributeAnswers(const std::vector<CategoryAttribute>& attributes,
                                               const AttributeAnswers& answers) {
  AttributeAnswers out;
  for (const auto& [code, values] : answers) {
    std::vector<std::string> given;
    for (const std::string& v : values)
      if (!v.empty()) given.push_back(v);
    if (given.empty()) continue;
    const std::string field = "attribute[" + code + "]";
    const CategoryAttribute* attribute = nullptr;
    for (const CategoryAttribute& a : attributes)
      if (a.code == code) attribute = &a;
    if (!attribute) return Error::InvalidArgument("the category asks no question '" + code + "'", field);
    if (!attribute->variable)
      return Error::InvalidArgument(code + " is information for the reporter and takes no answer", field);
    if (auto r = CheckAnswer(*attribute, given, field); !r) return r.error();
    out.emplace(code, std::move(given));
  }
  for (const CategoryAttribute& a : attributes)
    if (a.variable && a.required && !out.count(a.code))
      return Error::InvalidArgument(a.code + " is required: " + a.description, "attribute[" + a.code + "]");
  return out;
}

}  // namespace civicgrid
