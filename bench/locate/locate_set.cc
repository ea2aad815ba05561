#include "locate/locate_set.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "geo/wkb.h"
#include "store/sqlite/db.h"

namespace civicgrid::bench::locate {
namespace {

// SplitMix64: a tiny generator whose sequence is fixed by its seed on every platform and standard
// library (std::uniform_real_distribution is not), so every run draws the very same points.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  double Between(double lo, double hi) { return lo + (hi - lo) * Unit(); }

 private:
  uint64_t s_;
};

}  // namespace

Result<std::vector<geo::Grid>> ReadGrids(const std::string& db_path) {
  // Read-only. Without a -wal file beside it every committed page is in the file itself, so it is
  // opened as immutable: SQLite then leaves no -shm/-wal files behind either.
  std::string uri = "file:";
  for (char c : db_path) {
    if (c == '%' || c == '?' || c == '#') {
      char esc[4];
      std::snprintf(esc, sizeof esc, "%%%02X", static_cast<unsigned char>(c));
      uri += esc;
    } else {
      uri += c;
    }
  }
  uri += "?mode=ro";
  if (!std::filesystem::exists(db_path + "-wal")) uri += "&immutable=1";
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK)
    return Error::InvalidArgument(db_path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)), "db");
  store::sqlite::Stmt s(db.get(), "SELECT code, kind, community, shape FROM grids ORDER BY code");
  if (!s.ok()) return Error::InvalidArgument(db_path + ": not a civicgrid database (" + s.error() + ")", "db");
  std::vector<geo::Grid> out;
  while (s.Step()) {
    geo::Grid g;
    g.code = s.Text(0);
    g.kind = ParseGridKind(s.Text(1)).value_or(GridKind::kBasic);
    g.community = s.Text(2);
    auto shape = geo::DecodeWkb(s.Blob(3));
    if (!shape) return Error::Internal("grid " + g.code + ": " + shape.error().message);
    g.shape = std::move(*shape);
    out.push_back(std::move(g));
  }
  if (!s.error().empty()) return Error::Internal(db_path + ": " + s.error());
  return out;
}

// Where reports come from: people report where they live and work, and grids are drawn smaller where
// more people are, so a grid chosen uniformly at random approximates the density of reports. Thus:
//  - 94.9 %: a grid chosen uniformly, then a point uniform in its bounding box: it falls in that grid
//    or a neighbour (or, at the edge of the territory, outside it);
//  - 5 %: uniform over the bounding box of the whole set: reports from beyond the territory, bad GPS
//    fixes (for one city many still fall inside; for scattered cities most are outside);
//  - 0.1 %: exactly on a vertex of a grid chosen uniformly, mostly shared with neighbours: the edge
//    rule (smallest code wins) must then give the same answer in every subject.
// Points come in random order, as reports do (no spatial sorting that would favour caches).
std::vector<geo::Point> DrawPoints(const std::vector<geo::Grid>& grids, size_t n, uint64_t seed, PointMix* mix) {
  std::vector<geo::Box> boxes;
  boxes.reserve(grids.size());
  geo::Box all;
  geo::bg::assign_inverse(all);
  for (const geo::Grid& g : grids) {
    boxes.push_back(geo::bg::return_envelope<geo::Box>(g.shape));
    geo::bg::expand(all, boxes.back());
  }
  *mix = {};
  std::vector<geo::Point> points;
  points.reserve(n);
  Rng rng(seed);
  for (size_t i = 0; i < n && !grids.empty(); ++i) {
    const size_t kind = rng.Below(1000);
    if (kind == 0) {
      const geo::Grid& g = grids[rng.Below(grids.size())];
      const geo::Ring& ring = g.shape.front().outer();
      points.push_back(ring[rng.Below(ring.size() - 1)]);
      ++mix->on_vertex;
    } else if (kind <= 50) {
      points.emplace_back(rng.Between(all.min_corner().x(), all.max_corner().x()),
                          rng.Between(all.min_corner().y(), all.max_corner().y()));
      ++mix->anywhere;
    } else {
      const geo::Box& b = boxes[rng.Below(boxes.size())];
      points.emplace_back(rng.Between(b.min_corner().x(), b.max_corner().x()),
                          rng.Between(b.min_corner().y(), b.max_corner().y()));
      ++mix->near_grid;
    }
  }
  return points;
}

LocateSet MakeSet(std::string name, std::vector<geo::Grid> grids, size_t n, uint64_t seed) {
  LocateSet set;
  set.figure = "locate." + name;
  set.name = std::move(name);
  const auto t0 = std::chrono::steady_clock::now();
  set.index = geo::GridIndex::Build(std::move(grids));
  set.index_build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  set.points = DrawPoints(set.index->grids(), n, seed, &set.mix);
  return set;
}

}  // namespace civicgrid::bench::locate
