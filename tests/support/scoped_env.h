// An environment variable set for the scope of one test.
#pragma once

#include <cstdlib>

namespace civicgrid::testing {

// Sets `name` to `value` until the end of the scope, then unsets it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

}  // namespace civicgrid::testing
