// Routing (core/routing.h): which unit a case goes to, and why.
//
// The fixture: county 371302 (兰山区) with street 371302004 (柳青街道), its community 371302004001 and
// grid 371302004001001; a sibling street 371302005; another county 371311.
#include "core/routing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace civicgrid {
namespace {

constexpr const char* kCounty = "371302";
constexpr const char* kStreet = "371302004";
constexpr const char* kCommunity = "371302004001";
constexpr const char* kGrid = "371302004001001";
constexpr const char* kOtherStreetGrid = "371302005001001";
constexpr const char* kOtherCountyGrid = "371311001001001";

Unit MakeUnit(int64_t id, std::string name, UnitKind kind, std::string territory, bool active = true) {
  Unit u;
  u.id = id;
  u.name = std::move(name);
  u.kind = kind;
  u.territory = std::move(territory);
  u.calendar = "cal-" + std::to_string(id);
  u.active = active;
  return u;
}

RoutingRule MakeRule(int64_t id, std::string category, std::string territory, int64_t unit,
                     std::vector<int64_t> co_units = {}) {
  RoutingRule r;
  r.id = id;
  r.category = std::move(category);
  r.territory = std::move(territory);
  r.unit = unit;
  r.co_units = std::move(co_units);
  return r;
}

std::vector<Unit> Units() {
  return {
      MakeUnit(1, "兰山区指挥中心", UnitKind::kCommandCenter, kCounty),
      MakeUnit(2, "柳青街道指挥中心", UnitKind::kCommandCenter, kStreet),
      MakeUnit(3, "区城管局", UnitKind::kDepartment, kCounty),
      MakeUnit(4, "柳青街道城管办", UnitKind::kDepartment, kStreet),
      MakeUnit(5, "某社区居委会", UnitKind::kCommittee, kCommunity),
      MakeUnit(6, "已撤销的科室", UnitKind::kDepartment, kStreet, /*active=*/false),
      MakeUnit(7, "罗庄区城管局", UnitKind::kDepartment, "371311"),
      MakeUnit(8, "供电公司", UnitKind::kCompany, kCounty),
      MakeUnit(9, "已停业的公司", UnitKind::kCompany, kCounty, /*active=*/false),
  };
}

// Rules for category 0101 at county, street and community; a major rule (01) at the community; a
// 0101 rule for another county; and rules for other categories (0102, 02) that must never be listed.
std::vector<RoutingRule> Rules() {
  return {
      MakeRule(50, "0101", "371311", 7),
      MakeRule(10, "0101", kCounty, 3),
      MakeRule(40, "01", kCommunity, 3),
      MakeRule(20, "0101", kStreet, 4, {8, 9}),
      MakeRule(30, "0101", kCommunity, 5),
      MakeRule(60, "0102", kCommunity, 4),
      MakeRule(70, "02", kCounty, 3),
  };
}

const RuleVerdict* VerdictOf(const RoutingDecision& d, int64_t rule) {
  for (const auto& v : d.rules)
    if (v.rule == rule) return &v;
  return nullptr;
}

std::vector<int64_t> ListedRules(const RoutingDecision& d) {
  std::vector<int64_t> out;
  for (const auto& v : d.rules) out.push_back(v.rule);
  return out;
}

TEST(Route, TheLongestTerritoryWins) {
  const auto units = Units();
  const auto rules = Rules();
  // At the grid: county (10), street (20), community (30, minor; 40, major) all contain it → 30.
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->target.unit, 5);
  EXPECT_EQ(d->target.rule, 30);
  EXPECT_FALSE(d->fallback);
  EXPECT_TRUE(d->target.co_units.empty());
  EXPECT_EQ(d->target.calendar, "cal-5");
  EXPECT_EQ(d->target.reason, "rule 30: category 0101 in 371302004001 → 某社区居委会");
  // Known only at the street: the community rules do not contain it → the street rule 20.
  d = Route(rules, units, "0101", kStreet);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 20);
  EXPECT_EQ(d->target.unit, 4);
  // Known only at the county → the county rule 10.
  d = Route(rules, units, "0101", kCounty);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 10);
  EXPECT_EQ(d->target.unit, 3);
  // In a sibling street: only the county rule contains it.
  d = Route(rules, units, "0101", kOtherStreetGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 10);
  // In the other county: its own rule, and none of this county's.
  d = Route(rules, units, "0101", kOtherCountyGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 50);
  EXPECT_EQ(d->target.unit, 7);
}

