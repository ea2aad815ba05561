// `civicgrid db copy` and `db checksums`: a whole SQLite deployment (territory, catalogue, a case history
// with sealed reporter data, accounts, sessions, API keys, the audit log) copied into the engine under test
// (a new SQLite file, or an empty PostgreSQL schema as pg.DbCopy.*), compared table by table and through
// the store, and served from. Under PostgreSQL it is also copied back into SQLite.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdlib>
#include <map>
#include <sstream>

#include "app/accounts.h"
#include "core/access.h"
#include "store/copy.h"
#include "store/database.h"
#include "store/store.h"
#include "support/run.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

const std::string kCatalogue = std::string(CIVICGRID_SOURCE_DIR) + "/data/catalogue";

Timestamp Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class DbCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_.path() / "data");
    testing::WriteTinyTerritory(dir_.File("data"));
    source_ = dir_.File("source.db");
    auto built = testing::Civicgrid("--db " + source_ + " demo build --data " + dir_.File("data") + " --catalogue " +
                                    kCatalogue + " --history-days 6 --history-scale 3 --history-seed 7");
    ASSERT_EQ(built.exit_code, 0) << built.output;
    // Accounts with ordered grants, a session and an API key, each change in the audit log.
    auto s = store::OpenStore(source_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    app::AccountOptions o;
    o.password_cost = app::PasswordCost::kMinimal;
    app::AccountService accounts(**s, o, [] { return Now(); });
    auto g1 = ParseGrant("leader@379901");
    auto g2 = ParseGrant("operator@379901001");
    ASSERT_TRUE(g1.ok() && g2.ok());
    ASSERT_TRUE(accounts.AddUser(app::NewUser{"zhang", "张主任", "long enough pass", {*g1, *g2}}, {"test", ""}).ok());
    ASSERT_TRUE(accounts.AddUser(app::NewUser{"wang", "王坐席", "long enough pass", {*g2}}, {"test", ""}).ok());
    ASSERT_TRUE(accounts.Login("zhang", "long enough pass", "127.0.0.1:1").ok());
    EXPECT_FALSE(accounts.Login("wang", "wrong password!", "127.0.0.1:1").ok());  // audited too
    s->reset();
    auto key = testing::Civicgrid("--db " + source_ + " apikey add hotline --permission case.report");
    ASSERT_EQ(key.exit_code, 0) << key.output;

    target_ = testing::TestDbUrl(dir_, "target");
    ASSERT_FALSE(target_.empty());
    target_key_ = dir_.File("target.key");
  }

  testing::RunResult Copy(const std::string& from, const std::string& to, const std::string& extra = "") {
    return testing::Civicgrid("db copy --from '" + from + "' --to '" + to + "' " + extra);
  }
  std::string Checksums(const std::string& url) {
    auto r = testing::Civicgrid("--db '" + url + "' db checksums");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  }

  testing::TempDir dir_;
  std::string source_, target_, target_key_;
};

