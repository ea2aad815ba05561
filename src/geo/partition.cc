#include "geo/partition.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>

#include <boost/geometry/index/rtree.hpp>
#include <boost/polygon/polygon.hpp>
#include <boost/polygon/voronoi.hpp>

namespace civicgrid::geo {
namespace {

namespace bgi = boost::geometry::index;

constexpr double kSnapScale = 1e7;                // lattice steps per degree
constexpr double kWeldDegrees = 1e-10;            // raw vertices this close are one vertex
constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxSeedShift = 64;                 // metres a seed may move off the border / a twin

struct XY { double x = 0, y = 0; };
struct BoxXY { double x0, y0, x1, y1; };

// A point of the snapping lattice, in units of 1e-7 degree.
struct LP {
  int64_t x = 0, y = 0;
  friend bool operator==(const LP&, const LP&) = default;
  friend auto operator<=>(const LP&, const LP&) = default;
};
using LRing = std::vector<LP>;  // open ring: the closing point is not repeated
struct LPoly { LRing outer; std::vector<LRing> inners; };

// Equirectangular projection in metres around the centre of the region's bounding box.
struct Projection {
  explicit Projection(const Box& b)
      : lon0((b.min_corner().x() + b.max_corner().x()) / 2), lat0((b.min_corner().y() + b.max_corner().y()) / 2),
        kx(ky * std::cos(lat0 * kPi / 180)) {}
  double lon0, lat0;
  double ky = kEarthRadiusMetres * kPi / 180, kx;  // metres per degree of latitude / longitude
  XY ToMetres(const Point& p) const { return {(p.x() - lon0) * kx, (p.y() - lat0) * ky}; }
  Point ToDegrees(const XY& m) const { return {lon0 + m.x / kx, lat0 + m.y / ky}; }
};

LP Snap(const Point& p) { return {std::llround(p.x() * kSnapScale), std::llround(p.y() * kSnapScale)}; }
Point FromLattice(const LP& p) {
  return {static_cast<double>(p.x) / kSnapScale, static_cast<double>(p.y) / kSnapScale};
}

// Where the ray from `o` (inside `h`) along `d` leaves the box `h`; exactly on the box border.
XY RayExit(const BoxXY& h, const XY& o, const XY& d) {
  const double inf = std::numeric_limits<double>::infinity();
  double tx = d.x > 0 ? (h.x1 - o.x) / d.x : d.x < 0 ? (h.x0 - o.x) / d.x : inf;
  double ty = d.y > 0 ? (h.y1 - o.y) / d.y : d.y < 0 ? (h.y0 - o.y) / d.y : inf;
  if (tx <= ty) return {d.x > 0 ? h.x1 : h.x0, std::clamp(o.y + tx * d.y, h.y0, h.y1)};
  return {std::clamp(o.x + ty * d.x, h.x0, h.x1), d.y > 0 ? h.y1 : h.y0};
}

// Position of a point on the border of `h`, counter-clockwise from the lower-left corner.
double BorderParam(const BoxXY& h, const XY& p) {
  double w = h.x1 - h.x0, t = h.y1 - h.y0;
  if (p.y == h.y0) return p.x - h.x0;
  if (p.x == h.x1) return w + (p.y - h.y0);
  if (p.y == h.y1) return w + t + (h.x1 - p.x);
  return 2 * w + t + (h.y1 - p.y);
}

// Appends the corners of `h` met when walking its border counter-clockwise from `from` to `to`.
void AppendCorners(const BoxXY& h, const XY& from, const XY& to, std::vector<XY>& out) {
  double w = h.x1 - h.x0, t = h.y1 - h.y0, per = 2 * (w + t);
  const XY corners[4] = {{h.x0, h.y0}, {h.x1, h.y0}, {h.x1, h.y1}, {h.x0, h.y1}};
  const double params[4] = {0, w, w + t, 2 * w + t};
  double a = BorderParam(h, from), b = BorderParam(h, to);
  if (b <= a) b += per;
  for (int lap = 0; lap < 2; ++lap)
    for (int i = 0; i < 4; ++i) {
      double c = params[i] + lap * per;
      if (c > a && c < b) out.push_back(corners[i]);
    }
}

using Diagram = boost::polygon::voronoi_diagram<double>;

// The convex Voronoi cell of `cell`, counter-clockwise, with infinite edges cut at the box `h`. A point
// shared by two cells is computed from the same numbers in both, so neighbours match bit for bit.
std::vector<XY> CellRing(const Diagram::cell_type& cell, const std::vector<XY>& sites, const BoxXY& h) {
  const auto* start = cell.incident_edge();
  if (!start) return {{h.x0, h.y0}, {h.x1, h.y0}, {h.x1, h.y1}, {h.x0, h.y1}};
  // Where an infinite edge meets `h`: from its finite vertex (or the sites' midpoint) along the
  // bisector, the edge's own site on the left.
  auto far = [&](const Diagram::edge_type* e, bool at_end) {
    const XY& p = sites[e->cell()->source_index()];
    const XY& q = sites[e->twin()->cell()->source_index()];
    const auto* v = at_end ? e->vertex0() : e->vertex1();
    XY o = v ? XY{v->x(), v->y()} : XY{(p.x + q.x) / 2, (p.y + q.y) / 2};
    return RayExit(h, o, at_end ? XY{p.y - q.y, q.x - p.x} : XY{q.y - p.y, p.x - q.x});
  };
  std::vector<XY> out;
  const auto* e = start;
  do {
    out.push_back(e->vertex0() ? XY{e->vertex0()->x(), e->vertex0()->y()} : far(e, false));
    if (!e->vertex1()) {
      XY exit = far(e, true);
      out.push_back(exit);
      AppendCorners(h, exit, far(e->next(), false), out);
    }
    e = e->next();
  } while (e != start);
  return out;
}

// Clips a convex ring to one side of an axis-parallel line. The crossing point of an edge is computed
// from its endpoints in a fixed order, so the shared edge of two neighbours gives the same point.
std::vector<XY> ClipSide(const std::vector<XY>& ring, bool vertical, double at, bool keep_below) {
  std::vector<XY> out;
  auto coord = [&](const XY& p) { return vertical ? p.x : p.y; };
  auto inside = [&](const XY& p) { return keep_below ? coord(p) <= at : coord(p) >= at; };
  auto cross = [&](XY a, XY b) {
    if (std::tie(b.x, b.y) < std::tie(a.x, a.y)) std::swap(a, b);
    if (vertical) return XY{at, a.y + (at - a.x) * (b.y - a.y) / (b.x - a.x)};
    return XY{a.x + (at - a.y) * (b.x - a.x) / (b.y - a.y), at};
  };
  for (size_t i = 0; i < ring.size(); ++i) {
    const XY &a = ring[i], &b = ring[(i + 1) % ring.size()];
    if (inside(a)) out.push_back(a);
    if (inside(a) != inside(b)) out.push_back(cross(a, b));
  }
  return out;
}

__int128 Cross(const LP& o, const LP& a, const LP& b) {
  return static_cast<__int128>(a.x - o.x) * (b.y - o.y) - static_cast<__int128>(a.y - o.y) * (b.x - o.x);
}

__int128 TwiceArea(const LRing& r) {
  __int128 s = 0;
  for (size_t i = 0; i < r.size(); ++i)
    s += static_cast<__int128>(r[i].x) * r[(i + 1) % r.size()].y - static_cast<__int128>(r[(i + 1) % r.size()].x) * r[i].y;
  return s;
}

// Removes repeated points and spikes (a vertex where the ring turns straight back), exactly; clears a
// ring left with no area.
void CleanRing(LRing& r) {
  auto spike = [](const LP& a, const LP& b, const LP& c) {
    return Cross(a, b, c) == 0 &&
           static_cast<__int128>(b.x - a.x) * (c.x - b.x) + static_cast<__int128>(b.y - a.y) * (c.y - b.y) < 0;
  };
  LRing out;
  for (const LP& p : r) {
    while (out.size() >= 2 && (out.back() == p || spike(out[out.size() - 2], out.back(), p))) out.pop_back();
    if (out.empty() || !(out.back() == p)) out.push_back(p);
  }
  for (bool changed = true; changed && out.size() >= 3;) {  // the same where the ring closes
    size_t n = out.size();
    changed = out.front() == out.back() || spike(out[n - 2], out[n - 1], out[0]);
    if (changed) {
      out.pop_back();
    } else if ((changed = spike(out[n - 1], out[0], out[1]))) {
      out.erase(out.begin());
    }
  }
  if (out.size() < 3 || TwiceArea(out) == 0) out.clear();
  r = std::move(out);
}

// Splits a ring that passes a point more than once into loops that do not.
void SplitLoops(LRing ring, std::vector<LRing>& out) {
  std::map<LP, size_t> seen;
  for (size_t j = 0; j < ring.size(); ++j) {
    auto [it, fresh] = seen.emplace(ring[j], j);
    if (fresh) continue;
    LRing loop(ring.begin() + static_cast<std::ptrdiff_t>(it->second), ring.begin() + static_cast<std::ptrdiff_t>(j));
    ring.erase(ring.begin() + static_cast<std::ptrdiff_t>(it->second), ring.begin() + static_cast<std::ptrdiff_t>(j));
    SplitLoops(std::move(loop), out);
    SplitLoops(std::move(ring), out);
    return;
  }
  CleanRing(ring);
  if (!ring.empty()) out.push_back(std::move(ring));
}

Polygon ToPolygon(const LPoly& lp) {
  Polygon poly;
  for (const LP& p : lp.outer) poly.outer().push_back(FromLattice(p));
  poly.outer().push_back(FromLattice(lp.outer.front()));
  for (const LRing& in : lp.inners) {
    Ring ring;
    for (const LP& p : in) ring.push_back(FromLattice(p));
    ring.push_back(FromLattice(in.front()));
    poly.inners().push_back(std::move(ring));
  }
  bg::correct(poly);
  return poly;
}

// A polygon moved onto the lattice by `snap`, rings cleaned; an empty outer ring if it degenerates.
template <class Snapper>
LPoly ToLPoly(const Polygon& poly, const Snapper& snap) {
  auto ring = [&](const Ring& r) {
    LRing out;
    for (const Point& p : r) out.push_back(snap(p));
    CleanRing(out);
    return out;
  };
  LPoly lp{ring(poly.outer()), {}};
  if (lp.outer.empty()) return lp;
  for (const Ring& in : poly.inners())
    if (LRing r = ring(in); !r.empty()) lp.inners.push_back(std::move(r));
  return lp;
}

// Snaps every coordinate of a shape (already near the lattice) and cleans its rings.
MultiPolygon Resnap(const MultiPolygon& shape) {
  MultiPolygon out;
  for (const Polygon& poly : shape)
    if (LPoly lp = ToLPoly(poly, Snap); !lp.outer.empty()) out.push_back(ToPolygon(lp));
  return out;
}

using SegmentKey = std::pair<LP, LP>;
SegmentKey KeyOf(const LP& a, const LP& b) { return a < b ? SegmentKey{a, b} : SegmentKey{b, a}; }

template <class F>
void ForEachSegment(const LPoly& p, F&& f) {
  auto ring = [&](const LRing& r) {
    for (size_t i = 0; i < r.size(); ++i) f(r[i], r[(i + 1) % r.size()]);
  };
  ring(p.outer);
  for (const LRing& in : p.inners) ring(in);
}

// Moves each seed to a free point of the 1 m lattice strictly inside the region, as near as possible.
Result<std::vector<XY>> LatticeSeeds(const RegionLocator& inside, const std::vector<Point>& seeds,
                                     const Projection& proj, int& moved) {
  std::vector<std::pair<int, int>> offsets;
  for (int dy = -kMaxSeedShift; dy <= kMaxSeedShift; ++dy)
    for (int dx = -kMaxSeedShift; dx <= kMaxSeedShift; ++dx) offsets.emplace_back(dx, dy);
  std::stable_sort(offsets.begin(), offsets.end(), [](const auto& a, const auto& b) {
    return a.first * a.first + a.second * a.second < b.first * b.first + b.second * b.second;
  });
  std::set<std::pair<int64_t, int64_t>> taken;
  std::vector<XY> out;
  for (size_t i = 0; i < seeds.size(); ++i) {
    XY m = proj.ToMetres(seeds[i]);
    if (!(std::abs(m.x) < 1e9 && std::abs(m.y) < 1e9))
      return Error::InvalidArgument("seed " + std::to_string(i) + " is too far from the region", "seeds");
    int64_t ix = std::llround(m.x), iy = std::llround(m.y);
    auto free = std::find_if(offsets.begin(), offsets.end(), [&](const auto& d) {
      return !taken.count({ix + d.first, iy + d.second}) &&
             inside.Inside(proj.ToDegrees({static_cast<double>(ix + d.first), static_cast<double>(iy + d.second)}));
    });
    if (free == offsets.end())
      return Error::InvalidArgument("seed " + std::to_string(i) + " has no free place inside the region", "seeds");
    if (free->first != 0 || free->second != 0) ++moved;
    taken.insert({ix + free->first, iy + free->second});
    out.push_back({static_cast<double>(ix + free->first), static_cast<double>(iy + free->second)});
  }
  return out;
}

// The Voronoi cells of the sites (metres) clipped to the region, in degrees, before snapping: cells[i]
// holds the pieces of site i's cell.
Result<std::vector<std::vector<Polygon>>> ClipCells(const MultiPolygon& region, const RegionLocator& locator,
                                                    const std::vector<XY>& sites, const Projection& proj) {
  std::vector<boost::polygon::point_data<int>> input;
  for (const XY& s : sites) input.emplace_back(static_cast<int>(s.x), static_cast<int>(s.y));
  Diagram vd;
  boost::polygon::construct_voronoi(input.begin(), input.end(), &vd);

  // Clip box `b` around the region; walking box `h` around everything the diagram holds.
  const Box env = bg::return_envelope<Box>(region);
  XY lo = proj.ToMetres(env.min_corner()), hi = proj.ToMetres(env.max_corner());
  double pad = 0.05 * std::max(hi.x - lo.x, hi.y - lo.y) + 100;
  BoxXY b{lo.x - pad, lo.y - pad, hi.x + pad, hi.y + pad}, h = b;
  for (const auto& v : vd.vertices()) {
    h.x0 = std::min(h.x0, v.x()), h.x1 = std::max(h.x1, v.x());
    h.y0 = std::min(h.y0, v.y()), h.y1 = std::max(h.y1, v.y());
  }
  double hpad = std::max(h.x1 - h.x0, h.y1 - h.y0);
  h = {h.x0 - hpad, h.y0 - hpad, h.x1 + hpad, h.y1 + hpad};

  std::vector<std::vector<Polygon>> cells(sites.size());
  for (const auto& cell : vd.cells()) {
    size_t idx = cell.source_index();
    std::vector<XY> ring = CellRing(cell, sites, h);
    ring = ClipSide(ClipSide(ring, true, b.x0, false), true, b.x1, true);
    ring = ClipSide(ClipSide(ring, false, b.y0, false), false, b.y1, true);
    Polygon poly;
    for (const XY& m : ring)
      if (Point p = proj.ToDegrees(m); poly.outer().empty() || p.x() != poly.outer().back().x() ||
                                       p.y() != poly.outer().back().y())
        poly.outer().push_back(p);
    if (poly.outer().size() < 3) return Error::Internal("Voronoi cell " + std::to_string(idx) + " is degenerate");
    poly.outer().push_back(poly.outer().front());
    if (bg::area(poly) < 0) std::reverse(poly.outer().begin(), poly.outer().end());
    if (!locator.MeetsBorder(poly)) {  // wholly inside: its site is
      cells[idx].push_back(std::move(poly));
      continue;
    }
    MultiPolygon clipped;
    bg::intersection(poly, region, clipped);
    for (Polygon& p : clipped) cells[idx].push_back(std::move(p));
  }
  return cells;
}

// Snaps all pieces to the lattice together. Raw vertices closer than kWeldDegrees (a crossing computed
// twice with different rounding) take the lattice point of the first of them in (x, y) order, so that
// a vertex shared by neighbours stays shared even next to a rounding boundary.
std::vector<std::vector<LPoly>> SnapPieces(const std::vector<std::vector<Polygon>>& raw) {
  std::vector<Point> pts;
  for (const auto& pieces : raw)
    for (const Polygon& p : pieces) {
      pts.insert(pts.end(), p.outer().begin(), p.outer().end());
      for (const Ring& in : p.inners()) pts.insert(pts.end(), in.begin(), in.end());
    }
  auto less = [](const Point& a, const Point& b) { return a.x() != b.x() ? a.x() < b.x() : a.y() < b.y(); };
  std::sort(pts.begin(), pts.end(), less);
  pts.erase(std::unique(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.x() == b.x() && a.y() == b.y(); }),
            pts.end());
  std::vector<LP> lattice(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    lattice[i] = Snap(pts[i]);
    for (size_t j = i; j-- > 0 && pts[i].x() - pts[j].x() <= kWeldDegrees;)
      if (std::abs(pts[i].y() - pts[j].y()) <= kWeldDegrees) {
        lattice[i] = lattice[j];
        break;
      }
  }
  auto weld = [&](const Point& p) {
    return lattice[static_cast<size_t>(std::lower_bound(pts.begin(), pts.end(), p, less) - pts.begin())];
  };
  std::vector<std::vector<LPoly>> out(raw.size());
  for (size_t i = 0; i < raw.size(); ++i)
    for (const Polygon& p : raw[i])
      if (LPoly lp = ToLPoly(p, weld); !lp.outer.empty()) out[i].push_back(std::move(lp));
  return out;
}

// Keeps in each cell the piece holding its seed and hands every other piece (fragment) to the cell it
// shares the longest border with, in rounds so that a fragment touching only another fragment follows
// it; a fragment touching nothing goes to the nearest seed. Answers the parts of each cell.
std::vector<std::vector<Polygon>> AssignFragments(std::vector<std::vector<LPoly>> pieces, const Projection& proj,
                                                  Partition& result) {
  const size_t n = pieces.size();
  std::vector<std::vector<Polygon>> parts(n);
  std::vector<LPoly> fragments;
  std::map<SegmentKey, std::vector<size_t>> owners;
  auto own = [&](const LPoly& piece, size_t owner) {
    ForEachSegment(piece, [&](const LP& a, const LP& c) { owners[KeyOf(a, c)].push_back(owner); });
  };
  for (size_t i = 0; i < n; ++i) {
    size_t keep = 0;
    double best = std::numeric_limits<double>::infinity();
    for (size_t k = 0; pieces[i].size() > 1 && k < pieces[i].size() && best > 0; ++k)
      if (double d = bg::distance(result.seeds[i], ToPolygon(pieces[i][k])); d < best) best = d, keep = k;
    parts[i].push_back(ToPolygon(pieces[i][keep]));
    for (size_t k = 0; k < pieces[i].size(); ++k)
      if (k != keep) fragments.push_back(std::move(pieces[i][k]));
  }
  if (fragments.empty()) return parts;
  for (size_t i = 0; i < n; ++i) own(ToLPoly(parts[i][0], Snap), i);
  result.fragments = static_cast<int>(fragments.size());
  std::vector<bool> done(fragments.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t f = 0; f < fragments.size(); ++f) {
      if (done[f]) continue;
      std::map<size_t, double> border;
      ForEachSegment(fragments[f], [&](const LP& a, const LP& c) {
        auto it = owners.find(KeyOf(a, c));
        if (it == owners.end()) return;
        double dx = static_cast<double>(c.x - a.x) / kSnapScale * proj.kx;
        double dy = static_cast<double>(c.y - a.y) / kSnapScale * proj.ky;
        for (size_t o : it->second) border[o] += std::hypot(dx, dy);
      });
      if (border.empty()) continue;
      auto best = std::max_element(border.begin(), border.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      own(fragments[f], best->first);
      parts[best->first].push_back(ToPolygon(fragments[f]));
      done[f] = progress = true;
    }
  }
  for (size_t f = 0; f < fragments.size(); ++f) {
    if (done[f]) continue;
    ++result.orphan_fragments;
    Polygon poly = ToPolygon(fragments[f]);
    size_t owner = 0;
    double best = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i)
      if (double d = bg::distance(result.seeds[i], poly); d < best) best = d, owner = i;
    parts[owner].push_back(std::move(poly));
  }
  return parts;
}

}  // namespace

