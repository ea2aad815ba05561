// Fuzzes the GeoJSON import of grids: the bytes are a file for ParseGridCollection. A collection it
// accepts goes on as an import would: the grids' shapes are unioned into a community shape and
// simplified (app::ComputeDivisionShapes does this after an import), and each grid is written back
// as a Feature, which must parse again. Every geometry of the document, accepted or not, also goes
// through GeometryFromJson without the validity check and RepairShape (the repair of coarse outside
// boundaries). Nothing here needs a store.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "geo/geojson.h"
#include "geo/partition.h"
#include "geo/repair.h"

namespace civicgrid::fuzz {
namespace {

namespace bg = geo::bg;
namespace json = boost::json;

void CheckGrids(const std::vector<geo::Grid>& grids) {
  std::vector<geo::MultiPolygon> shapes;
  for (const auto& grid : grids) {
    Check(grid.code.size() == 15, "an accepted grid code is not 15 digits");
    Check(grid.community == grid.code.substr(0, 12), "an accepted grid is not under its community");
    Check(!grid.name.empty(), "an accepted grid has no name");
    Check(!grid.shape.empty() && bg::is_valid(grid.shape), "an accepted grid shape is not valid");
    std::string feature;
    geo::AppendFeature(feature, geo::GridProperties(grid), grid.shape);
    Check(geo::ParseJson(feature).ok(), "a grid written as a Feature is not JSON");
    shapes.push_back(grid.shape);
  }
  geo::MultiPolygon united = geo::UnionAll(std::move(shapes));
  geo::MultiPolygon simplified;
  bg::simplify(united, simplified, 0.0003);
  (void)bg::is_valid(simplified);
}

// GeometryFromJson without the validity check, then RepairShape, on one geometry object.
void Repair(const json::value& geometry) {
  auto shape = geo::GeometryFromJson(geometry, "geometry", /*check_validity=*/false);
  if (!shape) return CheckInputError(shape.error());
  auto repaired = geo::RepairShape(std::move(*shape));
  if (repaired) Check(bg::is_valid(*repaired), "RepairShape answered an invalid shape");
}

}  // namespace
}  // namespace civicgrid::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace civicgrid;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto grids = geo::ParseGridCollection(text);
  if (grids) {
    fuzz::CheckGrids(*grids);
  } else {
    fuzz::CheckInputError(grids.error());
  }
  auto doc = geo::ParseJson(text);
  if (!doc) return 0;
  const auto* root = doc->if_object();
  if (!root) return 0;
  if (root->contains("coordinates")) fuzz::Repair(*doc);
  const auto* features = root->if_contains("features");
  if (!features || !features->is_array()) return 0;
  for (const auto& feature : features->get_array()) {
    if (const auto* f = feature.if_object(); f && f->contains("geometry")) fuzz::Repair(f->at("geometry"));
  }
  return 0;
}