TEST(Route, TheOrderOfTheRulesDoesNotMatter) {
  const auto units = Units();
  auto rules = Rules();
  std::reverse(rules.begin(), rules.end());
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 30);
  std::rotate(rules.begin(), rules.begin() + 3, rules.end());
  d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 30);
}

TEST(Route, MinorBeatsMajorAtEqualTerritoryButNotALongerTerritory) {
  const auto units = Units();
  // 30 (minor) and 40 (major) at the community: 30, even though both orders and ids are tried.
  for (int64_t minor_id : {30, 45}) {
    std::vector<RoutingRule> rules = {MakeRule(40, "01", kCommunity, 3), MakeRule(minor_id, "0101", kCommunity, 5)};
    auto d = Route(rules, units, "0101", kGrid);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->target.rule, minor_id);
    EXPECT_EQ(d->target.unit, 5);
  }
  // Without the community's minor rule: the major rule at the community (12 digits) beats the minor rule
  // at the street (9 digits).
  std::vector<RoutingRule> rules = {MakeRule(20, "0101", kStreet, 4), MakeRule(40, "01", kCommunity, 3)};
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 40);
  EXPECT_EQ(d->target.unit, 3);
  // A major rule covers all its minors; a minor rule never covers its major or a sibling minor.
  d = Route(rules, units, "0199", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 40);
  EXPECT_EQ(ListedRules(*d), std::vector<int64_t>{40});
  d = Route(rules, units, "01", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 40);
  EXPECT_EQ(ListedRules(*d), std::vector<int64_t>{40});
}

TEST(Route, LowerIdAtAFullTie) {
  const auto units = Units();
  std::vector<RoutingRule> rules = {MakeRule(25, "0101", kStreet, 4), MakeRule(22, "0101", kStreet, 3),
                                    MakeRule(23, "0101", kStreet, 5)};
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 22);
  EXPECT_EQ(d->target.unit, 3);
  ASSERT_NE(VerdictOf(*d, 25), nullptr);
  EXPECT_EQ(VerdictOf(*d, 25)->why, "matches category 0101 in territory 371302004: rule 22 wins (equally "
                                    "specific, lower id)");
}

TEST(Route, RulesForOtherTerritoriesAndCategoriesAreIgnored) {
  const auto units = Units();
  std::vector<RoutingRule> rules = {MakeRule(1, "0101", "371311", 7), MakeRule(2, "0101", "371302005", 4),
                                    MakeRule(3, "0102", kCommunity, 4),
                                    MakeRule(4, "02", kCounty, 3), MakeRule(5, "0101", "371302004002", 5)};
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fallback);  // none contains the grid
  EXPECT_EQ(d->target.unit, 2);
  EXPECT_EQ(ListedRules(*d), (std::vector<int64_t>{1, 2, 5}));  // 0102 and 02 are not this case's category
  for (const auto& v : d->rules) EXPECT_FALSE(v.candidate) << v.rule;
  EXPECT_EQ(VerdictOf(*d, 2)->why, "territory 371302005 does not contain 371302004001001");
  // A rule deeper than the case's known territory does not contain it either.
  rules = {MakeRule(9, "0101", kGrid, 5)};
  d = Route(rules, units, "0101", kCommunity);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fallback);
  EXPECT_FALSE(d->rules.at(0).candidate);
}

TEST(Route, InactiveOrMissingUnitsAreSkipped) {
  auto units = Units();
  std::vector<RoutingRule> rules = Rules();
  rules.push_back(MakeRule(35, "0101", kCommunity, 6));   // unit 6 is inactive
  rules.push_back(MakeRule(36, "0101", kCommunity, 99));  // no unit 99
  units[4].active = false;                                // unit 5 (rule 30's)
  auto d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  // 30, 35, 36 are out; of the rest at the community, the major rule 40.
  EXPECT_EQ(d->target.rule, 40);
  EXPECT_EQ(d->target.unit, 3);
  for (int64_t id : {30, 35, 36}) {
    const RuleVerdict* v = VerdictOf(*d, id);
    ASSERT_NE(v, nullptr) << id;
    EXPECT_FALSE(v->candidate) << id;
  }
  EXPECT_EQ(VerdictOf(*d, 30)->why, "unit 5 is missing or inactive");
  EXPECT_EQ(VerdictOf(*d, 36)->why, "unit 99 is missing or inactive");
}

