// The single writer: jobs waiting together commit together, a failing job leaves no trace, and a job's
// caller returns only after its commit. And the connection's statement cache the writer's jobs use.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "store/sqlite/db.h"
#include "store/sqlite/writer.h"
#include "support/temp_dir.h"

namespace civicgrid::store::sqlite {
namespace {

int64_t Count(const std::string& path, const std::string& where = "1") {
  auto db = Db::Open(path);
  EXPECT_TRUE(db.ok());
  Stmt s((*db)->handle(), "SELECT COUNT(*) FROM t WHERE " + where);
  EXPECT_TRUE(s.Step());
  return s.Int(0);
}

Result<void> Insert(Db& db, int64_t x) {
  Stmt s(db.handle(), "INSERT INTO t(x) VALUES (?1)");
  s.Bind(1, x);
  return s.Run();
}

// A new database at `path` with the table t(x).
std::unique_ptr<Db> NewTable(const std::string& path) {
  auto db = Db::Open(path);
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  return std::move(*db);
}

TEST(Writer, JobsWaitingTogetherCommitTogether) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  auto db = Db::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  Writer writer(std::move(*db));

  // The first job holds the writer until every other job is queued behind it.
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> first_running{false};
  std::thread first([&] {
    auto r = writer.Run([&](Db& d) -> Result<void> {
      first_running = true;
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
      return Insert(d, 0);
    });
    EXPECT_TRUE(r.ok());
  });
  while (!first_running) std::this_thread::yield();

  constexpr int kJobs = 40;
  std::vector<std::thread> others;
  std::atomic<int> done{0};
  for (int i = 1; i <= kJobs; ++i) {
    others.emplace_back([&, i] {
      auto r = writer.Run([i](Db& d) -> Result<void> {
        if (auto w = Insert(d, i); !w) return w;
        if (i % 10 == 0) return Error::InvalidArgument("job " + std::to_string(i) + " fails after writing");
        return {};
      });
      EXPECT_EQ(r.ok(), i % 10 != 0) << i;
      ++done;
    });
  }
  // Wait until all 40 are queued (they cannot run: the writer is busy with the first job).
  while (writer.queued() < static_cast<size_t>(kJobs)) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(done.load(), 0) << "a job returned before its commit";
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  first.join();
  for (auto& t : others) t.join();

  // One commit for the first job, one for the 40 queued behind it.
  EXPECT_EQ(writer.jobs(), kJobs + 1);
  EXPECT_EQ(writer.commits(), 2);
  // The failing jobs left nothing; the others everything.
  EXPECT_EQ(Count(path), 1 + kJobs - kJobs / 10);
  EXPECT_EQ(Count(path, "x % 10 = 0 AND x > 0"), 0);
}

TEST(Writer, AGroupOfOnlyFailuresCommitsNothing) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  auto db = Db::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  {
    Writer writer(std::move(*db));
    auto r = writer.Run([](Db& d) -> Result<void> {
      (void)Insert(d, 1);
      throw std::runtime_error("boom");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("boom"), std::string::npos);
    auto ok = writer.Run([](Db& d) { return Insert(d, 2); });
    EXPECT_TRUE(ok.ok());
  }
  EXPECT_EQ(Count(path), 1);
  EXPECT_EQ(Count(path, "x = 2"), 1);
}

TEST(Writer, ARunAloneJobRunsOutsideAnyTransactionBetweenGroups) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  Writer writer(NewTable(path));
  ASSERT_TRUE(writer.Run([](Db& d) { return Insert(d, 1); }).ok());
  // SQLite refuses to change the safety level inside a transaction: in a group it fails, alone it works.
  auto in_group = writer.Run([](Db& d) { return d.Exec("PRAGMA synchronous=OFF"); });
  EXPECT_FALSE(in_group.ok());
  bool autocommit = false;
  auto alone = writer.RunAlone([&](Db& d) -> Result<void> {
    autocommit = sqlite3_get_autocommit(d.handle()) != 0;
    return d.Exec("PRAGMA synchronous=OFF");
  });
  EXPECT_TRUE(alone.ok()) << alone.error().message;
  EXPECT_TRUE(autocommit);
  auto after = writer.Run([](Db& d) -> Result<void> {
    Stmt s(d.handle(), "PRAGMA synchronous");
    if (!s.Step() || s.Int(0) != 0) return Error::Internal("synchronous is not OFF");
    return Insert(d, 2);
  });
  EXPECT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(Count(path), 2);
  EXPECT_EQ(writer.jobs(), 4);
}

TEST(Db, CachedStatementsArePreparedOnceAndReusedAcrossJobsAndRollbacks) {
  testing::TempDir dir;
  const std::string path = dir.File("w.db");
  auto db = Db::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER NOT NULL)").ok());
  Stmt* first = &(*db)->Cached("SELECT x FROM t WHERE x = ?1");
  EXPECT_EQ(&(*db)->Cached("SELECT x FROM t WHERE x = ?1"), first);
  Stmt& bad = (*db)->Cached("SELEKT 1");
  EXPECT_FALSE(bad.ok());
  auto failed = (*db)->Cached("SELEKT 1").Run();  // fetched again: still the error of its prepare
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("syntax"), std::string::npos) << failed.error().message;
  {
    Writer writer(std::move(*db));
    auto insert = [](Db& d, int64_t x, bool fail) -> Result<void> {
      CachedStmt s(d, "INSERT INTO t(x) VALUES (?1)");
      s->Bind(1, x);
      if (auto r = s->Run(); !r) return r;
      CachedStmt found(d, "SELECT x FROM t WHERE x = ?1");  // left on its row: reset at the end of scope
      found->Bind(1, x);
      if (!found->Step()) return Error::Internal("the row just written is not there");
      if (fail) return Error::InvalidArgument("fails after writing");
      return {};
    };
    EXPECT_TRUE(writer.Run([&](Db& d) { return insert(d, 1, false); }).ok());
    EXPECT_FALSE(writer.Run([&](Db& d) { return insert(d, 2, true); }).ok());
    EXPECT_TRUE(writer.Run([&](Db& d) { return insert(d, 3, false); }).ok());
    EXPECT_TRUE(writer.Run([](Db& d) { return d.ExecCached("INSERT INTO t(x) VALUES (4)"); }).ok());
    EXPECT_EQ(writer.commits(), 3);
  }
  EXPECT_EQ(Count(path), 3);
  EXPECT_EQ(Count(path, "x = 2"), 0);
}

}  // namespace
}  // namespace civicgrid::store::sqlite
