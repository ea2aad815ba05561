#include "support/run.h"

#include <sys/wait.h>

#include <cstdio>

namespace civicgrid::testing {

RunResult Run(const std::string& command) {
  RunResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

RunResult Civicgrid(const std::string& args) { return Run(std::string(CIVICGRID_BINARY) + " " + args); }

}  // namespace civicgrid::testing
