#include "demo/grid_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/grid_numbering.h"
#include "core/territory.h"
#include "geo/partition.h"

namespace civicgrid::demo {
namespace {

namespace bg = boost::geometry;
using geo::MultiPolygon;
using geo::Point;

constexpr double kPi = 3.14159265358979323846;
constexpr int kLloydIterations = 2;
constexpr int kMaxFixRounds = 8;

// splitmix64: a small PRNG whose output is the same everywhere (unlike std:: distributions).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }

 private:
  uint64_t state_;
};

// Metres per degree around the boundary's centre, for distances and axis choices.
struct Scale {
  double kx = 1, ky = 1;
};

// Grid count of each community, in plan order: at least one each, extras spread by the PRNG.
std::vector<int> CommunityCounts(size_t communities, double per_community, SplitMix64& rng) {
  double wanted = std::round(static_cast<double>(communities) * per_community);
  size_t total = std::max(communities, static_cast<size_t>(std::max(0.0, wanted)));
  std::vector<int> counts(communities, static_cast<int>(total / communities));
  std::vector<size_t> order(communities);
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t i = communities; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  for (size_t i = 0; i < total % communities; ++i) ++counts[order[i]];
  return counts;
}

// Seeds inside the boundary by rejection sampling in its bounding box, accepted with probability
// proportional to 0.25 + exp(-d²/2σ²), d the distance to the seat, σ 15% of the county's extent.
std::vector<Point> SampleSeeds(const MultiPolygon& boundary, const Point& seat, size_t n, const Scale& s,
                               SplitMix64& rng) {
  geo::Box env = bg::return_envelope<geo::Box>(boundary);
  double x0 = env.min_corner().x(), y0 = env.min_corner().y();
  double w = env.max_corner().x() - x0, h = env.max_corner().y() - y0;
  double sigma = 0.15 * std::max(w * s.kx, h * s.ky);
  const geo::RegionLocator locator(boundary);
  std::vector<Point> seeds;
  seeds.reserve(n);
  while (seeds.size() < n) {
    Point p(x0 + rng.Uniform() * w, y0 + rng.Uniform() * h);
    double accept = rng.Uniform();
    double dx = (p.x() - seat.x()) * s.kx, dy = (p.y() - seat.y()) * s.ky;
    double density = (0.25 + std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))) / 1.25;
    if (accept < density && locator.Inside(p)) seeds.push_back(p);
  }
  return seeds;
}

// Cells sharing a stretch of border. Coordinates are snapped, so shared borders match exactly.
std::vector<std::vector<size_t>> Adjacency(const std::vector<MultiPolygon>& cells) {
  using Key = std::array<int64_t, 4>;
  std::map<Key, std::vector<size_t>> sides;
  auto lattice = [](const Point& p) { return std::pair{std::llround(p.x() * 1e7), std::llround(p.y() * 1e7)}; };
  for (size_t i = 0; i < cells.size(); ++i)
    for (const geo::Polygon& poly : cells[i])
      for (size_t k = 0; k + 1 < poly.outer().size(); ++k) {
        auto a = lattice(poly.outer()[k]), b = lattice(poly.outer()[k + 1]);
        if (b < a) std::swap(a, b);
        sides[{a.first, a.second, b.first, b.second}].push_back(i);
      }
  std::vector<std::vector<size_t>> adjacent(cells.size());
  for (const auto& [key, owners] : sides)
    for (size_t a : owners)
      for (size_t b : owners)
        if (a != b) adjacent[a].push_back(b);
  for (auto& list : adjacent) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return adjacent;
}

// Splits cells into groups of given sizes by recursive coordinate bisection over the cell adjacency:
// a split orders the cells along the longer axis of their spread and grows one part from an end of
// that order through neighbours, nearest the end first, so that it is contiguous where the cells are;
// of growing from the low end or the high end, the split leaving fewer disconnected pieces wins.
class Bisector {
 public:
  Bisector(const std::vector<Point>& at, const std::vector<std::vector<size_t>>& adjacent)
      : at_(at), adjacent_(adjacent), mark_(at.size(), 0) {}

