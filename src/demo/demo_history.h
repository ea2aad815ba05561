// The demo catalogue and a year of case history, so that every screen and figure of a fresh demo is alive.
//
// BuildDemoHistory writes the catalogue (categories, units, routing rules of data/catalogue/ instantiated
// over the stored territory, and the national calendar) in one transaction, then generates cases county by
// county and day by day: Poisson daily counts at the volumes the sources report (DOMAIN.md §2), channel,
// category (by season and by town or city), report time (office hours weighted), a point inside a real
// grid, a description from category templates with real place names. Every case is driven through the real
// core — Report(), then Apply() for each step with the context the app would give (routing, calendar, the
// center above, the resolving unit's level) — on the working calendar, and stopped at the end time, so that
// the most recent cases are still open in every state. The histories are written in bulk with
// CaseTx::ImportCase, 25,000 cases per transaction.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/calendar.h"
#include "core/case.h"
#include "core/result.h"
#include "store/store.h"

namespace civicgrid::demo {

// The volume multiplier applied, by default, to the counties the sources give no figure for (all but
// 临淄区 and the counties of 临沂市). At 1.0 they get 10–20 cases a day each, by grid count: about 331,000
// cases a year in all and a 665 MB database (before the statistics rollups). At 0.2 the demo has about
// 190,000 cases in a 447 MB database (25 MB of it the rollups), built in about 18 s on two cores
// (docs/performance.md); 90 s and 400 MB were aimed at when the history was first written.
inline constexpr double kDefaultOtherCountyScale = 0.2;

// Seconds since the epoch from the system clock: the default clock of HistoryOptions.
Timestamp SystemClockNow();

// What to build: where the catalogue is, the period, the volumes, the seed; progress lines go to `progress`.
struct HistoryOptions {
  std::string catalogue_dir = "data/catalogue";     // holds categories.tsv, units.tsv, rules.tsv
  int days = 365;                                   // days of history ending at `end`; 0 = write the catalogue only
  Timestamp end = 0;                                // the last instant of history; 0 = now(), read once
  std::function<Timestamp()> now = SystemClockNow;  // the only clock the generator reads (when end is 0)
  double scale = 1.0;                               // multiplies every county's volume
  double other_scale = kDefaultOtherCountyScale;    // further multiplies the counties without a figure
  double cases_per_year = 0;  // > 0: volumes by grid share, about this many a year in all (scales ignored)
  int64_t bulk_cache_bytes = int64_t{2} << 30;  // the store's page cache while the history is written
  uint64_t seed = 1;    // same store contents, options and seed → the same cases and events
  size_t chunk = 25000;  // cases per write transaction
  std::function<void(const std::string&)> progress;  // called with a line of progress, if set
};

// What was built.
struct HistoryReport {
  size_t categories = 0, units = 0, rules = 0;  // catalogue written
  size_t cases = 0, events = 0;
  std::array<size_t, kCaseStatusCount> by_status{};  // cases by their final status
  Timestamp start = 0, end = 0;                      // the reports lie in [start, end]
  double seconds = 0;                                // wall time of the whole build
};

// Writes the catalogue, then (days > 0) the history. Needs the territory in the store and no cases yet
// (invalid_argument otherwise: the history assumes case ids 1, 2, … in report order). Reference data of the
// same ids is replaced; the national calendar is added when the store has no "cn-national" calendar. The
// history is written a chunk at a time in the store's bulk-load mode (Store::BeginBulkLoad: no sync per
// commit, a large cache; ended, and everything synced, before this returns): after an error or a crash the
// database is incomplete or damaged — start again from an empty database. Tracking codes have the format of app::NewTrackingCode but are drawn from the seed, so
// they are reproducible, not secret — fine for demo data only.
// Volumes at scale 1 (cases a day): 临淄区 230 (the 81890 hotline); the counties of 临沂市 together 195
// (7.1万 appeals a year), split by grid count; every other county 10–20 by grid count, times other_scale.
Result<HistoryReport> BuildDemoHistory(store::Store& store, const HistoryOptions& options);

}  // namespace civicgrid::demo
