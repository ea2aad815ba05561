// SqliteStore: cases, events, reference data, statistics counters and accounts, through the SQL shared
// by the engines (store/sql/) on the writer's connection or a pooled read connection.
#include "store/sql/accounts.h"
#include "store/sql/case_tx.h"
#include "store/sql/reads.h"
#include "store/sql/stats_rollup.h"
#include "store/sqlite/sqlite_store.h"

namespace civicgrid::store {

Result<void> SqliteStore::Write(const std::function<Result<void>(CaseTx&)>& fn) {
  return writer_->Run([this, &fn](sqlite::Db& db) {
    sql::SqlCaseTx tx(db, *keyring_);
    if (auto r = fn(tx); !r) return r;
    return tx.FlushStats();
  });
}

// Each read borrows a connection of the pool for its duration.
#define CIVICGRID_READ(call)    \
  auto db = Read();             \
  if (!db) return db.error();   \
  return call

Result<ReferenceData> SqliteStore::LoadReference() { CIVICGRID_READ(sql::LoadReference(**db)); }
Result<std::optional<Case>> SqliteStore::GetCase(int64_t id) { CIVICGRID_READ(sql::GetCase(**db, *keyring_, id)); }
Result<std::optional<Case>> SqliteStore::GetCaseByTrackingCode(const std::string& code) {
  CIVICGRID_READ(sql::GetCaseByTrackingCode(**db, *keyring_, code));
}
Result<std::vector<CaseEvent>> SqliteStore::Events(int64_t case_id) { CIVICGRID_READ(sql::Events(**db, case_id)); }
Result<std::vector<CaseEvent>> SqliteStore::EventsBetween(const EventFilter& f) { CIVICGRID_READ(sql::EventsBetween(**db, f)); }
Result<std::optional<int64_t>> SqliteStore::FindCaseByIdempotencyKey(const std::string& key) {
  CIVICGRID_READ(sql::FindCaseByIdempotencyKey(**db, key));
}
Result<CasePage> SqliteStore::ListCases(const CaseFilter& f) { CIVICGRID_READ(sql::ListCases(**db, *keyring_, f)); }
Result<int64_t> SqliteStore::CountMatching(const CaseFilter& f) { CIVICGRID_READ(sql::CountMatching(**db, f)); }
Result<std::vector<int64_t>> SqliteStore::CasesToMarkOverdue(Timestamp now, int limit) {
  CIVICGRID_READ(sql::CasesToMarkOverdue(**db, now, limit));
}
Result<std::vector<int64_t>> SqliteStore::OpenCasesOnCalendar(const std::string& calendar) {
  CIVICGRID_READ(sql::OpenCasesOnCalendar(**db, calendar));
}
Result<std::vector<StatsGroup>> SqliteStore::Stats(const StatsQuery& q) { CIVICGRID_READ(sql::QueryStats(**db, q)); }
Result<std::vector<StatsGroup>> SqliteStore::RecountStats(const StatsQuery& q) {
  CIVICGRID_READ(sql::RecountStats(**db, *keyring_, q));
}
Result<int64_t> SqliteStore::CountCases() { CIVICGRID_READ(sql::CountCases(**db)); }
Result<std::optional<User>> SqliteStore::GetUser(const std::string& username) {
  CIVICGRID_READ(sql::GetUser(**db, username));
}
Result<std::optional<User>> SqliteStore::GetUserById(int64_t id) { CIVICGRID_READ(sql::GetUserById(**db, id)); }
Result<std::vector<User>> SqliteStore::ListUsers() { CIVICGRID_READ(sql::ListUsers(**db)); }
Result<std::optional<Session>> SqliteStore::GetSession(const std::string& token_hash) {
  CIVICGRID_READ(sql::GetSession(**db, token_hash));
}
Result<std::optional<ApiKey>> SqliteStore::GetApiKeyByHash(const std::string& key_hash) {
  CIVICGRID_READ(sql::GetApiKeyByHash(**db, key_hash));
}
Result<std::vector<ApiKey>> SqliteStore::ListApiKeys() { CIVICGRID_READ(sql::ListApiKeys(**db)); }
Result<std::vector<Division>> SqliteStore::LoadDivisions() { CIVICGRID_READ(sql::LoadDivisions(**db)); }
Result<std::vector<geo::Grid>> SqliteStore::LoadGrids() { CIVICGRID_READ(sql::LoadGrids(**db, "")); }
Result<std::vector<geo::Grid>> SqliteStore::LoadGridsUnder(const std::string& code) {
  CIVICGRID_READ(sql::LoadGrids(**db, code));
}
Result<std::vector<geo::DivisionShape>> SqliteStore::LoadDivisionShapes() {
  CIVICGRID_READ(sql::LoadDivisionShapes(**db));
}
Result<int64_t> SqliteStore::TerritoryVersion() { CIVICGRID_READ(sql::TerritoryVersion(**db)); }
Result<TerritoryCounts> SqliteStore::CountTerritory() { CIVICGRID_READ(sql::CountTerritory(**db)); }

#undef CIVICGRID_READ

}  // namespace civicgrid::store