  // Assigns group_of[i] in [lo, hi) for every item, group g getting sizes[g] items.
  void Split(std::vector<size_t> items, const std::vector<size_t>& sizes, size_t lo, size_t hi,
             std::vector<size_t>& group_of) {
    if (hi - lo == 1) {
      for (size_t i : items) group_of[i] = lo;
      return;
    }
    size_t mid = lo + (hi - lo) / 2;
    size_t first = std::accumulate(sizes.begin() + static_cast<std::ptrdiff_t>(lo),
                                   sizes.begin() + static_cast<std::ptrdiff_t>(mid), size_t{0});
    double minx = 1e300, maxx = -1e300, miny = 1e300, maxy = -1e300;
    for (size_t i : items) {
      minx = std::min(minx, at_[i].x()), maxx = std::max(maxx, at_[i].x());
      miny = std::min(miny, at_[i].y()), maxy = std::max(maxy, at_[i].y());
    }
    by_x_ = maxx - minx >= maxy - miny;
    std::sort(items.begin(), items.end(), [&](size_t a, size_t b) { return Key(a, false) < Key(b, false); });
    auto [low, low_rest] = Grow(items, first, false);
    auto [high, high_rest] = Grow(items, items.size() - first, true);
    bool from_low = Pieces(low) + Pieces(low_rest) <= Pieces(high) + Pieces(high_rest);
    Split(from_low ? std::move(low) : std::move(high_rest), sizes, lo, mid, group_of);
    Split(from_low ? std::move(low_rest) : std::move(high), sizes, mid, hi, group_of);
  }

 private:
  std::pair<double, size_t> Key(size_t i, bool high) const {
    double k = by_x_ ? at_[i].x() : at_[i].y();
    return high ? std::pair{-k, at_.size() - i} : std::pair{k, i};
  }

  // Takes `count` of the sorted `items` growing from one end; answers the taken and the others.
  std::pair<std::vector<size_t>, std::vector<size_t>> Grow(const std::vector<size_t>& items, size_t count, bool high) {
    const uint64_t free = ++stamp_;
    for (size_t i : items) mark_[i] = free;
    std::priority_queue<std::pair<std::pair<double, size_t>, size_t>, std::vector<std::pair<std::pair<double, size_t>, size_t>>,
                        std::greater<>>
        front;
    std::vector<size_t> taken, others;
    for (size_t next = 0; taken.size() < count;) {
      if (front.empty()) {
        while (mark_[items[high ? items.size() - 1 - next : next]] != free) ++next;
        size_t i = items[high ? items.size() - 1 - next : next];
        front.push({Key(i, high), i});
      }
      size_t i = front.top().second;
      front.pop();
      if (mark_[i] != free) continue;
      mark_[i] = free + 1;
      taken.push_back(i);
      for (size_t j : adjacent_[i])
        if (mark_[j] == free) front.push({Key(j, high), j});
    }
    for (size_t i : items)
      if (mark_[i] == free) others.push_back(i);
    ++stamp_;
    return {std::move(taken), std::move(others)};
  }

  // Number of connected pieces of a set of cells.
  size_t Pieces(const std::vector<size_t>& cells) {
    const uint64_t in = ++stamp_;
    ++stamp_;
    for (size_t i : cells) mark_[i] = in;
    size_t pieces = 0;
    std::vector<size_t> stack;
    for (size_t start : cells) {
      if (mark_[start] != in) continue;
      ++pieces;
      mark_[start] = in + 1;
      stack.push_back(start);
      while (!stack.empty()) {
        size_t i = stack.back();
        stack.pop_back();
        for (size_t j : adjacent_[i])
          if (mark_[j] == in) mark_[j] = in + 1, stack.push_back(j);
      }
    }
    return pieces;
  }

  const std::vector<Point>& at_;
  const std::vector<std::vector<size_t>>& adjacent_;
  std::vector<uint64_t> mark_;
  uint64_t stamp_ = 0;
  bool by_x_ = true;
};

// The middle of the longest piece of the horizontal line at `y` inside `shape`, if any.
std::optional<Point> ChordMiddle(const MultiPolygon& shape, double y, const Point& away_from) {
  geo::Box env = bg::return_envelope<geo::Box>(shape);
  bg::model::linestring<Point> line{{env.min_corner().x() - 1, y}, {env.max_corner().x() + 1, y}};
  bg::model::multi_linestring<bg::model::linestring<Point>> pieces;
  bg::intersection(line, shape, pieces);
  std::optional<Point> best;
  double best_score = -1;
  for (const auto& piece : pieces) {
    if (piece.size() < 2) continue;
    Point mid((piece.front().x() + piece.back().x()) / 2, y);
    double score = bg::distance(mid, away_from) + std::abs(piece.back().x() - piece.front().x());
    if (score > best_score && bg::within(mid, shape)) best = mid, best_score = score;
  }
  return best;
}

