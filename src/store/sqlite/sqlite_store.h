// The SQLite implementation of the store (the embedded default).
//
// One file in WAL mode: writes go through the single Writer (group commit, see writer.h); reads use a
// small pool of further connections beside it (used only for reads), which WAL lets run while the writer
// commits; the Checkpointer copies the WAL into the database file beside the writer.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "security/personal_data.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/db.h"
#include "store/sqlite/writer.h"
#include "store/store.h"

namespace civicgrid::store {

class SqliteStore : public Store {
 public:
  // Opens or creates the database at `path`, migrates it to the newest schema and seals any personal
  // data still in clear. Personal data is sealed with the keyring in `key_file` ("" = `path` + ".key"),
  // which is created (mode 0600) when absent.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, const std::string& key_file = "");
  ~SqliteStore() override;

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
  Result<void> BeginBulkLoad(int64_t cache_bytes) override;
  Result<void> EndBulkLoad() override;
  // One process serves a SQLite database: there are no other nodes' events to report.
  Result<void> WatchCaseEvents(CaseEventFn) override { return {}; }
  Result<bool> RunJobAlone(const std::string& job, const std::function<void()>& fn) override;
  Result<std::vector<security::AuditRecord>> ReadAudit(int64_t after_seq, int limit) override;
  Result<std::vector<security::AuditRecord>> ReadLatestAudit(int limit) override;

  WriteStats GetWriteStats() const override { return {writer_->commits(), writer_->jobs()}; }

 private:
  // A read connection borrowed from the pool for the lifetime of the lease.
  class Lease {
   public:
    Lease(SqliteStore& store, std::unique_ptr<sqlite::Db> db) : store_(store), db_(std::move(db)) {}
    ~Lease();
    Lease(Lease&&) = default;
    sqlite::Db& operator*() { return *db_; }
    sqlite::Db* operator->() { return db_.get(); }

   private:
    SqliteStore& store_;
    std::unique_ptr<sqlite::Db> db_;
  };

  SqliteStore(std::string path, std::unique_ptr<sqlite::Db> writer_db,
              std::unique_ptr<sqlite::Checkpointer> checkpointer, std::shared_ptr<security::Keyring> ring);
  // Re-seals the personal data of cases sealed under another key than the current one (all of them
  // when `clear_only` is false), or only those still in clear.
  Result<int64_t> Reseal(bool clear_only, const std::function<void(int64_t)>& progress);
  Result<Lease> Read();

  std::string path_;
  std::shared_ptr<security::Keyring> keyring_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;  // outlives writer_: its hook is on the writer's connection
  std::unique_ptr<sqlite::Writer> writer_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<sqlite::Db>> pool_;
  std::mutex jobs_mu_;  // RunJobAlone: one job at a time in this process
};

}  // namespace civicgrid::store
