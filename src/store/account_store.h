// The account part of the storage interface: users with their grants, sessions, API keys.
//
// Writes happen inside Store::Write() (AccountTx is part of the write transaction, see case_store.h),
// so that an account change and its audit record commit together or not at all. Secrets are never
// stored: passwords as argon2id hashes, session tokens and API keys as SHA-256 hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/access.h"
#include "core/calendar.h"
#include "core/result.h"

namespace civicgrid::store {

// An account. `grants` are its roles with their scopes.
struct User {
  int64_t id = 0;
  std::string username;      // unique, immutable; the actor name in events and the audit log
  std::string display_name;
  std::string password_hash;  // argon2id, libsodium's string form
  bool disabled = false;
  Timestamp created_at = 0;
  int failed_logins = 0;     // failures in a row since the last success
  Timestamp locked_until = 0;  // login refused until then (throttling)
  std::vector<Grant> grants;
};

// A login session. Only the hash of its token is stored.
struct Session {
  std::string token_hash;  // lower-case hex SHA-256 of the token
  int64_t user_id = 0;
  Timestamp created_at = 0, expires_at = 0;
  Timestamp revoked_at = 0;  // 0 while valid (logout sets it)
  std::string remote;        // client address at login
};

// An API key for a system (Open311 client, drone, sensor). Only the hash of the key is stored.
struct ApiKey {
  int64_t id = 0;
  std::string name;      // unique; the actor is "key:<name>"
  std::string key_hash;  // lower-case hex SHA-256 of the key
  std::string prefix;    // the key's first characters, to recognise it in lists
  std::vector<Permission> permissions;
  std::string territory;  // "" = everywhere
  Timestamp created_at = 0;
  std::string created_by;
  Timestamp revoked_at = 0;  // 0 while valid
};

// One audit log entry as the app records it; the store numbers it and links it into the hash chain.
struct AuditEntry {
  Timestamp at = 0;
  std::string actor;   // who (a username, "key:<name>", "system", or the unknown name tried at login)
  std::string action;  // e.g. "login", "login.failed", "personal_data.reveal", "access.denied", "user.add"
  std::string target;  // what it concerns, e.g. "case:12", "user:wang"
  std::string detail = "{}";  // a JSON object with the particulars (reason, route, …)
  std::string remote;  // client address, "" for the command line
};

// Account operations inside one write transaction.
class AccountTx {
 public:
  virtual ~AccountTx() = default;

  // The user named `username` (with grants), or nullopt.
  virtual Result<std::optional<User>> GetUserForUpdate(const std::string& username) = 0;
  // Inserts a user and its grants; assigns user.id. Fails with conflict if the username is taken.
  virtual Result<int64_t> InsertUser(User& user) = 0;
  // Writes display_name, password_hash, disabled, failed_logins, locked_until and replaces the grants.
  virtual Result<void> UpdateUser(const User& user) = 0;

  virtual Result<void> InsertSession(const Session& session) = 0;
  // Revokes the session with `token_hash` (answers false if none or already revoked).
  virtual Result<bool> RevokeSession(const std::string& token_hash, Timestamp at) = 0;
  // Revokes every open session of a user; answers how many.
  virtual Result<int64_t> RevokeSessionsOf(int64_t user_id, Timestamp at) = 0;

  // Inserts a key; assigns key.id. Fails with conflict if the name is taken.
  virtual Result<int64_t> InsertApiKey(ApiKey& key) = 0;
  // Revokes the key named `name` (answers false if none or already revoked).
  virtual Result<bool> RevokeApiKey(const std::string& name, Timestamp at) = 0;

  // Appends `entry` to the audit log (append only, hash-chained); answers its sequence number.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
};

// Account reads (outside transactions).
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  virtual Result<std::optional<User>> GetUser(const std::string& username) = 0;
  virtual Result<std::optional<User>> GetUserById(int64_t id) = 0;
  // Every user with grants, by username.
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<std::optional<Session>> GetSession(const std::string& token_hash) = 0;
  virtual Result<std::optional<ApiKey>> GetApiKeyByHash(const std::string& key_hash) = 0;
  // Every key (revoked ones too), by name.
  virtual Result<std::vector<ApiKey>> ListApiKeys() = 0;
};

}  // namespace civicgrid::store
