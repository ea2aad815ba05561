// bench_intake_store: the storage ceiling of the intake figure (issue 6).
//
// Writes reported cases with their report event and idempotency key, as CaseService::Report writes them,
// through the store's single writer with its group commit and durable commits, from K concurrent
// submitters (like the server's connections), with locating, the command center and the core's Report
// done beforehand, outside the timing. Records figure "intake.cK", subject "store_ceiling": metrics
// cases_per_second, p50_ms and p99_ms (of one write, from submit to durable commit), one value per run.
// Checks afterwards that the database holds exactly the cases and events written, and fails otherwise.
//
//   bench_intake_store --db COPY.db --out results.jsonl [--cases N] [--submitters K] [--runs R] [--quick]
//   bench_intake_store --db DB --write-points FILE [--points N]   (the points intake.lua sends; reads only)
// --db also takes a PostgreSQL URI, with --key-file naming its keyring (as `civicgrid --db … --key-file …`).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include "app/reference.h"
#include "app/territory.h"
#include "common/results.h"
#include "intake_cases.h"
#include "store/store.h"

namespace civicgrid::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string db, key_file, out;
  size_t cases = 20000;
  unsigned submitters = 64;
  int runs = 3;
  bool quick = false;
  std::string points_file;  // write this many accepted points there instead of measuring
  size_t points = 20000;
};

// What one run measured.
struct RunResult {
  double cases_per_second = 0, p50_ms = 0, p99_ms = 0, mean_group = 0;
  double cpu_us_per_case = 0;  // CPU time of this process (all threads) per case written
  int64_t commits = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

// User and system CPU time of this process so far.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Counts rows of a PostgreSQL database with a connection of its own.
Result<int64_t> CountPostgresRows(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  int64_t n = -1;
  std::string err;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) n = std::stoll(PQgetvalue(r, 0, 0));
    else err = PQerrorMessage(conn);
    PQclear(r);
  } else {
    err = PQerrorMessage(conn);
  }
  PQfinish(conn);
  if (n < 0) return Error::Internal("cannot count (" + sql + "): " + err);
  return n;
}

// Counts rows with a plain read connection of its own (independent of the store under test): `db` is a
// SQLite path (or sqlite:PATH) or a PostgreSQL URI.
Result<int64_t> CountRows(const std::string& db_url, const std::string& sql) {
  if (store::IsPostgresUrl(db_url)) return CountPostgresRows(db_url, sql);
  const std::string db = db_url.rfind("sqlite:", 0) == 0 ? db_url.substr(7) : db_url;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return Error::Internal("cannot open " + db + " to check it");
  }
  sqlite3_stmt* s = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  const std::string err = sqlite3_errmsg(h);
  sqlite3_finalize(s);
  sqlite3_close(h);
  if (n < 0) return Error::Internal("cannot count (" + sql + "): " + err);
  return n;
}

// Writes `reports` from `submitters` threads, each taking the next report, and times each write.
Result<RunResult> WriteAll(store::Store& store, std::vector<PreparedReport>& reports, unsigned submitters) {
  std::vector<double> latency_ms(reports.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> failed{0};
  std::string first_error;
  std::mutex error_mu;
  const auto before = store.GetWriteStats();
  const double cpu_before = CpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < submitters; ++t)
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < reports.size();) {
        PreparedReport& r = reports[i];
        const auto t0 = Clock::now();
        // The transaction of CaseService::Report: look the key up, then insert the case and its event.
        auto w = store.Write([&r](store::CaseTx& tx) -> Result<void> {
          auto seen = tx.FindIdempotencyKey(r.key);
          if (!seen) return seen.error();
          if (*seen) return Error::Conflict("idempotency key " + r.key + " was used before", "key");
          auto id = tx.InsertCase(r.c, r.event, r.key);
          if (!id) return id.error();
          return {};
        });
        latency_ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!w) {
          if (failed.fetch_add(1) == 0) {
            std::lock_guard lock(error_mu);
            first_error = w.error().message;
          }
        }
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_before;
  if (failed) return Error::Internal(std::to_string(failed.load()) + " writes failed, the first: " + first_error);
  const auto after = store.GetWriteStats();
  RunResult out;
  out.cases_per_second = static_cast<double>(reports.size()) / seconds;
  out.p50_ms = Percentile(latency_ms, 50);
  out.p99_ms = Percentile(latency_ms, 99);
  out.cpu_us_per_case = cpu * 1e6 / static_cast<double>(reports.size());
  out.commits = after.commits - before.commits;
  const auto writes = static_cast<double>(after.writes - before.writes);
  out.mean_group = out.commits ? writes / static_cast<double>(out.commits) : 0;
  return out;
}

// Writes `o.points` accepted points to `o.points_file`, "lon lat" a line (intake.lua sends them).
int WritePoints(const app::TerritorySnapshot& territory, const Options& o, std::mt19937_64& rng) {
  auto points = AcceptedPoints(territory, o.points, rng);
  if (!points) {
    std::cerr << "bench_intake_store: " << points.error().message << "\n";
    return 1;
  }
  std::FILE* f = std::fopen(o.points_file.c_str(), "w");
  if (!f) {
    std::cerr << "bench_intake_store: cannot write " << o.points_file << "\n";
    return 1;
  }
  for (const geo::Point& p : *points) std::fprintf(f, "%.7f %.7f\n", p.x(), p.y());
  return std::fclose(f) == 0 ? 0 : 1;
}

