#include "store/sqlite/migrations.h"

#include <vector>

namespace civicgrid::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit a migration that has shipped.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {1, "territory", R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('territory_version', '0');

-- Every node of the territory tree, grids included (level 6).
CREATE TABLE divisions (
  code   TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),
  parent TEXT REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX divisions_parent ON divisions(parent);

-- Grid shapes (WKB MultiPolygon, WGS84) with their bounding boxes.
CREATE TABLE grids (
  code      TEXT PRIMARY KEY REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  community TEXT NOT NULL REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  kind      TEXT NOT NULL CHECK (kind IN ('basic', 'dedicated')),
  shape     BLOB NOT NULL,
  min_lon   REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL
);
CREATE INDEX grids_community ON grids(community);

-- Shapes of divisions above grid level: the union of their grids, and a simplified copy.
CREATE TABLE division_shapes (
  code       TEXT PRIMARY KEY REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  shape      BLOB NOT NULL,
  simplified BLOB NOT NULL
);
)sql"},
  };
  return kAll;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<void> Migrate(Db& db) {
  if (auto r = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
                       "NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      !r)
    return r;
  int current = 0;
  {
    Stmt s(db.handle(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s.ok()) return Error::Internal("sqlite: " + s.error());
    if (s.Step()) current = static_cast<int>(s.Int(0));
  }
  if (current > LatestSchemaVersion())
    return Error::Conflict("the database has schema version " + std::to_string(current) +
                               ", newer than this binary knows (" + std::to_string(LatestSchemaVersion()) + ")",
                           "db");
  for (const auto& m : Migrations()) {
    if (m.version <= current) continue;
    auto r = InTransaction(db, [&]() -> Result<void> {
      if (auto e = db.Exec(m.sql); !e) return e;
      Stmt ins(db.handle(), "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
      ins.Bind(1, static_cast<int64_t>(m.version)).Bind(2, m.name);
      return ins.Run();
    });
    if (!r)
      return Error::Internal("migration " + std::to_string(m.version) + " (" + m.name + ") failed: " +
                             r.error().message);
  }
  return {};
}

}  // namespace civicgrid::store::sqlite
