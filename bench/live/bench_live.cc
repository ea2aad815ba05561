// bench_live: the live feed's delivery latency. Many WebSocket clients listen on GET /api/v1/live
// while cases are reported through POST /api/v1/cases at a fixed rate (open loop, over a few
// keep-alive connections); each (client, case event) pair is timed from the report's scheduled send
// to its arrival at the client, so the figure includes the intake and its durable commit.
//
// Figures (subject civicgrid):
//   live.c<N>         every client listens under --under and gets every case, one frame per event
//   live.c<N>.batch   the same with ?batch=true (the events queued for a client share a frame)
//   live.c<N>.county  the clients are spread over the counties under --under (each listens to its
//                     county, as big screens do); the cases fall all over the territory
// Metrics: p50_ms, p99_ms, max_ms (over every delivered pair), deliveries_per_second. Extra, one
// value per run where it is a list: clients, rate, seconds, under, batch, counties, missing (pairs
// never delivered), dropped (civicgrid_live_dropped_total during the run), late (missing, neither
// delivered nor dropped when the drain ended), expected_deliveries, reports_not_sent (the server was
// too far behind the schedule), fanout_p99_ms (receive − the first receive of the same case), the
// intake's own p50/p99 and the worst send lag behind the schedule.
//
// The program fails (exit 1, no records) when a report fails, a client gets an event it should not,
// gets one twice or loses its connection, or, once the feed has gone quiet, when events are missing
// that the server did not count as dropped.
#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "common/results.h"
#include "live/join.h"
#include "live/live_clients.h"
#include "live/points.h"
#include "live/poster.h"

namespace civicgrid::bench::live {
namespace {

struct Options {
  std::string url, report_key, live_key, under, points_path, db, out;
  int clients = 1000;
  double rate = 1000, seconds = 12, drain_seconds = 4;
  int runs = 3;
  unsigned threads = 1, post_connections = 64;
  std::vector<std::string> figures{"all", "batch", "county"};
  bool quick = false;
};

// How long after the end of its schedule a report may still leave (a server that far behind is not
// sent the rest: they are counted as not sent).
constexpr double kGiveUpSeconds = 2;

// One figure's runs.
struct Figure {
  std::string name, kind;
  std::vector<RunResult> runs;
  std::vector<double> dropped;  // by the server, per run
  std::vector<double> late;     // missing, neither dropped nor delivered by the end of the drain
  size_t counties = 0;
};

Result<void> RaiseFileLimit(size_t needed) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return Error::Internal("getrlimit failed");
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < needed)
    return Error::InvalidArgument("open files are limited to " + std::to_string(lim.rlim_cur) + ", " +
                                  std::to_string(needed) + " needed: raise ulimit -n", "clients");
  return {};
}

Result<double> Dropped(const PostTarget& t) {
  auto page = HttpGet(t.host, t.port, "/metrics");
  if (!page) return page.error();
  return MetricValue(*page, "civicgrid_live_dropped_total");
}

// What is wrong with a run, or "". Deliveries missing beyond the server's drop count are an error
// only once the feed has gone quiet (`settled`); while it was still delivering they are late.
std::string Check(const RunResult& r, double dropped, bool settled) {
  if (r.failed) return std::to_string(r.failed) + " reports failed, first: " + r.first_failure;
  if (r.unexpected) return std::to_string(r.unexpected) + " events reached clients outside their filter";
  if (r.duplicates) return std::to_string(r.duplicates) + " events reached a client twice";
  if (r.closed) return std::to_string(r.closed) + " clients lost their connection";
  if (settled && static_cast<double>(r.missing) > dropped)
    return std::to_string(r.missing) + " deliveries missing but only " + std::to_string(static_cast<int64_t>(dropped)) +
           " counted as dropped";
  return {};
}

