// application/x-www-form-urlencoded text (HTML forms, Open311's POST requests) as an ordered list of
// name/value pairs, repeated names kept (attribute[code][]=a&attribute[code][]=b).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace civicgrid::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Decodes `text`: pairs split at '&' (empty pieces skipped), name and value at the first '=' (a piece
// without one is a name with an empty value), '+' read as a space, %XX as the byte XX. Fails with
// invalid_argument on a malformed %-escape, or text that is not valid UTF-8 or holds a NUL: in a value,
// the field is the value's name; in a name, "body".
Result<FormFields> ParseForm(std::string_view text);

}  // namespace civicgrid::http
