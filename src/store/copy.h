// Copying a whole civicgrid database from one engine to another (`civicgrid db copy`), and the per-table
// row counts and checksums that show two databases hold the same rows.
//
// The copy reads one snapshot of the source (a server may go on writing to it), writes every row into
// the target in one transaction, and before committing compares each table's count and checksum on both
// sides: the target then holds exactly the source's rows, or nothing was committed. Personal data stays
// sealed as it was: the target needs the source's keyring (the CLI copies its file).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql/sql.h"

namespace civicgrid::store {

// A table of the civicgrid schema: its name and the key its rows are read in (unique on both engines).
// With `engine_id`, the table's "id" only keeps the rows' order (SQLite has its rowid there instead): it
// is not copied, the rows are written in its order and the target numbers them anew.
struct TableSpec {
  const char* name;
  const char* order_by;
  bool engine_id = false;
};

// The tables a copy moves, in the order it writes them (rows before the rows that refer to them). The
// engines' own bookkeeping (schema_migrations, PostGIS's spatial_ref_sys) is not among them.
const std::vector<TableSpec>& CopiedTables();

// A table's row count and a SHA-256 (hex) over its rows in key order, its columns in name order. Values
// are hashed in a form both engines give alike (an integer-valued real hashes as that integer), so equal
// rows give equal checksums on SQLite and PostgreSQL. Columns one engine derives (PostGIS's grids.geom)
// and engine ids are left out.
struct TableSummary {
  std::string table;
  int64_t rows = 0;
  std::string checksum;
};

// The summaries of every copied table, over the columns the table has in `db`, read in one snapshot.
Result<std::vector<TableSummary>> SummarizeDatabase(sql::Runner& db);

// What a copy reports while it runs: the table being copied and its rows done so far of its total.
struct CopyProgress {
  std::string table;
  int64_t done = 0;
  int64_t total = 0;
};

// Copies every table of `from` into `to`. `to` must be migrated (OpenStore) and hold no rows (field "to"
// otherwise; its meta rows are replaced), and must have every column the source has (field "to"). On
// PostgreSQL the id sequences are set past the copied ids. Answers the summaries, equal on both sides;
// on any difference nothing is committed and the error names the table.
Result<std::vector<TableSummary>> CopyDatabase(sql::Runner& from, sql::Runner& to,
                                               const std::function<void(const CopyProgress&)>& progress);

}  // namespace civicgrid::store
