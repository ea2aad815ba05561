// Accounts over a real store (SQLite, or PostgreSQL as pg.Accounts.*): users and grants, login and its
// throttling, sessions, API keys, and the audit records each of these writes.
#include <gtest/gtest.h>

#include <atomic>

#include "app/accounts.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace civicgrid {
namespace {

class Accounts : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_, "a.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    app::AccountOptions o;
    o.password_cost = app::PasswordCost::kMinimal;
    o.session_seconds = 3600;
    o.ip_failures = 8;
    accounts_ = std::make_unique<app::AccountService>(*store_, o, [this] { return now_.load(); });
    auto u = accounts_->AddUser(app::NewUser{"wang", "王网格员", "s3cret-pass", {*ParseGrant("grid_worker@371302004001001")}},
                                ctx_);
    ASSERT_TRUE(u.ok()) << u.error().message;
  }

  // The audit actions recorded so far, in order.
  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    auto rows = store_->ReadAudit(0, 1000);
    EXPECT_TRUE(rows.ok());
    if (rows.ok())
      for (const auto& r : *rows) out.push_back(r.action);
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::AccountService> accounts_;
  std::atomic<Timestamp> now_{1790000000};
  app::AuditContext ctx_{"cli:test", ""};
};

TEST_F(Accounts, PasswordsAreStoredAsArgon2idHashesOnly) {
  auto u = store_->GetUser("wang");
  ASSERT_TRUE(u.ok() && u->has_value());
  EXPECT_EQ((*u)->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*u)->password_hash.find("s3cret-pass"), std::string::npos);
  EXPECT_EQ((*u)->grants, std::vector<Grant>{*ParseGrant("grid_worker@371302004001001")});
}

TEST_F(Accounts, BadNewUsersNameTheField) {
  auto field = [&](app::NewUser u) {
    auto r = accounts_->AddUser(u, ctx_);
    return r.ok() ? std::string("ok") : r.error().field;
  };
  const Grant g = *ParseGrant("resident");
  EXPECT_EQ(field({"Wang", "", "s3cret-pass", {g}}), "username");  // upper case
  EXPECT_EQ(field({"x", "", "s3cret-pass", {g}}), "username");
  EXPECT_EQ(field({"li", "", "short", {g}}), "password");
  EXPECT_EQ(field({"li", "", "aaaaaaaaaaaa", {g}}), "password");
  EXPECT_EQ(field({"li", "", "s3cret-pass", {}}), "grants");
  EXPECT_EQ(field({"wang", "", "s3cret-pass", {g}}), "username");  // taken
  EXPECT_EQ(field({"li", "", "s3cret-pass", {Grant{Role::kSystem, "", 0}}}), "grants");
}

TEST_F(Accounts, LoginOpensASessionThatAuthenticatesUntilItEnds) {
  auto login = accounts_->Login("wang", "s3cret-pass", "10.0.0.1:5000");
  ASSERT_TRUE(login.ok()) << login.error().message;
  EXPECT_EQ(login->token.rfind("cgs_", 0), 0u);
  EXPECT_EQ(login->token.size(), 4u + 43u);
  EXPECT_EQ(login->expires_at, now_ + 3600);
  auto who = accounts_->Authenticate(login->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->name, "wang");
  EXPECT_FALSE(who->api_key);
  // Only the token's digest is stored.
  EXPECT_TRUE(store_->GetSession(app::TokenDigest(login->token)).value().has_value());
  EXPECT_FALSE(store_->GetSession(login->token).value().has_value());
  // Expiry, then a fresh login, then logout.
  now_ += 3600;
  EXPECT_EQ(accounts_->Authenticate(login->token).error().code, "unauthorized");
  auto again = accounts_->Login("wang", "s3cret-pass", "10.0.0.1:5000");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(accounts_->Logout(again->token, {"wang", "10.0.0.1:5000"}).ok());
  EXPECT_EQ(accounts_->Authenticate(again->token).error().code, "unauthorized");
  EXPECT_EQ(accounts_->Authenticate("cgs_forged").error().code, "unauthorized");
  EXPECT_EQ(accounts_->Authenticate("nonsense").error().code, "unauthorized");
}

TEST_F(Accounts, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  auto a = accounts_->Login("nobody", "s3cret-pass", "10.0.0.1:1");
  auto b = accounts_->Login("wang", "wrong-pass", "10.0.0.1:1");
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.error().code, "unauthorized");
  EXPECT_EQ(a.error().code, b.error().code);
  EXPECT_EQ(a.error().message, b.error().message);
}

