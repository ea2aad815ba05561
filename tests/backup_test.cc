// `civicgrid backup` and `civicgrid restore` on the engine under test (SQLite, or PostgreSQL as
// pg.Backup.*): a backup taken while a server takes reports, the database destroyed, restored from the
// backup and served again — consistent (every case's timeline whole, statistics equal to a recount, the
// audit chain intact) and holding every case acknowledged before the backup began. Bad input changes nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/store.h"
#include "support/http_client.h"
#include "support/run.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const std::string kCatalogue = std::string(CIVICGRID_SOURCE_DIR) + "/data/catalogue";

class Backup : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_.path() / "data");
    testing::WriteTinyTerritory(dir_.File("data"));
    url_ = testing::TestDbUrl(dir_, "live");
    ASSERT_FALSE(url_.empty());
    key_file_ = dir_.File("live.key");
    auto built = Cli("demo build --data " + dir_.File("data") + " --catalogue " + kCatalogue + " --history-days 3");
    ASSERT_EQ(built.exit_code, 0) << built.output;
    auto key = Cli("apikey add writer --permission case.report --permission case.read");
    ASSERT_EQ(key.exit_code, 0) << key.output;
    const std::string mark = "Authorization: Bearer <key>'): ";
    const size_t at = key.output.find(mark);
    ASSERT_NE(at, std::string::npos) << key.output;
    api_key_ = key.output.substr(at + mark.size(), key.output.find('\n', at) - at - mark.size());
  }

  // The binary on this test's database and keyring.
  testing::RunResult Cli(const std::string& args) {
    return testing::Civicgrid("--db '" + url_ + "' --key-file " + key_file_ + " " + args);
  }

  // Reports one case on `port`; answers its id, or 0 when the answer was not 201.
  int64_t Report(unsigned short port, int n) {
    auto r = testing::HttpRequest(port, "POST", "/api/v1/cases",
                                  R"({"channel":"resident_app","description":"路灯不亮 )" + std::to_string(n) +
                                      R"(","location":{"lon":118.05,"lat":35.05},"reporter":{"name":"王女士","phone":"13800001234"}})",
                                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + api_key_}});
    return r.status == 201 ? json::parse(r.body).at("id").as_int64() : 0;
  }

  // Destroys the database: the SQLite files, or the PostgreSQL schema.
  void Destroy() {
    if (!store::IsPostgresUrl(url_)) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(store::SqlitePathOf(url_) + suffix);
      return;
    }
    auto db = store::ConnectDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    std::string schema;
    ASSERT_TRUE((*db)->RunOnce("SELECT current_schema()", {}, [&](const store::sql::RowReader& r) { schema = r.Text(0); }).ok());
    ASSERT_NE(schema, "public");
    ASSERT_TRUE((*db)->RunOnce("DROP SCHEMA \"" + schema + "\" CASCADE", {}).ok());
  }

  testing::TempDir dir_;
  std::string url_, key_file_, api_key_;
};

