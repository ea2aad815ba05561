#include "store/sqlite/writer.h"

#include <exception>
#include <vector>

namespace civicgrid::store::sqlite {

struct Writer::Pending {
  Job job;
  Result<void> result;
  bool alone = false;  // run outside any transaction, in a group of its own
  bool done = false;
  std::condition_variable cv;
};

Writer::Writer(std::unique_ptr<Db> db, size_t max_batch)
    : db_(std::move(db)), max_batch_(max_batch ? max_batch : 1), thread_([this] { Loop(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Result<void> Writer::Run(Job job) { return Enqueue(std::move(job), false); }

Result<void> Writer::RunAlone(Job job) { return Enqueue(std::move(job), true); }

Result<void> Writer::Enqueue(Job job, bool alone) {
  Pending p;
  p.job = std::move(job);
  p.alone = alone;
  std::unique_lock lock(mu_);
  if (stop_) return Error::Internal("the store is closing");
  queue_.push_back(&p);
  cv_.notify_all();
  p.cv.wait(lock, [&] { return p.done; });
  return std::move(p.result);
}

int64_t Writer::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

size_t Writer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

int64_t Writer::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

void Writer::Loop() {
  std::vector<Pending*> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && batch.size() < max_batch_ && !(queue_.front()->alone && !batch.empty())) {
        batch.push_back(queue_.front());
        queue_.pop_front();
        if (batch.back()->alone) break;
      }
    }
    if (batch.size() == 1 && batch.front()->alone) {
      Pending* p = batch.front();
      try {
        p->result = p->job(*db_);
      } catch (const std::exception& e) {
        p->result = Error::Internal(std::string("store write failed: ") + e.what());
      }
      std::lock_guard lock(mu_);
      ++jobs_;
      p->done = true;
      p->cv.notify_all();
      batch.clear();
      continue;
    }
    Result<void> begun = db_->ExecCached("BEGIN IMMEDIATE");
    bool any_ok = false, committed_any = false;
    for (Pending* p : batch) {
      if (!begun) {
        p->result = begun;
        continue;
      }
      if (auto r = db_->ExecCached("SAVEPOINT job"); !r) {
        p->result = r;
        continue;
      }
      try {
        p->result = p->job(*db_);
      } catch (const std::exception& e) {
        p->result = Error::Internal(std::string("store write failed: ") + e.what());
      } catch (...) {
        p->result = Error::Internal("store write failed");
      }
      if (!p->result) (void)db_->ExecCached("ROLLBACK TO job");
      if (auto r = db_->ExecCached("RELEASE job"); !r && p->result) p->result = r;
      any_ok = any_ok || p->result.ok();
    }
    if (begun) {
      Result<void> committed = any_ok ? db_->ExecCached("COMMIT") : db_->ExecCached("ROLLBACK");
      if (!committed) {
        (void)db_->Exec("ROLLBACK");
        for (Pending* p : batch)
          if (p->result) p->result = committed;
      }
      committed_any = any_ok && committed.ok();
    }
    {
      std::lock_guard lock(mu_);
      if (committed_any) ++commits_;
      jobs_ += static_cast<int64_t>(batch.size());
      for (Pending* p : batch) {
        p->done = true;
        p->cv.notify_all();
      }
    }
    batch.clear();
  }
}

}  // namespace civicgrid::store::sqlite
