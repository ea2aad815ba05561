// The PostgreSQL schema and its migrations (append only), applied at open under an advisory lock so that
// app nodes starting together do not race.
#pragma once

#include "core/result.h"
#include "store/postgres/pg.h"

namespace civicgrid::store::pg {

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Brings the database's schema (in the connection's search_path) to LatestSchemaVersion(); also adds the
// grids' PostGIS geometry where the extension is available. Fails with conflict for a newer schema.
Result<void> Migrate(Conn& db);

// Whether the grids are also stored as PostGIS geometry (grids.geom).
Result<bool> HasPostgis(Conn& db);

}  // namespace civicgrid::store::pg
