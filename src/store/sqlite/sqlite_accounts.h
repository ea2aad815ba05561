// Users, grants, sessions and API keys in SQLite: free functions over one connection, used by the
// store's write transaction (writes: call them inside an open transaction) and by its read connections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/account_store.h"
#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

Result<std::optional<User>> GetUser(Db& db, const std::string& username);
Result<std::optional<User>> GetUserById(Db& db, int64_t id);
Result<std::vector<User>> ListUsers(Db& db);
Result<int64_t> InsertUser(Db& db, User& user);
Result<void> UpdateUser(Db& db, const User& user);

Result<std::optional<Session>> GetSession(Db& db, const std::string& token_hash);
Result<void> InsertSession(Db& db, const Session& session);
Result<bool> RevokeSession(Db& db, const std::string& token_hash, Timestamp at);
Result<int64_t> RevokeSessionsOf(Db& db, int64_t user_id, Timestamp at);

Result<std::optional<ApiKey>> GetApiKeyByHash(Db& db, const std::string& key_hash);
Result<std::vector<ApiKey>> ListApiKeys(Db& db);
Result<int64_t> InsertApiKey(Db& db, ApiKey& key);
Result<bool> RevokeApiKey(Db& db, const std::string& name, Timestamp at);

}  // namespace civicgrid::store::sqlite
