// Statistics as `GET /api/v1/stats` answers them (counts and rates per group), the same numbers
// written as one SQL GROUP BY statement over the case rows (the peers' query), and the check that two
// answers are equal group by group.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/case_stats.h"
#include "store/case_store.h"

namespace civicgrid::bench {

// One group of a statistics answer: its key, its counters and the rates computed from them.
struct StatsRow {
  std::string key;
  StatCounts counts;
  StatRates rates;
};
using StatsAnswer = std::vector<StatsRow>;

// The groups of the store's answer with their rates (RatesOf), as the HTTP handler turns them into JSON.
StatsAnswer WithRates(const std::vector<store::StatsGroup>& groups);

// The SQL dialect of a peer.
enum class Dialect { kSqlite, kPostgres };

// One GROUP BY statement computing, for the cases reported in [?1, ?2) (reported_at, seconds) under the
// territory prefix ?3, per group of `by`, every counter of core/case_stats.h from the case's columns
// (status, overdue, evaluation, …) and the rates from those counters. Columns: key, the counters in
// kStatFieldNames order, then completion, on-time, dispatch accuracy, rework, extension, satisfaction,
// average handling minutes, and the five ended shares. PostgreSQL numbers its parameters $1…$3.
// Only kNone, kCategory, kUnit, kStreet, kCommunity and kChannel are supported (else "").
std::string StatsSql(store::StatsBy by, Dialect dialect);
inline constexpr int kStatsSqlColumns = 1 + static_cast<int>(kStatFieldNames.size()) + 7 + 5;

// The reported_at range [begin, end) of the report days [from, to] (local days at UTC+8, as the counters
// key them: core/case_stats.h KeyOf).
std::pair<int64_t, int64_t> ReportedRange(Day from, Day to);

// "" when `a` and `b` hold the same groups with the same counts and rates (rates within 1e-9 relative),
// else a sentence naming the first difference (group, field, both values).
std::string FirstDifference(const StatsAnswer& a, const std::string& a_name, const StatsAnswer& b,
                            const std::string& b_name);

// The rates of a row as values (NaN for none), in the order of the SQL columns after the counters.
std::vector<double> RateValues(const StatRates& r);
// The rates from values in that order (NaN = none).
StatRates RatesFromValues(const std::vector<double>& v);

}  // namespace civicgrid::bench
