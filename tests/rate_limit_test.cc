// RateLimiter with a fake clock: bursts, refill, Retry-After, key independence, bounded memory;
// ClientIp on the forms of Request::remote.
#include "http/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace civicgrid::http {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

// A clock that moves only when told to.
struct FakeClock {
  Clock::time_point now = Clock::time_point{} + 1000h;
  std::function<Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, AllowsABurstThenRefusesWithRetryAfter) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 3, .refill_per_second = 0.5, .max_keys = 10}, clock.fn());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("198.51.100.1").allowed) << i;
  auto refused = limiter.Take("198.51.100.1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 2);  // one token takes 2 s at 0.5/s
  clock.now += 1s;
  refused = limiter.Take("198.51.100.1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // half a token there, one more second needed
  clock.now += 1s;
  EXPECT_TRUE(limiter.Take("198.51.100.1").allowed);
  EXPECT_FALSE(limiter.Take("198.51.100.1").allowed);
}

TEST(RateLimiter, RetryAfterIsRoundedUpAndAtLeastOne) {
  FakeClock clock;
  RateLimiter fast({.capacity = 1, .refill_per_second = 10, .max_keys = 10}, clock.fn());
  EXPECT_TRUE(fast.Take("k").allowed);
  auto refused = fast.Take("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // 0.1 s rounds up to 1
  RateLimiter slow({.capacity = 1, .refill_per_second = 1.0 / 60, .max_keys = 10}, clock.fn());
  EXPECT_TRUE(slow.Take("k").allowed);
  clock.now += 30500ms;
  EXPECT_EQ(slow.Take("k").retry_after_seconds, 30);  // 29.5 s left rounds up to 30
  RateLimiter crawl({.capacity = 1, .refill_per_second = 1e-12, .max_keys = 10}, clock.fn());
  EXPECT_TRUE(crawl.Take("k").allowed);
  EXPECT_GE(crawl.Take("k").retry_after_seconds, 1);  // huge waits do not overflow
}

TEST(RateLimiter, RefillsUpToCapacityOnly) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 2, .refill_per_second = 1, .max_keys = 10}, clock.fn());
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.now += 1h;  // a long pause gives back a full bucket, not 3600 tokens
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 1, .refill_per_second = 1, .max_keys = 10}, clock.fn());
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_FALSE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Take("b").allowed);
  EXPECT_FALSE(limiter.Take("b").allowed);
}

TEST(RateLimiter, MemoryIsBoundedByMaxKeys) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 5, .refill_per_second = 1, .max_keys = 3}, clock.fn());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(limiter.Take("10.0.0." + std::to_string(i)).allowed);
    EXPECT_LE(limiter.tracked(), 3u);
  }
  EXPECT_EQ(limiter.tracked(), 3u);
}

TEST(RateLimiter, AtCapacityTheLeastRecentlyUsedKeyIsDropped) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 1, .refill_per_second = 0.001, .max_keys = 2}, clock.fn());
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Take("b").allowed);
  EXPECT_FALSE(limiter.Take("a").allowed);  // a is now more recent than b
  EXPECT_TRUE(limiter.Take("c").allowed);   // drops b, the least recently used
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_FALSE(limiter.Take("a").allowed);  // a's empty bucket was kept
  EXPECT_FALSE(limiter.Take("c").allowed);
}

TEST(RateLimiter, RefilledBucketsAreForgotten) {
  FakeClock clock;
  RateLimiter limiter({.capacity = 2, .refill_per_second = 1, .max_keys = 100}, clock.fn());
  for (int i = 0; i < 50; ++i) limiter.Take("k" + std::to_string(i));
  EXPECT_EQ(limiter.tracked(), 50u);
  clock.now += 2s;  // every bucket is full again
  limiter.Take("other");
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(RateLimiter, RejectsBadOptions) {
  EXPECT_THROW(RateLimiter({.capacity = 0.5, .refill_per_second = 1, .max_keys = 1}), std::invalid_argument);
  EXPECT_THROW(RateLimiter({.capacity = 1, .refill_per_second = 0, .max_keys = 1}), std::invalid_argument);
  EXPECT_THROW(RateLimiter({.capacity = 1, .refill_per_second = 1, .max_keys = 0}), std::invalid_argument);
  EXPECT_NO_THROW(RateLimiter({.capacity = 1, .refill_per_second = 1, .max_keys = 1}));
}

TEST(RateLimiter, IsThreadSafe) {
  FakeClock clock;  // never advances: exactly `capacity` takes succeed, however they interleave
  RateLimiter limiter({.capacity = 1000, .refill_per_second = 1, .max_keys = 8}, clock.fn());
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 600; ++i) {
        if (limiter.Take("shared").allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(ClientIp, TakesTheAddressOutOfRemote) {
  EXPECT_EQ(ClientIp("203.0.113.7:51234"), "203.0.113.7");
  EXPECT_EQ(ClientIp("[2001:db8::1]:443"), "2001:db8::1");
  EXPECT_EQ(ClientIp("[::1]:8080"), "::1");
  EXPECT_EQ(ClientIp("[::ffff:203.0.113.7]:1"), "203.0.113.7");
  EXPECT_EQ(ClientIp("[::FFFF:203.0.113.7]:1"), "203.0.113.7");
  EXPECT_EQ(ClientIp("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ClientIp("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(ClientIp("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(ClientIp(""), "");
}

}  // namespace
}  // namespace civicgrid::http
