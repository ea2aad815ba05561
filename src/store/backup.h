// Backing up a civicgrid database while it serves, and restoring it (`civicgrid backup`, `civicgrid
// restore`).
//
// SQLite: SQLite's online backup of one consistent state of the file (a read snapshot held for the whole
// copy, so a server's writes neither wait nor make it start over), written beside the destination and
// renamed into place once complete and checked. PostgreSQL: pg_dump's custom format of the database's
// schema (one snapshot), restored by pg_restore in a single transaction.
//
// A backup holds personal data sealed; the keyring is not in it. Keep the keyring file apart from the
// backups (it changes only with `civicgrid keys rotate`): a backup cannot be read without it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"

namespace civicgrid::store {

// What a backup wrote.
struct BackupReport {
  std::string engine;  // "sqlite" or "postgresql"
  int64_t bytes = 0;   // size of the backup file
};

// Called during a SQLite backup or restore with the pages copied and the pages in all.
using PageProgress = std::function<void(int64_t done, int64_t total)>;

// Writes a backup of the database `url` to the file `to` (replaced only once the new backup is complete;
// an existing file is kept on failure). Fails with field "db" when there is no database to back up, "to"
// when the file cannot be written.
Result<BackupReport> Backup(const std::string& url, const std::string& to, const PageProgress& progress);

// Restores the backup file `from` into the database `url`. The servers using it must be stopped.
// SQLite: the file is created, or replaced (all at once) only with `force`. PostgreSQL: the schema the
// backup was taken from is restored into the database of `url`, whose search_path must name that schema
// first; it must hold no civicgrid tables (restore into a new database, or drop the schema first).
// Fails with field "from" for a file that is not a civicgrid backup, "db" for a target that is not
// empty; nothing is changed then.
Result<void> Restore(const std::string& from, const std::string& url, bool force, const PageProgress& progress);

}  // namespace civicgrid::store
