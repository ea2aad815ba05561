#include "store/postgres/pg_store.h"

#include <poll.h>

#include <chrono>
#include <random>

#include "store/postgres/migrations.h"
#include "store/sql/accounts.h"
#include "store/sql/audit.h"
#include "store/sql/case_tx.h"
#include "store/sql/reads.h"
#include "store/sql/stats_rollup.h"

namespace civicgrid::store {
namespace {

// SQLSTATEs after which a whole transaction is worth running again: serialization failure, deadlock,
// unique violation (two writers inserting the same key: the retry sees the other's row).
bool Retryable(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505";
}

constexpr int kAttempts = 5;

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& uri, const std::string& key_file) {
  if (key_file.empty())
    return Error::InvalidArgument(
        "a PostgreSQL database needs a keyring file for personal data ([security] key_file or "
        "CIVICGRID_KEY_FILE), the same file on every app node",
        "key_file");
  // The server first: an unreachable database leaves no keyring file behind.
  auto conn = pg::Conn::Open(uri);
  if (!conn) return conn.error();
  if (auto r = pg::Migrate(**conn); !r) return r.error();
  auto postgis = pg::HasPostgis(**conn);
  if (!postgis) return postgis.error();
  auto ring = security::Keyring::LoadOrCreate(key_file);
  if (!ring) return ring.error();
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(uri, std::make_shared<security::Keyring>(std::move(*ring))));
  store->postgis_ = *postgis;
  auto schema = (*conn)->RunOnce("SELECT current_schema()", {},
                                 [&](const sql::RowReader& row) { store->channel_ = "civicgrid:" + row.Text(0); });
  if (!schema) return schema.error();
  std::random_device random;
  store->node_ = std::to_string(random()) + std::to_string(random());
  if (auto r = store->Reseal(/*clear_only=*/true, nullptr); !r) return r.error();
  return store;
}

PostgresStore::PostgresStore(std::string uri, std::shared_ptr<security::Keyring> ring)
    : pool_(std::move(uri)), keyring_(std::move(ring)) {}

PostgresStore::~PostgresStore() { StopWatching(); }

