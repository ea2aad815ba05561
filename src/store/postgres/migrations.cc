#include "store/postgres/migrations.h"

#include <vector>

namespace civicgrid::store::pg {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit a migration that has shipped. Version 1 is the schema the SQLite migrations 1–6
// reach (store/sqlite/migrations.cc), in PostgreSQL's types; each later one is a later SQLite migration
// (2 is SQLite's 7). Every text column compares bytewise (COLLATE "C"), as in SQLite, which the subtree
// ranges (code >= x AND code < x || ':') rely on.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {1, "schema", R"sql(
CREATE TABLE meta (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL
);
INSERT INTO meta(key, value) VALUES ('territory_version', '0'), ('reference_version', '0');

-- Every node of the territory tree, grids included (level 6).
CREATE TABLE divisions (
  code   TEXT COLLATE "C" PRIMARY KEY,
  name   TEXT COLLATE "C" NOT NULL,
  level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),
  parent TEXT COLLATE "C" REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX divisions_parent ON divisions(parent);

-- Grid shapes (WKB MultiPolygon, WGS84) with their bounding boxes.
CREATE TABLE grids (
  code      TEXT COLLATE "C" PRIMARY KEY REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  community TEXT COLLATE "C" NOT NULL REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  kind      TEXT COLLATE "C" NOT NULL CHECK (kind IN ('basic', 'dedicated')),
  shape     BYTEA NOT NULL,
  min_lon   DOUBLE PRECISION NOT NULL, min_lat DOUBLE PRECISION NOT NULL,
  max_lon   DOUBLE PRECISION NOT NULL, max_lat DOUBLE PRECISION NOT NULL
);
CREATE INDEX grids_community ON grids(community);

-- Shapes of divisions above grid level: the union of their grids, and a simplified copy.
CREATE TABLE division_shapes (
  code       TEXT COLLATE "C" PRIMARY KEY REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  shape      BYTEA NOT NULL,
  simplified BYTEA NOT NULL
);

-- Working calendars: weekday rule ("1111100", Monday first), office hours ("480-720,840-1080", minutes
-- after local midnight) and dated overrides.
CREATE TABLE calendars (
  id                 TEXT COLLATE "C" PRIMARY KEY,
  name               TEXT COLLATE "C" NOT NULL,
  utc_offset_minutes INTEGER NOT NULL,
  working_weekdays   TEXT COLLATE "C" NOT NULL,
  office_hours       TEXT COLLATE "C" NOT NULL
);
CREATE TABLE calendar_overrides (
  calendar TEXT COLLATE "C" NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  day      INTEGER NOT NULL,            -- days since 1970-01-01 (local date)
  working  INTEGER NOT NULL CHECK (working IN (0, 1)),
  note     TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (calendar, day)
);

CREATE TABLE units (
  id        BIGSERIAL PRIMARY KEY,
  name      TEXT COLLATE "C" NOT NULL,
  kind      TEXT COLLATE "C" NOT NULL,
  territory TEXT COLLATE "C" NOT NULL,
  calendar  TEXT COLLATE "C" NOT NULL DEFAULT '',
  active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX units_territory ON units(territory);

CREATE TABLE categories (
  code     TEXT COLLATE "C" PRIMARY KEY,
  name     TEXT COLLATE "C" NOT NULL,
  parent   TEXT COLLATE "C" NOT NULL DEFAULT '',
  priority TEXT COLLATE "C" NOT NULL,
  acknowledge_kind TEXT COLLATE "C" NOT NULL, acknowledge_amount BIGINT NOT NULL,
  handle_kind      TEXT COLLATE "C" NOT NULL, handle_amount      BIGINT NOT NULL,
  verify_kind      TEXT COLLATE "C" NOT NULL, verify_amount      BIGINT NOT NULL,
  level    INTEGER NOT NULL,
  active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE routing_rules (
  id        BIGSERIAL PRIMARY KEY,
  category  TEXT COLLATE "C" NOT NULL,
  territory TEXT COLLATE "C" NOT NULL,
  unit      BIGINT NOT NULL REFERENCES units(id),
  co_units  TEXT COLLATE "C" NOT NULL DEFAULT '',
  note      TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX routing_rules_category ON routing_rules(category);

-- The current state of every case; its history is case_events. Ids come from cases_id_seq, shared by
-- every app node.
CREATE SEQUENCE cases_id_seq;
CREATE TABLE cases (
  id             BIGINT PRIMARY KEY,
  tracking_code  TEXT COLLATE "C" NOT NULL UNIQUE,
  status         TEXT COLLATE "C" NOT NULL,
  resume_status  TEXT COLLATE "C" NOT NULL,
  channel        TEXT COLLATE "C" NOT NULL,
  category       TEXT COLLATE "C" NOT NULL,
  priority       TEXT COLLATE "C" NOT NULL,
  description    TEXT COLLATE "C" NOT NULL,
  has_point      INTEGER NOT NULL,
  lon DOUBLE PRECISION, lat DOUBLE PRECISION,
  address        TEXT COLLATE "C" NOT NULL,
  grid           TEXT COLLATE "C" NOT NULL,
  territory      TEXT COLLATE "C" NOT NULL,
  reporter_name  TEXT COLLATE "C" NOT NULL,
  reporter_phone TEXT COLLATE "C" NOT NULL,
  reporter_account TEXT COLLATE "C" NOT NULL DEFAULT '',
  attachments    TEXT COLLATE "C" NOT NULL,
  level          INTEGER NOT NULL,
  center         BIGINT NOT NULL,
  unit           BIGINT NOT NULL,
  co_units       TEXT COLLATE "C" NOT NULL,
  rule           BIGINT NOT NULL,
  route_reason   TEXT COLLATE "C" NOT NULL,
  calendar       TEXT COLLATE "C" NOT NULL,
  duplicate_of   BIGINT NOT NULL,
  clocks         TEXT COLLATE "C" NOT NULL,
  extension_pending BIGINT NOT NULL,
  returns INTEGER NOT NULL, reworks INTEGER NOT NULL, escalations INTEGER NOT NULL,
  extensions INTEGER NOT NULL, reopens INTEGER NOT NULL, supervisions INTEGER NOT NULL, urges INTEGER NOT NULL,
  overdue        INTEGER NOT NULL,
  self_handled   INTEGER NOT NULL,
  resolved_on_time INTEGER NOT NULL,
  ended_level    INTEGER NOT NULL,
  evaluation     TEXT COLLATE "C" NOT NULL,
  reported_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, dispatched_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL, closed_at BIGINT NOT NULL,
  handling_seconds BIGINT NOT NULL,
  version        BIGINT NOT NULL,
  handle_due     BIGINT NOT NULL,
  handle_warn    BIGINT NOT NULL,
  open           INTEGER NOT NULL
);
--: territory ranges (code >= x AND code < x || ':') compare bytewise whatever the collation.
CREATE INDEX cases_territory ON cases(territory, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_status_territory ON cases(status, territory, id);
CREATE INDEX cases_unit ON cases(unit, id);
CREATE INDEX cases_reported ON cases(reported_at);
CREATE INDEX cases_due ON cases(handle_due) WHERE open = 1 AND handle_due > 0;
CREATE INDEX cases_reporter_account ON cases(reporter_account, id) WHERE reporter_account != '';

-- Every change of a case, appended; never updated.
CREATE TABLE case_events (
  id          BIGSERIAL PRIMARY KEY,
  case_id     BIGINT NOT NULL REFERENCES cases(id),
  seq         BIGINT NOT NULL,
  at          BIGINT NOT NULL,
  actor       TEXT COLLATE "C" NOT NULL,
  role        TEXT COLLATE "C" NOT NULL,
  action      TEXT COLLATE "C" NOT NULL,
  from_status TEXT COLLATE "C" NOT NULL,
  to_status   TEXT COLLATE "C" NOT NULL,
  note        TEXT COLLATE "C" NOT NULL,
  attachments TEXT COLLATE "C" NOT NULL,
  details     TEXT COLLATE "C" NOT NULL,
  UNIQUE (case_id, seq)
);

CREATE TABLE idempotency_keys (
  key     TEXT COLLATE "C" PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id)
);

-- Statistics counters (core/case_stats.h), one row per (report day, territory, category, unit, channel),
-- moved by every case change in the same transaction.
CREATE TABLE case_stats (
  day       INTEGER NOT NULL,
  territory TEXT COLLATE "C" NOT NULL,
  category  TEXT COLLATE "C" NOT NULL,
  unit      BIGINT NOT NULL,
  channel   TEXT COLLATE "C" NOT NULL,
  reported BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  dispatched BIGINT NOT NULL DEFAULT 0,
  returned BIGINT NOT NULL DEFAULT 0,
  resolved BIGINT NOT NULL DEFAULT 0,
  resolved_on_time BIGINT NOT NULL DEFAULT 0,
  overdue BIGINT NOT NULL DEFAULT 0,
  suspended BIGINT NOT NULL DEFAULT 0,
  due BIGINT NOT NULL DEFAULT 0,
  closed BIGINT NOT NULL DEFAULT 0,
  closed_on_time BIGINT NOT NULL DEFAULT 0,
  self_handled BIGINT NOT NULL DEFAULT 0,
  reworked BIGINT NOT NULL DEFAULT 0,
  extended BIGINT NOT NULL DEFAULT 0,
  escalated BIGINT NOT NULL DEFAULT 0,
  evaluated BIGINT NOT NULL DEFAULT 0,
  satisfied BIGINT NOT NULL DEFAULT 0,
  basically_satisfied BIGINT NOT NULL DEFAULT 0,
  unsatisfied BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  merged BIGINT NOT NULL DEFAULT 0,
  handling_seconds BIGINT NOT NULL DEFAULT 0,
  ended_grid BIGINT NOT NULL DEFAULT 0,
  ended_community BIGINT NOT NULL DEFAULT 0,
  ended_street BIGINT NOT NULL DEFAULT 0,
  ended_county BIGINT NOT NULL DEFAULT 0,
  ended_city BIGINT NOT NULL DEFAULT 0,
  open BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, territory, category, unit, channel)
);
CREATE INDEX case_stats_territory ON case_stats(territory, day);

-- The counters summed per report day and per calendar month (store/sql/stats_rollup.h): by street, and by
-- county for category, lead unit and channel.
CREATE TABLE case_stats_day (
  period INTEGER NOT NULL,  -- report day (days since 1970-01-01, local)
  dim    INTEGER NOT NULL,  -- core RollupBy: 0 street, 1 category, 2 unit, 3 channel
  area   TEXT COLLATE "C" NOT NULL,     -- street code (dim 0), county code (dims 1-3)
  value  TEXT COLLATE "C" NOT NULL,     -- category code, unit id, channel name; '' for dim 0
  reported BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  dispatched BIGINT NOT NULL DEFAULT 0,
  returned BIGINT NOT NULL DEFAULT 0,
  resolved BIGINT NOT NULL DEFAULT 0,
  resolved_on_time BIGINT NOT NULL DEFAULT 0,
  overdue BIGINT NOT NULL DEFAULT 0,
  suspended BIGINT NOT NULL DEFAULT 0,
  due BIGINT NOT NULL DEFAULT 0,
  closed BIGINT NOT NULL DEFAULT 0,
  closed_on_time BIGINT NOT NULL DEFAULT 0,
  self_handled BIGINT NOT NULL DEFAULT 0,
  reworked BIGINT NOT NULL DEFAULT 0,
  extended BIGINT NOT NULL DEFAULT 0,
  escalated BIGINT NOT NULL DEFAULT 0,
  evaluated BIGINT NOT NULL DEFAULT 0,
  satisfied BIGINT NOT NULL DEFAULT 0,
  basically_satisfied BIGINT NOT NULL DEFAULT 0,
  unsatisfied BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  merged BIGINT NOT NULL DEFAULT 0,
  handling_seconds BIGINT NOT NULL DEFAULT 0,
  ended_grid BIGINT NOT NULL DEFAULT 0,
  ended_community BIGINT NOT NULL DEFAULT 0,
  ended_street BIGINT NOT NULL DEFAULT 0,
  ended_county BIGINT NOT NULL DEFAULT 0,
  ended_city BIGINT NOT NULL DEFAULT 0,
  open BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, period, area, value)
);
CREATE TABLE case_stats_month (
  period INTEGER NOT NULL,  -- calendar month: year * 12 + month - 1
  dim    INTEGER NOT NULL,
  area   TEXT COLLATE "C" NOT NULL,
  value  TEXT COLLATE "C" NOT NULL,
  reported BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  dispatched BIGINT NOT NULL DEFAULT 0,
  returned BIGINT NOT NULL DEFAULT 0,
  resolved BIGINT NOT NULL DEFAULT 0,
  resolved_on_time BIGINT NOT NULL DEFAULT 0,
  overdue BIGINT NOT NULL DEFAULT 0,
  suspended BIGINT NOT NULL DEFAULT 0,
  due BIGINT NOT NULL DEFAULT 0,
  closed BIGINT NOT NULL DEFAULT 0,
  closed_on_time BIGINT NOT NULL DEFAULT 0,
  self_handled BIGINT NOT NULL DEFAULT 0,
  reworked BIGINT NOT NULL DEFAULT 0,
  extended BIGINT NOT NULL DEFAULT 0,
  escalated BIGINT NOT NULL DEFAULT 0,
  evaluated BIGINT NOT NULL DEFAULT 0,
  satisfied BIGINT NOT NULL DEFAULT 0,
  basically_satisfied BIGINT NOT NULL DEFAULT 0,
  unsatisfied BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  merged BIGINT NOT NULL DEFAULT 0,
  handling_seconds BIGINT NOT NULL DEFAULT 0,
  ended_grid BIGINT NOT NULL DEFAULT 0,
  ended_community BIGINT NOT NULL DEFAULT 0,
  ended_street BIGINT NOT NULL DEFAULT 0,
  ended_county BIGINT NOT NULL DEFAULT 0,
  ended_city BIGINT NOT NULL DEFAULT 0,
  open BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, period, area, value)
);

-- The audit log: appended in the transaction of each change it records, never updated or deleted.
-- Each row holds the SHA-256 of its content and of the row before it (security/audit_chain.h).
CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor     TEXT COLLATE "C" NOT NULL,
  action    TEXT COLLATE "C" NOT NULL,
  target    TEXT COLLATE "C" NOT NULL,
  detail    TEXT COLLATE "C" NOT NULL,
  remote    TEXT COLLATE "C" NOT NULL,
  prev_hash TEXT COLLATE "C" NOT NULL,
  hash      TEXT COLLATE "C" NOT NULL
);

