// Grid import through the app layer onto a real store (SQLite, or PostgreSQL as pg.GridImport.*): good
// imports, all-or-nothing rejection.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/territory.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace civicgrid {
namespace {

std::string Feature(const std::string& code, double x0, double y0, double x1, double y1) {
  return testing::SquareFeature(code, x0, y0, x1, y1);
}
std::string Collection(const std::vector<std::string>& features) { return testing::FeatureCollection(features); }

class GridImport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_, "t.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    store::TerritoryChange c;
    c.divisions = testing::LiuqingDivisions();
    ASSERT_TRUE(store_->ApplyTerritory(c).ok());
  }
  int64_t Grids() { return store_->CountTerritory()->grids; }
  int64_t Version() { return *store_->TerritoryVersion(); }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(GridImport, GoodImportWritesGridsAndShapesOfAllAncestors) {
  int64_t v0 = Version();
  auto r = app::ImportGrids(*store_, Collection({Feature("371302004001001", 118.00, 35.00, 118.01, 35.01),
                                                 Feature("371302004001002", 118.01, 35.00, 118.02, 35.01),
                                                 Feature("371302004002001", 118.00, 35.01, 118.02, 35.02)}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->grids, 3u);
  EXPECT_EQ(r->shapes, 6u);  // two communities, street, county, city, province
  EXPECT_EQ(Grids(), 3);
  EXPECT_EQ(Version(), v0 + 1);

  auto snap = app::TerritorySnapshot::Load(*store_);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->grids().Find(geo::Point(118.015, 35.005))->code, "371302004001002");
  EXPECT_EQ((*snap)->GridCountUnder("371302004001"), 2u);
  EXPECT_EQ((*snap)->GridCountUnder("3713"), 3u);
  auto shapes = store_->LoadDivisionShapes();
  ASSERT_TRUE(shapes.ok());
  for (const auto& s : *shapes) {
    if (s.code == "371302004") {
      EXPECT_NEAR(geo::bg::area(s.shape), 0.02 * 0.02, 1e-9);  // union of all three
    }
    if (s.code == "371302004001") {
      EXPECT_NEAR(geo::bg::area(s.shape), 0.02 * 0.01, 1e-9);
    }
  }
  auto street = (*snap)->ShapesInBox(Level::kStreet, geo::Box(geo::Point(118, 35), geo::Point(118.1, 35.1)), 10);
  ASSERT_EQ(street.size(), 1u);
  EXPECT_EQ(street[0].division->name, "柳青街道");
}

TEST_F(GridImport, ReimportReplacesByCode) {
  ASSERT_TRUE(app::ImportGrids(*store_, Collection({Feature("371302004001001", 118.00, 35.00, 118.01, 35.01)})).ok());
  ASSERT_TRUE(app::ImportGrids(*store_, Collection({Feature("371302004001001", 118.10, 35.10, 118.11, 35.11)})).ok());
  EXPECT_EQ(Grids(), 1);
  auto snap = app::TerritorySnapshot::Load(*store_);
  EXPECT_EQ((*snap)->grids().Find(geo::Point(118.005, 35.005)), nullptr);
  EXPECT_NE((*snap)->grids().Find(geo::Point(118.105, 35.105)), nullptr);
}

TEST_F(GridImport, OneBadFeatureRejectsTheWholeFileAndWritesNothing) {
  ASSERT_TRUE(app::ImportGrids(*store_, Collection({Feature("371302004001001", 118.00, 35.00, 118.01, 35.01)})).ok());
  int64_t v = Version();
  auto r = app::ImportGrids(*store_, Collection({Feature("371302004001002", 118.01, 35.00, 118.02, 35.01),
                                                 Feature("371302004001003", 118.02, 35.00, 218.03, 35.01)}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("feature 1 (code 371302004001003)"), std::string::npos) << r.error().message;
  EXPECT_EQ(Grids(), 1);
  EXPECT_EQ(Version(), v);
}

TEST_F(GridImport, UnknownCommunityIsNamed) {
  auto r = app::ImportGrids(*store_, Collection({Feature("371302004001001", 118.00, 35.00, 118.01, 35.01),
                                                 Feature("371302004009001", 118.01, 35.00, 118.02, 35.01)}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "community");
  EXPECT_NE(r.error().message.find("feature 1 (code 371302004009001): community '371302004009' does not exist"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(Grids(), 0);
}

TEST_F(GridImport, EmptyCollectionIsRejected) {
  EXPECT_FALSE(app::ImportGrids(*store_, Collection({})).ok());
}

TEST_F(GridImport, ReopeningMigratesNothingTwice) {
  store_.reset();
  auto again = testing::OpenTestStore(dir_, "t.db");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->CountTerritory()->divisions, 6);
}

TEST(Store, AServerThatCannotBeReachedIsAClearError) {
  // Nothing listens on port 1 of the loopback address.
  testing::TempDir dir;
  auto pg = store::OpenStore("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=5", dir.File("k.key"));
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().field, "db");
  EXPECT_NE(pg.error().message.find("cannot connect to PostgreSQL"), std::string::npos) << pg.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.File("k.key")));  // nothing made for an unreachable server
  // A PostgreSQL database needs a keyring named (one file for every app node).
  auto keyless = store::OpenStore("postgresql://postgres@127.0.0.1:1/postgres");
  ASSERT_FALSE(keyless.ok());
  EXPECT_EQ(keyless.error().field, "key_file");
}

TEST(Store, ABadSqlitePathIsAClearError) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "SQLite file check: opens a SQLite path";
  auto bad = store::OpenStore("/nonexistent-dir/x/y.db");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("cannot open database"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid
