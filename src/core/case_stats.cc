#include "core/case_stats.h"

#include <chrono>

namespace civicgrid {
namespace {

constexpr size_t IndexOf(std::string_view name) {
  for (size_t i = 0; i < kStatFieldNames.size(); ++i)
    if (kStatFieldNames[i] == name) return i;
  return kStatFieldNames.size();  // a compile-time error where used in constant evaluation
}

std::optional<double> Ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}

}  // namespace

int64_t& StatCounts::operator[](std::string_view name) { return v.at(IndexOf(name)); }
int64_t StatCounts::operator[](std::string_view name) const { return v.at(IndexOf(name)); }

StatCounts& StatCounts::operator+=(const StatCounts& o) {
  for (size_t i = 0; i < v.size(); ++i) v[i] += o.v[i];
  return *this;
}
StatCounts& StatCounts::operator-=(const StatCounts& o) {
  for (size_t i = 0; i < v.size(); ++i) v[i] -= o.v[i];
  return *this;
}
bool StatCounts::empty() const {
  for (int64_t x : v)
    if (x != 0) return false;
  return true;
}

StatCounts FactsOf(const Case& c) {
  using S = CaseStatus;
  StatCounts f;
  auto set = [&f](std::string_view name, bool on) { f[name] = on ? 1 : 0; };
  const bool resolved = c.status == S::kResolved || c.status == S::kVerified || c.status == S::kEvaluated ||
                        c.status == S::kClosed;
  const bool closed = c.status == S::kClosed;
  const bool suspended = c.status == S::kSuspended;
  set("reported", true);
  set("accepted", c.status != S::kReported && c.status != S::kRejected && c.status != S::kMerged);
  set("dispatched", c.dispatched_at > 0);
  set("returned", c.returns > 0);
  set("resolved", resolved);
  set("resolved_on_time", resolved && c.resolved_on_time);
  set("overdue", c.overdue);
  set("suspended", suspended);
  set("due", closed || c.overdue || suspended);
  set("closed", closed);
  set("closed_on_time", closed && c.resolved_on_time);
  set("self_handled", resolved && c.self_handled);
  set("reworked", resolved && c.reworks > 0);  // among the resolved, so that rework_rate ≤ 1
  set("extended", c.extensions > 0);
  set("escalated", c.escalations > 0);
  set("evaluated", c.evaluation != Evaluation::kNone);
  set("satisfied", c.evaluation == Evaluation::kSatisfied);
  set("basically_satisfied", c.evaluation == Evaluation::kBasicallySatisfied);
  set("unsatisfied", c.evaluation == Evaluation::kUnsatisfied);
  set("rejected", c.status == S::kRejected);
  set("merged", c.status == S::kMerged);
  f["handling_seconds"] = resolved && !c.self_handled ? c.handling_seconds : 0;
  set("ended_grid", resolved && c.ended_level == Level::kGrid);
  set("ended_community", resolved && c.ended_level == Level::kCommunity);
  set("ended_street", resolved && c.ended_level == Level::kStreet);
  set("ended_county", resolved && c.ended_level == Level::kCounty);
  set("ended_city", resolved && c.ended_level <= Level::kCity);
  set("open", !IsTerminal(c.status));
  return f;
}

StatKey KeyOf(const Case& c, int utc_offset_minutes) {
  StatKey k;
  const int64_t local = c.reported_at + int64_t{utc_offset_minutes} * 60;
  k.day = static_cast<Day>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
  k.territory = c.territory;
  k.category = c.category;
  k.unit = c.dispatched_at > 0 ? c.unit : 0;
  k.channel = c.channel;
  return k;
}

StatRates RatesOf(const StatCounts& n) {
  StatRates r;
  const double base = static_cast<double>(n["due"] - n["suspended"]);
  r.completion_rate = Ratio(n["closed"], base);
  r.on_time_rate = Ratio(n["closed_on_time"], base);
  if (auto x = Ratio(n["returned"], n["dispatched"])) r.dispatch_accuracy = 1 - *x;
  r.rework_rate = Ratio(n["reworked"], n["resolved"]);
  r.extension_rate = Ratio(n["extended"], n["dispatched"]);
  r.satisfaction = Ratio(n["satisfied"] + n["basically_satisfied"], n["evaluated"]);
  if (auto x = Ratio(n["handling_seconds"], n["resolved"] - n["self_handled"])) r.average_handling_minutes = *x / 60;
  const char* ended[] = {"ended_grid", "ended_community", "ended_street", "ended_county", "ended_city"};
  for (size_t i = 0; i < 5; ++i) r.ended_share[i] = Ratio(n[ended[i]], n["resolved"]);
  return r;
}

std::array<RollupKey, 4> RollupKeysOf(const StatKey& k) {
  // Street codes are 9 characters, county codes 6 (core/territory.h); a shorter territory stands for itself.
  const std::string street = k.territory.substr(0, 9), county = k.territory.substr(0, 6);
  return {RollupKey{RollupBy::kNone, street, ""}, RollupKey{RollupBy::kCategory, county, k.category},
          RollupKey{RollupBy::kUnit, county, std::to_string(k.unit)},
          RollupKey{RollupBy::kChannel, county, std::string(ChannelName(k.channel))}};
}

int32_t MonthOf(Day day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  return static_cast<int32_t>(static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) - 1);
}

Day FirstDayOfMonth(int32_t month) {
  const int32_t year = month >= 0 ? month / 12 : (month - 11) / 12;
  const unsigned m = static_cast<unsigned>(month - year * 12) + 1;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{m}, std::chrono::day{1}};
  return static_cast<Day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

PeriodSplit SplitByMonths(Day from, Day to) {
  PeriodSplit out;
  if (from > to) return out;
  int32_t first = MonthOf(from), last = MonthOf(to);
  if (FirstDayOfMonth(first) != from) ++first;       // from's month is partial
  if (FirstDayOfMonth(last + 1) - 1 != to) --last;   // to's month is partial
  if (first > last) {
    out.days.emplace_back(from, to);
    return out;
  }
  out.first_month = first;
  out.last_month = last;
  if (from < FirstDayOfMonth(first)) out.days.emplace_back(from, FirstDayOfMonth(first) - 1);
  if (to >= FirstDayOfMonth(last + 1)) out.days.emplace_back(FirstDayOfMonth(last + 1), to);
  return out;
}

}  // namespace civicgrid
