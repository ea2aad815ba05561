// Runs blocking work (store transactions that wait for their group commit) on a thread pool, so that
// the io threads keep serving other connections meanwhile. Handlers co_await Offload::Run.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>
#include <utility>

#include "http/message.h"

namespace civicgrid::http {

class Offload {
 public:
  // `threads` blocking workers: as many requests as this can wait for a commit at once, and the
  // writer groups them into one transaction.
  explicit Offload(unsigned threads = 32) : pool_(threads ? threads : 1) {}
  ~Offload() { Join(); }
  Offload(const Offload&) = delete;
  Offload& operator=(const Offload&) = delete;

  // Waits until every task on the pool has finished, including the hand-back of its result to the
  // server's executor. Call it after the server has stopped and before the server is destroyed: a
  // pool thread still holding the server's executor would otherwise touch a freed io_context.
  // Idempotent; Run must not be called afterwards.
  void Join() { std::call_once(joined_, [this] { pool_.join(); }); }

  // Runs `fn` (returning a Response) on the pool and resumes the caller on its own executor with the
  // result. Callers pass a named object, never a temporary built inside the co_await expression:
  // GCC 12 mis-handles such temporaries with non-trivial members (strings freed twice).
  template <class Fn>
  boost::asio::awaitable<Response> Run(Fn fn) {
    auto task = [](Fn work) -> boost::asio::awaitable<Response> { co_return work(); };
    auto on_pool = task(std::move(fn));
    co_return co_await boost::asio::co_spawn(pool_.get_executor(), std::move(on_pool), boost::asio::use_awaitable);
  }

 private:
  boost::asio::thread_pool pool_;
  std::once_flag joined_;
};

}  // namespace civicgrid::http
