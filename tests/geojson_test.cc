#include "geo/geojson.h"

#include <gtest/gtest.h>

#include "geo/wkb.h"

namespace civicgrid::geo {
namespace {

std::string Feature(const std::string& code, const std::string& coords, const std::string& extra = "") {
  return R"({"type":"Feature","properties":{"code":")" + code + "\"" + extra +
         R"(},"geometry":{"type":"Polygon","coordinates":)" + coords + "}}";
}
std::string Collection(const std::vector<std::string>& features) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
  return s + "]}";
}
const std::string kSquare = "[[[118,35],[118.01,35],[118.01,35.01],[118,35.01],[118,35]]]";
const std::string kSquare2 = "[[[118.01,35],[118.02,35],[118.02,35.01],[118.01,35.01],[118.01,35]]]";

TEST(GeoJson, ParsesAGoodCollection) {
  auto grids = ParseGridCollection(Collection({
      Feature("371302004001001", kSquare, R"(,"name":"第1网格","community":"371302004001")"),
      Feature("371302004001002", kSquare2, R"(,"kind":"dedicated")"),
  }));
  ASSERT_TRUE(grids.ok()) << grids.error().message;
  ASSERT_EQ(grids->size(), 2u);
  EXPECT_EQ((*grids)[0].name, "第1网格");
  EXPECT_EQ((*grids)[0].community, "371302004001");
  EXPECT_EQ((*grids)[1].kind, GridKind::kDedicated);
  EXPECT_EQ((*grids)[1].name, "371302004001002");
  EXPECT_NEAR(bg::area((*grids)[0].shape), 1e-4, 1e-12);
}

TEST(GeoJson, CorrectsClockwiseRings) {
  auto grids = ParseGridCollection(Collection(
      {Feature("371302004001001", "[[[118,35],[118,35.01],[118.01,35.01],[118.01,35],[118,35]]]")}));
  ASSERT_TRUE(grids.ok()) << grids.error().message;
  EXPECT_GT(bg::area((*grids)[0].shape), 0);
}

struct BadCase {
  const char* name;
  std::string text;
  std::string expect_in_message;
  std::string field;
};

TEST(GeoJson, RejectsBadInputNamingFeatureCodeAndReason) {
  std::vector<BadCase> cases = {
      {"self-intersecting", Collection({Feature("371302004001001", kSquare2),
                                        Feature("371302004001002",
                                                "[[[118,35],[118.01,35.01],[118.01,35],[118,35.01],[118,35]]]")}),
       "feature 1 (code 371302004001002): the shape is self-intersecting", "geometry"},
      {"unclosed", Collection({Feature("371302004001001", "[[[118,35],[118.01,35],[118.01,35.01],[118,35.01]]]")}),
       "feature 0 (code 371302004001001): a ring is not closed", "geometry"},
      {"too few positions", Collection({Feature("371302004001001", "[[[118,35],[118.01,35],[118,35]]]")}),
       "at least 4", "geometry"},
      {"out of range", Collection({Feature("371302004001001", "[[[118,35],[218,35],[118.01,35.01],[118,35]]]")}),
       "feature 0 (code 371302004001001): position 1 [218", "geometry"},
      {"duplicate code", Collection({Feature("371302004001001", kSquare), Feature("371302004001001", kSquare2)}),
       "feature 1 (code 371302004001001): duplicate code", "code"},
      {"not under its community",
       Collection({Feature("371302004001001", kSquare, R"(,"community":"371302004002")")}),
       "feature 0 (code 371302004001001): the code is not under its community '371302004002'", "community"},
      {"short code", Collection({Feature("371302004001", kSquare)}), "feature 0 (code 371302004001)", "code"},
      {"zero grid sequence", Collection({Feature("371302004001000", kSquare)}), "all-zero grid", "code"},
      {"missing code", Collection({R"({"type":"Feature","properties":{},"geometry":null})"}),
       "feature 0: properties.code is missing", "code"},
      {"point geometry",
       Collection({R"({"type":"Feature","properties":{"code":"371302004001001"},"geometry":{"type":"Point","coordinates":[118,35]}})"}),
       "is not Polygon or MultiPolygon", "geometry"},
      {"malformed JSON", R"({"type":"FeatureCollection","features":[{"type":)", "malformed JSON at line 1",
       "file"},
      {"invalid UTF-8", Collection({Feature("371302004001001", kSquare, ",\"name\":\"\xff\xfe\"")}),
       "malformed JSON", "file"},
      {"not a collection", R"({"type":"Feature"})", "not a GeoJSON FeatureCollection", "type"},
      {"unknown kind", Collection({Feature("371302004001001", kSquare, R"(,"kind":"special")")}),
       "kind must be", "kind"},
  };
  for (const auto& c : cases) {
    auto r = ParseGridCollection(c.text);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.error().message.find(c.expect_in_message), std::string::npos)
        << c.name << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << c.name;
  }
}

TEST(GeoJson, MalformedJsonReportsLineAndColumn) {
  auto r = ParseJson("{\n  \"a\": [1, 2,,]\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
}

TEST(GeoJson, RejectsDeepNesting) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(ParseJson(deep).ok());
}

TEST(GeoJson, WritesCompactCoordinates) {
  std::string s;
  AppendCoordinate(s, 118.25);
  s += ' ';
  AppendCoordinate(s, 35.123456789);
  s += ' ';
  AppendCoordinate(s, -0.00000001);
  s += ' ';
  AppendCoordinate(s, 120.0);
  EXPECT_EQ(s, "118.25 35.1234568 0 120");
}

TEST(GeoJson, WriteThenReadRoundTrips) {
  auto grids = ParseGridCollection(Collection({Feature("371302004001001", kSquare, R"(,"name":"甲")")}));
  ASSERT_TRUE(grids.ok());
  std::string out = R"({"type":"FeatureCollection","features":[)";
  AppendFeature(out, GridProperties((*grids)[0]), (*grids)[0].shape);
  out += "]}";
  auto again = ParseGridCollection(out);
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << out;
  EXPECT_EQ((*again)[0].name, "甲");
  EXPECT_TRUE(bg::equals((*again)[0].shape, (*grids)[0].shape));
}

TEST(Wkb, RoundTripsAndRejectsTruncation) {
  auto grids = ParseGridCollection(Collection({Feature(
      "371302004001001", "[[[118,35],[118.1,35],[118.1,35.1],[118,35.1],[118,35]],"
                         "[[118.02,35.02],[118.02,35.05],[118.05,35.05],[118.05,35.02],[118.02,35.02]]]")}));
  ASSERT_TRUE(grids.ok()) << grids.error().message;
  std::string wkb = EncodeWkb((*grids)[0].shape);
  auto back = DecodeWkb(wkb);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(bg::equals(*back, (*grids)[0].shape));
  for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, size_t{13}, wkb.size() - 1})
    EXPECT_FALSE(DecodeWkb(std::string_view(wkb).substr(0, cut)).ok()) << cut;
  EXPECT_FALSE(DecodeWkb(wkb + "x").ok());
}

}  // namespace
}  // namespace civicgrid::geo
