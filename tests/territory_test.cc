#include "core/territory.h"

#include <gtest/gtest.h>

namespace civicgrid {
namespace {

TEST(Territory, LevelsHaveTheirCodeLengths) {
  EXPECT_EQ(*ValidateCode("37"), Level::kProvince);
  EXPECT_EQ(*ValidateCode("3713"), Level::kCity);
  EXPECT_EQ(*ValidateCode("371302"), Level::kCounty);
  EXPECT_EQ(*ValidateCode("371302004"), Level::kStreet);
  EXPECT_EQ(*ValidateCode("371302004001"), Level::kCommunity);
  EXPECT_EQ(*ValidateCode("371302004001003"), Level::kGrid);
}

TEST(Territory, RejectsMalformedCodesPrecisely) {
  auto bad_len = ValidateCode("3713020", "under");
  ASSERT_FALSE(bad_len.ok());
  EXPECT_EQ(bad_len.error().field, "under");
  EXPECT_NE(bad_len.error().message.find("7 digits"), std::string::npos);

  auto letters = ValidateCode("37130a");
  ASSERT_FALSE(letters.ok());
  EXPECT_NE(letters.error().message.find("not a digit"), std::string::npos);

  auto zero_street = ValidateCode("371302000");
  ASSERT_FALSE(zero_street.ok());
  EXPECT_NE(zero_street.error().message.find("all-zero street"), std::string::npos);

  auto zero_grid = ValidateCode("371302004001000");
  ASSERT_FALSE(zero_grid.ok());
  EXPECT_NE(zero_grid.error().message.find("all-zero grid"), std::string::npos);

  EXPECT_FALSE(ValidateCode("").ok());
  EXPECT_FALSE(ValidateCode("00").ok());
  EXPECT_FALSE(ValidateCode("3713020040010031").ok());
}

TEST(Territory, ParentAndSubtree) {
  EXPECT_EQ(ParentCode("371302004001003"), "371302004001");
  EXPECT_EQ(ParentCode("371302004001"), "371302004");
  EXPECT_EQ(ParentCode("371302004"), "371302");
  EXPECT_EQ(ParentCode("371302"), "3713");
  EXPECT_EQ(ParentCode("3713"), "37");
  EXPECT_FALSE(ParentCode("37").has_value());
  EXPECT_TRUE(IsUnder("371302004001003", "3713"));
  EXPECT_TRUE(IsUnder("3713", "3713"));
  EXPECT_FALSE(IsUnder("3703", "3713"));
}

TEST(Territory, StreetKindsFollowTheCodeRanges) {
  EXPECT_EQ(StreetKindOf("371302004"), StreetKind::kSubdistrict);  // 柳青街道
  EXPECT_EQ(StreetKindOf("370481113"), StreetKind::kTown);         // 木石镇
  EXPECT_EQ(StreetKindOf("370481250"), StreetKind::kTownship);
  EXPECT_EQ(StreetKindOf("370481450"), StreetKind::kOther);
}

TEST(Territory, GridCodeComposition) {
  EXPECT_EQ(*GridCode("371302004001", 1), "371302004001001");
  EXPECT_EQ(*GridCode("371302004001", 999), "371302004001999");
  EXPECT_FALSE(GridCode("371302004001", 0).ok());
  EXPECT_FALSE(GridCode("371302004001", 1000).ok());
  auto not_community = GridCode("371302004", 1);
  ASSERT_FALSE(not_community.ok());
  EXPECT_EQ(not_community.error().field, "community");
}

TEST(Territory, LevelAndKindNames) {
  for (int i = 1; i <= 6; ++i) {
    auto l = static_cast<Level>(i);
    EXPECT_EQ(ParseLevel(LevelName(l)), l);
  }
  EXPECT_FALSE(ParseLevel("village").has_value());
  EXPECT_EQ(ParseGridKind("dedicated"), GridKind::kDedicated);
  EXPECT_FALSE(ParseGridKind("special").has_value());
}

TEST(Territory, TreeValidation) {
  std::vector<Division> ok = {{"37", "山东省", Level::kProvince, ""},
                              {"3713", "临沂市", Level::kCity, "37"},
                              {"371302", "兰山区", Level::kCounty, "3713"}};
  EXPECT_TRUE(ValidateTree(ok).ok());

  auto missing_parent = ok;
  missing_parent.push_back({"371302004001", "x", Level::kCommunity, "371302004"});
  auto r = ValidateTree(missing_parent);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("division 3"), std::string::npos);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos);
  EXPECT_TRUE(ValidateTree(missing_parent, {"371302004"}).ok());

  auto dup = ok;
  dup.push_back(ok[1]);
  EXPECT_FALSE(ValidateTree(dup).ok());

  auto wrong_parent = ok;
  wrong_parent[2].parent = "3703";
  EXPECT_EQ(ValidateTree(wrong_parent).error().field, "parent");

  auto wrong_level = ok;
  wrong_level[2].level = Level::kStreet;
  EXPECT_EQ(ValidateTree(wrong_level).error().field, "level");
}

}  // namespace
}  // namespace civicgrid
