#include "support/heating_world.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "support/fixtures.h"

namespace civicgrid::testing {

Timestamp NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void BuildHeatingWorld(store::Store& store, HeatingWorld& world) {
  store::TerritoryChange c;
  c.divisions = LiuqingDivisions();
  ASSERT_TRUE(store.ApplyTerritory(c).ok());
  auto g = app::ImportGrids(store, FeatureCollection({SquareFeature("371302004001001", 118.34, 35.04, 118.35, 35.05),
                                                      SquareFeature("371302004001002", 118.35, 35.04, 118.36, 35.05)}));
  ASSERT_TRUE(g.ok()) << g.error().message;
  world.territory = std::make_unique<app::TerritoryService>(store);
  ASSERT_TRUE(world.territory->Refresh().ok());
  world.reference = std::make_unique<app::ReferenceService>(store);
  ASSERT_TRUE(world.reference->Refresh().ok());
  Unit center{0, "柳青街道网格化服务管理中心", UnitKind::kCommandCenter, "371302004", "", true};
  ASSERT_TRUE(world.reference->PutUnit(center).ok());
  auto heating = world.reference->PutUnit(Unit{0, "兰山区供热公司", UnitKind::kCompany, "371302", "", true});
  ASSERT_TRUE(heating.ok()) << heating.error().message;
  world.heating = heating->id;
  Category major;
  major.code = "01";
  major.name = "供热";
  major.acknowledge = {TimeLimitKind::kWorkingHours, 2};
  major.handle = {TimeLimitKind::kWorkingDays, 2};
  major.verify = {TimeLimitKind::kWorkingDays, 1};
  major.level = Level::kCounty;
  ASSERT_TRUE(world.reference->PutCategory(major).ok());
  Category minor = major;
  minor.code = "0101";
  minor.name = "暖气不热";
  minor.parent = "01";
  ASSERT_TRUE(world.reference->PutCategory(minor).ok());
  RoutingRule rule{0, "01", "371302", world.heating, {}, ""};
  ASSERT_TRUE(world.reference->PutRoutingRule(rule).ok());

  app::AccountOptions ao;
  ao.password_cost = app::PasswordCost::kMinimal;
  world.accounts = std::make_unique<app::AccountService>(store, ao, [] { return NowSeconds(); });
  const std::map<std::string, std::string> users{{"operator", "operator@371302"},
                                                 {"unit_staff", "unit_staff#" + std::to_string(world.heating)}};
  for (const auto& [name, grant] : users) {
    auto gr = ParseGrant(grant);
    ASSERT_TRUE(gr.ok());
    ASSERT_TRUE(world.accounts->AddUser(app::NewUser{name, name, "password of " + name, {*gr}}, {"test", ""}).ok());
  }
}

}  // namespace civicgrid::testing
