// Runs the civicgrid binary (or any shell command) and captures its output and exit code.
#pragma once

#include <string>

namespace civicgrid::testing {

struct RunResult {
  int exit_code = -1;
  std::string output;  // standard output and standard error, interleaved
};

// Runs `command` with /bin/sh, capturing both output streams.
RunResult Run(const std::string& command);

// Runs the civicgrid binary built with the tests, with `args` (shell syntax).
RunResult Civicgrid(const std::string& args);

}  // namespace civicgrid::testing
