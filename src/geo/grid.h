// A grid (网格) with its shape: the record the grid index, GeoJSON import/export and the store share.
#pragma once

#include <string>

#include "core/territory.h"
#include "geo/geometry.h"

namespace civicgrid::geo {

// One grid: its 15-digit code, name, kind, community (the code's 12-digit prefix) and shape.
struct Grid {
  std::string code;
  std::string name;
  GridKind kind = GridKind::kBasic;
  std::string community;
  MultiPolygon shape;
};

// A division above grid level with the shape that is the union of its grids, and a simplified copy
// for drawing at coarse zoom.
struct DivisionShape {
  std::string code;
  MultiPolygon shape;
  MultiPolygon simplified;
};

}  // namespace civicgrid::geo
