// What the fuzz targets share: a check that aborts (so that libFuzzer and the standalone driver
// report the input) when a property of the code under test does not hold.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace civicgrid::fuzz {

// Aborts with `what` when `ok` is false.
inline void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

// An error handed back for bad input must be a well-formed invalid_argument naming a field: `field`
// when given (a JSON member's key, which may be ""), else any non-empty one.
inline void CheckInputError(const Error& error, std::optional<std::string_view> field = std::nullopt) {
  Check(error.code == "invalid_argument", "bad input answered an error other than invalid_argument");
  Check(!error.message.empty(), "an error without a message");
  if (field) {
    Check(error.field == *field, "an error names another field than the one at fault");
  } else {
    Check(!error.field.empty(), "an error that names no field");
  }
}

}  // namespace civicgrid::fuzz
