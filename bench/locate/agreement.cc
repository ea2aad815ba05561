#include "locate/agreement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace civicgrid::bench::locate {
namespace {

// Distance in degrees from p to the segment ab.
double SegmentDegrees(const geo::Point& p, const geo::Point& a, const geo::Point& b) {
  const double dx = b.x() - a.x(), dy = b.y() - a.y();
  const double len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / len2, 0.0, 1.0) : 0.0;
  const double cx = a.x() + t * dx - p.x(), cy = a.y() + t * dy - p.y();
  return std::sqrt(cx * cx + cy * cy);
}

// Distance in degrees from p to the boundary (every ring) of `shape`.
double BoundaryDegrees(const geo::Point& p, const geo::MultiPolygon& shape) {
  double best = std::numeric_limits<double>::infinity();
  auto ring = [&](const geo::Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i) best = std::min(best, SegmentDegrees(p, r[i], r[i + 1]));
  };
  for (const geo::Polygon& poly : shape) {
    ring(poly.outer());
    for (const geo::Ring& h : poly.inners()) ring(h);
  }
  return best;
}

std::string Describe(const LocateSet& set, size_t i, uint32_t ours, uint32_t theirs, bool on_edge) {
  const auto& grids = set.index->grids();
  auto name = [&](uint32_t a) { return a == kOutside ? std::string("outside") : grids[a].code; };
  char buf[256];
  std::snprintf(buf, sizeof buf, "point %zu (%.17g, %.17g): civicgrid %s, peer %s%s", i, set.points[i].x(),
                set.points[i].y(), name(ours).c_str(), name(theirs).c_str(), on_edge ? " (on an edge)" : "");
  return buf;
}

}  // namespace

Agreement Compare(const LocateSet& set, const Answers& ours, const Answers& theirs) {
  Agreement a;
  a.points = std::min(ours.size(), theirs.size());
  std::vector<std::string> on_edge_examples;
  const auto& grids = set.index->grids();
  for (size_t i = 0; i < a.points; ++i) {
    if (ours[i] == theirs[i]) continue;
    ++a.differ;
    bool on_edge = true;
    for (uint32_t g : {ours[i], theirs[i]})
      if (g != kOutside && BoundaryDegrees(set.points[i], grids[g].shape) > kEdgeDegrees) on_edge = false;
    if (on_edge) {
      ++a.differ_on_edge;
      if (on_edge_examples.size() < 5) on_edge_examples.push_back(Describe(set, i, ours[i], theirs[i], true));
    } else if (a.examples.size() < 10) {
      a.examples.push_back(Describe(set, i, ours[i], theirs[i], false));
    }
  }
  if (ours.size() != theirs.size()) {
    a.differ += std::max(ours.size(), theirs.size()) - a.points;
    a.examples.insert(a.examples.begin(), "answer counts differ: " + std::to_string(ours.size()) + " vs " +
                                              std::to_string(theirs.size()));
  }
  for (std::string& e : on_edge_examples)
    if (a.examples.size() < 10) a.examples.push_back(std::move(e));
  return a;
}

size_t CountInside(const Answers& answers) {
  return static_cast<size_t>(std::count_if(answers.begin(), answers.end(), [](uint32_t a) { return a != kOutside; }));
}

uint64_t Checksum(const Answers& answers) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t a : answers) {
    for (int i = 0; i < 4; ++i) {
      h ^= (a >> (8 * i)) & 0xff;
      h *= 0x100000001b3ull;
    }
  }
  return h;
}

}  // namespace civicgrid::bench::locate
