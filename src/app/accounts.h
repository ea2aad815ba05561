// Account use cases: users and their grants, login with throttling, sessions, API keys, and the
// audit records these write. Each mutating call is one store transaction together with its audit
// record.
//
// Login throttling: after `lock_after` failures in a row an account is locked for `lock_for` (doubling
// with each further run of failures, at most a day); a client address with `ip_failures` failed logins
// within `ip_window` is refused until the window moves on. Both answer too_many_requests with the
// seconds to wait. A login for an unknown user costs the same time as a wrong password and gets the
// same answer.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/credentials.h"
#include "common/client_ip.h"
#include "core/access.h"
#include "core/territory.h"
#include "store/store.h"

namespace civicgrid::app {

struct AccountOptions {
  PasswordCost password_cost = PasswordCost::kInteractive;
  int64_t session_seconds = 12 * 3600;  // a session lasts this long from login
  int lock_after = 5;                   // failures in a row that lock an account
  int64_t lock_seconds = 15 * 60;       // the first lock; doubles per further run, at most a day
  int ip_failures = 20;                 // failed logins per client address within ip_window_seconds
  int64_t ip_window_seconds = 15 * 60;
};

// Who made a change and from where (recorded in the audit log).
struct AuditContext {
  std::string actor;   // username, "key:<name>" or "cli:<os user>"
  std::string remote;  // client address, "" for the command line
};

struct NewUser {
  std::string username;  // 2–40 of [a-z0-9_.-], starting with a letter or digit
  std::string display_name;
  std::string password;
  std::vector<Grant> grants;  // at least one
};

struct LoginAnswer {
  std::string token;  // shown once; only its digest is stored
  Timestamp expires_at = 0;
  store::User user;
  Principal principal;
};

struct NewApiKey {
  std::string name;  // like a username
  std::vector<Permission> permissions;  // at least one; not account.admin or audit.read
  std::string territory;  // "" = everywhere
};

struct ApiKeyAnswer {
  store::ApiKey key;
  std::string secret;  // the key itself: shown once, never stored
};

class AccountService {
 public:
  using Now = std::function<Timestamp()>;
  AccountService(store::Store& store, AccountOptions options, Now now);

  // Creates a user (audit "user.add"). Errors name the field: username, password, grants.
  Result<store::User> AddUser(const NewUser& user, const AuditContext& ctx);
  // Disables a user and ends their sessions (audit "user.disable"); not_found if no such user.
  Result<void> DisableUser(const std::string& username, const AuditContext& ctx);
  Result<std::vector<store::User>> ListUsers();

  // Checks the password and opens a session (audit "login" or "login.failed").
  Result<LoginAnswer> Login(const std::string& username, const std::string& password, const std::string& remote);
  // Ends the session of `token` (audit "logout").
  Result<void> Logout(const std::string& token, const AuditContext& ctx);

  // The principal of a bearer token (a session or an API key): unauthorized when the token is unknown,
  // expired, revoked or its account disabled.
  Result<Principal> Authenticate(std::string_view token);

  // Creates an API key (audit "apikey.add"); the answer holds the key once.
  Result<ApiKeyAnswer> AddApiKey(const NewApiKey& key, const AuditContext& ctx);
  // Revokes a key (audit "apikey.revoke"); not_found if no such active key.
  Result<void> RevokeApiKey(const std::string& name, const AuditContext& ctx);
  Result<std::vector<store::ApiKey>> ListApiKeys();

  // Appends one audit record in its own transaction (permission denials, configuration changes).
  Result<void> Audit(const std::string& action, const std::string& target, const std::string& detail,
                     const AuditContext& ctx);

  Timestamp now() const { return now_(); }

 private:
  // Failed logins per client address within the window; answers the seconds to wait (0 = go on).
  int64_t IpWait(const std::string& ip, Timestamp now);
  void IpFailed(const std::string& ip, Timestamp now);

  store::Store& store_;
  AccountOptions options_;
  Now now_;
  std::mutex ip_mu_;
  std::map<std::string, std::deque<Timestamp>> ip_failures_;
};

// The principal of a stored user (its grants; name = username).
Principal PrincipalOf(const store::User& user);

// Checks a username or API key name: 2–40 of [a-z0-9_.-], starting with a letter or digit.
Result<void> CheckAccountName(std::string_view name, std::string_view field);

// Whether `admin` may manage (add, see, disable) an account holding `grants`: each grant's territory
// lies inside one of the admin's account.admin territories — a unit grant's unit territory, from
// `unit_territory` ("" when unknown); a resident grant is anyone's to manage; a grant everywhere needs
// an admin everywhere.
bool MayManage(const Principal& admin, const std::vector<Grant>& grants,
               const std::function<std::string(int64_t unit)>& unit_territory);


}  // namespace civicgrid::app
