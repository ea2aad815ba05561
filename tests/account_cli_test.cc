// `civicgrid user`, `apikey`, `keys rotate` and `audit verify` as an administrator runs them on the host.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/sqlite/sqlite_store.h"
#include "support/run.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

class AccountCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_.path() / "data");
    testing::WriteTinyTerritory(dir_.File("data"));
    db_ = dir_.File("t.db");
    auto r = Run("demo build --data " + dir_.File("data"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // The binary with cheap password hashing, on this test's database.
  testing::RunResult Run(const std::string& args) {
    return testing::Run(std::string("CIVICGRID_PASSWORD_COST=minimal ") + CIVICGRID_BINARY + " --db " + db_ + " " +
                        args);
  }
  std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  testing::TempDir dir_;
  std::string db_;
};

TEST_F(AccountCli, UsersAreAddedListedAndDisabled) {
  auto added = Run("user add zhang --role operator@371302004 --role leader@371302 --name 张坐席 --password-stdin <<'EOF'\nlong enough pass\nEOF");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("user zhang added with operator@371302004,leader@371302"), std::string::npos);
  auto generated = Run("user add li --role resident");
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_NE(generated.output.find("password (shown once): "), std::string::npos);

  EXPECT_NE(Run("user add zhang --role resident").exit_code, 0);  // taken
  auto bad = Run("user add wu --role chief@37");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("unknown role 'chief'"), std::string::npos) << bad.output;
  EXPECT_NE(Run("user add wu --role operator --password 'long enough pass'").exit_code, 0);  // no territory
  EXPECT_NE(Run("user add wu --role resident --password short").exit_code, 0);

  auto list = Run("user list");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("zhang"), std::string::npos);
  EXPECT_NE(list.output.find("active"), std::string::npos);
  ASSERT_EQ(Run("user disable zhang").exit_code, 0);
  EXPECT_NE(Run("user list").output.find("disabled"), std::string::npos);
  EXPECT_NE(Run("user disable nobody").exit_code, 0);
  // Nothing holds a password in clear.
  EXPECT_EQ(Bytes(db_).find("long enough pass"), std::string::npos);
}

TEST_F(AccountCli, ApiKeysArePrintedOnceAndRevoked) {
  auto added = Run("apikey add drone-01 --permission case.report --permission attachment.write --territory 3713");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  const auto at = added.output.find("cgk_");
  ASSERT_NE(at, std::string::npos) << added.output;
  const std::string key = added.output.substr(at, 47);
  auto list = Run("apikey list");
  EXPECT_NE(list.output.find("drone-01"), std::string::npos);
  EXPECT_NE(list.output.find(key.substr(0, 8)), std::string::npos);
  EXPECT_EQ(list.output.find(key), std::string::npos) << "the key itself is never shown again";
  EXPECT_EQ(Bytes(db_).find(key), std::string::npos);
  EXPECT_NE(Run("apikey add bad --permission account.admin").exit_code, 0);
  EXPECT_NE(Run("apikey add bad --permission frobnicate").exit_code, 0);
  ASSERT_EQ(Run("apikey revoke drone-01").exit_code, 0);
  EXPECT_NE(Run("apikey list").output.find("revoked"), std::string::npos);
  EXPECT_NE(Run("apikey revoke drone-01").exit_code, 0);
}

TEST_F(AccountCli, KeysRotateReSealsEveryCaseAndDropsTheOldKey) {
  {
    auto s = store::SqliteStore::Open(db_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    for (int i = 0; i < 3; ++i) {
      Case c;
      c.tracking_code = "TEST-000" + std::to_string(i);
      c.description = "测试";
      c.territory = "37";
      c.reporter_name = "王女士";
      c.reporter_phone = "1380000123" + std::to_string(i);
      CaseEvent e;
      e.actor = "test";
      std::vector<CaseEvent> events{e};
      auto w = (*s)->Write([&](store::CaseTx& tx) -> Result<void> {
        auto id = tx.ImportCase(c, events);
        if (!id) return id.error();
        return {};
      });
      ASSERT_TRUE(w.ok()) << w.error().message;
    }
  }
  const std::string key_file = db_ + ".key";
  const std::string before = Bytes(key_file);
  EXPECT_NE(before.find("cgkey1 1 "), std::string::npos);
  auto rotated = Run("keys rotate");
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  EXPECT_NE(rotated.output.find("3 cases re-sealed"), std::string::npos) << rotated.output;
  const std::string after = Bytes(key_file);
  EXPECT_EQ(after.find("cgkey1 1 "), std::string::npos) << after;
  EXPECT_NE(after.find("cgkey1 2 "), std::string::npos) << after;
  EXPECT_EQ(std::filesystem::status(key_file).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  // Every case opens with the new key alone, and the file holds no phone in clear.
  auto s = store::SqliteStore::Open(db_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (int64_t id = 1; id <= 3; ++id) {
    auto c = (*s)->GetCase(id);
    ASSERT_TRUE(c.ok() && c->has_value()) << (c.ok() ? "missing" : c.error().message);
    EXPECT_EQ((*c)->reporter_phone, "1380000123" + std::to_string(id - 1));
  }
  s->reset();
  EXPECT_EQ(Bytes(db_).find("13800001230"), std::string::npos);
  // The rotation and every account change are in an intact audit chain.
  auto verify = Run("audit verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("chain intact"), std::string::npos) << verify.output;
  EXPECT_NE(Run("audit tail").output.find("keys.rotate"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid
