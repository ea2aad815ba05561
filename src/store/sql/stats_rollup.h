// Statistics in SQL, on either engine: the counters of core/case_stats.h and their rollups, written and read.
//
// Tables (SQLite migrations 2 and 6, PostgreSQL migration 1): case_stats holds the counters per StatKey (report day, territory, category,
// lead unit, channel). case_stats_day and case_stats_month hold the same counters summed per report day and
// per calendar month (MonthOf) for each RollupKey: by street, and by county for category, unit and channel.
// All three move in the transaction of the case change that moves them, so they always agree.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/case_stats.h"
#include "core/result.h"
#include "store/case_store.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

// The counter changes of one write, summed by row before any is stored: a write that changes many cases
// of a street and day (a bulk import, a batch of transitions) upserts each row once.
class StatsAccumulator {
 public:
  // Adds sign × counts to the row of `key` (nothing when counts are all 0).
  void Add(const StatKey& key, const StatCounts& counts, int sign);
  bool empty() const { return pending_.empty(); }
  // Upserts every changed row of case_stats and of both rollups on `db` (inside the caller's
  // transaction), then forgets them. On error nothing is forgotten; the caller rolls back.
  Result<void> Flush(Runner& db);

 private:
  using Key = std::tuple<Day, std::string, std::string, int64_t, Channel>;
  std::map<Key, StatCounts> pending_;
};

// The answer to `q` from the counters: from the rollups when the grouping and subtree allow it (by nothing,
// street or day under a street or above; by category, unit or channel under a county or above), else from
// case_stats, seeking each report day of the period within the subtree. Groups with no report are left out.
Result<std::vector<StatsGroup>> QueryStats(Runner& db, const StatsQuery& q);

}  // namespace civicgrid::store::sql
