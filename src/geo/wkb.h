// Well-Known Binary (OGC / ISO 19125) for the shapes the store keeps: always written as a
// little-endian MultiPolygon (type 6), so that PostGIS and other tools read the column as is.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "geo/geometry.h"

namespace civicgrid::geo {

// Encodes `shape` as little-endian WKB MultiPolygon, rings closed as stored.
std::string EncodeWkb(const MultiPolygon& shape);

// Decodes WKB of a Polygon or MultiPolygon (either byte order, 2D). Fails on truncated or
// malformed input without reading past `wkb`.
Result<MultiPolygon> DecodeWkb(std::string_view wkb);

}  // namespace civicgrid::geo
