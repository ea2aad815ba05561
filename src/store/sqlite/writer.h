// The single writer of a SQLite database, with group commit.
//
// Every write of the store runs as a job on the writer's own thread and connection. The writer takes
// all the jobs waiting when it wakes (up to a batch limit), runs each inside its own SAVEPOINT within
// one BEGIN IMMEDIATE … COMMIT, and only then answers them: a job that failed was rolled back to its
// savepoint and leaves no trace; the others become durable together with one fsync (synchronous=FULL).
// Run() blocks the caller until its job's transaction has committed (or failed).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

class Writer {
 public:
  using Job = std::function<Result<void>(Db&)>;

  // Takes ownership of `db` (already migrated) and starts the writer thread.
  explicit Writer(std::unique_ptr<Db> db, size_t max_batch = 512);
  // Finishes the jobs already queued, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `job` in the next group transaction and waits for the commit. The job must not call Run().
  Result<void> Run(Job job);

  // Runs `job` on the writer's connection outside any transaction, alone between two groups, and waits
  // for it: for settings SQLite refuses inside a transaction (e.g. PRAGMA synchronous). The job must not
  // call Run() or RunAlone().
  Result<void> RunAlone(Job job);

  // Transactions committed (groups with at least one successful job) and jobs run so far (for metrics:
  // jobs / commits ≈ mean group size).
  int64_t commits() const;
  int64_t jobs() const;
  // Jobs waiting for the next group now.
  size_t queued() const;

 private:
  struct Pending;
  Result<void> Enqueue(Job job, bool alone);
  void Loop();

  std::unique_ptr<Db> db_;
  size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending*> queue_;
  bool stop_ = false;
  int64_t commits_ = 0, jobs_ = 0;
  std::thread thread_;
};

}  // namespace civicgrid::store::sqlite
