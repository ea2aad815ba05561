// The grid sets of the Locate figure, read from a civicgrid database, and the points drawn for each.
//
// An answer for a point is the position of its grid in the set's grids (sorted by code, as
// GridIndex::grids() keeps them), or kOutside; every subject fills one Answers per set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/grid.h"
#include "geo/grid_index.h"

namespace civicgrid::bench::locate {

// The answer for a point no grid covers.
inline constexpr uint32_t kOutside = UINT32_MAX;

// One answer per point, in the order of the points.
using Answers = std::vector<uint32_t>;

// How the points of a set were drawn (see DrawPoints).
struct PointMix {
  size_t near_grid = 0;   // uniform in the bounding box of a grid chosen uniformly
  size_t anywhere = 0;    // uniform in the bounding box of the whole set
  size_t on_vertex = 0;   // exactly on a vertex of a grid chosen uniformly
};

// One figure: its grids, indexed by civicgrid, and its points.
struct LocateSet {
  std::string name;                             // "linyi", "province" (also the PostGIS table prefix)
  std::string figure;                           // "locate.linyi", "locate.province"
  std::shared_ptr<const geo::GridIndex> index;  // the grids, sorted by code
  double index_build_ms = 0;                    // time GridIndex::Build took
  std::vector<geo::Point> points;
  PointMix mix;
};

// Every grid of the civicgrid SQLite database at `db_path`, opened read-only (the file is never
// written; immutable, leaving no side files, when it has no -wal file). Only code, community, kind and
// shape are read.
Result<std::vector<geo::Grid>> ReadGrids(const std::string& db_path);

// `n` pseudo-random points for `grids` (sorted by code), the same for the same (grids, n, seed).
std::vector<geo::Point> DrawPoints(const std::vector<geo::Grid>& grids, size_t n, uint64_t seed, PointMix* mix);

// The set `name` of `grids`, indexed, with `n` points drawn with `seed`.
LocateSet MakeSet(std::string name, std::vector<geo::Grid> grids, size_t n, uint64_t seed);

}  // namespace civicgrid::bench::locate
