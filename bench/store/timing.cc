#include "timing.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace civicgrid::bench {
namespace {

std::atomic<bool> g_failed{false};

// A subject whose query takes longer runs fewer repetitions (about this many seconds in all), and one over it
// is not run again at all.
constexpr double kSlowQuerySeconds = 20.0;

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

void Skip(benchmark::State& state, const std::string& message) {
  g_failed = true;
  std::fprintf(stderr, "bench_store: %s\n", message.c_str());
  state.SkipWithError(message.c_str());
}

// Sets the run's time to the mean of `seconds` and its p50/p99 counters (milliseconds).
void Report(benchmark::State& state, const std::vector<double>& seconds, bool percentiles) {
  const double mean = seconds.empty() ? 0 : std::accumulate(seconds.begin(), seconds.end(), 0.0) / seconds.size();
  state.SetIterationTime(mean);
  if (percentiles) {
    state.counters["p50_ms"] = Quantile(seconds, 0.50) * 1e3;
    state.counters["p99_ms"] = Quantile(seconds, 0.99) * 1e3;
  }
}

app::Caller LeaderOf(const std::string& territory) {
  app::Caller caller;
  caller.who.name = "bench-leader";
  caller.who.id = 1;
  caller.who.grants = {Grant{Role::kLeader, territory, 0}};
  caller.remote = "127.0.0.1";
  return caller;
}

const char* ByName(store::StatsBy by) {
  switch (by) {
    case store::StatsBy::kCategory: return "category";
    case store::StatsBy::kStreet: return "street";
    case store::StatsBy::kUnit: return "unit";
    case store::StatsBy::kCommunity: return "community";
    case store::StatsBy::kChannel: return "channel";
    default: return "";
  }
}

}  // namespace

bool Failed() { return g_failed; }

Result<StatsAnswer> StatsTiming::Answer(const std::string& subject, const store::StatsQuery& q) {
  if (subject == "civicgrid") {
    auto groups = cases_.Stats(q, LeaderOf(q.under));
    if (!groups) return groups.error();
    return WithRates(*groups);
  }
  if (subject == "sqlite") return sqlite_->Stats(q);
  return pg_->Stats(q);
}

Result<void> StatsTiming::Prepare(const Plan& plan) {
  if (pg_ && !sqlite_) return Error::InvalidArgument("the postgresql subject copies the sqlite subject's rows", "pg");
  if (pg_) {
    std::printf("copying the cases into PostgreSQL…\n");
    std::fflush(stdout);
    auto load = pg_->Load(sqlite_->handle());
    if (!load) return load.error();
    std::printf("postgresql: %lld rows copied in %.2f s, indexed in %.2f s, analyzed in %.2f s (table %.0f MB, "
                "indexes %.0f MB)\n",
                static_cast<long long>(load->rows), load->copy_seconds, load->index_seconds, load->analyze_seconds,
                load->table_bytes / 1e6, load->index_bytes / 1e6);
    const boost::json::object extra{{"copy_s", load->copy_seconds},
                                    {"index_s", load->index_seconds},
                                    {"analyze_s", load->analyze_seconds},
                                    {"rows", load->rows},
                                    {"table_mb", load->table_bytes / 1e6},
                                    {"index_mb", load->index_bytes / 1e6},
                                    {"indexes", "(territory COLLATE \"C\", reported_at), (reported_at)"},
                                    {"server", pg_->Version()}};
    for (const StatsFigure& f : plan.stats) recorder_.Extra(f.figure, "postgresql", extra);
  }
  for (const StatsFigure& f : plan.stats) {
    Figure fig{f, {}, {}};
    std::vector<std::string> names = {"civicgrid"};
    if (sqlite_) names.push_back("sqlite");
    if (pg_) names.push_back("postgresql");
    for (const std::string& name : names) {
      const auto t0 = Clock::now();
      auto answer = Answer(name, f.query);
      const double seconds = Seconds(t0, Clock::now());
      if (!answer) return Error::Internal(f.figure + "/" + name + ": " + answer.error().message);
      if (name == "civicgrid") {
        fig.expected = std::move(*answer);
        for (const auto& g : fig.expected) fig.figure.cases += g.counts["reported"];
      } else if (auto diff = FirstDifference(fig.expected, "civicgrid", *answer, name); !diff.empty()) {
        return Error::Internal(f.figure + ": " + name + " and civicgrid differ: " + diff);
      }
      fig.subjects.push_back({name, seconds});
      std::printf("%s/%s: first query %.1f ms\n", f.figure.c_str(), name.c_str(), seconds * 1e3);
    }
    const boost::json::object extra{{"under", f.query.under},
                                    {"from", FormatDay(f.query.from)},
                                    {"to", FormatDay(f.query.to)},
                                    {"by", ByName(f.query.by)},
                                    {"groups", fig.expected.size()},
                                    {"cases", fig.figure.cases}};
    for (const Subject& s : fig.subjects) {
      recorder_.Extra(f.figure, s.name, extra);
      recorder_.Extra(f.figure, s.name, {{"first_query_ms", s.first_seconds * 1e3}});
    }
    std::printf("%s: under %s, %s … %s by %s: %zu groups, %lld cases; every subject agrees\n", f.figure.c_str(),
                f.query.under.c_str(), FormatDay(f.query.from).c_str(), FormatDay(f.query.to).c_str(),
                ByName(f.query.by), fig.expected.size(), static_cast<long long>(fig.figure.cases));
    figures_.push_back(std::move(fig));
  }
  return {};
}

