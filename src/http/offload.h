// Runs blocking work (store transactions that wait for their group commit) on a thread pool, so that
// the io threads keep serving other connections meanwhile. Handlers co_await Offload::Run.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

#include "http/message.h"

namespace civicgrid::http {

class Offload {
 public:
  // `threads` blocking workers: as many requests as this can wait for a commit at once, and the
  // writer groups them into one transaction.
  explicit Offload(unsigned threads = 32) : pool_(threads ? threads : 1) {}
  ~Offload() { pool_.join(); }
  Offload(const Offload&) = delete;
  Offload& operator=(const Offload&) = delete;

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
};

}  // namespace civicgrid::http
