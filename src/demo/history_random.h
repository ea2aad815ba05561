// Randomness of the demo history: SplitMix64, seeded per county-day and per case, so that a case depends
// on the seed and its own coordinates only (and the standard library's implementation-defined
// distributions are not used).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace civicgrid::demo::history {

// Mixes two 64-bit values into a well-spread one (a seed for a county-day or a case).
inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// FNV-1a of `s`: a stable hash of a code, independent of std::hash.
inline uint64_t HashText(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A SplitMix64 stream with the draws the generator needs; the same seed gives the same draws everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  // The next 64 random bits.
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), or in [lo, hi).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform in [lo, hi] (lo <= hi).
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  // True with probability p.
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal (Box–Muller, one draw of a pair).
  double Normal() {
    const double u1 = std::max(Uniform(), 1e-300), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  // A log-normal amount with the given median; sigma ≈ 0.5–1 spreads it over a factor of 2–3.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  // A uniformly chosen element of a non-empty array or vector.
  template <class T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Next() % N];
  }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }
  // An index chosen with probability proportional to `weights` (non-negative, not all zero).
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  // A Poisson count of mean `lambda` (normal approximation above 60).
  int Poisson(double lambda) {
    if (lambda <= 0) return 0;
    if (lambda > 60) return std::max(0, static_cast<int>(std::lround(lambda + std::sqrt(lambda) * Normal())));
    const double limit = std::exp(-lambda);
    int k = 0;
    for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    return k;
  }

 private:
  uint64_t s_;
};

}  // namespace civicgrid::demo::history
