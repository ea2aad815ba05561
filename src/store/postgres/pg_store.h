// The PostgreSQL implementation of the store, for deployments with several app nodes on one database.
//
// Every node is stateless: a write is one transaction on a pooled connection (PostgreSQL's own WAL and
// group commit make it durable), a read is one statement or one snapshot. Concurrent writers meet in the
// database: a case row carries its version (UpdateCase answers conflict to the loser), case ids come from
// one sequence, audit appends take a transaction-scoped advisory lock, and a write that loses a
// serialization race, a deadlock or a unique-key race is run again from the start.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "security/personal_data.h"
#include "store/postgres/pg.h"
#include "store/store.h"

namespace civicgrid::store {

class PostgresStore : public Store {
 public:
  // Connects to `uri` (postgresql://…), migrates the schema and seals any personal data still in clear with
  // the keyring in `key_file`, which every node must share (created, mode 0600, when absent).
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& uri, const std::string& key_file);
  ~PostgresStore() override;

  Result<void> ApplyTerritory(const TerritoryChange& change) override;
  Result<std::vector<Division>> LoadDivisions() override;
  Result<std::vector<geo::Grid>> LoadGrids() override;
  Result<std::vector<geo::Grid>> LoadGridsUnder(const std::string& code) override;
  Result<std::vector<geo::DivisionShape>> LoadDivisionShapes() override;
  Result<int64_t> TerritoryVersion() override;
  Result<TerritoryCounts> CountTerritory() override;

  Result<void> Write(const std::function<Result<void>(CaseTx&)>& fn) override;
  Result<ReferenceData> LoadReference() override;
  Result<std::optional<Case>> GetCase(int64_t id) override;
  Result<std::optional<Case>> GetCaseByTrackingCode(const std::string& code) override;
  Result<std::vector<CaseEvent>> Events(int64_t case_id) override;
  Result<std::vector<CaseEvent>> EventsBetween(const EventFilter& filter) override;
  Result<std::optional<int64_t>> FindCaseByIdempotencyKey(const std::string& key) override;
  Result<CasePage> ListCases(const CaseFilter& filter) override;
  Result<int64_t> CountMatching(const CaseFilter& filter) override;
  Result<std::vector<int64_t>> CasesToMarkOverdue(Timestamp now, int limit) override;
  Result<std::vector<int64_t>> OpenCasesOnCalendar(const std::string& calendar) override;
  Result<std::vector<StatsGroup>> Stats(const StatsQuery& query) override;
  Result<std::vector<StatsGroup>> RecountStats(const StatsQuery& query) override;
  Result<int64_t> CountCases() override;
  Result<std::optional<User>> GetUser(const std::string& username) override;
  Result<std::optional<User>> GetUserById(int64_t id) override;
  Result<std::vector<User>> ListUsers() override;
  Result<std::optional<Session>> GetSession(const std::string& token_hash) override;
  Result<std::optional<ApiKey>> GetApiKeyByHash(const std::string& key_hash) override;
  Result<std::vector<ApiKey>> ListApiKeys() override;

  Result<int64_t> ResealPersonalData(const std::function<void(int64_t)>& progress) override;
  // Bulk loading: commits are not waited for on disk (synchronous_commit off) until EndBulkLoad.
  Result<void> BeginBulkLoad(int64_t cache_bytes) override;
  Result<void> EndBulkLoad() override;
  // Events of the other nodes, through LISTEN on this database's channel (each write of a case event
  // NOTIFYs it, with the writing store's node id, at commit).
  Result<void> WatchCaseEvents(CaseEventFn fn) override;
  // A session advisory lock named after the job, tried without waiting.
  Result<bool> RunJobAlone(const std::string& job, const std::function<void()>& fn) override;
  Result<std::vector<security::AuditRecord>> ReadAudit(int64_t after_seq, int limit) override;
  Result<std::vector<security::AuditRecord>> ReadLatestAudit(int limit) override;

  WriteStats GetWriteStats() const override { return {commits_.load(), writes_.load()}; }

  // Whether the grids are also stored as PostGIS geometry here.
  bool has_postgis() const { return postgis_; }

 private:
  PostgresStore(std::string uri, std::shared_ptr<security::Keyring> ring);
  // Runs `fn` in one transaction on a pooled connection, again (up to a few times) when it loses a race.
  Result<void> InTransaction(const std::function<Result<void>(pg::Conn&)>& fn);
  Result<int64_t> Reseal(bool clear_only, const std::function<void(int64_t)>& progress);

  // The listening loop of WatchCaseEvents, on a connection of its own, until stop_watching_.
  void Listen(CaseEventFn fn);
  void StopWatching();

  pg::Pool pool_;
  std::string node_;     // this store's id in its notifications
  std::string channel_;  // "civicgrid:" + the schema the tables are in
  std::mutex jobs_mu_;
  std::mutex watch_mu_;
  std::thread watcher_;
  std::atomic<bool> stop_watching_{false};
  std::shared_ptr<security::Keyring> keyring_;
  bool postgis_ = false;
  std::atomic<bool> bulk_{false};
  std::atomic<int64_t> commits_{0}, writes_{0};
};

}  // namespace civicgrid::store
