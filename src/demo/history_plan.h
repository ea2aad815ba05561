// The territory as the demo history sees it and the plan of the whole period: which case is reported
// when, in which county and by which channel, at the volumes the sources report (DOMAIN.md §2).
#pragma once

#include <cstdint>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/territory.h"
#include "geo/grid_index.h"

namespace civicgrid::demo::history {

// A grid with its bounding box, community and street; rural for villages, towns and townships.
struct GridRef {
  const geo::Grid* grid = nullptr;
  geo::Box box;
  const Division* community = nullptr;
  const Division* street = nullptr;
  bool rural = false;
};

// A county with its grids and its volume.
struct County {
  const Division* division = nullptr;
  std::vector<GridRef> grids;
  double rate = 0;  // cases a day
};

// A case planned for a day: when, where, by which channel; the rest is drawn from its own seed.
struct Planned {
  Timestamp at = 0;
  uint32_t county = 0;
  uint32_t index = 0;  // within its county-day
  Channel channel = Channel::kGridWorker;
  uint64_t seed = 0;
};

// Sets every county's rate, in cases a day, at scale 1 (DOMAIN.md §2) times `scale`; the counties without
// a figure are further multiplied by `other_scale`.
void SetRates(std::vector<County>& counties, double scale, double other_scale);

// Sets every county's rate by its share of all grids so that the counties together report about
// `cases_per_year` cases a year (the province-sized history of the benchmarks).
void SetRatesByGrids(std::vector<County>& counties, double cases_per_year);

// The cases of days [first, last] reported no later than `end`, ordered by (at, county, index): Poisson
// counts per county-day, channel and hour drawn per county-day from `seed`.
std::vector<Planned> Plan(const std::vector<County>& counties, const Calendar& cal, Day first, Day last, Timestamp end,
                          uint64_t seed);

}  // namespace civicgrid::demo::history
