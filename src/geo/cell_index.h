// The point lookup behind GridIndex::Find: which grids cover a point, laid out for memory rather than
// generality.
//
// A uniform raster of cells over the grids' bounding boxes; each cell lists, in grid order, the grids
// whose box meets it (their box rounded outwards to floats, and where their vertices are). The shapes
// are copied into one contiguous vertex array. A lookup reads one cell, tests boxes, and runs a
// crossing-number test on the few candidates' vertices: a handful of cache lines, where an R-tree over
// Boost.Geometry shapes chases a pointer per node, grid, polygon and ring.
//
// Covers means interior or boundary (closed polygons, as bg::covered_by). Each segment's side is computed
// from its lexicographically smaller end, so two grids sharing a segment agree on which side of it a
// point lies: a point next to a shared edge is never in neither of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "geo/geometry.h"
#include "geo/grid.h"

namespace civicgrid::geo {

class CellIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  CellIndex() = default;
  // Indexes `grids` (the answer for grids[i] is i). At most 2^31 vertices and rings in all.
  explicit CellIndex(const std::vector<Grid>& grids);

  // The smallest i whose grid covers `p`, or kNone.
  uint32_t Find(const Point& p) const;

  // Memory held by the index, in bytes.
  size_t bytes() const;

 private:
  // One grid as listed in a cell.
  struct Candidate {
    float min_x, min_y, max_x, max_y;  // the grid's bounding box, rounded outwards
    uint32_t grid;
    uint32_t begin;  // the first vertex of its only ring, or its first entry in rings_
    uint32_t size;   // that ring's vertex count, or the number of rings | kSeveralRings
  };
  // One ring of a grid with several rings (holes, or several polygons).
  struct RingSpan {
    uint32_t begin;  // first vertex in vertices_
    uint32_t size;   // vertex count | kStartsPolygon for each polygon's outer ring
  };
  static constexpr uint32_t kSeveralRings = 1u << 31;
  static constexpr uint32_t kStartsPolygon = 1u << 31;

  bool Covers(const Candidate& c, double x, double y) const;

  double x0_ = 0, y0_ = 0, inv_cell_ = 0;  // origin and 1 / cell size, in degrees
  uint32_t nx_ = 0, ny_ = 0;               // columns and rows
  std::vector<uint32_t> cell_start_;       // cell c lists candidates_[cell_start_[c], cell_start_[c + 1])
  std::vector<Candidate> candidates_;
  std::vector<RingSpan> rings_;
  std::vector<Point> vertices_;  // every ring, closed (first vertex repeated last)
};

}  // namespace civicgrid::geo
