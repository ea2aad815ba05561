// Google Benchmark runs turned into the suite's records (common/results.h), like RunGoogleBenchmarks
// does, with two additions this program needs: facts attached to a figure and subject ("extra": the
// PostgreSQL copy time, the territory asked, …) and the whole command line, including this program's
// own options, which Google Benchmark must not see.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/results.h"

namespace civicgrid::bench {

// The console reporter, keeping every repetition's real time ("ms") and user counters.
class Recorder : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;

  // Facts recorded with every metric of (figure, subject); later calls add to them.
  void Extra(const std::string& figure, const std::string& subject, const boost::json::object& extra);

  // The records of every benchmark named "FIGURE/SUBJECT" that ran, with their extras.
  std::vector<Record> Records() const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> values_;
  std::map<std::pair<std::string, std::string>, boost::json::object> extra_;
};

// Runs the registered benchmarks with `gbench_args` (argv[0] first, then --benchmark_* flags) and
// appends the records to `out_path` ("" = none) with `command`. Answers the exit code.
int RunAndRecord(std::vector<std::string> gbench_args, Recorder& recorder, const std::string& out_path,
                 const std::string& command);

}  // namespace civicgrid::bench