Result<Figure> RunFigure(const Options& o, const PostTarget& post, Target live, const std::vector<Point>& points,
                         const std::string& kind) {
  live.batch = kind == "batch";
  Figure fig;
  fig.kind = kind;
  fig.name = "live.c" + std::to_string(o.clients) + (kind == "all" ? "" : "." + kind);
  std::vector<std::string> unders(static_cast<size_t>(o.clients), o.under);
  if (kind == "county") {
    auto counties = CountiesUnder(post.host, post.port, o.under, o.live_key);
    if (!counties) return counties.error();
    if (counties->empty()) return Error::InvalidArgument("no counties under " + o.under, "under");
    fig.counties = counties->size();
    for (size_t i = 0; i < unders.size(); ++i) unders[i] = (*counties)[i % counties->size()];
  }
  std::cout << fig.name << ": opening " << o.clients << " clients…" << std::flush;
  const auto opening = Clock::now();
  LiveClients clients(live, unders, o.threads);
  if (auto r = clients.Open(std::chrono::seconds(120)); !r) return r.error();
  std::cout << " " << std::chrono::duration<double>(Clock::now() - opening).count() << " s\n";

  const auto count = static_cast<size_t>(o.rate * o.seconds);
  for (int run = 0; run < o.runs; ++run) {
    // A first report marks where the run's case ids begin and wakes everything up.
    auto marker = PostOneCase(post, points[static_cast<size_t>(run) % points.size()]);
    if (!marker) return marker.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto before = Dropped(post);
    if (!before) return before.error();
    const auto start = Clock::now() + std::chrono::milliseconds(50);
    clients.BeginRun(marker->id, start);
    // Open loop: a server too far behind its schedule is not sent more (the run stays bounded).
    const auto give_up = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(o.seconds + kGiveUpSeconds));
    auto posts =
        PostCases(post, points, static_cast<size_t>(run) * count, count, o.rate, start, give_up, o.post_connections);
    // Let the feed catch up: until every due delivery has arrived, nothing more has come for 2 s, or
    // the drain time is over.
    uint64_t due = 0;
    for (const Post& p : posts)
      if (p.id > marker->id)
        for (const auto& u : unders) due += p.territory.compare(0, u.size(), u) == 0 ? 1 : 0;
    const auto drain_end = Clock::now() + std::chrono::duration<double>(o.drain_seconds);
    uint64_t seen = clients.delivered();
    auto last_progress = Clock::now();
    bool settled = true;
    while (clients.delivered() < due) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const auto now = Clock::now();
      if (const uint64_t d = clients.delivered(); d != seen) {
        seen = d;
        last_progress = now;
      } else if (now - last_progress > std::chrono::seconds(2)) {
        break;
      }
      if (now > drain_end) {
        settled = false;
        break;
      }
    }
    auto received = clients.EndRun();
    auto after = Dropped(post);
    if (!after) return after.error();
    RunResult r = Join(posts, marker->id, received, o.seconds);
    const double dropped = *after - *before;
    const double late = settled ? 0 : std::max(0.0, static_cast<double>(r.missing) - dropped);
    std::printf("  run %d: %zu cases (%zu not sent), %llu deliveries (%.0f/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms, "
                "fan-out p99 %.1f ms; missing %llu, dropped %.0f, late %.0f; intake p50 %.1f ms p99 %.1f ms, "
                "send lag max %.1f ms\n",
                run + 1, r.posted, r.unsent, static_cast<unsigned long long>(r.delivered), r.deliveries_per_second,
                r.p50_ms, r.p99_ms, r.max_ms, r.fanout_p99_ms, static_cast<unsigned long long>(r.missing), dropped,
                late, r.intake_p50_ms, r.intake_p99_ms, r.send_lag_max_ms);
    std::fflush(stdout);
    if (auto why = Check(r, dropped, settled); !why.empty())
      return Error::Internal(fig.name + " run " + std::to_string(run + 1) + ": " + why);
    fig.runs.push_back(r);
    fig.dropped.push_back(dropped);
    fig.late.push_back(late);
  }
  clients.Close();
  return fig;
}

// The command line as recorded with the figures: the API keys' values are left out.
std::string RedactedCommandLine(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    for (const std::string option : {"--report-key", "--live-key"}) {
      if (args[i] == option && i + 1 < args.size()) args[i + 1] = "KEY";
      if (args[i].rfind(option + "=", 0) == 0) args[i] = option + "=KEY";
    }
  }
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  return CommandLine(argc, pointers.data());
}

