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

}  // namespace civicgrid
