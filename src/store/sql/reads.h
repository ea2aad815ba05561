// The store's reads in SQL, on either engine: territory, reference data, cases and their events, lists,
// counts and statistics, each over one connection the engine lends (outside any write transaction).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "security/personal_data.h"
#include "store/store.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

// Territory (Store::ApplyTerritory and its reads). ApplyTerritory runs inside the caller's transaction.
Result<void> ApplyTerritory(Runner& db, const TerritoryChange& change);
Result<std::vector<Division>> LoadDivisions(Runner& db);
// Grids whose code starts with `prefix` ("" = all), with their shapes, in code order.
Result<std::vector<geo::Grid>> LoadGrids(Runner& db, const std::string& prefix);
Result<std::vector<geo::DivisionShape>> LoadDivisionShapes(Runner& db);
Result<int64_t> TerritoryVersion(Runner& db);
Result<TerritoryCounts> CountTerritory(Runner& db);

// Reference data, read in one snapshot.
Result<ReferenceData> LoadReference(Runner& db);

// Cases (see CaseStore for what each answers).
Result<std::optional<Case>> GetCase(Runner& db, const security::Keyring& ring, int64_t id);
Result<std::optional<Case>> GetCaseByTrackingCode(Runner& db, const security::Keyring& ring, const std::string& code);
Result<std::vector<CaseEvent>> Events(Runner& db, int64_t case_id);
Result<std::vector<CaseEvent>> EventsBetween(Runner& db, const EventFilter& filter);
Result<std::optional<int64_t>> FindCaseByIdempotencyKey(Runner& db, const std::string& key);
Result<CasePage> ListCases(Runner& db, const security::Keyring& ring, const CaseFilter& filter);
Result<int64_t> CountMatching(Runner& db, const CaseFilter& filter);
Result<std::vector<int64_t>> CasesToMarkOverdue(Runner& db, Timestamp now, int limit);
Result<std::vector<int64_t>> OpenCasesOnCalendar(Runner& db, const std::string& calendar);
Result<std::vector<StatsGroup>> RecountStats(Runner& db, const security::Keyring& ring, const StatsQuery& q);
Result<int64_t> CountCases(Runner& db);

// One batch of re-sealing personal data, inside the caller's write transaction: up to 2,000 cases whose
// reporter name or phone is in clear (`clear_only`) or sealed under another key than the ring's current
// one. With `clear_only`, a database marked personal_data_sealed in meta answers -1 at once, and a batch
// that finds nothing marks it. Answers the number of cases re-sealed.
Result<int64_t> ResealBatch(Runner& db, const security::Keyring& ring, bool clear_only);

}  // namespace civicgrid::store::sql
