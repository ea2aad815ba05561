// Numbering of the grids of one community "west→east, north→south" (从西到东、从北到南).
#pragma once

#include <utility>
#include <vector>

namespace civicgrid {

// Gives each grid of a community its 1-based sequence number from its centroid (lon, lat).
//
// Rule: order the n grids by latitude, north first; cut that order into rows of k = ceil(sqrt(n))
// grids each (the last row may be shorter); within a row order by longitude, west first. Ties (equal
// latitude or longitude) keep the input order. The answer has one number per input, in input order,
// and is a permutation of 1..n. Pure and deterministic.
std::vector<int> NumberGridsWestEastNorthSouth(const std::vector<std::pair<double, double>>& centroids);

}  // namespace civicgrid
