#include "app/accounts.h"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

namespace civicgrid::app {
namespace json = boost::json;
namespace {

constexpr std::string_view kSessionPrefix = "cgs_";
constexpr std::string_view kKeyPrefix = "cgk_";
constexpr int64_t kMaxLockSeconds = 24 * 3600;
// An opaque answer for every failed login: it does not say whether the user exists.
const char* const kBadLogin = "wrong username or password";

std::string Detail(json::object o) { return json::serialize(o); }

store::AuditEntry Entry(Timestamp at, const AuditContext& ctx, std::string action, std::string target,
                        std::string detail = "{}") {
  return store::AuditEntry{at, ctx.actor, std::move(action), std::move(target), std::move(detail), ctx.remote};
}

json::array GrantsJson(const std::vector<Grant>& grants) {
  json::array a;
  for (const Grant& g : grants) a.push_back(json::value(FormatGrant(g)));
  return a;
}

}  // namespace

Principal PrincipalOf(const store::User& u) {
  Principal p;
  p.name = u.username;
  p.id = u.id;
  p.grants = u.grants;
  return p;
}

Result<void> CheckAccountName(std::string_view name, std::string_view field) {
  const std::string f(field);
  if (name.size() < 2 || name.size() > 40) return Error::InvalidArgument(f + " has 2 to 40 characters", f);
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
    if (!ok) return Error::InvalidArgument(f + " uses only a-z, 0-9, '_', '.' and '-'", f);
  }
  if (!std::isalnum(static_cast<unsigned char>(name[0])))
    return Error::InvalidArgument(f + " starts with a letter or digit", f);
  return {};
}

AccountService::AccountService(store::Store& store, AccountOptions options, Now now)
    : store_(store), options_(options), now_(std::move(now)) {}

Result<store::User> AccountService::AddUser(const NewUser& in, const AuditContext& ctx) {
  if (auto r = CheckAccountName(in.username, "username"); !r) return r.error();
  if (in.display_name.size() > 100) return Error::InvalidArgument("display_name has at most 100 bytes", "display_name");
  if (auto r = CheckPasswordStrength(in.password); !r) return r.error();
  if (in.grants.empty()) return Error::InvalidArgument("a user needs at least one role", "grants");
  for (const Grant& g : in.grants)
    if (g.role == Role::kSystem) return Error::InvalidArgument("the system role is for API keys only", "grants");
  auto hash = HashPassword(in.password, options_.password_cost);
  if (!hash) return hash.error();
  store::User u;
  u.username = in.username;
  u.display_name = in.display_name.empty() ? in.username : in.display_name;
  u.password_hash = *hash;
  u.created_at = now_();
  u.grants = in.grants;
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    if (auto id = tx.InsertUser(u); !id) return id.error();
    auto a = tx.AppendAudit(Entry(u.created_at, ctx, "user.add", "user:" + u.username,
                                  Detail({{"grants", GrantsJson(u.grants)}, {"display_name", u.display_name}})));
    if (!a) return a.error();
    return {};
  });
  if (!r) return r.error();
  u.password_hash.clear();
  return u;
}

Result<void> AccountService::DisableUser(const std::string& username, const AuditContext& ctx) {
  const Timestamp now = now_();
  return store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto u = tx.GetUserForUpdate(username);
    if (!u) return u.error();
    if (!*u) return Error::NotFound("no user named '" + username + "'", "username");
    (*u)->disabled = true;
    if (auto r = tx.UpdateUser(**u); !r) return r;
    auto ended = tx.RevokeSessionsOf((*u)->id, now);
    if (!ended) return ended.error();
    auto a = tx.AppendAudit(Entry(now, ctx, "user.disable", "user:" + username, Detail({{"sessions_ended", *ended}})));
    if (!a) return a.error();
    return {};
  });
}

Result<std::vector<store::User>> AccountService::ListUsers() {
  auto users = store_.ListUsers();
  if (!users) return users.error();
  for (auto& u : *users) u.password_hash.clear();
  return users;
}

int64_t AccountService::IpWait(const std::string& ip, Timestamp now) {
  std::lock_guard lock(ip_mu_);
  auto it = ip_failures_.find(ip);
  if (it == ip_failures_.end()) return 0;
  auto& q = it->second;
  while (!q.empty() && q.front() <= now - options_.ip_window_seconds) q.pop_front();
  if (q.empty()) {
    ip_failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(q.size()) < options_.ip_failures) return 0;
  return std::max<int64_t>(1, q.front() + options_.ip_window_seconds - now);
}

