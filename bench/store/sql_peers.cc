#include "sql_peers.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace civicgrid::bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Error SqliteError(sqlite3* db, const std::string& what) {
  return Error::Internal("sqlite peer: " + what + ": " + sqlite3_errmsg(db));
}

Error PgError(PGconn* conn, const std::string& what) {
  return Error::Internal("postgresql peer: " + what + ": " + PQerrorMessage(conn));
}

// The columns of `cases` the statistics read, in the order of the PostgreSQL table.
constexpr const char* kCopyColumns =
    "territory, category, status, channel, unit, reported_at, dispatched_at, returns, reworks, extensions, "
    "escalations, overdue, self_handled, resolved_on_time, ended_level, evaluation, handling_seconds";
constexpr int kCopyColumnCount = 17;
constexpr const char* kPgTable = R"sql(
CREATE TABLE bench_store.cases (
  territory        text COLLATE "C" NOT NULL,
  category         text COLLATE "C" NOT NULL,
  status           text NOT NULL,
  channel          text COLLATE "C" NOT NULL,
  unit             bigint NOT NULL,
  reported_at      bigint NOT NULL,
  dispatched_at    bigint NOT NULL,
  returns          integer NOT NULL,
  reworks          integer NOT NULL,
  extensions       integer NOT NULL,
  escalations      integer NOT NULL,
  overdue          smallint NOT NULL,
  self_handled     smallint NOT NULL,
  resolved_on_time smallint NOT NULL,
  ended_level      smallint NOT NULL,
  evaluation       text NOT NULL,
  handling_seconds bigint NOT NULL
))sql";

// Appends `text` escaped for COPY's text format.
void AppendCopyText(std::string& out, const unsigned char* text, int n) {
  for (int i = 0; i < n; ++i) {
    const char c = static_cast<char>(text[i]);
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
}

}  // namespace

// ---- SQLite ----

Result<std::unique_ptr<SqlitePeer>> SqlitePeer::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Error e = SqliteError(db, "open " + path);
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 10000);
  return std::unique_ptr<SqlitePeer>(new SqlitePeer(db));
}

SqlitePeer::~SqlitePeer() {
  for (auto& [by, s] : stats_) sqlite3_finalize(s);
  sqlite3_close_v2(db_);
}

Result<StatsAnswer> SqlitePeer::Stats(const store::StatsQuery& q) {
  sqlite3_stmt* s = nullptr;
  for (auto& [by, st] : stats_)
    if (by == static_cast<int>(q.by)) s = st;
  if (!s) {
    const std::string sql = StatsSql(q.by, Dialect::kSqlite);
    if (sql.empty()) return Error::InvalidArgument("the peers do not group by this key", "by");
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return SqliteError(db_, "prepare stats");
    stats_.emplace_back(static_cast<int>(q.by), s);
  }
  const auto [begin, end] = ReportedRange(q.from, q.to);
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, begin);
  sqlite3_bind_int64(s, 2, end);
  sqlite3_bind_text(s, 3, q.under.data(), static_cast<int>(q.under.size()), SQLITE_TRANSIENT);
  StatsAnswer out;
  int rc;
  const int n = static_cast<int>(kStatFieldNames.size());
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StatsRow row;
    if (auto k = sqlite3_column_text(s, 0)) row.key.assign(reinterpret_cast<const char*>(k), sqlite3_column_bytes(s, 0));
    for (int i = 0; i < n; ++i) row.counts.v[i] = sqlite3_column_int64(s, 1 + i);
    std::vector<double> rates;
    for (int i = 1 + n; i < kStatsSqlColumns; ++i)
      rates.push_back(sqlite3_column_type(s, i) == SQLITE_NULL ? kNaN : sqlite3_column_double(s, i));
    row.rates = RatesFromValues(rates);
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, "stats");
  return out;
}

