// civicgrid demo build | grids import | grids export | locate
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "app/territory.h"
#include "cli/commands.h"
#include "demo/demo_territory.h"
#include "geo/geojson.h"
#include "store/store.h"

namespace civicgrid::cli {
namespace {

Result<std::unique_ptr<store::Store>> Open(const Config& config) { return store::OpenStore(config.db); }

}  // namespace

int Fail(const std::string& message) {
  std::fprintf(stderr, "civicgrid: %s\n", message.c_str());
  return 1;
}

int DemoBuild(const Config& config, const DemoBuildArgs& args) {
  auto store = Open(config);
  if (!store) return Fail(store.error().message);
  auto counts = (*store)->CountTerritory();
  if (!counts) return Fail(counts.error().message);
  if (counts->grids > 0 && !args.force)
    return Fail("the database '" + config.db + "' already holds a territory (" + std::to_string(counts->grids) +
                " grids); pass --force to replace it");
  demo::DemoOptions options;
  options.data_dir = args.data_dir;
  options.progress = [](const std::string& line) { std::fprintf(stderr, "demo build: %s\n", line.c_str()); };
  auto report = demo::BuildDemoTerritory(**store, options);
  if (!report) return Fail("demo build failed: " + report.error().message);
  std::fprintf(stderr, "demo build: done: %zu divisions, %zu grids, %zu shapes in %s\n", report->divisions,
               report->grids, report->shapes, config.db.c_str());
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
