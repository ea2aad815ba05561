#include "store/sqlite/checkpointer.h"

namespace civicgrid::store::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path, int background_pages,
                                                          int writer_pages) {
  auto db = Db::Open(path);
  if (!db) return db.error();
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*db), background_pages, writer_pages));
}

Checkpointer::Checkpointer(std::unique_ptr<Db> db, int background_pages, int writer_pages)
    : db_(std::move(db)),
      background_pages_(background_pages),
      writer_pages_(writer_pages),
      thread_([this] { Loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Checkpointer::Install(Db& writer) { sqlite3_wal_hook(writer.handle(), &Checkpointer::Hook, this); }

int64_t Checkpointer::background_checkpoints() const {
  std::lock_guard lock(mu_);
  return background_;
}

int64_t Checkpointer::writer_checkpoints() const {
  std::lock_guard lock(mu_);
  return writer_;
}

int Checkpointer::Hook(void* arg, sqlite3* db, const char* name, int pages) {
  auto* self = static_cast<Checkpointer*>(arg);
  if (pages >= self->writer_pages_) {
    // What SQLite's own hook does — unless the thread is checkpointing: then the next commit tries again,
    // and only from twice the threshold does the writer wait for the thread's pass to end. BUSY (another
    // process is checkpointing) is fine too: the next commit tries again.
    std::unique_lock checkpointing(self->checkpoint_mu_, std::try_to_lock);
    if (!checkpointing.owns_lock()) {
      if (pages < 2 * self->writer_pages_) return SQLITE_OK;
      checkpointing.lock();
    }
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      std::lock_guard lock(self->mu_);
      ++self->writer_;
    }
  } else {
    int copied = self->copied_.load(std::memory_order_relaxed);
    if (pages < copied) self->copied_.store(copied = 0, std::memory_order_relaxed);  // the WAL started over
    if (pages - copied < self->background_pages_) return SQLITE_OK;
    {
      std::lock_guard lock(self->mu_);
      self->wanted_ = true;
    }
    self->cv_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    // Errors (BUSY while the writer checkpoints, I/O) leave the WAL as it is: the next commit asks again.
    int pages = 0, copied = 0, rc;
    {
      std::lock_guard checkpointing(checkpoint_mu_);
      rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &pages, &copied);
    }
    lock.lock();
    if (rc == SQLITE_OK) {
      ++background_;
      copied_.store(copied, std::memory_order_relaxed);
    }
  }
}

}  // namespace civicgrid::store::sqlite