TEST(Route, CoUnitsAreCarriedExceptInactiveOnes) {
  const auto units = Units();
  auto d = Route(Rules(), units, "0101", kStreet);  // rule 20: unit 4, co-units 8 and 9 (inactive)
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 20);
  EXPECT_EQ(d->target.co_units, std::vector<int64_t>{8});
  EXPECT_EQ(d->target.calendar, "cal-4");
  std::vector<RoutingRule> rules = {MakeRule(1, "0101", kStreet, 4, {8, 3, 99})};
  d = Route(rules, units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.co_units, (std::vector<int64_t>{8, 3}));  // in the rule's order; 99 does not exist
}

TEST(Route, FallsBackToTheStreetsCenterThenTheCountys) {
  auto units = Units();
  // No rule for 0301.
  auto d = Route(Rules(), units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fallback);
  EXPECT_EQ(d->target.unit, 2);
  EXPECT_EQ(d->target.rule, 0);
  EXPECT_TRUE(d->target.co_units.empty());
  EXPECT_EQ(d->target.calendar, "cal-2");
  EXPECT_NE(d->target.reason.find("属地兜底"), std::string::npos) << d->target.reason;
  EXPECT_NE(d->target.reason.find("柳青街道指挥中心"), std::string::npos) << d->target.reason;
  EXPECT_TRUE(d->rules.empty());
  // A grid in a street without a center → the county's.
  d = Route(Rules(), units, "0301", kOtherStreetGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fallback);
  EXPECT_EQ(d->target.unit, 1);
  // The street's center inactive → the county's.
  units[1].active = false;
  d = Route(Rules(), units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.unit, 1);
  EXPECT_EQ(d->target.calendar, "cal-1");
  // A non-center unit at the street never serves as fallback.
  units.push_back(MakeUnit(11, "街道办公室", UnitKind::kDepartment, kStreet));
  d = Route(Rules(), units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.unit, 1);
  // A center of the community (below the street) is not the fallback either: it starts at the street.
  units.push_back(MakeUnit(12, "社区工作站", UnitKind::kCommandCenter, kCommunity));
  d = Route(Rules(), units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.unit, 1);
  // Rules that all fail still fall back, and are all explained.
  std::vector<RoutingRule> rules = {MakeRule(1, "0301", "371311", 7)};
  d = Route(rules, units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fallback);
  EXPECT_EQ(d->target.unit, 1);
  EXPECT_EQ(ListedRules(*d), std::vector<int64_t>{1});
}

TEST(Route, NotFoundWhenNoRuleAndNoCenter) {
  std::vector<Unit> units = {MakeUnit(3, "区城管局", UnitKind::kDepartment, kCounty),
                             MakeUnit(1, "兰山区指挥中心", UnitKind::kCommandCenter, kCounty, false)};
  auto d = Route(Rules(), units, "0301", kGrid);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "not_found");
  EXPECT_EQ(d.error().field, "unit");
  // A city or province center up the chain still serves.
  units.push_back(MakeUnit(100, "临沂市指挥中心", UnitKind::kCommandCenter, "3713"));
  d = Route(Rules(), units, "0301", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.unit, 100);
  EXPECT_TRUE(Route({}, {}, "0101", kGrid).ok() == false);
}

TEST(Route, TheExplanationListsEveryRuleForTheCategory) {
  const auto units = Units();
  auto d = Route(Rules(), units, "0101", kGrid);
  ASSERT_TRUE(d.ok());
  // Rules 10, 20, 30, 40 (major 01), 50; never 60 (0102) or 70 (02). In id order.
  EXPECT_EQ(ListedRules(*d), (std::vector<int64_t>{10, 20, 30, 40, 50}));
  struct Want {
    int64_t rule;
    bool candidate;
    std::string why;
  };
  const std::vector<Want> want = {
      {10, true, "matches category 0101 in territory 371302: rule 30 wins (more specific territory)"},
      {20, true, "matches category 0101 in territory 371302004: rule 30 wins (more specific territory)"},
      {30, true, "matches category 0101 in territory 371302004001: chosen (most specific)"},
      {40, true,
       "matches category 01 in territory 371302004001: rule 30 wins (the minor category's rule at the same "
       "territory)"},
      {50, false, "territory 371311 does not contain 371302004001001"},
  };
  ASSERT_EQ(d->rules.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(d->rules[i].rule, want[i].rule);
    EXPECT_EQ(d->rules[i].candidate, want[i].candidate) << want[i].rule;
    EXPECT_EQ(d->rules[i].why, want[i].why) << want[i].rule;
  }
}

