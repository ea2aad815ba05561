#include "geo/grid_index.h"

#include <gtest/gtest.h>

#include "geo/crs.h"

namespace civicgrid::geo {
namespace {

Grid Square(const std::string& code, double x0, double y0, double x1, double y1) {
  Grid g;
  g.code = code;
  g.name = code;
  g.community = code.substr(0, 12);
  Polygon p;
  bg::append(p.outer(), Point(x0, y0));
  bg::append(p.outer(), Point(x1, y0));
  bg::append(p.outer(), Point(x1, y1));
  bg::append(p.outer(), Point(x0, y1));
  bg::append(p.outer(), Point(x0, y0));
  bg::correct(p);
  g.shape.push_back(p);
  return g;
}

// Four squares around (118.01, 35.01), given out of code order on purpose.
std::shared_ptr<const GridIndex> FourSquares() {
  return GridIndex::Build({
      Square("371302004001004", 118.01, 35.01, 118.02, 35.02),  // north-east
      Square("371302004001001", 118.00, 35.01, 118.01, 35.02),  // north-west
      Square("371302004001003", 118.01, 35.00, 118.02, 35.01),  // south-east
      Square("371302004001002", 118.00, 35.00, 118.01, 35.01),  // south-west
  });
}

TEST(GridIndex, InteriorPointsFindTheirGrid) {
  auto idx = FourSquares();
  EXPECT_EQ(idx->Find(Point(118.005, 35.015))->code, "371302004001001");
  EXPECT_EQ(idx->Find(Point(118.015, 35.005))->code, "371302004001003");
  EXPECT_EQ(idx->ByCode("371302004001004")->code, "371302004001004");
  EXPECT_EQ(idx->ByCode("371302004001005"), nullptr);
}

TEST(GridIndex, EdgePointsGoToTheSmallestCodeExactlyOnce) {
  auto idx = FourSquares();
  // On the vertical edge between 003 (east) and 002 (west): 002 wins.
  EXPECT_EQ(idx->Find(Point(118.01, 35.005))->code, "371302004001002");
  // On the horizontal edge between 001 (north) and 002 (south): 001 wins.
  EXPECT_EQ(idx->Find(Point(118.005, 35.01))->code, "371302004001001");
  // The corner shared by all four: 001 wins.
  EXPECT_EQ(idx->Find(Point(118.01, 35.01))->code, "371302004001001");
  // The outer boundary belongs to its only grid.
  EXPECT_EQ(idx->Find(Point(118.02, 35.015))->code, "371302004001004");
  // Asking again (and through a rebuilt index) gives the same answer.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(FourSquares()->Find(Point(118.01, 35.005))->code, "371302004001002");
}

TEST(GridIndex, OutsideNamesTheNearestGridAndItsDistance) {
  auto idx = FourSquares();
  // 0.01 degree of latitude south of the south edge: about 1112 m from 002/003's edge; the point's
  // longitude lies inside 003's span.
  Location loc = idx->Locate(Point(118.015, 34.99));
  EXPECT_FALSE(loc.inside);
  ASSERT_NE(loc.grid, nullptr);
  EXPECT_EQ(loc.grid->code, "371302004001003");
  EXPECT_NEAR(loc.distance_m, 1112, 3);
  // East of everything: nearest is 004 or 003 (equidistant edge at x=118.02); y = 35.015 is in 004.
  Location east = idx->Locate(Point(118.03, 35.015));
  EXPECT_EQ(east.grid->code, "371302004001004");
  EXPECT_NEAR(east.distance_m, DistanceMetres(Point(118.02, 35.015), Point(118.03, 35.015)), 2);
  Location inside = idx->Locate(Point(118.001, 35.001));
  EXPECT_TRUE(inside.inside);
  EXPECT_EQ(inside.distance_m, 0);
}

TEST(GridIndex, InBoxListsIntersectingGridsInCodeOrder) {
  auto idx = FourSquares();
  auto hits = idx->InBox(Box(Point(118.012, 35.0), Point(118.03, 35.03)), 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0]->code, "371302004001003");
  EXPECT_EQ(hits[1]->code, "371302004001004");
  EXPECT_EQ(idx->InBox(Box(Point(117, 34), Point(119, 36)), 3).size(), 3u);
}

TEST(GridIndex, EmptyIndexFindsNothing) {
  auto idx = GridIndex::Build({});
  EXPECT_EQ(idx->Find(Point(118, 35)), nullptr);
  EXPECT_EQ(idx->Locate(Point(118, 35)).grid, nullptr);
}

}  // namespace
}  // namespace civicgrid::geo
