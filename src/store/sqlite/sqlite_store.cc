#include "store/sqlite/sqlite_store.h"

#include <algorithm>

#include "geo/wkb.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_audit.h"

namespace civicgrid::store {
using sqlite::Stmt;

namespace {
Error SqlError(const Stmt& s) { return Error::Internal("sqlite: " + s.error()); }
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, const std::string& key_file) {
  auto db = sqlite::Db::Open(path);
  if (!db) return db.error();
  auto ring = security::Keyring::LoadOrCreate(key_file.empty() ? path + ".key" : key_file);
  if (!ring) return ring.error();
  if (auto r = sqlite::Migrate(**db); !r) return r.error();
  // Each write runs in a SAVEPOINT (writer.h), whose sub-journal SQLite keeps in a temporary file: in
  // memory instead, that is some 25 file writes a reported case fewer (a sub-journal holds the pages one
  // job changed, a few dozen). After the migrations, whose index builds may sort more than memory holds.
  if (auto r = (*db)->Exec("PRAGMA temp_store = MEMORY"); !r) return r.error();
  // The WAL is copied into the database file on a thread of its own rather than inside the commit that
  // fills it (checkpointer.h).
  auto checkpointer = sqlite::Checkpointer::Start(path);
  if (!checkpointer) return checkpointer.error();
  (*checkpointer)->Install(**db);
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(*db), std::move(*checkpointer),
                                                     std::make_shared<security::Keyring>(std::move(*ring))));
  // Rows written before personal data was encrypted are sealed now: once per database (the search reads
  // every case), remembered in meta as personal_data_sealed; every row written since is sealed.
  if (auto r = store->Reseal(/*clear_only=*/true, nullptr); !r) return r.error();
  return store;
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<sqlite::Db> writer_db,
                         std::unique_ptr<sqlite::Checkpointer> checkpointer, std::shared_ptr<security::Keyring> ring)
    : path_(std::move(path)),
      keyring_(std::move(ring)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::make_unique<sqlite::Writer>(std::move(writer_db))) {}

Result<int64_t> SqliteStore::ResealPersonalData(const std::function<void(int64_t)>& progress) {
  return Reseal(/*clear_only=*/false, progress);
}

Result<int64_t> SqliteStore::Reseal(bool clear_only, const std::function<void(int64_t)>& progress) {
  const std::string current = "cg1:" + std::to_string(keyring_->current()) + ":";
  // Values in clear do not start with "cg1:"; values under an old key start with another "cg1:<id>:".
  const std::string stale =
      clear_only ? "((reporter_name != '' AND substr(reporter_name, 1, 4) != 'cg1:') OR "
                   "(reporter_phone != '' AND substr(reporter_phone, 1, 4) != 'cg1:'))"
                 : "((reporter_name != '' AND substr(reporter_name, 1, ?2) != ?1) OR "
                   "(reporter_phone != '' AND substr(reporter_phone, 1, ?2) != ?1))";
  int64_t done = 0;
  for (;;) {
    int64_t batch = 0;
    bool sealed_before = false;
    auto r = writer_->Run([&](sqlite::Db& db) -> Result<void> {
      if (clear_only) {
        Stmt seen(db.handle(), "SELECT 1 FROM meta WHERE key = 'personal_data_sealed'");
        if (!seen.ok()) return SqlError(seen);
        if (seen.Step()) {
          sealed_before = true;
          return {};
        }
        if (!seen.error().empty()) return SqlError(seen);
      }
      Stmt sel(db.handle(), "SELECT id, reporter_name, reporter_phone FROM cases WHERE " + stale + " LIMIT 2000");
      if (!sel.ok()) return SqlError(sel);
      if (!clear_only) sel.Bind(1, current).Bind(2, static_cast<int64_t>(current.size()));
      struct Row {
        int64_t id;
        std::string name, phone;
      };
      std::vector<Row> rows;
      while (sel.Step()) rows.push_back(Row{sel.Int(0), sel.Text(1), sel.Text(2)});
      if (!sel.error().empty()) return SqlError(sel);
      Stmt upd(db.handle(), "UPDATE cases SET reporter_name = ?2, reporter_phone = ?3 WHERE id = ?1");
      if (!upd.ok()) return SqlError(upd);
      for (const Row& row : rows) {
        auto name = keyring_->Open(row.name);
        auto phone = keyring_->Open(row.phone);
        if (!name || !phone)
          return Error::Internal("case " + std::to_string(row.id) + ": " + (name ? phone : name).error().message);
        upd.Reset();
        upd.Bind(1, row.id).Bind(2, keyring_->Seal(*name)).Bind(3, keyring_->Seal(*phone));
        if (auto u = upd.Run(); !u) return u;
      }
      batch = static_cast<int64_t>(rows.size());
      if (batch == 0 && clear_only)
        return db.Exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('personal_data_sealed', '1')");
      return {};
    });
    if (!r) return r.error();
    if (sealed_before) return done;
    done += batch;
    if (batch == 0) return done;
    if (progress) progress(done);
  }
}

