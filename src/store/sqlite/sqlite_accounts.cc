#include "store/sqlite/sqlite_accounts.h"

namespace civicgrid::store::sqlite {
namespace {

Error SqlError(const Stmt& s) { return Error::Internal("sqlite: " + s.error()); }
Error PrepareError(Db& db) { return Error::Internal(std::string("sqlite: ") + sqlite3_errmsg(db.handle())); }

constexpr const char* kUserColumns =
    "id, username, display_name, password_hash, disabled, created_at, failed_logins, locked_until";

User ReadUser(const Stmt& s) {
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

Result<void> LoadGrants(Db& db, User& u) {
  Stmt s(db.handle(), "SELECT role, territory, unit FROM user_grants WHERE user_id = ?1 ORDER BY rowid");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, u.id);
  while (s.Step()) {
    auto role = ParseRole(s.Text(0));
    if (!role) return Error::Internal("user " + u.username + ": unknown role '" + s.Text(0) + "'");
    u.grants.push_back(Grant{*role, s.Text(1), s.Int(2)});
  }
  if (!s.error().empty()) return SqlError(s);
  return {};
}

Result<std::optional<User>> OneUser(Db& db, Stmt& s) {
  if (!s.Step()) {
    if (!s.error().empty()) return SqlError(s);
    return std::optional<User>();
  }
  User u = ReadUser(s);
  if (auto r = LoadGrants(db, u); !r) return r.error();
  return std::optional<User>(std::move(u));
}

Result<void> WriteGrants(Db& db, const User& u) {
  Stmt del(db.handle(), "DELETE FROM user_grants WHERE user_id = ?1");
  if (!del.ok()) return PrepareError(db);
  del.Bind(1, u.id);
  if (auto r = del.Run(); !r) return r;
  for (const Grant& g : u.grants) {
    Stmt ins(db.handle(), "INSERT OR IGNORE INTO user_grants(user_id, role, territory, unit) VALUES (?1, ?2, ?3, ?4)");
    if (!ins.ok()) return PrepareError(db);
    ins.Bind(1, u.id).Bind(2, RoleName(g.role)).Bind(3, g.territory).Bind(4, g.unit);
    if (auto r = ins.Run(); !r) return r;
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

ApiKey ReadKey(const Stmt& s) {
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

Result<std::optional<User>> GetUser(Db& db, const std::string& username) {
  Stmt s(db.handle(), std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?1");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, username);
  return OneUser(db, s);
}

Result<std::optional<User>> GetUserById(Db& db, int64_t id) {
  Stmt s(db.handle(), std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, id);
  return OneUser(db, s);
}

Result<std::vector<User>> ListUsers(Db& db) {
  Stmt s(db.handle(), std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username");
  if (!s.ok()) return PrepareError(db);
  std::vector<User> users;
  while (s.Step()) users.push_back(ReadUser(s));
  if (!s.error().empty()) return SqlError(s);
  for (User& u : users)
    if (auto r = LoadGrants(db, u); !r) return r.error();
  return users;
}

Result<int64_t> InsertUser(Db& db, User& u) {
  if (auto existing = GetUser(db, u.username); !existing)
    return existing.error();
  else if (*existing)
    return Error::Conflict("a user named '" + u.username + "' already exists", "username");
  Stmt s(db.handle(),
         "INSERT INTO users(username, display_name, password_hash, disabled, created_at, failed_logins, "
         "locked_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, u.username).Bind(2, u.display_name).Bind(3, u.password_hash).Bind(4, int64_t{u.disabled});
  s.Bind(5, u.created_at).Bind(6, int64_t{u.failed_logins}).Bind(7, u.locked_until);
  if (auto r = s.Run(); !r) return r.error();
  u.id = sqlite3_last_insert_rowid(db.handle());
  if (auto r = WriteGrants(db, u); !r) return r.error();
  return u.id;
}

Result<void> UpdateUser(Db& db, const User& u) {
  Stmt s(db.handle(),
         "UPDATE users SET display_name = ?2, password_hash = ?3, disabled = ?4, failed_logins = ?5, "
         "locked_until = ?6 WHERE id = ?1");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, u.id).Bind(2, u.display_name).Bind(3, u.password_hash).Bind(4, int64_t{u.disabled});
  s.Bind(5, int64_t{u.failed_logins}).Bind(6, u.locked_until);
  if (auto r = s.Run(); !r) return r;
  if (sqlite3_changes(db.handle()) != 1) return Error::NotFound("no user with id " + std::to_string(u.id), "user");
  return WriteGrants(db, u);
}

Result<std::optional<Session>> GetSession(Db& db, const std::string& token_hash) {
  // Asked on every request of a signed-in user: prepared once per connection.
  sqlite::CachedStmt cached(
      db, "SELECT token_hash, user_id, created_at, expires_at, revoked_at, remote FROM sessions WHERE token_hash = ?1");
  Stmt& s = *cached;
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, token_hash);
  if (!s.Step()) {
    if (!s.error().empty()) return SqlError(s);
    return std::optional<Session>();
  }
  return std::optional<Session>(Session{s.Text(0), s.Int(1), s.Int(2), s.Int(3), s.Int(4), s.Text(5)});
}

Result<void> InsertSession(Db& db, const Session& x) {
  Stmt s(db.handle(),
         "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, revoked_at, remote) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, x.token_hash).Bind(2, x.user_id).Bind(3, x.created_at).Bind(4, x.expires_at).Bind(5, x.revoked_at);
  s.Bind(6, x.remote);
  return s.Run();
}

Result<bool> RevokeSession(Db& db, const std::string& token_hash, Timestamp at) {
  Stmt s(db.handle(), "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at = 0");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, token_hash).Bind(2, at);
  if (auto r = s.Run(); !r) return r.error();
  return sqlite3_changes(db.handle()) > 0;
}

Result<int64_t> RevokeSessionsOf(Db& db, int64_t user_id, Timestamp at) {
  Stmt s(db.handle(), "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, user_id).Bind(2, at);
  if (auto r = s.Run(); !r) return r.error();
  return static_cast<int64_t>(sqlite3_changes(db.handle()));
}

Result<std::optional<ApiKey>> GetApiKeyByHash(Db& db, const std::string& key_hash) {
  // Asked on every request of an API key: prepared once per connection.
  sqlite::CachedStmt cached(db, std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE key_hash = ?1");
  Stmt& s = *cached;
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, key_hash);
  if (!s.Step()) {
    if (!s.error().empty()) return SqlError(s);
    return std::optional<ApiKey>();
  }
  return std::optional<ApiKey>(ReadKey(s));
}

Result<std::vector<ApiKey>> ListApiKeys(Db& db) {
  Stmt s(db.handle(), std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY name");
  if (!s.ok()) return PrepareError(db);
  std::vector<ApiKey> keys;
  while (s.Step()) keys.push_back(ReadKey(s));
  if (!s.error().empty()) return SqlError(s);
  return keys;
}

Result<int64_t> InsertApiKey(Db& db, ApiKey& k) {
  {
    Stmt s(db.handle(), "SELECT 1 FROM api_keys WHERE name = ?1");
    if (!s.ok()) return PrepareError(db);
    s.Bind(1, k.name);
    if (s.Step()) return Error::Conflict("an API key named '" + k.name + "' already exists", "name");
    if (!s.error().empty()) return SqlError(s);
  }
  Stmt s(db.handle(),
         "INSERT INTO api_keys(name, key_hash, prefix, permissions, territory, created_at, created_by, revoked_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, k.name).Bind(2, k.key_hash).Bind(3, k.prefix).Bind(4, JoinPermissions(k.permissions));
  s.Bind(5, k.territory).Bind(6, k.created_at).Bind(7, k.created_by).Bind(8, k.revoked_at);
  if (auto r = s.Run(); !r) return r.error();
  k.id = sqlite3_last_insert_rowid(db.handle());
  return k.id;
}

Result<bool> RevokeApiKey(Db& db, const std::string& name, Timestamp at) {
  Stmt s(db.handle(), "UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at = 0");
  if (!s.ok()) return PrepareError(db);
  s.Bind(1, name).Bind(2, at);
  if (auto r = s.Run(); !r) return r.error();
  return sqlite3_changes(db.handle()) > 0;
}

}  // namespace civicgrid::store::sqlite