double SnapDegrees(double degrees) { return std::round(degrees * kSnapScale) / kSnapScale; }

struct RegionLocator::Index {
  std::vector<Segment> segments;
  bgi::rtree<std::pair<Box, size_t>, bgi::rstar<16>> tree;
  double max_x = 0;
};

RegionLocator::RegionLocator(const MultiPolygon& region) : index_(std::make_unique<Index>()) {
  auto add = [&](const Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i)
      if (!bg::equals(r[i], r[i + 1])) index_->segments.emplace_back(r[i], r[i + 1]);
  };
  for (const Polygon& p : region) {
    add(p.outer());
    for (const Ring& in : p.inners()) add(in);
  }
  std::vector<std::pair<Box, size_t>> boxes;
  for (size_t i = 0; i < index_->segments.size(); ++i) {
    boxes.emplace_back(bg::return_envelope<Box>(index_->segments[i]), i);
    index_->max_x = std::max(index_->max_x, boxes.back().first.max_corner().x());
  }
  index_->tree = decltype(index_->tree)(boxes.begin(), boxes.end());
}
RegionLocator::~RegionLocator() = default;

bool RegionLocator::Inside(const Point& p) const {
  constexpr double kNear = 1e-9;
  std::vector<std::pair<Box, size_t>> hits;
  index_->tree.query(bgi::intersects(Box({p.x() - kNear, p.y() - kNear}, {p.x() + kNear, p.y() + kNear})),
                     std::back_inserter(hits));
  for (const auto& hit : hits)
    if (bg::distance(p, index_->segments[hit.second]) <= kNear) return false;
  hits.clear();
  index_->tree.query(bgi::intersects(Box(p, {std::max(index_->max_x, p.x()) + 1, p.y()})), std::back_inserter(hits));
  bool inside = false;
  for (const auto& hit : hits) {
    const Point& a = index_->segments[hit.second].first;
    const Point& b = index_->segments[hit.second].second;
    if ((a.y() > p.y()) != (b.y() > p.y()) && a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y()) > p.x())
      inside = !inside;
  }
  return inside;
}

