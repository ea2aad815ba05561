// The checkpointer: the WAL is copied into the database on its own thread, stays bounded while the
// writer commits, and every committed row is there afterwards.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/db.h"
#include "store/sqlite/writer.h"
#include "support/temp_dir.h"

namespace civicgrid::store::sqlite {
namespace {

TEST(Checkpointer, CopiesTheWalBesideTheWriterAndKeepsItBounded) {
  testing::TempDir dir;
  const std::string path = dir.File("c.db");
  auto db = Db::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER NOT NULL, pad TEXT NOT NULL)").ok());
  constexpr int kBackground = 8, kWriter = 48, kRows = 250;
  auto checkpointer = Checkpointer::Start(path, kBackground, kWriter);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message;
  (*checkpointer)->Install(**db);
  uintmax_t largest_wal = 0;
  {
    Writer writer(std::move(*db));
    for (int i = 0; i < kRows; ++i) {
      auto r = writer.Run([i](Db& d) -> Result<void> {
        Stmt s(d.handle(), "INSERT INTO t(x, pad) VALUES (?1, ?2)");
        s.Bind(1, int64_t{i}).Bind(2, std::string(3000, 'a' + i % 26));  // most of a page, each commit
        return s.Run();
      });
      ASSERT_TRUE(r.ok()) << r.error().message;
      std::error_code ec;
      largest_wal = std::max(largest_wal, std::filesystem::file_size(path + "-wal", ec));
    }
    for (int i = 0; i < 500 && (*checkpointer)->background_checkpoints() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT((*checkpointer)->background_checkpoints(), 0);
  EXPECT_GT((*checkpointer)->writer_checkpoints(), 0) << "the writer never reset the WAL";
  // At most twice the writer's threshold and a commit (with its b-tree pages), then the WAL starts over.
  EXPECT_LE(largest_wal, uintmax_t{2 * kWriter + 16} * (4096 + 24) + 32);
  checkpointer->reset();

  auto check = Db::Open(path);
  ASSERT_TRUE(check.ok());
  Stmt s((*check)->handle(), "SELECT count(*), sum(x) FROM t");
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Int(0), kRows);
  EXPECT_EQ(s.Int(1), int64_t{kRows} * (kRows - 1) / 2);
}

}  // namespace
}  // namespace civicgrid::store::sqlite
