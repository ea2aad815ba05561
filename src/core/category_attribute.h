// The extra questions a category asks a reporter (Open311's service attributes): their definitions, the
// check of a definition list, and the check of a report's answers against it. Pure values: no I/O.
//
// A category with attributes is an Open311 service with metadata=true; GET services/{code} lists them,
// and POST requests carries the answers as attribute[code]=value (attribute[code][]=v for several).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace civicgrid {

// How an answer is written. Open311's datatypes, by their spec names.
enum class AttributeDatatype { kString, kNumber, kDatetime, kText, kSingleValueList, kMultiValueList };
// "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"
std::string_view AttributeDatatypeName(AttributeDatatype datatype);
std::optional<AttributeDatatype> ParseAttributeDatatype(std::string_view name);

// One choice of a list attribute: the key sent back, the name shown.
struct AttributeValue {
  std::string key;   // 1–100 bytes, no control characters
  std::string name;  // 1–200 bytes

  bool operator==(const AttributeValue&) const = default;
};

// One question. `variable` false marks an informational text shown to the reporter, which takes no answer.
struct CategoryAttribute {
  std::string code;  // 1–40 of [A-Za-z0-9_-], unique within the category
  AttributeDatatype datatype = AttributeDatatype::kString;
  bool required = false;  // only a variable attribute may be required
  bool variable = true;
  std::string description;           // the question as shown, 1–1000 bytes
  std::string datatype_description;  // how to write the answer (e.g. "摄氏度，整数"), ≤ 200 bytes
  int order = 1;                     // position among the category's attributes, 1…; unique
  std::vector<AttributeValue> values;  // the choices of a list datatype (1–100, unique keys); empty otherwise

  bool operator==(const CategoryAttribute&) const = default;
};

// Checks a category's attribute list: at most 50, each as its comment says (a list datatype has values,
// no other datatype has any). Errors are invalid_argument naming the field as "attributes[i].code",
// "attributes[i].values", "attributes[i].values[j].key", … (i and j from 0), or "attributes" for too many.
Result<void> ValidateAttributes(const std::vector<CategoryAttribute>& attributes);

// A report's answers: attribute code → the values given (one for every datatype but multivaluelist).
using AttributeAnswers = std::map<std::string, std::vector<std::string>>;

// Checks `answers` against `attributes` (a valid list) and answers them cleaned: empty values dropped
// (an empty answer is no answer), each answer checked by its datatype — number: a finite decimal number;
// datetime: ISO 8601 with a zone or a plain date; string ≤ 1000 bytes, text ≤ 4000 bytes, both valid
// UTF-8; singlevaluelist: one key among its values; multivaluelist: distinct keys among its values.
// Fails with invalid_argument naming the field "attribute[code]" for an answer to no attribute of the
// category or to an informational one, an answer of the wrong form, or a required attribute without one.
Result<AttributeAnswers> CheckAttributeAnswers(const std::vector<CategoryAttribute>& attributes,
                                               const AttributeAnswers& answers);

}  // namespace civicgrid
