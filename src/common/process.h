// Running another program (pg_dump, pg_restore) and waiting for it.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace civicgrid {

// Runs `argv` (argv[0] a path or a name looked up in PATH) with this process's standard streams and
// waits for it; answers its exit code (128 + the signal's number if a signal ended it). Fails only when
// the program cannot be started.
Result<int> RunProgram(const std::vector<std::string>& argv);

// The path of the PostgreSQL client program `name` (pg_dump, pg_restore): the newest
// /usr/lib/postgresql/VERSION/bin/NAME, else NAME on PATH; "" when there is none.
std::string FindPostgresProgram(const std::string& name);

}  // namespace civicgrid
