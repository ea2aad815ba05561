// Partition of a region into Voronoi cells, Lloyd relaxation of the seeds, and robust union of many
// adjacent shapes. Coordinates are lon/lat degrees as in geometry.h.
#pragma once

#include <memory>
#include <vector>

#include "core/result.h"
#include "geo/geometry.h"

namespace civicgrid::geo {

// Snaps a coordinate in degrees to the 1e-7 degree lattice (about 1 cm): round(x * 1e7) / 1e7.
double SnapDegrees(double degrees);

// Answers many point-in-region questions fast: an R-tree of the region's edges and a crossing count.
class RegionLocator {
 public:
  explicit RegionLocator(const MultiPolygon& region);
  ~RegionLocator();

  // True if `p` lies inside the region and more than 1e-9° (0.1 mm) from its border.
  bool Inside(const Point& p) const;
  // True if an edge of the region's border meets `poly` (its border or inside).
  bool MeetsBorder(const Polygon& poly) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

// What PartitionRegion built: one cell per seed, in input order, and counters of what it had to fix.
struct Partition {
  std::vector<MultiPolygon> cells;  // cells[i] is the cell of seeds[i]
  std::vector<Point> seeds;         // the seeds as used, see PartitionRegion; seeds[i] lies in cells[i]
  int fragments = 0;                // pieces cut off a cell by the region's shape and handed to a neighbour
  int orphan_fragments = 0;         // of those, pieces touching no other cell (given to the nearest seed)
  int moved_seeds = 0;              // seeds moved off the region border or off a coincident seed
};

// Cuts `region` into one cell per seed: the Voronoi cell of the seed (computed in a local equirectangular
// projection around the region's centre, seeds rounded to a 1 m lattice) clipped to the region.
// Promises, for a valid non-empty region and seeds covered by it:
//   * cells have disjoint interiors and their union is the region (up to the 1e-7 degree snapping);
//   * every coordinate is snapped with SnapDegrees, a vertex shared by neighbours is bit-identical in
//     both, and neighbours share their common border vertex for vertex (no vertex of one cell lies
//     inside an edge of another);
//   * each cell is non-empty, bg::is_valid and oriented as geometry.h says;
//   * a piece of a seed's clipped cell that does not hold the seed goes to the cell it shares the
//     longest border with (or, touching none, to the cell with the nearest seed), so cells are
//     connected unless the region's own shape forces otherwise;
//   * Partition::seeds[i] is the used seed: seeds[i] rounded to the 1 m lattice, moved (by at most
//     64 m, nearest free point first) when it lies on the region border or coincides with an earlier
//     seed; it lies inside cells[i]. The input seed itself is inside cells[i] whenever seeds are more
//     than ~2 m apart and off the border.
// Deterministic. Errors: invalid_argument for an empty or invalid region or a seed outside it,
// internal if a cell cannot be made valid.
Result<Partition> PartitionRegion(const MultiPolygon& region, const std::vector<Point>& seeds);

// Lloyd relaxation: `iterations` times, partitions the region and moves each seed to its cell's
// centroid when that centroid lies inside the cell (else the seed stays). Answers the moved seeds,
// all covered by the region.
Result<std::vector<Point>> RelaxSeeds(const MultiPolygon& region, std::vector<Point> seeds, int iterations);

// Repairs a digitized shape such as a county boundary whose rings cross or touch themselves: the
// answer covers the points where a ring winds a non-zero number of times (both lobes of a twisted
// ring), minus its holes, as valid polygons with coordinates snapped with SnapDegrees.
MultiPolygon MakeValid(const MultiPolygon& shape);

// Union of many shapes, e.g. the grids of a community, by cascaded pairwise union of spatially sorted
// parts; robust when parts share snapped borders vertex for vertex, as PartitionRegion's cells do
// (borders that nearly but not exactly coincide may leave slivers). Holes and polygons smaller than
// `min_area` square degrees (default about 1 m²; numerical slivers) are dropped. The answer is
// corrected to geometry.h's orientation. Deterministic.
MultiPolygon UnionAll(std::vector<MultiPolygon> parts, double min_area = 1e-10);

}  // namespace civicgrid::geo
