// PartitionRegion, RelaxSeeds and UnionAll on hand-made regions.
#include "geo/partition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace civicgrid::geo {
namespace {

// A closed counter-clockwise ring from corner points given without the closing point.
Ring MakeRing(std::vector<Point> pts) {
  pts.push_back(pts.front());
  Ring r(pts.begin(), pts.end());
  bg::correct(r);
  return r;
}

MultiPolygon Square() {  // 0.1° × 0.1° near Linyi
  Polygon p;
  p.outer() = MakeRing({{118.0, 35.0}, {118.1, 35.0}, {118.1, 35.1}, {118.0, 35.1}});
  return {p};
}

MultiPolygon LShape() {
  Polygon p;
  p.outer() = MakeRing({{118.0, 35.0}, {118.2, 35.0}, {118.2, 35.05}, {118.05, 35.05}, {118.05, 35.2}, {118.0, 35.2}});
  return {p};
}

MultiPolygon TwoIslands() {  // a square island with a lake, and a triangle with slanted shores
  Polygon a;
  a.outer() = MakeRing({{118.0, 35.0}, {118.08, 35.0}, {118.08, 35.08}, {118.0, 35.08}});
  a.inners().push_back(MakeRing({{118.03, 35.03}, {118.035, 35.03}, {118.035, 35.036}}));
  bg::correct(a);
  Polygon b;
  b.outer() = MakeRing({{118.1, 35.0}, {118.2, 35.01}, {118.13, 35.09}});
  return {a, b};
}

// Deterministic pseudo-random seeds covered by the region.
std::vector<Point> Seeds(const MultiPolygon& region, int n, uint64_t state) {
  Box env = bg::return_envelope<Box>(region);
  auto next = [&] {
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  };
  std::vector<Point> out;
  while (static_cast<int>(out.size()) < n) {
    Point p(env.min_corner().x() + next() * (env.max_corner().x() - env.min_corner().x()),
            env.min_corner().y() + next() * (env.max_corner().y() - env.min_corner().y()));
    if (bg::within(p, region)) out.push_back(p);
  }
  return out;
}

// Checks every promise of PartitionRegion that a test can see.
void ExpectPartition(const MultiPolygon& region, const std::vector<Point>& seeds, const Partition& part,
                     bool input_seeds_covered = true, bool axis_parallel = true) {
  ASSERT_EQ(part.cells.size(), seeds.size());
  ASSERT_EQ(part.seeds.size(), seeds.size());
  double total = 0;
  const double area = bg::area(region);
  for (size_t i = 0; i < part.cells.size(); ++i) {
    const MultiPolygon& cell = part.cells[i];
    std::string why;
    EXPECT_TRUE(bg::is_valid(cell, why)) << "cell " << i << ": " << why;
    EXPECT_GT(bg::area(cell), 0) << "cell " << i;
    total += bg::area(cell);
    EXPECT_TRUE(bg::covered_by(part.seeds[i], cell)) << "used seed " << i;
    if (input_seeds_covered) {
      EXPECT_TRUE(bg::covered_by(seeds[i], cell)) << "seed " << i;
    }
    for (const Polygon& p : cell)
      for (const Point& q : p.outer()) {
        EXPECT_EQ(q.x(), SnapDegrees(q.x()));
        EXPECT_EQ(q.y(), SnapDegrees(q.y()));
      }
    MultiPolygon outside;
    bg::difference(cell, region, outside);
    EXPECT_LT(bg::area(outside), 1e-7 * bg::perimeter(cell)) << "cell " << i << " leaves the region";
  }
  // Cells are disjoint: their areas add up to the area of their union. The union is the region up to
  // the snapping of border crossings to the 1e-7° lattice, exact where the region's edges are
  // axis-parallel with lattice corners.
  MultiPolygon all = UnionAll(part.cells);
  EXPECT_NEAR(total, bg::area(all), 1e-9 * area);
  EXPECT_EQ(all.size(), region.size());
  MultiPolygon diff;
  bg::sym_difference(all, region, diff);
  const double snapping = axis_parallel ? 1e-9 * area : 0.5e-7 * bg::perimeter(region);
  EXPECT_LT(bg::area(diff), snapping);
  EXPECT_NEAR(total, area, snapping);
  // Neighbours share borders vertex for vertex: no vertex lies inside another cell's edge.
  auto lattice = [](const Point& p) { return std::pair{std::llround(p.x() * 1e7), std::llround(p.y() * 1e7)}; };
  std::vector<std::pair<std::pair<long long, long long>, size_t>> vertices;
  std::vector<std::pair<std::pair<long long, long long>, std::pair<long long, long long>>> edges;
  std::vector<size_t> edge_cell;
  for (size_t i = 0; i < part.cells.size(); ++i)
    for (const Polygon& p : part.cells[i]) {
      auto ring = [&](const Ring& r) {
        for (size_t k = 0; k + 1 < r.size(); ++k) {
          vertices.emplace_back(lattice(r[k]), i);
          edges.emplace_back(lattice(r[k]), lattice(r[k + 1]));
          edge_cell.push_back(i);
        }
      };
      ring(p.outer());
      for (const Ring& in : p.inners()) ring(in);
    }
  for (const auto& [v, cell] : vertices)
    for (size_t e = 0; e < edges.size(); ++e) {
      const auto& [a, b] = edges[e];
      if (edge_cell[e] == cell || v == a || v == b) continue;
      __int128 cross = static_cast<__int128>(b.first - a.first) * (v.second - a.second) -
                       static_cast<__int128>(b.second - a.second) * (v.first - a.first);
      bool between = std::min(a.first, b.first) <= v.first && v.first <= std::max(a.first, b.first) &&
                     std::min(a.second, b.second) <= v.second && v.second <= std::max(a.second, b.second);
      EXPECT_FALSE(cross == 0 && between) << "a vertex of cell " << cell << " lies inside an edge of cell "
                                          << edge_cell[e];
    }
  for (size_t i = 0; i < part.cells.size(); ++i)
    for (size_t j = i + 1; j < part.cells.size(); ++j) {
      if (!bg::intersects(bg::return_envelope<Box>(part.cells[i]), bg::return_envelope<Box>(part.cells[j])))
        continue;
      MultiPolygon both;
      bg::intersection(part.cells[i], part.cells[j], both);
      EXPECT_LT(bg::area(both), 1e-12 * area) << "cells " << i << " and " << j;
    }
}

TEST(PartitionTest, Square) {
  auto region = Square();
  auto seeds = Seeds(region, 40, 1);
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
  EXPECT_EQ(part->fragments, 0);
}

TEST(PartitionTest, LShapeIsConcave) {
  auto region = LShape();
  auto seeds = Seeds(region, 60, 2);
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
}

// Coordinates in hundredths of a degree from (118, 35).
Point At(double x, double y) { return {SnapDegrees(118 + x / 100), SnapDegrees(35 + y / 100)}; }

TEST(PartitionTest, FragmentAcrossASlotGoesToANeighbour) {
  // A square with a thin slot up from its bottom side; seed 0 sits just left of the slot, so its
  // Voronoi cell reaches across the slot, where that piece is cut off from the seed.
  Polygon p;
  p.outer() = MakeRing({At(0, 0), At(1.45, 0), At(1.45, 2.5), At(1.55, 2.5), At(1.55, 0), At(3, 0), At(3, 3),
                        At(0, 3)});
  MultiPolygon region{p};
  std::vector<Point> seeds = {At(1.35, 1.0), At(2.7, 0.5), At(2.7, 1.5), At(1.5, 2.8),
                              At(0.3, 0.5), At(0.3, 1.5), At(0.3, 2.7), At(2.7, 2.7)};
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
  EXPECT_GE(part->fragments, 1);
  EXPECT_EQ(part->orphan_fragments, 0);
  for (const MultiPolygon& cell : part->cells) EXPECT_EQ(cell.size(), 1u);  // all connected
  EXPECT_FALSE(bg::covered_by(At(1.65, 1.0), part->cells[0]));
}

TEST(PartitionTest, TwoIslands) {
  auto region = TwoIslands();
  auto seeds = Seeds(region, 50, 3);
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part, true, /*axis_parallel=*/false);
}

