// SqliteStore: cases, events, reference data and statistics counters.
#include <algorithm>
#include <map>
#include <memory>

#include "store/sqlite/case_filter.h"
#include "store/sqlite/case_rows.h"
#include "store/sqlite/stats_rollup.h"
#include "store/sqlite/sqlite_accounts.h"
#include "store/sqlite/sqlite_audit.h"
#include "store/sqlite/sqlite_store.h"

namespace civicgrid::store {
using sqlite::Stmt;

namespace {

Error SqlError(const Stmt& s) { return Error::Internal("sqlite: " + s.error()); }

// The one case a prepared, bound statement selects, if any.
Result<std::optional<Case>> StepOneCase(Stmt& s, const security::Keyring& ring) {
  if (!s.Step()) {
    if (!s.error().empty()) return SqlError(s);
    return std::optional<Case>();
  }
  auto c = sqlite::ReadCase(s, ring);
  if (!c) return c.error();
  return std::optional<Case>(std::move(*c));
}


// The write transaction handed to Store::Write functions. Its statements come from the connection's
// cache (prepared once per connection) and are reset when the transaction object ends.
class SqliteCaseTx : public CaseTx {
 public:
  SqliteCaseTx(sqlite::Db& db, const security::Keyring& ring) : db_(db), ring_(ring) {}
  ~SqliteCaseTx() override {
    for (Stmt* s : {get_, key_get_, key_put_, next_id_, insert_, update_, event_, unit_put_, category_put_,
                    category_exists_, unit_exists_, rule_put_})
      if (s) s->Reset();
  }
  SqliteCaseTx(const SqliteCaseTx&) = delete;
  SqliteCaseTx& operator=(const SqliteCaseTx&) = delete;

  // Stores the statistics counters the write changed; called once the write's function has succeeded.
  Result<void> FlushStats() { return stats_.Flush(db_); }

  // Accounts (sqlite_accounts.h), in the same transaction.
  Result<std::optional<User>> GetUserForUpdate(const std::string& username) override {
    return sqlite::GetUser(db_, username);
  }
  Result<int64_t> InsertUser(User& user) override { return sqlite::InsertUser(db_, user); }
  Result<void> UpdateUser(const User& user) override { return sqlite::UpdateUser(db_, user); }
  Result<void> InsertSession(const Session& session) override { return sqlite::InsertSession(db_, session); }
  Result<bool> RevokeSession(const std::string& token_hash, Timestamp at) override {
    return sqlite::RevokeSession(db_, token_hash, at);
  }
  Result<int64_t> RevokeSessionsOf(int64_t user_id, Timestamp at) override {
    return sqlite::RevokeSessionsOf(db_, user_id, at);
  }
  Result<int64_t> InsertApiKey(ApiKey& key) override { return sqlite::InsertApiKey(db_, key); }
  Result<bool> RevokeApiKey(const std::string& name, Timestamp at) override {
    return sqlite::RevokeApiKey(db_, name, at);
  }
  Result<int64_t> AppendAudit(const AuditEntry& e) override {
    security::AuditRecord r;
    r.at = e.at;
    r.actor = e.actor;
    r.action = e.action;
    r.target = e.target;
    r.detail = e.detail;
    r.remote = e.remote;
    if (auto a = sqlite::AppendAudit(db_, r); !a) return a.error();
    return r.seq;
  }

  Result<std::optional<Case>> GetCase(int64_t id) override {
    Stmt& s = Prepared(get_, "SELECT " + sqlite::CaseColumns() + " FROM cases WHERE id = ?1");
    s.Bind(1, id);
    return StepOneCase(s, ring_);
  }

  Result<std::optional<int64_t>> FindIdempotencyKey(const std::string& key) override {
    Stmt& s = Prepared(key_get_, "SELECT case_id FROM idempotency_keys WHERE key = ?1");
    s.Bind(1, key);
    if (s.Step()) return std::optional<int64_t>(s.Int(0));
    if (!s.error().empty()) return SqlError(s);
    return std::optional<int64_t>();
  }

