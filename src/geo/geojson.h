// GeoJSON (RFC 7946) reading and writing for grids and division shapes.
//
// Reading is strict and all-or-nothing: the first problem found fails the whole document with a
// message naming the feature index, its code and the reason. Writing appends to a string with
// coordinates at 7 decimals (about 1 cm), compact and stable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.h"
#include "geo/grid.h"

namespace civicgrid::geo {

// Parses JSON text with a bounded nesting depth; invalid UTF-8 or malformed JSON fails with the
// line and column where parsing stopped.
Result<boost::json::value> ParseJson(std::string_view text, std::string_view field = "body");

// Converts a GeoJSON Polygon or MultiPolygon geometry object to a valid MultiPolygon: rings must have
// at least 4 positions and be closed, coordinates numbers within [-180,180] × [-90,90]; ring
// orientation is corrected (RFC 7946 tells parsers not to reject it); self-intersections and other
// invalid shapes fail with the reason. `where` prefixes error messages.
// With `check_validity` false the shape is returned as read (for RepairShape to mend).
Result<MultiPolygon> GeometryFromJson(const boost::json::value& geometry, const std::string& where,
                                      bool check_validity = true);

// Parses a FeatureCollection of grids. Each feature needs properties.code (a 15-digit grid code);
// properties.name (default: the code), properties.kind ("basic" default, or "dedicated") and
// properties.community (must equal the code's 12-digit prefix if given) are optional. Fails on
// malformed JSON, invalid UTF-8, a missing or invalid code, duplicate codes, bad geometry.
Result<std::vector<Grid>> ParseGridCollection(std::string_view text);

// Appends `shape` as a GeoJSON geometry object (a Polygon when it has one part, else MultiPolygon).
void AppendGeometry(std::string& out, const MultiPolygon& shape);

// Appends a Feature whose properties are the serialized `properties` object.
void AppendFeature(std::string& out, const boost::json::object& properties, const MultiPolygon& shape);

// The standard properties of a grid feature: code, name, kind, community.
boost::json::object GridProperties(const Grid& grid);

// Appends a number with at most 7 decimals, trailing zeros trimmed.
void AppendCoordinate(std::string& out, double v);

}  // namespace civicgrid::geo