int Run(const Options& o, const std::string& command) {
  auto opened = store::OpenStore(o.db, o.key_file);
  if (!opened) {
    std::cerr << "bench_intake_store: " << opened.error().message << "\n";
    return 1;
  }
  store::Store& store = **opened;
  app::TerritoryService territory(store);
  app::ReferenceService reference(store);
  if (auto r = territory.Refresh(); !r) {
    std::cerr << "bench_intake_store: cannot load the territory: " << r.error().message << "\n";
    return 1;
  }
  if (auto r = reference.Refresh(); !r) {
    std::cerr << "bench_intake_store: cannot load the reference data: " << r.error().message << "\n";
    return 1;
  }

  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::mt19937_64 rng(static_cast<uint64_t>(now));
  if (!o.points_file.empty()) return WritePoints(*territory.snapshot(), o, rng);
  Record rate{"intake.c" + std::to_string(o.submitters), "store_ceiling", "cases_per_second", {}, {}};
  Record p50{rate.figure, rate.subject, "p50_ms", {}, {}};
  Record p99{rate.figure, rate.subject, "p99_ms", {}, {}};
  boost::json::array groups, commits, cpu;
  for (int run = 0; run < o.runs; ++run) {
    auto reports = PrepareReports(*territory.snapshot(), *reference.snapshot(), o.cases, "bench-store",
                                  "bench-store-" + std::to_string(now) + "-" + std::to_string(run) + "-", now, rng);
    if (!reports) {
      std::cerr << "bench_intake_store: " << reports.error().message << "\n";
      return 1;
    }
    auto cases_before = CountRows(o.db, "SELECT count(*) FROM cases");
    auto events_before = CountRows(o.db, "SELECT count(*) FROM case_events");
    if (!cases_before || !events_before) {
      std::cerr << "bench_intake_store: " << (!cases_before ? cases_before : events_before).error().message << "\n";
      return 1;
    }
    auto r = WriteAll(store, *reports, o.submitters);
    if (!r) {
      std::cerr << "bench_intake_store: " << r.error().message << "\n";
      return 1;
    }
    // The check: exactly one case and one event more per write answered, and every key kept.
    const int64_t n = static_cast<int64_t>(o.cases);
    auto cases_after = CountRows(o.db, "SELECT count(*) FROM cases");
    auto events_after = CountRows(o.db, "SELECT count(*) FROM case_events");
    auto keys = CountRows(o.db, "SELECT count(*) FROM idempotency_keys WHERE key LIKE 'bench-store-" +
                                    std::to_string(now) + "-" + std::to_string(run) + "-%'");
    if (!cases_after || !events_after || !keys || *cases_after - *cases_before != n ||
        *events_after - *events_before != n || *keys != n) {
      std::cerr << "bench_intake_store: check failed after run " << run + 1 << ": wrote " << n
                << " cases, the database gained "
                << (cases_after ? std::to_string(*cases_after - *cases_before) : "?") << " cases, "
                << (events_after ? std::to_string(*events_after - *events_before) : "?") << " events and "
                << (keys ? std::to_string(*keys) : "?") << " keys\n";
      return 1;
    }
    std::printf("%s store_ceiling run %d: %.0f cases/s, p50 %.2f ms, p99 %.2f ms, %lld commits (%.1f writes each), "
                "%.0f us CPU a case\n",
                rate.figure.c_str(), run + 1, r->cases_per_second, r->p50_ms, r->p99_ms,
                static_cast<long long>(r->commits), r->mean_group, r->cpu_us_per_case);
    rate.values.push_back(r->cases_per_second);
    p50.values.push_back(r->p50_ms);
    p99.values.push_back(r->p99_ms);
    groups.push_back(r->mean_group);
    commits.push_back(r->commits);
    cpu.push_back(std::round(r->cpu_us_per_case * 10) / 10);
  }
  rate.extra = {{"cases_per_run", o.cases}, {"submitters", o.submitters}, {"mean_group", groups},
                {"commits", commits}, {"cpu_us_per_case", cpu},
                {"durable", store::IsPostgresUrl(o.db) ? "PostgreSQL, synchronous_commit=on" : "WAL, synchronous=FULL"}};
  if (o.out.empty()) return 0;
  return AppendRecords(o.out, {rate, p50, p99}, command) ? 0 : 1;
}

}  // namespace
}  // namespace civicgrid::bench

int main(int argc, char** argv) {
  civicgrid::bench::Options o;
  CLI::App app{"Storage ceiling of the intake figure: reported cases written through the store's group-commit "
               "writer from concurrent submitters, durably, without HTTP. Writes into --db: use a copy."};
  app.add_option("--db", o.db, "civicgrid database: a SQLite path or a PostgreSQL URI (written to: use a copy)")
      ->required();
  app.add_option("--key-file", o.key_file, "the keyring of --db (default: the SQLite path + .key; PostgreSQL needs one)");
  app.add_option("--out", o.out, "JSON-lines results file (appended)");
  app.add_option("--cases", o.cases, "cases written per run (default 20000)")->check(CLI::Range(1, 100000000));
  app.add_option("--submitters", o.submitters, "concurrent submitters (default 64)")->check(CLI::Range(1, 4096));
  app.add_option("--runs", o.runs, "runs (default 3)")->check(CLI::Range(1, 100));
  app.add_option("--write-points", o.points_file,
                 "write accepted points (\"lon lat\" lines) for intake.lua to this file and stop; nothing is measured");
  app.add_option("--points", o.points, "how many points --write-points writes (default 20000)")
      ->check(CLI::Range(1, 10000000));
  app.add_flag("--quick", o.quick, "a smoke run: 3000 cases, one run");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.cases = std::min<size_t>(o.cases, 3000);
    o.runs = 1;
  }
  return civicgrid::bench::Run(o, civicgrid::bench::CommandLine(argc, argv));
}