-- Accounts: argon2id password hashes; login throttling per account (failures in a row, locked until).
CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  username      TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name  TEXT COLLATE "C" NOT NULL,
  password_hash TEXT COLLATE "C" NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  BIGINT NOT NULL DEFAULT 0
);

-- A user's roles, each bound to a scope, in the order given (id).
CREATE TABLE user_grants (
  id        BIGSERIAL PRIMARY KEY,
  user_id   BIGINT NOT NULL REFERENCES users(id),
  role      TEXT COLLATE "C" NOT NULL,
  territory TEXT COLLATE "C" NOT NULL,
  unit      BIGINT NOT NULL,
  UNIQUE (user_id, role, territory, unit)
);

-- Sessions: only the SHA-256 of the 256-bit token is kept.
CREATE TABLE sessions (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL DEFAULT 0,
  remote     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- API keys for systems: the SHA-256 of the key, its first characters to recognise it, and its scope.
CREATE TABLE api_keys (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT COLLATE "C" NOT NULL UNIQUE,
  key_hash    TEXT COLLATE "C" NOT NULL UNIQUE,
  prefix      TEXT COLLATE "C" NOT NULL,
  permissions TEXT COLLATE "C" NOT NULL,
  territory   TEXT COLLATE "C" NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT COLLATE "C" NOT NULL,
  revoked_at  BIGINT NOT NULL DEFAULT 0
);
)sql"},
      {2, "category attributes and events by time", R"sql(
-- SQLite's migration 7. A category's text for reporters, its keywords (joined by ',') and its extra
-- questions (the JSON of common/attribute_json.h): what an Open311 service lists.
ALTER TABLE categories ADD COLUMN description TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN keywords TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN attributes TEXT COLLATE "C" NOT NULL DEFAULT '[]';
-- Events by time, for feeds of the changes since a moment.
CREATE INDEX case_events_at ON case_events(at);
)sql"},
  };
  return kAll;
}

