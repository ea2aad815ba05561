// A direct connection to the database behind a store URL, for work on whole tables (db copy, the audit
// commands): statements through sql::Runner, without a store's caches, writer or pool. OpenStore
// (store.h) creates and migrates a database; these functions expect one that exists.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/sql/sql.h"

namespace civicgrid::store {

// Connects to the database named by `url` ("sqlite:PATH", a plain path, or "postgresql://…"). A SQLite
// file that does not exist is an error (field `field`), as is an unreachable server; nothing is created.
Result<std::unique_ptr<sql::Runner>> ConnectDatabase(const std::string& url, const std::string& field = "db");

// The SQLite file of `url` ("" for PostgreSQL).
std::string SqlitePathOf(const std::string& url);

// Begins a read-only transaction that sees one state of the whole database until it ends, while other
// connections go on writing (SQLite: a read transaction pinned at its first read; PostgreSQL: REPEATABLE
// READ, READ ONLY).
Result<void> BeginSnapshot(sql::Runner& db);

// Begins a write transaction (SQLite: BEGIN IMMEDIATE, so that it waits for no other writer later).
Result<void> BeginWrite(sql::Runner& db);

// Commits the transaction; on failure it is rolled back.
Result<void> Commit(sql::Runner& db);

// Rolls the transaction back (errors are ignored: the connection is about to be dropped or reused).
void Rollback(sql::Runner& db);

}  // namespace civicgrid::store
