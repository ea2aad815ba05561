// What the figures ask, chosen from the database itself so that they mean the same on the demo and on
// the province: the county and the city with the most cases, the last full month and the last 365 days of
// the history, and the territories and statuses the case lists page through.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "sql_peers.h"
#include "store/case_store.h"

namespace civicgrid::bench {

// One statistics figure: its name and the query a dashboard sends.
struct StatsFigure {
  std::string figure;  // "stats.county_month", "stats.city_year"
  store::StatsQuery query;
  int64_t cases = 0;   // cases reported in the range under the territory
};

// One case list an operator pages through: a territory subtree and a status filter.
struct ListScenario {
  std::string label;   // e.g. "street 370305001 closed"
  std::string under;   // the division code
  std::string grant;   // the territory of the operator's grant (the county above, or the city itself)
  std::vector<CaseStatus> statuses;
};

struct Plan {
  Timestamp last_report = 0;  // the newest report of the history
  Day last_day = 0;           // its local day
  std::string county, city;   // with the most cases
  int64_t county_cases = 0, city_cases = 0;
  std::vector<StatsFigure> stats;
  std::vector<ListScenario> lists;
};

// Chooses the figures from the database behind `db` (a few grouped counts over the territory index).
Result<Plan> ChoosePlan(SqlitePeer& db);

// "closed", "dispatched+acknowledged", …
std::string StatusesLabel(const std::vector<CaseStatus>& statuses);

}  // namespace civicgrid::bench
