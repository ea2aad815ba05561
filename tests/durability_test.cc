// A 201 means the case is on disk: the server is killed with SIGKILL in the middle of a stream of
// submissions, and every case it acknowledged is found afterwards in an intact database.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <boost/json.hpp>

#include "store/sqlite/sqlite_store.h"
#include "support/http_client.h"
#include "support/run.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

TEST(Durability, EveryAcknowledgedCaseSurvivesSigkill) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "data");
  testing::WriteTinyTerritory(dir.File("data"));
  const std::string db = dir.File("d.db");
  auto built = testing::Civicgrid("--db " + db + " demo build --data " + dir.File("data") + " --history-days 0");
  ASSERT_EQ(built.exit_code, 0) << built.output;

  const std::string log = dir.File("serve.log");
  testing::ServeProcess server(db, log, {"--log-level", "warn"});
  ASSERT_TRUE(server.WaitUntilUp()) << testing::ReadFile(log);
  const unsigned short port = server.port();
  const std::string token = testing::AddUserAndSignIn(db, port, "reporter", "operator@");
  ASSERT_FALSE(token.empty());

  // Four clients submit cases as fast as they can; each remembers the cases answered 201.
  std::mutex mu;
  std::map<int64_t, std::string> acknowledged;  // id → tracking code
  std::atomic<bool> stop{false};
  std::atomic<int> attempts{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        ++attempts;
        const std::string key = "k-" + std::to_string(t) + "-" + std::to_string(i);
        try {
          auto reply = testing::HttpRequest(
              port, "POST", "/api/v1/cases",
              R"({"channel":"resident_app","description":"路面破损 )" + key +
                  R"(","location":{"lon":118.05,"lat":35.05}})",
              {{"Content-Type", "application/json"}, {"Idempotency-Key", key}, {"Authorization", "Bearer " + token}});
          if (reply.status != 201) continue;
          auto v = boost::json::parse(reply.body);
          std::lock_guard lock(mu);
          acknowledged[v.at("id").as_int64()] = std::string(v.at("tracking_code").as_string());
        } catch (const std::exception&) {
          // The server is gone: keep trying until told to stop, as a real client would.
        }
      }
    });
  }
  // Kill the server once a good number of cases were acknowledged, while submissions are in flight.
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 150) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server.Signal(SIGKILL);
  ASSERT_NE(server.Wait(10000), -1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_GE(acknowledged.size(), 20u) << testing::ReadFile(log);

  // Reopen: every acknowledged case is there, with its report event, and the file is intact.
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "ok");
    sqlite3_finalize(s);
    sqlite3_close(h);
  }
  auto store = store::SqliteStore::Open(db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  for (const auto& [id, code] : acknowledged) {
    auto c = (*store)->GetCase(id);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->has_value()) << "case " << id << " was acknowledged but is missing";
    EXPECT_EQ((*c)->tracking_code, code);
    auto events = (*store)->Events(id);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 1u);
  }
  auto total = (*store)->CountCases();
  ASSERT_TRUE(total.ok());
  EXPECT_GE(*total, static_cast<int64_t>(acknowledged.size()));
  // Statistics counters agree with the cases that made it to disk.
  auto counted = (*store)->Stats({});
  ASSERT_TRUE(counted.ok());
  ASSERT_EQ(counted->size(), 1u);
  EXPECT_EQ((*counted)[0].counts["reported"], *total);
  std::printf("acknowledged %zu of %d attempts before SIGKILL; %lld cases on disk\n", acknowledged.size(),
              attempts.load(), static_cast<long long>(*total));
}

}  // namespace
}  // namespace civicgrid
