// The PostGIS peer of the Locate figure: per set, a grids table (id, code, geometry in SRID 4326 with a
// GiST index) and a points table (id, geometry), both loaded once with COPY and analysed; a run is ONE
// SQL statement joining the points to the grids with ST_Covers, whose rows (point, grid) the client
// reduces to civicgrid's edge rule (the smallest grid position, i.e. code, per point).
//
// Tables are UNLOGGED (loading is not what is measured; the query plan and its work are the same) and
// named locate_<set>_grids / locate_<set>_points; they are replaced on each load. The session runs with
// max_parallel_workers_per_gather = 0 (the figure compares lookups on one thread) and jit = off (the
// plan's JIT compilation costs about 0.3 s per statement and saves nothing: the time is in the index).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/grid.h"
#include "locate/locate_set.h"

struct pg_conn;

namespace civicgrid::bench::locate {

class PostgisLocator {
 public:
  // Connects to the server at `uri` (a libpq URI) and creates the postgis extension if absent.
  static Result<std::unique_ptr<PostgisLocator>> Connect(const std::string& uri);
  ~PostgisLocator();
  PostgisLocator(const PostgisLocator&) = delete;
  PostgisLocator& operator=(const PostgisLocator&) = delete;

  // Replaces the tables of `set` with its grids (id = position in code order) and points (id = index).
  Result<void> Load(const LocateSet& set);

  // Runs the join over the points of `set` and writes each point's grid position (or kOutside) into
  // `out` (resized to the number of points).
  Result<void> LocateAll(const LocateSet& set, Answers* out);

  // The join statement for `set`, as run by LocateAll.
  static std::string JoinSql(const LocateSet& set);

  // EXPLAIN of the join, one line per plan row, for the record.
  Result<std::string> Explain(const LocateSet& set);

  // "PostgreSQL 15.x, PostGIS 3.x".
  std::string Versions();

 private:
  explicit PostgisLocator(pg_conn* conn) : conn_(conn) {}
  Result<void> Exec(const std::string& sql);
  Result<void> Copy(const std::string& copy_sql, const std::string& data);
  pg_conn* conn_;
};

}  // namespace civicgrid::bench::locate
