// civicgrid serve: the API and web UI over the store, with the territory held in memory.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "app/territory.h"
#include "cli/commands.h"
#include "common/log.h"
#include "http/server.h"
#include "http/territory_routes.h"
#include "store/store.h"

namespace civicgrid::cli {

int Serve(const Config& config, const ServeArgs& args) {
  auto listen = ParseListen(config.listen);
  if (!listen) return Fail(listen.error().message);
  auto store = store::OpenStore(config.db);
  if (!store) return Fail(store.error().message);

  auto started = std::chrono::steady_clock::now();
  app::TerritoryService territory(**store);
  if (auto r = territory.Refresh(); !r) return Fail("cannot load the territory: " + r.error().message);
  auto snap = territory.snapshot();
  double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log::Info("territory.loaded", {{"db", config.db}, {"version", snap->version()}, {"grids", snap->grids().size()}, {"ms", load_ms}});
  if (snap->grids().size() == 0)
    log::Warn("territory.empty", {{"hint", "run 'civicgrid demo build' or 'civicgrid grids import FILE'"}});

  http::Router router;
  http::Metrics metrics;
  http::AddStandardRoutes(router, metrics);
  http::AddTerritoryRoutes(router, territory);
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
  http::Server server(options, router, metrics);
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

  server.Run();
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  cv.notify_all();
  watcher.join();
  return 0;
}

}  // namespace civicgrid::cli