  Result<int64_t> InsertCase(Case& c, CaseEvent& event, const std::string& key) override {
    {
      Stmt& s = Prepared(next_id_, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases");
      if (!s.Step()) return SqlError(s);
      c.id = s.Int(0);
    }
    event.case_id = c.id;
    Stmt& ins = Prepared(insert_, "INSERT INTO cases(" + sqlite::CaseColumns() + ") VALUES (" +
                                      sqlite::CasePlaceholders() + ")");
    sqlite::BindCase(ins, c, ring_);
    if (auto r = ins.Run(); !r) return r.error();
    if (auto r = AppendEvent(event); !r) return r.error();
    if (!key.empty()) {
      Stmt& k = Prepared(key_put_, "INSERT INTO idempotency_keys(key, case_id) VALUES (?1, ?2)");
      k.Bind(1, key).Bind(2, c.id);
      if (auto r = k.Run(); !r) return r.error();
    }
    if (auto r = AddStats(KeyOf(c), FactsOf(c), +1); !r) return r.error();
    return c.id;
  }

  Result<int64_t> ImportCase(Case& c, std::vector<CaseEvent>& events) override {
    if (events.empty()) return Error::InvalidArgument("a case needs at least its report event", "events");
    CaseEvent first = events.front();
    auto id = InsertCase(c, first, "");
    if (!id) return id;
    for (size_t i = 0; i < events.size(); ++i) {
      events[i].case_id = *id;
      events[i].seq = static_cast<int64_t>(i + 1);
      if (i == 0) continue;
      if (auto r = AppendEvent(events[i]); !r) return r.error();
    }
    return id;
  }

  Result<void> UpdateCase(const Case& before, const Case& after, const CaseEvent& event) override {
    Stmt& upd = Prepared(update_, "UPDATE cases SET (" + sqlite::CaseColumns() + ") = (" +
                                      sqlite::CasePlaceholders() + ") WHERE id = ?1 AND version = ?" +
                                      std::to_string(sqlite::CaseColumnCount() + 1));
    sqlite::BindCase(upd, after, ring_);
    upd.Bind(sqlite::CaseColumnCount() + 1, before.version);
    if (auto r = upd.Run(); !r) return r;
    if (sqlite3_changes(db_.handle()) != 1)
      return Error::Conflict("case " + std::to_string(before.id) + " changed meanwhile; try again", "version");
    if (auto r = AppendEvent(event); !r) return r;
    const StatKey kb = KeyOf(before), ka = KeyOf(after);
    const StatCounts fb = FactsOf(before), fa = FactsOf(after);
    if (kb == ka) {
      StatCounts delta = fa;
      delta -= fb;
      if (delta.empty()) return {};
      return AddStats(ka, delta, +1);
    }
    if (auto r = AddStats(kb, fb, -1); !r) return r;
    return AddStats(ka, fa, +1);
  }

  Result<void> PutUnit(Unit& u) override {
    if (auto r = ValidateUnit(u); !r) return r;
    Stmt& s = Prepared(unit_put_,
                       "INSERT INTO units(id, name, kind, territory, calendar, active) VALUES (NULLIF(?1, 0), ?2, ?3, "
                       "?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
                       "territory = excluded.territory, calendar = excluded.calendar, active = excluded.active");
    s.Bind(1, u.id).Bind(2, u.name).Bind(3, UnitKindName(u.kind)).Bind(4, u.territory).Bind(5, u.calendar);
    s.Bind(6, int64_t{u.active});
    if (auto r = s.Run(); !r) return r;
    if (u.id == 0) u.id = sqlite3_last_insert_rowid(db_.handle());
    return BumpReference();
  }

  Result<void> PutCategory(const Category& c) override {
    if (auto r = ValidateCategory(c); !r) return r;
    if (!c.parent.empty()) {
      Stmt& p = Prepared(category_exists_, "SELECT 1 FROM categories WHERE code = ?1");
      p.Bind(1, c.parent);
      if (!p.Step()) return Error::InvalidArgument("parent category '" + c.parent + "' does not exist", "parent");
    }
    Stmt& s = Prepared(category_put_,
                       "INSERT INTO categories(code, name, parent, priority, acknowledge_kind, acknowledge_amount, "
                       "handle_kind, handle_amount, verify_kind, verify_amount, level, active) VALUES (?1, ?2, ?3, "
                       "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                       "parent = excluded.parent, priority = excluded.priority, acknowledge_kind = "
                       "excluded.acknowledge_kind, acknowledge_amount = excluded.acknowledge_amount, handle_kind = "
                       "excluded.handle_kind, handle_amount = excluded.handle_amount, verify_kind = "
                       "excluded.verify_kind, verify_amount = excluded.verify_amount, level = excluded.level, "
                       "active = excluded.active");
    s.Bind(1, c.code).Bind(2, c.name).Bind(3, c.parent).Bind(4, PriorityName(c.priority));
    s.Bind(5, TimeLimitKindName(c.acknowledge.kind)).Bind(6, c.acknowledge.amount);
    s.Bind(7, TimeLimitKindName(c.handle.kind)).Bind(8, c.handle.amount);
    s.Bind(9, TimeLimitKindName(c.verify.kind)).Bind(10, c.verify.amount);
    s.Bind(11, static_cast<int64_t>(c.level)).Bind(12, int64_t{c.active});
    if (auto r = s.Run(); !r) return r;
    return BumpReference();
  }

  Result<void> PutRoutingRule(RoutingRule& rule) override {
    if (auto r = ValidateRoutingRule(rule); !r) return r;
    for (int64_t unit : [&] {
           auto all = rule.co_units;
           all.push_back(rule.unit);
           return all;
         }()) {
      Stmt& u = Prepared(unit_exists_, "SELECT 1 FROM units WHERE id = ?1");
      u.Bind(1, unit);
      if (!u.Step())
        return Error::InvalidArgument("unit " + std::to_string(unit) + " does not exist",
                                      unit == rule.unit ? "unit" : "co_units");
    }
    Stmt& c = Prepared(category_exists_, "SELECT 1 FROM categories WHERE code = ?1");
    c.Bind(1, rule.category);
    if (!c.Step()) return Error::InvalidArgument("category '" + rule.category + "' does not exist", "category");
    Stmt& s = Prepared(rule_put_,
                       "INSERT INTO routing_rules(id, category, territory, unit, co_units, note) VALUES (NULLIF(?1, "
                       "0), ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET category = excluded.category, "
                       "territory = excluded.territory, unit = excluded.unit, co_units = excluded.co_units, note = "
                       "excluded.note");
    s.Bind(1, rule.id).Bind(2, rule.category).Bind(3, rule.territory).Bind(4, rule.unit);
    s.Bind(5, sqlite::JoinIds(rule.co_units)).Bind(6, rule.note);
    if (auto r = s.Run(); !r) return r;
    if (rule.id == 0) rule.id = sqlite3_last_insert_rowid(db_.handle());
    return BumpReference();
  }

  Result<bool> DeleteRoutingRule(int64_t id) override {
    Stmt s(db_.handle(), "DELETE FROM routing_rules WHERE id = ?1");
    s.Bind(1, id);
    if (auto r = s.Run(); !r) return r.error();
    const bool deleted = sqlite3_changes(db_.handle()) > 0;
    if (deleted)
      if (auto r = BumpReference(); !r) return r.error();
    return deleted;
  }

  Result<void> PutCalendar(const Calendar& cal) override {
    if (auto r = ValidateCalendar(cal); !r) return r;
    Stmt s(db_.handle(),
           "INSERT INTO calendars(id, name, utc_offset_minutes, working_weekdays, office_hours) VALUES (?1, ?2, ?3, "
           "?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, utc_offset_minutes = "
           "excluded.utc_offset_minutes, working_weekdays = excluded.working_weekdays, office_hours = "
           "excluded.office_hours");
    s.Bind(1, cal.id).Bind(2, cal.name).Bind(3, int64_t{cal.utc_offset_minutes});
    s.Bind(4, sqlite::EncodeWeekdays(cal)).Bind(5, sqlite::EncodeOfficeHours(cal));
    if (auto r = s.Run(); !r) return r;
    Stmt del(db_.handle(), "DELETE FROM calendar_overrides WHERE calendar = ?1");
    del.Bind(1, cal.id);
    if (auto r = del.Run(); !r) return r;
    Stmt ins(db_.handle(), "INSERT INTO calendar_overrides(calendar, day, working, note) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [day, o] : cal.overrides) {
      ins.Reset();
      ins.Bind(1, cal.id).Bind(2, int64_t{day}).Bind(3, int64_t{o.working}).Bind(4, o.note);
      if (auto r = ins.Run(); !r) return r;
    }
    return BumpReference();
  }

 private:
  Stmt& Prepared(Stmt*& slot, const std::string& sql) {
    slot = &db_.Cached(sql);
    return *slot;
  }

  Result<void> AppendEvent(const CaseEvent& e) {
    Stmt& s = Prepared(event_, "INSERT INTO case_events(" + sqlite::EventColumns() +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    sqlite::BindEvent(s, e);
    return s.Run();
  }

  // Adds sign × counts to the row of `key` (stored by FlushStats, once per row for the whole write).
  Result<void> AddStats(const StatKey& key, const StatCounts& counts, int sign) {
    stats_.Add(key, counts, sign);
    return {};
  }

  Result<void> BumpReference() {
    return db_.Exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'reference_version'");
  }

  sqlite::Db& db_;
  const security::Keyring& ring_;
  Stmt *get_ = nullptr, *key_get_ = nullptr, *key_put_ = nullptr, *next_id_ = nullptr, *insert_ = nullptr,
       *update_ = nullptr, *event_ = nullptr, *unit_put_ = nullptr, *category_put_ = nullptr,
       *category_exists_ = nullptr, *unit_exists_ = nullptr, *rule_put_ = nullptr;
  sqlite::StatsAccumulator stats_;
};

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

Result<void> SqliteStore::Write(const std::function<Result<void>(CaseTx&)>& fn) {
  return writer_->Run([this, &fn](sqlite::Db& db) {
    SqliteCaseTx tx(db, *keyring_);
    if (auto r = fn(tx); !r) return r;
    return tx.FlushStats();
  });
}

Result<ReferenceData> SqliteStore::LoadReference() {
  auto db = Read();
  if (!db) return db.error();
  sqlite3* h = (*db)->handle();
  ReferenceData out;
  // One read transaction so that the parts agree.
  if (auto r = (*db)->Exec("BEGIN"); !r) return r.error();
  struct End {
    sqlite::Db& db;
    ~End() { (void)db.Exec("COMMIT"); }
  } end{**db};
  {
    Stmt s(h, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'reference_version'");
    if (s.Step()) out.version = s.Int(0);
  }
  {
    Stmt s(h, "SELECT id, name, kind, territory, calendar, active FROM units ORDER BY id");
    while (s.Step()) {
      Unit u;
      u.id = s.Int(0);
      u.name = s.Text(1);
      u.kind = ParseUnitKind(s.Text(2)).value_or(UnitKind::kDepartment);
      u.territory = s.Text(3);
      u.calendar = s.Text(4);
      u.active = s.Int(5) != 0;
      out.units.push_back(std::move(u));
    }
    if (!s.error().empty()) return SqlError(s);
  }
  {
    Stmt s(h, "SELECT code, name, parent, priority, acknowledge_kind, acknowledge_amount, handle_kind, handle_amount, "
              "verify_kind, verify_amount, level, active FROM categories ORDER BY code");
    while (s.Step()) {
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
      out.categories.push_back(std::move(c));
    }
    if (!s.error().empty()) return SqlError(s);
  }
  {
    Stmt s(h, "SELECT id, category, territory, unit, co_units, note FROM routing_rules ORDER BY id");
    while (s.Step())
      out.rules.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), sqlite::SplitIds(s.Text(4)), s.Text(5)});
    if (!s.error().empty()) return SqlError(s);
  }
  {
    Stmt s(h, "SELECT id, name, utc_offset_minutes, working_weekdays, office_hours FROM calendars ORDER BY id");
    Stmt o(h, "SELECT day, working, note FROM calendar_overrides WHERE calendar = ?1 ORDER BY day");
    while (s.Step()) {
      Calendar c;
      c.id = s.Text(0);
      c.name = s.Text(1);
      c.utc_offset_minutes = static_cast<int>(s.Int(2));
      if (auto r = sqlite::DecodeCalendarRow(s.Text(3), s.Text(4), c); !r) return r.error();
      o.Reset();
      o.Bind(1, c.id);
      while (o.Step()) {
        const Day day = static_cast<Day>(o.Int(0));
        c.overrides[day] = CalendarOverride{day, o.Int(1) != 0, o.Text(2)};
      }
      out.calendars.push_back(std::move(c));
    }
    if (!s.error().empty()) return SqlError(s);
  }
  return out;
}

Result<std::optional<Case>> SqliteStore::GetCase(int64_t id) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT " + sqlite::CaseColumns() + " FROM cases WHERE id = ?1");
  s.Bind(1, id);
  return StepOneCase(s, *keyring_);
}

Result<std::optional<Case>> SqliteStore::GetCaseByTrackingCode(const std::string& code) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT " + sqlite::CaseColumns() + " FROM cases WHERE tracking_code = ?1");
  s.Bind(1, code);
  return StepOneCase(s, *keyring_);
}