Result<std::vector<int64_t>> SqlitePeer::OffsetPage(const std::string& under, const std::vector<CaseStatus>& statuses,
                                                     int64_t offset, int limit) {
  // The access path civicgrid's ListCases takes for the same filter (store/sql/case_filter.h), so that the
  // two differ only by OFFSET against a keyset cursor: for a county or more, each status walked newest first in
  // the (status, id, territory) index and merged; for a street or less, the matches of the (status, territory,
  // id) index. Only the ids chosen are read from the table.
  const std::string place = "territory >= ?1 AND territory < ?1 || ':'";
  std::string chosen;
  if (under.size() <= 6) {
    for (CaseStatus st : statuses)
      chosen += std::string(chosen.empty() ? "" : " UNION ALL ") +
             "SELECT id FROM (SELECT id FROM cases INDEXED BY cases_status WHERE status = '" +
             std::string(CaseStatusName(st)) + "' AND " + place + " ORDER BY id DESC LIMIT ?2 + ?3)";
  } else {
    std::string in;
    for (CaseStatus st : statuses) in += std::string(in.empty() ? "'" : ", '") + std::string(CaseStatusName(st)) + "'";
    chosen = "SELECT id FROM cases INDEXED BY cases_status_territory WHERE status IN (" + in + ") AND " + place;
  }
  const std::string sql =
      "SELECT * FROM cases WHERE id IN (" + chosen + " ORDER BY id DESC LIMIT ?2 OFFSET ?3) ORDER BY id DESC";
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return SqliteError(db_, "prepare page");
  sqlite3_bind_text(s, 1, under.data(), static_cast<int>(under.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 2, limit);
  sqlite3_bind_int64(s, 3, offset);
  std::vector<int64_t> ids;
  int rc;
  int64_t touched = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ids.push_back(sqlite3_column_int64(s, 0));
    for (int i = 1, cols = sqlite3_column_count(s); i < cols; ++i)  // read every column, as a client would
      touched += sqlite3_column_bytes(s, i);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return SqliteError(db_, "page");
  if (touched < 0) ids.clear();  // keeps the reads
  return ids;
}

Result<int64_t> SqlitePeer::QueryInt(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return SqliteError(db_, "prepare");
  int64_t v = 0;
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db_, sql);
  return v;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlitePeer::QueryPairs(const std::string& sql,
                                                                           const std::string& p1) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return SqliteError(db_, "prepare");
  if (!p1.empty()) sqlite3_bind_text(s, 1, p1.data(), static_cast<int>(p1.size()), SQLITE_TRANSIENT);
  std::vector<std::pair<std::string, int64_t>> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const auto* t = sqlite3_column_text(s, 0);
    out.emplace_back(t ? std::string(reinterpret_cast<const char*>(t)) : "", sqlite3_column_int64(s, 1));
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return SqliteError(db_, sql);
  return out;
}

// ---- PostgreSQL ----

Result<std::unique_ptr<PgPeer>> PgPeer::Connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    Error e = PgError(conn, "connect to " + uri);
    PQfinish(conn);
    return e;
  }
  std::unique_ptr<PgPeer> peer(new PgPeer(conn));
  // Custom plans for every execution: a generic plan would not see which territory prefix is asked for.
  for (const char* sql : {"SET client_min_messages = warning", "SET plan_cache_mode = force_custom_plan"})
    if (auto r = peer->Exec(sql); !r) return r.error();
  return peer;
}

PgPeer::~PgPeer() {
  if (loaded_) (void)Exec("DROP SCHEMA IF EXISTS bench_store CASCADE");
  PQfinish(conn_);
}

Result<void> PgPeer::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const auto status = PQresultStatus(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn_, sql.substr(0, 60));
  return {};
}

std::string PgPeer::Version() {
  PGresult* r = PQexec(conn_, "SELECT version()");
  std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return v;
}

