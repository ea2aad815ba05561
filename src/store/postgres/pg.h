// A thin layer over libpq: a connection that runs the shared SQL (store/sql/sql.h) with statements
// prepared once per connection, and a pool of such connections.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/sql/sql.h"

namespace civicgrid::store::pg {

// "$1, $2" for "?1, ?2" outside quoted text: the shared SQL is written with SQLite's numbered parameters.
std::string ToDollarParams(const std::string& sql);

// One connection. Parameters are sent as text (bytes as binary bytea) with their types left for the
// server to infer from the statement; results come back as text.
class Conn : public sql::Runner {
 public:
  // Connects to `uri` (a postgresql:// URI or a libpq keyword string); the session's time zone is UTC.
  static Result<std::unique_ptr<Conn>> Open(const std::string& uri);
  ~Conn() override;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<int64_t> Run(const std::string& sql, const sql::Values& params, const RowFn& each = nullptr) override;
  Result<int64_t> RunOnce(const std::string& sql, const sql::Values& params, const RowFn& each = nullptr) override;
  // Runs one or more statements without parameters (migrations, BEGIN/COMMIT).
  Result<void> Exec(const std::string& sql);

  // The SQLSTATE of the last failed statement ("" after a success), e.g. "40001" (serialization failure),
  // "40P01" (deadlock), "23505" (unique violation).
  const std::string& last_sqlstate() const { return sqlstate_; }
  // False once the connection to the server is lost (the pool then drops it).
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  PGconn* handle() { return conn_; }

 private:
  explicit Conn(PGconn* c) : conn_(c) {}
  Result<int64_t> Finish(PGresult* res, const RowFn& each);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // shared SQL → statement name
  std::string sqlstate_;
};

// Connections to one database, lent one at a time to a thread and taken back when the lease ends.
class Pool {
 public:
  explicit Pool(std::string uri, size_t max_idle = 16) : uri_(std::move(uri)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Conn> c) : pool_(&pool), conn_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  // An idle connection, or a new one.
  Result<Lease> Get();
  const std::string& uri() const { return uri_; }

 private:
  std::string uri_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_;
};

}  // namespace civicgrid::store::pg
