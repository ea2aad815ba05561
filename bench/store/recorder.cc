#include "recorder.h"

namespace civicgrid::bench {

void Recorder::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
    const std::string name = run.run_name.function_name;
    const size_t slash = name.find('/');
    if (slash == std::string::npos) continue;
    const std::string figure = name.substr(0, slash), subject = name.substr(slash + 1);
    const double to_ms = 1e3 / benchmark::GetTimeUnitMultiplier(run.time_unit);
    values_[{figure, subject, "ms"}].push_back(run.GetAdjustedRealTime() * to_ms);
    for (const auto& [counter, value] : run.counters) values_[{figure, subject, counter}].push_back(value.value);
  }
}

void Recorder::Extra(const std::string& figure, const std::string& subject, const boost::json::object& extra) {
  auto& o = extra_[{figure, subject}];
  for (const auto& [k, v] : extra) o[k] = v;
}

std::vector<Record> Recorder::Records() const {
  std::vector<Record> out;
  for (const auto& [key, values] : values_) {
    Record r;
    r.figure = std::get<0>(key);
    r.subject = std::get<1>(key);
    r.metric = std::get<2>(key);
    r.values = values;
    if (auto it = extra_.find({r.figure, r.subject}); it != extra_.end()) r.extra = it->second;
    out.push_back(std::move(r));
  }
  return out;
}

int RunAndRecord(std::vector<std::string> gbench_args, Recorder& recorder, const std::string& out_path,
                 const std::string& command) {
  std::vector<char*> argv;
  for (std::string& a : gbench_args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);
  benchmark::Initialize(&argc, argv.data());
  if (benchmark::ReportUnrecognizedArguments(argc, argv.data())) return 2;
  benchmark::RunSpecifiedBenchmarks(&recorder);
  benchmark::Shutdown();
  if (out_path.empty()) return 0;
  return AppendRecords(out_path, recorder.Records(), command) ? 0 : 1;
}

}  // namespace civicgrid::bench
