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
      {2, "cases", R"sql(
INSERT INTO meta(key, value) VALUES ('reference_version', '0');

-- Working calendars: weekday rule ("1111100", Monday first), office hours ("480-720,840-1080", minutes
-- after local midnight) and dated overrides.
CREATE TABLE calendars (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  utc_offset_minutes INTEGER NOT NULL,
  working_weekdays   TEXT NOT NULL,
  office_hours       TEXT NOT NULL
);
CREATE TABLE calendar_overrides (
  calendar TEXT NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
  day      INTEGER NOT NULL,            -- days since 1970-01-01 (local date)
  working  INTEGER NOT NULL CHECK (working IN (0, 1)),
  note     TEXT NOT NULL,
  PRIMARY KEY (calendar, day)
) WITHOUT ROWID;

CREATE TABLE units (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  territory TEXT NOT NULL,
  calendar  TEXT NOT NULL DEFAULT '',
  active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX units_territory ON units(territory);

CREATE TABLE categories (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  parent   TEXT NOT NULL DEFAULT '',
  priority TEXT NOT NULL,
  acknowledge_kind TEXT NOT NULL, acknowledge_amount INTEGER NOT NULL,
  handle_kind      TEXT NOT NULL, handle_amount      INTEGER NOT NULL,
  verify_kind      TEXT NOT NULL, verify_amount      INTEGER NOT NULL,
  level    INTEGER NOT NULL,
  active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE routing_rules (
  id        INTEGER PRIMARY KEY,
  category  TEXT NOT NULL,
  territory TEXT NOT NULL,
  unit      INTEGER NOT NULL REFERENCES units(id),
  co_units  TEXT NOT NULL DEFAULT '',
  note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX routing_rules_category ON routing_rules(category);

-- The current state of every case; its history is case_events.
CREATE TABLE cases (
  id             INTEGER PRIMARY KEY,
  tracking_code  TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  resume_status  TEXT NOT NULL,
  channel        TEXT NOT NULL,
  category       TEXT NOT NULL,
  priority       TEXT NOT NULL,
  description    TEXT NOT NULL,
  has_point      INTEGER NOT NULL,
  lon REAL, lat REAL,
  address        TEXT NOT NULL,
  grid           TEXT NOT NULL,
  territory      TEXT NOT NULL,
  reporter_name  TEXT NOT NULL,
  reporter_phone TEXT NOT NULL,
  attachments    TEXT NOT NULL,
  level          INTEGER NOT NULL,
  center         INTEGER NOT NULL,
  unit           INTEGER NOT NULL,
  co_units       TEXT NOT NULL,
  rule           INTEGER NOT NULL,
  route_reason   TEXT NOT NULL,
  calendar       TEXT NOT NULL,
  duplicate_of   INTEGER NOT NULL,
  clocks         TEXT NOT NULL,
  extension_pending INTEGER NOT NULL,
  returns INTEGER NOT NULL, reworks INTEGER NOT NULL, escalations INTEGER NOT NULL,
  extensions INTEGER NOT NULL, reopens INTEGER NOT NULL, supervisions INTEGER NOT NULL, urges INTEGER NOT NULL,
  overdue        INTEGER NOT NULL,
  self_handled   INTEGER NOT NULL,
  resolved_on_time INTEGER NOT NULL,
  ended_level    INTEGER NOT NULL,
  evaluation     TEXT NOT NULL,
  reported_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, dispatched_at INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL, closed_at INTEGER NOT NULL,
  handling_seconds INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  handle_due     INTEGER NOT NULL,
  handle_warn    INTEGER NOT NULL,
  open           INTEGER NOT NULL
);
CREATE INDEX cases_territory ON cases(territory, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_unit ON cases(unit, id);
CREATE INDEX cases_reported ON cases(reported_at);
CREATE INDEX cases_due ON cases(handle_due) WHERE open = 1 AND handle_due > 0;

-- Every change of a case, appended; never updated.
CREATE TABLE case_events (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  seq         INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  role        TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  note        TEXT NOT NULL,
  attachments TEXT NOT NULL,
  details     TEXT NOT NULL,
  UNIQUE (case_id, seq)
);

CREATE TABLE idempotency_keys (
  key     TEXT PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id)
) WITHOUT ROWID;

-- Statistics counters (core/case_stats.h), one row per (report day, territory, category, unit, channel),
-- moved by every case change in the same transaction.
CREATE TABLE case_stats (
  day       INTEGER NOT NULL,
  territory TEXT NOT NULL,
  category  TEXT NOT NULL,
  unit      INTEGER NOT NULL,
  channel   TEXT NOT NULL,
  reported INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  dispatched INTEGER NOT NULL DEFAULT 0,
  returned INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  resolved_on_time INTEGER NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  due INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  closed_on_time INTEGER NOT NULL DEFAULT 0,
  self_handled INTEGER NOT NULL DEFAULT 0,
  reworked INTEGER NOT NULL DEFAULT 0,
  extended INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  evaluated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  unsatisfied INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  merged INTEGER NOT NULL DEFAULT 0,
  handling_seconds INTEGER NOT NULL DEFAULT 0,
  ended_grid INTEGER NOT NULL DEFAULT 0,
  ended_community INTEGER NOT NULL DEFAULT 0,
  ended_street INTEGER NOT NULL DEFAULT 0,
  ended_county INTEGER NOT NULL DEFAULT 0,
  ended_city INTEGER NOT NULL DEFAULT 0,
  open INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, territory, category, unit, channel)
) WITHOUT ROWID;
CREATE INDEX case_stats_territory ON case_stats(territory, day);
)sql"},
      {3, "audit", R"sql(
-- The audit log: appended in the transaction of each change it records, never updated or deleted.
-- Each row holds the SHA-256 of its content and of the row before it (security/audit_chain.h).
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  remote    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
)sql"},
      {4, "accounts", R"sql(
-- Accounts: argon2id password hashes; login throttling per account (failures in a row, locked until).
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0
);

-- A user's roles, each bound to a scope: a territory subtree ('' = everywhere) and/or a unit (0 = none),
-- in the order given (the first grant that fits is the role a user acts in).
CREATE TABLE user_grants (
  user_id   INTEGER NOT NULL REFERENCES users(id),
  role      TEXT NOT NULL,
  territory TEXT NOT NULL,
  unit      INTEGER NOT NULL,
  UNIQUE (user_id, role, territory, unit)
);

-- Sessions: only the SHA-256 of the 256-bit token is kept.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  remote     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- API keys for systems: the SHA-256 of the key, its first characters to recognise it, and its scope.
CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  key_hash    TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  permissions TEXT NOT NULL,
  territory   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  INTEGER NOT NULL DEFAULT 0
);

-- Who reported a case (a resident sees their own reports).
ALTER TABLE cases ADD COLUMN reporter_account TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_reporter_account ON cases(reporter_account, id) WHERE reporter_account != '';

-- The role "unit" is now called "unit_staff".
UPDATE case_events SET role = 'unit_staff' WHERE role = 'unit';
)sql"},
      {5, "case lists by status and territory", R"sql(
-- Case lists of a subtree in some statuses, newest first (store/sqlite/case_filter.h): a walk through a
-- status newest first checks the territory in the index, without reading the cases it passes; the matches
-- of a small subtree come from one range of the second index.
DROP INDEX cases_status;
CREATE INDEX cases_status ON cases(status, id, territory);
CREATE INDEX cases_status_territory ON cases(status, territory, id);
)sql"},
      {6, "statistics rollups", R"sql(
-- The statistics counters summed per report day and per calendar month (store/sqlite/stats_rollup.h): by
-- street, and by county for category, lead unit and channel; filled here from case_stats, then moved by
-- every case change with it.
CREATE TABLE case_stats_day (
  period INTEGER NOT NULL,  -- report day (days since 1970-01-01, local)
  dim    INTEGER NOT NULL,  -- core RollupBy: 0 street, 1 category, 2 unit, 3 channel
  area   TEXT NOT NULL,     -- street code (dim 0), county code (dims 1-3)
  value  TEXT NOT NULL,     -- category code, unit id, channel name; '' for dim 0
  reported INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  dispatched INTEGER NOT NULL DEFAULT 0,
  returned INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  resolved_on_time INTEGER NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  due INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  closed_on_time INTEGER NOT NULL DEFAULT 0,
  self_handled INTEGER NOT NULL DEFAULT 0,
  reworked INTEGER NOT NULL DEFAULT 0,
  extended INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  evaluated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  unsatisfied INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  merged INTEGER NOT NULL DEFAULT 0,
  handling_seconds INTEGER NOT NULL DEFAULT 0,
  ended_grid INTEGER NOT NULL DEFAULT 0,
  ended_community INTEGER NOT NULL DEFAULT 0,
  ended_street INTEGER NOT NULL DEFAULT 0,
  ended_county INTEGER NOT NULL DEFAULT 0,
  ended_city INTEGER NOT NULL DEFAULT 0,
  open INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, period, area, value)
) WITHOUT ROWID;
CREATE TABLE case_stats_month (
  period INTEGER NOT NULL,  -- calendar month: year * 12 + month - 1
  dim    INTEGER NOT NULL,  -- core RollupBy: 0 street, 1 category, 2 unit, 3 channel
  area   TEXT NOT NULL,     -- street code (dim 0), county code (dims 1-3)
  value  TEXT NOT NULL,     -- category code, unit id, channel name; '' for dim 0
  reported INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  dispatched INTEGER NOT NULL DEFAULT 0,
  returned INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  resolved_on_time INTEGER NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  due INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  closed_on_time INTEGER NOT NULL DEFAULT 0,
  self_handled INTEGER NOT NULL DEFAULT 0,
  reworked INTEGER NOT NULL DEFAULT 0,
  extended INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  evaluated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  unsatisfied INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  merged INTEGER NOT NULL DEFAULT 0,
  handling_seconds INTEGER NOT NULL DEFAULT 0,
  ended_grid INTEGER NOT NULL DEFAULT 0,
  ended_community INTEGER NOT NULL DEFAULT 0,
  ended_street INTEGER NOT NULL DEFAULT 0,
  ended_county INTEGER NOT NULL DEFAULT 0,
  ended_city INTEGER NOT NULL DEFAULT 0,
  open INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, period, area, value)
) WITHOUT ROWID;
INSERT INTO case_stats_day(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT day, 0, substr(territory, 1, 9), '', sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_day(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT day, 1, substr(territory, 1, 6), category, sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_day(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT day, 2, substr(territory, 1, 6), CAST(unit AS TEXT), sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_day(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT day, 3, substr(territory, 1, 6), channel, sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_month(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1, 0, substr(territory, 1, 9), '', sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_month(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1, 1, substr(territory, 1, 6), category, sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_month(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1, 2, substr(territory, 1, 6), CAST(unit AS TEXT), sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
INSERT INTO case_stats_month(period, dim, area, value, reported, accepted, dispatched, returned, resolved, resolved_on_time, overdue, suspended, due, closed, closed_on_time, self_handled, reworked, extended, escalated, evaluated, satisfied, basically_satisfied, unsatisfied, rejected, merged, handling_seconds, ended_grid, ended_community, ended_street, ended_county, ended_city, open)
  SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1, 3, substr(territory, 1, 6), channel, sum(reported), sum(accepted), sum(dispatched), sum(returned), sum(resolved), sum(resolved_on_time), sum(overdue), sum(suspended), sum(due), sum(closed), sum(closed_on_time), sum(self_handled), sum(reworked), sum(extended), sum(escalated), sum(evaluated), sum(satisfied), sum(basically_satisfied), sum(unsatisfied), sum(rejected), sum(merged), sum(handling_seconds), sum(ended_grid), sum(ended_community), sum(ended_street), sum(ended_county), sum(ended_city), sum(open)
  FROM case_stats GROUP BY 1, 3, 4;
)sql"},
      {7, "category attributes and events by time", R"sql(
-- A category's text for reporters, its keywords (joined by ',') and its extra questions (the JSON of
-- common/attribute_json.h): what an Open311 service lists.
ALTER TABLE categories ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
-- Events by time, for feeds of the changes since a moment.
CREATE INDEX case_events_at ON case_events(at);
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
