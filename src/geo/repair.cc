#include "geo/repair.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace civicgrid::geo {
namespace {

// Proper crossing point of segments ab and cd, if they cross.
bool Cross(const Point& a, const Point& b, const Point& c, const Point& d, Point& at) {
  double rx = b.x() - a.x(), ry = b.y() - a.y(), sx = d.x() - c.x(), sy = d.y() - c.y();
  double den = rx * sy - ry * sx;
  if (den == 0) return false;
  double t = ((c.x() - a.x()) * sy - (c.y() - a.y()) * sx) / den;
  double u = ((c.x() - a.x()) * ry - (c.y() - a.y()) * rx) / den;
  if (t <= 0 || t >= 1 || u <= 0 || u >= 1) return false;
  at = Point(a.x() + t * rx, a.y() + t * ry);
  return true;
}

// Cuts out small loops: where segment j crosses segment i a few segments before it, the points between
// them are replaced by the crossing point (the smaller lobe of a bow-tie disappears).
void RemoveSmallLoops(Ring& ring, size_t window = 24) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t j = 2; j + 1 < ring.size() && !changed; ++j) {
      size_t lo = j > window ? j - window : 0;
      for (size_t i = lo; i + 1 < j && !changed; ++i) {
        if (i == 0 && j + 2 == ring.size()) continue;  // first and last segments are adjacent
        Point at;
        if (Cross(ring[i], ring[i + 1], ring[j], ring[j + 1], at)) {
          ring.erase(ring.begin() + static_cast<long>(i) + 1, ring.begin() + static_cast<long>(j) + 1);
          ring.insert(ring.begin() + static_cast<long>(i) + 1, at);
          changed = true;
        }
      }
    }
  }
}

// True if p lies strictly inside segment ab (collinear, between the ends).
bool OnSegment(const Point& p, const Point& a, const Point& b) {
  double cross = (b.x() - a.x()) * (p.y() - a.y()) - (b.y() - a.y()) * (p.x() - a.x());
  double len = std::hypot(b.x() - a.x(), b.y() - a.y());
  if (std::fabs(cross) > 1e-12 * std::max(len, 1e-300)) return false;
  double dot = (p.x() - a.x()) * (b.x() - a.x()) + (p.y() - a.y()) * (b.y() - a.y());
  return dot > 0 && dot < len * len && !bg::equals(p, a) && !bg::equals(p, b);
}

// Splits a ring that touches itself (passes twice through a point) into simple loops. The signed area
// of each loop tells whether it is part of the shape (same sign as the ring) or a pinched-off hole.
void SplitLoops(Ring ring, std::vector<Ring>& loops) {
  // A vertex lying on another segment becomes a vertex of that segment too.
  for (size_t v = 0; v + 1 < ring.size(); ++v) {
    for (size_t s = 0; s + 1 < ring.size(); ++s) {
      if (s == v || s + 1 == v) continue;
      if (OnSegment(ring[v], ring[s], ring[s + 1])) {
        ring.insert(ring.begin() + static_cast<long>(s) + 1, ring[v]);
        if (v > s) ++v;
      }
    }
  }
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    for (size_t j = i + 1; j + 1 < ring.size(); ++j) {
      if (!bg::equals(ring[i], ring[j])) continue;
      Ring loop(ring.begin() + static_cast<long>(i), ring.begin() + static_cast<long>(j) + 1);
      Ring rest(ring.begin(), ring.begin() + static_cast<long>(i));
      rest.insert(rest.end(), ring.begin() + static_cast<long>(j), ring.end());
      SplitLoops(std::move(loop), loops);
      SplitLoops(std::move(rest), loops);
      return;
    }
  }
  if (ring.size() >= 4) loops.push_back(std::move(ring));
}

MultiPolygon UnionOf(const std::vector<Polygon>& polys) {
  MultiPolygon out;
  for (const auto& p : polys) {
    MultiPolygon next;
    bg::union_(out, p, next);
    out = std::move(next);
  }
  return out;
}

// Rebuilds a polygon whose outer ring touches or crosses itself from the ring's simple loops.
MultiPolygon Untangle(const Polygon& poly) {
  Ring outer = poly.outer();
  RemoveSmallLoops(outer);
  double sign = bg::area(outer) >= 0 ? 1 : -1;
  std::vector<Ring> loops;
  SplitLoops(outer, loops);
  std::vector<Polygon> add, cut;
  for (auto& loop : loops) {
    double a = bg::area(loop);
    if (a == 0) continue;
    Polygon p;
    p.outer() = loop;
    bg::correct(p);
    if (!bg::is_valid(p)) continue;
    (a * sign > 0 ? add : cut).push_back(std::move(p));
  }
  for (const auto& h : poly.inners()) {
    Polygon p;
    p.outer() = h;
    bg::correct(p);
    if (bg::is_valid(p)) cut.push_back(std::move(p));
  }
  MultiPolygon kept = UnionOf(add), removed = UnionOf(cut), out;
  bg::difference(kept, removed, out);
  return out;
}

}  // namespace

Result<MultiPolygon> RepairShape(MultiPolygon shape, double max_dropped_share) {
  bg::unique(shape);
  bg::remove_spikes(shape);
  bg::correct(shape);
  if (bg::is_valid(shape)) return shape;
  MultiPolygon untangled;
  for (auto& poly : shape) {
    if (bg::is_valid(poly)) {
      untangled.push_back(std::move(poly));
      continue;
    }
    for (auto& p : Untangle(poly)) untangled.push_back(std::move(p));
  }
  shape = std::move(untangled);
  if (bg::is_valid(shape)) return shape;
  // Drop small parts that stay invalid (slivers and islets of coarse boundaries), then resolve parts
  // that merely touch or overlap by a union.
  double total = bg::area(shape);
  MultiPolygon kept;
  double dropped = 0;
  for (auto& poly : shape) {
    if (bg::is_valid(poly))
      kept.push_back(std::move(poly));
    else
      dropped += bg::area(poly);
  }
  if (total <= 0 || dropped > max_dropped_share * total)
    return Error::InvalidArgument("shape cannot be repaired: an invalid part covers " +
                                      std::to_string(total > 0 ? dropped / total * 100 : 100) + "% of it",
                                  "geometry");
  if (bg::is_valid(kept)) return kept;
  MultiPolygon merged;
  for (const auto& poly : kept) {
    MultiPolygon next;
    bg::union_(merged, poly, next);
    merged = std::move(next);
  }
  bg::correct(merged);
  std::string reason;
  if (!merged.empty() && bg::is_valid(merged, reason)) return merged;
  return Error::InvalidArgument("shape cannot be repaired: " + reason, "geometry");
}

}  // namespace civicgrid::geo