bool RegionLocator::MeetsBorder(const Polygon& poly) const {
  std::vector<std::pair<Box, size_t>> hits;
  index_->tree.query(bgi::intersects(bg::return_envelope<Box>(poly)), std::back_inserter(hits));
  return std::any_of(hits.begin(), hits.end(),
                     [&](const auto& hit) { return bg::intersects(index_->segments[hit.second], poly); });
}

Result<Partition> PartitionRegion(const MultiPolygon& region, const std::vector<Point>& seeds) {
  if (region.empty() || bg::area(region) <= 0) return Error::InvalidArgument("the region is empty", "region");
  std::string why;
  if (!bg::is_valid(region, why)) return Error::InvalidArgument("the region is not valid: " + why, "region");
  const RegionLocator locator(region);
  for (size_t i = 0; i < seeds.size(); ++i)
    if (!locator.Inside(seeds[i]) && !bg::covered_by(seeds[i], region))
      return Error::InvalidArgument("seed " + std::to_string(i) + " lies outside the region", "seeds");
  Partition result;
  if (seeds.empty()) return result;

  const Projection proj(bg::return_envelope<Box>(region));
  auto sites = LatticeSeeds(locator, seeds, proj, result.moved_seeds);
  if (!sites) return sites.error();
  for (const XY& s : *sites) result.seeds.push_back(proj.ToDegrees(s));
  auto raw = ClipCells(region, locator, *sites, proj);
  if (!raw) return raw.error();
  auto pieces = SnapPieces(*raw);
  for (size_t i = 0; i < pieces.size(); ++i)
    if (pieces[i].empty()) return Error::Internal("cell " + std::to_string(i) + " vanished when snapped");
  auto parts = AssignFragments(std::move(pieces), proj, result);

  result.cells.resize(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    MultiPolygon cell;
    if (parts[i].size() == 1) {
      cell.push_back(std::move(parts[i][0]));
    } else {
      std::vector<MultiPolygon> many;
      for (Polygon& p : parts[i]) many.push_back(MultiPolygon{std::move(p)});
      cell = Resnap(UnionAll(std::move(many), 0));
    }
    bg::correct(cell);
    if (!bg::is_valid(cell, why))
      return Error::Internal("cell " + std::to_string(i) + " is not valid after snapping: " + why);
    if (!bg::covered_by(result.seeds[i], cell))
      return Error::Internal("cell " + std::to_string(i) + " does not hold its seed after snapping");
    result.cells[i] = std::move(cell);
  }
  return result;
}

