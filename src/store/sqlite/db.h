// A thin RAII layer over the SQLite C API: a connection and prepared statements.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "core/result.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sqlite {

// A prepared statement; Bind* are 1-based; Step answers true while a row is available (read it through
// the sql::RowReader functions).
class Stmt : public sql::RowReader {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt() override;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const std::string& error() const { return error_; }

  Stmt& Bind(int i, std::string_view text);
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, double v);
  Stmt& BindBlob(int i, std::string_view bytes);
  Stmt& BindNull(int i);
  // Binds values[0] to parameter `first`, values[1] to first + 1, ….
  Stmt& BindValues(const sql::Values& values, int first = 1);

  // Steps once: true if a row is ready, false when done; errors are kept in error().
  bool Step();
  // Runs to completion; answers an error if any step failed.
  Result<void> Run();
  void Reset();

  std::string Text(int col) const override;
  std::string Blob(int col) const override;
  int64_t Int(int col) const override;
  double Real(int col) const override;
  bool IsNull(int col) const override;
  sql::Value At(int col) const override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

// One connection, opened in WAL mode with synchronous=FULL (a commit is on disk when it returns). As a
// sql::Runner it runs statements through its cache (Cached).
class Db : public sql::Runner {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db() override;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Result<void> Exec(std::string_view sql);
  sqlite3* handle() { return db_; }

  // The statement for `sql`, prepared on first use and kept for the connection's lifetime, reset and
  // unbound. Like the connection itself it belongs to one thread at a time; the caller resets it once
  // done (Stmt::Reset) so that it holds no cursor open past its transaction. Preparing costs far more
  // than running a small statement: the writer's per-case statements are all cached.
  Stmt& Cached(const std::string& sql);
  // Exec of one statement through the cache, for statements run again and again (SAVEPOINT, COMMIT…).
  Result<void> ExecCached(const std::string& sql);

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<int64_t> Run(const std::string& sql, const sql::Values& params, const RowFn& each = nullptr) override;
  Result<int64_t> RunOnce(const std::string& sql, const sql::Values& params, const RowFn& each = nullptr) override;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// A statement of Db::Cached for the current scope: reset when the scope ends, so that a pooled read
// connection keeps no cursor (nor the snapshot it pins) open.
class CachedStmt {
 public:
  CachedStmt(Db& db, const std::string& sql) : s_(db.Cached(sql)) {}
  ~CachedStmt() { s_.Reset(); }
  CachedStmt(const CachedStmt&) = delete;
  CachedStmt& operator=(const CachedStmt&) = delete;
  Stmt& operator*() { return s_; }
  Stmt* operator->() { return &s_; }

 private:
  Stmt& s_;
};

// Runs `fn` inside BEGIN IMMEDIATE … COMMIT; rolls back if it answers an error.
template <class Fn>
Result<void> InTransaction(Db& db, Fn&& fn) {
  if (auto r = db.Exec("BEGIN IMMEDIATE"); !r) return r;
  Result<void> r = fn();
  if (!r) {
    (void)db.Exec("ROLLBACK");
    return r;
  }
  if (auto c = db.Exec("COMMIT"); !c) {
    (void)db.Exec("ROLLBACK");
    return c;
  }
  return {};
}

}  // namespace civicgrid::store::sqlite