TEST_F(Backup, ABackupTakenWhileTheServerWritesRestoresWholeAndServes) {
  std::vector<int64_t> before, during;  // acknowledged before the backup began / while it ran
  {
    testing::ServeProcess server(url_, dir_.File("serve.log"), {"--key-file", key_file_});
    ASSERT_TRUE(server.WaitUntilUp()) << testing::ReadFile(dir_.File("serve.log"));
    std::atomic<int> phase{0};  // 0 before, 1 during, 2 after the backup
    std::atomic<bool> stop{false};
    std::atomic<int> failed{0};
    std::mutex mu;
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w)
      writers.emplace_back([&, w] {
        for (int n = 0; !stop; ++n) {
          const int p = phase;
          const int64_t id = Report(server.port(), w * 100000 + n);
          if (id == 0) {
            ++failed;
            continue;
          }
          std::lock_guard lock(mu);
          if (p == 0 && phase == 0) before.push_back(id);
          if (p == 1 && phase == 1) during.push_back(id);
        }
      });
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard lock(mu);
        if (before.size() >= 15) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    phase = 1;
    auto backup = Cli("backup --to " + dir_.File("live.bak"));
    phase = 2;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
    for (auto& t : writers) t.join();
    ASSERT_EQ(backup.exit_code, 0) << backup.output;
    EXPECT_NE(backup.output.find("keep a copy of it apart"), std::string::npos) << backup.output;
    EXPECT_EQ(failed, 0) << testing::ReadFile(dir_.File("serve.log"));
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(15000), 0);
  }
  ASSERT_GE(before.size(), 15u);
  EXPECT_FALSE(during.empty()) << "no report was acknowledged while the backup ran: the test did not write beside it";
  EXPECT_EQ(std::filesystem::status(dir_.File("live.bak")).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("live.bak.partial")));

  Destroy();
  auto restored = Cli("restore --from " + dir_.File("live.bak"));
  ASSERT_EQ(restored.exit_code, 0) << restored.output;

  {
    auto s = store::OpenStore(url_, key_file_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    for (int64_t id : before) {
      auto c = (*s)->GetCase(id);
      ASSERT_TRUE(c.ok() && *c) << "case " << id << " was acknowledged before the backup began";
      EXPECT_EQ((*c)->reporter_name, "王女士");  // the keyring opens the restored personal data
    }
    // One consistent state: every case's timeline is whole and the counters equal a recount.
    store::CaseFilter all;
    all.limit = 100000;
    auto page = (*s)->ListCases(all);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(static_cast<int64_t>(page->cases.size()), *(*s)->CountCases());
    for (const Case& c : page->cases) {
      auto events = (*s)->Events(c.id);
      ASSERT_TRUE(events.ok());
      ASSERT_FALSE(events->empty()) << c.id;
      for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, static_cast<int64_t>(i + 1)) << c.id;
    }
    store::StatsQuery q;
    q.by = store::StatsBy::kCategory;
    auto stats = (*s)->Stats(q);
    auto recount = (*s)->RecountStats(q);
    ASSERT_TRUE(stats.ok() && recount.ok());
    ASSERT_EQ(stats->size(), recount->size());
    for (size_t i = 0; i < stats->size(); ++i) {
      EXPECT_EQ((*stats)[i].key, (*recount)[i].key);
      EXPECT_TRUE((*stats)[i].counts == (*recount)[i].counts) << (*stats)[i].key;
    }
  }
  auto verified = Cli("audit verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;

  // Served again: the cases answer, and new reports are taken.
  testing::ServeProcess again(url_, dir_.File("serve2.log"), {"--key-file", key_file_});
  ASSERT_TRUE(again.WaitUntilUp()) << testing::ReadFile(dir_.File("serve2.log"));
  auto got = testing::HttpRequest(again.port(), "GET", "/api/v1/cases/" + std::to_string(before.front()), "",
                                  {{"Authorization", "Bearer " + api_key_}});
  EXPECT_EQ(got.status, 200u) << got.body;
  const int64_t next = Report(again.port(), 999999);
  EXPECT_GT(next, before.back());
}

TEST_F(Backup, BadInputIsRefusedAndChangesNothing) {
  ASSERT_EQ(Cli("backup --to " + dir_.File("good.bak")).exit_code, 0);
  const std::string checksums = Cli("db checksums").output;

  auto missing = Cli("restore --from " + dir_.File("none.bak"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no backup file"), std::string::npos) << missing.output;
  testing::WriteFile(dir_.File("text.bak"), "this is not a backup\n");
  auto text = Cli("restore --from " + dir_.File("text.bak") + " --force");
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("(from)"), std::string::npos) << text.output;
  // The database is there already: SQLite wants --force, PostgreSQL an empty schema.
  auto over = Cli("restore --from " + dir_.File("good.bak"));
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.output.find("(db)"), std::string::npos) << over.output;
  auto unwritable = Cli("backup --to " + dir_.File("no/such/dir/x.bak"));
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("no")));
  EXPECT_EQ(Cli("db checksums").output, checksums);

  auto nodb = testing::Civicgrid("--db " + dir_.File("absent.db") + " backup --to " + dir_.File("absent.bak"));
  EXPECT_EQ(nodb.exit_code, 1);
  EXPECT_NE(nodb.output.find("no database file"), std::string::npos) << nodb.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("absent.db")));
  auto nokey = testing::Civicgrid("--db " + dir_.File("fresh.db") + " restore --from " + dir_.File("good.bak"));
  EXPECT_EQ(nokey.exit_code, 1);
  EXPECT_NE(nokey.output.find("keyring"), std::string::npos) << nokey.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("fresh.db")));
}

}  // namespace
}  // namespace civicgrid