Result<std::vector<Point>> RelaxSeeds(const MultiPolygon& region, std::vector<Point> seeds, int iterations) {
  for (int it = 0; it < iterations; ++it) {
    auto part = PartitionRegion(region, seeds);
    if (!part) return part.error();
    for (size_t i = 0; i < seeds.size(); ++i) {
      Point c;
      bg::centroid(part->cells[i], c);
      seeds[i] = bg::within(c, part->cells[i]) ? c : part->seeds[i];
    }
  }
  return seeds;
}

MultiPolygon MakeValid(const MultiPolygon& shape) {
  namespace gtl = boost::polygon;
  using namespace boost::polygon::operators;
  using Set = gtl::polygon_set_data<int64_t>;
  if (shape.empty()) return {};
  // Integer lattice coordinates relative to a lattice origin, so that they stay small.
  const Box env = bg::return_envelope<Box>(shape);
  const LP origin = Snap(env.min_corner());
  auto region = [&](const Ring& ring) {  // points of non-zero winding number
    std::vector<gtl::point_data<int64_t>> pts;
    for (const Point& p : ring) {
      LP q = Snap(p);
      pts.emplace_back(q.x - origin.x, q.y - origin.y);
    }
    gtl::polygon_data<int64_t> poly;
    poly.set(pts.begin(), pts.end());
    Set positive, negative;
    positive.insert(poly);
    negative.insert(poly, /*is_hole=*/true);
    return positive += negative;
  };
  Set all;
  for (const Polygon& p : shape) {
    Set one = region(p.outer());
    for (const Ring& in : p.inners()) one -= region(in);
    all += one;
  }
  std::vector<gtl::polygon_with_holes_data<int64_t>> out;
  all.get(out);
  // Rings in the answer may pass a vertex twice (a pinch, or a hole touching the outer ring): split
  // them into simple loops; loops turning the other way than the outer ring are holes.
  auto lattice = [&](auto begin, auto end) {
    LRing ring;
    for (auto it = begin; it != end; ++it) ring.push_back({origin.x + it->x(), origin.y + it->y()});
    CleanRing(ring);
    return ring;
  };
  MultiPolygon result;
  for (const auto& p : out) {
    LRing outer = lattice(p.begin(), p.end());
    if (outer.empty()) continue;
    const bool ccw = TwiceArea(outer) > 0;
    std::vector<LRing> loops;
    SplitLoops(std::move(outer), loops);
    for (auto h = p.begin_holes(); h != p.end_holes(); ++h) SplitLoops(lattice(h->begin(), h->end()), loops);
    std::vector<Polygon> outers;
    std::vector<Polygon> holes;
    for (const LRing& loop : loops) ((TwiceArea(loop) > 0) == ccw ? outers : holes).push_back(ToPolygon({loop, {}}));
    for (Polygon& hole : holes) {
      size_t k = 0;
      while (k + 1 < outers.size() && !bg::covered_by(hole, outers[k])) ++k;
      if (k < outers.size()) {
        std::reverse(hole.outer().begin(), hole.outer().end());
        outers[k].inners().push_back(std::move(hole.outer()));
      }
    }
    for (Polygon& o : outers) result.push_back(std::move(o));
  }
  bg::correct(result);
  return result;
}

