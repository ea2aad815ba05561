// The territory API end to end: a real server on a random loopback port over a real store (SQLite, or
// PostgreSQL as pg.TerritoryApi.*).
#include <gtest/gtest.h>

#include <thread>

#include <boost/json.hpp>

#include "app/territory.h"
#include "http/server.h"
#include "http/territory_routes.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/test_guard.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace civicgrid {
namespace {
namespace json = boost::json;
using testing::HttpGet;

using testing::FeatureCollection;
using testing::SquareFeature;

class TerritoryApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_, "api.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    store::TerritoryChange c;
    c.divisions = testing::LiuqingDivisions();
    ASSERT_TRUE(store_->ApplyTerritory(c).ok());
    auto r = app::ImportGrids(*store_, FeatureCollection({SquareFeature("371302004001001", 118.34, 35.04, 118.35, 35.05),
                                                          SquareFeature("371302004001002", 118.35, 35.04, 118.36, 35.05),
                                                          SquareFeature("371302004002001", 118.34, 35.05, 118.36, 35.06)}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    territory_ = std::make_unique<app::TerritoryService>(*store_);
    ASSERT_TRUE(territory_->Refresh().ok());
    router_.SetGuard(testing::SignedInGuard());
    http::AddStandardRoutes(router_, metrics_);
    http::AddTerritoryRoutes(router_, *territory_);
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.log_requests = false;
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }
  void TearDown() override { server_->Stop(); }

  json::value GetJson(const std::string& target, unsigned expect_status = 200) {
    auto reply = HttpGet(port_, target);
    EXPECT_EQ(reply.status, expect_status) << target << ": " << reply.body;
    return json::parse(reply.body);
  }
  void ExpectError(const std::string& target, unsigned status, const std::string& field) {
    auto v = GetJson(target, status);
    EXPECT_EQ(v.at("error").at("field").as_string(), field) << target;
    EXPECT_FALSE(v.at("error").at("message").as_string().empty());
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::TerritoryService> territory_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
};

TEST_F(TerritoryApi, Healthz) { EXPECT_EQ(GetJson("/healthz").at("status").as_string(), "ok"); }

TEST_F(TerritoryApi, DivisionWithPathAndChildren) {
  auto v = GetJson("/api/v1/divisions/371302004");
  EXPECT_EQ(v.at("name").as_string(), "柳青街道");
  EXPECT_EQ(v.at("level").as_string(), "street");
  EXPECT_EQ(v.at("parent").as_string(), "371302");
  const auto& path = v.at("path").as_array();
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(path[3].at("name").as_string(), "山东省");
  const auto& children = v.at("children").as_array();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].at("name").as_string(), "甲社区");
  EXPECT_EQ(children[0].at("grids").as_int64(), 2);
  EXPECT_EQ(v.at("grids").as_int64(), 3);
}

TEST_F(TerritoryApi, GridAsGeoJsonFeature) {
  auto reply = HttpGet(port_, "/api/v1/grids/371302004001002");
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.headers["content-type"].rfind("application/geo+json", 0), 0u);
  auto v = json::parse(reply.body);
  EXPECT_EQ(v.at("type").as_string(), "Feature");
  EXPECT_EQ(v.at("properties").at("community").as_string(), "371302004001");
  EXPECT_EQ(v.at("geometry").at("type").as_string(), "Polygon");
  EXPECT_EQ(v.at("geometry").at("coordinates").at(0).as_array().size(), 5u);
}

TEST_F(TerritoryApi, GridsInBboxByLevel) {
  auto grids = GetJson("/api/v1/grids?bbox=118.355,35.0,118.4,35.045&level=grid");
  ASSERT_EQ(grids.at("features").as_array().size(), 1u);
  EXPECT_EQ(grids.at("features").at(0).at("properties").at("code").as_string(), "371302004001002");
  EXPECT_FALSE(grids.at("truncated").as_bool());

  auto all = GetJson("/api/v1/grids?bbox=118,35,119,36&limit=2");
  EXPECT_EQ(all.at("features").as_array().size(), 2u);
  EXPECT_TRUE(all.at("truncated").as_bool());

  auto communities = GetJson("/api/v1/grids?bbox=118,35,119,36&level=community");
  ASSERT_EQ(communities.at("features").as_array().size(), 2u);
  EXPECT_EQ(communities.at("features").at(1).at("properties").at("name").as_string(), "乙社区");
  auto counties = GetJson("/api/v1/grids?bbox=118,35,119,36&level=county");
  ASSERT_EQ(counties.at("features").as_array().size(), 1u);
  EXPECT_EQ(counties.at("features").at(0).at("properties").at("code").as_string(), "371302");
}

