#include "geo/geojson.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include <boost/json.hpp>

#include "common/json.h"

namespace civicgrid::geo {
namespace json = boost::json;
namespace {

constexpr size_t kMaxDepth = 32;

std::string Describe(bg::validity_failure_type f) {
  switch (f) {
    case bg::failure_few_points: return "a ring has fewer than 4 distinct positions";
    case bg::failure_wrong_topological_dimension: return "a ring is degenerate (zero area)";
    case bg::failure_spikes: return "a ring has a spike (goes back on itself)";
    case bg::failure_duplicate_points: return "a ring repeats a position";
    case bg::failure_not_closed: return "a ring is not closed";
    case bg::failure_self_intersections: return "the shape is self-intersecting";
    case bg::failure_wrong_orientation: return "a ring has the wrong orientation";
    case bg::failure_interior_rings_outside: return "a hole lies outside its polygon";
    case bg::failure_nested_interior_rings: return "holes are nested";
    case bg::failure_disconnected_interior: return "the interior is disconnected";
    case bg::failure_intersecting_interiors: return "polygons of the multipolygon overlap";
    case bg::failure_invalid_coordinate: return "a coordinate is not a finite number";
    default: return "the shape is invalid";
  }
}

Result<Ring> RingFromJson(const json::value& v, const std::string& where) {
  if (!v.is_array()) return Error::InvalidArgument(where + ": a ring is not an array of positions", "geometry");
  const auto& arr = v.get_array();
  if (arr.size() < 4)
    return Error::InvalidArgument(where + ": a ring has " + std::to_string(arr.size()) +
                                      " positions; at least 4 are needed",
                                  "geometry");
  Ring ring;
  ring.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const auto& p = arr[i];
    if (!p.is_array() || p.get_array().size() < 2 || p.get_array().size() > 3)
      return Error::InvalidArgument(where + ": position " + std::to_string(i) + " is not [lon, lat]", "geometry");
    const auto& pa = p.get_array();
    if (!pa[0].is_number() || !pa[1].is_number())
      return Error::InvalidArgument(where + ": position " + std::to_string(i) + " has a non-number coordinate",
                                    "geometry");
    double lon = pa[0].to_number<double>(), lat = pa[1].to_number<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
      return Error::InvalidArgument(where + ": position " + std::to_string(i) + " [" + std::to_string(lon) + ", " +
                                        std::to_string(lat) + "] is out of range (lon -180..180, lat -90..90)",
                                    "geometry");
    ring.emplace_back(lon, lat);
  }
  if (!bg::equals(ring.front(), ring.back()))
    return Error::InvalidArgument(where + ": a ring is not closed (its last position differs from its first)",
                                  "geometry");
  return ring;
}

Result<Polygon> PolygonFromJson(const json::value& v, const std::string& where) {
  if (!v.is_array() || v.get_array().empty())
    return Error::InvalidArgument(where + ": a polygon has no rings", "geometry");
  Polygon poly;
  const auto& rings = v.get_array();
  for (size_t i = 0; i < rings.size(); ++i) {
    auto r = RingFromJson(rings[i], where);
    if (!r) return r.error();
    if (i == 0)
      poly.outer() = std::move(*r);
    else
      poly.inners().push_back(std::move(*r));
  }
  return poly;
}

}  // namespace

Result<json::value> ParseJson(std::string_view text, std::string_view field) {
  json::parse_options opt;
  opt.max_depth = kMaxDepth;
  json::stream_parser p({}, opt);
  boost::system::error_code ec;
  size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < n && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string reason = ec.message();
    if (ec == json::error::syntax && n < text.size() && static_cast<unsigned char>(text[n]) >= 0x80)
      reason = "invalid UTF-8";
    return Error::InvalidArgument("malformed JSON at line " + std::to_string(line) + ", column " +
                                      std::to_string(col) + ": " + reason,
                                  std::string(field));
  }
  return p.release();
}

Result<MultiPolygon> GeometryFromJson(const json::value& geometry, const std::string& where, bool check_validity) {
  if (!geometry.is_object()) return Error::InvalidArgument(where + ": geometry is missing", "geometry");
  const auto& g = geometry.get_object();
  auto type = g.if_contains("type");
  auto coords = g.if_contains("coordinates");
  if (!type || !type->is_string() || !coords)
    return Error::InvalidArgument(where + ": geometry needs a type and coordinates", "geometry");
  MultiPolygon mp;
  if (type->get_string() == "Polygon") {
    auto p = PolygonFromJson(*coords, where);
    if (!p) return p.error();
    mp.push_back(std::move(*p));
  } else if (type->get_string() == "MultiPolygon") {
    if (!coords->is_array() || coords->get_array().empty())
      return Error::InvalidArgument(where + ": a MultiPolygon has no polygons", "geometry");
    for (const auto& pv : coords->get_array()) {
      auto p = PolygonFromJson(pv, where);
      if (!p) return p.error();
      mp.push_back(std::move(*p));
    }
  } else {
    return Error::InvalidArgument(
        where + ": geometry type '" + std::string(type->get_string()) + "' is not Polygon or MultiPolygon", "geometry");
  }
  bg::correct(mp);
  if (!check_validity) return mp;
  bg::validity_failure_type failure;
  if (!bg::is_valid(mp, failure)) return Error::InvalidArgument(where + ": " + Describe(failure), "geometry");
  return mp;
}

