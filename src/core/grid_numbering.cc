#include "core/grid_numbering.h"

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace civicgrid {

std::vector<int> NumberGridsWestEastNorthSouth(const std::vector<std::pair<double, double>>& centroids) {
  const size_t n = centroids.size();
  std::vector<int> numbers(n, 0);
  if (n == 0) return numbers;

  size_t row = 1;  // ceil(sqrt(n)), in integers so that perfect squares are exact
  while (row * row < n) ++row;

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return centroids[a].second > centroids[b].second; });
  for (size_t start = 0; start < n; start += row) {
    auto first = order.begin() + static_cast<std::ptrdiff_t>(start);
    auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(n, start + row));
    std::sort(first, last, [&](size_t a, size_t b) {
      if (centroids[a].first != centroids[b].first) return centroids[a].first < centroids[b].first;
      return a < b;
    });
  }
  for (size_t i = 0; i < n; ++i) numbers[order[i]] = static_cast<int>(i + 1);
  return numbers;
}

}  // namespace civicgrid
