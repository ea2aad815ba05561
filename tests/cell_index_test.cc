#include "geo/cell_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace civicgrid::geo {
namespace {

Polygon Quad(Point a, Point b, Point c, Point d) {
  Polygon p;
  for (const Point& v : {a, b, c, d, a}) bg::append(p.outer(), v);
  bg::correct(p);
  return p;
}

Grid GridOf(MultiPolygon shape) {
  Grid g;
  g.shape = std::move(shape);
  return g;
}

Grid Square(double x0, double y0, double x1, double y1) {
  return GridOf({Quad(Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1))});
}

// The smallest i whose shape Boost.Geometry says covers p.
struct BruteForce {
  explicit BruteForce(const std::vector<Grid>& g) : grids(g) {
    for (const Grid& grid : grids) boxes.push_back(bg::return_envelope<Box>(grid.shape));
  }
  uint32_t Find(const Point& p) const {
    for (uint32_t i = 0; i < grids.size(); ++i)
      if (bg::covered_by(p, boxes[i]) && bg::covered_by(p, grids[i].shape)) return i;
    return CellIndex::kNone;
  }
  const std::vector<Grid>& grids;
  std::vector<Box> boxes;
};

// Distance from p to the nearest segment of any ring of any grid.
double BoundaryDistance(const std::vector<Grid>& grids, const Point& p) {
  double best = std::numeric_limits<double>::infinity();
  auto ring = [&](const Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i) best = std::min(best, bg::distance(p, Segment(r[i], r[i + 1])));
  };
  for (const Grid& g : grids)
    for (const Polygon& poly : g.shape) {
      ring(poly.outer());
      for (const Ring& h : poly.inners()) ring(h);
    }
  return best;
}

TEST(CellIndex, EmptyAndFarAwayAndNaN) {
  EXPECT_EQ(CellIndex().Find(Point(118, 35)), CellIndex::kNone);
  EXPECT_EQ(CellIndex(std::vector<Grid>{}).Find(Point(118, 35)), CellIndex::kNone);
  CellIndex idx({Square(118, 35, 118.01, 35.01)});
  EXPECT_EQ(idx.Find(Point(118.005, 35.005)), 0u);
  EXPECT_EQ(idx.Find(Point(-118, 35)), CellIndex::kNone);
  EXPECT_EQ(idx.Find(Point(1e300, -1e300)), CellIndex::kNone);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(idx.Find(Point(nan, 35.005)), CellIndex::kNone);
  EXPECT_GT(idx.bytes(), 0u);
  // A grid without a shape covers nothing and does not disturb the others.
  CellIndex with_empty({Grid{}, Square(118, 35, 118.01, 35.01)});
  EXPECT_EQ(with_empty.Find(Point(118.005, 35.005)), 1u);
  EXPECT_EQ(CellIndex({Grid{}}).Find(Point(118.005, 35.005)), CellIndex::kNone);
}

TEST(CellIndex, SharedEdgesAndCornersGoToTheSmallestIndex) {
  // 0 = south-west, 1 = north-west, 2 = south-east, 3 = north-east of (118.01, 35.01).
  CellIndex idx({Square(118.00, 35.00, 118.01, 35.01), Square(118.00, 35.01, 118.01, 35.02),
                 Square(118.01, 35.00, 118.02, 35.01), Square(118.01, 35.01, 118.02, 35.02)});
  EXPECT_EQ(idx.Find(Point(118.015, 35.015)), 3u);
  EXPECT_EQ(idx.Find(Point(118.01, 35.01)), 0u);    // the corner of all four
  EXPECT_EQ(idx.Find(Point(118.01, 35.015)), 1u);   // between 1 and 3
  EXPECT_EQ(idx.Find(Point(118.015, 35.01)), 2u);   // between 2 and 3
  EXPECT_EQ(idx.Find(Point(118.02, 35.015)), 3u);   // outer boundary
  EXPECT_EQ(idx.Find(Point(118.02, 35.02)), 3u);    // outer corner
  EXPECT_EQ(idx.Find(Point(118.0200001, 35.015)), CellIndex::kNone);
}

