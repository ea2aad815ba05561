#include "stats_sql.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace civicgrid::bench {
namespace {

constexpr int64_t kUtcOffsetSeconds = 480 * 60;  // the counters' local day (KeyOf's default)
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Each counter of core/case_stats.h (FactsOf) as a condition on the case's columns, in kStatFieldNames order.
// `resolved` is resolved, verified, evaluated or closed; ended_level holds core Level (grid 6 … province 1).
constexpr const char* kResolved = "status IN ('resolved', 'verified', 'evaluated', 'closed')";
const std::vector<std::pair<std::string, std::string>>& Conditions() {
  static const std::vector<std::pair<std::string, std::string>> kAll = {
      {"reported", ""},
      {"accepted", "status NOT IN ('reported', 'rejected', 'merged')"},
      {"dispatched", "dispatched_at > 0"},
      {"returned", "returns > 0"},
      {"resolved", kResolved},
      {"resolved_on_time", std::string(kResolved) + " AND resolved_on_time = 1"},
      {"overdue", "overdue = 1"},
      {"suspended", "status = 'suspended'"},
      {"due", "status IN ('closed', 'suspended') OR overdue = 1"},
      {"closed", "status = 'closed'"},
      {"closed_on_time", "status = 'closed' AND resolved_on_time = 1"},
      {"self_handled", std::string(kResolved) + " AND self_handled = 1"},
      {"reworked", std::string(kResolved) + " AND reworks > 0"},
      {"extended", "extensions > 0"},
      {"escalated", "escalations > 0"},
      {"evaluated", "evaluation <> 'none'"},
      {"satisfied", "evaluation = 'satisfied'"},
      {"basically_satisfied", "evaluation = 'basically_satisfied'"},
      {"unsatisfied", "evaluation = 'unsatisfied'"},
      {"rejected", "status = 'rejected'"},
      {"merged", "status = 'merged'"},
      {"handling_seconds", std::string(kResolved) + " AND self_handled = 0"},  // sums handling_seconds
      {"ended_grid", std::string(kResolved) + " AND ended_level = 6"},
      {"ended_community", std::string(kResolved) + " AND ended_level = 5"},
      {"ended_street", std::string(kResolved) + " AND ended_level = 4"},
      {"ended_county", std::string(kResolved) + " AND ended_level = 3"},
      {"ended_city", std::string(kResolved) + " AND ended_level <= 2"},
      {"open", "status NOT IN ('closed', 'rejected', 'merged')"},
  };
  return kAll;
}

std::string KeyExpression(store::StatsBy by) {
  using B = store::StatsBy;
  switch (by) {
    case B::kNone: return "''";
    case B::kCategory: return "category";
    case B::kUnit: return "CAST(CASE WHEN dispatched_at > 0 THEN unit ELSE 0 END AS TEXT)";
    case B::kStreet: return "substr(territory, 1, 9)";
    case B::kCommunity: return "substr(territory, 1, 12)";
    case B::kChannel: return "channel";
    default: return "";
  }
}

bool Same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
}

const char* kRateNames[] = {"completion_rate", "on_time_rate",  "dispatch_accuracy", "rework_rate",
                            "extension_rate",  "satisfaction",  "average_handling_minutes",
                            "ended_share.grid", "ended_share.community", "ended_share.street",
                            "ended_share.county", "ended_share.city"};

}  // namespace

StatsAnswer WithRates(const std::vector<store::StatsGroup>& groups) {
  StatsAnswer out;
  out.reserve(groups.size());
  for (const auto& g : groups) out.push_back({g.key, g.counts, RatesOf(g.counts)});
  return out;
}

