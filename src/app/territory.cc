#include "app/territory.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "geo/geojson.h"
#include "geo/partition.h"

namespace civicgrid::app {
namespace bgi = boost::geometry::index;

struct TerritorySnapshot::Shapes {
  using Entry = std::pair<geo::Box, uint32_t>;
  struct PerLevel {
    std::vector<std::pair<const Division*, geo::MultiPolygon>> items;  // code order
    bgi::rtree<Entry, bgi::rstar<16>> tree;
  };
  std::map<Level, PerLevel> levels;
};

TerritorySnapshot::~TerritorySnapshot() = default;

Result<std::shared_ptr<const TerritorySnapshot>> TerritorySnapshot::Load(store::Store& store) {
  auto version = store.TerritoryVersion();
  if (!version) return version.error();
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  auto grids = store.LoadGrids();
  if (!grids) return grids.error();
  auto shapes = store.LoadDivisionShapes();
  if (!shapes) return shapes.error();

  std::shared_ptr<TerritorySnapshot> t(new TerritorySnapshot());
  t->version_ = *version;
  for (auto& d : *divisions) t->divisions_.emplace(d.code, std::move(d));
  for (const auto& g : *grids) t->divisions_.emplace(g.code, Division{g.code, g.name, Level::kGrid, g.community});
  for (const auto& [code, d] : t->divisions_)
    if (!d.parent.empty()) t->children_[d.parent].push_back(code);
  for (auto& [code, kids] : t->children_) std::sort(kids.begin(), kids.end());
  t->grids_ = geo::GridIndex::Build(std::move(*grids));

  t->shapes_ = std::make_unique<Shapes>();
  for (auto& s : *shapes) {
    auto it = t->divisions_.find(s.code);
    if (it == t->divisions_.end()) continue;
    t->shapes_->levels[it->second.level].items.emplace_back(&it->second, std::move(s.simplified));
  }
  for (auto& [level, per] : t->shapes_->levels) {
    std::vector<Shapes::Entry> entries;
    for (uint32_t i = 0; i < per.items.size(); ++i)
      entries.emplace_back(geo::bg::return_envelope<geo::Box>(per.items[i].second), i);
    per.tree = decltype(per.tree)(entries.begin(), entries.end());
  }
  return std::shared_ptr<const TerritorySnapshot>(std::move(t));
}

const Division* TerritorySnapshot::Get(std::string_view code) const {
  auto it = divisions_.find(std::string(code));
  return it == divisions_.end() ? nullptr : &it->second;
}

std::vector<const Division*> TerritorySnapshot::Path(std::string_view code) const {
  std::vector<const Division*> out;
  for (const Division* d = Get(code); d; d = d->parent.empty() ? nullptr : Get(d->parent)) out.push_back(d);
  return out;
}

std::vector<const Division*> TerritorySnapshot::Children(std::string_view code) const {
  std::vector<const Division*> out;
  auto it = children_.find(std::string(code));
  if (it == children_.end()) return out;
  for (const auto& c : it->second) out.push_back(Get(c));
  return out;
}

size_t TerritorySnapshot::GridCountUnder(std::string_view code) const {
  const auto& all = grids_->grids();
  auto lo = std::lower_bound(all.begin(), all.end(), code,
                             [](const geo::Grid& g, std::string_view c) { return g.code < c; });
  std::string end(code);
  end.push_back(':');  // ':' sorts after every digit
  auto hi = std::lower_bound(lo, all.end(), end, [](const geo::Grid& g, const std::string& c) { return g.code < c; });
  return static_cast<size_t>(hi - lo);
}

std::vector<TerritorySnapshot::ShapeRef> TerritorySnapshot::ShapesInBox(Level level, const geo::Box& box,
                                                                        size_t limit) const {
  std::vector<ShapeRef> out;
  auto it = shapes_->levels.find(level);
  if (it == shapes_->levels.end()) return out;
  std::vector<uint32_t> hits;
  it->second.tree.query(bgi::intersects(box), boost::make_function_output_iterator(
                                                  [&](const Shapes::Entry& e) { hits.push_back(e.second); }));
  std::sort(hits.begin(), hits.end());
  for (size_t i = 0; i < hits.size() && out.size() < limit; ++i) {
    const auto& item = it->second.items[hits[i]];
    out.push_back({item.first, &item.second});
  }
  return out;
}

Result<bool> TerritoryService::Refresh() {
  auto version = store_.TerritoryVersion();
  if (!version) return version.error();
  auto current = current_.load();
  if (current && current->version() == *version) return false;
  auto fresh = TerritorySnapshot::Load(store_);
  if (!fresh) return fresh.error();
  current_.store(std::move(*fresh));
  return true;
}

Result<void> ValidateLonLat(double lon, double lat) {
  if (!std::isfinite(lon) || lon < -180 || lon > 180)
    return Error::InvalidArgument("longitude must be a number from -180 to 180", "lon");
  if (!std::isfinite(lat) || lat < -90 || lat > 90)
    return Error::InvalidArgument("latitude must be a number from -90 to 90", "lat");
  return {};
}

Result<LocateAnswer> Locate(const TerritorySnapshot& territory, geo::Point point, geo::Crs crs) {
  if (auto r = ValidateLonLat(point.x(), point.y()); !r) return r.error();
  if (territory.grids().size() == 0) return Error::NotFound("the territory has no grids yet");
  LocateAnswer a;
  a.wgs84 = geo::ToWgs84(point, crs);
  auto loc = territory.grids().Locate(a.wgs84);
  a.inside = loc.inside;
  a.distance_m = loc.distance_m;
  a.path = territory.Path(loc.grid->code);
  return a;
}

double SimplifyTolerance(Level level) {
  switch (level) {
    case Level::kProvince: return 0.01;
    case Level::kCity: return 0.004;
    case Level::kCounty: return 0.002;
    case Level::kStreet: return 0.0008;
    case Level::kCommunity: return 0.0003;
    case Level::kGrid: return 0;
  }
  return 0;
}

std::vector<geo::DivisionShape> ComputeDivisionShapes(
    const std::vector<std::string>& codes, const std::vector<Division>& divisions,
    const std::vector<geo::Grid>& grids, const std::unordered_map<std::string, const geo::MultiPolygon*>& existing) {
  std::unordered_map<std::string, std::vector<const geo::MultiPolygon*>> grids_of;
  for (const auto& g : grids) grids_of[g.community].push_back(&g.shape);
  std::unordered_map<std::string, std::vector<std::string>> children;
  std::unordered_map<std::string, Level> level_of;
  for (const auto& d : divisions) {
    level_of[d.code] = d.level;
    if (!d.parent.empty() && d.level != Level::kGrid) children[d.parent].push_back(d.code);
  }
  std::vector<std::string> order(codes.begin(), codes.end());
  std::sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;  // deepest first
  });
  order.erase(std::unique(order.begin(), order.end()), order.end());

  std::unordered_map<std::string, size_t> computed;
  std::vector<geo::DivisionShape> out;
  out.reserve(order.size());
  for (const auto& code : order) {
    auto lv = LevelOfLength(code.size());
    if (!lv || *lv == Level::kGrid) continue;
    std::vector<geo::MultiPolygon> parts;
    if (*lv == Level::kCommunity) {
      for (const auto* s : grids_of[code]) parts.push_back(*s);
    } else {
      for (const auto& child : children[code]) {
        if (auto c = computed.find(child); c != computed.end())
          parts.push_back(out[c->second].shape);
        else if (auto e = existing.find(child); e != existing.end() && e->second)
          parts.push_back(*e->second);
      }
    }
    if (parts.empty()) continue;
    geo::DivisionShape ds;
    ds.code = code;
    ds.shape = geo::UnionAll(std::move(parts));
    geo::bg::simplify(ds.shape, ds.simplified, SimplifyTolerance(*lv));
    if (ds.simplified.empty() || !geo::bg::is_valid(ds.simplified)) ds.simplified = ds.shape;
    computed[code] = out.size();
    out.push_back(std::move(ds));
  }
  return out;
}

