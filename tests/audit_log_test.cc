// The audit log in SQLite: appending linked records inside write transactions, reading them back, and
// `civicgrid audit verify` / `audit tail` on intact, altered, shortened and empty logs.
#include "store/sqlite/sqlite_audit.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "store/sqlite/migrations.h"
#include "support/run.h"
#include "support/temp_dir.h"

namespace civicgrid::store::sqlite {
namespace {

using security::AuditVerifier;
using testing::Civicgrid;

class AuditLog : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.db");
    auto db = Db::Open(path_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
  }

  // Appends n records, a few per transaction, as a store's writer would.
  void Append(int n) {
    for (int i = 1; i <= n;) {
      auto r = InTransaction(*db_, [&]() -> Result<void> {
        for (int k = 0; k < 3 && i <= n; ++k, ++i) {
          AuditRecord rec;
          rec.at = 1760000000 + i;
          rec.actor = "user:" + std::to_string(i % 4);
          rec.action = i % 2 ? "case.dispatch" : "case.resolve";
          rec.target = "case:" + std::to_string(1000 + i);
          rec.detail = R"({"note":"第)" + std::to_string(i) + R"(次"})";
          rec.remote = "192.0.2." + std::to_string(i);
          if (auto a = AppendAudit(*db_, rec); !a) return a;
          EXPECT_EQ(rec.seq, static_cast<int64_t>(heads_.size()) + 1);
          EXPECT_EQ(rec.hash, security::AuditHash(rec));
          heads_.push_back(rec.hash);
        }
        return {};
      });
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
  }

  void Sql(const std::string& sql) { ASSERT_TRUE(db_->Exec(sql).ok()) << sql; }

  testing::RunResult Verify(const std::string& extra = "") {
    return Civicgrid("audit verify --db " + path_ + (extra.empty() ? "" : " " + extra));
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Db> db_;
  std::vector<std::string> heads_;  // the hash of each record appended, by seq - 1
};

TEST_F(AuditLog, AppendedRecordsFormAnIntactChain) {
  Append(20);
  auto all = ReadAudit(*db_, 0, 1000);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 20u);
  EXPECT_EQ(all->front().prev_hash, security::kAuditGenesis);
  AuditVerifier v;
  for (const auto& r : *all) v.Add(r);
  EXPECT_EQ(v.Finish(), std::nullopt);
  EXPECT_EQ(v.count(), 20);
  EXPECT_EQ(v.head(), heads_.back());

  // Paging: seq > after, in order, at most limit.
  auto page = ReadAudit(*db_, 5, 4);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 4u);
  EXPECT_EQ(page->front().seq, 6);
  EXPECT_EQ(page->back().seq, 9);
  EXPECT_EQ((*page)[0].detail, R"({"note":"第6次"})");
  auto latest = ReadLatestAudit(*db_, 3);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ(latest->front().seq, 18);
  EXPECT_EQ(latest->back().seq, 20);
  EXPECT_FALSE(ReadAudit(*db_, 0, 0).ok());

  auto out = Verify();
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("audit log: 20 records, chain intact, head " + heads_.back()), std::string::npos)
      << out.output;
  out = Verify("--anchor " + heads_[9]);  // taken when the log had 10 records
  EXPECT_EQ(out.exit_code, 0) << out.output;
}

TEST_F(AuditLog, AppendRefusesToRunOutsideATransactionOrWithBadDetail) {
  AuditRecord rec;
  rec.action = "x";
  auto r = AppendAudit(*db_, rec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("transaction"), std::string::npos);
  auto bad = InTransaction(*db_, [&]() -> Result<void> {
    AuditRecord b;
    b.detail = "[1]";
    return AppendAudit(*db_, b);
  });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "detail");
  auto rows = ReadAudit(*db_, 0, 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST_F(AuditLog, RolledBackAppendsLeaveNoGap) {
  Append(3);
  auto r = InTransaction(*db_, [&]() -> Result<void> {
    AuditRecord rec;
    rec.action = "case.merge";
    if (auto a = AppendAudit(*db_, rec); !a) return a;
    return Error::Conflict("the change it recorded failed");
  });
  EXPECT_FALSE(r.ok());
  Append(2);  // seqs 4 and 5: the rolled-back record took no seq
  auto out = Verify();
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("audit log: 5 records, chain intact"), std::string::npos) << out.output;
}

