// UTF-8 validation for text that comes from outside (request targets, JSON bodies).
#pragma once

#include <string_view>

namespace civicgrid {

// True when `text` is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
// sequences, no overlong encodings, no UTF-16 surrogates (U+D800..U+DFFF) and nothing above U+10FFFF.
// The empty string and plain ASCII (NUL included) are valid; callers that refuse NUL check it apart.
bool IsValidUtf8(std::string_view text);

}  // namespace civicgrid