Result<void> PostgresStore::InTransaction(const std::function<Result<void>(pg::Conn&)>& fn) {
  ++writes_;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool_.Get();
    if (!lease) return lease.error();
    pg::Conn& db = **lease;
    if (auto r = db.Exec(bulk_ ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN"); !r) return r;
    Result<void> r = fn(db);
    std::string state = r ? "" : db.last_sqlstate();
    if (r) {
      r = db.Exec("COMMIT");
      if (!r) state = db.last_sqlstate();
    }
    if (r) {
      ++commits_;
      return {};
    }
    (void)db.Exec("ROLLBACK");
    if (attempt >= kAttempts || !Retryable(state)) return r;
  }
}

Result<void> PostgresStore::Write(const std::function<Result<void>(CaseTx&)>& fn) {
  return InTransaction([&](pg::Conn& db) -> Result<void> {
    sql::SqlCaseTx tx(db, *keyring_);
    tx.OnEvent([&](const CaseEvent& e) -> Result<void> {
      auto r = db.Run("SELECT pg_notify(?1, ?2)",
                      {channel_, node_ + " " + std::to_string(e.case_id) + " " + std::to_string(e.seq)});
      if (!r) return r.error();
      return {};
    });
    if (auto r = fn(tx); !r) return r;
    return tx.FlushStats();
  });
}

Result<void> PostgresStore::WatchCaseEvents(CaseEventFn fn) {
  StopWatching();
  if (!fn) return {};
  std::lock_guard lock(watch_mu_);
  stop_watching_ = false;
  watcher_ = std::thread([this, fn = std::move(fn)] { Listen(fn); });
  return {};
}

void PostgresStore::StopWatching() {
  std::lock_guard lock(watch_mu_);
  if (!watcher_.joinable()) return;
  stop_watching_ = true;
  watcher_.join();
}

void PostgresStore::Listen(CaseEventFn fn) {
  std::unique_ptr<pg::Conn> conn;
  while (!stop_watching_) {
    if (!conn || !conn->healthy()) {
      conn.reset();
      auto c = pg::Conn::Open(pool_.uri());
      if (c) {
        std::string quoted = "\"";
        for (char ch : channel_) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        quoted += "\"";
        if ((*c)->Exec("LISTEN " + quoted)) conn = std::move(*c);
      }
      if (!conn) {  // the server is away: try again in a moment
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
    }
    pollfd p{PQsocket(conn->handle()), POLLIN, 0};
    if (poll(&p, 1, 200) < 0) continue;
    if (!PQconsumeInput(conn->handle())) continue;  // lost: reconnect on the next round
    while (PGnotify* n = PQnotifies(conn->handle())) {
      const std::string payload = n->extra ? n->extra : "";
      PQfreemem(n);
      // "<node> <case id> <seq>"
      const auto a = payload.find(' '), b = payload.rfind(' ');
      if (a == std::string::npos || b == a || payload.compare(0, a, node_) == 0) continue;
      const int64_t case_id = std::strtoll(payload.c_str() + a + 1, nullptr, 10);
      const int64_t seq = std::strtoll(payload.c_str() + b + 1, nullptr, 10);
      if (case_id > 0 && seq > 0) fn(case_id, seq);
    }
  }
}

Result<bool> PostgresStore::RunJobAlone(const std::string& job, const std::function<void()>& fn) {
  std::unique_lock local(jobs_mu_, std::try_to_lock);
  if (!local.owns_lock()) return false;
  auto lease = pool_.Get();
  if (!lease) return lease.error();
  pg::Conn& db = **lease;
  const std::string key = "civicgrid job " + job;
  bool got = false;
  auto r = db.Run("SELECT pg_try_advisory_lock(hashtext(?1))", {key},
                  [&](const sql::RowReader& row) { got = row.Int(0) != 0; });
  if (!r) return r.error();
  if (!got) return false;
  fn();
  if (auto u = db.Run("SELECT pg_advisory_unlock(hashtext(?1))", {key}); !u) return u.error();
  return true;
}

Result<void> PostgresStore::ApplyTerritory(const TerritoryChange& change) {
  return InTransaction([&](pg::Conn& db) { return sql::ApplyTerritory(db, change); });
}

Result<int64_t> PostgresStore::ResealPersonalData(const std::function<void(int64_t)>& progress) {
  return Reseal(/*clear_only=*/false, progress);
}

Result<int64_t> PostgresStore::Reseal(bool clear_only, const std::function<void(int64_t)>& progress) {
  int64_t done = 0;
  for (;;) {
    int64_t batch = 0;
    auto r = InTransaction([&](pg::Conn& db) -> Result<void> {
      auto n = sql::ResealBatch(db, *keyring_, clear_only);
      if (!n) return n.error();
      batch = *n;
      return {};
    });
    if (!r) return r.error();
    if (batch <= 0) return done;  // nothing left (or sealed before: -1)
    done += batch;
    if (progress) progress(done);
  }
}

Result<void> PostgresStore::BeginBulkLoad(int64_t) {
  bulk_ = true;
  return {};
}

Result<void> PostgresStore::EndBulkLoad() {
  bulk_ = false;
  // A durable commit after the unsynchronized ones flushes the WAL written so far.
  return InTransaction([](pg::Conn& db) { return db.Exec("SELECT txid_current()"); });
}

// Each read borrows a pooled connection for its duration.
#define CIVICGRID_READ(call)     \
  auto lease = pool_.Get();      \
  if (!lease) return lease.error(); \
  pg::Conn& db = **lease;        \
  return call

Result<std::vector<Division>> PostgresStore::LoadDivisions() { CIVICGRID_READ(sql::LoadDivisions(db)); }
Result<std::vector<geo::Grid>> PostgresStore::LoadGrids() { CIVICGRID_READ(sql::LoadGrids(db, "")); }
Result<std::vector<geo::Grid>> PostgresStore::LoadGridsUnder(const std::string& code) {
  CIVICGRID_READ(sql::LoadGrids(db, code));
}
Result<std::vector<geo::DivisionShape>> PostgresStore::LoadDivisionShapes() {
  CIVICGRID_READ(sql::LoadDivisionShapes(db));
}
Result<int64_t> PostgresStore::TerritoryVersion() { CIVICGRID_READ(sql::TerritoryVersion(db)); }
Result<TerritoryCounts> PostgresStore::CountTerritory() { CIVICGRID_READ(sql::CountTerritory(db)); }
Result<ReferenceData> PostgresStore::LoadReference() { CIVICGRID_READ(sql::LoadReference(db)); }
Result<std::optional<Case>> PostgresStore::GetCase(int64_t id) { CIVICGRID_READ(sql::GetCase(db, *keyring_, id)); }
Result<std::optional<Case>> PostgresStore::GetCaseByTrackingCode(const std::string& code) {
  CIVICGRID_READ(sql::GetCaseByTrackingCode(db, *keyring_, code));
}
Result<std::vector<CaseEvent>> PostgresStore::Events(int64_t case_id) { CIVICGRID_READ(sql::Events(db, case_id)); }
Result<std::vector<CaseEvent>> PostgresStore::EventsBetween(const EventFilter& f) { CIVICGRID_READ(sql::EventsBetween(db, f)); }
Result<std::optional<int64_t>> PostgresStore::FindCaseByIdempotencyKey(const std::string& key) {
  CIVICGRID_READ(sql::FindCaseByIdempotencyKey(db, key));
}
Result<CasePage> PostgresStore::ListCases(const CaseFilter& f) { CIVICGRID_READ(sql::ListCases(db, *keyring_, f)); }
Result<int64_t> PostgresStore::CountMatching(const CaseFilter& f) { CIVICGRID_READ(sql::CountMatching(db, f)); }
Result<std::vector<int64_t>> PostgresStore::CasesToMarkOverdue(Timestamp now, int limit) {
  CIVICGRID_READ(sql::CasesToMarkOverdue(db, now, limit));
}
Result<std::vector<int64_t>> PostgresStore::OpenCasesOnCalendar(const std::string& calendar) {
  CIVICGRID_READ(sql::OpenCasesOnCalendar(db, calendar));
}
Result<std::vector<StatsGroup>> PostgresStore::Stats(const StatsQuery& q) {
  // One snapshot for the whole answer: its statements then agree with each other.
  auto lease = pool_.Get();
  if (!lease) return lease.error();
  pg::Conn& db = **lease;
  if (auto r = db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r) return r.error();
  auto out = sql::QueryStats(db, q);
  (void)db.Exec("COMMIT");
  return out;
}
Result<std::vector<StatsGroup>> PostgresStore::RecountStats(const StatsQuery& q) {
  CIVICGRID_READ(sql::RecountStats(db, *keyring_, q));
}
Result<int64_t> PostgresStore::CountCases() { CIVICGRID_READ(sql::CountCases(db)); }
Result<std::optional<User>> PostgresStore::GetUser(const std::string& username) {
  CIVICGRID_READ(sql::GetUser(db, username));
}
Result<std::optional<User>> PostgresStore::GetUserById(int64_t id) { CIVICGRID_READ(sql::GetUserById(db, id)); }
Result<std::vector<User>> PostgresStore::ListUsers() { CIVICGRID_READ(sql::ListUsers(db)); }
Result<std::optional<Session>> PostgresStore::GetSession(const std::string& token_hash) {
  CIVICGRID_READ(sql::GetSession(db, token_hash));
}
Result<std::optional<ApiKey>> PostgresStore::GetApiKeyByHash(const std::string& key_hash) {
  CIVICGRID_READ(sql::GetApiKeyByHash(db, key_hash));
}
Result<std::vector<ApiKey>> PostgresStore::ListApiKeys() { CIVICGRID_READ(sql::ListApiKeys(db)); }
Result<std::vector<security::AuditRecord>> PostgresStore::ReadAudit(int64_t after_seq, int limit) {
  CIVICGRID_READ(sql::ReadAudit(db, after_seq, limit));
}
Result<std::vector<security::AuditRecord>> PostgresStore::ReadLatestAudit(int limit) {
  CIVICGRID_READ(sql::ReadLatestAudit(db, limit));
}

#undef CIVICGRID_READ

}  // namespace civicgrid::store
