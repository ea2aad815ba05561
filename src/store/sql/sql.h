// What the engines' SQL code shares: values to bind, rows to read, the two dialects, and a runner that
// executes one statement. The case rows, case filters and statistics counters (case_rows.h,
// case_filter.h, stats_rollup.h) are written once against these and run on SQLite and PostgreSQL.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace civicgrid::store::sql {

// Bytes bound as a BLOB (SQLite) or bytea (PostgreSQL) rather than text.
struct Bytes {
  std::string data;
};

// One parameter: NULL, an integer, a real, text or bytes.
using Value = std::variant<std::monostate, int64_t, double, std::string, Bytes>;
using Values = std::vector<Value>;

// One row of a result. Columns are 0-based; a NULL reads as 0, 0.0 or "".
class RowReader {
 public:
  virtual ~RowReader() = default;
  virtual std::string Text(int col) const = 0;
  virtual std::string Blob(int col) const = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Real(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
  // The value with the type the engine stored it with: NULL, an integer (booleans as 0/1), a real, text
  // or bytes (BLOB/bytea). For copying and comparing rows whatever their columns.
  virtual Value At(int col) const = 0;
};

enum class Dialect { kSqlite, kPostgres };

// The text of parameter n (1-based): "?n" in SQLite, "$n" in PostgreSQL.
inline std::string Param(Dialect d, int n) { return (d == Dialect::kSqlite ? "?" : "$") + std::to_string(n); }

// Runs one statement on an engine's connection (inside whatever transaction the caller holds). Statements
// are written with SQLite's numbered parameters (?1, ?2, …); PostgreSQL's runner reads them as $1, $2, ….
class Runner {
 public:
  using RowFn = std::function<void(const RowReader&)>;
  virtual ~Runner() = default;
  virtual Dialect dialect() const = 0;
  // Runs `sql` with `params` ($1/?1 … in order), calling `each` (if set) for every row; answers the
  // number of rows the statement changed. The statement may be prepared once and kept.
  virtual Result<int64_t> Run(const std::string& sql, const Values& params, const RowFn& each = nullptr) = 0;
  // Like Run, for a statement built for one use (its text embeds values): never kept prepared.
  virtual Result<int64_t> RunOnce(const std::string& sql, const Values& params, const RowFn& each = nullptr) = 0;
};

}  // namespace civicgrid::store::sql
