#include "geo/crs.h"

#include <gtest/gtest.h>

#include <cmath>

namespace civicgrid::geo {
namespace {

TEST(Crs, ParsesNames) {
  EXPECT_EQ(ParseCrs("WGS84"), Crs::kWgs84);
  EXPECT_EQ(ParseCrs("cgcs2000"), Crs::kWgs84);
  EXPECT_EQ(ParseCrs("gcj-02"), Crs::kGcj02);
  EXPECT_FALSE(ParseCrs("bd09").has_value());
}

TEST(Crs, Gcj02ShiftsPointsInChinaByHundredsOfMetres) {
  Point wgs(118.35, 35.05);  // 临沂 兰山区
  Point gcj = Wgs84ToGcj02(wgs);
  double shift = DistanceMetres(wgs, gcj);
  EXPECT_GT(shift, 100);
  EXPECT_LT(shift, 1000);
  // GCJ-02 shifts eastward and northward around here.
  EXPECT_GT(gcj.x(), wgs.x());
}

TEST(Crs, OutsideChinaIsUnchanged) {
  Point london(-0.1276, 51.5072);
  EXPECT_TRUE(OutsideChina(london));
  EXPECT_EQ(Wgs84ToGcj02(london).x(), london.x());
  EXPECT_EQ(Gcj02ToWgs84(london).y(), london.y());
}

TEST(Crs, RoundTripIsAccurateToAMillimetreAcrossChina) {
  double worst = 0;
  for (double lon = 73.5; lon < 135; lon += 0.77) {
    for (double lat = 18.2; lat < 53.5; lat += 0.53) {
      Point wgs(lon, lat);
      Point back = Gcj02ToWgs84(Wgs84ToGcj02(wgs));
      worst = std::max(worst, DistanceMetres(wgs, back));
      Point gcj(lon, lat);
      Point again = Wgs84ToGcj02(Gcj02ToWgs84(gcj));
      worst = std::max(worst, DistanceMetres(gcj, again));
    }
  }
  EXPECT_LT(worst, 0.001) << "worst round-trip error in metres";
}

TEST(Crs, ToWgs84ConvertsOnlyGcj02) {
  Point p(120.38, 36.07);
  EXPECT_EQ(ToWgs84(p, Crs::kWgs84).x(), p.x());
  EXPECT_NE(ToWgs84(p, Crs::kGcj02).x(), p.x());
}

TEST(Crs, HaversineDistance) {
  // One degree of latitude is about 111.2 km on the mean sphere.
  EXPECT_NEAR(DistanceMetres(Point(118, 35), Point(118, 36)), 111195, 5);
  EXPECT_EQ(DistanceMetres(Point(118, 35), Point(118, 35)), 0);
}

}  // namespace
}  // namespace civicgrid::geo
