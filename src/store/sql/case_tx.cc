#include "store/sql/case_tx.h"

#include "common/attribute_json.h"

#include "store/sql/accounts.h"
#include "store/sql/audit.h"
#include "store/sql/case_rows.h"

namespace civicgrid::store::sql {
namespace {

// The key of the transaction-scoped advisory lock that makes audit appends one at a time in PostgreSQL.
constexpr const char* kAuditLock = "SELECT pg_advisory_xact_lock(7175031001)";

}  // namespace

Result<std::optional<User>> SqlCaseTx::GetUserForUpdate(const std::string& username) {
  return sql::GetUser(db_, username);
}
Result<int64_t> SqlCaseTx::InsertUser(User& user) { return sql::InsertUser(db_, user); }
Result<void> SqlCaseTx::UpdateUser(const User& user) { return sql::UpdateUser(db_, user); }
Result<void> SqlCaseTx::InsertSession(const Session& session) { return sql::InsertSession(db_, session); }
Result<bool> SqlCaseTx::RevokeSession(const std::string& token_hash, Timestamp at) {
  return sql::RevokeSession(db_, token_hash, at);
}
Result<int64_t> SqlCaseTx::RevokeSessionsOf(int64_t user_id, Timestamp at) {
  return sql::RevokeSessionsOf(db_, user_id, at);
}
Result<int64_t> SqlCaseTx::InsertApiKey(ApiKey& key) { return sql::InsertApiKey(db_, key); }
Result<bool> SqlCaseTx::RevokeApiKey(const std::string& name, Timestamp at) {
  return sql::RevokeApiKey(db_, name, at);
}

Result<int64_t> SqlCaseTx::AppendAudit(const AuditEntry& e) {
  if (db_.dialect() == Dialect::kPostgres)
    if (auto l = db_.Run(kAuditLock, {}); !l) return l.error();
  security::AuditRecord r;
  r.at = e.at;
  r.actor = e.actor;
  r.action = e.action;
  r.target = e.target;
  r.detail = e.detail;
  r.remote = e.remote;
  if (auto a = sql::AppendAudit(db_, r); !a) return a.error();
  return r.seq;
}

Result<std::optional<Case>> SqlCaseTx::GetCase(int64_t id) {
  std::optional<Result<Case>> found;
  auto r = db_.Run("SELECT " + CaseColumns() + " FROM cases WHERE id = ?1", {id},
                   [&](const RowReader& row) { found = ReadCase(row, ring_); });
  if (!r) return r.error();
  if (!found) return std::optional<Case>();
  if (!*found) return found->error();
  return std::optional<Case>(std::move(**found));
}

Result<std::optional<int64_t>> SqlCaseTx::FindIdempotencyKey(const std::string& key) {
  std::optional<int64_t> out;
  auto r = db_.Run("SELECT case_id FROM idempotency_keys WHERE key = ?1", {key},
                   [&](const RowReader& row) { out = row.Int(0); });
  if (!r) return r.error();
  return out;
}

Result<int64_t> SqlCaseTx::InsertCase(Case& c, CaseEvent& event, const std::string& key) {
  // SQLite's single writer numbers cases one after the other; PostgreSQL's writers share a sequence.
  const char* next = db_.dialect() == Dialect::kSqlite ? "SELECT COALESCE(MAX(id), 0) + 1 FROM cases"
                                                       : "SELECT nextval('cases_id_seq')";
  if (auto r = db_.Run(next, {}, [&](const RowReader& row) { c.id = row.Int(0); }); !r) return r.error();
  event.case_id = c.id;
  static const std::string insert = "INSERT INTO cases(" + CaseColumns() + ") VALUES (" +
                                    CasePlaceholders(Dialect::kSqlite) + ")";
  if (auto r = db_.Run(insert, CaseValues(c, ring_)); !r) return r.error();
  if (auto r = AppendEvent(event); !r) return r.error();
  if (on_event_)
    if (auto r = on_event_(event); !r) return r.error();
  if (!key.empty())
    if (auto r = db_.Run("INSERT INTO idempotency_keys(key, case_id) VALUES (?1, ?2)", {key, c.id}); !r)
      return r.error();
  stats_.Add(KeyOf(c), FactsOf(c), +1);
  return c.id;
}

Result<int64_t> SqlCaseTx::ImportCase(Case& c, std::vector<CaseEvent>& events) {
  if (events.empty()) return Error::InvalidArgument("a case needs at least its report event", "events");
  for (size_t i = 0; i < events.size(); ++i) events[i].seq = static_cast<int64_t>(i + 1);
  CaseEvent first = events.front();
  EventHook hook = std::move(on_event_);  // a history import announces nothing
  on_event_ = nullptr;
  auto id = InsertCase(c, first, "");
  on_event_ = std::move(hook);
  if (!id) return id;
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].case_id = *id;
    events[i].seq = static_cast<int64_t>(i + 1);
    if (i == 0) continue;
    if (auto r = AppendEvent(events[i]); !r) return r.error();
  }
  return id;
}