TEST_F(DbCopy, EveryTableArrivesWholeAndTheTargetServes) {
  auto copied = Copy("sqlite:" + source_, target_, "--to-key-file " + target_key_);
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  EXPECT_NE(copied.output.find("every table's row count and checksum are the same"), std::string::npos) << copied.output;
  // The keyring went with the data.
  EXPECT_EQ(testing::ReadFile(target_key_), testing::ReadFile(source_ + ".key"));
  EXPECT_EQ(std::filesystem::status(target_key_).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);

  // Table by table: the same rows and checksums, read afresh from each database.
  const std::string expected = Checksums(source_);
  EXPECT_EQ(Checksums(target_), expected);
  std::map<std::string, int64_t> rows;  // "table rows sha256" lines
  std::istringstream lines(expected);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string table, count;
    if (words >> table >> count) rows[table] = std::atoll(count.c_str());
  }
  for (const char* table : {"grids", "cases", "case_events", "case_stats_day", "audit_log", "users", "user_grants",
                            "sessions", "api_keys", "meta"})
    EXPECT_GT(rows[table], 0) << table << " is empty in the source: the test would prove nothing for it\n" << expected;
  {
    auto a = store::ConnectDatabase(source_);
    auto b = store::ConnectDatabase(target_);
    ASSERT_TRUE(a.ok() && b.ok());
    for (const auto& spec : store::CopiedTables()) {
      int64_t na = -1, nb = -2;
      const std::string count = std::string("SELECT count(*) FROM ") + spec.name;
      ASSERT_TRUE((*a)->RunOnce(count, {}, [&](const store::sql::RowReader& r) { na = r.Int(0); }).ok());
      ASSERT_TRUE((*b)->RunOnce(count, {}, [&](const store::sql::RowReader& r) { nb = r.Int(0); }).ok());
      EXPECT_EQ(na, nb) << spec.name;
    }
  }

  // Through the store: the same cases with the same sealed personal data (opened with the copied
  // keyring), the same timelines, grids, grants and audit chain.
  auto src = store::OpenStore(source_);
  auto dst = store::OpenStore(target_, target_key_);
  ASSERT_TRUE(src.ok() && dst.ok());
  ASSERT_EQ(*(*src)->CountCases(), *(*dst)->CountCases());
  store::CaseFilter all;
  all.limit = 1000;
  auto pa = (*src)->ListCases(all);
  auto pb = (*dst)->ListCases(all);
  ASSERT_TRUE(pa.ok() && pb.ok());
  ASSERT_EQ(pa->cases.size(), pb->cases.size());
  for (size_t i = 0; i < pa->cases.size(); ++i) {
    const Case& x = pa->cases[i];
    auto y = (*dst)->GetCase(x.id);
    ASSERT_TRUE(y.ok() && *y) << x.id;
    EXPECT_EQ((*y)->tracking_code, x.tracking_code);
    EXPECT_EQ((*y)->reporter_name, x.reporter_name);
    EXPECT_EQ((*y)->reporter_phone, x.reporter_phone);
    EXPECT_EQ((*y)->status, x.status);
    EXPECT_EQ((*y)->version, x.version);
    EXPECT_EQ((*y)->handle_due, x.handle_due);
    auto ea = (*src)->Events(x.id);
    auto eb = (*dst)->Events(x.id);
    ASSERT_TRUE(ea.ok() && eb.ok());
    ASSERT_EQ(ea->size(), eb->size());
    for (size_t k = 0; k < ea->size(); ++k) {
      EXPECT_EQ((*ea)[k].at, (*eb)[k].at);
      EXPECT_EQ((*ea)[k].action, (*eb)[k].action);
      EXPECT_EQ((*ea)[k].note, (*eb)[k].note);
    }
  }
  auto ga = (*src)->LoadGrids();
  auto gb = (*dst)->LoadGrids();
  ASSERT_TRUE(ga.ok() && gb.ok());
  ASSERT_EQ(ga->size(), gb->size());
  for (size_t i = 0; i < ga->size(); ++i) EXPECT_EQ((*ga)[i].code, (*gb)[i].code);
  // The categories with their descriptions, keywords and extra questions (some in the demo catalogue).
  auto ra = (*src)->LoadReference();
  auto rb = (*dst)->LoadReference();
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ(ra->categories.size(), rb->categories.size());
  size_t asking = 0;
  for (size_t i = 0; i < ra->categories.size(); ++i) {
    const Category& x = ra->categories[i];
    const Category& y = rb->categories[i];
    EXPECT_EQ(y.code, x.code);
    EXPECT_EQ(y.description, x.description) << x.code;
    EXPECT_EQ(y.keywords, x.keywords) << x.code;
    EXPECT_EQ(y.attributes, x.attributes) << x.code;
    if (!x.attributes.empty()) ++asking;
  }
  EXPECT_GT(asking, 0u) << "no category of the source asks anything: the test would prove nothing for them";
  auto aa = (*src)->ReadAudit(0, 10000);
  auto ab = (*dst)->ReadAudit(0, 10000);
  ASSERT_TRUE(aa.ok() && ab.ok());
  ASSERT_EQ(aa->size(), ab->size());
  for (size_t i = 0; i < aa->size(); ++i) EXPECT_EQ((*aa)[i].hash, (*ab)[i].hash);
  auto ua = (*src)->GetUser("zhang");
  auto ub = (*dst)->GetUser("zhang");
  ASSERT_TRUE(ua.ok() && ub.ok() && *ua && *ub);
  ASSERT_EQ((*ub)->grants.size(), 2u);
  EXPECT_EQ(FormatGrant((*ub)->grants[0]), "leader@379901");  // the grants' order came along
  EXPECT_EQ(FormatGrant((*ub)->grants[1]), "operator@379901001");
  src->reset();

  // The target goes on from there: new rows get new ids, the audit chain still verifies.
  Unit unit{0, "新单位", UnitKind::kDepartment, "379901", "", true};
  ASSERT_TRUE((*dst)->Write([&](store::CaseTx& tx) { return tx.PutUnit(unit); }).ok());
  EXPECT_GT(unit.id, 40);
  dst->reset();
  auto added = testing::Run(std::string("CIVICGRID_PASSWORD_COST=minimal ") + CIVICGRID_BINARY + " --db '" + target_ +
                            "' --key-file " + target_key_ + " user add li --role resident --password 'long enough pass'");
  EXPECT_EQ(added.exit_code, 0) << added.output;
  auto verified = testing::Civicgrid("--db '" + target_ + "' audit verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

TEST_F(DbCopy, ATargetWithDataOrAnotherKeyringIsRefusedAndLeftAsItWas) {
  ASSERT_EQ(Copy("sqlite:" + source_, target_, "--to-key-file " + target_key_).exit_code, 0);
  const std::string before = Checksums(target_);
  auto again = Copy("sqlite:" + source_, target_, "--to-key-file " + target_key_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(again.output.find("not empty") != std::string::npos || again.output.find("exists") != std::string::npos)
      << again.output;
  EXPECT_EQ(Checksums(target_), before);

  testing::WriteFile(dir_.File("other.key"), "not the source's keyring");
  auto other = Copy("sqlite:" + source_, testing::TestDbUrl(dir_, "other"), "--to-key-file " + dir_.File("other.key"));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.output.find("to_key_file"), std::string::npos) << other.output;

  auto missing = Copy("sqlite:" + dir_.File("nothing.db"), testing::TestDbUrl(dir_, "third"),
                      "--to-key-file " + dir_.File("third.key"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no database file"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("nothing.db")));
}

TEST_F(DbCopy, BackFromPostgresqlToSqliteGivesTheSameChecksums) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "copies out of PostgreSQL (run as pg.DbCopy.*)";
  ASSERT_EQ(Copy("sqlite:" + source_, target_, "--to-key-file " + target_key_).exit_code, 0);
  const std::string back = dir_.File("back.db");
  auto r = Copy(target_, "sqlite:" + back, "--from-key-file " + target_key_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Checksums(back), Checksums(source_));
  EXPECT_EQ(testing::ReadFile(back + ".key"), testing::ReadFile(source_ + ".key"));
}

}  // namespace
}  // namespace civicgrid
