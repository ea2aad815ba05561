#include "store/sql/accounts.h"

namespace civicgrid::store::sql {
namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, password_hash, disabled, created_at, failed_logins, locked_until";

User ReadUser(const RowReader& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.display_name = s.Text(2);
  u.password_hash = s.Text(3);
  u.disabled = s.Int(4) != 0;
  u.created_at = s.Int(5);
  u.failed_logins = static_cast<int>(s.Int(6));
  u.locked_until = s.Int(7);
  return u;
}

Result<void> LoadGrants(Runner& db, User& u) {
  // Grants in the order given (the first that fits is the role a user acts in).
  const std::string order = db.dialect() == Dialect::kSqlite ? "rowid" : "id";
  std::string bad_role;
  auto r = db.Run("SELECT role, territory, unit FROM user_grants WHERE user_id = ?1 ORDER BY " + order, {u.id},
                  [&](const RowReader& s) {
                    auto role = ParseRole(s.Text(0));
                    if (!role) {
                      bad_role = s.Text(0);
                      return;
                    }
                    u.grants.push_back(Grant{*role, s.Text(1), s.Int(2)});
                  });
  if (!r) return r.error();
  if (!bad_role.empty()) return Error::Internal("user " + u.username + ": unknown role '" + bad_role + "'");
  return {};
}

Result<std::optional<User>> OneUser(Runner& db, const std::string& where, const Value& key) {
  std::optional<User> out;
  auto r = db.Run(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where, {key},
                  [&](const RowReader& s) { out = ReadUser(s); });
  if (!r) return r.error();
  if (out)
    if (auto g = LoadGrants(db, *out); !g) return g.error();
  return out;
}

Result<void> WriteGrants(Runner& db, const User& u) {
  if (auto r = db.Run("DELETE FROM user_grants WHERE user_id = ?1", {u.id}); !r) return r.error();
  for (const Grant& g : u.grants) {
    auto r = db.Run("INSERT INTO user_grants(user_id, role, territory, unit) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    {u.id, std::string(RoleName(g.role)), g.territory, g.unit});
    if (!r) return r.error();
  }
  return {};
}

std::string JoinPermissions(const std::vector<Permission>& ps) {
  std::string s;
  for (Permission p : ps) s += (s.empty() ? "" : " ") + std::string(PermissionName(p));
  return s;
}

std::vector<Permission> SplitPermissions(const std::string& text) {
  std::vector<Permission> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (auto p = ParsePermission(std::string_view(text).substr(start, end - start))) out.push_back(*p);
    start = end + 1;
  }
  return out;
}

constexpr const char* kKeyColumns =
    "id, name, key_hash, prefix, permissions, territory, created_at, created_by, revoked_at";

ApiKey ReadKey(const RowReader& s) {
  ApiKey k;
  k.id = s.Int(0);
  k.name = s.Text(1);
  k.key_hash = s.Text(2);
  k.prefix = s.Text(3);
  k.permissions = SplitPermissions(s.Text(4));
  k.territory = s.Text(5);
  k.created_at = s.Int(6);
  k.created_by = s.Text(7);
  k.revoked_at = s.Int(8);
  return k;
}

}  // namespace

Result<std::optional<User>> GetUser(Runner& db, const std::string& username) {
  return OneUser(db, "username = ?1", username);
}

Result<std::optional<User>> GetUserById(Runner& db, int64_t id) { return OneUser(db, "id = ?1", id); }

Result<std::vector<User>> ListUsers(Runner& db) {
  std::vector<User> users;
  auto r = db.Run(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username", {},
                  [&](const RowReader& s) { users.push_back(ReadUser(s)); });
  if (!r) return r.error();
  for (User& u : users)
    if (auto g = LoadGrants(db, u); !g) return g.error();
  return users;
}