TEST(Route, TheTableGivesTheSameAnswerAsTheOneOffFunction) {
  const auto units = Units();
  const auto rules = Rules();
  RoutingTable table(rules, units);
  for (const char* territory : {kGrid, kStreet, kCounty, kOtherStreetGrid, kOtherCountyGrid}) {
    for (const char* category : {"0101", "0102", "01", "0301"}) {
      auto a = table.Route(category, territory);
      auto b = Route(rules, units, category, territory);
      ASSERT_EQ(a.ok(), b.ok());
      if (!a.ok()) continue;
      EXPECT_EQ(a->target.unit, b->target.unit) << category << " " << territory;
      EXPECT_EQ(a->target.rule, b->target.rule);
      EXPECT_EQ(a->fallback, b->fallback);
      EXPECT_EQ(ListedRules(*a), ListedRules(*b));
    }
  }
  // 0102 at the grid: rule 60 (minor 0102, community) beats 40 (major 01, community).
  auto d = table.Route("0102", kGrid);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.rule, 60);
  EXPECT_EQ(ListedRules(*d), (std::vector<int64_t>{40, 60}));
  ASSERT_NE(table.UnitById(4), nullptr);
  EXPECT_EQ(table.UnitById(4)->name, "柳青街道城管办");
  EXPECT_EQ(table.UnitById(404), nullptr);
}

TEST(CenterAtOrAboveTest, WalksUpTheChain) {
  auto units = Units();
  units.push_back(MakeUnit(12, "社区工作站", UnitKind::kCommandCenter, kCommunity));
  units.push_back(MakeUnit(100, "临沂市指挥中心", UnitKind::kCommandCenter, "3713"));
  auto id = [&](std::string_view territory, Level level) {
    const Unit* u = CenterAtOrAbove(units, territory, level);
    return u ? u->id : int64_t{0};
  };
  EXPECT_EQ(id(kGrid, Level::kGrid), 12);       // no grid center → the community's
  EXPECT_EQ(id(kGrid, Level::kCommunity), 12);
  EXPECT_EQ(id(kGrid, Level::kStreet), 2);
  EXPECT_EQ(id(kGrid, Level::kCounty), 1);
  EXPECT_EQ(id(kGrid, Level::kCity), 100);
  EXPECT_EQ(id(kGrid, Level::kProvince), 0);    // no province center
  EXPECT_EQ(id(kStreet, Level::kGrid), 2);      // starts at the territory's own level
  EXPECT_EQ(id(kCounty, Level::kStreet), 1);
  EXPECT_EQ(id(kOtherStreetGrid, Level::kStreet), 1);  // no center in 371302005
  EXPECT_EQ(id(kOtherCountyGrid, Level::kStreet), 100);  // 371311 has none; the city's
  EXPECT_EQ(id("3714", Level::kStreet), 0);
  EXPECT_EQ(id("12345", Level::kStreet), 0);    // not a code length
  EXPECT_EQ(id("", Level::kStreet), 0);
  // Inactive centers are skipped; several centers for one division → the lowest id.
  units[1].active = false;
  EXPECT_EQ(id(kGrid, Level::kStreet), 1);
  units.push_back(MakeUnit(25, "柳青街道应急指挥中心", UnitKind::kCommandCenter, kStreet));
  units.push_back(MakeUnit(30, "柳青街道第二指挥中心", UnitKind::kCommandCenter, kStreet));
  units.push_back(MakeUnit(27, "柳青街道第三指挥中心", UnitKind::kCommandCenter, kStreet));
  EXPECT_EQ(id(kGrid, Level::kStreet), 25);
  std::reverse(units.begin(), units.end());
  EXPECT_EQ(id(kGrid, Level::kStreet), 25);
  // A department at the street is not a center.
  std::vector<Unit> departments = {MakeUnit(4, "柳青街道城管办", UnitKind::kDepartment, kStreet)};
  EXPECT_EQ(CenterAtOrAbove(departments, kGrid, Level::kStreet), nullptr);
}

}  // namespace
}  // namespace civicgrid
