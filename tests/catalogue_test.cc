// The demo catalogue (data/catalogue/): the category tree, unit and rule templates instantiated over a
// small territory (兰山区 with 柳青街道 and one community, and 罗庄区), routing over the result, and the
// errors for malformed files.
#include "demo/catalogue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/routing.h"
#include "support/temp_dir.h"

namespace civicgrid::demo {
namespace {
namespace fs = std::filesystem;

const std::string kDir = std::string(CIVICGRID_SOURCE_DIR) + "/data/catalogue";

std::vector<Division> SmallTerritory() {
  return {
      {"37", "山东省", Level::kProvince, ""},
      {"3713", "临沂市", Level::kCity, "37"},
      {"371302", "兰山区", Level::kCounty, "3713"},
      {"371302004", "柳青街道", Level::kStreet, "371302"},
      {"371302004001", "柳青苑社区", Level::kCommunity, "371302004"},
      {"371311", "罗庄区", Level::kCounty, "3713"},
  };
}

const Catalogue& Loaded() {
  static const Catalogue catalogue = [] {
    auto c = LoadCatalogue(kDir, SmallTerritory());
    if (!c) ADD_FAILURE() << c.error().message;
    return c ? *c : Catalogue{};
  }();
  return catalogue;
}

const Unit* FindUnit(const Catalogue& c, int64_t id) {
  for (const Unit& u : c.units)
    if (u.id == id) return &u;
  return nullptr;
}

TEST(Catalogue, CategoriesFormATwoLevelTree) {
  const auto& cats = Loaded().categories;
  std::set<std::string> codes, majors;
  for (const auto& c : cats) {
    EXPECT_TRUE(codes.insert(c.code).second) << "duplicate " << c.code;
    if (c.parent.empty()) majors.insert(c.code);
  }
  int minors = 0;
  for (const auto& c : cats) {
    EXPECT_TRUE(ValidateCategory(c).ok()) << c.code;
    if (c.parent.empty()) continue;
    ++minors;
    EXPECT_TRUE(majors.count(c.parent)) << c.code << " has no major " << c.parent;
    EXPECT_EQ(c.code.substr(0, 2), c.parent);
  }
  EXPECT_GE(majors.size(), 12u);
  EXPECT_LE(majors.size(), 16u);
  EXPECT_GE(minors, 60);
  EXPECT_LE(minors, 90);
}

TEST(Catalogue, CategoriesCarryPrioritiesLimitsAndLevels) {
  auto find = [](const std::string& code) -> const Category* {
    for (const auto& c : Loaded().categories)
      if (c.code == code) return &c;
    return nullptr;
  };
  const Category* leak = find("0103");
  ASSERT_NE(leak, nullptr);
  EXPECT_EQ(leak->name, "供热管道漏水");
  EXPECT_EQ(leak->priority, Priority::kUrgent);
  EXPECT_EQ(leak->acknowledge.kind, TimeLimitKind::kUrgentHours);
  EXPECT_EQ(leak->acknowledge.amount, 1);
  EXPECT_EQ(leak->handle.kind, TimeLimitKind::kUrgentHours);
  EXPECT_EQ(leak->handle.amount, 24);
  EXPECT_EQ(leak->level, Level::kCounty);
  ASSERT_NE(find("0301"), nullptr);
  EXPECT_EQ(find("0301")->priority, Priority::kUrgent);
  ASSERT_NE(find("1101"), nullptr);
  EXPECT_EQ(find("1101")->level, Level::kCommunity);
  EXPECT_EQ(find("1101")->handle.kind, TimeLimitKind::kWorkingDays);
  EXPECT_EQ(find("1101")->handle.amount, 10);
  ASSERT_NE(find("0403"), nullptr);
  EXPECT_EQ(find("0403")->level, Level::kGrid);
}

const Category* FindCategory(const std::string& code) {
  for (const auto& c : Loaded().categories)
    if (c.code == code) return &c;
  return nullptr;
}

TEST(Catalogue, EveryCategoryIsDescribedAndEveryMinorHasKeywords) {
  for (const auto& c : Loaded().categories) {
    EXPECT_FALSE(c.description.empty()) << c.code;
    EXPECT_LE(c.description.size(), 300u) << c.code << ": a short description";
    if (c.parent.empty()) continue;
    EXPECT_GE(c.keywords.size(), 2u) << c.code;
    EXPECT_LE(c.keywords.size(), 4u) << c.code;
  }
  EXPECT_EQ(FindCategory("0101")->keywords, (std::vector<std::string>{"暖气", "室温低", "不热"}));
}

TEST(Catalogue, SomeCategoriesAskExtraQuestions) {
  int asking = 0;
  for (const auto& c : Loaded().categories) asking += !c.attributes.empty();
  EXPECT_GE(asking, 3);
  EXPECT_LE(asking, 6);

  const auto& cold = FindCategory("0101")->attributes;
  ASSERT_GE(cold.size(), 2u);
  EXPECT_EQ(cold[0].code, "room_temperature");
  EXPECT_EQ(cold[0].datatype, AttributeDatatype::kNumber);
  EXPECT_TRUE(cold[0].required);
  EXPECT_TRUE(cold[0].variable);
  EXPECT_EQ(cold[0].description, "室内温度（摄氏度）");
  EXPECT_EQ(cold[0].order, 1);
  EXPECT_EQ(cold[1].code, "floor");
  EXPECT_EQ(cold[1].datatype, AttributeDatatype::kNumber);
  EXPECT_FALSE(cold[1].required);
  EXPECT_EQ(cold[1].order, 2);

  const auto& leak = FindCategory("0103")->attributes;
  ASSERT_GE(leak.size(), 1u);
  EXPECT_EQ(leak[0].code, "leak_size");
  EXPECT_EQ(leak[0].datatype, AttributeDatatype::kSingleValueList);
  EXPECT_TRUE(leak[0].required);
  EXPECT_EQ(leak[0].values,
            (std::vector<AttributeValue>{{"drip", "滴漏"}, {"stream", "细流"}, {"burst", "喷涌"}}));

  const auto& light = FindCategory("0702")->attributes;
  ASSERT_GE(light.size(), 1u);
  EXPECT_EQ(light[0].code, "pole_number");
  EXPECT_EQ(light[0].datatype, AttributeDatatype::kString);
  EXPECT_TRUE(light[0].values.empty());

  // A gas leak shows what to do first: a notice that takes no answer.
  const auto& gas = FindCategory("0301")->attributes;
  ASSERT_GE(gas.size(), 1u);
  EXPECT_FALSE(gas[0].variable);
  EXPECT_FALSE(gas[0].required);
  EXPECT_NE(gas[0].description.find("撤离"), std::string::npos);

  // The answers a reporter gives are checked against them.
  EXPECT_TRUE(CheckAttributeAnswers(cold, {{"room_temperature", {"14.5"}}, {"floor", {"6"}}}).ok());
  EXPECT_FALSE(CheckAttributeAnswers(cold, {{"floor", {"6"}}}).ok());
  EXPECT_FALSE(CheckAttributeAnswers(leak, {{"leak_size", {"喷涌"}}}).ok());
}

TEST(Catalogue, UnitsAreInstantiatedPerDivisionWithSequentialIds) {
  const Catalogue& c = Loaded();
  ASSERT_FALSE(c.units.empty());
  for (size_t i = 0; i < c.units.size(); ++i) {
    EXPECT_EQ(c.units[i].id, static_cast<int64_t>(i) + 1);
    EXPECT_TRUE(ValidateUnit(c.units[i]).ok()) << c.units[i].name;
    EXPECT_TRUE(c.units[i].calendar.empty());
    if (i > 0) {
      EXPECT_LE(c.units[i - 1].territory, c.units[i].territory);  // division code order
    }
  }
  const Unit* heating = FindUnit(c, c.UnitId("371302", "heating"));
  ASSERT_NE(heating, nullptr);
  EXPECT_EQ(heating->name, "兰山区供热公司");
  EXPECT_EQ(heating->kind, UnitKind::kCompany);
  EXPECT_EQ(heating->territory, "371302");
  const Unit* center = FindUnit(c, c.UnitId("371302004", "center"));
  ASSERT_NE(center, nullptr);
  EXPECT_EQ(center->kind, UnitKind::kCommandCenter);
  EXPECT_EQ(center->name.rfind("柳青街道", 0), 0u) << center->name;
  const Unit* committee = FindUnit(c, c.UnitId("371302004001", "committee"));
  ASSERT_NE(committee, nullptr);
  EXPECT_EQ(committee->kind, UnitKind::kCommittee);
  EXPECT_EQ(committee->name.rfind("柳青苑社区", 0), 0u) << committee->name;
  EXPECT_NE(c.UnitId("371311", "heating"), 0);
  EXPECT_NE(c.UnitId("371311", "heating"), c.UnitId("371302", "heating"));
  EXPECT_EQ(c.UnitId("3713", "heating"), 0);  // no city templates
  EXPECT_EQ(c.UnitId("371302", "no_such_key"), 0);
  // Each level has exactly one command center.
  for (const char* code : {"371302", "371302004", "371311"}) {
    int centers = 0;
    for (const Unit& u : c.units) centers += u.territory == code && u.kind == UnitKind::kCommandCenter;
    EXPECT_EQ(centers, 1) << code;
  }
}

TEST(Catalogue, RulesNameExistingCategoriesAndUnitsOfTheirOwnDivision) {
  const Catalogue& c = Loaded();
  std::set<std::string> codes;
  for (const auto& cat : c.categories) codes.insert(cat.code);
  ASSERT_FALSE(c.rules.empty());
  for (size_t i = 0; i < c.rules.size(); ++i) {
    const RoutingRule& r = c.rules[i];
    EXPECT_EQ(r.id, static_cast<int64_t>(i) + 1);
    EXPECT_TRUE(ValidateRoutingRule(r).ok()) << r.id;
    EXPECT_TRUE(codes.count(r.category)) << "rule " << r.id << " names unknown category " << r.category;
    const Unit* u = FindUnit(c, r.unit);
    ASSERT_NE(u, nullptr) << r.id;
    EXPECT_EQ(u->territory, r.territory) << r.id;
    for (int64_t co : r.co_units) {
      const Unit* cu = FindUnit(c, co);
      ASSERT_NE(cu, nullptr) << r.id;
      EXPECT_EQ(cu->territory, r.territory) << r.id;
    }
  }
}

TEST(Catalogue, HeatingAtLiuqingRoutesToLanshanHeatingCompany) {
  const Catalogue& c = Loaded();
  const int64_t heating = c.UnitId("371302", "heating");
  for (const char* category : {"01", "0101", "0102"}) {
    auto d = Route(c.rules, c.units, category, "371302004001");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_FALSE(d->fallback) << category;
    EXPECT_EQ(d->target.unit, heating) << category << ": " << d->target.reason;
  }
  // A heat-pipe leak: the heating company leads, the enforcement bureau assists.
  auto leak = Route(c.rules, c.units, "0103", "371302004001");
  ASSERT_TRUE(leak.ok()) << leak.error().message;
  EXPECT_EQ(leak->target.unit, heating);
  EXPECT_EQ(leak->target.co_units, std::vector<int64_t>{c.UnitId("371302", "enforcement")});
  // 罗庄区 has its own company.
  auto other = Route(c.rules, c.units, "0101", "371311");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->target.unit, c.UnitId("371311", "heating"));
}

TEST(Catalogue, CategoryWithoutRulesFallsToTheStreetCommandCenter) {
  const Catalogue& c = Loaded();
  for (const auto& r : c.rules) ASSERT_NE(r.category.substr(0, 2), "99") << "rule " << r.id;
  auto d = Route(c.rules, c.units, "9901", "371302004001");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d->fallback);
  EXPECT_EQ(d->target.unit, c.UnitId("371302004", "center"));
  EXPECT_EQ(d->target.rule, 0);
}

