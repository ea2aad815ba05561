// Repair of shapes from outside sources (e.g. coarse public boundaries) that are nearly valid.
#pragma once

#include <string>

#include "core/result.h"
#include "geo/geometry.h"

namespace civicgrid::geo {

// Removes repeated points and spikes and fixes orientation; if the shape is still invalid, drops the
// polygons that are invalid on their own when together they cover at most `max_dropped_share` of the
// area (islets and slivers of coarse boundaries) and unions the rest. Answers a valid shape, or an
// error saying what stays wrong. Never used on user imports, which must be valid as given.
Result<MultiPolygon> RepairShape(MultiPolygon shape, double max_dropped_share = 0.01);

}  // namespace civicgrid::geo
