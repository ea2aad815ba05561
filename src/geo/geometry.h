// Geometry types of the platform, on Boost.Geometry.
//
// Coordinates are longitude/latitude in degrees (WGS84 in storage), x = longitude, y = latitude, in a
// cartesian coordinate system: containment and R-tree work in degree space, distances in metres go
// through geo::DistanceMetres(). Polygons follow GeoJSON (RFC 7946): exterior rings counter-clockwise,
// holes clockwise, rings closed (first point repeated last).
#pragma once

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/geometries/segment.hpp>

namespace civicgrid::geo {

namespace bg = boost::geometry;

using Point = bg::model::d2::point_xy<double>;           // x = lon, y = lat
using Ring = bg::model::ring<Point, /*clockwise=*/false, /*closed=*/true>;
using Polygon = bg::model::polygon<Point, /*clockwise=*/false, /*closed=*/true>;
using MultiPolygon = bg::model::multi_polygon<Polygon>;
using Box = bg::model::box<Point>;
using Segment = bg::model::segment<Point>;

// Mean earth radius used for metre distances (IUGG), in metres.
inline constexpr double kEarthRadiusMetres = 6371008.8;

}  // namespace civicgrid::geo
