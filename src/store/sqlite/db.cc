#include "store/sqlite/db.h"

#include <type_traits>
#include <variant>

#include <memory>

namespace civicgrid::store::sqlite {
namespace {

// SQLite's memory statistics (sqlite3_memory_used…) take a global mutex around every allocation; nothing
// here reads them. sqlite3_config must run before SQLite initializes: this runs before main().
const bool kConfigured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();

}  // namespace


Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::BindBlob(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Stmt& Stmt::BindValues(const sql::Values& values, int first) {
  int i = first;
  for (const sql::Value& v : values) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>)
            BindNull(i);
          else if constexpr (std::is_same_v<T, sql::Bytes>)
            BindBlob(i, x.data);
          else
            Bind(i, x);
        },
        v);
    ++i;
  }
  return *this;
}

bool Stmt::Step() {
  if (!stmt_) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

Result<void> Stmt::Run() {
  if (!stmt_) return Error::Internal("sqlite: " + error_);
  while (Step()) {
  }
  if (!error_.empty()) return Error::Internal("sqlite: " + error_);
  return {};
}

void Stmt::Reset() {
  if (!stmt_) return;  // keeps the error of the failed prepare
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  error_.clear();
}

std::string Stmt::Text(int col) const {
  auto p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
std::string Stmt::Blob(int col) const {
  auto p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::Real(int col) const { return sqlite3_column_double(stmt_, col); }
bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

sql::Value Stmt::At(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_INTEGER: return Int(col);
    case SQLITE_FLOAT: return Real(col);
    case SQLITE_TEXT: return Text(col);
    case SQLITE_BLOB: return sql::Bytes{Blob(col)};
    default: return std::monostate{};
  }
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* h = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = h ? sqlite3_errmsg(h) : "out of memory";
    sqlite3_close(h);
    return Error::InvalidArgument("cannot open database '" + path + "': " + msg, "db");
  }
  std::unique_ptr<Db> db(new Db(h));
  sqlite3_busy_timeout(h, 10000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto r = db->Exec(pragma); !r)
      return Error::InvalidArgument("cannot use database '" + path + "': " + r.error().message, "db");
  }
  return db;
}

Db::~Db() {
  cache_.clear();  // finalized before the connection closes
  sqlite3_close_v2(db_);
}

Stmt& Db::Cached(const std::string& sql) {
  auto& slot = cache_[sql];
  if (!slot) slot = std::make_unique<Stmt>(db_, sql);
  slot->Reset();
  return *slot;
}

Result<void> Db::ExecCached(const std::string& sql) {
  Stmt& s = Cached(sql);
  auto r = s.Run();
  s.Reset();
  return r;
}

Result<int64_t> Db::Run(const std::string& sql, const sql::Values& params, const RowFn& each) {
  CachedStmt s(*this, sql);
  if (!s->ok()) return Error::Internal("sqlite: " + s->error());
  s->BindValues(params);
  while (s->Step())
    if (each) each(*s);
  if (!s->error().empty()) return Error::Internal("sqlite: " + s->error());
  return static_cast<int64_t>(sqlite3_changes(db_));
}

Result<int64_t> Db::RunOnce(const std::string& sql, const sql::Values& params, const RowFn& each) {
  Stmt s(db_, sql);
  if (!s.ok()) return Error::Internal("sqlite: " + s.error());
  s.BindValues(params);
  while (s.Step())
    if (each) each(s);
  if (!s.error().empty()) return Error::Internal("sqlite: " + s.error());
  return static_cast<int64_t>(sqlite3_changes(db_));
}

Result<void> Db::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Error::Internal("sqlite: " + msg);
  }
  return {};
}

}  // namespace civicgrid::store::sqlite
