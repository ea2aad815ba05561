// A category's attribute list (core/category_attribute.h) as JSON, for the store's attributes column and
// the HTTP API alike: an array of
//   {"code","datatype","required","variable","description","datatype_description","order",
//    "values":[{"key","name"}]}
// with the datatypes by their Open311 names ("singlevaluelist", …).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "core/category_attribute.h"
#include "core/result.h"

namespace civicgrid {

// The list as a JSON array, every member present ("values" empty for a datatype without choices).
boost::json::array AttributesToJsonArray(const std::vector<CategoryAttribute>& attributes);

// The same array as compact JSON text ("[]" for none).
std::string AttributesToJson(const std::vector<CategoryAttribute>& attributes);

// Reads an array as AttributesToJsonArray writes it and checks it with ValidateAttributes. "code",
// "datatype" and "description" are required; "required" defaults to false, "variable" to true,
// "datatype_description" to "", "order" to the position in the array (1, 2, …) and "values" to none;
// other members are ignored. Errors are invalid_argument naming the offending field: "attributes" when
// the value is not an array, "attributes[2]" for an item that is not an object, "attributes[2].datatype",
// "attributes[2].values[0].key", ….
Result<std::vector<CategoryAttribute>> ParseAttributesJson(const boost::json::value& value);

// The same from JSON text; text that is not JSON fails naming "attributes".
Result<std::vector<CategoryAttribute>> ParseAttributesJson(std::string_view text);
Result<std::vector<CategoryAttribute>> ParseAttributesJson(const char* text);

}  // namespace civicgrid
