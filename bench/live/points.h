// Where the benchmark's cases are reported: varied points inside the grids under a division, taken
// from a file or sampled from the places of the database's own case history (so they fall where
// reports really come from), and the counties under that division.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "live/poster.h"

namespace civicgrid::bench::live {

// Reads "lon,lat" (or "lon lat") lines; blank lines and lines starting with '#' are skipped.
Result<std::vector<Point>> ReadPoints(const std::string& path);

// Samples up to `count` points of cases with a location under division `under` from the SQLite
// database at `db` (opened read-only), by random case ids (seeded, so runs repeat). Fails when the
// database holds no such case.
Result<std::vector<Point>> SamplePoints(const std::string& db, const std::string& under, size_t count);

// The county codes (6 digits) under division `under`, found through GET /api/v1/divisions/{code}
// (as `bearer`): `under` itself if it is a county or below (its county), else its descendants.
Result<std::vector<std::string>> CountiesUnder(const std::string& host, unsigned short port, const std::string& under,
                                               const std::string& bearer);

}  // namespace civicgrid::bench::live