// Where a cell whose centroid lies outside it needs a second seed: inside its largest part that does
// not hold its seed, or, for a connected cell, in the arm that the centroid's latitude crosses farthest
// from the seed.
std::optional<Point> FarPoint(const MultiPolygon& cell, const Point& seed, const Point& centroid) {
  const geo::Polygon* part = nullptr;
  for (const geo::Polygon& p : cell)
    if (!bg::covered_by(seed, p) && (!part || bg::area(p) > bg::area(*part))) part = &p;
  if (!part) return ChordMiddle(cell, centroid.y(), seed);
  MultiPolygon one{*part};
  Point c;
  bg::centroid(one, c);
  if (bg::within(c, one)) return c;
  return ChordMiddle(one, c.y(), c);
}

Result<void> CheckPlan(const CountyPlan& plan) {
  if (auto level = ValidateCode(plan.code, "code"); !level || *level != Level::kCounty)
    return Error::InvalidArgument("'" + plan.code + "' is not a county code", "code");
  if (plan.streets.empty()) return Error::InvalidArgument("county " + plan.code + " has no streets", "streets");
  if (!(plan.grids_per_community > 0 && plan.grids_per_community <= 999))
    return Error::InvalidArgument("grids_per_community must be in (0, 999]", "grids_per_community");
  std::set<std::string> seen;
  for (const StreetPlan& street : plan.streets) {
    if (auto level = ValidateCode(street.code, "streets"); !level || *level != Level::kStreet)
      return Error::InvalidArgument("'" + street.code + "' is not a street code", "streets");
    if (!seen.insert(street.code).second)
      return Error::InvalidArgument("street " + street.code + " is listed twice", "streets");
    if (street.communities.empty())
      return Error::InvalidArgument("street " + street.code + " has no communities", "streets");
    for (const std::string& c : street.communities) {
      auto level = ValidateCode(c, "communities");
      if (!level || *level != Level::kCommunity || !IsUnder(c, street.code))
        return Error::InvalidArgument("'" + c + "' is not a community of street " + street.code, "communities");
      if (!seen.insert(c).second)
        return Error::InvalidArgument("community " + c + " is listed twice", "communities");
    }
  }
  return {};
}

}  // namespace