TEST_F(TerritoryApi, LocateInsideOutsideAndGcj02) {
  auto in = GetJson("/api/v1/locate?lon=118.355&lat=35.045");
  EXPECT_TRUE(in.at("inside").as_bool());
  EXPECT_EQ(in.at("grid").at("code").as_string(), "371302004001002");
  EXPECT_EQ(in.at("community").at("name").as_string(), "甲社区");
  EXPECT_EQ(in.at("street").at("code").as_string(), "371302004");
  EXPECT_EQ(in.at("county").at("name").as_string(), "兰山区");
  EXPECT_EQ(in.at("city").at("name").as_string(), "临沂市");

  // On the shared edge x = 118.35 between 001 and 002: the smaller code wins.
  EXPECT_EQ(GetJson("/api/v1/locate?lon=118.35&lat=35.045").at("grid").at("code").as_string(), "371302004001001");

  auto out = GetJson("/api/v1/locate?lon=118.355&lat=35.03");
  EXPECT_FALSE(out.at("inside").as_bool());
  EXPECT_EQ(out.at("grid").at("code").as_string(), "371302004001002");
  EXPECT_NEAR(out.at("distance_m").to_number<double>(), 1112, 3);

  // The GCJ-02 form of a WGS84 point inside 002 locates to 002.
  auto gcj = geo::Wgs84ToGcj02(geo::Point(118.355, 35.045));
  auto g = GetJson("/api/v1/locate?lon=" + std::to_string(gcj.x()) + "&lat=" + std::to_string(gcj.y()) + "&crs=gcj02");
  EXPECT_EQ(g.at("grid").at("code").as_string(), "371302004001002");
  EXPECT_NEAR(g.at("wgs84").at(0).to_number<double>(), 118.355, 1e-6);
}

TEST_F(TerritoryApi, BadInputGetsJsonErrorsNamingTheField) {
  ExpectError("/api/v1/divisions/3713x2", 400, "code");
  ExpectError("/api/v1/divisions/371399", 404, "code");
  ExpectError("/api/v1/grids/371302004", 400, "code");
  ExpectError("/api/v1/grids/371302004001009", 404, "code");
  ExpectError("/api/v1/grids", 400, "bbox");
  ExpectError("/api/v1/grids?bbox=1,2,3", 400, "bbox");
  ExpectError("/api/v1/grids?bbox=119,35,118,36", 400, "bbox");
  ExpectError("/api/v1/grids?bbox=118,35,119,36&level=city", 400, "level");
  ExpectError("/api/v1/grids?bbox=118,35,119,36&limit=0", 400, "limit");
  ExpectError("/api/v1/locate?lat=35", 400, "lon");
  ExpectError("/api/v1/locate?lon=abc&lat=35", 400, "lon");
  ExpectError("/api/v1/locate?lon=118&lat=95", 400, "lat");
  ExpectError("/api/v1/locate?lon=118&lat=35&crs=bd09", 400, "crs");
  auto v = GetJson("/api/v1/nothing-here", 404);
  EXPECT_EQ(v.at("error").at("code").as_string(), "not_found");
}

TEST_F(TerritoryApi, SnapshotSwapsWhenTheStoreChanges) {
  auto r = app::ImportGrids(*store_, FeatureCollection({SquareFeature("371302004002002", 118.36, 35.05, 118.37, 35.06)}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(GetJson("/api/v1/locate?lon=118.365&lat=35.055").at("inside").as_bool());
  auto swapped = territory_->Refresh();
  ASSERT_TRUE(swapped.ok());
  EXPECT_TRUE(*swapped);
  auto v = GetJson("/api/v1/locate?lon=118.365&lat=35.055");
  EXPECT_TRUE(v.at("inside").as_bool());
  EXPECT_EQ(v.at("grid").at("code").as_string(), "371302004002002");
}

TEST_F(TerritoryApi, MetricsCountRequests) {
  GetJson("/api/v1/divisions/371302");
  auto reply = HttpGet(port_, "/metrics");
  ASSERT_EQ(reply.status, 200u);
  EXPECT_NE(reply.body.find("civicgrid_http_requests_total{"), std::string::npos);
  EXPECT_NE(reply.body.find("divisions.get"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid
