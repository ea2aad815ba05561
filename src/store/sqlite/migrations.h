// Versioned schema migrations of the SQLite store. Each migration runs once, in order, inside a
// transaction, and is recorded in schema_migrations; a database newer than this binary is refused.
#pragma once

#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

// Brings `db` to the newest schema version this binary knows.
Result<void> Migrate(Db& db);

// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace civicgrid::store::sqlite