std::vector<Record> Records(const Options& o, const Figure& f) {
  boost::json::object extra{{"clients", o.clients},        {"rate", o.rate},
                            {"seconds", o.seconds},        {"under", o.under},
                            {"batch", f.kind == "batch"},  {"client_threads", o.threads},
                            {"post_connections", o.post_connections}};
  if (f.kind == "county") extra["counties"] = f.counties;
  boost::json::array missing, dropped, late, expected, unsent, fanout, intake_p50, intake_p99, lag;
  for (size_t i = 0; i < f.runs.size(); ++i) {
    const RunResult& r = f.runs[i];
    missing.push_back(r.missing);
    dropped.push_back(f.dropped[i]);
    late.push_back(f.late[i]);
    expected.push_back(r.expected);
    unsent.push_back(r.unsent);
    fanout.push_back(r.fanout_p99_ms);
    intake_p50.push_back(r.intake_p50_ms);
    intake_p99.push_back(r.intake_p99_ms);
    lag.push_back(r.send_lag_max_ms);
  }
  extra["missing"] = missing;
  extra["dropped"] = dropped;
  extra["late"] = late;
  extra["expected_deliveries"] = expected;
  extra["reports_not_sent"] = unsent;
  extra["fanout_p99_ms"] = fanout;
  extra["intake_p50_ms"] = intake_p50;
  extra["intake_p99_ms"] = intake_p99;
  extra["send_lag_max_ms"] = lag;
  std::vector<Record> out;
  auto add = [&](const char* metric, double RunResult::*field) {
    Record r{f.name, "civicgrid", metric, {}, extra};
    for (const RunResult& run : f.runs) r.values.push_back(run.*field);
    out.push_back(std::move(r));
  };
  add("p50_ms", &RunResult::p50_ms);
  add("p99_ms", &RunResult::p99_ms);
  add("max_ms", &RunResult::max_ms);
  add("deliveries_per_second", &RunResult::deliveries_per_second);
  return out;
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{"The live feed's delivery latency: WebSocket clients of /api/v1/live while cases are reported "
               "at a fixed rate. Writes figures live.c<N> (every client under --under), live.c<N>.batch (the same "
               "with batch frames) and live.c<N>.county (clients spread over the counties)."};
  app.add_option("--url", o.url, "the server, http://127.0.0.1:PORT")->required();
  app.add_option("--report-key", o.report_key, "API key with case.report")->required();
  app.add_option("--live-key", o.live_key, "API key with live.read")->required();
  app.add_option("--under", o.under, "division code: the clients' filter and where the cases fall")->required();
  app.add_option("--points", o.points_path, "file of lon,lat lines inside grids under --under");
  app.add_option("--db", o.db, "civicgrid database to sample report places from (read-only), if no --points");
  app.add_option("--out", o.out, "JSON-lines results file (appended)");
  app.add_option("--clients", o.clients, "WebSocket clients")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--rate", o.rate, "reports per second")->capture_default_str()->check(CLI::Range(1.0, 100000.0));
  app.add_option("--seconds", o.seconds, "posting time per run")->capture_default_str()->check(CLI::Range(0.1, 3600.0));
  app.add_option("--runs", o.runs, "runs per figure")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--threads", o.threads, "io threads of the clients")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--post-connections", o.post_connections, "keep-alive connections the reports go over")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--drain-seconds", o.drain_seconds, "after the last report, how long to wait for late deliveries")
      ->capture_default_str();
  app.add_option("--figures", o.figures,
                 "which figures: all (every client under --under), batch (the same with ?batch=true), county "
                 "(clients spread over the counties)")
      ->capture_default_str()->delimiter(',')->check(CLI::IsMember({"all", "batch", "county"}));
  app.add_flag("--quick", o.quick, "a smoke run: 100 clients, 200 reports/s, 3 s, 1 run");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.clients = 100;
    o.rate = 200;
    o.seconds = 3;
    o.runs = 1;
  }
  auto fail = [](const std::string& why) {
    std::cerr << "bench_live: " << why << "\n";
    return 1;
  };
  PostTarget post;
  {
    const std::string prefix = "http://";
    std::string rest = o.url.rfind(prefix, 0) == 0 ? o.url.substr(prefix.size()) : o.url;
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos) return fail("--url must be http://HOST:PORT");
    post.host = rest.substr(0, colon);
    post.port = static_cast<unsigned short>(std::atoi(rest.c_str() + colon + 1));
    if (post.port == 0) return fail("--url must be http://HOST:PORT");
  }
  post.report_key = o.report_key;
  Target live{post.host, post.port, o.live_key};
  if (auto r = RaiseFileLimit(static_cast<size_t>(o.clients) + o.post_connections + 64); !r) return fail(r.error().message);

  const size_t wanted = static_cast<size_t>(o.rate * o.seconds) * static_cast<size_t>(o.runs) + 16;
  Result<std::vector<Point>> points = !o.points_path.empty() ? ReadPoints(o.points_path)
                                      : !o.db.empty()        ? SamplePoints(o.db, o.under, std::min<size_t>(wanted, 200000))
                                                             : Result<std::vector<Point>>(Error::InvalidArgument(
                                                                   "give --points FILE or --db DB", "points"));
  if (!points) return fail(points.error().message);
  std::cout << points->size() << " report places under " << o.under << "\n";

  std::vector<Record> records;
  for (const std::string& kind : o.figures) {
    auto fig = RunFigure(o, post, live, *points, kind);
    if (!fig) return fail(fig.error().message);
    auto more = Records(o, *fig);
    records.insert(records.end(), more.begin(), more.end());
  }
  if (!o.out.empty() && !AppendRecords(o.out, records, RedactedCommandLine(argc, argv))) return 1;
  return 0;
}

}  // namespace
}  // namespace civicgrid::bench::live

int main(int argc, char** argv) { return civicgrid::bench::live::Main(argc, argv); }
