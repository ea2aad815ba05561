// `civicgrid user …`, `civicgrid apikey …` and `civicgrid keys rotate`: accounts and secrets from the
// command line of the host (trusted: no permission check, but every change is in the audit log under
// "cli:<os user>").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/accounts.h"
#include "cli/commands.h"
#include "security/personal_data.h"
#include "store/store.h"

namespace civicgrid::cli {
namespace {

Timestamp Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

app::AuditContext CliContext() {
  const char* user = std::getenv("USER");
  return app::AuditContext{std::string("cli:") + (user && *user ? user : std::to_string(getuid())), ""};
}

Result<std::unique_ptr<store::Store>> Open(const Config& config) { return store::OpenStore(config.db, KeyFileOf(config)); }

Result<app::AccountOptions> Options(const Config& config) {
  auto cost = app::ParsePasswordCost(config.password_cost);
  if (!cost) return cost.error();
  app::AccountOptions o;
  o.password_cost = *cost;
  o.session_seconds = int64_t{config.session_hours} * 3600;
  return o;
}

// The store of `config` with its account service.
struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<app::AccountService> accounts;
};
Result<Opened> OpenAccounts(const Config& config) {
  auto options = Options(config);
  if (!options) return options.error();
  auto store = Open(config);
  if (!store) return store.error();
  Opened o{std::move(*store), nullptr};
  o.accounts = std::make_unique<app::AccountService>(*o.store, *options, Now);
  return o;
}

std::string Grants(const std::vector<Grant>& grants) {
  std::string s;
  for (const Grant& g : grants) s += (s.empty() ? "" : ",") + FormatGrant(g);
  return s;
}

std::string Day(Timestamp t) { return t ? FormatTimestamp(t).substr(0, 10) : "-"; }

}  // namespace

int UserAdd(const Config& config, const UserAddArgs& args) {
  std::vector<Grant> grants;
  for (const auto& text : args.grants) {
    auto g = ParseGrant(text);
    if (!g) return Fail("--role '" + text + "': " + g.error().message);
    grants.push_back(*g);
  }
  std::string password = args.password;
  bool generated = false;
  if (args.password_stdin) {
    if (!std::getline(std::cin, password)) return Fail("no password on standard input");
  } else if (password.empty()) {
    password = app::NewPassword();
    generated = true;
  }
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  auto u = accounts.AddUser(app::NewUser{args.username, args.display_name, password, grants}, CliContext());
  if (!u) return Fail(u.error().message);
  std::printf("user %s added with %s\n", u->username.c_str(), Grants(u->grants).c_str());
  if (generated) std::printf("password (shown once): %s\n", password.c_str());
  return 0;
}

int UserList(const Config& config) {
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  auto users = accounts.ListUsers();
  if (!users) return Fail(users.error().message);
  std::printf("%-24s %-9s %-10s %s\n", "USERNAME", "STATE", "CREATED", "ROLES");
  for (const auto& u : *users)
    std::printf("%-24s %-9s %-10s %s\n", u.username.c_str(),
                u.disabled ? "disabled" : (u.locked_until > Now() ? "locked" : "active"), Day(u.created_at).c_str(),
                Grants(u.grants).c_str());
  return 0;
}

int UserDisable(const Config& config, const std::string& username) {
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  if (auto r = accounts.DisableUser(username, CliContext()); !r) return Fail(r.error().message);
  std::printf("user %s disabled; their sessions have ended\n", username.c_str());
  return 0;
}

int ApiKeyAdd(const Config& config, const ApiKeyAddArgs& args) {
  app::NewApiKey key;
  key.name = args.name;
  key.territory = args.territory;
  for (const auto& text : args.permissions) {
    auto p = ParsePermission(text);
    if (!p) return Fail("--permission '" + text + "' is not a permission (e.g. case.report, case.read)");
    key.permissions.push_back(*p);
  }
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  auto k = accounts.AddApiKey(key, CliContext());
  if (!k) return Fail(k.error().message);
  std::printf("API key %s added (territory %s)\n", k->key.name.c_str(),
              k->key.territory.empty() ? "everywhere" : k->key.territory.c_str());
  std::printf("key (shown once; send it as 'Authorization: Bearer <key>'): %s\n", k->secret.c_str());
  return 0;
}

int ApiKeyList(const Config& config) {
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  auto keys = accounts.ListApiKeys();
  if (!keys) return Fail(keys.error().message);
  std::printf("%-24s %-10s %-8s %-10s %-12s %s\n", "NAME", "PREFIX", "STATE", "CREATED", "TERRITORY", "PERMISSIONS");
  for (const auto& k : *keys) {
    std::string perms;
    for (Permission p : k.permissions) perms += (perms.empty() ? "" : ",") + std::string(PermissionName(p));
    std::printf("%-24s %-10s %-8s %-10s %-12s %s\n", k.name.c_str(), k.prefix.c_str(), k.revoked_at ? "revoked" : "active",
                Day(k.created_at).c_str(), k.territory.empty() ? "*" : k.territory.c_str(), perms.c_str());
  }
  return 0;
}

int ApiKeyRevoke(const Config& config, const std::string& name) {
  auto opened = OpenAccounts(config);
  if (!opened) return Fail(opened.error().message);
  app::AccountService& accounts = *opened->accounts;
  if (auto r = accounts.RevokeApiKey(name, CliContext()); !r) return Fail(r.error().message);
  std::printf("API key %s revoked\n", name.c_str());
  return 0;
}

int KeysRotate(const Config& config) {
  const std::string path = KeyFileOf(config);
  auto ring = security::Keyring::Load(path);
  if (!ring) return Fail(ring.error().message);
  const uint32_t added = ring->AddKey();
  // The new key is saved beside the old ones first: whatever happens next, every value stays readable.
  if (auto r = ring->Save(path); !r) return Fail(r.error().message);
  std::fprintf(stderr, "keys rotate: key %u added to %s; re-sealing personal data\n", added, path.c_str());
  int64_t sealed = 0;
  {
    auto store = Open(config);
    if (!store) return Fail(store.error().message);
    auto done = (*store)->ResealPersonalData(
        [](int64_t n) { std::fprintf(stderr, "keys rotate: %lld cases re-sealed\n", static_cast<long long>(n)); });
    if (!done) return Fail("re-sealing failed (the keyring keeps every key; run rotate again): " + done.error().message);
    sealed = *done;
    auto options = Options(config);
    if (!options) return Fail(options.error().message);
    app::AccountService accounts(**store, *options, Now);
    auto audit = accounts.Audit("keys.rotate", "keyring", "{\"key\":" + std::to_string(added) +
                                                               ",\"cases\":" + std::to_string(sealed) + "}",
                                CliContext());
    if (!audit) return Fail(audit.error().message);
  }
  ring->KeepOnly(added);
  if (auto r = ring->Save(path); !r) return Fail(r.error().message);
  std::printf("keys rotated: key %u now seals personal data; %lld cases re-sealed; older keys removed from %s\n", added,
              static_cast<long long>(sealed), path.c_str());
  return 0;
}

}  // namespace civicgrid::cli