void AccountService::IpFailed(const std::string& ip, Timestamp now) {
  std::lock_guard lock(ip_mu_);
  // Bounded memory: forget the oldest addresses when too many are tracked.
  if (ip_failures_.size() > 100000) ip_failures_.erase(ip_failures_.begin());
  auto& q = ip_failures_[ip];
  q.push_back(now);
  while (static_cast<int>(q.size()) > options_.ip_failures) q.pop_front();
}

Result<LoginAnswer> AccountService::Login(const std::string& username, const std::string& password,
                                          const std::string& remote) {
  const Timestamp now = now_();
  const std::string ip = ClientIp(remote);
  const AuditContext ctx{username.size() <= 40 ? username : username.substr(0, 40), remote};
  if (int64_t wait = IpWait(ip, now); wait > 0) {
    (void)Audit("login.throttled", "ip:" + ip, Detail({{"retry_after", wait}}), ctx);
    return Error::TooManyRequests("too many failed logins from this address; try again later", wait);
  }
  auto user = store_.GetUser(username);
  if (!user) return user.error();
  if (!*user) {
    VerifyDummyPassword(password, options_.password_cost);
    IpFailed(ip, now);
    (void)Audit("login.failed", "user:" + ctx.actor, Detail({{"reason", "unknown user"}}), ctx);
    return Error::Unauthorized(kBadLogin);
  }
  store::User& u = **user;
  if (u.locked_until > now) {
    (void)Audit("login.throttled", "user:" + u.username, Detail({{"retry_after", u.locked_until - now}}), ctx);
    return Error::TooManyRequests("too many failed logins for this account; try again later", u.locked_until - now);
  }
  const bool good = VerifyPassword(u.password_hash, password);
  if (!good || u.disabled) {
    if (!good) IpFailed(ip, now);
    std::string reason = good ? "account disabled" : "wrong password";
    auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
      auto fresh = tx.GetUserForUpdate(username);
      if (!fresh) return fresh.error();
      if (!*fresh) return {};
      store::User& f = **fresh;
      json::object detail{{"reason", reason}};
      if (!good) {
        ++f.failed_logins;
        if (f.failed_logins % options_.lock_after == 0) {
          const int runs = f.failed_logins / options_.lock_after;
          int64_t lock = options_.lock_seconds;
          for (int i = 1; i < runs && lock < kMaxLockSeconds; ++i) lock *= 2;
          f.locked_until = now + std::min(lock, kMaxLockSeconds);
          detail["locked_until"] = f.locked_until;
        }
        if (auto w = tx.UpdateUser(f); !w) return w;
      }
      detail["failed_logins"] = f.failed_logins;
      auto a = tx.AppendAudit(Entry(now, ctx, "login.failed", "user:" + username, Detail(std::move(detail))));
      if (!a) return a.error();
      return {};
    });
    if (!r) return r.error();
    return Error::Unauthorized(kBadLogin);
  }
  LoginAnswer answer;
  answer.token = NewToken(kSessionPrefix);
  answer.expires_at = now + options_.session_seconds;
  store::Session session{TokenDigest(answer.token), u.id, now, answer.expires_at, 0, remote};
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto fresh = tx.GetUserForUpdate(username);
    if (!fresh) return fresh.error();
    if (!*fresh) return Error::Unauthorized(kBadLogin);
    if ((*fresh)->failed_logins || (*fresh)->locked_until) {
      (*fresh)->failed_logins = 0;
      (*fresh)->locked_until = 0;
      if (auto w = tx.UpdateUser(**fresh); !w) return w;
    }
    if (auto s = tx.InsertSession(session); !s) return s;
    auto a = tx.AppendAudit(Entry(now, ctx, "login", "user:" + username, Detail({{"expires_at", answer.expires_at}})));
    if (!a) return a.error();
    return {};
  });
  if (!r) return r.error();
  u.password_hash.clear();
  u.failed_logins = 0;
  u.locked_until = 0;
  answer.principal = PrincipalOf(u);
  answer.user = std::move(u);
  return answer;
}

Result<void> AccountService::Logout(const std::string& token, const AuditContext& ctx) {
  const Timestamp now = now_();
  return store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto revoked = tx.RevokeSession(TokenDigest(token), now);
    if (!revoked) return revoked.error();
    auto a = tx.AppendAudit(Entry(now, ctx, "logout", "user:" + ctx.actor));
    if (!a) return a.error();
    return {};
  });
}

