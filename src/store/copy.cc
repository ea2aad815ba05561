#include "store/copy.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <type_traits>
#include <variant>

#include "store/database.h"

namespace civicgrid::store {
namespace {

using sql::Dialect;
using sql::RowReader;
using sql::Runner;
using sql::Value;
using sql::Values;

// Tables of the engines themselves, never copied.
const std::set<std::string>& EngineTables() {
  static const std::set<std::string> kTables = {"schema_migrations", "spatial_ref_sys"};
  return kTables;
}

// The names of the tables in `db`'s schema.
Result<std::vector<std::string>> TablesOf(Runner& db) {
  std::vector<std::string> out;
  const char* sql = db.dialect() == Dialect::kPostgres
                        ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_type = 'BASE TABLE' ORDER BY table_name"
                        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE "
                          "'\\' ORDER BY name";
  auto r = db.RunOnce(sql, {}, [&](const RowReader& row) { out.push_back(row.Text(0)); });
  if (!r) return r.error();
  return out;
}

// The columns of `table` in `db`, in their declared order.
Result<std::vector<std::string>> ColumnsOf(Runner& db, const std::string& table) {
  std::vector<std::string> out;
  const char* sql = db.dialect() == Dialect::kPostgres
                        ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                          "AND table_name = ?1 ORDER BY ordinal_position"
                        : "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
  auto r = db.RunOnce(sql, {table}, [&](const RowReader& row) { out.push_back(row.Text(0)); });
  if (!r) return r.error();
  return out;
}

// The columns of `spec` in `db` that a copy moves and a checksum covers, in name order: all but the
// engine's row id and the geometry PostGIS derives from the grids' shapes.
Result<std::vector<std::string>> CopiedColumns(Runner& db, const TableSpec& spec) {
  auto columns = ColumnsOf(db, spec.name);
  if (!columns) return columns.error();
  if (spec.engine_id) std::erase(*columns, "id");
  if (std::string(spec.name) == "grids") std::erase(*columns, "geom");
  std::sort(columns->begin(), columns->end());
  return columns;
}

// The key `spec`'s rows are read in on `db`.
std::string OrderOf(Runner& db, const TableSpec& spec) {
  return spec.engine_id && db.dialect() == Dialect::kSqlite ? "rowid" : spec.order_by;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Runs the query `sql` and calls `each` for every row. PostgreSQL's rows come through a cursor, a few
// thousand at a time, so that a large table is never held in memory whole (SQLite steps through rows).
Result<void> ForEachRow(Runner& db, const std::string& sql, const std::function<Result<void>(const RowReader&)>& each) {
  Result<void> failed;
  auto call = [&](const RowReader& row) {
    if (failed) failed = each(row);
  };
  if (db.dialect() == Dialect::kSqlite) {
    auto r = db.RunOnce(sql, {}, call);
    if (!r) return r.error();
    return failed;
  }
  if (auto r = db.RunOnce("DECLARE civicgrid_rows NO SCROLL CURSOR FOR " + sql, {}); !r) return r.error();
  for (;;) {
    int64_t fetched = 0;
    auto r = db.RunOnce("FETCH FORWARD 5000 FROM civicgrid_rows", {}, [&](const RowReader& row) {
      ++fetched;
      call(row);
    });
    if (!r) return r.error();
    if (!failed) return failed;
    if (fetched == 0) break;
  }
  if (auto r = db.RunOnce("CLOSE civicgrid_rows", {}); !r) return r.error();
  return {};
}

// A running SHA-256 over rows, each value in a form both engines give alike.
class RowHasher {
 public:
  RowHasher() { crypto_hash_sha256_init(&state_); }

  void Add(const Value& v) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            Put("N;");
          } else if constexpr (std::is_same_v<T, int64_t>) {
            Put("I" + std::to_string(x) + ";");
          } else if constexpr (std::is_same_v<T, double>) {
            if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) < 9.0e15) {
              Put("I" + std::to_string(static_cast<int64_t>(x)) + ";");
            } else {
              char buf[40];
              std::snprintf(buf, sizeof buf, "R%.17g;", x);
              Put(buf);
            }
          } else if constexpr (std::is_same_v<T, std::string>) {
            Put("T" + std::to_string(x.size()) + ":");
            Put(x);
          } else {
            Put("B" + std::to_string(x.data.size()) + ":");
            Put(x.data);
          }
        },
        v);
  }
  void EndRow() { Put("\n"); }

  std::string Hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
  }

 private:
  void Put(const std::string& s) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  crypto_hash_sha256_state state_;
};

