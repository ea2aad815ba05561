// The GEOS peer of the Locate figure, through the GEOS C API (reentrant `_r` functions): an STRtree over
// the grid polygons, each grid a prepared geometry; a point is queried in the tree and each candidate
// tested with GEOSPreparedCovers (covers, the closed-polygon semantics of civicgrid). Among covering
// grids the one with the smallest code wins, civicgrid's edge rule.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/grid.h"

namespace civicgrid::bench::locate {

class GeosLocator {
 public:
  // Builds the tree and prepared geometries over `grids` (sorted by code; answers are positions in
  // it), and warms them: the tree is built and every prepared geometry's lazy index is made here, so
  // that timed runs only query.
  static Result<std::unique_ptr<GeosLocator>> Build(const std::vector<geo::Grid>& grids);
  ~GeosLocator();
  GeosLocator(const GeosLocator&) = delete;
  GeosLocator& operator=(const GeosLocator&) = delete;

  // The position of the grid covering (x, y) under the edge rule, or kOutside. Single-threaded (one
  // GEOS context). An error of GEOS is kept and answered by error().
  uint32_t Find(double x, double y);

  // The first GEOS error seen, or "".
  const std::string& error() const;

  // The version of the GEOS library in use, e.g. "3.11.1-CAPI-1.17.1".
  static std::string Version();

  struct Impl;  // the GEOS context, tree and geometries (geos_locator.cc)

 private:
  explicit GeosLocator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace civicgrid::bench::locate
