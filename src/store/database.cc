#include "store/database.h"

#include <filesystem>

#include "store/postgres/pg.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace civicgrid::store {

std::string SqlitePathOf(const std::string& url) {
  if (IsPostgresUrl(url)) return "";
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}

Result<std::unique_ptr<sql::Runner>> ConnectDatabase(const std::string& url, const std::string& field) {
  if (IsPostgresUrl(url)) {
    auto c = pg::Conn::Open(url);
    if (!c) return Error::InvalidArgument(c.error().message, field);
    return std::unique_ptr<sql::Runner>(std::move(*c));
  }
  const std::string path = SqlitePathOf(url);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    return Error::InvalidArgument("no database file at '" + path + "'", field);
  auto db = sqlite::Db::Open(path);
  if (!db) return Error::InvalidArgument(db.error().message, field);
  return std::unique_ptr<sql::Runner>(std::move(*db));
}

namespace {

Result<void> Statement(sql::Runner& db, const std::string& sql) {
  auto r = db.RunOnce(sql, {});
  if (!r) return r.error();
  return {};
}

}  // namespace

Result<void> BeginSnapshot(sql::Runner& db) {
  if (db.dialect() == sql::Dialect::kPostgres)
    return Statement(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (auto r = Statement(db, "BEGIN"); !r) return r;
  // SQLite starts the read transaction (and fixes its snapshot) at the first read.
  auto r = db.RunOnce("SELECT count(*) FROM sqlite_master", {}, [](const sql::RowReader&) {});
  if (!r) {
    Rollback(db);
    return r.error();
  }
  return {};
}

Result<void> BeginWrite(sql::Runner& db) {
  return Statement(db, db.dialect() == sql::Dialect::kPostgres ? "BEGIN" : "BEGIN IMMEDIATE");
}

Result<void> Commit(sql::Runner& db) {
  if (auto r = Statement(db, "COMMIT"); !r) {
    Rollback(db);
    return r;
  }
  return {};
}

void Rollback(sql::Runner& db) { (void)db.RunOnce("ROLLBACK", {}); }

}  // namespace civicgrid::store
