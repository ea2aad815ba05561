#include "store/sqlite/sqlite_store.h"

#include <algorithm>

#include "store/sqlite/migrations.h"
#include "store/sql/reads.h"
#include "store/sqlite/sqlite_audit.h"

namespace civicgrid::store {


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
  int64_t done = 0;
  for (;;) {
    int64_t batch = 0;
    auto r = writer_->Run([&](sqlite::Db& db) -> Result<void> {
      auto n = sql::ResealBatch(db, *keyring_, clear_only);
      if (!n) return n.error();
      batch = *n;
      return {};
    });
    if (!r) return r.error();
    if (batch <= 0) return done;  // nothing left (or sealed before: -1)
    done += batch;
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
  return writer_->Run([&](sqlite::Db& db) { return sql::ApplyTerritory(db, change); });
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

Result<bool> SqliteStore::RunJobAlone(const std::string&, const std::function<void()>& fn) {
  std::unique_lock lock(jobs_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  fn();
  return true;
}

}  // namespace civicgrid::store