Result<std::vector<GeneratedGrid>> GenerateCountyGrids(const CountyPlan& plan, GenerationStats* stats) {
  if (auto ok = CheckPlan(plan); !ok) return ok.error();
  MultiPolygon boundary = geo::MakeValid(plan.boundary);
  std::string why;
  if (boundary.empty() || !bg::is_valid(boundary, why))
    return Error::InvalidArgument("boundary of county " + plan.code + " is not valid: " + why, "boundary");
  GenerationStats local;
  GenerationStats& st = stats ? *stats : local;
  st = {};

  geo::Box env = bg::return_envelope<geo::Box>(boundary);
  double lat0 = (env.min_corner().y() + env.max_corner().y()) / 2;
  Scale scale{geo::kEarthRadiusMetres * kPi / 180 * std::cos(lat0 * kPi / 180),
              geo::kEarthRadiusMetres * kPi / 180};

  // Communities in plan order, their grid counts, and per street the total.
  std::vector<std::string> communities;
  std::vector<size_t> street_of;
  for (size_t s = 0; s < plan.streets.size(); ++s)
    for (const std::string& c : plan.streets[s].communities) communities.push_back(c), street_of.push_back(s);
  SplitMix64 rng(plan.seed);
  std::vector<int> counts = CommunityCounts(communities.size(), plan.grids_per_community, rng);
  if (*std::max_element(counts.begin(), counts.end()) > 999)
    return Error::InvalidArgument("more than 999 grids in a community", "grids_per_community");
  std::vector<size_t> street_sizes(plan.streets.size(), 0);
  for (size_t c = 0; c < communities.size(); ++c) street_sizes[street_of[c]] += static_cast<size_t>(counts[c]);
  const size_t total = std::accumulate(street_sizes.begin(), street_sizes.end(), size_t{0});

  // Seeds, spread by Lloyd relaxation, then the partition; a cell whose centroid falls outside it
  // (a concave cell at the border) gets its seed moved and the partition is made again.
  std::vector<Point> seeds = SampleSeeds(boundary, plan.seat, total, scale, rng);
  auto relaxed = geo::RelaxSeeds(boundary, std::move(seeds), kLloydIterations);
  if (!relaxed) return relaxed.error();
  seeds = std::move(*relaxed);
  st.partitions += kLloydIterations;
  geo::Partition part;
  std::vector<Point> centroids(total);
  std::vector<bool> pinned(total, false);  // seeds placed by a fix are not taken again
  for (int round = 0;; ++round) {
    auto made = geo::PartitionRegion(boundary, seeds);
    if (!made) return made.error();
    ++st.partitions;
    part = std::move(*made);
    std::vector<size_t> bad;
    for (size_t i = 0; i < total; ++i) {
      bg::centroid(part.cells[i], centroids[i]);
      if (!bg::within(centroids[i], part.cells[i])) bad.push_back(i);
    }
    if (bad.empty()) break;
    if (round == kMaxFixRounds)
      return Error::Internal("county " + plan.code + ": " + std::to_string(bad.size()) +
                             " grids keep their centroid outside");
    // Each bad cell gets a second seed in its far part (an island, or the arm away from its seed); the
    // seed comes from the smallest cell, whose area its neighbours share.
    std::vector<size_t> donors(total);
    std::iota(donors.begin(), donors.end(), size_t{0});
    std::vector<double> areas(total);
    for (size_t i = 0; i < total; ++i) areas[i] = bg::area(part.cells[i]);
    std::sort(donors.begin(), donors.end(),
              [&](size_t a, size_t b) { return areas[a] != areas[b] ? areas[a] < areas[b] : a < b; });
    std::vector<bool> busy(pinned);
    for (size_t i : bad) busy[i] = true;
    auto donor = donors.begin();
    for (size_t i : bad) {
      auto target = FarPoint(part.cells[i], part.seeds[i], centroids[i]);
      while (donor != donors.end() && busy[*donor]) ++donor;
      if (!target || donor == donors.end())
        return Error::Internal("county " + plan.code + ": cannot fix a grid whose centroid is outside");
      seeds[*donor] = *target;
      busy[*donor] = pinned[*donor] = true;
      ++st.centroid_fixes;
    }
  }
  st.fragments = part.fragments;
  st.orphan_fragments = part.orphan_fragments;
  st.grids = static_cast<int>(total);

  // Streets, then communities inside each street, by recursive coordinate bisection of cell centroids
  // (in metres) over the cells' adjacency.
  std::vector<Point> at(total);
  for (size_t i = 0; i < total; ++i) at[i] = Point(centroids[i].x() * scale.kx, centroids[i].y() * scale.ky);
  std::vector<size_t> all(total), street_cell(total), community_cell(total);
  std::iota(all.begin(), all.end(), size_t{0});
  const auto adjacent = Adjacency(part.cells);
  Bisector bisector(at, adjacent);
  bisector.Split(all, street_sizes, 0, street_sizes.size(), street_cell);
  size_t first_community = 0;
  for (size_t s = 0; s < plan.streets.size(); ++s) {
    size_t n = plan.streets[s].communities.size();
    std::vector<size_t> items, sizes;
    for (size_t i = 0; i < total; ++i)
      if (street_cell[i] == s) items.push_back(i);
    for (size_t c = 0; c < n; ++c) sizes.push_back(static_cast<size_t>(counts[first_community + c]));
    std::vector<size_t> local_group(total, 0);
    bisector.Split(items, sizes, 0, n, local_group);
    for (size_t i : items) community_cell[i] = first_community + local_group[i];
    first_community += n;
  }

  // Number each community's grids and compose the codes.
  std::vector<std::vector<size_t>> members(communities.size());
  for (size_t i = 0; i < total; ++i) members[community_cell[i]].push_back(i);
  std::vector<GeneratedGrid> grids;
  grids.reserve(total);
  for (size_t c = 0; c < communities.size(); ++c) {
    std::vector<std::pair<double, double>> points;
    for (size_t i : members[c]) points.emplace_back(centroids[i].x(), centroids[i].y());
    std::vector<int> numbers = NumberGridsWestEastNorthSouth(points);
    for (size_t k = 0; k < members[c].size(); ++k) {
      auto code = GridCode(communities[c], numbers[k]);
      if (!code) return code.error();
      size_t i = members[c][k];
      grids.push_back({std::move(*code), communities[c], std::move(part.cells[i]), centroids[i]});
    }
  }
  std::sort(grids.begin(), grids.end(), [](const GeneratedGrid& a, const GeneratedGrid& b) { return a.code < b.code; });
  return grids;
}

}  // namespace civicgrid::demo