Result<int64_t> CountRows(Runner& db, const std::string& table) {
  int64_t n = 0;
  auto r = db.RunOnce("SELECT count(*) FROM " + table, {}, [&](const RowReader& row) { n = row.Int(0); });
  if (!r) return r.error();
  return n;
}

// Reads `spec`'s `columns` in key order, hashing every row and handing it to `each` (if set).
Result<TableSummary> ReadTable(Runner& db, const TableSpec& spec, const std::vector<std::string>& columns,
                               const std::function<Result<void>(const Values&)>& each) {
  TableSummary s{spec.name, 0, ""};
  RowHasher hash;
  Values row(columns.size());
  auto r = ForEachRow(db, "SELECT " + Join(columns) + " FROM " + spec.name + " ORDER BY " + OrderOf(db, spec),
                      [&](const RowReader& reader) -> Result<void> {
                        for (size_t i = 0; i < columns.size(); ++i) {
                          row[i] = reader.At(static_cast<int>(i));
                          hash.Add(row[i]);
                        }
                        hash.EndRow();
                        ++s.rows;
                        if (each) return each(row);
                        return {};
                      });
  if (!r) return r.error();
  s.checksum = hash.Hex();
  return s;
}

// Checks that `db` has no other tables than the copied ones and the engine's own, so that a copy never
// leaves a table behind.
Result<void> CheckTablesKnown(Runner& db) {
  auto tables = TablesOf(db);
  if (!tables) return tables.error();
  for (const auto& t : *tables) {
    if (EngineTables().count(t)) continue;
    const auto& all = CopiedTables();
    if (std::none_of(all.begin(), all.end(), [&](const TableSpec& s) { return t == s.name; }))
      return Error::InvalidArgument("the source has a table 'civicgrid db copy' does not know: '" + t + "'", "from");
  }
  return {};
}

// Inserts rows into one table in statements of many rows each.
class BatchInserter {
 public:
  BatchInserter(Runner& db, std::string table, std::vector<std::string> columns)
      : db_(db), table_(std::move(table)), columns_(std::move(columns)) {
    per_statement_ = std::max<size_t>(1, std::min<size_t>(500, 30000 / columns_.size()));
  }

  Result<void> Add(const Values& row) {
    pending_.insert(pending_.end(), row.begin(), row.end());
    if (++rows_ == per_statement_) return Flush();
    return {};
  }

  Result<void> Flush() {
    if (rows_ == 0) return {};
    const std::string sql = Statement(rows_);
    auto r = rows_ == per_statement_ ? db_.Run(sql, pending_) : db_.RunOnce(sql, pending_);
    pending_.clear();
    rows_ = 0;
    if (!r) return r.error();
    return {};
  }

 private:
  std::string Statement(size_t rows) const {
    std::string sql = "INSERT INTO " + table_ + " (" + Join(columns_) + ") VALUES ";
    int n = 0;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (size_t c = 0; c < columns_.size(); ++c) sql += (c ? ",?" : "?") + std::to_string(++n);
      sql += ")";
    }
    return sql;
  }

  Runner& db_;
  std::string table_;
  std::vector<std::string> columns_;
  size_t per_statement_;
  size_t rows_ = 0;
  Values pending_;
};

// Sets PostgreSQL's id sequences past the ids copied, so that new rows get new ids.
Result<void> SyncSequences(Runner& to) {
  if (to.dialect() != Dialect::kPostgres) return {};
  for (const char* t : {"units", "routing_rules", "case_events", "users", "user_grants", "api_keys"}) {
    const std::string table = t;
    auto r = to.RunOnce("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), GREATEST((SELECT MAX(id) FROM " +
                            table + "), 1), (SELECT MAX(id) FROM " + table + ") IS NOT NULL)",
                        {});
    if (!r) return r.error();
  }
  auto r = to.RunOnce(
      "SELECT setval('cases_id_seq', GREATEST((SELECT MAX(id) FROM cases), 1), (SELECT MAX(id) FROM cases) IS NOT NULL)",
      {});
  if (!r) return r.error();
  return {};
}

