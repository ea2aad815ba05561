// Deterministic demo grids (网格) inside a real county boundary: seeds denser near the county seat,
// Voronoi cells clipped to the boundary, grouped into streets and communities by recursive
// coordinate bisection, numbered west→east, north→south inside each community.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/geometry.h"

namespace civicgrid::demo {

// A street-level division (街道/镇/乡, 9 digits) and its communities (12-digit codes, each under it).
struct StreetPlan {
  std::string code;
  std::vector<std::string> communities;
};

// What to generate for one county. Streets of a development zone carved from this county may be
// listed too: their codes need not be under `code`.
struct CountyPlan {
  std::string code;                  // 6 digits
  geo::MultiPolygon boundary;        // lon/lat degrees
  geo::Point seat;                   // county seat / centre: grids are smaller near it
  std::vector<StreetPlan> streets;
  double grids_per_community = 1.0;  // mean; every community gets at least one grid
  uint64_t seed = 0;                 // PRNG seed; same plan and seed → byte-identical output
};

// One generated grid: its 15-digit code, its community (the code's 12-digit prefix), its shape (a cell
// of a partition of the boundary, coordinates snapped to 1e-7°) and a point inside it (its centroid).
struct GeneratedGrid {
  std::string code;
  std::string community;
  geo::MultiPolygon shape;
  geo::Point centroid_hint;
};

// What the generator had to do, for logs and tests.
struct GenerationStats {
  int grids = 0;
  int fragments = 0;         // pieces of cells cut off by the boundary's shape, handed to neighbours
  int orphan_fragments = 0;  // of those, pieces touching no other cell (islands)
  int centroid_fixes = 0;    // seeds moved because a cell's centroid fell outside it
  int partitions = 0;        // PartitionRegion runs (Lloyd iterations, final, fixes)
};

// Generates the grids of one county, sorted by code. Promises: grid count per community >= 1 and the
// total ≈ round(communities × grids_per_community) (more if that is below the community count); the
// grids tile the boundary (disjoint interiors, union = boundary up to snapping), each grid valid;
// every grid's centroid lies inside that grid; each community's and street's grids form a compact,
// usually contiguous set; sequences within a community follow NumberGridsWestEastNorthSouth.
// Deterministic. Errors: invalid_argument for a malformed plan (bad codes, no streets, an empty street,
// invalid boundary, more than 999 grids in a community), internal if the geometry cannot be built.
Result<std::vector<GeneratedGrid>> GenerateCountyGrids(const CountyPlan& plan, GenerationStats* stats = nullptr);

}  // namespace civicgrid::demo