TEST_F(Accounts, FiveFailuresInARowLockTheAccountThenDoubling) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(accounts_->Login("wang", "wrong", "10.0.0." + std::to_string(i) + ":1").error().code, "unauthorized");
  // The fifth failure locks it for 15 minutes, even for the right password and from another address.
  EXPECT_EQ(accounts_->Login("wang", "wrong", "10.0.1.1:1").error().code, "unauthorized");
  auto locked = accounts_->Login("wang", "s3cret-pass", "10.0.2.1:1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, "too_many_requests");
  EXPECT_EQ(locked.error().retry_after, 15 * 60);
  now_ += 15 * 60;
  // Five more failures lock it for 30 minutes.
  for (int i = 0; i < 5; ++i) (void)accounts_->Login("wang", "wrong", "10.0.3." + std::to_string(i) + ":1");
  EXPECT_EQ(accounts_->Login("wang", "s3cret-pass", "10.0.4.1:1").error().retry_after, 30 * 60);
  now_ += 30 * 60;
  // A success resets the count.
  ASSERT_TRUE(accounts_->Login("wang", "s3cret-pass", "10.0.4.1:1").ok());
  EXPECT_EQ(store_->GetUser("wang").value()->failed_logins, 0);
}

TEST_F(Accounts, AnAddressWithManyFailuresIsRefusedForAWhile) {
  // ip_failures = 8 in this fixture, over unknown names so that no account locks first.
  for (int i = 0; i < 8; ++i) (void)accounts_->Login("nobody" + std::to_string(i), "x-password", "[2001:db8::1]:4000");
  auto refused = accounts_->Login("wang", "s3cret-pass", "[2001:db8::1]:4001");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "too_many_requests");
  EXPECT_GT(refused.error().retry_after, 0);
  EXPECT_TRUE(accounts_->Login("wang", "s3cret-pass", "[2001:db8::2]:4001").ok());  // another address
  now_ += 15 * 60;
  EXPECT_TRUE(accounts_->Login("wang", "s3cret-pass", "[2001:db8::1]:4001").ok());
}

TEST_F(Accounts, DisablingEndsSessionsAndRefusesLogin) {
  auto login = accounts_->Login("wang", "s3cret-pass", "10.0.0.1:1");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(accounts_->DisableUser("wang", ctx_).ok());
  EXPECT_EQ(accounts_->Authenticate(login->token).error().code, "unauthorized");
  EXPECT_EQ(accounts_->Login("wang", "s3cret-pass", "10.0.0.1:1").error().code, "unauthorized");
  EXPECT_EQ(accounts_->DisableUser("nobody", ctx_).error().code, "not_found");
}

TEST_F(Accounts, ApiKeysAreShownOnceAndHoldTheirScope) {
  app::NewApiKey key{"drone-01", {Permission::kCaseReport, Permission::kAttachmentWrite}, "371302"};
  auto k = accounts_->AddApiKey(key, ctx_);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->secret.rfind("cgk_", 0), 0u);
  EXPECT_EQ(k->key.prefix, k->secret.substr(0, 8));
  auto listed = accounts_->ListApiKeys();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key_hash, app::TokenDigest(k->secret));
  auto who = accounts_->Authenticate(k->secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->name, "key:drone-01");
  EXPECT_TRUE(who->Has(Permission::kCaseReport));
  EXPECT_FALSE(who->Has(Permission::kCaseRead));
  EXPECT_TRUE(CoversTerritory(*who, Permission::kCaseReport, "371302004"));
  EXPECT_FALSE(CoversTerritory(*who, Permission::kCaseReport, "370303"));
  ASSERT_TRUE(accounts_->RevokeApiKey("drone-01", ctx_).ok());
  EXPECT_EQ(accounts_->Authenticate(k->secret).error().code, "unauthorized");
  EXPECT_EQ(accounts_->RevokeApiKey("drone-01", ctx_).error().code, "not_found");
  // Keys never administer.
  app::NewApiKey admin{"root", {Permission::kAccountAdmin}, ""};
  EXPECT_EQ(accounts_->AddApiKey(admin, ctx_).error().field, "permissions");
}

TEST_F(Accounts, EveryChangeAndLoginIsAudited) {
  (void)accounts_->Login("wang", "wrong", "10.0.0.1:1");
  auto login = accounts_->Login("wang", "s3cret-pass", "10.0.0.1:1");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(accounts_->Logout(login->token, {"wang", "10.0.0.1:1"}).ok());
  ASSERT_TRUE(accounts_->AddApiKey(app::NewApiKey{"iot", {Permission::kCaseReport}, ""}, ctx_).ok());
  ASSERT_TRUE(accounts_->RevokeApiKey("iot", ctx_).ok());
  ASSERT_TRUE(accounts_->DisableUser("wang", ctx_).ok());
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"user.add", "login.failed", "login", "logout", "apikey.add",
                                                      "apikey.revoke", "user.disable"}));
}

}  // namespace
}  // namespace civicgrid
