// Text from outside: whether it is well-formed UTF-8, and how many characters it holds.
#pragma once

#include <cstddef>
#include <string_view>

namespace civicgrid {

// True when `text` is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
// sequences, no overlong encodings, no UTF-16 surrogates (U+D800..U+DFFF) and nothing above U+10FFFF.
// The empty string and plain ASCII (NUL included) are valid; callers that refuse NUL check it apart.
bool IsValidUtf8(std::string_view text);

// The number of characters (Unicode code points) of UTF-8 `text`: every byte that does not continue a
// sequence counts once. For text that is not valid UTF-8 the count is a bound, not exact; callers
// validate UTF-8 apart.
size_t CharacterCount(std::string_view text);

}  // namespace civicgrid
