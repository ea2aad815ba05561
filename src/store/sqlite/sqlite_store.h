// The SQLite implementation of the store (the embedded default).
//
// One file in WAL mode: writes go through the single Writer (group commit, see writer.h); reads use a
// small pool of further connections beside it (used only for reads), which WAL lets run while the writer
// commits.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/writer.h"
#include "store/store.h"

namespace civicgrid::store {

class SqliteStore : public Store {
 public:
  // Opens or creates the database at `path` and migrates it to the newest schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
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
  Result<CasePage> ListCases(const CaseFilter& filter) override;
  Result<std::vector<int64_t>> CasesToMarkOverdue(Timestamp now, int limit) override;
  Result<std::vector<int64_t>> OpenCasesOnCalendar(const std::string& calendar) override;
  Result<std::vector<StatsGroup>> Stats(const StatsQuery& query) override;
  Result<std::vector<StatsGroup>> RecountStats(const StatsQuery& query) override;
  Result<int64_t> CountCases() override;
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

  SqliteStore(std::string path, std::unique_ptr<sqlite::Db> writer_db);
  Result<Lease> Read();
  Result<std::vector<geo::Grid>> QueryGrids(const std::string& prefix);

  std::string path_;
  std::unique_ptr<sqlite::Writer> writer_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<sqlite::Db>> pool_;
};

}  // namespace civicgrid::store