Result<PgPeer::LoadReport> PgPeer::Load(sqlite3* source) {
  LoadReport report;
  auto t0 = std::chrono::steady_clock::now();
  loaded_ = true;
  for (const char* sql : {"DROP SCHEMA IF EXISTS bench_store CASCADE", "CREATE SCHEMA bench_store", "BEGIN", kPgTable})
    if (auto r = Exec(sql); !r) return r.error();
  PGresult* start = PQexec(conn_, (std::string("COPY bench_store.cases (") + kCopyColumns +
                                   ") FROM STDIN WITH (FORMAT text, FREEZE)").c_str());
  const bool copying = PQresultStatus(start) == PGRES_COPY_IN;
  PQclear(start);
  if (!copying) return PgError(conn_, "COPY");

  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(source, (std::string("SELECT ") + kCopyColumns + " FROM cases").c_str(), -1, &s, nullptr) !=
      SQLITE_OK)
    return SqliteError(source, "read cases");
  std::string buf;
  buf.reserve(1 << 20);
  int rc;
  bool sent = true;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    for (int i = 0; i < kCopyColumnCount; ++i) {
      if (i) buf += '\t';
      if (sqlite3_column_type(s, i) == SQLITE_INTEGER) buf += std::to_string(sqlite3_column_int64(s, i));
      else AppendCopyText(buf, sqlite3_column_text(s, i), sqlite3_column_bytes(s, i));
    }
    buf += '\n';
    ++report.rows;
    if (buf.size() >= (1u << 20)) {
      sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
      if (!sent) break;
    }
  }
  sqlite3_finalize(s);
  if (sent && !buf.empty()) sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
  const bool read_ok = rc == SQLITE_DONE;
  if (PQputCopyEnd(conn_, read_ok && sent ? nullptr : "the source could not be read") != 1)
    return PgError(conn_, "end of COPY");
  PGresult* end = PQgetResult(conn_);
  const bool copied = PQresultStatus(end) == PGRES_COMMAND_OK;
  PQclear(end);
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  if (!read_ok) return SqliteError(source, "read cases");
  if (!copied) return PgError(conn_, "COPY");
  if (auto r = Exec("COMMIT"); !r) return r.error();
  report.copy_seconds = SecondsSince(t0);

  t0 = std::chrono::steady_clock::now();
  for (const char* sql : {"SET maintenance_work_mem = '256MB'",
                          "CREATE INDEX cases_territory_reported ON bench_store.cases (territory, reported_at)",
                          "CREATE INDEX cases_reported ON bench_store.cases (reported_at)"})
    if (auto r = Exec(sql); !r) return r.error();
  report.index_seconds = SecondsSince(t0);
  t0 = std::chrono::steady_clock::now();
  if (auto r = Exec("VACUUM ANALYZE bench_store.cases"); !r) return r.error();
  report.analyze_seconds = SecondsSince(t0);

  PGresult* sizes = PQexec(conn_, "SELECT pg_table_size('bench_store.cases'), pg_indexes_size('bench_store.cases')");
  if (PQresultStatus(sizes) == PGRES_TUPLES_OK && PQntuples(sizes) == 1) {
    report.table_bytes = std::atoll(PQgetvalue(sizes, 0, 0));
    report.index_bytes = std::atoll(PQgetvalue(sizes, 0, 1));
  }
  PQclear(sizes);
  return report;
}

Result<StatsAnswer> PgPeer::Stats(const store::StatsQuery& q) {
  const int by = static_cast<int>(q.by);
  const std::string name = "stats_" + std::to_string(by);
  bool prepared = false;
  for (int p : prepared_) prepared = prepared || p == by;
  if (!prepared) {
    const std::string sql = StatsSql(q.by, Dialect::kPostgres);
    if (sql.empty()) return Error::InvalidArgument("the peers do not group by this key", "by");
    if (auto r = Exec("SET search_path = bench_store"); !r) return r.error();
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return PgError(conn_, "prepare stats");
    prepared_.push_back(by);
  }
  const auto [begin, end] = ReportedRange(q.from, q.to);
  const std::string b = std::to_string(begin), e = std::to_string(end);
  const char* params[] = {b.c_str(), e.c_str(), q.under.c_str()};
  PGresult* r = PQexecPrepared(conn_, name.c_str(), 3, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return PgError(conn_, "stats");
  }
  StatsAnswer out;
  const int n = static_cast<int>(kStatFieldNames.size());
  for (int row = 0, rows = PQntuples(r); row < rows; ++row) {
    StatsRow g;
    g.key = PQgetvalue(r, row, 0);
    for (int i = 0; i < n; ++i) g.counts.v[i] = std::atoll(PQgetvalue(r, row, 1 + i));
    std::vector<double> rates;
    for (int i = 1 + n; i < kStatsSqlColumns; ++i)
      rates.push_back(PQgetisnull(r, row, i) ? kNaN : std::strtod(PQgetvalue(r, row, i), nullptr));
    g.rates = RatesFromValues(rates);
    out.push_back(std::move(g));
  }
  PQclear(r);
  return out;
}

}  // namespace civicgrid::bench
