#include "support/test_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace civicgrid::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The server's URI, or "" after a test failure that says why.
std::string ServerUri() {
  if (std::string uri = Env("CIVICGRID_TEST_PG"); !uri.empty()) return uri;
  const std::string dir = Env("CIVICGRID_TEST_PG_DIR");
  if (dir.empty()) {
    ADD_FAILURE() << "CIVICGRID_TEST_ENGINE=postgres, but no server is named: set CIVICGRID_TEST_PG to a "
                     "postgresql:// URI, or CIVICGRID_TEST_PG_DIR to a directory of `scripts/pg-temp.sh start DIR`";
    return "";
  }
  const std::string port = Trim(ReadFile(dir + "/port"));
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    ADD_FAILURE() << "CIVICGRID_TEST_PG_DIR=" << dir << " holds no server port (" << dir
                  << "/port): start one with scripts/pg-temp.sh start " << dir;
    return "";
  }
  std::string uri = "postgresql://postgres@127.0.0.1:";
  uri += port;
  uri += "/postgres";
  return uri;
}

// Runs one statement on a connection of its own; answers "" or the error.
std::string ExecOnce(const std::string& uri, const std::string& sql, const char* options = nullptr) {
  const char* keys[] = {"dbname", "connect_timeout", options ? "options" : nullptr, nullptr};
  const char* values[] = {uri.c_str(), "10", options, nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  return error.empty() ? error : Trim(error);
}

// The schemas this process made, dropped when it ends (unless CIVICGRID_TEST_PG_KEEP is set, to look
// into a failed test's tables), so that a long-lived server does not collect them.
class Schemas {
 public:
  ~Schemas() {
    if (!Env("CIVICGRID_TEST_PG_KEEP").empty()) return;
    for (const auto& [uri, schema] : made_)
      (void)ExecOnce(uri, "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE",
                     "-c lock_timeout=5000 -c client_min_messages=warning");
  }
  void Add(const std::string& uri, const std::string& schema) { made_.emplace_back(uri, schema); }
  std::mutex mu;

 private:
  std::vector<std::pair<std::string, std::string>> made_;
};

Schemas& MadeSchemas() {
  static Schemas schemas;
  return schemas;
}

std::string NewSchemaName() {
  static std::atomic<int> counter{0};
  static const char* kHex = "0123456789abcdef";
  std::random_device rd;
  std::string hex;
  for (int i = 0; i < 8; ++i) hex += kHex[rd() % 16];
  std::string name = "t_";
  name += std::to_string(::getpid());
  name += "_";
  name += std::to_string(++counter);
  name += "_";
  name += hex;
  return name;
}

}  // namespace

bool TestOnPostgres() { return Env("CIVICGRID_TEST_ENGINE") == "postgres"; }

std::string TestDbUrl(const TempDir& dir, const std::string& name) {
  const std::string engine = Env("CIVICGRID_TEST_ENGINE");
  if (!engine.empty() && engine != "sqlite" && engine != "postgres") {
    ADD_FAILURE() << "CIVICGRID_TEST_ENGINE must be sqlite or postgres, not '" << engine << "'";
    return "";
  }
  if (!TestOnPostgres()) return dir.File(name);

  const std::string server = ServerUri();
  if (server.empty()) return "";
  Schemas& schemas = MadeSchemas();
  std::lock_guard lock(schemas.mu);
  // The schema of (dir, name) is remembered in a file beside the store's other files, which goes with
  // the TempDir.
  const std::string memo = dir.File(name + ".pg-schema");
  std::string schema = std::filesystem::exists(memo) ? Trim(ReadFile(memo)) : "";
  if (schema.empty()) {
    schema = NewSchemaName();
    if (std::string error = ExecOnce(server, "CREATE SCHEMA \"" + schema + "\""); !error.empty()) {
      ADD_FAILURE() << "cannot create schema " << schema << " on the PostgreSQL server " << server << ": " << error;
      return "";
    }
    schemas.Add(server, schema);
    WriteFile(memo, schema);
  }
  std::string url = server;
  url += server.find('?') == std::string::npos ? "?" : "&";
  url += "options=-csearch_path%3D";
  url += schema;
  url += ",public";
  return url;
}

Result<std::unique_ptr<store::Store>> OpenTestStore(const TempDir& dir, const std::string& name) {
  return store::OpenStore(TestDbUrl(dir, name), dir.File(name + ".key"));
}

}  // namespace civicgrid::testing
