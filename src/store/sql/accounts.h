// Users, grants, sessions and API keys in SQL, on either engine: free functions over one connection, used by
// the store's write transaction (writes: call them inside an open transaction) and by its read connections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/account_store.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

Result<std::optional<User>> GetUser(Runner& db, const std::string& username);
Result<std::optional<User>> GetUserById(Runner& db, int64_t id);
Result<std::vector<User>> ListUsers(Runner& db);
Result<int64_t> InsertUser(Runner& db, User& user);
Result<void> UpdateUser(Runner& db, const User& user);

Result<std::optional<Session>> GetSession(Runner& db, const std::string& token_hash);
Result<void> InsertSession(Runner& db, const Session& session);
Result<bool> RevokeSession(Runner& db, const std::string& token_hash, Timestamp at);
Result<int64_t> RevokeSessionsOf(Runner& db, int64_t user_id, Timestamp at);

Result<std::optional<ApiKey>> GetApiKeyByHash(Runner& db, const std::string& key_hash);
Result<std::vector<ApiKey>> ListApiKeys(Runner& db);
Result<int64_t> InsertApiKey(Runner& db, ApiKey& key);
Result<bool> RevokeApiKey(Runner& db, const std::string& name, Timestamp at);

}  // namespace civicgrid::store::sql