Result<int64_t> InsertUser(Runner& db, User& u) {
  if (auto existing = GetUser(db, u.username); !existing)
    return existing.error();
  else if (*existing)
    return Error::Conflict("a user named '" + u.username + "' already exists", "username");
  auto r = db.Run(
      "INSERT INTO users(username, display_name, password_hash, disabled, created_at, failed_logins, "
      "locked_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
      {u.username, u.display_name, u.password_hash, int64_t{u.disabled}, u.created_at, int64_t{u.failed_logins},
       u.locked_until},
      [&](const RowReader& s) { u.id = s.Int(0); });
  if (!r) return r.error();
  if (auto g = WriteGrants(db, u); !g) return g.error();
  return u.id;
}

Result<void> UpdateUser(Runner& db, const User& u) {
  auto r = db.Run(
      "UPDATE users SET display_name = ?2, password_hash = ?3, disabled = ?4, failed_logins = ?5, "
      "locked_until = ?6 WHERE id = ?1",
      {u.id, u.display_name, u.password_hash, int64_t{u.disabled}, int64_t{u.failed_logins}, u.locked_until});
  if (!r) return r.error();
  if (*r != 1) return Error::NotFound("no user with id " + std::to_string(u.id), "user");
  return WriteGrants(db, u);
}

Result<std::optional<Session>> GetSession(Runner& db, const std::string& token_hash) {
  std::optional<Session> out;
  auto r = db.Run(
      "SELECT token_hash, user_id, created_at, expires_at, revoked_at, remote FROM sessions WHERE token_hash = ?1",
      {token_hash},
      [&](const RowReader& s) { out = Session{s.Text(0), s.Int(1), s.Int(2), s.Int(3), s.Int(4), s.Text(5)}; });
  if (!r) return r.error();
  return out;
}

Result<void> InsertSession(Runner& db, const Session& x) {
  auto r = db.Run(
      "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, revoked_at, remote) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      {x.token_hash, x.user_id, x.created_at, x.expires_at, x.revoked_at, x.remote});
  if (!r) return r.error();
  return {};
}

Result<bool> RevokeSession(Runner& db, const std::string& token_hash, Timestamp at) {
  auto r = db.Run("UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at = 0", {token_hash, at});
  if (!r) return r.error();
  return *r > 0;
}

Result<int64_t> RevokeSessionsOf(Runner& db, int64_t user_id, Timestamp at) {
  return db.Run("UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0", {user_id, at});
}

Result<std::optional<ApiKey>> GetApiKeyByHash(Runner& db, const std::string& key_hash) {
  std::optional<ApiKey> out;
  auto r = db.Run(std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE key_hash = ?1", {key_hash},
                  [&](const RowReader& s) { out = ReadKey(s); });
  if (!r) return r.error();
  return out;
}

Result<std::vector<ApiKey>> ListApiKeys(Runner& db) {
  std::vector<ApiKey> keys;
  auto r = db.Run(std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY name", {},
                  [&](const RowReader& s) { keys.push_back(ReadKey(s)); });
  if (!r) return r.error();
  return keys;
}

Result<int64_t> InsertApiKey(Runner& db, ApiKey& k) {
  bool taken = false;
  if (auto r = db.Run("SELECT 1 FROM api_keys WHERE name = ?1", {k.name}, [&](const RowReader&) { taken = true; }); !r)
    return r.error();
  if (taken) return Error::Conflict("an API key named '" + k.name + "' already exists", "name");
  auto r = db.Run(
      "INSERT INTO api_keys(name, key_hash, prefix, permissions, territory, created_at, created_by, revoked_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
      {k.name, k.key_hash, k.prefix, JoinPermissions(k.permissions), k.territory, k.created_at, k.created_by,
       k.revoked_at},
      [&](const RowReader& s) { k.id = s.Int(0); });
  if (!r) return r.error();
  return k.id;
}

Result<bool> RevokeApiKey(Runner& db, const std::string& name, Timestamp at) {
  auto r = db.Run("UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at = 0", {name, at});
  if (!r) return r.error();
  return *r > 0;
}

}  // namespace civicgrid::store::sql
