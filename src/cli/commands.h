// The subcommands of the civicgrid binary. Each answers a process exit code: 0 on success, 1 when the
// work failed (with a message on stderr), 2 for bad usage; `audit verify` answers 3 for a broken chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"

namespace civicgrid::cli {

struct ServeArgs {
  bool reload = true;  // watch the store for territory changes
  std::chrono::seconds overdue_interval{30};  // how often the overdue job runs
};
int Serve(const Config& config, const ServeArgs& args);

// `demo build`: the territory, then the catalogue and the case history (demo/demo_history.h).
struct DemoBuildArgs {
  // "demo": the five cities of the sources at their reported volumes; "province": all of Shandong
  // (data/territory-province, about 110,000 grids) and about 10 million cases a year, for the benchmarks.
  std::string scale = "demo";
  std::string data_dir;       // "" = data/territory, or data/territory-province at scale "province"
  double cases_per_year = 0;  // > 0: volumes by grid share, this many a year in all (default at "province": 1e7)
  std::string catalogue_dir;  // "" = the directory "catalogue" beside data_dir (data/catalogue), if it exists
  bool force = false;         // start from an empty database file (the old one is deleted)
  int history_days = 365;     // 0 = the catalogue only, no cases
  double history_scale = 1.0;
  uint64_t history_seed = 1;
  std::string history_end;    // ISO 8601 time the history ends at; "" = now
};
int DemoBuild(const Config& config, const DemoBuildArgs& args);

int GridsImport(const Config& config, const std::string& file);

struct GridsExportArgs {
  std::string under;
  std::string out;  // "" or "-" = stdout
};
int GridsExport(const Config& config, const GridsExportArgs& args);

struct LocateArgs {
  double lon = 0, lat = 0;
  std::string crs = "wgs84";
  bool json = false;
};
int Locate(const Config& config, const LocateArgs& args);

// `audit verify`: checks the hash chain of the audit log in the database file (security/audit_chain.h),
// printing its length and head; answers 3 when the chain is broken, naming the first broken link.
struct AuditVerifyArgs {
  std::string anchor;  // "" = none; else a head hash recorded earlier, which some record must have
};
int AuditVerify(const Config& config, const AuditVerifyArgs& args);

// `audit tail`: prints the latest records of the audit log, oldest first, one JSON object per line.
struct AuditTailArgs {
  int limit = 20;
};
int AuditTail(const Config& config, const AuditTailArgs& args);
// `user add`: grants in ParseGrant's form ("operator@371302004", "unit_staff#12", "resident"); the
// password from --password, else one line of standard input with --password-stdin, else generated and
// printed once.
struct UserAddArgs {
  std::string username, display_name, password;
  bool password_stdin = false;
  std::vector<std::string> grants;
};
int UserAdd(const Config& config, const UserAddArgs& args);
int UserList(const Config& config);
int UserDisable(const Config& config, const std::string& username);

struct ApiKeyAddArgs {
  std::string name, territory;
  std::vector<std::string> permissions;  // permission names, e.g. case.report
};
int ApiKeyAdd(const Config& config, const ApiKeyAddArgs& args);
int ApiKeyList(const Config& config);
int ApiKeyRevoke(const Config& config, const std::string& name);

// `keys rotate`: adds a key to the keyring, re-seals all personal data with it, drops the old keys.
int KeysRotate(const Config& config);

// `db copy`: every table of one database into a new one (store/copy.h), e.g. from SQLite to PostgreSQL,
// sharing the source's keyring with the target; prints each table's rows and checksum, equal on both sides.
struct DbCopyArgs {
  std::string from, to;                   // database URLs ("sqlite:PATH", a path, "postgresql://…")
  std::string from_key_file, to_key_file; // "" = the SQLite file + ".key" (required for PostgreSQL)
};
int DbCopy(const DbCopyArgs& args);

// `db checksums`: each table's row count and checksum (to compare two databases, e.g. after a copy).
int DbChecksums(const Config& config);

// `backup`: a backup file of the database while it serves (store/backup.h).
struct BackupArgs {
  std::string to;
};
int Backup(const Config& config, const BackupArgs& args);

// `restore`: a backup file into the database (servers stopped); then opens it and reads its newest case
// with the keyring, to show that the keyring opens it.
struct RestoreArgs {
  std::string from;
  bool force = false;  // SQLite: replace an existing database file
};
int Restore(const Config& config, const RestoreArgs& args);

// Prints "civicgrid: <message>" to stderr and answers 1.
int Fail(const std::string& message);

}  // namespace civicgrid::cli
