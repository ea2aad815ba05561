// The storage interface: what the platform keeps, independent of the engine.
//
// One implementation per engine (sqlite/ now, postgres/ later) behind this interface, with one
// contract test suite. Every mutating call is one transaction: it happens whole or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/territory.h"
#include "geo/grid.h"
#include "security/audit_chain.h"
#include "store/case_store.h"

namespace civicgrid::store {

// A change of the territory, applied in one transaction.
struct TerritoryChange {
  bool replace_all = false;                 // delete all divisions, grids and shapes first
  std::vector<Division> divisions;          // inserted or replaced by code
  std::vector<geo::Grid> grids;             // inserted or replaced by code (their division row too)
  std::vector<geo::DivisionShape> shapes;   // inserted or replaced by code
};

// Counts of what the territory holds.
struct TerritoryCounts {
  int64_t divisions = 0;  // above grid level
  int64_t grids = 0;
};

// Territory operations here; case operations in CaseStore (case_store.h), account reads in
// AccountStore (account_store.h).
class Store : public CaseStore, public AccountStore {
 public:
  ~Store() override = default;

  // Applies `change` in one transaction and increments the territory version.
  virtual Result<void> ApplyTerritory(const TerritoryChange& change) = 0;

  // All divisions above grid level (grids are loaded with LoadGrids), in code order.
  virtual Result<std::vector<Division>> LoadDivisions() = 0;

  // All grids with their shapes, in code order.
  virtual Result<std::vector<geo::Grid>> LoadGrids() = 0;

  // Grids under `code` (a division code prefix), in code order.
  virtual Result<std::vector<geo::Grid>> LoadGridsUnder(const std::string& code) = 0;

  // The stored shapes of divisions above grid level.
  virtual Result<std::vector<geo::DivisionShape>> LoadDivisionShapes() = 0;

  // A number that grows with every territory change (0 for an empty store).
  virtual Result<int64_t> TerritoryVersion() = 0;

  virtual Result<TerritoryCounts> CountTerritory() = 0;

  // Re-seals every personal-data value not sealed with the store keyring's current key (after a key
  // was added: `civicgrid keys rotate`), one transaction per batch, calling `progress(cases done)`
  // after each. Answers the number of cases re-sealed.
  virtual Result<int64_t> ResealPersonalData(const std::function<void(int64_t)>& progress) = 0;

  // For filling a new database in bulk (the demo and benchmark histories), never for one being served:
  // from BeginBulkLoad to EndBulkLoad, commits are not synced to disk (a crash may lose or corrupt the
  // database: build it again) and the writer keeps up to `cache_bytes` of database pages in memory.
  // EndBulkLoad restores durable commits and the usual cache, and syncs everything written to disk.
  virtual Result<void> BeginBulkLoad(int64_t cache_bytes) = 0;
  virtual Result<void> EndBulkLoad() = 0;

  // Case events committed by other processes on the same database (the other app nodes of a PostgreSQL
  // deployment): `fn(case_id, seq)` is called on a thread of the store's for each, soon after its commit,
  // until the store is destroyed. Events this store commits are not reported (their writer publishes them).
  // A store whose engine has no other writers to report (SQLite: one serving process) never calls `fn`.
  // A null `fn` stops the watching and returns once `fn` can no longer be called.
  using CaseEventFn = std::function<void(int64_t case_id, int64_t seq)>;
  virtual Result<void> WatchCaseEvents(CaseEventFn fn) = 0;

  // Runs `fn` unless another process runs the job named `job` on the same database at this moment (then
  // answers false without running it): periodic jobs such as marking overdue cases run on one node at a
  // time. Within one process, calls for the same job are not run at the same time either.
  virtual Result<bool> RunJobAlone(const std::string& job, const std::function<void()>& fn) = 0;

  // Up to `limit` (≥ 1) audit records with seq > after_seq, in seq order, exactly as stored.
  virtual Result<std::vector<security::AuditRecord>> ReadAudit(int64_t after_seq, int limit) = 0;
  // The last `limit` (≥ 1) audit records, in seq order, exactly as stored.
  virtual Result<std::vector<security::AuditRecord>> ReadLatestAudit(int limit) = 0;
};

// Opens (creating and migrating if needed) the store named by `url`: "sqlite:PATH" or a plain path for
// SQLite, "postgresql://…" (or "postgres://…") for PostgreSQL, with personal data sealed by the keyring in
// `key_file` ("" = the SQLite database's path + ".key"; PostgreSQL needs one named, shared by its nodes).
// Fails with a clear error (field "db" or "key_file") for an unreachable database or unreadable keyring.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& key_file = "");

// Whether `url` names a PostgreSQL database.
bool IsPostgresUrl(const std::string& url);

}  // namespace civicgrid::store
