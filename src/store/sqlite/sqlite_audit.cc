#include "store/sqlite/sqlite_audit.h"

#include "store/sql/audit.h"

namespace civicgrid::store::sqlite {

Result<void> AppendAudit(Db& db, AuditRecord& record) {
  if (sqlite3_get_autocommit(db.handle()))
    return Error::Internal("AppendAudit must run inside the write transaction of the change it records");
  return sql::AppendAudit(db, record);
}

Result<std::vector<AuditRecord>> ReadAudit(Db& db, int64_t after_seq, int limit) {
  return sql::ReadAudit(db, after_seq, limit);
}

Result<std::vector<AuditRecord>> ReadLatestAudit(Db& db, int limit) { return sql::ReadLatestAudit(db, limit); }

}  // namespace civicgrid::store::sqlite