TEST(Catalogue, DisputesStayAsLowAsTheyCan) {
  const Catalogue& c = Loaded();
  auto route = [&](const char* category) {
    auto d = Route(c.rules, c.units, category, "371302004001");
    EXPECT_TRUE(d.ok()) << category;
    return d.ok() ? d->target.unit : 0;
  };
  EXPECT_EQ(route("1101"), c.UnitId("371302004001", "committee"));  // 邻里纠纷: community
  EXPECT_EQ(route("1103"), c.UnitId("371302004001", "committee"));  // 家庭纠纷: community
  EXPECT_EQ(route("1102"), c.UnitId("371302004", "justice"));       // 土地纠纷: street 司法所
  EXPECT_EQ(route("04"), c.UnitId("371302004", "property_office"));
  EXPECT_EQ(route("0403"), c.UnitId("371302004", "property_office"));

  // Without community units, 邻里纠纷 goes to the street's justice office (the major's rule).
  CatalogueOptions o;
  o.community_units = false;
  auto lean = LoadCatalogue(kDir, SmallTerritory(), o);
  ASSERT_TRUE(lean.ok()) << lean.error().message;
  EXPECT_EQ(lean->UnitId("371302004001", "committee"), 0);
  EXPECT_LT(lean->units.size(), c.units.size());
  auto d = Route(lean->rules, lean->units, "1101", "371302004001");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target.unit, lean->UnitId("371302004", "justice"));
}

