// The demo territory from real data: built once into a temporary database, then checked against what
// the source articles report and against the locate index.
#include <gtest/gtest.h>

#include <map>

#include "app/territory.h"
#include "demo/demo_territory.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace civicgrid {
namespace {

class DemoTerritory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto s = store::SqliteStore::Open(dir_->File("demo.db"));
    ASSERT_TRUE(s.ok());
    store_ = s->release();
    demo::DemoOptions o;
    o.data_dir = std::string(CIVICGRID_SOURCE_DIR) + "/data/territory";
    auto r = demo::BuildDemoTerritory(*store_, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto t = app::TerritorySnapshot::Load(*store_);
    ASSERT_TRUE(t.ok());
    territory_ = new std::shared_ptr<const app::TerritorySnapshot>(*t);
  }
  static void TearDownTestSuite() {
    delete territory_;
    delete store_;
    delete dir_;
  }
  const app::TerritorySnapshot& T() { return **territory_; }

  static testing::TempDir* dir_;
  static store::SqliteStore* store_;
  static std::shared_ptr<const app::TerritorySnapshot>* territory_;
};
testing::TempDir* DemoTerritory::dir_;
store::SqliteStore* DemoTerritory::store_;
std::shared_ptr<const app::TerritorySnapshot>* DemoTerritory::territory_;

TEST_F(DemoTerritory, LinyiHasAbout12000GridsAndOtherCitiesASimilarDensity) {
  size_t linyi = T().GridCountUnder("3713");
  EXPECT_GE(linyi, 10800u);
  EXPECT_LE(linyi, 13200u);
  for (const char* city : {"3702", "3703", "3704", "3717"}) {
    size_t communities = 0;
    for (const Division* county : T().Children(city))
      for (const Division* street : T().Children(county->code)) communities += T().Children(street->code).size();
    double per_community = static_cast<double>(T().GridCountUnder(city)) / static_cast<double>(communities);
    EXPECT_NEAR(per_community, 12000.0 / 4186.0, 0.3) << city;
  }
}

TEST_F(DemoTerritory, EveryCommunityHasGridsAndEveryGridIsUnderItsCommunity) {
  std::map<std::string, int> per_community;
  for (const auto& g : T().grids().grids()) {
    ASSERT_EQ(g.code.size(), 15u);
    ASSERT_EQ(g.code.substr(0, 12), g.community);
    ASSERT_TRUE(ValidateCode(g.code).ok()) << g.code;
    ++per_community[g.community];
  }
  for (const char* city : {"3702", "3703", "3704", "3713", "3717"})
    for (const Division* county : T().Children(city))
      for (const Division* street : T().Children(county->code))
        for (const Division* community : T().Children(street->code))
          EXPECT_GT(per_community[community->code], 0) << community->code;
}

TEST_F(DemoTerritory, TheCentroidOfEveryGridLocatesToThatGrid) {
  size_t wrong = 0;
  for (const auto& g : T().grids().grids()) {
    geo::Point c;
    geo::bg::centroid(g.shape, c);
    const geo::Grid* found = T().grids().Find(c);
    if (!found || found->code != g.code) {
      if (++wrong < 10) ADD_FAILURE() << g.code << " centroid locates to " << (found ? found->code : "nothing");
    }
  }
  EXPECT_EQ(wrong, 0u);
}

TEST_F(DemoTerritory, TheLanshanPointOfTheIssueLocatesToLanshan) {
  auto a = app::Locate(T(), geo::Point(118.35, 35.05), geo::Crs::kWgs84);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->inside);
  EXPECT_EQ(a->path.front()->code.substr(0, 6), "371302");
  EXPECT_EQ(a->path[3]->name, "兰山区");
}

TEST_F(DemoTerritory, LiuqingStreetHasItsRealCommunities) {
  const Division* d = T().Get("371302004");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->name, "柳青街道");
  auto communities = T().Children("371302004");
  EXPECT_GE(communities.size(), 5u);
  for (const Division* c : communities) EXPECT_EQ(c->level, Level::kCommunity);
}

TEST_F(DemoTerritory, DevelopmentZonesHaveGridsCarvedFromTheirHost) {
  EXPECT_GT(T().GridCountUnder("371371"), 0u);  // 临沂高新区, carved from 罗庄区
  EXPECT_GT(T().GridCountUnder("371771"), 0u);  // 菏泽经开区, from 牡丹区
  EXPECT_GT(T().GridCountUnder("371772"), 0u);
  EXPECT_EQ(T().Get("370215")->name, "即墨区");  // boundary re-coded from 即墨市 370282
  EXPECT_GT(T().GridCountUnder("370215"), 0u);
}

TEST_F(DemoTerritory, CountyShapesExistForDrawing) {
  auto counties = T().ShapesInBox(Level::kCounty, geo::Box(geo::Point(115, 33), geo::Point(122, 38)), 100);
  EXPECT_EQ(counties.size(), 48u);  // 45 boundaries + 3 development zones
}

}  // namespace
}  // namespace civicgrid
