// bench_store: the Statistics and Case lists figures of the benchmark suite.
//
//   stats.county_month  the county with the most cases, its last full month of history, by category
//   stats.city_year     the city with the most cases, the last 365 days, by street
//       civicgrid   CaseService::Stats (what GET /api/v1/stats answers: the counters of case_stats) + rates
//       sqlite      one GROUP BY over the case rows of the same database (stats_sql.h)
//       postgresql  the same GROUP BY over the same rows copied into PostgreSQL (only with --pg)
//     metrics: ms (mean per query), p50_ms and p99_ms (over the queries of a run)
//   lists.page1         page 1 of 50 of CaseService::List, over city, county and street subtrees × 4 status filters
//   lists.deep          pages 101–500 of the same lists, following the keyset cursor
//       civicgrid       CaseService::List (what GET /api/v1/cases answers)
//       sqlite_offset   (deep only) the same pages by LIMIT/OFFSET
//     metrics: ms (mean per page), p50_ms, p99_ms
//
// With --store URI (and --key-file), the civicgrid subject runs on that store (a PostgreSQL database
// holding the same cases as --db, which still chooses the figures); --no-peers leaves out the SQL peers.
//
// Every subject's answers are checked against civicgrid's before timing (and the pages while timing):
// the program stops with a message naming the first difference.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/cases.h"
#include "lists.h"
#include "recorder.h"
#include "scenario.h"
#include "sql_peers.h"
#include "stats_sql.h"
#include "timing.h"
#include "store/store.h"

namespace cb = civicgrid::bench;
using civicgrid::Result;

namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int Fail(const std::string& message) {
  std::cerr << "bench_store: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = cb::CommandLine(argc, argv);
  CLI::App cli{"The Statistics and Case lists figures: civicgrid against SQL over the case rows (SQLite, "
               "PostgreSQL). Arguments it does not know (--benchmark_filter=…) go to Google Benchmark."};
  std::string db_path, pg_uri, out_path, store_url, key_file;
  bool quick = false, no_peers = false;
  int repetitions = 5;
  cli.add_option("--db", db_path, "a civicgrid SQLite database (opened as the server does: it may be migrated)");
  cli.add_option("--pg", pg_uri, "a PostgreSQL URI (scripts/pg-temp.sh); without it the postgresql subject is skipped");
  cli.add_option("--store", store_url,
                 "the store the civicgrid subject runs on (sqlite:PATH or postgresql://…; default --db), holding "
                 "the same cases as --db, which chooses the figures");
  cli.add_option("--key-file", key_file, "the keyring of --store (a PostgreSQL store needs one)");
  cli.add_flag("--no-peers", no_peers, "civicgrid only: no sqlite, postgresql or sqlite_offset subject");
  cli.add_option("--out", out_path, "append the results as JSON lines to this file");
  cli.add_flag("--quick", quick, "a smoke run: one repetition, few queries and pages");
  cli.add_option("--repetitions", repetitions,
                 "runs of each benchmark (default 5; 1 with --quick; --benchmark_repetitions=N does the same)");
  bool print_sql = false, per_list = false;
  cli.add_flag("--per-list", per_list, "after the benchmarks, print the page times of each case list");
  cli.add_flag("--print-sql", print_sql, "print the peers' statistics SQL (by category, by street) and exit");
  cli.allow_extras();
  CLI11_PARSE(cli, argc, argv);
  if (print_sql) {
    for (auto by : {civicgrid::store::StatsBy::kCategory, civicgrid::store::StatsBy::kStreet})
      for (auto dialect : {cb::Dialect::kSqlite, cb::Dialect::kPostgres})
        std::printf("-- %s, by %s\n%s;\n\n", dialect == cb::Dialect::kSqlite ? "SQLite" : "PostgreSQL",
                    by == civicgrid::store::StatsBy::kCategory ? "category" : "street", cb::StatsSql(by, dialect).c_str());
    return 0;
  }
  if (db_path.empty()) return Fail("--db is required");
  if (no_peers && !pg_uri.empty()) return Fail("--pg names a peer: it cannot go with --no-peers");
  if (store_url.empty()) store_url = db_path;
  if (quick && cli.count("--repetitions") == 0) repetitions = 1;
  std::vector<std::string> gbench_args = {argv[0]};
  for (const std::string& a : cli.remaining()) {
    // The suite's --benchmark_repetitions=N sets the runs (each benchmark fixes its own, see timing.h).
    const std::string flag = "--benchmark_repetitions=";
    if (a.rfind(flag, 0) == 0) repetitions = std::max(1, std::atoi(a.c_str() + flag.size()));
    else gbench_args.push_back(a);
  }

  // The store, as the server opens it (migrations, sealing of personal data still in clear).
  auto t0 = std::chrono::steady_clock::now();
  auto store = civicgrid::store::OpenStore(store_url, key_file);
  if (!store) return Fail("cannot open " + store_url + ": " + store.error().message);
  const double open_seconds = SecondsSince(t0);
  auto sqlite = cb::SqlitePeer::Open(db_path);
  if (!sqlite) return Fail(sqlite.error().message);

  t0 = std::chrono::steady_clock::now();
  auto plan = cb::ChoosePlan(**sqlite);
  if (!plan) return Fail("choosing the figures: " + plan.error().message);
  std::printf("store opened in %.2f s; figures chosen in %.2f s: county %s (%lld cases), city %s (%lld cases), "
              "history to %s\n",
              open_seconds, SecondsSince(t0), plan->county.c_str(), static_cast<long long>(plan->county_cases),
              plan->city.c_str(), static_cast<long long>(plan->city_cases), civicgrid::FormatDay(plan->last_day).c_str());

  // The app's own use cases; Stats and List need only the store.
  civicgrid::app::TerritoryService territory(**store);
  civicgrid::app::ReferenceService reference(**store);
  const civicgrid::Timestamp now = plan->last_report + 60;
  civicgrid::app::CaseService cases(**store, territory, reference, nullptr, [now] { return now; });

  std::unique_ptr<cb::PgPeer> pg;
  if (!pg_uri.empty()) {
    auto connected = cb::PgPeer::Connect(pg_uri);
    if (!connected) return Fail(connected.error().message);
    pg = std::move(*connected);
  }

  cb::Recorder recorder;
  cb::StatsTiming stats(cases, no_peers ? nullptr : sqlite->get(), pg.get(), recorder, quick);
  if (auto r = stats.Prepare(*plan); !r) return Fail(r.error().message);
  stats.Register(repetitions);
  for (const auto& f : plan->stats) recorder.Extra(f.figure, "civicgrid", {{"open_s", open_seconds}});

  const int deep_from = 101, deep_to = quick ? 130 : 500;
  cb::ListBench lists(cases, **sqlite, deep_from, deep_to);
  t0 = std::chrono::steady_clock::now();
  if (auto r = lists.Prepare(plan->lists); !r) return Fail("case lists: " + r.error().message);
  std::printf("case lists walked in %.2f s (%zu deep lists, %zu deep pages):\n", SecondsSince(t0),
              lists.deep_scenarios(), lists.deep_pages());
  for (const std::string& line : lists.Summary()) std::printf("  %s\n", line.c_str());
  cb::RegisterListBenchmarks(lists, *plan, recorder, repetitions, quick, deep_from, deep_to, !no_peers);

  std::fflush(stdout);
  const int rc = cb::RunAndRecord(gbench_args, recorder, cb::Failed() ? "" : out_path, command);
  if (cb::Failed()) return Fail("a check failed while timing (see above); no results written");
  if (per_list) {
    auto lines = lists.PerList(quick ? 5 : 30);
    if (!lines) return Fail("case lists: " + lines.error().message);
    for (const std::string& line : *lines) std::printf("%s\n", line.c_str());
  }
  return rc;
}