// Grids also as PostGIS geometry (WGS84), for analysts' SQL: a column kept equal to the WKB shape by a
// trigger, so that the server writes grids the same way with or without PostGIS. The server itself keeps
// locating in process (geo/grid_index.h).
constexpr const char* kPostgis = R"sql(
CREATE EXTENSION IF NOT EXISTS postgis;
ALTER TABLE grids ADD COLUMN geom geometry(MultiPolygon, 4326);
UPDATE grids SET geom = ST_Multi(ST_GeomFromWKB(shape, 4326));
CREATE INDEX grids_geom ON grids USING gist (geom);
CREATE FUNCTION grids_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.geom := ST_Multi(ST_GeomFromWKB(NEW.shape, 4326));
  RETURN NEW;
END $$;
CREATE TRIGGER grids_geom BEFORE INSERT OR UPDATE OF shape ON grids FOR EACH ROW EXECUTE FUNCTION grids_geom();
)sql";

// The key of the session advisory lock held while migrating, so that app nodes starting together migrate
// one after the other.
constexpr const char* kMigrationLock = "7175031000";

Result<void> Apply(Conn& db, int version, const std::string& name, const char* sql) {
  if (auto r = db.Exec("BEGIN"); !r) return r;
  auto r = db.Exec(sql);
  if (r) {
    auto ins = db.RunOnce("INSERT INTO schema_migrations(version, name) VALUES (?1, ?2)", {int64_t{version}, name});
    if (!ins) r = ins.error();
  }
  if (!r) {
    (void)db.Exec("ROLLBACK");
    return Error::Internal("migration " + std::to_string(version) + " (" + name + ") failed: " + r.error().message);
  }
  return db.Exec("COMMIT");
}