std::string StatsSql(store::StatsBy by, Dialect dialect) {
  const std::string key = KeyExpression(by);
  if (key.empty()) return "";
  const bool pg = dialect == Dialect::kPostgres;
  std::string counts;
  for (const auto& [name, cond] : Conditions()) {
    std::string e;
    if (cond.empty()) e = "COUNT(*)";
    else if (name == "handling_seconds")
      e = pg ? "COALESCE(SUM(handling_seconds) FILTER (WHERE " + cond + "), 0)::bigint"
             : "SUM(CASE WHEN " + cond + " THEN handling_seconds ELSE 0 END)";
    else e = pg ? "COUNT(*) FILTER (WHERE " + cond + ")" : "SUM(" + cond + ")";
    counts += ",\n    " + e + " AS " + name;
  }
  // Rates as core/case_stats.h RatesOf computes them (one division each, so the doubles agree).
  const std::string f = pg ? "::float8" : " * 1.0";
  auto ratio = [&](const std::string& num, const std::string& den) {
    return "(" + num + ")" + f + " / NULLIF(" + den + ", 0)";
  };
  std::string rates = ",\n  " + ratio("closed", "due - suspended") + ",\n  " + ratio("closed_on_time", "due - suspended") +
                      ",\n  1 - " + ratio("returned", "dispatched") + ",\n  " + ratio("reworked", "resolved") + ",\n  " +
                      ratio("extended", "dispatched") + ",\n  " + ratio("satisfied + basically_satisfied", "evaluated") +
                      ",\n  " + ratio("handling_seconds", "resolved - self_handled") + " / 60";
  for (const char* level : {"grid", "community", "street", "county", "city"})
    rates += ",\n  " + ratio(std::string("ended_") + level, "resolved");
  std::string fields;
  for (auto name : kStatFieldNames) fields += ", " + std::string(name);
  const std::string p1 = pg ? "$1" : "?1", p2 = pg ? "$2" : "?2", p3 = pg ? "$3" : "?3";
  return "SELECT k" + fields + rates + "\nFROM (\n  SELECT " + key + " AS k" + counts +
         "\n  FROM cases\n  WHERE reported_at >= " + p1 + " AND reported_at < " + p2 + " AND territory >= " + p3 +
         " AND territory < " + p3 + " || ':'\n  GROUP BY k\n) AS g\nORDER BY k";
}

std::pair<int64_t, int64_t> ReportedRange(Day from, Day to) {
  return {int64_t{from} * 86400 - kUtcOffsetSeconds, (int64_t{to} + 1) * 86400 - kUtcOffsetSeconds};
}

std::vector<double> RateValues(const StatRates& r) {
  std::vector<double> v;
  for (const auto& x : {r.completion_rate, r.on_time_rate, r.dispatch_accuracy, r.rework_rate, r.extension_rate,
                        r.satisfaction, r.average_handling_minutes})
    v.push_back(x.value_or(kNone));
  for (const auto& x : r.ended_share) v.push_back(x.value_or(kNone));
  return v;
}

StatRates RatesFromValues(const std::vector<double>& v) {
  auto opt = [&](size_t i) { return i < v.size() && !std::isnan(v[i]) ? std::optional<double>(v[i]) : std::nullopt; };
  StatRates r;
  r.completion_rate = opt(0);
  r.on_time_rate = opt(1);
  r.dispatch_accuracy = opt(2);
  r.rework_rate = opt(3);
  r.extension_rate = opt(4);
  r.satisfaction = opt(5);
  r.average_handling_minutes = opt(6);
  for (size_t i = 0; i < 5; ++i) r.ended_share[i] = opt(7 + i);
  return r;
}

std::string FirstDifference(const StatsAnswer& a, const std::string& a_name, const StatsAnswer& b,
                            const std::string& b_name) {
  std::map<std::string, const StatsRow*> in_a, in_b;
  for (const auto& r : a) in_a[r.key] = &r;
  for (const auto& r : b) in_b[r.key] = &r;
  auto show = [](const std::string& key) { return "group '" + key + "'"; };
  for (auto ia = in_a.begin(), ib = in_b.begin(); ia != in_a.end() || ib != in_b.end();) {
    if (ib == in_b.end() || (ia != in_a.end() && ia->first < ib->first))
      return show(ia->first) + " is in " + a_name + " (reported " + std::to_string(ia->second->counts.v[0]) +
             ") but not in " + b_name;
    if (ia == in_a.end() || ib->first < ia->first)
      return show(ib->first) + " is in " + b_name + " (reported " + std::to_string(ib->second->counts.v[0]) +
             ") but not in " + a_name;
    const StatsRow &x = *ia->second, &y = *ib->second;
    for (size_t i = 0; i < kStatFieldNames.size(); ++i)
      if (x.counts.v[i] != y.counts.v[i])
        return show(x.key) + ": " + std::string(kStatFieldNames[i]) + " is " + std::to_string(x.counts.v[i]) + " in " +
               a_name + " but " + std::to_string(y.counts.v[i]) + " in " + b_name;
    const auto rx = RateValues(x.rates), ry = RateValues(y.rates);
    for (size_t i = 0; i < rx.size(); ++i)
      if (!Same(rx[i], ry[i]))
        return show(x.key) + ": " + kRateNames[i] + " is " + std::to_string(rx[i]) + " in " + a_name + " but " +
               std::to_string(ry[i]) + " in " + b_name;
    ++ia;
    ++ib;
  }
  return "";
}

}  // namespace civicgrid::bench
