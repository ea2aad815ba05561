// Checkpoints the WAL of a database on a thread of its own, so that the writer's commits seldom wait
// for one.
//
// SQLite's automatic checkpoint runs inside the commit that takes the WAL past its threshold: that
// commit, and every write queued behind it, waits while the checkpoint copies the WAL's pages into the
// database file and syncs it (a few hundred milliseconds for 32 MiB). Install() replaces it on the
// writer's connection by a hook run after each commit (pages of 4 KiB; the defaults: 4 and 32 MiB):
//  - whenever `background_pages` more pages were appended to the WAL since its last pass, the
//    checkpointer's thread runs a PASSIVE checkpoint on its own connection, which blocks neither the
//    writer nor the readers;
//  - from `writer_pages` on, the writer checkpoints itself right after its commit, as SQLite would, when
//    the thread is not checkpointing (from twice `writer_pages` on, after the thread's pass). The WAL
//    starts over from its beginning only when every frame was copied before a write transaction begins,
//    which a checkpoint beside a busy writer seldom achieves; this one, with little left to copy after
//    the thread's, resets it, so that the WAL stays bounded under sustained writes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

class Checkpointer {
 public:
  // Opens its own connection to the database at `path` and starts its thread.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, int background_pages = 1024,
                                                     int writer_pages = 8192);
  // Stops the thread. Close the writer's connection first: its hook points here.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Replaces the automatic checkpoint of `writer` (the connection that commits) by the hook above.
  void Install(Db& writer);

  // Checkpoints run so far by the thread, and by the writer after its commits.
  int64_t background_checkpoints() const;
  int64_t writer_checkpoints() const;

 private:
  Checkpointer(std::unique_ptr<Db> db, int background_pages, int writer_pages);
  static int Hook(void* self, sqlite3* db, const char* name, int pages);
  void Loop();

  std::unique_ptr<Db> db_;
  const int background_pages_, writer_pages_;
  std::mutex checkpoint_mu_;  // one checkpoint of ours at a time
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false, stop_ = false;
  std::atomic<int> copied_{0};  // WAL pages copied by the thread's last pass (a hint for the hook)
  int64_t background_ = 0, writer_ = 0;
  std::thread thread_;
};

}  // namespace civicgrid::store::sqlite