Result<ImportReport> TerritoryService::Import(std::string_view geojson,
                                              const std::function<bool(const std::string& community)>& allowed) {
  auto r = ImportGrids(store_, geojson, allowed);
  if (!r) return r.error();
  if (auto refreshed = Refresh(); !refreshed) return refreshed.error();
  return r;
}

Result<ImportReport> ImportGrids(store::Store& store, std::string_view geojson,
                                 const std::function<bool(const std::string& community)>& allowed) {
  auto grids = geo::ParseGridCollection(geojson);
  if (!grids) return grids.error();
  if (grids->empty()) return Error::InvalidArgument("the FeatureCollection has no features", "features");
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  std::unordered_map<std::string, const Division*> by_code;
  for (const auto& d : *divisions) by_code[d.code] = &d;
  std::set<std::string> affected;
  for (size_t i = 0; i < grids->size(); ++i) {
    const auto& g = (*grids)[i];
    auto it = by_code.find(g.community);
    if (it == by_code.end() || it->second->level != Level::kCommunity)
      return Error::InvalidArgument("feature " + std::to_string(i) + " (code " + g.code + "): community '" +
                                        g.community + "' does not exist; import its divisions first",
                                    "community");
    if (allowed && !allowed(g.community))
      return Error::Forbidden("feature " + std::to_string(i) + " (code " + g.code + "): community '" + g.community +
                                  "' is outside your territory",
                              "community");
    for (auto code = std::optional<std::string>(g.community); code; code = ParentCode(*code)) affected.insert(*code);
  }

  // Grids of the affected communities after the import: stored ones, replaced by the imported ones.
  std::map<std::string, geo::Grid> merged;
  std::set<std::string> communities;
  for (const auto& code : affected)
    if (code.size() == 12) communities.insert(code);
  for (const auto& community : communities) {
    auto stored = store.LoadGridsUnder(community);
    if (!stored) return stored.error();
    for (auto& g : *stored) merged[g.code] = std::move(g);
  }
  for (const auto& g : *grids) merged[g.code] = g;
  std::vector<geo::Grid> all;
  for (auto& [code, g] : merged) all.push_back(std::move(g));

  auto stored_shapes = store.LoadDivisionShapes();
  if (!stored_shapes) return stored_shapes.error();
  std::unordered_map<std::string, const geo::MultiPolygon*> existing;
  for (const auto& s : *stored_shapes) existing[s.code] = &s.shape;

  store::TerritoryChange change;
  change.grids = std::move(*grids);
  change.shapes = ComputeDivisionShapes({affected.begin(), affected.end()}, *divisions, all, existing);
  ImportReport report{change.grids.size(), change.shapes.size()};
  if (auto r = store.ApplyTerritory(change); !r) return r.error();
  return report;
}

}  // namespace civicgrid::app
