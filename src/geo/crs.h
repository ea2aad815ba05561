// Coordinate reference systems of reported points.
//
// Storage is WGS84 (EPSG:4326; CGCS2000 differs from it by centimetres and is treated as equal).
// Phones in China often report GCJ-02 ("Mars coordinates"), a published obfuscation of WGS84 that
// shifts points by up to several hundred metres inside China and not at all outside it.
#pragma once

#include <optional>
#include <string_view>

#include "geo/geometry.h"

namespace civicgrid::geo {

// The systems a coordinate may be given in.
enum class Crs { kWgs84, kGcj02 };

// Parses "wgs84" (also "cgcs2000", "epsg:4326") or "gcj02" (also "gcj-02"), case-insensitive.
std::optional<Crs> ParseCrs(std::string_view name);

// "wgs84" / "gcj02".
std::string_view CrsName(Crs crs);

// True if the point lies outside the rectangle where GCJ-02 shifts coordinates (then GCJ-02 == WGS84).
bool OutsideChina(const Point& wgs84);

// WGS84 → GCJ-02 by the published closed-form formula.
Point Wgs84ToGcj02(const Point& wgs84);

// GCJ-02 → WGS84 by fixed-point iteration of the forward formula; the round trip
// Wgs84ToGcj02(Gcj02ToWgs84(p)) returns p within 1e-9 degrees (about 0.1 mm).
Point Gcj02ToWgs84(const Point& gcj02);

// Converts a point given in `crs` to WGS84.
Point ToWgs84(const Point& p, Crs crs);

// Great-circle distance between two lon/lat points in metres (haversine on the mean earth radius).
double DistanceMetres(const Point& a, const Point& b);

}  // namespace civicgrid::geo
