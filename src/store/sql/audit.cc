#include "store/sql/audit.h"

#include <algorithm>

#include <boost/json/parse.hpp>

namespace civicgrid::store::sql {
namespace {

using security::AuditRecord;

constexpr const char* kColumns = "seq, at, actor, action, target, detail, remote, prev_hash, hash";

AuditRecord ReadRecord(const RowReader& s) {
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

bool IsJsonObject(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return !ec && v.is_object();
}

Result<std::vector<AuditRecord>> Select(Runner& db, const std::string& sql, const Values& params) {
  std::vector<AuditRecord> out;
  auto r = db.Run(sql, params, [&](const RowReader& s) { out.push_back(ReadRecord(s)); });
  if (!r) return r.error();
  return out;
}

}  // namespace

Result<void> AppendAudit(Runner& db, AuditRecord& record) {
  if (!IsJsonObject(record.detail))
    return Error::InvalidArgument("the audit record's detail must be a JSON object", "detail");
  int64_t last_seq = 0;
  std::string last_hash(security::kAuditGenesis);
  auto last = db.Run("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}, [&](const RowReader& s) {
    last_seq = s.Int(0);
    last_hash = s.Text(1);
  });
  if (!last) return last.error();
  record.seq = last_seq + 1;
  security::Link(record, last_hash);
  auto r = db.Run(std::string("INSERT INTO audit_log(") + kColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  {record.seq, record.at, record.actor, record.action, record.target, record.detail, record.remote,
                   record.prev_hash, record.hash});
  if (!r) return r.error();
  return {};
}

Result<std::vector<AuditRecord>> ReadAudit(Runner& db, int64_t after_seq, int limit) {
  if (limit < 1) return Error::InvalidArgument("limit must be at least 1", "limit");
  return Select(db, std::string("SELECT ") + kColumns + " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                {after_seq, int64_t{limit}});
}

Result<std::vector<AuditRecord>> ReadLatestAudit(Runner& db, int limit) {
  if (limit < 1) return Error::InvalidArgument("limit must be at least 1", "limit");
  auto rows = Select(db, std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq DESC LIMIT ?1",
                     {int64_t{limit}});
  if (rows) std::reverse(rows->begin(), rows->end());
  return rows;
}

}  // namespace civicgrid::store::sql