TEST(PartitionTest, IslandWithoutSeedGoesToNearestSeed) {
  auto region = TwoIslands();
  std::vector<Point> seeds = {{118.01, 35.01}, {118.07, 35.07}};
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part, true, false);
  EXPECT_EQ(part->cells[0].size() + part->cells[1].size(), 3u);
  EXPECT_EQ(part->orphan_fragments, 1);
}

TEST(PartitionTest, OneSeedGivesTheRegion) {
  auto region = LShape();
  std::vector<Point> seeds = {{118.02, 35.02}};
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
  EXPECT_TRUE(bg::equals(part->cells[0], region));
}

TEST(PartitionTest, CollinearSeeds) {
  auto region = Square();
  std::vector<Point> seeds;
  for (int i = 0; i < 7; ++i) seeds.emplace_back(118.005 + 0.013 * i, 35.05);
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
}

TEST(PartitionTest, CoincidentSeedsAreMovedApart) {
  auto region = Square();
  std::vector<Point> seeds = {{118.05, 35.05}, {118.05, 35.05}, {118.05, 35.05}, {118.02, 35.07}};
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part, /*input_seeds_covered=*/false);
  EXPECT_EQ(part->moved_seeds, 2);
}

TEST(PartitionTest, SeedOnTheBorderIsMovedInside) {
  auto region = Square();
  std::vector<Point> seeds = {{118.0, 35.05}, {118.05, 35.05}};
  auto part = PartitionRegion(region, seeds);
  ASSERT_TRUE(part) << part.error().message;
  ExpectPartition(region, seeds, *part);
  EXPECT_TRUE(bg::within(part->seeds[0], region));
}

