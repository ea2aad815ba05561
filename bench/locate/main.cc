// bench_locate: the Locate figure of the benchmark suite. Which grid covers a point, for N pseudo-random
// points (1 M by default) against the grids of 临沂 (codes 3713…) and against every grid of the
// database, on one thread: civicgrid's GridIndex::Find beside GEOS (STRtree + prepared geometry, C API)
// and PostGIS (one ST_Covers join over a points table, GiST index). Every subject's answers are compared
// point by point; the program fails when they differ anywhere but exactly on a grid boundary.
//
// Benchmarks are named "locate.linyi/civicgrid", "locate.province/geos", …; one iteration is one pass
// over all points, with items_per_second = points per second. Records (metrics items_per_second and
// ms) are appended to --out only when the answers agree, each with the agreement counts in `extra`.
//
//   build/bench/bench/locate/bench_locate --db DB --pg URI --out FILE   (the suite; --quick for a smoke run)
//
// PostGIS dominates the run time: 3 runs per set of one statement over 1 M points (--pg-repetitions).
#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "common/results.h"
#include "locate/agreement.h"
#include "locate/geos_locator.h"
#include "locate/locate_set.h"
#include "locate/postgis_locator.h"

namespace civicgrid::bench::locate {
namespace {

constexpr uint64_t kSeed = 20240601;           // fixed: every run draws the same points
constexpr std::string_view kLinyiPrefix = "3713";  // 临沂市

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// One set with its peers' structures, the answers of each subject and the extra facts of each record.
struct SetRun {
  LocateSet set;
  std::unique_ptr<GeosLocator> geos;
  Answers reference;                                 // civicgrid's, computed before any timing
  std::map<std::string, Answers> answers;            // by subject, from the last timed run
  std::map<std::string, boost::json::object> extra;  // by subject
};

struct Options {
  std::string db, pg, out;
  size_t points = 1'000'000;
  bool quick = false;
  int repetitions = 0;     // civicgrid and GEOS; 0: 5 (1 with --quick)
  int pg_repetitions = 0;  // PostGIS; 0: 3 (1 with --quick)
};

std::vector<std::string> g_errors;  // failures inside benchmarks

// Registers FIGURE/SUBJECT with one iteration per repetition (a pass over all points), wall-clock time.
template <class Fn>
void Register(const LocateSet& set, const std::string& subject, int repetitions, Fn fn) {
  benchmark::RegisterBenchmark((set.figure + "/" + subject).c_str(), fn)
      ->Iterations(1)
      ->Repetitions(repetitions)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

void RegisterAll(std::vector<SetRun>& runs, PostgisLocator* pg, const Options& o) {
  const int in_process = o.repetitions ? o.repetitions : o.quick ? 1 : 5;
  const int postgis = o.pg_repetitions ? o.pg_repetitions : o.quick ? 1 : 3;
  for (SetRun& run : runs) {
    SetRun* r = &run;
    const size_t n = r->set.points.size();
    Register(r->set, "civicgrid", in_process, [r, n](benchmark::State& state) {
      const geo::GridIndex& index = *r->set.index;
      const geo::Grid* base = index.grids().data();
      Answers& out = r->answers["civicgrid"];
      out.assign(n, kOutside);
      for (auto _ : state) {
        for (size_t i = 0; i < n; ++i) {
          const geo::Grid* g = index.Find(r->set.points[i]);
          out[i] = g ? static_cast<uint32_t>(g - base) : kOutside;
        }
        benchmark::ClobberMemory();
      }
      state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
    });
    Register(r->set, "geos", in_process, [r, n](benchmark::State& state) {
      Answers& out = r->answers["geos"];
      out.assign(n, kOutside);
      for (auto _ : state) {
        for (size_t i = 0; i < n; ++i) out[i] = r->geos->Find(r->set.points[i].x(), r->set.points[i].y());
        benchmark::ClobberMemory();
      }
      if (!r->geos->error().empty()) {
        g_errors.push_back(r->set.figure + "/geos: " + r->geos->error());
        state.SkipWithError(g_errors.back().c_str());
      }
      state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
    });
    if (!pg) continue;
    Register(r->set, "postgis", postgis, [r, n, pg](benchmark::State& state) {
      Answers& out = r->answers["postgis"];
      for (auto _ : state) {
        if (auto res = pg->LocateAll(r->set, &out); !res) {
          g_errors.push_back(r->set.figure + "/postgis: " + res.error().message);
          state.SkipWithError(g_errors.back().c_str());
          break;
        }
      }
      state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
    });
  }
}

// Compares every subject that ran with civicgrid's reference answers, fills the records' extra, prints a
// summary; false on a real difference (anything off a grid boundary).
bool CheckAnswers(std::vector<SetRun>& runs) {
  bool ok = true;
  for (SetRun& r : runs) {
    const Answers& ours = r.reference;
    const size_t inside = CountInside(ours);
    const std::string sum = Hex(Checksum(ours));
    std::printf("%s: %zu points, %zu inside a grid, %zu outside (checksum %s)\n", r.set.figure.c_str(), ours.size(),
                inside, ours.size() - inside, sum.c_str());
    for (const auto& [subject, theirs] : r.answers) {
      if (theirs.empty()) continue;  // filtered out
      const Agreement a = Compare(r.set, ours, theirs);
      boost::json::object& e = r.extra[subject];
      e["inside"] = CountInside(theirs);
      e["outside"] = theirs.size() - CountInside(theirs);
      e["checksum"] = Hex(Checksum(theirs));
      if (subject != "civicgrid") {
        e["differ_from_civicgrid"] = a.differ;
        e["differ_on_edge"] = a.differ_on_edge;
        r.extra["civicgrid"]["differ_from_" + subject] = a.differ;
        r.extra["civicgrid"]["differ_on_edge_from_" + subject] = a.differ_on_edge;
      }
      std::printf("  %-9s %s at %zu points (%zu exactly on a grid boundary)\n", subject.c_str(),
                  subject == "civicgrid" ? "timed runs differ from the reference" : "differs from civicgrid", a.differ,
                  a.differ_on_edge);
      for (const std::string& ex : a.examples) std::printf("    %s\n", ex.c_str());
      if (a.differ_off_edge() > 0) {
        std::fprintf(stderr, "bench_locate: %s/%s gives another grid than civicgrid for %zu points off any edge\n",
                     r.set.figure.c_str(), subject.c_str(), a.differ_off_edge());
        ok = false;
      }
    }
  }
  return ok;
}

// Re-reads the records RunGoogleBenchmarks wrote to `tmp` and appends them to `out` with the whole
// command line (our options included) and each (figure, subject)'s extra.
bool AppendWithExtra(const std::string& tmp, const std::string& out, const std::string& command,
                     const std::vector<SetRun>& runs) {
  std::ifstream in(tmp);
  std::vector<Record> records;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    boost::json::object o = boost::json::parse(line).as_object();
    Record r;
    r.figure = o["figure"].as_string().c_str();
    r.subject = o["subject"].as_string().c_str();
    r.metric = o["metric"].as_string().c_str();
    for (const auto& v : o["values"].as_array()) r.values.push_back(v.to_number<double>());
    for (const SetRun& run : runs) {
      if (run.set.figure != r.figure) continue;
      if (auto it = run.extra.find(r.subject); it != run.extra.end()) r.extra = it->second;
    }
    records.push_back(std::move(r));
  }
  return AppendRecords(out, records, command);
}

int Main(int argc, char** argv) {
  const auto t_start = Clock::now();
  const std::string command = CommandLine(argc, argv);
  // Google Benchmark's flags go to it; the rest is ours.
  std::vector<char*> ours{argv[0]}, theirs{argv[0]};
  for (int i = 1; i < argc; ++i)
    (std::string_view(argv[i]).starts_with("--benchmark_") ? theirs : ours).push_back(argv[i]);

  Options o;
  CLI::App app{"Locate benchmark: which grid covers a point, civicgrid vs GEOS vs PostGIS, on one thread"};
  app.add_option("--db", o.db, "civicgrid SQLite database to read the grids from (opened read-only)")->required();
  app.add_option("--pg", o.pg, "libpq URI of a PostgreSQL server with PostGIS (without it PostGIS is skipped)");
  app.add_option("--out", o.out, "append the results as JSON lines to this file");
  app.add_option("--points", o.points, "points per grid set (default 1000000)")->check(CLI::Range(1, 100'000'000));
  app.add_flag("--quick", o.quick, "a smoke run: 100000 points unless --points, 1 repetition");
  app.add_option("--repetitions", o.repetitions, "runs of the civicgrid and GEOS benchmarks (default 5)")
      ->check(CLI::Range(1, 100));
  app.add_option("--pg-repetitions", o.pg_repetitions, "runs of the PostGIS benchmarks (default 3)")
      ->check(CLI::Range(1, 100));
  app.footer("Google Benchmark's own flags (--benchmark_filter=REGEX, …) are passed through.");
  try {
    app.parse(static_cast<int>(ours.size()), ours.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.quick && app.count("--points") == 0) o.points = 100'000;

  auto t0 = Clock::now();
  auto grids = ReadGrids(o.db);
  if (!grids) {
    std::fprintf(stderr, "bench_locate: %s\n", grids.error().message.c_str());
    return 1;
  }
  std::vector<geo::Grid> linyi;
  for (const geo::Grid& g : *grids)
    if (std::string_view(g.code).starts_with(kLinyiPrefix)) linyi.push_back(g);
  if (linyi.empty()) {
    std::fprintf(stderr, "bench_locate: %s has no grid of 临沂 (code %s…)\n", o.db.c_str(), kLinyiPrefix.data());
    return 1;
  }
  std::printf("read %zu grids (%zu of 临沂) in %.0f ms\n", grids->size(), linyi.size(), MsSince(t0));

  std::vector<SetRun> runs(2);
  runs[0].set = MakeSet("linyi", std::move(linyi), o.points, kSeed);
  runs[1].set = MakeSet("province", std::move(*grids), o.points, kSeed);

  std::unique_ptr<PostgisLocator> pg;
  std::string pg_versions;
  if (!o.pg.empty()) {
    auto c = PostgisLocator::Connect(o.pg);
    if (!c) {
      std::fprintf(stderr, "bench_locate: %s\n", c.error().message.c_str());
      return 1;
    }
    pg = std::move(*c);
    pg_versions = pg->Versions();
  } else {
    std::printf("no --pg: the postgis subject is skipped\n");
  }

  for (SetRun& r : runs) {
    const LocateSet& s = r.set;
    boost::json::object common{{"grids", s.index->size()},       {"points", s.points.size()},
                               {"seed", kSeed},                  {"points_near_grid", s.mix.near_grid},
                               {"points_anywhere", s.mix.anywhere}, {"points_on_vertex", s.mix.on_vertex}};
    r.extra["civicgrid"] = common;
    r.extra["civicgrid"]["build_ms"] = s.index_build_ms;
    r.reference.resize(s.points.size());
    const geo::Grid* base = s.index->grids().data();
    for (size_t i = 0; i < s.points.size(); ++i) {
      const geo::Grid* g = s.index->Find(s.points[i]);
      r.reference[i] = g ? static_cast<uint32_t>(g - base) : kOutside;
    }
    t0 = Clock::now();
    auto geos = GeosLocator::Build(s.index->grids());
    if (!geos) {
      std::fprintf(stderr, "bench_locate: %s\n", geos.error().message.c_str());
      return 1;
    }
    r.geos = std::move(*geos);
    r.extra["geos"] = common;
    r.extra["geos"]["build_ms"] = MsSince(t0);
    r.extra["geos"]["version"] = GeosLocator::Version();
    std::printf("%s: %zu grids, %zu points; civicgrid index %.0f ms, GEOS tree + prepared %.0f ms\n",
                s.figure.c_str(), s.index->size(), s.points.size(), s.index_build_ms, MsSince(t0));
    if (!pg) continue;
    t0 = Clock::now();
    if (auto l = pg->Load(s); !l) {
      std::fprintf(stderr, "bench_locate: loading %s into PostGIS: %s\n", s.figure.c_str(), l.error().message.c_str());
      return 1;
    }
    const double load_ms = MsSince(t0);
    auto plan = pg->Explain(s);
    r.extra["postgis"] = common;
    r.extra["postgis"]["load_ms"] = load_ms;
    r.extra["postgis"]["version"] = pg_versions;
    r.extra["postgis"]["sql"] = PostgisLocator::JoinSql(s);
    r.extra["postgis"]["plan"] = plan ? *plan : plan.error().message;
    std::printf("%s: loaded into PostGIS in %.0f ms; plan:\n%s", s.figure.c_str(), load_ms,
                plan ? plan->c_str() : "?\n");
  }
  std::fflush(stdout);

  RegisterAll(runs, pg.get(), o);
  std::string tmp;
  if (!o.out.empty()) {
    tmp = (std::filesystem::temp_directory_path() / ("bench_locate." + std::to_string(getpid()) + ".jsonl")).string();
    std::filesystem::remove(tmp);
  }
  int argc2 = static_cast<int>(theirs.size());
  theirs.push_back(nullptr);
  const int rc = RunGoogleBenchmarks(argc2, theirs.data(), tmp);
  if (rc != 0) {
    if (!tmp.empty()) std::filesystem::remove(tmp);
    return rc;
  }

  const bool agree = CheckAnswers(runs);
  for (const std::string& e : g_errors) std::fprintf(stderr, "bench_locate: %s\n", e.c_str());
  bool written = true;
  if (agree && g_errors.empty() && !o.out.empty()) written = AppendWithExtra(tmp, o.out, command, runs);
  if (!tmp.empty()) std::filesystem::remove(tmp);
  std::printf("total %.1f s\n", MsSince(t_start) / 1e3);
  if (!agree || !g_errors.empty()) {
    std::fprintf(stderr, "bench_locate: FAILED, no records written\n");
    return 1;
  }
  return written ? 0 : 1;
}

}  // namespace
}  // namespace civicgrid::bench::locate

int main(int argc, char** argv) { return civicgrid::bench::locate::Main(argc, argv); }
