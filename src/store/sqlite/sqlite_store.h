// The SQLite implementation of the store (the embedded default).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/db.h"
#include "store/store.h"

namespace civicgrid::store {

// Store on one SQLite file in WAL mode. Calls are serialised on one connection for now.
class SqliteStore : public Store {
 public:
  // Opens or creates the database at `path` and migrates it to the newest schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  Result<void> ApplyTerritory(const TerritoryChange& change) override;
  Result<std::vector<Division>> LoadDivisions() override;
  Result<std::vector<geo::Grid>> LoadGrids() override;
  Result<std::vector<geo::Grid>> LoadGridsUnder(const std::string& code) override;
  Result<std::vector<geo::DivisionShape>> LoadDivisionShapes() override;
  Result<int64_t> TerritoryVersion() override;
  Result<TerritoryCounts> CountTerritory() override;

 private:
  explicit SqliteStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  Result<std::vector<geo::Grid>> QueryGrids(const std::string& prefix);
  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace civicgrid::store
