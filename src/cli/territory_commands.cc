// civicgrid demo build | grids import | grids export | locate
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <boost/json.hpp>

#include "app/territory.h"
#include "app/accounts.h"
#include "cli/commands.h"
#include "demo/demo_accounts.h"
#include "core/case_stats.h"
#include "demo/demo_history.h"
#include "demo/demo_territory.h"
#include "geo/geojson.h"
#include "store/store.h"

namespace civicgrid::cli {
namespace {

Result<std::unique_ptr<store::Store>> Open(const Config& config) { return store::OpenStore(config.db, KeyFileOf(config)); }

// The territory data directory of `demo build`: --data, else the one of the scale.
std::string DataDir(const DemoBuildArgs& args) {
  if (!args.data_dir.empty()) return args.data_dir;
  return args.scale == "province" ? "data/territory-province" : "data/territory";
}

// Grids per community at --scale province: about 110,000 grids for Shandong's 62,074 communities (the
// demo keeps 临沂's 12,000 for 4,186).
constexpr double kProvinceGridsPerCommunity = 110000.0 / 62074.0;
constexpr double kProvinceCasesPerYear = 1e7;

// The catalogue directory of `demo build`: --catalogue, else "catalogue" beside the --data directory.
std::string CatalogueDir(const DemoBuildArgs& args) {
  if (!args.catalogue_dir.empty()) return args.catalogue_dir;
  std::string data = DataDir(args);
  while (data.size() > 1 && data.back() == '/') data.pop_back();
  return (std::filesystem::path(data).parent_path() / "catalogue").string();
}

// A rate as "93.2%", or "–" when there is none.
std::string Percent(std::optional<double> rate) {
  if (!rate) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *rate * 100);
  return buf;
}

}  // namespace

int Fail(const std::string& message) {
  std::fprintf(stderr, "civicgrid: %s\n", message.c_str());
  return 1;
}

// `demo build --force` starts from an empty database: the old file (which must open as a store, so that
// --force never deletes something else) is deleted with its WAL and journal files. That replaces the
// territory, the reference data, the cases, their events and statistics at once; attachment files of old
// cases stay in the attachments directory, unreferenced.
int DemoBuild(const Config& config, const DemoBuildArgs& args) {
  const std::string catalogue = CatalogueDir(args);
  const bool have_catalogue = std::filesystem::exists(std::filesystem::path(catalogue) / "categories.tsv");
  if (!args.catalogue_dir.empty() && !have_catalogue)
    return Fail("no catalogue in '" + catalogue + "' (categories.tsv is missing)");
  demo::HistoryOptions history;
  history.catalogue_dir = catalogue;
  history.days = args.history_days;
  history.scale = args.history_scale;
  history.cases_per_year = args.cases_per_year > 0 ? args.cases_per_year
                           : args.scale == "province" ? kProvinceCasesPerYear
                                                      : 0;
  history.seed = args.history_seed;
  if (!args.history_end.empty()) {
    auto end = ParseTimestamp(args.history_end, "--history-end");
    if (!end) return Fail(end.error().message);
    history.end = *end;
  }
  auto say = [](const std::string& line) { std::fprintf(stderr, "demo build: %s\n", line.c_str()); };

  {
    auto store = Open(config);
    if (!store) return Fail(store.error().message);
    auto counts = (*store)->CountTerritory();
    if (!counts) return Fail(counts.error().message);
    auto cases = (*store)->CountCases();
    if (!cases) return Fail(cases.error().message);
    if ((counts->grids > 0 || *cases > 0) && !args.force)
      return Fail("the database '" + config.db + "' already holds a territory (" + std::to_string(counts->grids) +
                  " grids) and " + std::to_string(*cases) + " cases; pass --force to replace it");
  }
  if (args.force && store::IsPostgresUrl(config.db))
    return Fail("--force deletes a SQLite file; for PostgreSQL, give an empty database or schema instead");
  if (args.force) {
    const std::string file = config.db.rfind("sqlite:", 0) == 0 ? config.db.substr(7) : config.db;
    std::error_code ec;
    bool removed = false;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      removed |= std::filesystem::remove(file + suffix, ec);
      if (ec) return Fail("cannot delete '" + file + suffix + "': " + ec.message());
    }
    if (removed) say("--force: deleted the old database " + file);
  }

  auto store = Open(config);
  if (!store) return Fail(store.error().message);
  demo::DemoOptions options;
  options.data_dir = DataDir(args);
  if (args.scale == "province") options.grids_per_community = kProvinceGridsPerCommunity;
  options.progress = say;
  auto report = demo::BuildDemoTerritory(**store, options);
  if (!report) return Fail("demo build failed: " + report.error().message);
  say("territory: " + std::to_string(report->divisions) + " divisions, " + std::to_string(report->grids) +
      " grids, " + std::to_string(report->shapes) + " shapes");

  if (!have_catalogue) {
    say("no catalogue in '" + catalogue + "': territory only, no cases (pass --catalogue DIR)");
  } else {
    history.progress = say;
    auto h = demo::BuildDemoHistory(**store, history);
    if (!h) return Fail("demo build failed: " + h.error().message);
    if (h->cases > 0) {
      std::string open;
      for (int i = 0; i < kCaseStatusCount; ++i) {
        const auto status = static_cast<CaseStatus>(i);
        if (IsTerminal(status) || h->by_status[i] == 0) continue;
        open += (open.empty() ? "" : ", ") + std::string(CaseStatusName(status)) + " " +
                std::to_string(h->by_status[i]);
      }
      auto stats = (*store)->Stats({});
      std::string rates;
      if (stats && !stats->empty()) {
        const StatRates r = RatesOf(stats->front().counts);
        rates = "; completion " + Percent(r.completion_rate) + ", on time " + Percent(r.on_time_rate) +
                ", satisfaction " + Percent(r.satisfaction);
      }
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.1f", h->seconds);
      say("history: " + std::to_string(h->cases) + " cases, " + std::to_string(h->events) + " events in " + seconds +
          " s" + rates);
      say("open now: " + (open.empty() ? std::string("none") : open));
    }
  }
  if (have_catalogue) {
    auto cost = app::ParsePasswordCost(config.password_cost);
    if (!cost) return Fail(cost.error().message);
    app::AccountOptions account_options;
    account_options.password_cost = *cost;
    app::AccountService accounts(**store, account_options, [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    });
    auto made = demo::CreateDemoAccounts(**store, accounts);
    if (!made && made.error().code != "not_found") return Fail("demo accounts: " + made.error().message);
    if (!made) {
      say("accounts: none (" + made.error().message + "); add some with 'civicgrid user add'");
      made = std::vector<demo::DemoAccount>{};
    }
    // Beside the SQLite file, or beside the keyring for a database server.
    const std::string file = (store::IsPostgresUrl(config.db) ? KeyFileOf(config)
                              : config.db.rfind("sqlite:", 0) == 0 ? config.db.substr(7)
                                                                   : config.db) +
                             ".accounts";
    if (!made->empty()) {
      if (auto w = demo::WriteDemoAccounts(*made, file); !w) return Fail(w.error().message);
      say("accounts: one per role in 柳青街道/兰山区, passwords in " + file + ":");
      for (const auto& a : *made)
        say("  " + a.username + " (" + a.role + ", " + a.scope + ") password " + a.password);
    }
  }
  std::fprintf(stderr, "demo build: done in %s\n", config.db.c_str());
  return 0;
}