SqliteStore::~SqliteStore() = default;

SqliteStore::Lease::~Lease() {
  if (!db_) return;
  std::lock_guard lock(store_.pool_mu_);
  if (store_.pool_.size() < 8) store_.pool_.push_back(std::move(db_));
}

Result<SqliteStore::Lease> SqliteStore::Read() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  auto db = sqlite::Db::Open(path_);
  if (!db) return db.error();
  return Lease(*this, std::move(*db));
}

Result<void> SqliteStore::ApplyTerritory(const TerritoryChange& change) {
  return writer_->Run([&](sqlite::Db& db) -> Result<void> {
    sqlite3* h = db.handle();
    if (change.replace_all) {
      if (auto r = db.Exec("DELETE FROM division_shapes; DELETE FROM grids; DELETE FROM divisions;"); !r) return r;
    }
    Stmt div(h, "INSERT INTO divisions(code, name, level, parent) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, parent = excluded.parent");
    if (!div.ok()) return SqlError(div);
    auto put_division = [&](const std::string& code, const std::string& name, Level level,
                            const std::string& parent) -> Result<void> {
      div.Reset();
      div.Bind(1, code).Bind(2, name).Bind(3, static_cast<int64_t>(level));
      if (parent.empty())
        div.BindNull(4);
      else
        div.Bind(4, parent);
      return div.Run();
    };
    for (const auto& d : change.divisions)
      if (auto r = put_division(d.code, d.name, d.level, d.parent); !r) return r;

    Stmt grid(h, "INSERT INTO grids(code, community, kind, shape, min_lon, min_lat, max_lon, max_lat) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(code) DO UPDATE SET "
                 "community = excluded.community, kind = excluded.kind, shape = excluded.shape, "
                 "min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, "
                 "max_lat = excluded.max_lat");
    if (!grid.ok()) return SqlError(grid);
    for (const auto& g : change.grids) {
      if (auto r = put_division(g.code, g.name, Level::kGrid, g.community); !r) return r;
      auto box = geo::bg::return_envelope<geo::Box>(g.shape);
      grid.Reset();
      grid.Bind(1, g.code).Bind(2, g.community).Bind(3, GridKindName(g.kind)).BindBlob(4, geo::EncodeWkb(g.shape));
      grid.Bind(5, box.min_corner().x()).Bind(6, box.min_corner().y());
      grid.Bind(7, box.max_corner().x()).Bind(8, box.max_corner().y());
      if (auto r = grid.Run(); !r) return r;
    }

    Stmt shape(h, "INSERT INTO division_shapes(code, shape, simplified) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT(code) DO UPDATE SET shape = excluded.shape, simplified = excluded.simplified");
    if (!shape.ok()) return SqlError(shape);
    for (const auto& s : change.shapes) {
      shape.Reset();
      shape.Bind(1, s.code).BindBlob(2, geo::EncodeWkb(s.shape)).BindBlob(3, geo::EncodeWkb(s.simplified));
      if (auto r = shape.Run(); !r) return r;
    }

    // Every parent must exist once the change is applied (deferred foreign keys are checked at
    // COMMIT; this names the offender instead of a bare constraint error).
    Stmt orphan(h, "SELECT d.code, d.parent FROM divisions d LEFT JOIN divisions p ON p.code = d.parent "
                   "WHERE d.parent IS NOT NULL AND p.code IS NULL LIMIT 1");
    if (orphan.Step())
      return Error::InvalidArgument("division '" + orphan.Text(0) + "' has no parent '" + orphan.Text(1) + "'",
                                    "parent");
    return db.Exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'territory_version'");
  });
}

