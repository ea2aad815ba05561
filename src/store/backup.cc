#include "store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/process.h"
#include "store/database.h"
#include "store/postgres/pg.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace civicgrid::store {
namespace {

namespace fs = std::filesystem;

// ---- SQLite ----

// Syncs the file or directory `path` to disk.
void SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Renames `from` to `to` and syncs both, so that `to` is the complete file after a crash. The file is
// readable by its owner only: it holds password hashes and sealed personal data.
Result<void> MoveIntoPlace(const std::string& from, const std::string& to, const std::string& field) {
  SyncPath(from);
  std::error_code ec;
  fs::permissions(from, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  fs::rename(from, to, ec);
  if (ec) return Error::InvalidArgument("cannot rename " + from + " to " + to + ": " + ec.message(), field);
  const fs::path dir = fs::path(to).parent_path();
  SyncPath(dir.empty() ? "." : dir.string());
  return {};
}

// A plain connection closed at the end of its scope.
struct RawDb {
  sqlite3* h = nullptr;
  ~RawDb() { sqlite3_close_v2(h); }
  std::string error() const { return h ? sqlite3_errmsg(h) : "out of memory"; }
};

Result<void> Exec(sqlite3* db, const std::string& sql, const std::string& field) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "error";
    sqlite3_free(msg);
    return Error::InvalidArgument("sqlite: " + m, field);
  }
  return {};
}

// The first column of the first row of `sql` as text ("" when there is none).
std::string Scalar(sqlite3* db, const std::string& sql) {
  sqlite::Stmt s(db, sql);
  return s.ok() && s.Step() ? s.Text(0) : std::string();
}

// Copies database "main" of `src` into `dst` with SQLite's online backup, calling `progress` as pages go.
Result<void> CopyPages(sqlite3* src, sqlite3* dst, const PageProgress& progress, const std::string& field) {
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return Error::InvalidArgument("sqlite backup: " + std::string(sqlite3_errmsg(dst)), field);
  int rc = SQLITE_OK;
  int pages_per_step = 64;  // then a 50th of the database a step, for progress
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(b, pages_per_step);
    pages_per_step = std::max(64, sqlite3_backup_pagecount(b) / 50);
    if (progress) progress(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || finish != SQLITE_OK)
    return Error::InvalidArgument("sqlite backup: " + std::string(sqlite3_errstr(rc == SQLITE_DONE ? finish : rc)),
                                  field);
  return {};
}

