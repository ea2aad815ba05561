#include "live/join.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace civicgrid::bench::live {
namespace {

// The 0..1 quantile of integer microseconds, in milliseconds.
double QuantileMs(std::vector<uint32_t>& us, double q) {
  if (us.empty()) return 0;
  const size_t k = std::min(us.size() - 1, static_cast<size_t>(q * static_cast<double>(us.size())));
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(k), us.end());
  return us[k] / 1000.0;
}

bool IsUnder(const std::string& territory, const std::string& under) {
  return territory.compare(0, under.size(), under) == 0;
}

}  // namespace

double Quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

RunResult Join(const std::vector<Post>& posts, int64_t base, std::vector<ClientRun>& clients, double seconds) {
  RunResult r;
  // The reports by case offset (id − base).
  std::vector<const Post*> by_offset;
  std::vector<double> intake, lag;
  for (const Post& p : posts) {
    if (p.error == kNotSent) {
      ++r.unsent;
      continue;
    }
    if (p.id <= base) {
      ++r.failed;
      if (r.first_failure.empty()) r.first_failure = p.error.empty() ? "case id at or below the run's base" : p.error;
      continue;
    }
    ++r.posted;
    const auto offset = static_cast<size_t>(p.id - base);
    if (offset >= by_offset.size()) by_offset.resize(offset + 1, nullptr);
    by_offset[offset] = &p;
    intake.push_back(p.answer_us / 1000.0);
    lag.push_back(p.lag_us / 1000.0);
  }
  r.intake_p50_ms = Quantile(intake, 0.5);
  r.intake_p99_ms = Quantile(intake, 0.99);
  r.send_lag_max_ms = lag.empty() ? 0 : *std::max_element(lag.begin(), lag.end());

  // How many pairs each filter expects.
  std::map<std::string, uint64_t> due;
  for (const ClientRun& c : clients) due.emplace(c.under, 0);
  for (auto& [under, n] : due)
    for (const Post* p : by_offset)
      if (p && IsUnder(p->territory, under)) ++n;

  // When each case first reached a client.
  std::vector<uint32_t> first_us(by_offset.size(), UINT32_MAX);
  size_t total = 0;
  for (const ClientRun& c : clients) {
    total += c.deliveries.size();
    for (const Delivery& d : c.deliveries)
      if (d.case_offset < first_us.size()) first_us[d.case_offset] = std::min(first_us[d.case_offset], d.at_us);
  }
  std::vector<uint32_t> latency_us, spread_us;
  latency_us.reserve(total);
  spread_us.reserve(total);
  for (ClientRun& c : clients) {
    r.expected += due[c.under];
    r.other_events += c.other_events;
    r.unreadable += c.unreadable;
    r.closed += c.closed ? 1 : 0;
    std::sort(c.deliveries.begin(), c.deliveries.end(),
              [](const Delivery& a, const Delivery& b) { return a.case_offset < b.case_offset; });
    uint32_t previous = 0;
    for (const Delivery& d : c.deliveries) {
      if (d.case_offset == previous) {
        ++r.duplicates;
        continue;
      }
      previous = d.case_offset;
      const Post* p = d.case_offset < by_offset.size() ? by_offset[d.case_offset] : nullptr;
      if (!p || !IsUnder(p->territory, c.under)) {
        ++r.unexpected;
        continue;
      }
      ++r.delivered;
      const int64_t us = int64_t{d.at_us} - p->due_us;
      latency_us.push_back(static_cast<uint32_t>(std::max<int64_t>(0, us)));
      spread_us.push_back(d.at_us - first_us[d.case_offset]);
    }
  }
  r.missing = r.expected - std::min(r.expected, r.delivered);
  r.max_ms = latency_us.empty() ? 0 : *std::max_element(latency_us.begin(), latency_us.end()) / 1000.0;
  r.p50_ms = QuantileMs(latency_us, 0.5);
  r.p99_ms = QuantileMs(latency_us, 0.99);
  r.fanout_p99_ms = QuantileMs(spread_us, 0.99);
  r.deliveries_per_second = seconds > 0 ? static_cast<double>(r.delivered) / seconds : 0;
  return r;
}

}  // namespace civicgrid::bench::live
