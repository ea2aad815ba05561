#include "store/sqlite/sqlite_audit.h"

#include <algorithm>

#include <boost/json/parse.hpp>

namespace civicgrid::store::sqlite {
namespace {

constexpr const char* kColumns = "seq, at, actor, action, target, detail, remote, prev_hash, hash";

Error SqlError(const Stmt& s) { return Error::Internal("sqlite: " + s.error()); }

AuditRecord ReadRecord(const Stmt& s) {
  AuditRecord r;
  r.seq = s.Int(0);
  r.at = s.Int(1);
  r.actor = s.Text(2);
  r.action = s.Text(3);
  r.target = s.Text(4);
  r.detail = s.Text(5);
  r.remote = s.Text(6);
  r.prev_hash = s.Text(7);
  r.hash = s.Text(8);
  return r;
}

Result<std::vector<AuditRecord>> ReadAll(Stmt& s) {
  std::vector<AuditRecord> out;
  while (s.Step()) out.push_back(ReadRecord(s));
  if (!s.error().empty()) return SqlError(s);
  return out;
}

bool IsJsonObject(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return !ec && v.is_object();
}

}  // namespace

Result<void> AppendAudit(Db& db, AuditRecord& record) {
  if (sqlite3_get_autocommit(db.handle()))
    return Error::Internal("AppendAudit must run inside the write transaction of the change it records");
  if (!IsJsonObject(record.detail))
    return Error::InvalidArgument("the audit record's detail must be a JSON object", "detail");
  int64_t last_seq = 0;
  std::string last_hash(security::kAuditGenesis);
  {
    Stmt last(db.handle(), "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!last.ok()) return SqlError(last);
    if (last.Step()) {
      last_seq = last.Int(0);
      last_hash = last.Text(1);
    } else if (!last.error().empty()) {
      return SqlError(last);
    }
  }
  record.seq = last_seq + 1;
  security::Link(record, last_hash);
  Stmt ins(db.handle(),
           std::string("INSERT INTO audit_log(") + kColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!ins.ok()) return SqlError(ins);
  ins.Bind(1, record.seq)
      .Bind(2, record.at)
      .Bind(3, record.actor)
      .Bind(4, record.action)
      .Bind(5, record.target)
      .Bind(6, record.detail)
      .Bind(7, record.remote)
      .Bind(8, record.prev_hash)
      .Bind(9, record.hash);
  return ins.Run();
}

Result<std::vector<AuditRecord>> ReadAudit(Db& db, int64_t after_seq, int limit) {
  if (limit < 1) return Error::InvalidArgument("limit must be at least 1", "limit");
  Stmt s(db.handle(), std::string("SELECT ") + kColumns + " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!s.ok()) return SqlError(s);
  s.Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  return ReadAll(s);
}

Result<std::vector<AuditRecord>> ReadLatestAudit(Db& db, int limit) {
  if (limit < 1) return Error::InvalidArgument("limit must be at least 1", "limit");
  Stmt s(db.handle(), std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq DESC LIMIT ?1");
  if (!s.ok()) return SqlError(s);
  s.Bind(1, static_cast<int64_t>(limit));
  auto rows = ReadAll(s);
  if (rows) std::reverse(rows->begin(), rows->end());
  return rows;
}

}  // namespace civicgrid::store::sqlite
