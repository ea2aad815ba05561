#include "http/metrics.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace civicgrid::http {
namespace {

const double kProcessStart =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string SeriesKey(const Metrics::Labels& labels) {
  std::string key;
  for (const auto& [name, value] : labels) {
    key += std::to_string(name.size());
    key += ':';
    key += name;
    key += std::to_string(value.size());
    key += ':';
    key += value;
  }
  return key;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

const char* TypeName(Metrics::Type type) {
  switch (type) {
    case Metrics::Type::kCounter: return "counter";
    case Metrics::Type::kGauge: return "gauge";
    case Metrics::Type::kHistogram: return "histogram";
  }
  return "untyped";
}

// name{a="x",b="y"[,le="..."]} value\n
void AppendSample(std::string& out, std::string_view name, const Metrics::Labels& labels, const char* le,
                  double value) {
  out += name;
  if (!labels.empty() || le) {
    out += '{';
    bool first = true;
    for (const auto& [label, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += label;
      out += "=\"";
      out += EscapeLabelValue(v);
      out += '"';
    }
    if (le) {
      if (!first) out += ',';
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += FormatSampleValue(value);
  out += '\n';
}

}  // namespace

struct Metrics::Series {
  Labels labels;
  std::atomic<double> value{0};
  // Per-bucket (non-cumulative) counts; the last slot counts observations above every bound.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;
  std::atomic<double> sum{0};
};

struct Metrics::Family {
  std::string name;
  std::string help;
  Type type = Type::kGauge;
  std::vector<double> bounds;
  mutable std::shared_mutex mu;
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series;
};

struct Metrics::Callback {
  std::string name;
  Labels labels;
  std::string key;
  std::function<double()> read;
};

const std::vector<double>& Metrics::DefaultBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Metrics::Describe(std::string_view name, Type type, std::string_view help, std::vector<double> buckets) {
  if (!ValidName(name, true)) throw std::invalid_argument("invalid metric name: " + std::string(name));
  if (type == Type::kHistogram) {
    if (buckets.empty()) buckets = DefaultBuckets();
    if (!std::is_sorted(buckets.begin(), buckets.end()) ||
        std::adjacent_find(buckets.begin(), buckets.end()) != buckets.end() ||
        !std::all_of(buckets.begin(), buckets.end(), [](double b) { return std::isfinite(b); })) {
      throw std::invalid_argument("histogram buckets must be finite and strictly increasing: " +
                                  std::string(name));
    }
  } else {
    buckets.clear();
  }
  std::unique_lock lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    Family& family = *it->second;
    if (family.type != type) throw std::invalid_argument("metric redeclared with another type: " + family.name);
    if (family.help.empty()) family.help = std::string(help);
    return;
  }
  auto family = std::make_unique<Family>();
  family->name = std::string(name);
  family->help = std::string(help);
  family->type = type;
  family->bounds = std::move(buckets);
  families_.emplace(family->name, std::move(family));
}

Metrics::Family& Metrics::GetFamily(std::string_view name, Type type) {
  {
    std::shared_lock lock(mu_);
    auto it = families_.find(name);
    if (it != families_.end()) {
      if (it->second->type != type) {
        throw std::invalid_argument("metric used with another type: " + std::string(name));
      }
      return *it->second;
    }
  }
  Describe(name, type, {});
  std::shared_lock lock(mu_);
  return *families_.find(name)->second;
}

Metrics::Series& Metrics::GetSeries(Family& family, const Labels& labels) {
  std::string key = SeriesKey(labels);
  {
    std::shared_lock lock(family.mu);
    auto it = family.series.find(key);
    if (it != family.series.end()) return *it->second;
  }
  for (const auto& [label, value] : labels) {
    if (!ValidName(label, false) || label.starts_with("__") ||
        (family.type == Type::kHistogram && label == "le")) {
      throw std::invalid_argument("invalid label name '" + label + "' on " + family.name);
    }
  }
  std::unique_lock lock(family.mu);
  auto [it, inserted] = family.series.try_emplace(std::move(key));
  if (inserted) {
    auto series = std::make_unique<Series>();
    series->labels = labels;
    if (family.type == Type::kHistogram) {
      size_t n = family.bounds.size() + 1;
      series->buckets = std::make_unique<std::atomic<std::uint64_t>[]>(n);
      for (size_t i = 0; i < n; ++i) series->buckets[i].store(0, std::memory_order_relaxed);
    }
    it->second = std::move(series);
  }
  return *it->second;
}

void Metrics::CounterAdd(std::string_view name, const Labels& labels, double delta) {
  if (!(delta >= 0)) throw std::invalid_argument("counter decrement: " + std::string(name));
  GetSeries(GetFamily(name, Type::kCounter), labels).value.fetch_add(delta, std::memory_order_relaxed);
}

void Metrics::GaugeSet(std::string_view name, const Labels& labels, double value) {
  GetSeries(GetFamily(name, Type::kGauge), labels).value.store(value, std::memory_order_relaxed);
}

void Metrics::GaugeAdd(std::string_view name, const Labels& labels, double delta) {
  GetSeries(GetFamily(name, Type::kGauge), labels).value.fetch_add(delta, std::memory_order_relaxed);
}

void Metrics::Observe(std::string_view name, const Labels& labels, double value) {
  Family& family = GetFamily(name, Type::kHistogram);
  Series& series = GetSeries(family, labels);
  size_t index = std::lower_bound(family.bounds.begin(), family.bounds.end(), value) - family.bounds.begin();
  series.buckets[index].fetch_add(1, std::memory_order_relaxed);
  series.sum.fetch_add(value, std::memory_order_relaxed);
}

void Metrics::AddGaugeCallback(std::string_view name, std::string_view help, std::function<double()> read,
                               Labels labels) {
  Describe(name, Type::kGauge, help);
  Family& family = GetFamily(name, Type::kGauge);
  for (const auto& [label, value] : labels) {
    if (!ValidName(label, false) || label.starts_with("__")) {
      throw std::invalid_argument("invalid label name '" + label + "' on " + family.name);
    }
  }
  Callback callback{std::string(name), std::move(labels), {}, std::move(read)};
  callback.key = SeriesKey(callback.labels);
  std::unique_lock lock(mu_);
  for (auto& existing : callbacks_) {
    if (existing.name == callback.name && existing.key == callback.key) {
      existing = std::move(callback);
      return;
    }
  }
  callbacks_.push_back(std::move(callback));
}

const Metrics::Series* Metrics::FindSeries(std::string_view name, const Labels& labels) const {
  std::shared_lock lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  const Family& family = *it->second;
  std::shared_lock family_lock(family.mu);
  auto series = family.series.find(SeriesKey(labels));
  return series == family.series.end() ? nullptr : series->second.get();
}

double Metrics::Value(std::string_view name, const Labels& labels) const {
  const Series* series = FindSeries(name, labels);
  return series && !series->buckets ? series->value.load(std::memory_order_relaxed) : std::nan("");
}

unsigned long long Metrics::HistogramCount(std::string_view name, const Labels& labels) const {
  const Series* series = FindSeries(name, labels);
  if (!series || !series->buckets) return 0;
  std::shared_lock lock(mu_);
  size_t n = families_.find(name)->second->bounds.size() + 1;
  unsigned long long total = 0;
  for (size_t i = 0; i < n; ++i) total += series->buckets[i].load(std::memory_order_relaxed);
  return total;
}

std::string Metrics::Render() const {
  // Read callbacks first, outside every lock, so that they may use this object.
  std::vector<Callback> callbacks;
  {
    std::shared_lock lock(mu_);
    callbacks = callbacks_;
  }
  std::map<std::string, std::vector<std::pair<Labels, double>>, std::less<>> callback_values;
  for (auto& callback : callbacks) {
    double value;
    try {
      value = callback.read();
    } catch (...) {
      continue;  // a failing callback drops its series from this scrape
    }
    callback_values[callback.name].emplace_back(std::move(callback.labels), value);
  }

  std::string out;
  std::shared_lock lock(mu_);
  for (const auto& [name, family_ptr] : families_) {
    const Family& family = *family_ptr;
    out += "# HELP ";
    out += name;
    out += ' ';
    out += EscapeHelp(family.help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += TypeName(family.type);
    out += '\n';
    std::shared_lock family_lock(family.mu);
    for (const auto& [key, series] : family.series) {
      if (family.type != Type::kHistogram) {
        AppendSample(out, name, series->labels, nullptr, series->value.load(std::memory_order_relaxed));
        continue;
      }
      std::uint64_t cumulative = 0;
      const std::string bucket_name = name + "_bucket";
      for (size_t i = 0; i <= family.bounds.size(); ++i) {
        cumulative += series->buckets[i].load(std::memory_order_relaxed);
        std::string le = i < family.bounds.size() ? FormatSampleValue(family.bounds[i]) : "+Inf";
        AppendSample(out, bucket_name, series->labels, le.c_str(), static_cast<double>(cumulative));
      }
      AppendSample(out, name + "_sum", series->labels, nullptr, series->sum.load(std::memory_order_relaxed));
      AppendSample(out, name + "_count", series->labels, nullptr, static_cast<double>(cumulative));
    }
    auto values = callback_values.find(name);
    if (values != callback_values.end()) {
      for (const auto& [labels, value] : values->second) AppendSample(out, name, labels, nullptr, value);
    }
  }
  return out;
}

double ProcessStartTimeSeconds() { return kProcessStart; }

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  double magnitude = std::fabs(value);
  // Plain decimals for ordinary magnitudes ("0.0005", not "5e-04"); shortest form otherwise.
  auto result = magnitude >= 1e-6 && magnitude < 1e15
                    ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                    : std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace civicgrid::http
