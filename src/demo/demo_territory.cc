#include "demo/demo_territory.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <boost/json.hpp>

#include "app/territory.h"
#include "core/grid_numbering.h"
#include "demo/grid_generator.h"
#include "geo/geojson.h"
#include "geo/repair.h"

namespace civicgrid::demo {
namespace json = boost::json;
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::InvalidArgument("cannot read '" + path + "'", "data_dir");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Tables {
  std::vector<Division> divisions;
  std::map<std::string, std::string> hosts;  // development zone → host county
};

Result<Tables> ReadDivisions(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return text.error();
  Tables t;
  std::istringstream in(*text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, '\t')) cells.push_back(cell);
    if (cells.size() < 2) return Error::InvalidArgument(path + " line " + std::to_string(n) + ": expected code<TAB>name");
    auto level = ValidateCode(cells[0]);
    if (!level) return Error::InvalidArgument(path + " line " + std::to_string(n) + ": " + level.error().message);
    t.divisions.push_back({cells[0], cells[1], *level, ParentCode(cells[0]).value_or("")});
    if (cells.size() > 2 && !cells[2].empty()) t.hosts[cells[0]] = cells[2];
  }
  if (auto r = ValidateTree(t.divisions); !r) return Error::InvalidArgument(path + ": " + r.error().message);
  return t;
}

struct County {
  std::string code;
  geo::MultiPolygon boundary;
  geo::Point seat;
};

Result<std::vector<County>> ReadCounties(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return text.error();
  auto doc = geo::ParseJson(*text, path);
  if (!doc) return doc.error();
  std::vector<County> out;
  const auto& features = doc->at("features").as_array();
  for (size_t i = 0; i < features.size(); ++i) {
    const auto& f = features[i].as_object();
    County c;
    c.code = std::string(f.at("properties").at("code").as_string());
    std::string where = path + " feature " + std::to_string(i) + " (" + c.code + ")";
    auto shape = geo::GeometryFromJson(f.at("geometry"), where, /*check_validity=*/false);
    if (!shape) return shape.error();
    // The public boundaries are coarse (1/1024° steps) and carry spikes and repeated points.
    auto repaired = geo::RepairShape(std::move(*shape));
    if (!repaired) return Error::InvalidArgument(where + ": " + repaired.error().message);
    c.boundary = std::move(*repaired);
    const auto& seat = f.at("properties").at("seat").as_array();
    c.seat = geo::Point(seat[0].to_number<double>(), seat[1].to_number<double>());
    out.push_back(std::move(c));
  }
  return out;
}

// A stable 64-bit seed from a code (FNV-1a), so each county's grids depend on nothing else.
uint64_t SeedOf(const std::string& code) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : code) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

Result<DemoReport> BuildDemoTerritory(store::Store& store, const DemoOptions& options) {
  auto say = [&](const std::string& s) {
    if (options.progress) options.progress(s);
  };
  auto tables = ReadDivisions(options.data_dir + "/divisions.tsv");
  if (!tables) return tables.error();
  auto counties = ReadCounties(options.data_dir + "/counties.geojson");
  if (!counties) return counties.error();

  std::map<std::string, std::map<std::string, std::vector<std::string>>> streets_of;  // county → street → communities
  std::unordered_map<std::string, std::string> names;
  for (const auto& d : tables->divisions) {
    names[d.code] = d.name;
    if (d.level == Level::kStreet) streets_of[d.code.substr(0, 6)][d.code];
    if (d.level == Level::kCommunity) streets_of[d.code.substr(0, 6)][d.code.substr(0, 9)].push_back(d.code);
  }

  std::vector<CountyPlan> plans;
  for (const auto& c : *counties) {
    CountyPlan p;
    p.code = c.code;
    p.boundary = c.boundary;
    p.seat = c.seat;
    p.grids_per_community = options.grids_per_community;
    p.seed = SeedOf(c.code);
    auto add_streets = [&](const std::string& county) {
      for (const auto& [street, communities] : streets_of[county])
        if (!communities.empty()) p.streets.push_back({street, communities});
    };
    add_streets(c.code);
    for (const auto& [zone, host] : tables->hosts)
      if (host == c.code) add_streets(zone);
    plans.push_back(std::move(p));
  }
  for (const auto& [zone, host] : tables->hosts)
    if (std::none_of(plans.begin(), plans.end(), [&](const CountyPlan& p) { return p.code == host; }))
      return Error::InvalidArgument("development zone " + zone + " names host " + host + ", which has no boundary");

  // Generate county by county on a few threads; results are placed by index, so order is stable.
  std::vector<std::vector<GeneratedGrid>> generated(plans.size());
  std::vector<std::optional<Error>> errors(plans.size());
  std::atomic<size_t> next{0}, done{0}, grid_total{0};
  std::mutex say_mu;
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < plans.size();) {
      auto r = GenerateCountyGrids(plans[i]);
      if (!r) {
        errors[i] = r.error();
        continue;
      }
      generated[i] = std::move(*r);
      size_t d = ++done, g = grid_total += generated[i].size();
      std::lock_guard lock(say_mu);
      say("grids: " + std::to_string(d) + "/" + std::to_string(plans.size()) + " counties, " + std::to_string(g) +
          " grids (" + names[plans[i].code] + " " + std::to_string(generated[i].size()) + ")");
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  for (size_t i = 0; i < plans.size(); ++i)
    if (errors[i]) return Error::Internal("county " + plans[i].code + ": " + errors[i]->message);

  store::TerritoryChange change;
  change.replace_all = true;
  change.divisions = tables->divisions;
  for (auto& county : generated) {
    for (auto& g : county) {
      geo::Grid grid;
      grid.code = g.code;
      grid.community = g.community;
      grid.name = names[g.community] + "第" + std::to_string(std::stoi(g.code.substr(12))) + "网格";
      grid.kind = GridKind::kBasic;
      grid.shape = std::move(g.shape);
      change.grids.push_back(std::move(grid));
    }
  }
  std::sort(change.grids.begin(), change.grids.end(),
            [](const geo::Grid& a, const geo::Grid& b) { return a.code < b.code; });

  say("shapes: merging grids into communities, streets, counties and cities");
  std::vector<std::string> codes;
  for (const auto& d : tables->divisions) codes.push_back(d.code);
  change.shapes = app::ComputeDivisionShapes(codes, tables->divisions, change.grids);

  say("writing " + std::to_string(change.divisions.size()) + " divisions, " + std::to_string(change.grids.size()) +
      " grids, " + std::to_string(change.shapes.size()) + " shapes");
  DemoReport report{change.divisions.size(), change.grids.size(), change.shapes.size()};
  if (auto r = store.ApplyTerritory(change); !r) return r.error();
  return report;
}

}  // namespace civicgrid::demo