Result<void> SqlCaseTx::UpdateCase(const Case& before, const Case& after, const CaseEvent& event) {
  static const std::string update = "UPDATE cases SET (" + CaseColumns() + ") = (" +
                                    CasePlaceholders(Dialect::kSqlite) + ") WHERE id = ?1 AND version = ?" +
                                    std::to_string(CaseColumnCount() + 1);
  Values v = CaseValues(after, ring_);
  v.emplace_back(before.version);
  auto changed = db_.Run(update, v);
  if (!changed) return changed.error();
  if (*changed != 1)
    return Error::Conflict("case " + std::to_string(before.id) + " changed meanwhile; try again", "version");
  if (auto r = AppendEvent(event); !r) return r;
  if (on_event_)
    if (auto r = on_event_(event); !r) return r;
  const StatKey kb = KeyOf(before), ka = KeyOf(after);
  const StatCounts fb = FactsOf(before), fa = FactsOf(after);
  if (kb == ka) {
    StatCounts delta = fa;
    delta -= fb;
    stats_.Add(ka, delta, +1);
    return {};
  }
  stats_.Add(kb, fb, -1);
  stats_.Add(ka, fa, +1);
  return {};
}

Result<void> SqlCaseTx::PutUnit(Unit& u) {
  if (auto r = ValidateUnit(u); !r) return r;
  Values v{std::string(u.name), std::string(UnitKindName(u.kind)), u.territory, u.calendar, int64_t{u.active}};
  if (u.id == 0) {
    auto r = db_.Run("INSERT INTO units(name, kind, territory, calendar, active) VALUES (?1, ?2, ?3, ?4, ?5) "
                     "RETURNING id",
                     v, [&](const RowReader& row) { u.id = row.Int(0); });
    if (!r) return r.error();
  } else {
    v.insert(v.begin(), u.id);
    auto r = db_.Run("INSERT INTO units(id, name, kind, territory, calendar, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
                     "territory = excluded.territory, calendar = excluded.calendar, active = excluded.active",
                     v);
    if (!r) return r.error();
    if (auto s = SyncIdSequence("units"); !s) return s;
  }
  return BumpReference();
}

Result<void> SqlCaseTx::PutCategory(const Category& c) {
  if (auto r = ValidateCategory(c); !r) return r;
  if (!c.parent.empty()) {
    auto p = Exists("SELECT 1 FROM categories WHERE code = ?1", c.parent);
    if (!p) return p.error();
    if (!*p) return Error::InvalidArgument("parent category '" + c.parent + "' does not exist", "parent");
  }
  std::string keywords;
  for (const std::string& k : c.keywords) keywords += (keywords.empty() ? "" : ",") + k;
  auto r = db_.Run(
      "INSERT INTO categories(code, name, parent, priority, acknowledge_kind, acknowledge_amount, "
      "handle_kind, handle_amount, verify_kind, verify_amount, level, active, description, keywords, "
      "attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
      "ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
      "parent = excluded.parent, priority = excluded.priority, acknowledge_kind = "
      "excluded.acknowledge_kind, acknowledge_amount = excluded.acknowledge_amount, handle_kind = "
      "excluded.handle_kind, handle_amount = excluded.handle_amount, verify_kind = "
      "excluded.verify_kind, verify_amount = excluded.verify_amount, level = excluded.level, "
      "active = excluded.active, description = excluded.description, keywords = excluded.keywords, "
      "attributes = excluded.attributes",
      {c.code, c.name, c.parent, std::string(PriorityName(c.priority)),
       std::string(TimeLimitKindName(c.acknowledge.kind)), c.acknowledge.amount,
       std::string(TimeLimitKindName(c.handle.kind)), c.handle.amount, std::string(TimeLimitKindName(c.verify.kind)),
       c.verify.amount, static_cast<int64_t>(c.level), int64_t{c.active}, c.description, std::move(keywords),
       AttributesToJson(c.attributes)});
  if (!r) return r.error();
  return BumpReference();
}

