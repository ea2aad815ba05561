#include "demo/history_plan.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <string>
#include <tuple>

#include "demo/history_random.h"

namespace civicgrid::demo::history {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Channels: how many of the reports, on working and on off days, at which hours.

struct ChannelMix {
  Channel channel;
  double working, off;  // relative weights on working days and off days
  double hours[24];     // relative weight of each local hour
};

const std::vector<ChannelMix>& Channels() {
  // clang-format off
  static const std::vector<ChannelMix> kMix = {
      {Channel::kGridWorker, 50, 22, {0, 0, 0, 0, 0, 0, 0.2, 1, 5, 8, 8, 6, 1, 1, 4, 7, 8, 6, 2, 1, 0.5, 0.2, 0, 0}},
      {Channel::kHotline, 28, 30, {0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 3, 6, 8, 8, 7, 5, 5, 7, 7, 7, 6, 5, 5, 4, 3, 2, 1}},
      {Channel::kResidentApp, 13, 19, {0.5, 0.3, 0.1, 0.1, 0.1, 0.2, 1, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 7, 4, 2}},
      {Channel::kOpen311, 2.5, 3, {0.5, 0.3, 0.1, 0.1, 0.1, 0.2, 1, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 7, 4, 2}},
      {Channel::kDrone, 2.2, 0.4, {0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 8, 2, 2, 8, 8, 5, 0, 0, 0, 0, 0, 0, 0}},
      {Channel::kIot, 2.5, 2.5, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
      {Channel::kSuperior, 1.5, 0.1, {0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 6, 0, 0, 0, 8, 8, 5, 0, 0, 0, 0, 0, 0}},
  };
  // clang-format on
  return kMix;
}

// The volume of a day relative to the mean: fewer reports on off days, more in the heating season.
double DayFactor(const Calendar& cal, Day day) {
  static constexpr double kMonth[] = {1.15, 0.9, 1.0, 0.95, 1.0, 1.05, 1.1, 1.1, 1.0, 0.9, 1.1, 1.15};
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  return kMonth[static_cast<unsigned>(ymd.month()) - 1] * (cal.IsWorkingDay(day) ? 1.0 : 0.7);
}

}  // namespace

// Cases a day of each county at scale 1 (DOMAIN.md §2).
void SetRates(std::vector<County>& counties, double scale, double other_scale) {
  size_t linyi_grids = 0, other_grids = 0, others = 0;
  for (const County& c : counties) {
    const std::string& code = c.division->code;
    if (code == "370305") continue;
    if (code.rfind("3713", 0) == 0) {
      linyi_grids += c.grids.size();
    } else {
      other_grids += c.grids.size();
      ++others;
    }
  }
  const double mean_other = others ? static_cast<double>(other_grids) / static_cast<double>(others) : 1;
  for (County& c : counties) {
    const std::string& code = c.division->code;
    const double grids = static_cast<double>(c.grids.size());
    if (code == "370305") {
      c.rate = 230;  // 临淄区 81890 hotline: ~230 appeals a day
    } else if (code.rfind("3713", 0) == 0) {
      c.rate = 195 * grids / static_cast<double>(std::max<size_t>(linyi_grids, 1));  // 临沂: 7.1万 a year
    } else {
      c.rate = std::clamp(15 * std::sqrt(grids / mean_other), 10.0, 20.0) * other_scale;
    }
    c.rate *= scale;
  }
}

void SetRatesByGrids(std::vector<County>& counties, double cases_per_year) {
  size_t grids = 0;
  for (const County& c : counties) grids += c.grids.size();
  for (County& c : counties)
    c.rate = cases_per_year / 365.0 * static_cast<double>(c.grids.size()) / static_cast<double>(std::max<size_t>(grids, 1));
}

std::vector<Planned> Plan(const std::vector<County>& counties, const Calendar& cal, Day first, Day last, Timestamp end,
                          uint64_t seed) {
  double mean = 0;
  for (Day d = first; d <= last; ++d) mean += DayFactor(cal, d);
  mean /= std::max(1, last - first + 1);
  std::vector<Planned> out;
  const auto& mix = Channels();
  for (Day d = first; d <= last; ++d) {
    const bool working = cal.IsWorkingDay(d);
    std::vector<double> channel_weights;
    for (const auto& m : mix) channel_weights.push_back(working ? m.working : m.off);
    const Timestamp midnight = int64_t{d} * 86400 - int64_t{cal.utc_offset_minutes} * 60;
    const double factor = DayFactor(cal, d) / mean;
    for (size_t ci = 0; ci < counties.size(); ++ci) {
      Rng rng(Mix(Mix(seed, HashText(counties[ci].division->code)), static_cast<uint64_t>(d)));
      const int n = rng.Poisson(counties[ci].rate * factor);
      for (int i = 0; i < n; ++i) {
        Planned p;
        p.county = static_cast<uint32_t>(ci);
        p.index = static_cast<uint32_t>(i);
        p.seed = rng.Next();
        const ChannelMix& m = mix[rng.Weighted(channel_weights)];
        p.channel = m.channel;
        const int hour = static_cast<int>(rng.Weighted(std::vector<double>(std::begin(m.hours), std::end(m.hours))));
        p.at = midnight + hour * 3600 + rng.Int(0, 3599);
        if (p.at <= end) out.push_back(p);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Planned& a, const Planned& b) {
    return std::tie(a.at, a.county, a.index) < std::tie(b.at, b.county, b.index);
  });
  return out;
}

}  // namespace civicgrid::demo::history