Result<std::vector<CaseEvent>> SqliteStore::Events(int64_t case_id) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT " + sqlite::EventColumns() + " FROM case_events WHERE case_id = ?1 ORDER BY seq");
  s.Bind(1, case_id);
  std::vector<CaseEvent> out;
  while (s.Step()) out.push_back(sqlite::ReadEvent(s));
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<CasePage> SqliteStore::ListCases(const CaseFilter& f) {
  auto db = Read();
  if (!db) return db.error();
  const int limit = std::clamp(f.limit, 1, 500);
  const sqlite::ListPlan plan = sqlite::ListQuery(f, limit + 1);
  CasePage page;
  for (const sqlite::CaseWhere* q : {plan.first_try ? &*plan.first_try : nullptr, &plan.exact}) {
    if (!q) continue;
    Stmt s((*db)->handle(), q->sql);
    if (!s.ok()) return SqlError(s);
    q->BindTo(s);
    page.cases.clear();
    while (s.Step()) {
      auto c = sqlite::ReadCase(s, *keyring_);
      if (!c) return c.error();
      page.cases.push_back(std::move(*c));
    }
    if (!s.error().empty()) return SqlError(s);
    if (static_cast<int>(page.cases.size()) > limit) break;  // a full page (a first try is valid only then)
  }
  if (static_cast<int>(page.cases.size()) > limit) {
    page.cases.pop_back();
    page.next = page.cases.back().id;
  }
  return page;
}

