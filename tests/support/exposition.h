// A checker of the Prometheus text exposition format (0.0.4) for tests of /metrics.
#pragma once

#include <string>

namespace civicgrid::testing {

// Expects (GoogleTest failures otherwise) that every line of `text` is a HELP, a TYPE (once per
// family) or a sample of a family declared by a TYPE line, that there is at least one sample and that
// the text ends with a newline.
void ExpectValidExposition(const std::string& text);

}  // namespace civicgrid::testing
