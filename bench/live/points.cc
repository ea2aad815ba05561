#include "live/points.h"

#include <boost/json/parse.hpp>
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <random>
#include <sstream>

namespace civicgrid::bench::live {

Result<std::vector<Point>> ReadPoints(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::InvalidArgument("cannot read " + path, "points");
  std::vector<Point> out;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream fields(line);
    Point p;
    if (!(fields >> p.lon >> p.lat) || p.lon < -180 || p.lon > 180 || p.lat < -90 || p.lat > 90)
      return Error::InvalidArgument(path + ":" + std::to_string(n) + ": expected lon,lat", "points");
    out.push_back(p);
  }
  if (out.empty()) return Error::InvalidArgument(path + " holds no points", "points");
  return out;
}

Result<std::vector<Point>> SamplePoints(const std::string& db, const std::string& under, size_t count) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> conn(raw, sqlite3_close);
  if (rc != SQLITE_OK) return Error::InvalidArgument("cannot open " + db + ": " + sqlite3_errstr(rc), "db");
  auto prepare = [&](const char* sql) -> Result<std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>> {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(conn.get(), sql, -1, &s, nullptr) != SQLITE_OK)
      return Error::Internal(std::string("cannot read cases from ") + db + ": " + sqlite3_errmsg(conn.get()));
    return std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>(s, sqlite3_finalize);
  };
  auto range = prepare("SELECT min(id), max(id) FROM cases");
  if (!range) return range.error();
  if (sqlite3_step(range->get()) != SQLITE_ROW || sqlite3_column_type(range->get(), 0) == SQLITE_NULL)
    return Error::InvalidArgument(db + " holds no cases to take places from: pass --points", "db");
  const int64_t lo = sqlite3_column_int64(range->get(), 0), hi = sqlite3_column_int64(range->get(), 1);
  // Codes of the subtree sort between `under` and `under` + ':' (the character after '9').
  auto one = prepare("SELECT lon, lat FROM cases WHERE id = ?1 AND has_point = 1 AND territory >= ?2 AND territory < ?3");
  if (!one) return one.error();
  const std::string upper = under + ":";
  sqlite3_bind_text(one->get(), 2, under.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(one->get(), 3, upper.c_str(), -1, SQLITE_TRANSIENT);
  std::mt19937_64 random(20261122);
  std::uniform_int_distribution<int64_t> pick(lo, hi);
  std::vector<Point> out;
  // Enough tries for a division holding a few percent of the cases.
  for (size_t tries = 0; out.size() < count && tries < 100 * count; ++tries) {
    sqlite3_reset(one->get());
    sqlite3_bind_int64(one->get(), 1, pick(random));
    if (sqlite3_step(one->get()) == SQLITE_ROW)
      out.push_back({sqlite3_column_double(one->get(), 0), sqlite3_column_double(one->get(), 1)});
  }
  if (out.empty())
    return Error::InvalidArgument(db + " has no located cases under " + under + " to take places from: pass --points",
                                  "under");
  return out;
}

Result<std::vector<std::string>> CountiesUnder(const std::string& host, unsigned short port, const std::string& under,
                                               const std::string& bearer) {
  if (under.size() >= 6) return std::vector<std::string>{under.substr(0, 6)};
  auto page = HttpGet(host, port, "/api/v1/divisions/" + under, bearer);
  if (!page) return page.error();
  boost::system::error_code ec;
  auto v = boost::json::parse(*page, ec);
  const auto* children = !ec && v.is_object() ? v.as_object().if_contains("children") : nullptr;
  if (!children || !children->is_array()) return Error::Internal("GET /api/v1/divisions/" + under + ": no children");
  std::vector<std::string> out;
  for (const auto& child : children->as_array()) {
    const auto* code = child.is_object() ? child.as_object().if_contains("code") : nullptr;
    if (!code || !code->is_string()) continue;
    auto below = CountiesUnder(host, port, std::string(code->as_string()), bearer);
    if (!below) return below.error();
    out.insert(out.end(), below->begin(), below->end());
  }
  return out;
}

}  // namespace civicgrid::bench::live
