// The audit log's rows (table audit_log) in SQL, on either engine: appending linked records and reading them.
//
// Contract: AppendAudit runs inside the write transaction of the change it records, and the engine makes
// appends one at a time (SQLite: its single writer; PostgreSQL: a transaction-scoped advisory lock taken
// first), so that reading the last row and inserting the next one cannot interleave with another append:
// two appends never get the same seq or link to the same predecessor. Nothing here updates or deletes rows.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "security/audit_chain.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

// Appends `record`: sets record.seq to the last row's seq + 1 (1 for the first), links it to the last
// row's hash (kAuditGenesis for the first) and inserts it. The caller sets at, actor, action, target,
// detail and remote. Fails with invalid_argument (field "detail") when detail is not a JSON object.
Result<void> AppendAudit(Runner& db, security::AuditRecord& record);

// Up to `limit` (≥ 1) records with seq > after_seq, in seq order, exactly as stored.
Result<std::vector<security::AuditRecord>> ReadAudit(Runner& db, int64_t after_seq, int limit);

// The last `limit` (≥ 1) records, in seq order, exactly as stored.
Result<std::vector<security::AuditRecord>> ReadLatestAudit(Runner& db, int limit);

}  // namespace civicgrid::store::sql
