// Reports prepared for the storage ceiling of the intake figure: varied points inside the grids of the
// territory, channels, categories and Chinese descriptions like intake.lua sends, each located, given its
// command center and run through the core's Report — everything CaseService::Report does before its
// store transaction — so that only the write remains to be timed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "app/reference.h"
#include "app/territory.h"
#include "core/case.h"
#include "core/result.h"

namespace civicgrid::bench {

// One report ready for the store: the case as reported, its report event and its idempotency key.
struct PreparedReport {
  Case c;
  CaseEvent event;
  std::string key;
};

// `count` points (WGS84) that the intake accepts: near the middle of random grids (±30% of their bounding
// box), kept when inside a grid or at most 500 m outside as the intake allows. Fails when the territory
// has no grids.
Result<std::vector<geo::Point>> AcceptedPoints(const app::TerritorySnapshot& territory, size_t count,
                                               std::mt19937_64& rng);

// Prepares `count` reports by the API key named `key_name` (as `civicgrid serve` records a report of
// an API key: actor and reporter account "key:NAME", role system), at time `at`, with idempotency keys
// `key_prefix` + index, at points drawn as AcceptedPoints draws them. Fails when the territory has no
// grids or the reference data no active minor category.
Result<std::vector<PreparedReport>> PrepareReports(const app::TerritorySnapshot& territory,
                                                   const app::ReferenceSnapshot& reference, size_t count,
                                                   const std::string& key_name, const std::string& key_prefix,
                                                   Timestamp at, std::mt19937_64& rng);

}  // namespace civicgrid::bench
