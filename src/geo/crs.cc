#include "geo/crs.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace civicgrid::geo {
namespace {

// Krasovsky 1940 ellipsoid, as the GCJ-02 formula uses it.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
constexpr double kPi = 3.14159265358979323846;

double TransformLat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double TransformLon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// The GCJ-02 offset (dlon, dlat) at a WGS84 point inside China.
Point Offset(double lon, double lat) {
  double dlat = TransformLat(lon - 105.0, lat - 35.0);
  double dlon = TransformLon(lon - 105.0, lat - 35.0);
  double rad = lat / 180.0 * kPi;
  double magic = std::sin(rad);
  magic = 1 - kEe * magic * magic;
  double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrt_magic) * kPi);
  dlon = (dlon * 180.0) / (kA / sqrt_magic * std::cos(rad) * kPi);
  return {dlon, dlat};
}

}  // namespace

std::optional<Crs> ParseCrs(std::string_view name) {
  std::string s;
  for (char c : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "wgs84" || s == "cgcs2000" || s == "epsg:4326") return Crs::kWgs84;
  if (s == "gcj02" || s == "gcj-02") return Crs::kGcj02;
  return std::nullopt;
}

std::string_view CrsName(Crs crs) { return crs == Crs::kWgs84 ? "wgs84" : "gcj02"; }

bool OutsideChina(const Point& p) {
  return p.x() < 72.004 || p.x() > 137.8347 || p.y() < 0.8293 || p.y() > 55.8271;
}

Point Wgs84ToGcj02(const Point& p) {
  if (OutsideChina(p)) return p;
  Point d = Offset(p.x(), p.y());
  return {p.x() + d.x(), p.y() + d.y()};
}

Point Gcj02ToWgs84(const Point& g) {
  if (OutsideChina(g)) return g;
  // Fixed point: w = g - offset(w). The offset varies slowly, so this converges geometrically.
  Point w = g;
  for (int i = 0; i < 30; ++i) {
    Point f = Wgs84ToGcj02(w);
    double ex = f.x() - g.x(), ey = f.y() - g.y();
    w = Point(w.x() - ex, w.y() - ey);
    if (std::fabs(ex) < 1e-12 && std::fabs(ey) < 1e-12) break;
  }
  return w;
}

Point ToWgs84(const Point& p, Crs crs) { return crs == Crs::kGcj02 ? Gcj02ToWgs84(p) : p; }

double DistanceMetres(const Point& a, const Point& b) {
  constexpr double kRad = kPi / 180.0;
  double dlat = (b.y() - a.y()) * kRad, dlon = (b.x() - a.x()) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.y() * kRad) * std::cos(b.y() * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusMetres * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace civicgrid::geo
