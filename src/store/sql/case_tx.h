// The write transaction handed to Store::Write functions, in SQL on either engine: cases, events,
// idempotency keys, reference data, accounts and the audit log over one connection that holds an open
// transaction. The engine's store opens and commits the transaction; this class only issues statements.
#pragma once

#include <functional>

#include "security/personal_data.h"
#include "store/case_store.h"
#include "store/sql/sql.h"
#include "store/sql/stats_rollup.h"

namespace civicgrid::store::sql {

class SqlCaseTx : public CaseTx {
 public:
  // `db` holds an open transaction for the lifetime of this object; personal data is sealed with `ring`.
  SqlCaseTx(Runner& db, const security::Keyring& ring) : db_(db), ring_(ring) {}
  SqlCaseTx(const SqlCaseTx&) = delete;
  SqlCaseTx& operator=(const SqlCaseTx&) = delete;

  // Called with each event InsertCase and UpdateCase append (not ImportCase's), inside the transaction:
  // PostgreSQL announces it to the other app nodes (NOTIFY, delivered at commit).
  using EventHook = std::function<Result<void>(const CaseEvent&)>;
  void OnEvent(EventHook hook) { on_event_ = std::move(hook); }

  // Stores the statistics counters the write changed; called once the write's function has succeeded.
  Result<void> FlushStats() { return stats_.Flush(db_); }

  Result<std::optional<User>> GetUserForUpdate(const std::string& username) override;
  Result<int64_t> InsertUser(User& user) override;
  Result<void> UpdateUser(const User& user) override;
  Result<void> InsertSession(const Session& session) override;
  Result<bool> RevokeSession(const std::string& token_hash, Timestamp at) override;
  Result<int64_t> RevokeSessionsOf(int64_t user_id, Timestamp at) override;
  Result<int64_t> InsertApiKey(ApiKey& key) override;
  Result<bool> RevokeApiKey(const std::string& name, Timestamp at) override;
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;

  Result<std::optional<Case>> GetCase(int64_t id) override;
  Result<std::optional<int64_t>> FindIdempotencyKey(const std::string& key) override;
  Result<int64_t> InsertCase(Case& c, CaseEvent& event, const std::string& key) override;
  Result<int64_t> ImportCase(Case& c, std::vector<CaseEvent>& events) override;
  Result<void> UpdateCase(const Case& before, const Case& after, const CaseEvent& event) override;

  Result<void> PutUnit(Unit& unit) override;
  Result<void> PutCategory(const Category& category) override;
  Result<void> PutRoutingRule(RoutingRule& rule) override;
  Result<bool> DeleteRoutingRule(int64_t id) override;
  Result<void> PutCalendar(const Calendar& calendar) override;

 private:
  Result<void> AppendEvent(const CaseEvent& e);
  Result<void> BumpReference();
  // After a row was written with an id of its own in `table` (PostgreSQL): the table's id sequence moves
  // past it, so that the next row without one gets a free id.
  Result<void> SyncIdSequence(const std::string& table);
  Result<bool> Exists(const std::string& sql, const Value& key);

  Runner& db_;
  const security::Keyring& ring_;
  StatsAccumulator stats_;
  EventHook on_event_;
};

}  // namespace civicgrid::store::sql
