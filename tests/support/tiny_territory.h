// A tiny demo data set for tests: one county (a 0.1° square at 118–118.1°E, 35–35.1°N) with two streets
// and three communities, in the layout `civicgrid demo build --data DIR` reads.
#pragma once

#include <string>

namespace civicgrid::testing {

// Writes divisions.tsv and counties.geojson into `dir` (which must exist).
void WriteTinyTerritory(const std::string& dir);

}  // namespace civicgrid::testing
