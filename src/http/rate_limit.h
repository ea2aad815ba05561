// A token-bucket rate limiter keyed by a string (typically the client's IP address, common/client_ip.h).
//
// Each key has a bucket of `capacity` tokens, refilled continuously at `refill_per_second`; a request
// takes one token or, when the bucket has less than one, is refused with the whole seconds to wait
// until it has one. A key seen for the first time starts with a full bucket. Memory is bounded: at
// most `max_keys` buckets are tracked; the least recently used buckets are forgotten once they have
// refilled completely (a new bucket would be the same), and when a new key arrives with all
// `max_keys` in use, the least recently used bucket is dropped. Safe to call from many threads.
//
//   RateLimiter limiter({.capacity = 20, .refill_per_second = 5});
//   auto decision = limiter.Take(ClientIp(request.remote));
//   if (!decision.allowed) { /* 429 with Retry-After: decision.retry_after_seconds */ }
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/client_ip.h"

namespace civicgrid::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    double capacity = 60;          // burst size: the tokens a full bucket holds (at least 1)
    double refill_per_second = 1;  // sustained rate: tokens added per second (more than 0)
    std::size_t max_keys = 10000;  // buckets tracked at most (at least 1)
  };

  // The answer to one Take().
  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: seconds until a token is available, rounded up, ≥ 1
  };

  // Throws std::invalid_argument for options outside the ranges above. `now` is the clock (injectable
  // for tests); it must not go backwards.
  explicit RateLimiter(Options options, std::function<Clock::time_point()> now = Clock::now);

  // Takes one token from `key`'s bucket if it has one.
  Decision Take(std::string_view key);

  // The number of buckets currently tracked.
  std::size_t tracked() const;

 private:
  struct Bucket {
    std::string key;
    double tokens = 0;
    Clock::time_point updated;
  };
  using List = std::list<Bucket>;  // most recently used first

  // The bucket's tokens at `now`, refilled but at most the capacity.
  double Level(const Bucket& bucket, Clock::time_point now) const;

  Options options_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  List buckets_;                                          // guarded by mu_
  std::unordered_map<std::string, List::iterator> index_;  // guarded by mu_
};

}  // namespace civicgrid::http
