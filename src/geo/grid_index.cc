#include "geo/grid_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "geo/cell_index.h"
#include "geo/crs.h"

namespace civicgrid::geo {
namespace bgi = boost::geometry::index;

namespace {
using Entry = std::pair<Box, uint32_t>;
constexpr double kMetresPerDegree = kEarthRadiusMetres * 3.14159265358979323846 / 180.0;

// Distance from p to segment ab in metres, in a local equirectangular projection around p (exact
// enough for the few kilometres that matter when a point falls just outside the territory).
double SegmentMetres(const Point& p, const Point& a, const Point& b, double kx) {
  double ax = (a.x() - p.x()) * kx, ay = (a.y() - p.y()) * kMetresPerDegree;
  double bx = (b.x() - p.x()) * kx, by = (b.y() - p.y()) * kMetresPerDegree;
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
  double cx = ax + t * dx, cy = ay + t * dy;
  return std::sqrt(cx * cx + cy * cy);
}

}  // namespace

struct GridIndex::Tree {
  bgi::rtree<Entry, bgi::rstar<16>> rtree;  // boxes, for Locate's nearest grid and InBox
  CellIndex cells;                          // Find
};

GridIndex::~GridIndex() = default;

std::shared_ptr<const GridIndex> GridIndex::Build(std::vector<Grid> grids) {
  std::sort(grids.begin(), grids.end(), [](const Grid& a, const Grid& b) { return a.code < b.code; });
  std::vector<Entry> entries;
  entries.reserve(grids.size());
  for (uint32_t i = 0; i < grids.size(); ++i) entries.emplace_back(bg::return_envelope<Box>(grids[i].shape), i);
  std::shared_ptr<GridIndex> index(new GridIndex());
  index->grids_ = std::move(grids);
  index->tree_ = std::make_unique<Tree>();
  // The range constructor bulk-loads the tree with the packing algorithm.
  index->tree_->rtree = bgi::rtree<Entry, bgi::rstar<16>>(entries.begin(), entries.end());
  index->tree_->cells = CellIndex(index->grids_);
  return index;
}

const Grid* GridIndex::Find(const Point& p) const {
  const uint32_t i = tree_->cells.Find(p);
  return i == CellIndex::kNone ? nullptr : &grids_[i];
}

Location GridIndex::Locate(const Point& p) const {
  Location loc;
  if (const Grid* g = Find(p)) {
    loc.inside = true;
    loc.grid = g;
    return loc;
  }
  // Walk boxes by increasing degree distance; stop once even the nearest box is farther (as a lower
  // bound in metres) than the best exact distance found.
  double kx = kMetresPerDegree * std::cos(p.y() * 3.14159265358979323846 / 180.0);
  double lower_per_degree = std::min(kx, kMetresPerDegree);
  double best = std::numeric_limits<double>::infinity();
  for (auto it = tree_->rtree.qbegin(bgi::nearest(p, static_cast<unsigned>(grids_.size())));
       it != tree_->rtree.qend(); ++it) {
    double box_deg = bg::distance(p, it->first);
    if (box_deg * lower_per_degree > best) break;
    const Grid& g = grids_[it->second];
    double d = DistanceToShapeMetres(p, g.shape);
    if (d < best || (d == best && loc.grid && g.code < loc.grid->code)) {
      best = d;
      loc.grid = &g;
    }
  }
  loc.distance_m = loc.grid ? best : 0;
  return loc;
}

const Grid* GridIndex::ByCode(std::string_view code) const {
  auto it = std::lower_bound(grids_.begin(), grids_.end(), code,
                             [](const Grid& g, std::string_view c) { return g.code < c; });
  return it != grids_.end() && it->code == code ? &*it : nullptr;
}

std::vector<const Grid*> GridIndex::InBox(const Box& box, size_t limit) const {
  std::vector<uint32_t> hits;
  tree_->rtree.query(bgi::intersects(box),
                     boost::make_function_output_iterator([&](const Entry& e) { hits.push_back(e.second); }));
  std::sort(hits.begin(), hits.end());
  std::vector<const Grid*> out;
  for (size_t i = 0; i < hits.size() && out.size() < limit; ++i) out.push_back(&grids_[hits[i]]);
  return out;
}

double DistanceToShapeMetres(const Point& p, const MultiPolygon& shape) {
  if (bg::covered_by(p, shape)) return 0;
  double kx = kMetresPerDegree * std::cos(p.y() * 3.14159265358979323846 / 180.0);
  double best = std::numeric_limits<double>::infinity();
  auto ring = [&](const Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i) best = std::min(best, SegmentMetres(p, r[i], r[i + 1], kx));
  };
  for (const auto& poly : shape) {
    ring(poly.outer());
    for (const auto& h : poly.inners()) ring(h);
  }
  return best;
}

}  // namespace civicgrid::geo