void StatsTiming::Register(int repetitions) {
  const double budget = quick_ ? 0.2 : 1.0;  // seconds of queries per repetition
  for (const Figure& fig : figures_) {
    for (const Subject& s : fig.subjects) {
      const std::string name = fig.figure.figure + "/" + s.name;
      if (s.first_seconds > kSlowQuerySeconds) {
        // One run: the checking query's own time (running it again would add minutes and nothing else).
        recorder_.Extra(fig.figure.figure, s.name,
                        {{"queries_per_run", 1}, {"timed", "the checking query only: one query takes over 20 s"}});
        benchmark::RegisterBenchmark(name.c_str(), [seconds = s.first_seconds](benchmark::State& state) {
          for (auto _ : state) state.SetIterationTime(seconds);
        })->UseManualTime()->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);
        continue;
      }
      const int queries = std::clamp(static_cast<int>(budget / std::max(s.first_seconds, 1e-6)), 1, 100);
      const int reps = std::clamp(static_cast<int>(kSlowQuerySeconds / std::max(s.first_seconds, 1e-6)), 1, repetitions);
      const bool percentiles = queries >= 20;
      recorder_.Extra(fig.figure.figure, s.name, {{"queries_per_run", queries}});
      benchmark::RegisterBenchmark(name.c_str(),
                                   [this, &fig, name = s.name, queries, percentiles](benchmark::State& state) {
                                     for (auto _ : state) {
                                       std::vector<double> seconds;
                                       for (int i = 0; i < queries; ++i) {
                                         const auto t0 = Clock::now();
                                         auto answer = Answer(name, fig.figure.query);
                                         seconds.push_back(Seconds(t0, Clock::now()));
                                         if (!answer) return Skip(state, name + ": " + answer.error().message);
                                         if (auto d = FirstDifference(fig.expected, "civicgrid", *answer, name);
                                             !d.empty())
                                           return Skip(state, fig.figure.figure + ": " + name + " changed: " + d);
                                       }
                                       Report(state, seconds, percentiles);
                                     }
                                   })
          ->UseManualTime()
          ->Iterations(1)
          ->Repetitions(reps)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

void RegisterListBenchmarks(ListBench& lists, const Plan& plan, Recorder& recorder, int repetitions, bool quick,
                            int deep_from, int deep_to, bool offset_peer) {
  const int fetches = quick ? 100 : 1000, offset_fetches = quick ? 10 : 100;
  boost::json::array scenarios;
  for (const ListScenario& s : plan.lists) scenarios.push_back(boost::json::string(s.label));
  const boost::json::object common{{"page_size", 50}, {"lists", scenarios}};
  recorder.Extra("lists.page1", "civicgrid", common);
  recorder.Extra("lists.page1", "civicgrid", {{"fetches_per_run", fetches}});
  const boost::json::object deep{{"pages", std::to_string(deep_from) + "-" + std::to_string(deep_to)},
                                 {"deep_lists", lists.deep_scenarios()},
                                 {"deep_pages", lists.deep_pages()}};
  for (const char* subject : {"civicgrid", "sqlite_offset"}) {
    if (!offset_peer && std::string(subject) == "sqlite_offset") continue;
    recorder.Extra("lists.deep", subject, common);
    recorder.Extra("lists.deep", subject, deep);
  }
  recorder.Extra("lists.deep", "civicgrid", {{"fetches_per_run", fetches}});
  recorder.Extra("lists.deep", "sqlite_offset", {{"fetches_per_run", offset_fetches}});

  auto add = [&](const std::string& name, auto fetch) {
    benchmark::RegisterBenchmark(name.c_str(),
                                 [fetch, name](benchmark::State& state) {
                                   for (auto _ : state) {
                                     auto seconds = fetch();
                                     if (!seconds) return Skip(state, name + ": " + seconds.error().message);
                                     Report(state, *seconds, true);
                                   }
                                 })
        ->UseManualTime()
        ->Iterations(1)
        ->Repetitions(repetitions)
        ->Unit(benchmark::kMillisecond);
  };
  add("lists.page1/civicgrid", [&lists, fetches] { return lists.FirstPages(fetches); });
  if (lists.deep_scenarios() == 0) {
    std::printf("lists.deep: no list has %d pages; skipped\n", deep_from);
    return;
  }
  add("lists.deep/civicgrid", [&lists, fetches] { return lists.DeepPages(fetches); });
  if (offset_peer)
    add("lists.deep/sqlite_offset", [&lists, offset_fetches] { return lists.DeepPagesByOffset(offset_fetches); });
}

}  // namespace civicgrid::bench