Result<Principal> AccountService::Authenticate(std::string_view token) {
  const Timestamp now = now_();
  if (token.starts_with(kSessionPrefix)) {
    auto session = store_.GetSession(TokenDigest(token));
    if (!session) return session.error();
    if (!*session || (*session)->revoked_at || (*session)->expires_at <= now)
      return Error::Unauthorized("the session has ended or is not valid: sign in again");
    auto user = store_.GetUserById((*session)->user_id);
    if (!user) return user.error();
    if (!*user || (*user)->disabled) return Error::Unauthorized("the account is disabled");
    return PrincipalOf(**user);
  }
  if (token.starts_with(kKeyPrefix)) {
    auto key = store_.GetApiKeyByHash(TokenDigest(token));
    if (!key) return key.error();
    if (!*key || (*key)->revoked_at) return Error::Unauthorized("the API key is not valid or was revoked");
    Principal p;
    p.name = "key:" + (*key)->name;
    p.id = (*key)->id;
    p.api_key = true;
    p.grants = {Grant{Role::kSystem, (*key)->territory, 0}};
    p.key_permissions = (*key)->permissions;
    return p;
  }
  return Error::Unauthorized("the bearer token is not valid");
}

Result<ApiKeyAnswer> AccountService::AddApiKey(const NewApiKey& in, const AuditContext& ctx) {
  if (auto r = CheckAccountName(in.name, "name"); !r) return r.error();
  if (in.permissions.empty()) return Error::InvalidArgument("an API key needs at least one permission", "permissions");
  for (Permission p : in.permissions)
    if (p == Permission::kAccountAdmin || p == Permission::kAuditRead || p == Permission::kPublic)
      return Error::InvalidArgument("an API key may not hold " + std::string(PermissionName(p)), "permissions");
  if (!in.territory.empty())
    if (auto v = ValidateCode(in.territory, "territory"); !v) return v.error();
  ApiKeyAnswer answer;
  answer.secret = NewToken(kKeyPrefix);
  store::ApiKey& k = answer.key;
  k.name = in.name;
  k.key_hash = TokenDigest(answer.secret);
  k.prefix = answer.secret.substr(0, 8);
  k.permissions = in.permissions;
  k.territory = in.territory;
  k.created_at = now_();
  k.created_by = ctx.actor;
  json::array perms;
  for (Permission p : k.permissions) perms.push_back(json::value(PermissionName(p)));
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    if (auto id = tx.InsertApiKey(k); !id) return id.error();
    auto a = tx.AppendAudit(Entry(k.created_at, ctx, "apikey.add", "apikey:" + k.name,
                                  Detail({{"permissions", perms}, {"territory", k.territory}, {"prefix", k.prefix}})));
    if (!a) return a.error();
    return {};
  });
  if (!r) return r.error();
  return answer;
}

Result<void> AccountService::RevokeApiKey(const std::string& name, const AuditContext& ctx) {
  const Timestamp now = now_();
  return store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto revoked = tx.RevokeApiKey(name, now);
    if (!revoked) return revoked.error();
    if (!*revoked) return Error::NotFound("no active API key named '" + name + "'", "name");
    auto a = tx.AppendAudit(Entry(now, ctx, "apikey.revoke", "apikey:" + name));
    if (!a) return a.error();
    return {};
  });
}

Result<std::vector<store::ApiKey>> AccountService::ListApiKeys() { return store_.ListApiKeys(); }

Result<void> AccountService::Audit(const std::string& action, const std::string& target, const std::string& detail,
                                   const AuditContext& ctx) {
  const Timestamp now = now_();
  return store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto a = tx.AppendAudit(Entry(now, ctx, action, target, detail));
    if (!a) return a.error();
    return {};
  });
}

bool MayManage(const Principal& admin, const std::vector<Grant>& grants,
               const std::function<std::string(int64_t unit)>& unit_territory) {
  for (const Grant& g : grants) {
    if (g.role == Role::kResident) continue;
    std::string where = g.territory;
    if (g.unit) {
      where = unit_territory ? unit_territory(g.unit) : "";
      if (where.empty() && !CoversTerritory(admin, Permission::kAccountAdmin, "")) return false;
    }
    if (!CoversTerritory(admin, Permission::kAccountAdmin, where)) return false;
  }
  return true;
}

}  // namespace civicgrid::app