TEST(Catalogue, LoadingIsDeterministic) {
  auto again = LoadCatalogue(kDir, SmallTerritory());
  ASSERT_TRUE(again.ok());
  const Catalogue& c = Loaded();
  ASSERT_EQ(again->units.size(), c.units.size());
  ASSERT_EQ(again->rules.size(), c.rules.size());
  for (size_t i = 0; i < c.units.size(); ++i) EXPECT_EQ(again->units[i].name, c.units[i].name);
  for (size_t i = 0; i < c.rules.size(); ++i) {
    EXPECT_EQ(again->rules[i].category, c.rules[i].category);
    EXPECT_EQ(again->rules[i].unit, c.rules[i].unit);
  }
  // Only categories without divisions.
  auto bare = LoadCatalogue(kDir, {});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->categories.size(), c.categories.size());
  EXPECT_TRUE(bare->units.empty());
  EXPECT_TRUE(bare->rules.empty());
}

// A copy of data/catalogue in which `file` has `line` (1-based) replaced by `text`.
class BrokenCatalogue : public ::testing::Test {
 protected:
  void Break(const std::string& file, int line, const std::string& text) {
    for (const char* f : {"categories.tsv", "category_details.tsv", "category_attributes.tsv", "units.tsv", "rules.tsv"})
      fs::copy_file(kDir + "/" + f, dir_.File(f), fs::copy_options::overwrite_existing);
    std::string in = testing::ReadFile(dir_.File(file)), out;
    int n = 0;
    size_t pos = 0;
    while (pos < in.size()) {
      size_t end = in.find('\n', pos);
      if (end == std::string::npos) end = in.size();
      out += ++n == line ? text : in.substr(pos, end - pos);
      out += '\n';
      pos = end + 1;
    }
    testing::WriteFile(dir_.File(file), out);
  }
  // Line number (1-based) of the first line of `file` starting with `prefix`.
  static int LineOf(const std::string& file, const std::string& prefix) {
    std::string in = testing::ReadFile(kDir + "/" + file);
    int n = 1;
    for (size_t pos = 0; pos < in.size(); pos = in.find('\n', pos) + 1, ++n) {
      if (in.compare(pos, prefix.size(), prefix) == 0) return n;
      if (in.find('\n', pos) == std::string::npos) break;
    }
    return 0;
  }
  Error Load() {
    auto c = LoadCatalogue(dir_.path().string(), SmallTerritory());
    EXPECT_FALSE(c.ok());
    return c.ok() ? Error{} : c.error();
  }
  testing::TempDir dir_;
};

