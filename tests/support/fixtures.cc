#include "support/fixtures.h"

namespace civicgrid::testing {

std::vector<Division> LiuqingDivisions() {
  return {{"37", "山东省", Level::kProvince, ""},
          {"3713", "临沂市", Level::kCity, "37"},
          {"371302", "兰山区", Level::kCounty, "3713"},
          {"371302004", "柳青街道", Level::kStreet, "371302"},
          {"371302004001", "甲社区", Level::kCommunity, "371302004"},
          {"371302004002", "乙社区", Level::kCommunity, "371302004"}};
}

std::string SquareFeature(const std::string& code, double x0, double y0, double x1, double y1) {
  auto n = [](double v) { return std::to_string(v); };
  return R"({"type":"Feature","properties":{"code":")" + code + R"(","name":"网格)" + code.substr(12) +
         R"("},"geometry":{"type":"Polygon","coordinates":[[[)" + n(x0) + "," + n(y0) + "],[" + n(x1) + "," +
         n(y0) + "],[" + n(x1) + "," + n(y1) + "],[" + n(x0) + "," + n(y1) + "],[" + n(x0) + "," + n(y0) +
         "]]]}}";
}

std::string FeatureCollection(const std::vector<std::string>& features) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
  return s + "]}";
}

}  // namespace civicgrid::testing
