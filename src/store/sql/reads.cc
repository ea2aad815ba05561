#include "store/sql/reads.h"

#include <algorithm>
#include <map>

#include "common/attribute_json.h"
#include "geo/wkb.h"
#include "store/sql/case_filter.h"
#include "store/sql/case_rows.h"

namespace civicgrid::store::sql {
namespace {

Result<std::optional<Case>> OneCase(Runner& db, const security::Keyring& ring, const std::string& where,
                                    const Value& key) {
  std::optional<Result<Case>> found;
  auto r = db.Run("SELECT " + CaseColumns() + " FROM cases WHERE " + where, {key},
                  [&](const RowReader& row) { found = ReadCase(row, ring); });
  if (!r) return r.error();
  if (!found) return std::optional<Case>();
  if (!*found) return found->error();
  return std::optional<Case>(std::move(**found));
}

Result<std::vector<int64_t>> Ids(Runner& db, const std::string& sql, const Values& params) {
  std::vector<int64_t> out;
  auto r = db.Run(sql, params, [&](const RowReader& row) { out.push_back(row.Int(0)); });
  if (!r) return r.error();
  return out;
}

Result<int64_t> OneInt(Runner& db, const std::string& sql) {
  int64_t out = 0;
  auto r = db.Run(sql, {}, [&](const RowReader& row) { out = row.Int(0); });
  if (!r) return r.error();
  return out;
}

// The keywords of a category as stored, joined by ','.
std::vector<std::string> SplitKeywords(const std::string& joined) {
  std::vector<std::string> out;
  for (size_t start = 0; start < joined.size();) {
    size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string GroupKeyOf(StatsBy by, const StatKey& k) {
  switch (by) {
    case StatsBy::kNone: return "";
    case StatsBy::kCategory: return k.category;
    case StatsBy::kUnit: return std::to_string(k.unit);
    case StatsBy::kStreet: return k.territory.substr(0, 9);
    case StatsBy::kCommunity: return k.territory.substr(0, 12);
    case StatsBy::kGrid: return k.territory.size() == 15 ? k.territory : "";
    case StatsBy::kChannel: return std::string(ChannelName(k.channel));
    case StatsBy::kDay: return std::to_string(k.day);
  }
  return "";
}

}  // namespace

Result<void> ApplyTerritory(Runner& db, const TerritoryChange& change) {
  if (change.replace_all)
    for (const char* table : {"division_shapes", "grids", "divisions"})
      if (auto r = db.Run(std::string("DELETE FROM ") + table, {}); !r) return r.error();
  const std::string div_sql =
      "INSERT INTO divisions(code, name, level, parent) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, parent = excluded.parent";
  auto put_division = [&](const std::string& code, const std::string& name, Level level,
                          const std::string& parent) -> Result<void> {
    Value p = parent.empty() ? Value{} : Value{parent};
    if (auto r = db.Run(div_sql, {code, name, static_cast<int64_t>(level), p}); !r) return r.error();
    return {};
  };
  for (const auto& d : change.divisions)
    if (auto r = put_division(d.code, d.name, d.level, d.parent); !r) return r;
  for (const auto& g : change.grids) {
    if (auto r = put_division(g.code, g.name, Level::kGrid, g.community); !r) return r;
    auto box = geo::bg::return_envelope<geo::Box>(g.shape);
    auto r = db.Run("INSERT INTO grids(code, community, kind, shape, min_lon, min_lat, max_lon, max_lat) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(code) DO UPDATE SET "
                    "community = excluded.community, kind = excluded.kind, shape = excluded.shape, "
                    "min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
                    "max_lat = excluded.max_lat",
                    {g.code, g.community, std::string(GridKindName(g.kind)), Bytes{geo::EncodeWkb(g.shape)},
                     box.min_corner().x(), box.min_corner().y(), box.max_corner().x(), box.max_corner().y()});
    if (!r) return r.error();
  }
  for (const auto& s : change.shapes) {
    auto r = db.Run("INSERT INTO division_shapes(code, shape, simplified) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT(code) DO UPDATE SET shape = excluded.shape, simplified = excluded.simplified",
                    {s.code, Bytes{geo::EncodeWkb(s.shape)}, Bytes{geo::EncodeWkb(s.simplified)}});
    if (!r) return r.error();
  }
  // Every parent must exist once the change is applied (deferred foreign keys are checked at COMMIT; this
  // names the offender instead of a bare constraint error).
  std::string orphan, parent;
  auto o = db.Run("SELECT d.code, d.parent FROM divisions d LEFT JOIN divisions p ON p.code = d.parent "
                  "WHERE d.parent IS NOT NULL AND p.code IS NULL LIMIT 1",
                  {}, [&](const RowReader& row) {
                    orphan = row.Text(0);
                    parent = row.Text(1);
                  });
  if (!o) return o.error();
  if (!orphan.empty())
    return Error::InvalidArgument("division '" + orphan + "' has no parent '" + parent + "'", "parent");
  auto v = db.Run("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'territory_version'",
                  {});
  if (!v) return v.error();
  return {};
}

Result<std::vector<Division>> LoadDivisions(Runner& db) {
  std::vector<Division> out;
  auto r = db.Run("SELECT code, name, level, COALESCE(parent, '') FROM divisions WHERE level < 6 ORDER BY code", {},
                  [&](const RowReader& s) {
                    out.push_back({s.Text(0), s.Text(1), static_cast<Level>(s.Int(2)), s.Text(3)});
                  });
  if (!r) return r.error();
  return out;
}

Result<std::vector<geo::Grid>> LoadGrids(Runner& db, const std::string& prefix) {
  std::vector<geo::Grid> out;
  std::string bad;
  auto r = db.Run("SELECT g.code, d.name, g.kind, g.community, g.shape FROM grids g JOIN divisions d ON d.code = "
                  "g.code WHERE g.code >= ?1 AND g.code < ?1 || ':' ORDER BY g.code",
                  {prefix}, [&](const RowReader& s) {
                    geo::Grid g;
                    g.code = s.Text(0);
                    g.name = s.Text(1);
                    g.kind = ParseGridKind(s.Text(2)).value_or(GridKind::kBasic);
                    g.community = s.Text(3);
                    auto shape = geo::DecodeWkb(s.Blob(4));
                    if (!shape) {
                      if (bad.empty()) bad = "grid " + g.code + ": " + shape.error().message;
                      return;
                    }
                    g.shape = std::move(*shape);
                    out.push_back(std::move(g));
                  });
  if (!r) return r.error();
  if (!bad.empty()) return Error::Internal(bad);
  return out;
}

Result<std::vector<geo::DivisionShape>> LoadDivisionShapes(Runner& db) {
  std::vector<geo::DivisionShape> out;
  std::string bad;
  auto r = db.Run("SELECT code, shape, simplified FROM division_shapes ORDER BY code", {}, [&](const RowReader& s) {
    geo::DivisionShape d;
    d.code = s.Text(0);
    auto a = geo::DecodeWkb(s.Blob(1));
    auto b = geo::DecodeWkb(s.Blob(2));
    if (!a || !b) {
      if (bad.empty()) bad = "division shape " + d.code + " is corrupt";
      return;
    }
    d.shape = std::move(*a);
    d.simplified = std::move(*b);
    out.push_back(std::move(d));
  });
  if (!r) return r.error();
  if (!bad.empty()) return Error::Internal(bad);
  return out;
}

Result<int64_t> TerritoryVersion(Runner& db) {
  return OneInt(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'territory_version'");
}

Result<TerritoryCounts> CountTerritory(Runner& db) {
  TerritoryCounts out;
  auto r = db.Run("SELECT (SELECT COUNT(*) FROM divisions WHERE level < 6), (SELECT COUNT(*) FROM grids)", {},
                  [&](const RowReader& s) { out = {s.Int(0), s.Int(1)}; });
  if (!r) return r.error();
  return out;
}

Result<ReferenceData> LoadReference(Runner& db) {
  ReferenceData out;
  // One read transaction so that the parts agree.
  const char* begin = db.dialect() == Dialect::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  if (auto r = db.Run(begin, {}); !r) return r.error();
  struct End {
    Runner& db;
    ~End() { (void)db.Run("COMMIT", {}); }
  } end{db};
  auto version = OneInt(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'reference_version'");
  if (!version) return version.error();
  out.version = *version;
  auto units = db.Run("SELECT id, name, kind, territory, calendar, active FROM units ORDER BY id", {},
                      [&](const RowReader& s) {
                        Unit u;
                        u.id = s.Int(0);
                        u.name = s.Text(1);
                        u.kind = ParseUnitKind(s.Text(2)).value_or(UnitKind::kDepartment);
                        u.territory = s.Text(3);
                        u.calendar = s.Text(4);
                        u.active = s.Int(5) != 0;
                        out.units.push_back(std::move(u));
                      });
  if (!units) return units.error();
  std::string bad;
  auto categories = db.Run(
      "SELECT code, name, parent, priority, acknowledge_kind, acknowledge_amount, handle_kind, handle_amount, "
      "verify_kind, verify_amount, level, active, description, keywords, attributes FROM categories ORDER BY code",
      {}, [&](const RowReader& s) {
        Category c;
        c.code = s.Text(0);
        c.name = s.Text(1);
        c.parent = s.Text(2);
        c.priority = ParsePriority(s.Text(3)).value_or(Priority::kNormal);
        c.acknowledge = {ParseTimeLimitKind(s.Text(4)).value_or(TimeLimitKind::kWorkingHours), s.Int(5)};
        c.handle = {ParseTimeLimitKind(s.Text(6)).value_or(TimeLimitKind::kWorkingDays), s.Int(7)};
        c.verify = {ParseTimeLimitKind(s.Text(8)).value_or(TimeLimitKind::kWorkingDays), s.Int(9)};
        c.level = static_cast<Level>(s.Int(10));
        c.active = s.Int(11) != 0;
        c.description = s.Text(12);
        c.keywords = SplitKeywords(s.Text(13));
        if (auto a = ParseAttributesJson(s.Text(14)); a) {
          c.attributes = std::move(*a);
        } else if (bad.empty()) {
          bad = "category " + c.code + ": bad attributes in the database: " + a.error().message;
        }
        out.categories.push_back(std::move(c));
      });
  if (!categories) return categories.error();
  if (!bad.empty()) return Error::Internal(bad);
  auto rules = db.Run("SELECT id, category, territory, unit, co_units, note FROM routing_rules ORDER BY id", {},
                      [&](const RowReader& s) {
                        out.rules.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), SplitIds(s.Text(4)), s.Text(5)});
                      });
  if (!rules) return rules.error();
  auto calendars = db.Run("SELECT id, name, utc_offset_minutes, working_weekdays, office_hours FROM calendars ORDER BY id",
                          {}, [&](const RowReader& s) {
                            Calendar c;
                            c.id = s.Text(0);
                            c.name = s.Text(1);
                            c.utc_offset_minutes = static_cast<int>(s.Int(2));
                            if (auto r = DecodeCalendarRow(s.Text(3), s.Text(4), c); !r && bad.empty())
                              bad = r.error().message;
                            out.calendars.push_back(std::move(c));
                          });
  if (!calendars) return calendars.error();
  if (!bad.empty()) return Error::Internal(bad);
  for (Calendar& c : out.calendars) {
    auto o = db.Run("SELECT day, working, note FROM calendar_overrides WHERE calendar = ?1 ORDER BY day", {c.id},
                    [&](const RowReader& s) {
                      const Day day = static_cast<Day>(s.Int(0));
                      c.overrides[day] = CalendarOverride{day, s.Int(1) != 0, s.Text(2)};
                    });
    if (!o) return o.error();
  }
  return out;
}

Result<std::optional<Case>> GetCase(Runner& db, const security::Keyring& ring, int64_t id) {
  return OneCase(db, ring, "id = ?1", id);
}

Result<std::optional<Case>> GetCaseByTrackingCode(Runner& db, const security::Keyring& ring, const std::string& code) {
  return OneCase(db, ring, "tracking_code = ?1", code);
}

Result<std::vector<CaseEvent>> Events(Runner& db, int64_t case_id) {
  std::vector<CaseEvent> out;
  auto r = db.Run("SELECT " + EventColumns() + " FROM case_events WHERE case_id = ?1 ORDER BY seq", {case_id},
                  [&](const RowReader& s) { out.push_back(ReadEvent(s)); });
  if (!r) return r.error();
  return out;
}

Result<std::vector<CaseEvent>> EventsBetween(Runner& db, const EventFilter& f) {
  std::vector<CaseEvent> out;
  std::string where = " FROM case_events WHERE at >= ?1 AND at < ?2";
  if (f.state_changes_only) where += " AND (action = 'report' OR from_status <> to_status)";
  if (f.channel) where += " AND case_id IN (SELECT id FROM cases WHERE channel = ?4)";
  const std::string channel(f.channel ? ChannelName(*f.channel) : "");
  auto r = db.Run("SELECT " + EventColumns() + where + " ORDER BY at, case_id, seq LIMIT ?3",
                  f.channel ? std::vector<Value>{f.from, f.to, int64_t{std::max(f.limit, 0)}, channel}
                            : std::vector<Value>{f.from, f.to, int64_t{std::max(f.limit, 0)}},
                  [&](const RowReader& s) { out.push_back(ReadEvent(s)); });
  if (!r) return r.error();
  return out;
}

Result<std::optional<int64_t>> FindCaseByIdempotencyKey(Runner& db, const std::string& key) {
  std::optional<int64_t> out;
  auto r = db.Run("SELECT case_id FROM idempotency_keys WHERE key = ?1", {key},
                  [&](const RowReader& s) { out = s.Int(0); });
  if (!r) return r.error();
  return out;
}

Result<CasePage> ListCases(Runner& db, const security::Keyring& ring, const CaseFilter& f) {
  const int limit = std::clamp(f.limit, 1, 500);
  const ListPlan plan = ListQuery(f, limit + 1, db.dialect());
  CasePage page;
  for (const CaseWhere* q : {plan.first_try ? &*plan.first_try : nullptr, &plan.exact}) {
    if (!q) continue;
    page.cases.clear();
    std::optional<Error> bad;
    auto r = db.RunOnce(q->sql, q->params, [&](const RowReader& row) {
      auto c = ReadCase(row, ring);
      if (!c) {
        if (!bad) bad = c.error();
        return;
      }
      page.cases.push_back(std::move(*c));
    });
    if (!r) return r.error();
    if (bad) return *bad;
    if (static_cast<int>(page.cases.size()) > limit) break;  // a full page (a first try is valid only then)
  }
  if (static_cast<int>(page.cases.size()) > limit) {
    page.cases.pop_back();
    page.next = page.cases.back().id;
  }
  return page;
}

Result<int64_t> CountMatching(Runner& db, const CaseFilter& f) {
  const CaseWhere w = WhereOf(f, false, db.dialect());
  int64_t n = 0;
  auto r = db.RunOnce("SELECT count(*) FROM cases WHERE " + w.sql, w.params,
                      [&](const RowReader& row) { n = row.Int(0); });
  if (!r) return r.error();
  return n;
}

Result<std::vector<int64_t>> CasesToMarkOverdue(Runner& db, Timestamp now, int limit) {
  return Ids(db,
             "SELECT id FROM cases WHERE open = 1 AND handle_due > 0 AND handle_due <= ?1 AND overdue = 0 AND status "
             "IN ('dispatched', 'acknowledged') ORDER BY handle_due LIMIT ?2",
             {now, int64_t{limit}});
}

Result<std::vector<int64_t>> OpenCasesOnCalendar(Runner& db, const std::string& calendar) {
  return Ids(db, "SELECT id FROM cases WHERE open = 1 AND calendar = ?1 ORDER BY id", {calendar});
}

Result<std::vector<StatsGroup>> RecountStats(Runner& db, const security::Keyring& ring, const StatsQuery& q) {
  std::map<std::string, StatCounts> groups;
  std::optional<Error> bad;
  auto r = db.Run("SELECT " + CaseColumns() + " FROM cases WHERE territory >= ?1 AND territory < ?1 || ':'", {q.under},
                  [&](const RowReader& row) {
                    auto c = ReadCase(row, ring);
                    if (!c) {
                      if (!bad) bad = c.error();
                      return;
                    }
                    const StatKey k = KeyOf(*c);
                    if (k.day < q.from || (q.to && k.day > q.to)) return;
                    groups[GroupKeyOf(q.by, k)] += FactsOf(*c);
                  });
  if (!r) return r.error();
  if (bad) return *bad;
  std::vector<StatsGroup> out;
  for (auto& [key, counts] : groups) out.push_back({key, counts});
  return out;
}

Result<int64_t> CountCases(Runner& db) { return OneInt(db, "SELECT COUNT(*) FROM cases"); }

Result<int64_t> ResealBatch(Runner& db, const security::Keyring& ring, bool clear_only) {
  const std::string current = "cg1:" + std::to_string(ring.current()) + ":";
  if (clear_only) {
    bool sealed_before = false;
    auto seen = db.Run("SELECT 1 FROM meta WHERE key = 'personal_data_sealed'", {},
                       [&](const RowReader&) { sealed_before = true; });
    if (!seen) return seen.error();
    if (sealed_before) return -1;
  }
  // Values in clear do not start with "cg1:"; values under an old key start with another "cg1:<id>:".
  const std::string stale =
      clear_only ? "((reporter_name != '' AND substr(reporter_name, 1, 4) != 'cg1:') OR "
                   "(reporter_phone != '' AND substr(reporter_phone, 1, 4) != 'cg1:'))"
                 : "((reporter_name != '' AND substr(reporter_name, 1, ?2) != ?1) OR "
                   "(reporter_phone != '' AND substr(reporter_phone, 1, ?2) != ?1))";
  struct Row {
    int64_t id;
    std::string name, phone;
  };
  std::vector<Row> rows;
  Values params;
  if (!clear_only) params = {current, static_cast<int64_t>(current.size())};
  auto sel = db.Run("SELECT id, reporter_name, reporter_phone FROM cases WHERE " + stale + " LIMIT 2000", params,
                    [&](const RowReader& s) { rows.push_back(Row{s.Int(0), s.Text(1), s.Text(2)}); });
  if (!sel) return sel.error();
  for (const Row& row : rows) {
    auto name = ring.Open(row.name);
    auto phone = ring.Open(row.phone);
    if (!name || !phone)
      return Error::Internal("case " + std::to_string(row.id) + ": " + (name ? phone : name).error().message);
    auto u = db.Run("UPDATE cases SET reporter_name = ?2, reporter_phone = ?3 WHERE id = ?1",
                    {row.id, ring.Seal(*name), ring.Seal(*phone)});
    if (!u) return u.error();
  }
  if (rows.empty() && clear_only) {
    auto m = db.Run("INSERT INTO meta(key, value) VALUES ('personal_data_sealed', '1') ON CONFLICT(key) DO UPDATE SET "
                    "value = excluded.value",
                    {});
    if (!m) return m.error();
  }
  return static_cast<int64_t>(rows.size());
}

}  // namespace civicgrid::store::sql
