// civicgrid serve: the API and web UI over the store, with the territory held in memory.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include <algorithm>

#include "app/attachments.h"
#include "app/cases.h"
#include "app/live_feed.h"
#include "app/reference.h"
#include "app/territory.h"
#include "cli/commands.h"
#include "common/client_ip.h"
#include "common/log.h"
#include "http/api.h"
#include "http/auth_routes.h"
#include "http/live_routes.h"
#include "http/offload.h"
#include "http/rate_limit.h"
#include "http/server.h"
#include "store/store.h"

namespace civicgrid::cli {

int Serve(const Config& config, const ServeArgs& args) {
  auto listen = ParseListen(config.listen);
  if (!listen) return Fail(listen.error().message);
  auto trusted_proxies = TrustedProxies::Parse(config.trusted_proxies);
  if (!trusted_proxies) return Fail(trusted_proxies.error().message);
  auto store = store::OpenStore(config.db, KeyFileOf(config));
  if (!store) return Fail(store.error().message);

  auto started = std::chrono::steady_clock::now();
  app::TerritoryService territory(**store);
  if (auto r = territory.Refresh(); !r) return Fail("cannot load the territory: " + r.error().message);
  auto snap = territory.snapshot();
  double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log::Info("territory.loaded", {{"db", config.db}, {"version", snap->version()}, {"grids", snap->grids().size()}, {"ms", load_ms}});
  if (snap->grids().size() == 0)
    log::Warn("territory.empty", {{"hint", "run 'civicgrid demo build' or 'civicgrid grids import FILE'"}});

  app::ReferenceService reference(**store);
  if (auto r = reference.Refresh(); !r) return Fail("cannot load the reference data: " + r.error().message);
  app::LiveFeed feed;
  app::AttachmentStore attachments(config.attachments_dir, config.attachment_max_bytes);
  app::CaseService cases(
      **store, territory, reference, &feed,
      [] {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
      },
      [&attachments](const std::string& id) { return attachments.Exists(id); });

  auto cost = app::ParsePasswordCost(config.password_cost);
  if (!cost) return Fail(cost.error().message);
  app::AccountOptions account_options;
  account_options.password_cost = *cost;
  account_options.session_seconds = int64_t{config.session_hours} * 3600;
  app::AccountService accounts(**store, account_options, [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  });

  http::Router router;
  http::Metrics metrics;
  http::Offload offload(32);
  // Public routes and anonymous requests (but /healthz): a burst of 120, then 10 a second per client address.
  http::RateLimiter limiter(http::RateLimiter::Options{120, 10, 100000});
  // The health check is never limited: it costs less than the limiter's own bookkeeping, and a monitor
  // or load balancer probing through an address shared with other clients must not see the server down.
  router.SetGuard(http::MakeGuard(accounts, [&limiter](const http::Request& r) -> int64_t {
    if (r.route == "healthz") return 0;
    const auto d = limiter.Take(ClientIp(r.remote));
    return d.allowed ? 0 : d.retry_after_seconds;
  }));
  // The public resident page: reports, photos and ratings per client address and hour, burst as many.
  http::RateLimiter public_writes(http::RateLimiter::Options{static_cast<double>(config.public_writes_per_hour),
                                                             config.public_writes_per_hour / 3600.0, 100000});
  app::Open311 open311(**store, cases, territory, reference, accounts,
                       app::Open311Options{config.open311_publish == "all"});
  http::AddApiRoutes(router, http::ApiServices{territory, reference, cases, accounts, attachments, open311, offload,
                                               metrics, &public_writes});
  store::Store& the_store = **store;
  metrics.AddGaugeCallback("civicgrid_store_commits", "Transactions committed by the store's writer",
                           [&the_store] { return static_cast<double>(the_store.GetWriteStats().commits); });
  metrics.AddGaugeCallback("civicgrid_store_writes", "Writes run by the store's writer (grouped into commits)",
                           [&the_store] { return static_cast<double>(the_store.GetWriteStats().writes); });
  metrics.AddGaugeCallback("civicgrid_territory_grids", "Grids in the served territory snapshot",
                           [&territory] { return static_cast<double>(territory.snapshot()->grids().size()); });
  metrics.AddGaugeCallback("civicgrid_territory_version", "Version of the served territory snapshot",
                           [&territory] { return static_cast<double>(territory.snapshot()->version()); });

  http::ServerOptions options;
  options.address = listen->first;
  options.port = listen->second;
  options.threads = static_cast<unsigned>(config.threads);
  if (!config.web_root.empty() && std::filesystem::is_directory(config.web_root)) options.static_root = config.web_root;
  options.handle_signals = true;
  options.trusted_proxies = std::move(*trusted_proxies);  // X-Forwarded-For of these names the client
  // A photo upload: the image plus multipart framing, over a slow mobile link.
  options.max_body_bytes = std::max<std::size_t>(options.max_body_bytes, config.attachment_max_bytes + 64 * 1024);
  options.read_timeout = std::max(options.read_timeout, std::chrono::milliseconds(120000));
  http::Server server(options, router, metrics);
  http::AddLiveRoutes(server, feed, metrics, router.guard());  // GET /api/v1/live (WebSocket)
  if (auto r = server.Start(); !r) return Fail("cannot listen on " + config.listen + ": " + r.error().message);

  // Territory changes made by other processes (e.g. 'grids import') are picked up within seconds:
  // a new snapshot is built beside the old one and swapped in.
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread watcher([&] {
    std::unique_lock lock(mu);
    while (args.reload && !cv.wait_for(lock, std::chrono::seconds(2), [&] { return stopping; })) {
      lock.unlock();
      auto r = territory.Refresh();
      if (!r)
        log::Error("territory.reload_failed", {{"error", r.error().message}});
      else if (*r)
        log::Info("territory.reloaded",
                  {{"version", territory.snapshot()->version()}, {"grids", territory.snapshot()->grids().size()}});
      lock.lock();
    }
  });
  // Case events committed by the other app nodes of the database reach this node's live feed too.
  if (auto r = the_store.WatchCaseEvents([&cases](int64_t id, int64_t seq) { cases.PublishCommitted(id, seq); }); !r)
    return Fail("cannot watch the database for other nodes' events: " + r.error().message);
  // The overdue job: every case past its handle deadline is marked overdue once, with an event; with
  // several app nodes, one of them at a time runs it.
  std::thread overdue_job([&] {
    std::unique_lock lock(mu);
    do {
      lock.unlock();
      auto ran = the_store.RunJobAlone("overdue", [&] {
        auto marked = cases.MarkOverdue();
        if (!marked)
          log::Error("cases.overdue_job_failed", {{"error", marked.error().message}});
        else if (*marked)
          log::Info("cases.marked_overdue", {{"cases", *marked}});
      });
      if (!ran) log::Error("cases.overdue_job_failed", {{"error", ran.error().message}});
      lock.lock();
    } while (!cv.wait_for(lock, args.overdue_interval, [&] { return stopping; }));
  });

  server.Run();
  offload.Join();  // before ~Server: pool threads hand results back to the server's executor
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  cv.notify_all();
  watcher.join();
  overdue_job.join();
  (void)the_store.WatchCaseEvents(nullptr);  // before `cases` goes
  return 0;
}

}  // namespace civicgrid::cli
