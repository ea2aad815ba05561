// Small territory fixtures shared by tests: divisions of one street and square grid features.
#pragma once

#include <string>
#include <vector>

#include "core/territory.h"

namespace civicgrid::testing {

// 山东省 › 临沂市 › 兰山区 › 柳青街道 with two communities, 甲社区 (…001) and 乙社区 (…002).
std::vector<Division> LiuqingDivisions();

// A GeoJSON Feature of an axis-aligned square grid named "网格NNN" after its sequence.
std::string SquareFeature(const std::string& code, double x0, double y0, double x1, double y1);

// A FeatureCollection of `features`.
std::string FeatureCollection(const std::vector<std::string>& features);

}  // namespace civicgrid::testing
