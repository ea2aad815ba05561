// The peers: what a competent user would run without civicgrid's counters — SQL over the case rows,
// in SQLite (the same database file, its own read-only connection) and in PostgreSQL (the columns the
// statistics need, copied once with COPY).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "core/result.h"
#include "stats_sql.h"
#include "store/case_store.h"

namespace civicgrid::bench {

// The SQLite peer: its own read-only connection to the database (default page cache, like the store's).
class SqlitePeer {
 public:
  static Result<std::unique_ptr<SqlitePeer>> Open(const std::string& path);
  ~SqlitePeer();
  SqlitePeer(const SqlitePeer&) = delete;
  SqlitePeer& operator=(const SqlitePeer&) = delete;

  // The statistics of `q` by one GROUP BY over `cases` (StatsSql; its statement is prepared once per `by`).
  Result<StatsAnswer> Stats(const store::StatsQuery& q);

  // A page of `limit` cases in `statuses` under the territory prefix `under`, newest first, after skipping
  // `offset` of them: LIMIT/OFFSET with every case column read, as a user's own paging would, by the access
  // path ListCases takes for the same filter. Answers the ids.
  Result<std::vector<int64_t>> OffsetPage(const std::string& under, const std::vector<CaseStatus>& statuses,
                                          int64_t offset, int limit);

  // One value of a query with no parameters (e.g. a count or the newest report time); 0 when NULL.
  Result<int64_t> QueryInt(const std::string& sql);
  // Rows of (text, integer) of a query with at most one text parameter ?1 ("" = none).
  Result<std::vector<std::pair<std::string, int64_t>>> QueryPairs(const std::string& sql, const std::string& p1 = "");

  sqlite3* handle() const { return db_; }

 private:
  explicit SqlitePeer(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::vector<std::pair<int, sqlite3_stmt*>> stats_;  // prepared per StatsBy
};

// The PostgreSQL peer: a table `bench_store.cases` of the statistics' columns, loaded by COPY.
class PgPeer {
 public:
  static Result<std::unique_ptr<PgPeer>> Connect(const std::string& uri);
  ~PgPeer();  // drops the schema it made
  PgPeer(const PgPeer&) = delete;
  PgPeer& operator=(const PgPeer&) = delete;

  // What loading took and made.
  struct LoadReport {
    int64_t rows = 0;
    double copy_seconds = 0;    // CREATE TABLE + COPY … FREEZE, reading the SQLite rows as it goes
    double index_seconds = 0;   // both indexes
    double analyze_seconds = 0; // VACUUM ANALYZE
    int64_t table_bytes = 0, index_bytes = 0;
  };
  // Creates the table (dropping an older one), copies every case of `source` into it, then makes the
  // indexes (territory, reported_at) and (reported_at) and runs VACUUM ANALYZE.
  Result<LoadReport> Load(sqlite3* source);

  // The statistics of `q` by the same GROUP BY (PostgreSQL dialect, prepared once per `by`).
  Result<StatsAnswer> Stats(const store::StatsQuery& q);

  // The PostgreSQL server's version string.
  std::string Version();

 private:
  explicit PgPeer(PGconn* conn) : conn_(conn) {}
  Result<void> Exec(const std::string& sql);
  PGconn* conn_;
  std::vector<int> prepared_;  // StatsBy values prepared as "stats_<n>"
  bool loaded_ = false;
};

}  // namespace civicgrid::bench