MultiPolygon UnionAll(std::vector<MultiPolygon> parts, double min_area) {
  std::erase_if(parts, [](const MultiPolygon& m) { return m.empty(); });
  if (parts.empty()) return {};
  // Sort along a Z-order curve so that pairs united early are near each other.
  Box all = bg::return_envelope<Box>(parts[0]);
  std::vector<Point> centres;
  for (const MultiPolygon& m : parts) {
    Box e = bg::return_envelope<Box>(m);
    bg::expand(all, e);
    centres.emplace_back((e.min_corner().x() + e.max_corner().x()) / 2, (e.min_corner().y() + e.max_corner().y()) / 2);
  }
  double w = std::max(all.max_corner().x() - all.min_corner().x(), 1e-12);
  double t = std::max(all.max_corner().y() - all.min_corner().y(), 1e-12);
  std::vector<std::pair<uint64_t, size_t>> keys;
  auto q = [](double v) { return static_cast<uint64_t>(std::clamp(v, 0.0, 1.0) * 65535.0); };
  for (size_t i = 0; i < parts.size(); ++i) {
    uint64_t x = q((centres[i].x() - all.min_corner().x()) / w), y = q((centres[i].y() - all.min_corner().y()) / t), z = 0;
    for (int bit = 0; bit < 16; ++bit) z |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1);
    keys.emplace_back(z, i);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<MultiPolygon> level;
  for (const auto& k : keys) level.push_back(std::move(parts[k.second]));
  while (level.size() > 1) {
    std::vector<MultiPolygon> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      next.emplace_back();
      bg::union_(level[i], level[i + 1], next.back());
    }
    if (level.size() % 2) next.push_back(std::move(level.back()));
    level = std::move(next);
  }
  MultiPolygon out;
  for (Polygon& p : level[0]) {
    if (std::abs(bg::area(p.outer())) < min_area) continue;
    std::erase_if(p.inners(), [&](const Ring& r) { return std::abs(bg::area(r)) < min_area; });
    if (min_area == 0) std::erase_if(p.inners(), [](const Ring& r) { return bg::area(r) == 0; });
    out.push_back(std::move(p));
  }
  bg::correct(out);
  return out;
}

}  // namespace civicgrid::geo
