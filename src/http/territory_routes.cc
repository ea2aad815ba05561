#include "http/territory_routes.h"

#include <charconv>
#include <cmath>

#include <boost/json.hpp>

#include "geo/geojson.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

constexpr size_t kDefaultFeatureLimit = 5000;
constexpr size_t kMaxFeatureLimit = 50000;

json::object Brief(const Division& d) {
  return {{"code", d.code}, {"name", d.name}, {"level", LevelName(d.level)}};
}

Response GeoJson(std::string body) {
  return Text(200, std::move(body), "application/geo+json; charset=utf-8");
}

Result<std::string> CodeParam(const Request& req, std::optional<Level> want) {
  std::string code = req.Param("code");
  auto level = ValidateCode(code, "code");
  if (!level) return level.error();
  if (want && *level != *want)
    return Error::InvalidArgument("'" + code + "' is not a " + std::string(LevelName(*want)) + " code (" +
                                      std::to_string(CodeLength(*want)) + " digits)",
                                  "code");
  return code;
}

Response GetDivision(app::TerritoryService& territory, Request& req) {
  auto code = CodeParam(req, std::nullopt);
  if (!code) return JsonError(code.error());
  auto t = territory.snapshot();
  const Division* d = t->Get(*code);
  if (!d) return JsonError(Error::NotFound("no division has code '" + *code + "'", "code"));
  json::object out = Brief(*d);
  out["parent"] = d->parent.empty() ? json::value(nullptr) : json::value(d->parent);
  json::array path;
  for (const Division* p : t->Path(*code)) path.push_back(Brief(*p));
  out["path"] = std::move(path);
  json::array children;
  for (const Division* c : t->Children(*code)) {
    json::object o = Brief(*c);
    o["grids"] = t->GridCountUnder(c->code);
    children.push_back(std::move(o));
  }
  out["children"] = std::move(children);
  out["grids"] = t->GridCountUnder(*code);
  if (d->level == Level::kGrid) {
    if (const geo::Grid* g = t->grids().ByCode(*code)) out["kind"] = GridKindName(g->kind);
  }
  return Json(200, out);
}

Response GetGrid(app::TerritoryService& territory, Request& req) {
  auto code = CodeParam(req, Level::kGrid);
  if (!code) return JsonError(code.error());
  auto t = territory.snapshot();
  const geo::Grid* g = t->grids().ByCode(*code);
  if (!g) return JsonError(Error::NotFound("no grid has code '" + *code + "'", "code"));
  json::object props = geo::GridProperties(*g);
  json::array path;
  for (const Division* p : t->Path(g->code)) path.push_back(Brief(*p));
  props["path"] = std::move(path);
  std::string body;
  geo::AppendFeature(body, props, g->shape);
  return GeoJson(std::move(body));
}

Result<geo::Box> ParseBbox(const std::string& text) {
  double v[4];
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    size_t comma = text.find(',', start);
    if ((i < 3) != (comma != std::string::npos))
      return Error::InvalidArgument("bbox must be minLon,minLat,maxLon,maxLat", "bbox");
    auto n = ParseNumber(std::string_view(text).substr(start, i < 3 ? comma - start : std::string::npos), "bbox");
    if (!n) return Error::InvalidArgument("bbox must be four numbers: minLon,minLat,maxLon,maxLat", "bbox");
    v[i] = *n;
    start = comma + 1;
  }
  if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)
    return Error::InvalidArgument("bbox is out of range (lon -180..180, lat -90..90)", "bbox");
  if (v[0] > v[2] || v[1] > v[3]) return Error::InvalidArgument("bbox minimum exceeds its maximum", "bbox");
  return geo::Box(geo::Point(v[0], v[1]), geo::Point(v[2], v[3]));
}