Result<std::vector<TableSummary>> CopyInTransactions(Runner& from, Runner& to,
                                                     const std::function<void(const CopyProgress&)>& progress) {
  if (auto r = CheckTablesKnown(from); !r) return r.error();
  std::vector<TableSummary> out;
  for (const TableSpec& spec : CopiedTables()) {
    const std::string table = spec.name;
    auto source_columns = CopiedColumns(from, spec);
    if (!source_columns) return source_columns.error();
    if (source_columns->empty()) return Error::InvalidArgument("the source has no table '" + table + "'", "from");
    auto target_columns = CopiedColumns(to, spec);
    if (!target_columns) return target_columns.error();
    for (const auto& c : *source_columns)
      if (std::find(target_columns->begin(), target_columns->end(), c) == target_columns->end())
        return Error::InvalidArgument("the target's table '" + table + "' has no column '" + c +
                                          "' (is it a database of this version?)",
                                      "to");
    if (table == "meta") {
      if (auto r = to.RunOnce("DELETE FROM meta", {}); !r) return r.error();
    } else {
      auto n = CountRows(to, table);
      if (!n) return n.error();
      if (*n > 0)
        return Error::InvalidArgument("the target is not empty: table '" + table + "' holds " + std::to_string(*n) +
                                          " rows; copy into a new database or schema",
                                      "to");
    }
    auto total = CountRows(from, table);
    if (!total) return total.error();
    CopyProgress p{table, 0, *total};
    if (progress) progress(p);
    const int64_t every = std::max<int64_t>(10000, *total / 20);  // large tables: every 5%
    BatchInserter insert(to, table, *source_columns);
    auto copied = ReadTable(from, spec, *source_columns, [&](const Values& row) -> Result<void> {
      if (auto r = insert.Add(row); !r) return r;
      if (++p.done % every == 0 && progress && p.done < p.total) progress(p);
      return {};
    });
    if (!copied) return copied.error();
    if (auto r = insert.Flush(); !r) return r.error();
    if (progress) progress(p);
    auto written = ReadTable(to, spec, *source_columns, nullptr);
    if (!written) return written.error();
    if (written->rows != copied->rows || written->checksum != copied->checksum)
      return Error::Internal("db copy: table '" + table + "' differs after the copy (" + std::to_string(copied->rows) +
                             " rows read, " + std::to_string(written->rows) + " in the target; checksums " +
                             copied->checksum + " and " + written->checksum + "); nothing was committed");
    out.push_back(std::move(*copied));
  }
  if (auto r = SyncSequences(to); !r) return r.error();
  return out;
}

}  // namespace

const std::vector<TableSpec>& CopiedTables() {
  static const std::vector<TableSpec> kTables = {
      {"meta", "key"},
      {"divisions", "code"},
      {"grids", "code"},
      {"division_shapes", "code"},
      {"calendars", "id"},
      {"calendar_overrides", "calendar, day"},
      {"units", "id"},
      {"categories", "code"},
      {"routing_rules", "id"},
      {"cases", "id"},
      {"case_events", "id"},
      {"idempotency_keys", "key"},
      {"case_stats", "day, territory, category, unit, channel"},
      {"case_stats_day", "dim, period, area, value"},
      {"case_stats_month", "dim, period, area, value"},
      {"audit_log", "seq"},
      {"users", "id"},
      {"user_grants", "id", true},
      {"sessions", "token_hash"},
      {"api_keys", "id"},
  };
  return kTables;
}

Result<std::vector<TableSummary>> SummarizeDatabase(sql::Runner& db) {
  if (auto r = BeginSnapshot(db); !r) return r.error();
  std::vector<TableSummary> out;
  for (const TableSpec& spec : CopiedTables()) {
    auto columns = CopiedColumns(db, spec);
    if (!columns) {
      Rollback(db);
      return columns.error();
    }
    if (columns->empty()) {
      Rollback(db);
      return Error::InvalidArgument(std::string("the database has no table '") + spec.name + "'", "db");
    }
    auto s = ReadTable(db, spec, *columns, nullptr);
    if (!s) {
      Rollback(db);
      return s.error();
    }
    out.push_back(std::move(*s));
  }
  Rollback(db);  // read only
  return out;
}

Result<std::vector<TableSummary>> CopyDatabase(sql::Runner& from, sql::Runner& to,
                                               const std::function<void(const CopyProgress&)>& progress) {
  if (auto r = BeginSnapshot(from); !r) return r.error();
  if (auto r = BeginWrite(to); !r) {
    Rollback(from);
    return r.error();
  }
  auto out = CopyInTransactions(from, to, progress);
  Rollback(from);  // read only
  if (!out) {
    Rollback(to);
    return out.error();
  }
  if (auto r = Commit(to); !r) return r.error();
  if (to.dialect() == Dialect::kPostgres) (void)to.RunOnce("ANALYZE", {});  // plans for the new rows
  return out;
}

}  // namespace civicgrid::store
