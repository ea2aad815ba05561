// The demo territory: the real divisions of 临沂, 淄博, 枣庄, 青岛 and 菏泽 (data/territory/) with
// grids generated deterministically inside each county's real boundary.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace civicgrid::demo {

struct DemoOptions {
  std::string data_dir = "data/territory";  // holds divisions.tsv and counties.geojson
  // Grids per community: 临沂 has about 12,000 grids for its 4,186 communities (DOMAIN.md §2).
  double grids_per_community = 12000.0 / 4186.0;
  int threads = 0;                                    // 0 = hardware concurrency
  std::function<void(const std::string&)> progress;   // called with a line of progress, if set
};

struct DemoReport {
  size_t divisions = 0;  // above grid level
  size_t grids = 0;
  size_t shapes = 0;
};

// Generates the demo territory and writes it to `store` in one transaction, replacing any territory
// it held. Same data files → same grids, codes and shapes.
Result<DemoReport> BuildDemoTerritory(store::Store& store, const DemoOptions& options);

}  // namespace civicgrid::demo
