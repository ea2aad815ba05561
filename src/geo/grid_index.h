// The grid index: which grid covers a point.
//
// Immutable. Find goes through a CellIndex (a raster of cells over the grids' boxes and a flat copy of
// their vertices, see cell_index.h); Locate's nearest grid and InBox through a packed R-tree of boxes.
// Edge rule: a point on the boundary shared by several grids (or in a sliver where two grids overlap)
// belongs to the grid with the smallest code among those whose closed polygon covers it — exactly one
// grid wins, the same one every time. A point covered by no grid is "outside"; the answer then names
// the nearest grid and the distance to its boundary in metres.
//
// Build one with GridIndex::Build and share it as std::shared_ptr<const GridIndex>; to change grids,
// build a new index and swap the pointer (see app/territory.h), readers never see a half-built index.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "geo/grid.h"

namespace civicgrid::geo {

// The answer of Locate.
struct Location {
  bool inside = false;       // a grid covers the point
  const Grid* grid = nullptr;  // the covering grid, or the nearest one when outside (null if no grids)
  double distance_m = 0;     // 0 when inside, else metres from the point to the nearest grid's boundary
};

class GridIndex {
 public:
  // Builds the index over `grids` (any order; they are sorted by code). Grids must have valid shapes.
  static std::shared_ptr<const GridIndex> Build(std::vector<Grid> grids);

  ~GridIndex();
  GridIndex(const GridIndex&) = delete;
  GridIndex& operator=(const GridIndex&) = delete;

  // The grid covering `wgs84` under the edge rule, or null.
  const Grid* Find(const Point& wgs84) const;

  // Find, and when no grid covers the point, the nearest grid and its distance.
  Location Locate(const Point& wgs84) const;

  // The grid with `code`, or null.
  const Grid* ByCode(std::string_view code) const;

  // Grids whose bounding box intersects `box`, in code order, at most `limit`.
  std::vector<const Grid*> InBox(const Box& box, size_t limit) const;

  // All grids, sorted by code.
  const std::vector<Grid>& grids() const { return grids_; }
  size_t size() const { return grids_.size(); }

 private:
  struct Tree;
  GridIndex() = default;
  std::vector<Grid> grids_;
  std::unique_ptr<Tree> tree_;
};

// Distance in metres from `p` to the boundary of `shape` (0 if `p` is covered by it).
double DistanceToShapeMetres(const Point& p, const MultiPolygon& shape);

}  // namespace civicgrid::geo
