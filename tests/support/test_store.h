// The store a test runs on, by engine: SQLite files in the test's TempDir (the default), or with
// CIVICGRID_TEST_ENGINE=postgres an empty schema of a PostgreSQL server for each store name.
//
// The server is named by CIVICGRID_TEST_PG (a postgresql:// URI) or else CIVICGRID_TEST_PG_DIR (a directory
// of `scripts/pg-temp.sh start DIR`, whose file "port" gives the port). CTest runs the pg.* tests that way
// against a throwaway server it starts for the run (tests/CMakeLists.txt). The schemas a test program made
// are dropped when it ends, unless CIVICGRID_TEST_PG_KEEP is set (to look into a failed test's tables).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace civicgrid::testing {

// True when CIVICGRID_TEST_ENGINE is "postgres".
bool TestOnPostgres();

// The store URL for `name` within `dir`. SQLite: the file dir/name. PostgreSQL: the server's URI with
// options=-csearch_path=<schema>,public, where <schema> is a new empty schema made for (dir, name) the first
// time and the same one afterwards (a test may close and reopen a store by its name). When the server is
// not named or cannot be reached, the test fails saying why and the URL answered is "".
std::string TestDbUrl(const TempDir& dir, const std::string& name);

// store::OpenStore(TestDbUrl(dir, name)), with the keyring in the file dir/name.key.
Result<std::unique_ptr<store::Store>> OpenTestStore(const TempDir& dir, const std::string& name);

}  // namespace civicgrid::testing