Result<BackupReport> BackupSqlite(const std::string& path, const std::string& to, const PageProgress& progress) {
  auto source = ConnectDatabase(path, "db");
  if (!source) return source.error();
  auto* src = static_cast<sqlite::Db*>(source->get());
  // One state of the database for the whole copy: the server's commits after it are not in the backup,
  // and do not make the backup start over.
  if (auto r = BeginSnapshot(*src); !r) return r.error();
  const std::string partial = to + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  RawDb dst;
  if (sqlite3_open_v2(partial.c_str(), &dst.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    Rollback(*src);
    return Error::InvalidArgument("cannot write " + partial + ": " + dst.error(), "to");
  }
  auto copied = CopyPages(src->handle(), dst.h, progress, "to");
  Rollback(*src);
  // A backup is one self-contained file: no write-ahead log beside it.
  if (copied) copied = Exec(dst.h, "PRAGMA journal_mode = DELETE", "to");
  if (copied && Scalar(dst.h, "PRAGMA quick_check") != "ok")
    copied = Error::Internal("the backup written to " + partial + " does not pass SQLite's quick_check");
  sqlite3_close_v2(dst.h);
  dst.h = nullptr;
  if (!copied) {
    fs::remove(partial, ec);
    return copied.error();
  }
  if (auto r = MoveIntoPlace(partial, to, "to"); !r) return r.error();
  return BackupReport{"sqlite", static_cast<int64_t>(fs::file_size(to, ec))};
}

// Opens the backup `from` read-only, checking that it is an intact civicgrid database.
Result<void> OpenSqliteBackup(const std::string& from, RawDb& src) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return Error::InvalidArgument("no backup file at '" + from + "'", "from");
  if (sqlite3_open_v2(from.c_str(), &src.h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return Error::InvalidArgument("cannot open " + from + ": " + src.error(), "from");
  const std::string check = Scalar(src.h, "PRAGMA quick_check");
  if (check != "ok")
    return Error::InvalidArgument("'" + from + "' is not an intact SQLite database (" +
                                      (check.empty() ? src.error() : check) + ")",
                                  "from");
  if (Scalar(src.h, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('cases', 'schema_migrations')") !=
      "2")
    return Error::InvalidArgument("'" + from + "' is not a civicgrid database (no cases table)", "from");
  return {};
}

Result<void> RestoreSqlite(const std::string& from, const std::string& path, bool force, const PageProgress& progress) {
  RawDb src;
  if (auto r = OpenSqliteBackup(from, src); !r) return r;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!force)
      return Error::InvalidArgument("the database " + path +
                                        " exists: give --force to replace it (stop every server using it first)",
                                    "db");
    // In place, in one write transaction of the database: a reader sees the old state or the new one.
    auto dst = sqlite::Db::Open(path);
    if (!dst) return Error::InvalidArgument(dst.error().message, "db");
    return CopyPages(src.h, (*dst)->handle(), progress, "db");
  }
  const std::string partial = path + ".partial";
  fs::remove(partial, ec);
  Result<void> r;
  {
    RawDb dst;
    if (sqlite3_open_v2(partial.c_str(), &dst.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      return Error::InvalidArgument("cannot write " + partial + ": " + dst.error(), "db");
    r = CopyPages(src.h, dst.h, progress, "db");
    if (r) r = Exec(dst.h, "PRAGMA journal_mode = WAL", "db");
  }
  if (!r) {
    fs::remove(partial, ec);
    return r;
  }
  return MoveIntoPlace(partial, path, "db");
}

// ---- PostgreSQL ----

Result<bool> SchemaExists(pg::Conn& db, const std::string& name) {
  bool exists = false;
  auto r = db.RunOnce("SELECT 1 FROM pg_namespace WHERE nspname = ?1", {name}, [&](const sql::RowReader&) { exists = true; });
  if (!r) return r.error();
  return exists;
}

// The schema a connection's unqualified names go to: the first schema of its search_path ("$user" when a
// schema of that name exists), whether or not it exists yet; "public" when the path names none.
Result<std::string> SchemaOf(pg::Conn& db) {
  std::string path, user;
  auto r = db.RunOnce("SELECT current_setting('search_path'), current_user", {}, [&](const sql::RowReader& row) {
    path = row.Text(0);
    user = row.Text(1);
  });
  if (!r) return r.error();
  std::stringstream in(path);
  for (std::string item; std::getline(in, item, ',');) {
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
    if (item.empty()) continue;
    if (item == "$user") {
      auto exists = SchemaExists(db, user);
      if (!exists) return exists.error();
      if (*exists) return user;
      continue;
    }
    return item;
  }
  return std::string("public");
}

Result<bool> HasCasesTable(pg::Conn& db, const std::string& schema) {
  bool found = false;
  auto r = db.RunOnce("SELECT 1 FROM pg_tables WHERE schemaname = ?1 AND tablename = 'cases'", {schema},
                      [&](const sql::RowReader&) { found = true; });
  if (!r) return r.error();
  return found;
}

Result<std::string> ClientProgram(const std::string& name) {
  const std::string path = FindPostgresProgram(name);
  if (path.empty())
    return Error::InvalidArgument(name + " is not installed (Debian: apt-get install postgresql-client-15)", "db");
  return path;
}

Result<void> RunClient(const std::vector<std::string>& argv, const std::string& what) {
  auto rc = RunProgram(argv);
  if (!rc) return rc.error();
  if (*rc != 0) return Error::Internal(what + " failed (exit code " + std::to_string(*rc) + "; its messages are above)");
  return {};
}

Result<BackupReport> BackupPostgres(const std::string& url, const std::string& to) {
  auto conn = pg::Conn::Open(url);
  if (!conn) return conn.error();
  auto schema = SchemaOf(**conn);
  if (!schema) return schema.error();
  auto has = HasCasesTable(**conn, *schema);
  if (!has) return has.error();
  if (!*has) return Error::InvalidArgument("no civicgrid database in schema '" + *schema + "'", "db");
  auto pg_dump = ClientProgram("pg_dump");
  if (!pg_dump) return pg_dump.error();
  const std::string partial = to + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  auto r = RunClient({*pg_dump, "--format=custom", "--schema=\"" + *schema + "\"", "--file=" + partial,
                      "--dbname=" + url},
                     "pg_dump");
  if (!r) {
    fs::remove(partial, ec);
    return r.error();
  }
  if (auto m = MoveIntoPlace(partial, to, "to"); !m) return m.error();
  return BackupReport{"postgresql", static_cast<int64_t>(fs::file_size(to, ec))};
}

// A temporary file removed at the end of its scope.
struct TempFile {
  std::string path;
  TempFile() {
    std::string pattern = (fs::temp_directory_path() / "civicgrid-restore-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path = pattern;
    }
  }
  ~TempFile() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

Result<void> RestorePostgres(const std::string& from, const std::string& url) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return Error::InvalidArgument("no backup file at '" + from + "'", "from");
  auto pg_restore = ClientProgram("pg_restore");
  if (!pg_restore) return pg_restore.error();
  auto conn = pg::Conn::Open(url);
  if (!conn) return conn.error();
  auto schema = SchemaOf(**conn);
  if (!schema) return schema.error();

  // The archive's table of contents: which schema it holds, and whether its grids have PostGIS geometry.
  TempFile toc, use;
  if (toc.path.empty() || use.path.empty()) return Error::Internal("cannot create a temporary file");
  auto listed = RunProgram({*pg_restore, "--list", "--file=" + toc.path, from});
  if (!listed) return listed.error();
  if (*listed != 0) return Error::InvalidArgument("'" + from + "' is not a pg_dump archive of civicgrid", "from");
  std::ifstream in(toc.path);
  std::vector<std::string> lines;
  std::string dumped;
  bool postgis = false;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (line.empty() || line[0] == ';') continue;
    std::stringstream words(line);
    std::string id, oid1, oid2, kind, ns, tag;
    words >> id >> oid1 >> oid2 >> kind >> ns >> tag;
    if (kind == "TABLE" && tag == "cases") dumped = ns;
    if (kind == "FUNCTION" && tag.rfind("grids_geom(", 0) == 0) postgis = true;
  }
  if (dumped.empty()) return Error::InvalidArgument("'" + from + "' holds no civicgrid database", "from");
  if (dumped != *schema)
    return Error::InvalidArgument("the backup holds schema '" + dumped + "' but the database's search_path puts '" +
                                      *schema + "' first: restore with a URL whose search_path names '" + dumped + "'",
                                  "db");
  auto has = HasCasesTable(**conn, *schema);
  if (!has) return has.error();
  if (*has)
    return Error::InvalidArgument("schema '" + *schema +
                                      "' already holds a civicgrid database: restore into a new database, or drop "
                                      "the schema first (stop every server using it)",
                                  "db");
  auto schema_exists = SchemaExists(**conn, *schema);
  if (!schema_exists) return schema_exists.error();
  if (postgis)
    if (auto r = (*conn)->Exec("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"); !r)
      return Error::InvalidArgument("the backup's grids have PostGIS geometry, and PostGIS cannot be made in the "
                                    "target database: " + r.error().message,
                                    "db");
  // Everything but the schema itself when it exists already (e.g. public).
  {
    std::ofstream out(use.path);
    const std::string schema_entry = " SCHEMA - " + *schema + " ";
    for (const auto& line : lines)
      if (!*schema_exists || line.find(schema_entry) == std::string::npos) out << line << "\n";
  }
  return RunClient({*pg_restore, "--dbname=" + url, "--no-owner", "--no-privileges", "--exit-on-error",
                    "--single-transaction", "--use-list=" + use.path, from},
                   "pg_restore");
}

}  // namespace

Result<BackupReport> Backup(const std::string& url, const std::string& to, const PageProgress& progress) {
  if (to.empty()) return Error::InvalidArgument("name the backup file", "to");
  if (IsPostgresUrl(url)) return BackupPostgres(url, to);
  return BackupSqlite(SqlitePathOf(url), to, progress);
}

Result<void> Restore(const std::string& from, const std::string& url, bool force, const PageProgress& progress) {
  if (IsPostgresUrl(url)) return RestorePostgres(from, url);
  const std::string path = SqlitePathOf(url);
  if (path.empty()) return Error::InvalidArgument("the database path is empty", "db");
  return RestoreSqlite(from, path, force, progress);
}

}  // namespace civicgrid::store