Response ListGrids(app::TerritoryService& territory, Request& req) {
  std::string bbox_text = req.Query("bbox");
  if (bbox_text.empty()) return JsonError(Error::InvalidArgument("bbox is required", "bbox"));
  auto box = ParseBbox(bbox_text);
  if (!box) return JsonError(box.error());
  auto level = ParseLevel(req.Query("level", "grid"));
  if (!level || *level < Level::kCounty)
    return JsonError(Error::InvalidArgument("level must be county, street, community or grid", "level"));
  size_t limit = kDefaultFeatureLimit;
  if (std::string l = req.Query("limit"); !l.empty()) {
    auto n = ParseNumber(l, "limit");
    if (!n || *n < 1 || *n > kMaxFeatureLimit || *n != std::floor(*n))
      return JsonError(Error::InvalidArgument(
          "limit must be a whole number from 1 to " + std::to_string(kMaxFeatureLimit), "limit"));
    limit = static_cast<size_t>(*n);
  }
  auto t = territory.snapshot();
  std::string body = R"({"type":"FeatureCollection","level":")" + std::string(LevelName(*level)) +
                     R"(","features":[)";
  size_t count = 0;
  if (*level == Level::kGrid) {
    auto grids = t->grids().InBox(*box, limit + 1);
    for (const geo::Grid* g : grids) {
      if (count == limit) break;
      if (count++) body.push_back(',');
      geo::AppendFeature(body, geo::GridProperties(*g), g->shape);
    }
    count = grids.size();
  } else {
    auto shapes = t->ShapesInBox(*level, *box, limit + 1);
    for (const auto& s : shapes) {
      if (count == limit) break;
      if (count++) body.push_back(',');
      json::object props = Brief(*s.division);
      props["parent"] = s.division->parent;
      geo::AppendFeature(body, props, *s.simplified);
    }
    count = shapes.size();
  }
  body += R"(],"truncated":)";
  body += count > limit ? "true" : "false";
  body += "}";
  return GeoJson(std::move(body));
}

Response LocatePoint(app::TerritoryService& territory, Request& req) {
  auto lon = ParseNumber(req.Query("lon"), "lon");
  if (!lon) return JsonError(lon.error());
  auto lat = ParseNumber(req.Query("lat"), "lat");
  if (!lat) return JsonError(lat.error());
  auto crs = geo::ParseCrs(req.Query("crs", "wgs84"));
  if (!crs) return JsonError(Error::InvalidArgument("crs must be wgs84 or gcj02", "crs"));
  auto t = territory.snapshot();
  auto a = app::Locate(*t, geo::Point(*lon, *lat), *crs);
  if (!a) return JsonError(a.error());
  json::object out{{"inside", a->inside},
                   {"distance_m", std::round(a->distance_m * 10) / 10},
                   {"crs", geo::CrsName(*crs)},
                   {"wgs84", json::array{a->wgs84.x(), a->wgs84.y()}}};
  for (const Division* d : a->path) out[LevelName(d->level)] = json::object{{"code", d->code}, {"name", d->name}};
  return Json(200, out);
}

}  // namespace

Result<double> ParseNumber(std::string_view text, std::string_view field) {
  std::string f(field);
  if (text.empty()) return Error::InvalidArgument(f + " is required", f);
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
    return Error::InvalidArgument(f + " must be a number, not '" + std::string(text.substr(0, 40)) + "'", f);
  return v;
}

void AddTerritoryRoutes(Router& router, app::TerritoryService& territory) {
  router.Add(Verb::get, "/api/v1/divisions/{code}", "divisions.get", Permission::kPublic,
             SyncHandler([&territory](Request& r) { return GetDivision(territory, r); }));
  router.Add(Verb::get, "/api/v1/grids/{code}", "grids.get", Permission::kPublic,
             SyncHandler([&territory](Request& r) { return GetGrid(territory, r); }));
  router.Add(Verb::get, "/api/v1/grids", "grids.list", Permission::kPublic,
             SyncHandler([&territory](Request& r) { return ListGrids(territory, r); }));
  router.Add(Verb::get, "/api/v1/locate", "locate", Permission::kPublic,
             SyncHandler([&territory](Request& r) { return LocatePoint(territory, r); }));
}

}  // namespace civicgrid::http