Result<int64_t> SqliteStore::CountMatching(const CaseFilter& f) {
  auto db = Read();
  if (!db) return db.error();
  const sqlite::CaseWhere w = sqlite::WhereOf(f, false);
  Stmt s((*db)->handle(), "SELECT count(*) FROM cases WHERE " + w.sql);
  if (!s.ok()) return SqlError(s);
  w.BindTo(s);
  if (!s.Step()) return s.error().empty() ? Error::Internal("count returned no row") : SqlError(s);
  return s.Int(0);
}

Result<std::vector<int64_t>> SqliteStore::CasesToMarkOverdue(Timestamp now, int limit) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(),
         "SELECT id FROM cases WHERE open = 1 AND handle_due > 0 AND handle_due <= ?1 AND overdue = 0 AND status IN "
         "('dispatched', 'acknowledged') ORDER BY handle_due LIMIT ?2");
  s.Bind(1, now).Bind(2, int64_t{limit});
  std::vector<int64_t> out;
  while (s.Step()) out.push_back(s.Int(0));
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<std::vector<int64_t>> SqliteStore::OpenCasesOnCalendar(const std::string& calendar) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT id FROM cases WHERE open = 1 AND calendar = ?1 ORDER BY id");
  s.Bind(1, calendar);
  std::vector<int64_t> out;
  while (s.Step()) out.push_back(s.Int(0));
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<std::vector<StatsGroup>> SqliteStore::Stats(const StatsQuery& q) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::QueryStats(**db, q);
}