Result<std::vector<Division>> SqliteStore::LoadDivisions() {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT code, name, level, COALESCE(parent, '') FROM divisions WHERE level < 6 ORDER BY code");
  if (!s.ok()) return SqlError(s);
  std::vector<Division> out;
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), static_cast<Level>(s.Int(2)), s.Text(3)});
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<std::vector<geo::Grid>> SqliteStore::QueryGrids(const std::string& prefix) {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(),
         "SELECT g.code, d.name, g.kind, g.community, g.shape FROM grids g JOIN divisions d ON d.code = g.code "
         "WHERE g.code >= ?1 AND g.code < ?1 || ':' ORDER BY g.code");
  if (!s.ok()) return SqlError(s);
  s.Bind(1, prefix);
  std::vector<geo::Grid> out;
  while (s.Step()) {
    geo::Grid g;
    g.code = s.Text(0);
    g.name = s.Text(1);
    g.kind = ParseGridKind(s.Text(2)).value_or(GridKind::kBasic);
    g.community = s.Text(3);
    auto shape = geo::DecodeWkb(s.Blob(4));
    if (!shape) return Error::Internal("grid " + g.code + ": " + shape.error().message);
    g.shape = std::move(*shape);
    out.push_back(std::move(g));
  }
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<std::vector<geo::Grid>> SqliteStore::LoadGrids() { return QueryGrids(""); }

Result<std::vector<geo::Grid>> SqliteStore::LoadGridsUnder(const std::string& code) { return QueryGrids(code); }

Result<std::vector<geo::DivisionShape>> SqliteStore::LoadDivisionShapes() {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT code, shape, simplified FROM division_shapes ORDER BY code");
  if (!s.ok()) return SqlError(s);
  std::vector<geo::DivisionShape> out;
  while (s.Step()) {
    geo::DivisionShape d;
    d.code = s.Text(0);
    auto a = geo::DecodeWkb(s.Blob(1));
    auto b = geo::DecodeWkb(s.Blob(2));
    if (!a || !b) return Error::Internal("division shape " + d.code + " is corrupt");
    d.shape = std::move(*a);
    d.simplified = std::move(*b);
    out.push_back(std::move(d));
  }
  if (!s.error().empty()) return SqlError(s);
  return out;
}

Result<int64_t> SqliteStore::TerritoryVersion() {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'territory_version'");
  if (!s.ok()) return SqlError(s);
  return s.Step() ? s.Int(0) : int64_t{0};
}

Result<TerritoryCounts> SqliteStore::CountTerritory() {
  auto db = Read();
  if (!db) return db.error();
  Stmt s((*db)->handle(), "SELECT (SELECT COUNT(*) FROM divisions WHERE level < 6), (SELECT COUNT(*) FROM grids)");
  if (!s.ok() || !s.Step()) return SqlError(s);
  return TerritoryCounts{s.Int(0), s.Int(1)};
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& key_file) {
  std::string path = url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.rfind("postgres://", 0) == 0 || path.rfind("postgresql://", 0) == 0)
    return Error::InvalidArgument("PostgreSQL is not supported by this build yet; use a SQLite path", "db");
  if (path.empty()) return Error::InvalidArgument("the database path is empty", "db");
  auto s = SqliteStore::Open(path, key_file);
  if (!s) return s.error();
  return std::unique_ptr<Store>(std::move(*s));
}

Result<void> SqliteStore::BeginBulkLoad(int64_t cache_bytes) {
  const std::string sql = "PRAGMA synchronous=OFF; PRAGMA cache_size=-" +
                          std::to_string(std::max<int64_t>(cache_bytes / 1024, 2000));
  return writer_->RunAlone([&](sqlite::Db& db) { return db.Exec(sql); });
}

Result<void> SqliteStore::EndBulkLoad() {
  // A checkpoint under synchronous=FULL copies the WAL into the database file and syncs it.
  return writer_->RunAlone([](sqlite::Db& db) {
    return db.Exec("PRAGMA synchronous=FULL; PRAGMA cache_size=-2000; PRAGMA wal_checkpoint(TRUNCATE)");
  });
}

Result<std::vector<security::AuditRecord>> SqliteStore::ReadAudit(int64_t after_seq, int limit) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::ReadAudit(**db, after_seq, limit);
}

Result<std::vector<security::AuditRecord>> SqliteStore::ReadLatestAudit(int limit) {
  auto db = Read();
  if (!db) return db.error();
  return sqlite::ReadLatestAudit(**db, limit);
}

}  // namespace civicgrid::store