Result<void> SqlCaseTx::PutRoutingRule(RoutingRule& rule) {
  if (auto r = ValidateRoutingRule(rule); !r) return r;
  auto all = rule.co_units;
  all.push_back(rule.unit);
  for (int64_t unit : all) {
    auto u = Exists("SELECT 1 FROM units WHERE id = ?1", unit);
    if (!u) return u.error();
    if (!*u)
      return Error::InvalidArgument("unit " + std::to_string(unit) + " does not exist",
                                    unit == rule.unit ? "unit" : "co_units");
  }
  auto c = Exists("SELECT 1 FROM categories WHERE code = ?1", rule.category);
  if (!c) return c.error();
  if (!*c) return Error::InvalidArgument("category '" + rule.category + "' does not exist", "category");
  Values v{rule.category, rule.territory, rule.unit, JoinIds(rule.co_units), rule.note};
  if (rule.id == 0) {
    auto r = db_.Run("INSERT INTO routing_rules(category, territory, unit, co_units, note) VALUES (?1, ?2, ?3, ?4, ?5) "
                     "RETURNING id",
                     v, [&](const RowReader& row) { rule.id = row.Int(0); });
    if (!r) return r.error();
  } else {
    v.insert(v.begin(), rule.id);
    auto r = db_.Run("INSERT INTO routing_rules(id, category, territory, unit, co_units, note) VALUES (?1, ?2, ?3, ?4, "
                     "?5, ?6) ON CONFLICT(id) DO UPDATE SET category = excluded.category, territory = "
                     "excluded.territory, unit = excluded.unit, co_units = excluded.co_units, note = excluded.note",
                     v);
    if (!r) return r.error();
    if (auto s = SyncIdSequence("routing_rules"); !s) return s;
  }
  return BumpReference();
}

Result<bool> SqlCaseTx::DeleteRoutingRule(int64_t id) {
  auto r = db_.Run("DELETE FROM routing_rules WHERE id = ?1", {id});
  if (!r) return r.error();
  const bool deleted = *r > 0;
  if (deleted)
    if (auto b = BumpReference(); !b) return b.error();
  return deleted;
}

Result<void> SqlCaseTx::PutCalendar(const Calendar& cal) {
  if (auto r = ValidateCalendar(cal); !r) return r;
  auto r = db_.Run(
      "INSERT INTO calendars(id, name, utc_offset_minutes, working_weekdays, office_hours) VALUES (?1, ?2, ?3, "
      "?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, utc_offset_minutes = "
      "excluded.utc_offset_minutes, working_weekdays = excluded.working_weekdays, office_hours = "
      "excluded.office_hours",
      {cal.id, cal.name, int64_t{cal.utc_offset_minutes}, EncodeWeekdays(cal), EncodeOfficeHours(cal)});
  if (!r) return r.error();
  if (auto d = db_.Run("DELETE FROM calendar_overrides WHERE calendar = ?1", {cal.id}); !d) return d.error();
  for (const auto& [day, o] : cal.overrides) {
    auto i = db_.Run("INSERT INTO calendar_overrides(calendar, day, working, note) VALUES (?1, ?2, ?3, ?4)",
                     {cal.id, int64_t{day}, int64_t{o.working}, o.note});
    if (!i) return i.error();
  }
  return BumpReference();
}

Result<void> SqlCaseTx::AppendEvent(const CaseEvent& e) {
  auto r = db_.Run("INSERT INTO case_events(" + EventColumns() +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                   EventValues(e));
  if (!r) return r.error();
  return {};
}

Result<void> SqlCaseTx::BumpReference() {
  auto r = db_.Run(
      "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reference_version'", {});
  if (!r) return r.error();
  return {};
}

Result<void> SqlCaseTx::SyncIdSequence(const std::string& table) {
  if (db_.dialect() != Dialect::kPostgres) return {};
  auto r = db_.Run("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT GREATEST(MAX(id), 1) FROM " +
                       table + "))",
                   {});
  if (!r) return r.error();
  return {};
}

Result<bool> SqlCaseTx::Exists(const std::string& sql, const Value& key) {
  bool found = false;
  auto r = db_.Run(sql, {key}, [&](const RowReader&) { found = true; });
  if (!r) return r.error();
  return found;
}

}  // namespace civicgrid::store::sql
