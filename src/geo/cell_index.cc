#include "geo/cell_index.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

namespace civicgrid::geo {
namespace {

// Crossing-number step over the closed ring v[0..n): flips *odd for every segment a horizontal ray from
// (x, y) towards +x crosses (half-open in y), and answers true at once when (x, y) is on a segment.
inline bool OnRingOrCrossings(const Point* v, uint32_t n, double x, double y, bool* odd) {
  for (uint32_t i = 0; i + 1 < n; ++i) {
    const Point& a = v[i];
    const Point& b = v[i + 1];
    if ((a.y() > y && b.y() > y) || (a.y() < y && b.y() < y)) continue;
    // The side of (x, y), from the lexicographically smaller end: the same for both grids of a shared edge.
    const bool swap = b.x() < a.x() || (b.x() == a.x() && b.y() < a.y());
    const Point& lo = swap ? b : a;
    const Point& hi = swap ? a : b;
    const double side = (hi.x() - lo.x()) * (y - lo.y()) - (x - lo.x()) * (hi.y() - lo.y());
    if (side == 0) {
      if (x >= lo.x() && x <= hi.x()) return true;  // on the segment (y is within it already)
      continue;
    }
    // A crossing to the right of the point: the point is left of the segment taken upwards.
    if ((a.y() <= y) != (b.y() <= y) && (lo.y() < hi.y()) == (side > 0)) *odd = !*odd;
  }
  return false;
}

// False for the inverted box of an empty shape.
bool NonEmpty(const Box& b) {
  return b.min_corner().x() <= b.max_corner().x() && b.min_corner().y() <= b.max_corner().y();
}

float Down(double v) { return std::nextafter(static_cast<float>(v), -INFINITY); }
float Up(double v) { return std::nextafter(static_cast<float>(v), INFINITY); }

}  // namespace

CellIndex::CellIndex(const std::vector<Grid>& grids) {
  if (grids.empty()) return;
  const size_t n = grids.size();
  std::vector<Box> boxes;
  boxes.reserve(n);
  Box all;
  bg::assign_inverse(all);
  std::vector<double> sizes;
  sizes.reserve(n);
  for (const Grid& g : grids) {
    boxes.push_back(bg::return_envelope<Box>(g.shape));
    const Box& b = boxes.back();
    if (!NonEmpty(b)) continue;  // an empty shape covers nothing
    bg::expand(all, b);
    sizes.push_back(std::max(b.max_corner().x() - b.min_corner().x(), b.max_corner().y() - b.min_corner().y()));
  }
  if (sizes.empty()) return;
  x0_ = all.min_corner().x();
  y0_ = all.min_corner().y();

  // The cell: the median grid's size, grown until the raster and the lists stay within a few entries
  // per grid (large rural grids span many cells of a small one).
  std::nth_element(sizes.begin(), sizes.begin() + sizes.size() / 2, sizes.end());
  const double extent = std::max(all.max_corner().x() - x0_, all.max_corner().y() - y0_);
  double cell = std::max({sizes[sizes.size() / 2], extent / 65536, 1e-12});
  const double max_cells = 8.0 * n + 1024, max_entries = 6.0 * n + 1024;
  for (;; cell *= 1.25) {
    inv_cell_ = 1 / cell;
    const double cols = std::floor((all.max_corner().x() - x0_) * inv_cell_) + 1;
    const double rows = std::floor((all.max_corner().y() - y0_) * inv_cell_) + 1;
    if (cols * rows > max_cells) continue;
    nx_ = static_cast<uint32_t>(cols);
    ny_ = static_cast<uint32_t>(rows);
    auto span = [&](double lo, double hi, double origin) {
      return std::floor((hi - origin) * inv_cell_) - std::floor((lo - origin) * inv_cell_) + 1;
    };
    double entries = 0;
    for (const Box& b : boxes) {
      if (!NonEmpty(b)) continue;
      entries += span(b.min_corner().x(), b.max_corner().x(), x0_) * span(b.min_corner().y(), b.max_corner().y(), y0_);
    }
    if (entries <= max_entries) break;
  }

  // Each grid once: its box and its vertices.
  size_t vertex_count = 0;
  for (const Grid& g : grids)
    for (const Polygon& p : g.shape) {
      vertex_count += p.outer().size() + 1;
      for (const Ring& hole : p.inners()) vertex_count += hole.size() + 1;
    }
  vertices_.reserve(vertex_count);
  std::vector<Candidate> per_grid(n);
  for (uint32_t g = 0; g < n; ++g) {
    const MultiPolygon& shape = grids[g].shape;
    const Box& b = boxes[g];
    Candidate& c = per_grid[g];
    c = {Down(b.min_corner().x()), Down(b.min_corner().y()), Up(b.max_corner().x()), Up(b.max_corner().y()), g, 0, 0};
    size_t ring_count = 0;
    for (const Polygon& p : shape) ring_count += 1 + p.inners().size();
    auto add_ring = [&](const Ring& r) {
      const auto begin = static_cast<uint32_t>(vertices_.size());
      vertices_.insert(vertices_.end(), r.begin(), r.end());
      const bool open = !r.empty() && (r.front().x() != r.back().x() || r.front().y() != r.back().y());
      if (open) vertices_.push_back(r.front());
      return std::pair<uint32_t, uint32_t>(begin, static_cast<uint32_t>(vertices_.size()) - begin);
    };
    if (ring_count == 1) {
      std::tie(c.begin, c.size) = add_ring(shape.front().outer());
      continue;
    }
    c.begin = static_cast<uint32_t>(rings_.size());
    c.size = static_cast<uint32_t>(ring_count) | kSeveralRings;
    for (const Polygon& p : shape) {
      auto [begin, size] = add_ring(p.outer());
      rings_.push_back({begin, size | kStartsPolygon});
      for (const Ring& hole : p.inners()) {
        std::tie(begin, size) = add_ring(hole);
        rings_.push_back({begin, size});
      }
    }
  }

  // Each cell lists the grids whose box meets it, in grid order (counting sort).
  auto for_cells = [&](const Box& b, auto&& fn) {
    if (!NonEmpty(b)) return;
    const auto c0 = static_cast<uint32_t>((b.min_corner().x() - x0_) * inv_cell_);
    const auto c1 = static_cast<uint32_t>((b.max_corner().x() - x0_) * inv_cell_);
    const auto r0 = static_cast<uint32_t>((b.min_corner().y() - y0_) * inv_cell_);
    const auto r1 = static_cast<uint32_t>((b.max_corner().y() - y0_) * inv_cell_);
    for (uint32_t r = r0; r <= r1; ++r)
      for (uint32_t c = c0; c <= c1; ++c) fn(static_cast<size_t>(r) * nx_ + c);
  };
  cell_start_.assign(static_cast<size_t>(nx_) * ny_ + 1, 0);
  for (const Box& b : boxes) for_cells(b, [&](size_t cell_id) { ++cell_start_[cell_id + 1]; });
  for (size_t i = 1; i < cell_start_.size(); ++i) cell_start_[i] += cell_start_[i - 1];
  candidates_.resize(cell_start_.back());
  std::vector<uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (uint32_t g = 0; g < n; ++g)
    for_cells(boxes[g], [&](size_t cell_id) { candidates_[fill[cell_id]++] = per_grid[g]; });
}

uint32_t CellIndex::Find(const Point& p) const {
  const double x = p.x(), y = p.y();
  const double fx = (x - x0_) * inv_cell_, fy = (y - y0_) * inv_cell_;
  if (!(fx >= 0 && fy >= 0 && fx < nx_ && fy < ny_)) return kNone;  // also NaN
  const size_t cell = static_cast<size_t>(static_cast<uint32_t>(fy)) * nx_ + static_cast<uint32_t>(fx);
  for (uint32_t i = cell_start_[cell], end = cell_start_[cell + 1]; i < end; ++i) {
    const Candidate& c = candidates_[i];
    if (x < c.min_x || x > c.max_x || y < c.min_y || y > c.max_y) continue;
    if (Covers(c, x, y)) return c.grid;  // listed in grid order: the first is the smallest code
  }
  return kNone;
}

bool CellIndex::Covers(const Candidate& c, double x, double y) const {
  bool odd = false;
  if (!(c.size & kSeveralRings)) return OnRingOrCrossings(vertices_.data() + c.begin, c.size, x, y, &odd) || odd;
  const uint32_t end = c.begin + (c.size & ~kSeveralRings);
  for (uint32_t r = c.begin; r < end; ++r) {
    if ((rings_[r].size & kStartsPolygon) && odd) return true;  // inside the previous polygon
    const RingSpan& ring = rings_[r];
    if (OnRingOrCrossings(vertices_.data() + ring.begin, ring.size & ~kStartsPolygon, x, y, &odd)) return true;
  }
  return odd;
}

size_t CellIndex::bytes() const {
  return cell_start_.capacity() * sizeof(uint32_t) + candidates_.capacity() * sizeof(Candidate) +
         rings_.capacity() * sizeof(RingSpan) + vertices_.capacity() * sizeof(Point);
}

}  // namespace civicgrid::geo