TEST(PartitionTest, RejectsSeedOutside) {
  auto part = PartitionRegion(Square(), {{117.9, 35.05}});
  ASSERT_FALSE(part);
  EXPECT_EQ(part.error().code, "invalid_argument");
}

TEST(PartitionTest, IsDeterministic) {
  auto region = TwoIslands();
  auto seeds = Seeds(region, 30, 4);
  auto a = PartitionRegion(region, seeds);
  auto b = PartitionRegion(region, seeds);
  ASSERT_TRUE(a && b);
  for (size_t i = 0; i < seeds.size(); ++i) EXPECT_TRUE(bg::equals(a->cells[i], b->cells[i]));
  { std::ostringstream x, y; x << bg::wkt(a->cells[7]); y << bg::wkt(b->cells[7]); EXPECT_EQ(x.str(), y.str()); }
}

TEST(PartitionTest, RelaxSeedsKeepsSeedsInsideAndSpreadsThem) {
  auto region = LShape();
  auto seeds = Seeds(region, 40, 5);
  auto relaxed = RelaxSeeds(region, seeds, 3);
  ASSERT_TRUE(relaxed) << relaxed.error().message;
  ASSERT_EQ(relaxed->size(), seeds.size());
  for (const Point& p : *relaxed) EXPECT_TRUE(bg::covered_by(p, region));
  auto min_gap = [](const std::vector<Point>& s) {
    double m = 1e9;
    for (size_t i = 0; i < s.size(); ++i)
      for (size_t j = i + 1; j < s.size(); ++j) m = std::min(m, bg::distance(s[i], s[j]));
    return m;
  };
  EXPECT_GT(min_gap(*relaxed), min_gap(seeds));
  auto part = PartitionRegion(region, *relaxed);
  ASSERT_TRUE(part);
  ExpectPartition(region, *relaxed, *part);
}

MultiPolygon Rect(double x0, double y0, double x1, double y1) {
  Polygon p;
  p.outer() = MakeRing({{SnapDegrees(x0), SnapDegrees(y0)}, {SnapDegrees(x1), SnapDegrees(y0)},
                        {SnapDegrees(x1), SnapDegrees(y1)}, {SnapDegrees(x0), SnapDegrees(y1)}});
  return {p};
}

TEST(PartitionTest, UnionAllMergesAdjacentSquares) {
  std::vector<MultiPolygon> parts;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      if (i != 1 || j != 1)  // a real hole
        parts.push_back(Rect(118 + 0.01 * i, 35 + 0.01 * j, 118 + 0.01 * (i + 1), 35 + 0.01 * (j + 1)));
  MultiPolygon u = UnionAll(parts);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].inners().size(), 1u);
  EXPECT_NEAR(bg::area(u), 15e-4, 1e-12);
  std::string why;
  EXPECT_TRUE(bg::is_valid(u, why)) << why;
  EXPECT_TRUE(UnionAll({}).empty());
}

TEST(PartitionTest, UnionAllDropsSliverHolesButKeepsRealOnes) {
  // Four rectangles around a 1e-6° square gap (about 0.01 m²).
  const double a = 118.01, b = 118.010001, c = 35.01, d = 35.010001;
  std::vector<MultiPolygon> parts = {Rect(118, 35, b, c), Rect(b, 35, 118.02, d), Rect(a, d, 118.02, 35.02),
                                     Rect(118, c, a, 35.02)};
  MultiPolygon u = UnionAll(parts);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_TRUE(u[0].inners().empty());
  EXPECT_EQ(UnionAll(parts, 1e-13)[0].inners().size(), 1u);
}

}  // namespace
}  // namespace civicgrid::geo