TEST(CellIndex, HolesAndIslands) {
  // A square with a square hole, and an island inside the hole as a second grid.
  Polygon ring = Quad(Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10));
  Ring hole;
  for (const Point& v : {Point(3, 3), Point(3, 7), Point(7, 7), Point(7, 3), Point(3, 3)}) bg::append(hole, v);
  ring.inners().push_back(hole);
  bg::correct(ring);
  Grid with_hole = GridOf({ring});
  // A grid of two polygons: one far away, one in the hole.
  Grid two_parts = GridOf({Quad(Point(20, 20), Point(21, 20), Point(21, 21), Point(20, 21)),
                           Quad(Point(4, 4), Point(6, 4), Point(6, 6), Point(4, 6))});
  CellIndex idx({with_hole, two_parts});
  EXPECT_EQ(idx.Find(Point(1, 1)), 0u);
  EXPECT_EQ(idx.Find(Point(3.5, 5)), CellIndex::kNone);  // in the hole, outside the island
  EXPECT_EQ(idx.Find(Point(3, 5)), 0u);                   // on the hole's boundary
  EXPECT_EQ(idx.Find(Point(5, 5)), 1u);                   // on the island
  EXPECT_EQ(idx.Find(Point(20.5, 20.5)), 1u);             // the other part
  EXPECT_EQ(idx.Find(Point(15, 15)), CellIndex::kNone);
}

// A partition of a jittered lattice into quadrilaterals (neighbours share exact vertices, edges are
// slanted), with a few large grids, on lattice lines inside it, laid over it that span many cells.
std::vector<Grid> JitteredPartition(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  auto at = [](double i, double j) { return Point(118 + 0.001 * i, 35 + 0.001 * j); };
  std::vector<std::vector<Point>> v(n + 1, std::vector<Point>(n + 1));
  for (int i = 0; i <= n; ++i)
    for (int j = 0; j <= n; ++j) {
      const bool border = i == 0 || j == 0 || i == n || j == n;
      v[i][j] = border ? at(i, j) : at(i + jitter(rng), j + jitter(rng));
    }
  std::vector<Grid> grids;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) grids.push_back(GridOf({Quad(v[i][j], v[i + 1][j], v[i + 1][j + 1], v[i][j + 1])}));
  for (int k = 0; k < 3; ++k) {
    const Point lo = at(1 + n * k / 4, 1 + n * k / 5), hi = at(1 + n * k / 4 + n / 3, 1 + n * k / 5 + n / 4);
    grids.insert(grids.begin() + k * 7, Square(lo.x(), lo.y(), hi.x(), hi.y()));
  }
  return grids;
}

TEST(CellIndex, AgreesWithBoostGeometryAwayFromEdges) {
  std::mt19937_64 rng(7);
  const std::vector<Grid> grids = JitteredPartition(rng, 40);
  CellIndex idx(grids);
  const BruteForce brute(grids);
  std::uniform_real_distribution<double> x(117.99, 118.05), y(34.99, 35.05);
  int near_edge = 0;
  for (int k = 0; k < 5000; ++k) {
    const Point p(x(rng), y(rng));
    const uint32_t ours = idx.Find(p), boost = brute.Find(p);
    if (ours == boost) continue;
    // Boost.Geometry's side test has a tolerance: they may differ a rounding error away from an edge.
    ASSERT_LT(BoundaryDistance(grids, p), 1e-12) << bg::wkt(p) << ": " << ours << " vs " << boost;
    ++near_edge;
  }
  EXPECT_LT(near_edge, 5);
  // Every vertex lies exactly on the boundary of the grids that have it.
  for (const Grid& g : grids)
    for (const Point& p : g.shape.front().outer()) ASSERT_EQ(idx.Find(p), brute.Find(p)) << bg::wkt(p);
}

TEST(CellIndex, NoGapAlongSharedEdges) {
  // Points on or a rounding error away from the slanted edges inside the partition are in some grid.
  std::mt19937_64 rng(11);
  const std::vector<Grid> grids = JitteredPartition(rng, 20);
  CellIndex idx(grids);
  std::uniform_real_distribution<double> t(0.0, 1.0);
  int tried = 0;
  for (const Grid& g : grids) {
    const Ring& r = g.shape.front().outer();
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      const Point& a = r[i];
      const Point& b = r[i + 1];
      for (int k = 0; k < 50; ++k) {
        const double s = t(rng);
        Point p(a.x() + s * (b.x() - a.x()), a.y() + s * (b.y() - a.y()));
        p.x(std::nextafter(p.x(), k % 2 ? 200.0 : 0.0));
        const bool on_border = std::abs(p.x() - 118) < 1e-9 || std::abs(p.x() - 118.02) < 1e-9 ||
                               std::abs(p.y() - 35) < 1e-9 || std::abs(p.y() - 35.02) < 1e-9;
        if (on_border) continue;
        ++tried;
        ASSERT_NE(idx.Find(p), CellIndex::kNone) << bg::wkt(p);
      }
    }
  }
  EXPECT_GT(tried, 1000);
}

}  // namespace
}  // namespace civicgrid::geo
