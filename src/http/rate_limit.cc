#include "http/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace civicgrid::http {

RateLimiter::RateLimiter(Options options, std::function<Clock::time_point()> now)
    : options_(options), now_(std::move(now)) {
  if (!(options_.capacity >= 1) || !std::isfinite(options_.capacity))
    throw std::invalid_argument("RateLimiter: capacity must be at least 1");
  if (!(options_.refill_per_second > 0) || !std::isfinite(options_.refill_per_second))
    throw std::invalid_argument("RateLimiter: refill_per_second must be more than 0");
  if (options_.max_keys < 1) throw std::invalid_argument("RateLimiter: max_keys must be at least 1");
  if (!now_) throw std::invalid_argument("RateLimiter: no clock");
}

double RateLimiter::Level(const Bucket& bucket, Clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed <= 0) return bucket.tokens;
  return std::min(options_.capacity, bucket.tokens + elapsed * options_.refill_per_second);
}

RateLimiter::Decision RateLimiter::Take(std::string_view key) {
  const Clock::time_point now = now_();
  std::lock_guard lock(mu_);
  // Forget the least recently used buckets while they have refilled completely: a fresh bucket is the
  // same. This stops at the first one that is not full, so each call does little work.
  while (!buckets_.empty() && Level(buckets_.back(), now) >= options_.capacity) {
    index_.erase(buckets_.back().key);
    buckets_.pop_back();
  }

  auto it = index_.find(std::string(key));
  if (it == index_.end()) {
    if (buckets_.size() >= options_.max_keys) {
      index_.erase(buckets_.back().key);
      buckets_.pop_back();
    }
    buckets_.push_front(Bucket{std::string(key), options_.capacity, now});
    it = index_.emplace(buckets_.front().key, buckets_.begin()).first;
  } else {
    buckets_.splice(buckets_.begin(), buckets_, it->second);
  }

  Bucket& bucket = *it->second;
  bucket.tokens = Level(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return Decision{true, 0};
  }
  double wait = std::ceil((1 - bucket.tokens) / options_.refill_per_second);
  int seconds = wait >= 1e9 ? 1000000000 : static_cast<int>(wait);
  return Decision{false, std::max(1, seconds)};
}

std::size_t RateLimiter::tracked() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace civicgrid::http