int GridsImport(const Config& config, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail("cannot read '" + file + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  auto store = Open(config);
  if (!store) return Fail(store.error().message);
  std::fprintf(stderr, "grids import: checking %s (%zu bytes)\n", file.c_str(), ss.str().size());
  auto report = app::ImportGrids(**store, ss.str());
  if (!report) return Fail("import rejected, nothing was written: " + report.error().message);
  std::fprintf(stderr, "grids import: %zu grids imported, %zu division shapes updated\n", report->grids,
               report->shapes);
  return 0;
}

int GridsExport(const Config& config, const GridsExportArgs& args) {
  if (!args.under.empty())
    if (auto level = ValidateCode(args.under, "under"); !level) return Fail(level.error().message);
  auto store = Open(config);
  if (!store) return Fail(store.error().message);
  auto grids = (*store)->LoadGridsUnder(args.under);
  if (!grids) return Fail(grids.error().message);
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[\n";
  for (size_t i = 0; i < grids->size(); ++i) {
    if (i) out += ",\n";
    geo::AppendFeature(out, geo::GridProperties((*grids)[i]), (*grids)[i].shape);
  }
  out += "\n]}\n";
  if (args.out.empty() || args.out == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::string tmp = args.out + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary);
      f.write(out.data(), static_cast<std::streamsize>(out.size()));
      if (!f) return Fail("cannot write '" + tmp + "'");
    }
    if (std::rename(tmp.c_str(), args.out.c_str()) != 0) return Fail("cannot write '" + args.out + "'");
  }
  std::fprintf(stderr, "grids export: %zu grids\n", grids->size());
  return 0;
}

int Locate(const Config& config, const LocateArgs& args) {
  auto crs = geo::ParseCrs(args.crs);
  if (!crs) return Fail("--crs must be wgs84 or gcj02");
  if (auto r = app::ValidateLonLat(args.lon, args.lat); !r) return Fail(r.error().message);
  auto store = Open(config);
  if (!store) return Fail(store.error().message);
  auto territory = app::TerritorySnapshot::Load(**store);
  if (!territory) return Fail(territory.error().message);
  auto a = app::Locate(**territory, geo::Point(args.lon, args.lat), *crs);
  if (!a) return Fail(a.error().message);
  if (args.json) {
    boost::json::object o{{"inside", a->inside}, {"distance_m", a->distance_m}};
    for (const Division* d : a->path) o[LevelName(d->level)] = {{"code", d->code}, {"name", d->name}};
    std::printf("%s\n", boost::json::serialize(o).c_str());
    return 0;
  }
  if (!a->inside)
    std::printf("outside every grid; nearest grid is %.0f m away\n", a->distance_m);
  for (const Division* d : a->path)
    std::printf("%-9s %-15s %s\n", std::string(LevelName(d->level)).c_str(), d->code.c_str(), d->name.c_str());
  return 0;
}

}  // namespace civicgrid::cli