TEST_F(AuditLog, AlteredDetailIsNamed) {
  Append(20);
  Sql(R"(UPDATE audit_log SET detail = '{"note":"nothing happened"}' WHERE seq = 7)");
  auto out = Verify();
  EXPECT_EQ(out.exit_code, 3) << out.output;
  EXPECT_NE(out.output.find("chain broken at record 7: record 7 was altered"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("the 6 records before it are intact, head " + heads_[5]), std::string::npos) << out.output;
}

TEST_F(AuditLog, RemovedMiddleRecordIsNamed) {
  Append(20);
  Sql("DELETE FROM audit_log WHERE seq = 11");
  auto out = Verify();
  EXPECT_EQ(out.exit_code, 3) << out.output;
  EXPECT_NE(out.output.find("chain broken at record 12: record 11 before record 12 were removed"), std::string::npos)
      << out.output;
}

TEST_F(AuditLog, RemovedLastRecordIsFoundThroughTheAnchor) {
  Append(20);
  const std::string anchor = heads_.back();
  Sql("DELETE FROM audit_log WHERE seq = 20");
  auto plain = Verify();
  EXPECT_EQ(plain.exit_code, 0) << "without an anchor a shortened chain looks intact: " << plain.output;
  auto out = Verify("--anchor " + anchor);
  EXPECT_EQ(out.exit_code, 3) << out.output;
  EXPECT_NE(out.output.find("does not reach the anchor " + anchor), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("records at the end were removed"), std::string::npos) << out.output;
}

TEST_F(AuditLog, EmptyLogIsIntact) {
  auto out = Verify();
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("audit log: 0 records, chain intact, head " + std::string(security::kAuditGenesis)),
            std::string::npos)
      << out.output;
  auto tail = Civicgrid("audit tail --db " + path_);
  EXPECT_EQ(tail.exit_code, 0) << tail.output;
}

TEST_F(AuditLog, TailPrintsJsonLines) {
  Append(5);
  auto out = Civicgrid("audit tail --limit 2 --db " + path_);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  std::vector<boost::json::value> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.output.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(boost::json::parse(out.output.substr(start, nl - start)));
  ASSERT_EQ(lines.size(), 2u) << out.output;
  EXPECT_EQ(lines[0].at("seq").as_int64(), 4);
  EXPECT_EQ(lines[1].at("seq").as_int64(), 5);
  EXPECT_EQ(lines[1].at("detail").at("note").as_string(), "第5次");
  EXPECT_EQ(lines[1].at("hash").as_string(), heads_.back());
}

TEST(AuditCli, HelpAndUsage) {
  for (const char* cmd : {"audit", "audit verify", "audit tail"}) {
    auto r = Civicgrid(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_NE(Civicgrid("audit").exit_code, 0);
  testing::TempDir dir;
  EXPECT_EQ(Civicgrid("audit verify --anchor nothex --db " + dir.File("x.db")).exit_code, 2);
  EXPECT_NE(Civicgrid("audit tail --limit 0 --db " + dir.File("x.db")).exit_code, 0);
  auto missing = Civicgrid("audit verify --db " + dir.File("x.db"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.db"))) << "verify must not create a database";
}

TEST(AuditCli, DatabaseWithoutTheAuditTable) {
  testing::TempDir dir;
  {
    auto db = Db::Open(dir.File("old.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)").ok());
  }
  auto out = Civicgrid("audit verify --db " + dir.File("old.db"));
  EXPECT_EQ(out.exit_code, 1) << out.output;
  EXPECT_NE(out.output.find("no audit log"), std::string::npos) << out.output;
}

}  // namespace
}  // namespace civicgrid::store::sqlite