Result<std::vector<Grid>> ParseGridCollection(std::string_view text) {
  auto doc = ParseJson(text, "file");
  if (!doc) return doc.error();
  const auto* root = doc->if_object();
  if (!root || !root->if_contains("type") || !(*root).at("type").is_string() ||
      (*root).at("type").get_string() != "FeatureCollection")
    return Error::InvalidArgument("the document is not a GeoJSON FeatureCollection", "type");
  const auto* features = root->if_contains("features");
  if (!features || !features->is_array())
    return Error::InvalidArgument("the FeatureCollection has no features array", "features");
  std::vector<Grid> grids;
  std::unordered_set<std::string> seen;
  const auto& arr = features->get_array();
  grids.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = "feature " + std::to_string(i);
    const auto* f = arr[i].if_object();
    if (!f || !f->if_contains("type") || !f->at("type").is_string() || f->at("type").get_string() != "Feature")
      return Error::InvalidArgument(where + ": not a GeoJSON Feature", "features");
    const auto* props = f->if_contains("properties");
    if (!props || !props->is_object()) return Error::InvalidArgument(where + ": properties are missing", "properties");
    const auto& p = props->get_object();
    const auto* code = p.if_contains("code");
    if (!code || !code->is_string()) return Error::InvalidArgument(where + ": properties.code is missing", "code");
    Grid grid;
    grid.code = std::string(code->get_string());
    where += " (code " + grid.code + ")";
    auto level = ValidateCode(grid.code);
    if (!level) return Error::InvalidArgument(where + ": " + level.error().message, "code");
    if (*level != Level::kGrid)
      return Error::InvalidArgument(where + ": a grid code has 15 digits, this one " +
                                        std::to_string(grid.code.size()),
                                    "code");
    if (!seen.insert(grid.code).second) return Error::InvalidArgument(where + ": duplicate code", "code");
    grid.community = grid.code.substr(0, 12);
    if (const auto* c = p.if_contains("community"); c && !c->is_null()) {
      if (!c->is_string() || c->get_string() != grid.community)
        return Error::InvalidArgument(where + ": the code is not under its community '" +
                                          (c->is_string() ? std::string(c->get_string()) : std::string("?")) + "'",
                                      "community");
    }
    grid.name = grid.code;
    if (const auto* n = p.if_contains("name"); n && !n->is_null()) {
      if (!n->is_string() || n->get_string().empty())
        return Error::InvalidArgument(where + ": properties.name must be a non-empty string", "name");
      grid.name = std::string(n->get_string());
    }
    if (const auto* k = p.if_contains("kind"); k && !k->is_null()) {
      auto kind = k->is_string() ? ParseGridKind(std::string_view(k->get_string())) : std::nullopt;
      if (!kind) return Error::InvalidArgument(where + ": kind must be 'basic' or 'dedicated'", "kind");
      grid.kind = *kind;
    }
    const auto* geometry = f->if_contains("geometry");
    if (!geometry) return Error::InvalidArgument(where + ": geometry is missing", "geometry");
    auto shape = GeometryFromJson(*geometry, where);
    if (!shape) return shape.error();
    grid.shape = std::move(*shape);
    grids.push_back(std::move(grid));
  }
  return grids;
}

void AppendCoordinate(std::string& out, double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 7);
  char* end = res.ptr;
  char* dot = std::find(buf, end, '.');
  if (dot != end) {
    while (end > dot + 1 && end[-1] == '0') --end;
    if (end == dot + 1) end = dot;
  }
  if (end - buf == 2 && buf[0] == '-' && buf[1] == '0') {
    out.push_back('0');
    return;
  }
  out.append(buf, end);
}

void AppendGeometry(std::string& out, const MultiPolygon& shape) {
  auto ring = [&](const Ring& r) {
    out.push_back('[');
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out.push_back(',');
      out.push_back('[');
      AppendCoordinate(out, r[i].x());
      out.push_back(',');
      AppendCoordinate(out, r[i].y());
      out.push_back(']');
    }
    out.push_back(']');
  };
  auto polygon = [&](const Polygon& p) {
    out.push_back('[');
    ring(p.outer());
    for (const auto& h : p.inners()) {
      out.push_back(',');
      ring(h);
    }
    out.push_back(']');
  };
  if (shape.size() == 1) {
    out += R"({"type":"Polygon","coordinates":)";
    polygon(shape.front());
  } else {
    out += R"({"type":"MultiPolygon","coordinates":[)";
    for (size_t i = 0; i < shape.size(); ++i) {
      if (i) out.push_back(',');
      polygon(shape[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

void AppendFeature(std::string& out, const json::object& properties, const MultiPolygon& shape) {
  out += R"({"type":"Feature","properties":)";
  AppendJson(out, properties);
  out += R"(,"geometry":)";
  AppendGeometry(out, shape);
  out.push_back('}');
}

json::object GridProperties(const Grid& grid) {
  return {{"code", grid.code},
          {"name", grid.name},
          {"kind", GridKindName(grid.kind)},
          {"community", grid.community},
          {"level", "grid"}};
}

}  // namespace civicgrid::geo