Result<std::vector<StatsGroup>> SqliteStore::RecountStats(const StatsQuery& q) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT " + sqlite::CaseColumns() + " FROM cases WHERE territory >= ?1 AND territory < ?1 || ':'");
  s.Bind(1, q.under);
  std::map<std::string, StatCounts> groups;
  while (s.Step()) {
    auto c = sqlite::ReadCase(s, *keyring_);
    if (!c) return c.error();
    const StatKey k = KeyOf(*c);
    if (k.day < q.from || (q.to && k.day > q.to)) continue;
    groups[GroupKeyOf(q.by, k)] += FactsOf(*c);
  }
  if (!s.error().empty()) return SqlError(s);
  std::vector<StatsGroup> out;
  for (auto& [key, counts] : groups) out.push_back({key, counts});
  return out;
}

Result<int64_t> SqliteStore::CountCases() {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT COUNT(*) FROM cases");
  if (!s.Step()) return SqlError(s);
  return s.Int(0);
}

// Account reads on a read connection.
Result<std::optional<User>> SqliteStore::GetUser(const std::string& username) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::GetUser(**db, username);
}

Result<std::optional<User>> SqliteStore::GetUserById(int64_t id) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::GetUserById(**db, id);
}

Result<std::vector<User>> SqliteStore::ListUsers() {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::ListUsers(**db);
}

Result<std::optional<Session>> SqliteStore::GetSession(const std::string& token_hash) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::GetSession(**db, token_hash);
}

Result<std::optional<ApiKey>> SqliteStore::GetApiKeyByHash(const std::string& key_hash) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::GetApiKeyByHash(**db, key_hash);
}

Result<std::vector<ApiKey>> SqliteStore::ListApiKeys() {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::ListApiKeys(**db);
}

}  // namespace civicgrid::store
