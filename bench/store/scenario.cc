#include "scenario.h"

#include <algorithm>
#include <map>

namespace civicgrid::bench {
namespace {

constexpr int64_t kUtcOffsetSeconds = 480 * 60;  // the counters' local day

Day LocalDay(Timestamp t) {
  const int64_t local = t + kUtcOffsetSeconds;
  return static_cast<Day>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

// The first day of the month of `day`.
Day MonthStart(Day day) { return *ParseDay(FormatDay(day).substr(0, 8) + "01"); }

// Cases by territory prefix of `length` under `under` ("" = all), most first.
Result<std::vector<std::pair<std::string, int64_t>>> CountBy(SqlitePeer& db, int length, const std::string& under) {
  const std::string sql = "SELECT substr(territory, 1, " + std::to_string(length) +
                          ") AS t, COUNT(*) FROM cases" +
                          (under.empty() ? "" : " WHERE territory >= ?1 AND territory < ?1 || ':'") +
                          " GROUP BY t ORDER BY 2 DESC, 1";
  auto rows = db.QueryPairs(sql, under);
  if (!rows) return rows.error();
  std::erase_if(*rows, [&](const auto& r) { return static_cast<int>(r.first.size()) != length; });
  return rows;
}

}  // namespace

std::string StatusesLabel(const std::vector<CaseStatus>& statuses) {
  std::string out;
  for (CaseStatus s : statuses) {
    if (!out.empty()) out += '+';
    out += CaseStatusName(s);
  }
  return out;
}

Result<Plan> ChoosePlan(SqlitePeer& db) {
  Plan plan;
  auto last = db.QueryInt("SELECT MAX(reported_at) FROM cases");
  if (!last) return last.error();
  if (*last == 0) return Error::InvalidArgument("the database has no cases", "db");
  plan.last_report = *last;
  plan.last_day = LocalDay(*last);

  // Counties (6-digit codes) by cases; cities are their 4-digit prefixes.
  auto counties = CountBy(db, 6, "");
  if (!counties) return counties.error();
  if (counties->empty()) return Error::InvalidArgument("no case lies under a county", "db");
  std::map<std::string, int64_t> cities;
  for (const auto& [code, n] : *counties) cities[code.substr(0, 4)] += n;
  plan.county = counties->front().first;
  plan.county_cases = counties->front().second;
  for (const auto& [code, n] : cities)
    if (n > plan.city_cases) plan.city = code, plan.city_cases = n;

  // Statistics: the county's last full month by category, the city's last 365 days by street.
  const Day month_end = MonthStart(plan.last_day + 1) == plan.last_day + 1 ? plan.last_day : MonthStart(plan.last_day) - 1;
  StatsFigure county_month{"stats.county_month", {plan.county, MonthStart(month_end), month_end, store::StatsBy::kCategory}};
  StatsFigure city_year{"stats.city_year", {plan.city, plan.last_day - 364, plan.last_day, store::StatsBy::kStreet}};
  plan.stats = {county_month, city_year};

  // Lists: the city, the two counties with the most cases, the busiest street of the top county and one
  // of its middle streets; four status filters from the workbench queues and the archive.
  auto streets = CountBy(db, 9, plan.county);
  if (!streets) return streets.error();
  struct Place {
    std::string kind, code, grant;
  };
  std::vector<Place> places = {{"city", plan.city, plan.city}};
  for (size_t i = 0; i < std::min<size_t>(2, counties->size()); ++i)
    places.push_back({"county", (*counties)[i].first, (*counties)[i].first});
  if (!streets->empty()) places.push_back({"street", streets->front().first, plan.county});
  if (streets->size() > 2) places.push_back({"street", (*streets)[streets->size() / 2].first, plan.county});
  using S = CaseStatus;
  const std::vector<std::vector<S>> filters = {
      {S::kClosed}, {S::kDispatched, S::kAcknowledged}, {S::kResolved}, {S::kAccepted, S::kReturned}};
  for (const auto& p : places)
    for (const auto& f : filters) plan.lists.push_back({p.kind + " " + p.code + " " + StatusesLabel(f), p.code, p.grant, f});
  return plan;
}

}  // namespace civicgrid::bench
