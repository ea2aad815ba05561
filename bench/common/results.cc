#include "common/results.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <utility>

namespace civicgrid::bench {
namespace {

// The console reporter, which also keeps every repetition's figures.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      const std::string name = run.run_name.function_name;
      const size_t slash = name.find('/');
      if (slash == std::string::npos) continue;
      const std::string figure = name.substr(0, slash), subject = name.substr(slash + 1);
      const double to_ms = 1e3 / benchmark::GetTimeUnitMultiplier(run.time_unit);
      Add(figure, subject, "ms", run.GetAdjustedRealTime() * to_ms);
      for (const auto& [counter, value] : run.counters) Add(figure, subject, counter, value.value);
    }
  }
  std::vector<Record> records() const {
    std::vector<Record> out;
    for (const auto& [key, values] : values_) {
      Record r;
      r.figure = std::get<0>(key);
      r.subject = std::get<1>(key);
      r.metric = std::get<2>(key);
      r.values = values;
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  void Add(const std::string& figure, const std::string& subject, const std::string& metric, double v) {
    values_[{figure, subject, metric}].push_back(v);
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> values_;
};

}  // namespace

std::string CommandLine(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    const bool plain = !a.empty() && a.find_first_of(" \t\"'$\\*?;&|<>()") == std::string::npos;
    if (i) out += ' ';
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

bool AppendRecords(const std::string& path, const std::vector<Record>& records, const std::string& command) {
  std::ofstream out(path, std::ios::app);
  if (!out) {
    std::cerr << "cannot write results to " << path << "\n";
    return false;
  }
  for (const Record& r : records) {
    boost::json::object o;
    o["figure"] = r.figure;
    o["subject"] = r.subject;
    o["metric"] = r.metric;
    boost::json::array values;
    for (double v : r.values) values.push_back(v);
    o["values"] = std::move(values);
    o["command"] = command;
    if (!r.extra.empty()) o["extra"] = r.extra;
    out << boost::json::serialize(o) << "\n";
  }
  out.flush();
  return static_cast<bool>(out);
}

int RunGoogleBenchmarks(int argc, char** argv, const std::string& out_path) {
  const std::string command = CommandLine(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (out_path.empty()) return 0;
  return AppendRecords(out_path, reporter.records(), command) ? 0 : 1;
}

}  // namespace civicgrid::bench
