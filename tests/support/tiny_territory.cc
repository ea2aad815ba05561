#include "support/tiny_territory.h"

#include "support/temp_dir.h"

namespace civicgrid::testing {

void WriteTinyTerritory(const std::string& dir) {
  WriteFile(dir + "/divisions.tsv",
            "# code\tname\thost\n37\t山东省\t\n3799\t测试市\t\n379901\t测试区\t\n"
            "379901001\t东街道\t\n379901001001\t甲社区\t\n379901001002\t乙社区\t\n"
            "379901100\t西镇\t\n379901100201\t丙村\t\n");
  WriteFile(dir + "/counties.geojson",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"379901",)"
            R"("name":"测试区","seat":[118.05,35.05]},"geometry":{"type":"Polygon","coordinates":)"
            R"([[[118,35],[118.1,35],[118.1,35.1],[118,35.1],[118,35]]]}}]})");
}

}  // namespace civicgrid::testing