Result<void> MigrateLocked(Conn& db) {
  if (auto r = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      !r)
    return r;
  // The PostGIS step is numbered 1000, outside the sequence, since it is applied only where PostGIS is.
  int version = 0;
  {
    auto v = db.RunOnce("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE version < 1000", {},
                        [&](const sql::RowReader& row) { version = static_cast<int>(row.Int(0)); });
    if (!v) return v.error();
  }
  if (version > LatestSchemaVersion())
    return Error::Conflict("the database has schema version " + std::to_string(version) +
                               ", newer than this binary knows (" + std::to_string(LatestSchemaVersion()) + ")",
                           "db");
  for (const auto& m : Migrations())
    if (m.version > version)
      if (auto r = Apply(db, m.version, m.name, m.sql); !r) return r;
  bool has_postgis_step = false, postgis_available = false;
  auto s = db.RunOnce("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 1000), "
                      "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')",
                      {}, [&](const sql::RowReader& row) {
                        has_postgis_step = row.Int(0) != 0;
                        postgis_available = row.Int(1) != 0;
                      });
  if (!s) return s.error();
  if (!has_postgis_step && postgis_available) {
    // Creating the extension needs a privilege the database's owner may lack: then the grids stay WKB only,
    // and the step is tried again at the next start.
    if (auto r = Apply(db, 1000, "postgis", kPostgis); !r) return {};
  }
  return {};
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<void> Migrate(Conn& db) {
  if (auto r = db.Exec(std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")"); !r) return r;
  auto r = MigrateLocked(db);
  (void)db.Exec(std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")");
  return r;
}

Result<bool> HasPostgis(Conn& db) {
  bool yes = false;
  auto r = db.RunOnce("SELECT 1 FROM schema_migrations WHERE version = 1000", {},
                      [&](const sql::RowReader&) { yes = true; });
  if (!r) return r.error();
  return yes;
}

}  // namespace civicgrid::store::pg
