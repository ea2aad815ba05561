// The audit log's rows in SQLite (table audit_log, migration 3): appending linked records and reading them.
//
// Contract: AppendAudit must run inside the write transaction of the change it records (for the store,
// within a job of its single Writer, see writer.h), so that the record commits or rolls back with that
// change, and so that reading the last row and inserting the next one cannot interleave with another
// append: two appends never get the same seq or link to the same predecessor. It refuses to run outside a
// transaction. Nothing here updates or deletes rows; the log is append-only.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "security/audit_chain.h"
#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

using security::AuditRecord;

// Appends `record`: sets record.seq to the last row's seq + 1 (1 for the first), links it to the last
// row's hash (kAuditGenesis for the first) and inserts it. The caller sets at, actor, action, target,
// detail and remote. Fails with invalid_argument (field "detail") when detail is not a JSON object, with
// internal when no transaction is open or SQLite fails; record.seq and the hashes are then unspecified.
Result<void> AppendAudit(Db& db, AuditRecord& record);

// Up to `limit` (≥ 1) records with seq > after_seq, in seq order, exactly as stored.
Result<std::vector<AuditRecord>> ReadAudit(Db& db, int64_t after_seq, int limit);

// The last `limit` (≥ 1) records, in seq order, exactly as stored.
Result<std::vector<AuditRecord>> ReadLatestAudit(Db& db, int limit);

}  // namespace civicgrid::store::sqlite
