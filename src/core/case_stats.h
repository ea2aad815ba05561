// The figures of DOMAIN.md §6, kept as counters and turned into rates.
//
// Each case contributes its facts (FactsOf: flags such as resolved, closed on time, overdue…) to one
// row of counters, keyed by the day it was reported, its territory, category, lead unit and channel
// (KeyOf). When a case changes, the store subtracts the facts before and adds the facts after, so the
// counters always equal a recount over the cases and a statistics query reads counters, never cases.
//
// Definitions (a case counts at most once in each):
//   reported       every case;                  accepted    taken on (not rejected/merged, past reported)
//   dispatched     dispatched at least once;    returned    returned at least once
//   resolved       resolved (or self-handled);  resolved_on_time  resolved within its handle time limit
//   overdue        marked overdue, or resolved after its deadline
//   suspended      suspended now
//   due            closed, or overdue, or suspended now (it should have ended or cannot)
//   closed / closed_on_time (closed, and resolved on time)
//   self_handled, reworked (resolved after ≥ 1 rework), extended (≥ 1 extension granted), escalated (≥ 1)
//   evaluated, satisfied, basically_satisfied, unsatisfied; rejected; merged
//   handling_seconds (sum over resolved cases, working seconds from first dispatch to resolution)
//   ended_grid … ended_city: resolved cases by the level of who resolved them.
// Rates (none when the denominator is 0):
//   completion_rate = closed / (due − suspended)
//   on_time_rate = closed_on_time / (due − suspended)
//   dispatch_accuracy = 1 − returned / dispatched
//   rework_rate = reworked / resolved;  extension_rate = extended / dispatched
//   satisfaction = (satisfied + basically_satisfied) / evaluated
//   average_handling_minutes = handling_seconds / 60 / (resolved − self_handled)
//   ended share at each level = ended_<level> / resolved
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"

namespace civicgrid {

// The counters, in a fixed order (kStatFieldNames gives their names, also the storage column names).
inline constexpr std::array<std::string_view, 28> kStatFieldNames = {
    "reported",    "accepted",      "dispatched",     "returned",         "resolved",
    "resolved_on_time", "overdue",  "suspended",      "due",              "closed",
    "closed_on_time",   "self_handled", "reworked",   "extended",         "escalated",
    "evaluated",   "satisfied",     "basically_satisfied", "unsatisfied", "rejected",
    "merged",      "handling_seconds", "ended_grid",  "ended_community",  "ended_street",
    "ended_county", "ended_city",   "open"};

struct StatCounts {
  std::array<int64_t, kStatFieldNames.size()> v{};

  int64_t& operator[](std::string_view name);
  int64_t operator[](std::string_view name) const;
  StatCounts& operator+=(const StatCounts& o);
  StatCounts& operator-=(const StatCounts& o);
  bool operator==(const StatCounts& o) const = default;
  bool empty() const;  // all zero
};

// The row a case counts in.
struct StatKey {
  Day day = 0;            // local day of reporting
  std::string territory;  // the case's territory code
  std::string category;   // "" when unclassified
  int64_t unit = 0;       // lead unit, 0 when never dispatched
  Channel channel = Channel::kResidentApp;
  bool operator==(const StatKey& o) const = default;
};

// The facts of one case (every counter 0 or 1 except handling_seconds).
StatCounts FactsOf(const Case& c);

// The key of one case; `utc_offset_minutes` turns reported_at into the local day.
StatKey KeyOf(const Case& c, int utc_offset_minutes = 480);

// Rates computed from counters with the formulas above.
struct StatRates {
  std::optional<double> completion_rate, on_time_rate, dispatch_accuracy, rework_rate, extension_rate, satisfaction,
      average_handling_minutes;
  std::array<std::optional<double>, 5> ended_share{};  // grid, community, street, county, city
};
StatRates RatesOf(const StatCounts& counts);

// Rollups. Beside the counters of StatKey, the store keeps the same counters summed per report day and per
// calendar month in four ways (RollupBy): by street with no other dimension, and by county for each of
// category, lead unit and channel. A query over a city and a year then reads a few thousand rows, not one
// per case; a query by community or grid, or by a dimension under a street, reads the counters of StatKey.
enum class RollupBy { kNone = 0, kCategory = 1, kUnit = 2, kChannel = 3 };

// One rollup row within a period: `area` is the street code (kNone) or county code (the others), or the
// territory itself when that is shorter; `value` the category code, unit id or channel name ("" for kNone).
struct RollupKey {
  RollupBy by = RollupBy::kNone;
  std::string area;
  std::string value;
  auto operator<=>(const RollupKey& o) const = default;
};

// The four rollup rows the counters of `key` also count in, in RollupBy order.
std::array<RollupKey, 4> RollupKeysOf(const StatKey& key);

// Calendar months as numbers: year × 12 + month − 1 (2026-11 → 24318).
int32_t MonthOf(Day day);
Day FirstDayOfMonth(int32_t month);

// [from, to] as whole calendar months [first_month, last_month] (none when first_month > last_month)
// and the ranges of days outside them (at most two: before and after). Empty when from > to.
struct PeriodSplit {
  std::vector<std::pair<Day, Day>> days;
  int32_t first_month = 0, last_month = -1;
};
PeriodSplit SplitByMonths(Day from, Day to);

}  // namespace civicgrid
