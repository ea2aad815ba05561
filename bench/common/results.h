// Benchmark results as JSON lines, the one format every program of the suite writes and bench/render.mjs
// reads: one record per (figure, subject, metric) holding the value of every run, so that the page can give
// min / median / max and compare a figure with its peer measured in the same run.
//
//   {"figure":"locate.linyi","subject":"geos","metric":"items_per_second","values":[...],
//    "command":"build/bench/bench/locate/bench_locate --db ...","extra":{...}}
//
// Google Benchmark programs name each benchmark "FIGURE/SUBJECT" and run it with repetitions;
// RunGoogleBenchmarks turns every repetition's user counters (and its real time per iteration, as
// metric "ms") into records.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace civicgrid::bench {

// One figure of one subject (civicgrid or a peer) in one metric, over every run.
struct Record {
  std::string figure;          // e.g. "locate.linyi", "intake.c64"
  std::string subject;         // "civicgrid" or the peer: "postgis", "geos", "sqlite", "postgresql", …
  std::string metric;          // e.g. "items_per_second", "p99_ms", "ms"
  std::vector<double> values;  // one per run
  boost::json::object extra;   // facts worth keeping beside the figure (sizes, counts, errors)
};

// The command line of this process, quoted where needed, to be recorded with each figure.
std::string CommandLine(int argc, char** argv);

// Appends `records` to the JSON-lines file at `path` (created if absent), each with `command`.
// Answers false (and prints why to stderr) when the file cannot be written.
bool AppendRecords(const std::string& path, const std::vector<Record>& records, const std::string& command);

// Runs the registered Google Benchmarks with the console's usual output and appends one record per
// benchmark "FIGURE/SUBJECT" and metric to `out_path` (nothing is written when it is empty). Benchmarks
// whose name has no '/' are printed but not recorded. Answers the process exit code.
int RunGoogleBenchmarks(int argc, char** argv, const std::string& out_path);

}  // namespace civicgrid::bench