TEST_F(BrokenCatalogue, MalformedCategoryNamesFileAndLine) {
  const int line = LineOf("categories.tsv", "0101\t");
  ASSERT_GT(line, 0);
  Break("categories.tsv", line, "0101\t暖气不热\t01\tnormal\tworking_hours\tfour\tnatural_days\t3\tworking_days\t1\tcounty");
  Error e = Load();
  EXPECT_EQ(e.code, "invalid_argument");
  EXPECT_NE(e.message.find("categories.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "acknowledge_amount");
}

TEST_F(BrokenCatalogue, MissingColumnsNameFileAndLine) {
  const int line = LineOf("categories.tsv", "0202\t");
  ASSERT_GT(line, 0);
  Break("categories.tsv", line, "0202\t水管爆裂\t02\turgent");
  Error e = Load();
  EXPECT_NE(e.message.find("categories.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
}

TEST_F(BrokenCatalogue, MinorUnderTheWrongMajorIsRejected) {
  const int line = LineOf("categories.tsv", "0202\t");
  Break("categories.tsv", line,
        "0202\t水管爆裂\t03\turgent\turgent_hours\t1\turgent_hours\t24\tworking_days\t1\tcounty");
  Error e = Load();
  EXPECT_NE(e.message.find("line " + std::to_string(line)), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "parent");
}

TEST_F(BrokenCatalogue, DuplicateCategoryCodeIsRejected) {
  const int line = LineOf("categories.tsv", "0202\t");
  Break("categories.tsv", line,
        "0201\t水管爆裂\t02\turgent\turgent_hours\t1\turgent_hours\t24\tworking_days\t1\tcounty");
  Error e = Load();
  EXPECT_NE(e.message.find("already defined"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "code");
}

TEST_F(BrokenCatalogue, DetailsNameAnExistingCategoryOnceWithGoodKeywords) {
  const int line = LineOf("category_details.tsv", "0102\t");
  ASSERT_GT(line, 0);
  Break("category_details.tsv", line, "0199\t不存在\t甲,乙");
  Error e = Load();
  EXPECT_NE(e.message.find("category_details.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "code");

  Break("category_details.tsv", line, "0101\t又一次\t甲,乙");
  e = Load();
  EXPECT_NE(e.message.find("already has details"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "code");

  Break("category_details.tsv", line, "0102\t停暖\t停暖,,没暖气");  // an empty keyword
  e = Load();
  EXPECT_NE(e.message.find("category_details.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "keywords");
}

TEST_F(BrokenCatalogue, MalformedAttributesNameFileLineAndColumn) {
  const int line = LineOf("category_attributes.tsv", "0103\tleak_size\t");
  ASSERT_GT(line, 0);
  const std::string at = "category_attributes.tsv line " + std::to_string(line) + ":";
  auto expect = [&](const std::string& text, const std::string& column) {
    Break("category_attributes.tsv", line, text);
    Error e = Load();
    EXPECT_NE(e.message.find(at), std::string::npos) << text << ": " << e.message;
    EXPECT_EQ(e.field, column) << text << ": " << e.message;
  };
  expect("0199\tleak_size\tsinglevaluelist\trequired\t漏水程度\t\tdrip=滴漏", "category");
  expect("0103\tleak_size\tlist\trequired\t漏水程度\t\tdrip=滴漏", "datatype");
  expect("0103\tleak_size\tsinglevaluelist\tmust\t漏水程度\t\tdrip=滴漏", "kind");
  expect("0103\tleak_size\tsinglevaluelist\trequired\t漏水程度\t\tdrip=滴漏|stream", "values");
  expect("0103\tleak_size\tsinglevaluelist\trequired\t漏水程度\t\t", "values");           // no choices
  expect("0103\tleak_size\tsinglevaluelist\trequired\t漏水程度\t\tdrip=滴漏|drip=细流", "values");
  expect("0103\tleak_size\tnumber\trequired\t漏水程度\t\tdrip=滴漏", "values");           // choices of a number
  expect("0103\tleak size\tsinglevaluelist\trequired\t漏水程度\t\tdrip=滴漏", "code");
  expect("0103\tleak_size\tsinglevaluelist\trequired\t\t\tdrip=滴漏", "description");
  Break("category_attributes.tsv", line, "0103\tleak_size\tstring\tinfo\t注意安全\t\t");  // a notice: fine
  auto fine = LoadCatalogue(dir_.path().string(), SmallTerritory());
  ASSERT_TRUE(fine.ok()) << fine.error().message;
}

TEST_F(BrokenCatalogue, ASecondAttributeWithTheSameCodeNamesItsLine) {
  const int line = LineOf("category_attributes.tsv", "0103\tleak_place\t");
  ASSERT_GT(line, 0);
  Break("category_attributes.tsv", line, "0103\tleak_size\tstring\toptional\t又一个\t\t");
  Error e = Load();
  EXPECT_NE(e.message.find("category_attributes.tsv line " + std::to_string(line) + ":"), std::string::npos)
      << e.message;
  EXPECT_EQ(e.field, "code");
}

TEST_F(BrokenCatalogue, DetailsAndAttributesAreOptional) {
  for (const char* f : {"categories.tsv", "units.tsv", "rules.tsv"})
    fs::copy_file(kDir + "/" + f, dir_.File(f));
  auto c = LoadCatalogue(dir_.path().string(), SmallTerritory());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->categories.size(), Loaded().categories.size());
  for (const auto& cat : c->categories) {
    EXPECT_TRUE(cat.description.empty()) << cat.code;
    EXPECT_TRUE(cat.keywords.empty()) << cat.code;
    EXPECT_TRUE(cat.attributes.empty()) << cat.code;
  }
}

TEST_F(BrokenCatalogue, UnitPatternWithoutNameIsRejected) {
  const int line = LineOf("units.tsv", "county\tcompany\t{name}供热公司");
  ASSERT_GT(line, 0);
  Break("units.tsv", line, "county\tcompany\t供热公司\theating");
  Error e = Load();
  EXPECT_NE(e.message.find("units.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "name");
}

TEST_F(BrokenCatalogue, RuleWithUnknownKeyOrCategoryNamesFileAndLine) {
  const int line = LineOf("rules.tsv", "01\t");
  ASSERT_GT(line, 0);
  Break("rules.tsv", line, "01\tboiler_room\tcounty");
  Error e = Load();
  EXPECT_NE(e.message.find("rules.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "unit");

  Break("rules.tsv", line, "0199\theating\tcounty");
  e = Load();
  EXPECT_NE(e.message.find("rules.tsv line " + std::to_string(line) + ":"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "category");

  Break("rules.tsv", line, "01\theating\tstreet");  // no street template has key heating
  e = Load();
  EXPECT_EQ(e.field, "unit") << e.message;
}

TEST_F(BrokenCatalogue, WrongHeaderIsRejected) {
  const int line = LineOf("units.tsv", "level\t");
  ASSERT_GT(line, 0);
  Break("units.tsv", line, "level\tkind\tkey\tname");
  Error e = Load();
  EXPECT_NE(e.message.find("units.tsv line " + std::to_string(line) + ": the header"), std::string::npos)
      << e.message;
}

TEST_F(BrokenCatalogue, MissingFileIsNamed) {
  fs::copy_file(kDir + "/categories.tsv", dir_.File("categories.tsv"));
  Error e = Load();
  EXPECT_NE(e.message.find("units.tsv"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace civicgrid::demo
