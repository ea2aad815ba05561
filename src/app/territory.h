// Territory use cases: the in-memory snapshot every read is served from, locating a point, and the
// all-or-nothing grid import.
//
// The snapshot is immutable. TerritoryService holds the current one and swaps it atomically when the
// store's territory version changes, so that readers never see a half-built index.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/territory.h"
#include "geo/crs.h"
#include "geo/grid_index.h"
#include "store/store.h"

namespace civicgrid::app {

// An immutable view of the whole territory: divisions, grids (with the locate index) and the shapes of
// divisions above grid level.
class TerritorySnapshot {
 public:
  // Loads everything from `store`.
  static Result<std::shared_ptr<const TerritorySnapshot>> Load(store::Store& store);

  ~TerritorySnapshot();

  // The division (any level, grids included) with `code`, or null.
  const Division* Get(std::string_view code) const;

  // The chain from `code` up to its province: [self, parent, …, province]; empty if unknown.
  std::vector<const Division*> Path(std::string_view code) const;

  // Direct children of `code`, in code order.
  std::vector<const Division*> Children(std::string_view code) const;

  // Number of grids under `code` (a grid counts itself).
  size_t GridCountUnder(std::string_view code) const;

  // Divisions of `level` (above grid) whose shape's bounding box meets `box`, code order, at most
  // `limit`; each with its simplified shape.
  struct ShapeRef {
    const Division* division;
    const geo::MultiPolygon* simplified;
  };
  std::vector<ShapeRef> ShapesInBox(Level level, const geo::Box& box, size_t limit) const;

  // Every division, grids included, by code.
  const std::unordered_map<std::string, Division>& divisions() const { return divisions_; }

  const geo::GridIndex& grids() const { return *grids_; }
  int64_t version() const { return version_; }

 private:
  struct Shapes;
  TerritorySnapshot() = default;
  int64_t version_ = 0;
  std::unordered_map<std::string, Division> divisions_;  // grids included
  std::unordered_map<std::string, std::vector<std::string>> children_;
  std::shared_ptr<const geo::GridIndex> grids_;
  std::unique_ptr<Shapes> shapes_;
};

struct ImportReport;

// Holds the current snapshot and reloads it when the store's territory version moves.
class TerritoryService {
 public:
  explicit TerritoryService(store::Store& store) : store_(store) {}

  // Loads a new snapshot if the store's version differs from the current one (or none is loaded).
  // Answers true if it swapped.
  Result<bool> Refresh();

  // Imports grids (ImportGrids, with `allowed`) and refreshes the snapshot.
  Result<ImportReport> Import(std::string_view geojson,
                                     const std::function<bool(const std::string& community)>& allowed);

  // The current snapshot (never null after a successful Refresh).
  std::shared_ptr<const TerritorySnapshot> snapshot() const { return current_.load(); }

 private:
  store::Store& store_;
  std::atomic<std::shared_ptr<const TerritorySnapshot>> current_;
};

// The answer to "where is this point": the grid and its ancestors, or the nearest grid when outside.
struct LocateAnswer {
  geo::Point wgs84;
  bool inside = false;
  double distance_m = 0;
  std::vector<const Division*> path;  // [grid, community, street, county, city, province]
};

// Locates a point given in `crs` (converted to WGS84 first). Fails if the territory has no grids.
Result<LocateAnswer> Locate(const TerritorySnapshot& territory, geo::Point point, geo::Crs crs);

// Validates longitude/latitude ranges, naming the field at fault.
Result<void> ValidateLonLat(double lon, double lat);

// What an import did.
struct ImportReport {
  size_t grids = 0;            // grids written (inserted or replaced)
  size_t shapes = 0;           // division shapes recomputed
};

// Imports a GeoJSON FeatureCollection of grids, all or nothing: every feature must be valid and its
// community must exist (in the store); the shapes of the affected communities and their ancestors are
// recomputed; everything is written in one transaction.
// `allowed`, when set, is asked for each feature's community code; a community it refuses fails the
// whole import with forbidden (field "community", naming the feature).
Result<ImportReport> ImportGrids(store::Store& store, std::string_view geojson,
                                 const std::function<bool(const std::string& community)>& allowed = nullptr);

// Simplification tolerance in degrees for drawing a division of `level` at coarse zoom.
double SimplifyTolerance(Level level);

// Computes the shapes (union, and a simplified copy) of `codes`, divisions above grid level. A
// community's shape is the union of its grids in `grids`; a higher division's is the union of its
// children's shapes (`divisions` tells the children), taken from this computation when the child is in
// `codes`, else from `existing`. Deepest levels are computed first.
std::vector<geo::DivisionShape> ComputeDivisionShapes(
    const std::vector<std::string>& codes, const std::vector<Division>& divisions,
    const std::vector<geo::Grid>& grids,
    const std::unordered_map<std::string, const geo::MultiPolygon*>& existing = {});

}  // namespace civicgrid::app
