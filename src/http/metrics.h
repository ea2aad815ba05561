// In-process metrics rendered in the Prometheus text exposition format (version 0.0.4).
//
// A metric family has a name, help text, a type and (for histograms) bucket bounds; each distinct
// label set of a family is one series. Updates are thread-safe and lock-light: finding an existing
// series takes shared locks only, and the update itself is an atomic operation. Creating a new
// series or family takes an exclusive lock once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civicgrid::http {

// The content type of Metrics::Render()'s output.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  // Label (name, value) pairs, rendered in the given order. Names must match [a-zA-Z_][a-zA-Z0-9_]*
  // and must not be "le" on histograms.
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // 0.0005 s … 10 s: the default bounds for request-duration histograms.
  static const std::vector<double>& DefaultBuckets();

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Declares a family. Idempotent for the same type; throws std::invalid_argument on an invalid
  // name or a type clash. `buckets` (histograms only; sorted, finite) default to DefaultBuckets().
  // Using a family without declaring it declares it with an empty help text.
  void Describe(std::string_view name, Type type, std::string_view help, std::vector<double> buckets = {});

  // Adds `delta` (must be >= 0) to a counter.
  void CounterAdd(std::string_view name, const Labels& labels = {}, double delta = 1);
  // Sets or adds to a gauge.
  void GaugeSet(std::string_view name, const Labels& labels, double value);
  void GaugeAdd(std::string_view name, const Labels& labels, double delta);
  // Records one observation in a histogram.
  void Observe(std::string_view name, const Labels& labels, double value);

  // A gauge whose value is read from `read` at every Render() (outside all locks, so `read` may use
  // this object). Replaces an earlier callback of the same name and labels.
  void AddGaugeCallback(std::string_view name, std::string_view help, std::function<double()> read,
                        Labels labels = {});

  // The current value of a counter or gauge series (not callbacks), or NaN if it does not exist.
  double Value(std::string_view name, const Labels& labels = {}) const;
  // The observation count of a histogram series, or 0 if it does not exist.
  unsigned long long HistogramCount(std::string_view name, const Labels& labels = {}) const;

  // Every family, sorted by name, in the text exposition format: "# HELP", "# TYPE", then one line
  // per series (histograms: cumulative _bucket{le=...} including +Inf, then _sum and _count).
  std::string Render() const;

 private:
  struct Series;
  struct Family;
  struct Callback;
  Family& GetFamily(std::string_view name, Type type);
  Series& GetSeries(Family& family, const Labels& labels);
  const Series* FindSeries(std::string_view name, const Labels& labels) const;

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  std::vector<Callback> callbacks_;
};

// Seconds since the Unix epoch when this process started (taken at static initialisation).
double ProcessStartTimeSeconds();

// Escapes a label value for the exposition format (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view value);

// Formats a sample value: integers without a fraction, "+Inf", "-Inf", "NaN", else shortest form.
std::string FormatSampleValue(double value);

}  // namespace civicgrid::http
