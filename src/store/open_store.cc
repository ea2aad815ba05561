// OpenStore: the engine named by the URL.
#include "store/database.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace civicgrid::store {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& key_file) {
  if (IsPostgresUrl(url)) {
    auto s = PostgresStore::Open(url, key_file);
    if (!s) return s.error();
    return std::unique_ptr<Store>(std::move(*s));
  }
  const std::string path = SqlitePathOf(url);
  if (path.empty()) return Error::InvalidArgument("the database path is empty", "db");
  auto s = SqliteStore::Open(path, key_file);
  if (!s) return s.error();
  return std::unique_ptr<Store>(std::move(*s));
}

}  // namespace civicgrid::store
