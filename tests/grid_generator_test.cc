// Grid numbering and the demo grid generator on the real county boundaries of data/territory/.
#include "demo/grid_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/geometry/index/rtree.hpp>
#include <boost/json.hpp>

#include "core/grid_numbering.h"
#include "core/territory.h"
#include "geo/partition.h"

namespace civicgrid::demo {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
namespace json = boost::json;
using geo::MultiPolygon;
using geo::Point;

// ---- numbering -------------------------------------------------------------------------------------

TEST(GridNumberingTest, WestToEastThenNorthToSouth) {
  // Nine grids on a slightly irregular 3 × 3 layout, given in scrambled order.
  //   north row: a(118.0, 35.21) b(118.1, 35.20) c(118.2, 35.22)
  //   middle:    d(118.0, 35.11) e(118.1, 35.10) f(118.2, 35.12)
  //   south:     g(118.0, 35.01) h(118.1, 35.00) i(118.2, 35.02)
  std::vector<std::pair<double, double>> in = {{118.1, 35.10}, {118.2, 35.02}, {118.0, 35.21},
                                               {118.2, 35.22}, {118.0, 35.01}, {118.1, 35.20},
                                               {118.2, 35.12}, {118.1, 35.00}, {118.0, 35.11}};
  //                                e  i  a  c  g  b  f  h  d
  std::vector<int> want = {5, 9, 1, 3, 7, 2, 6, 8, 4};
  EXPECT_EQ(NumberGridsWestEastNorthSouth(in), want);
}

TEST(GridNumberingTest, RowsHoldCeilSqrtGridsAndTiesKeepInputOrder) {
  // Five grids: rows of ceil(sqrt(5)) = 3. By latitude: p0 p1 p2 | p3 p4; p1 and p2 tie on longitude.
  std::vector<std::pair<double, double>> in = {{3, 9}, {1, 8}, {1, 7}, {5, 2}, {4, 1}};
  EXPECT_EQ(NumberGridsWestEastNorthSouth(in), (std::vector<int>{3, 1, 2, 5, 4}));
  // Equal latitudes keep input order before the row cut.
  std::vector<std::pair<double, double>> flat = {{2, 0}, {1, 0}, {0, 0}, {3, 0}};
  EXPECT_EQ(NumberGridsWestEastNorthSouth(flat), (std::vector<int>{2, 1, 3, 4}));
  EXPECT_EQ(NumberGridsWestEastNorthSouth({{5, 5}}), std::vector<int>{1});
  EXPECT_TRUE(NumberGridsWestEastNorthSouth({}).empty());
}

// ---- data/territory --------------------------------------------------------------------------------

struct County {
  std::string name;
  MultiPolygon boundary;
  Point seat;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

geo::Ring ParseRing(const json::array& coords) {
  geo::Ring ring;
  for (const auto& c : coords) ring.emplace_back(c.as_array()[0].to_number<double>(), c.as_array()[1].to_number<double>());
  return ring;
}

geo::Polygon ParsePolygon(const json::array& rings) {
  geo::Polygon poly;
  poly.outer() = ParseRing(rings[0].as_array());
  for (size_t i = 1; i < rings.size(); ++i) poly.inners().push_back(ParseRing(rings[i].as_array()));
  return poly;
}

// The county boundaries of counties.geojson by code.
const std::map<std::string, County>& Counties() {
  static const std::map<std::string, County> counties = [] {
    std::map<std::string, County> out;
    json::value doc = json::parse(ReadFile(std::string(CIVICGRID_SOURCE_DIR) + "/data/territory/counties.geojson"));
    for (const auto& f : doc.at("features").as_array()) {
      const auto& props = f.at("properties").as_object();
      const auto& geom = f.at("geometry").as_object();
      County county;
      county.name = json::value_to<std::string>(props.at("name"));
      const auto& coords = geom.at("coordinates").as_array();
      if (geom.at("type").as_string() == "Polygon") {
        county.boundary.push_back(ParsePolygon(coords));
      } else {
        for (const auto& p : coords) county.boundary.push_back(ParsePolygon(p.as_array()));
      }
      bg::correct(county.boundary);
      if (const auto* seat = props.if_contains("seat"); seat && seat->is_array()) {
        county.seat = Point(seat->as_array()[0].to_number<double>(), seat->as_array()[1].to_number<double>());
      } else {
        bg::centroid(county.boundary, county.seat);
      }
      out.emplace(json::value_to<std::string>(props.at("code")), std::move(county));
    }
    return out;
  }();
  return counties;
}

struct DivisionRow {
  std::string code, name, host;
};

const std::vector<DivisionRow>& Divisions() {
  static const std::vector<DivisionRow> rows = [] {
    std::vector<DivisionRow> out;
    std::istringstream in(ReadFile(std::string(CIVICGRID_SOURCE_DIR) + "/data/territory/divisions.tsv"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      DivisionRow row;
      std::istringstream cells(line);
      std::getline(cells, row.code, '\t');
      std::getline(cells, row.name, '\t');
      std::getline(cells, row.host, '\t');
      out.push_back(row);
    }
    return out;
  }();
  return rows;
}

constexpr double kGridsPerCommunity = 12000.0 / 4186.0;  // 临沂: about 12,000 grids, 4,186 communities

// The plan of a county: its streets and those of development zones hosted by it.
CountyPlan PlanFor(const std::string& county) {
  std::set<std::string> zones = {county};
  for (const auto& row : Divisions())
    if (row.code.size() == 6 && row.host == county) zones.insert(row.code);
  CountyPlan plan;
  plan.code = county;
  plan.boundary = Counties().at(county).boundary;
  plan.seat = Counties().at(county).seat;
  plan.grids_per_community = kGridsPerCommunity;
  plan.seed = std::stoull(county);
  for (const auto& row : Divisions()) {
    if (row.code.size() == 9 && zones.count(row.code.substr(0, 6))) plan.streets.push_back({row.code, {}});
    if (row.code.size() == 12 && !plan.streets.empty() && IsUnder(row.code, plan.streets.back().code))
      plan.streets.back().communities.push_back(row.code);
  }
  std::erase_if(plan.streets, [](const StreetPlan& s) { return s.communities.empty(); });
  return plan;
}

// Every grid's centroid lies in its own grid and in no other.
void ExpectCentroidsInside(const std::vector<GeneratedGrid>& grids, const std::string& county) {
  std::vector<std::pair<geo::Box, size_t>> boxes;
  for (size_t i = 0; i < grids.size(); ++i) boxes.emplace_back(bg::return_envelope<geo::Box>(grids[i].shape), i);
  bgi::rtree<std::pair<geo::Box, size_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());
  for (size_t i = 0; i < grids.size(); ++i) {
    Point c;
    bg::centroid(grids[i].shape, c);
    EXPECT_TRUE(bg::covered_by(c, grids[i].shape)) << county << " grid " << grids[i].code;
    EXPECT_TRUE(bg::within(grids[i].centroid_hint, grids[i].shape)) << county << " grid " << grids[i].code;
    std::vector<std::pair<geo::Box, size_t>> hits;
    tree.query(bgi::intersects(c), std::back_inserter(hits));
    for (const auto& hit : hits)
      if (hit.second != i) {
        EXPECT_FALSE(bg::covered_by(c, grids[hit.second].shape))
            << county << " centroid of " << grids[i].code << " in " << grids[hit.second].code;
      }
  }
}

// Neighbouring grids share their borders vertex for vertex: no vertex lies inside another grid's edge.
void ExpectNoTJunctions(const std::vector<GeneratedGrid>& grids) {
  std::vector<geo::Segment> edges;
  std::vector<size_t> edge_grid;
  std::vector<std::pair<geo::Box, size_t>> boxes;
  std::vector<std::pair<Point, size_t>> vertices;
  for (size_t i = 0; i < grids.size(); ++i)
    for (const geo::Polygon& p : grids[i].shape)
      for (size_t k = 0; k + 1 < p.outer().size(); ++k) {
        vertices.emplace_back(p.outer()[k], i);
        boxes.emplace_back(bg::return_envelope<geo::Box>(geo::Segment(p.outer()[k], p.outer()[k + 1])), edges.size());
        edges.emplace_back(p.outer()[k], p.outer()[k + 1]);
        edge_grid.push_back(i);
      }
  bgi::rtree<std::pair<geo::Box, size_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());
  auto lattice = [](const Point& p) { return std::pair{std::llround(p.x() * 1e7), std::llround(p.y() * 1e7)}; };
  size_t bad = 0;
  for (const auto& [v, grid] : vertices) {
    std::vector<std::pair<geo::Box, size_t>> hits;
    tree.query(bgi::intersects(v), std::back_inserter(hits));
    for (const auto& hit : hits) {
      if (edge_grid[hit.second] == grid) continue;
      auto a = lattice(edges[hit.second].first), b = lattice(edges[hit.second].second), q = lattice(v);
      if (q == a || q == b) continue;
      __int128 cross = static_cast<__int128>(b.first - a.first) * (q.second - a.second) -
                       static_cast<__int128>(b.second - a.second) * (q.first - a.first);
      bad += cross == 0;
    }
  }
  EXPECT_EQ(bad, 0u) << "vertices lying inside another grid's edge";
}

TEST(GridGeneratorTest, LanshanDistrict) {
  CountyPlan plan = PlanFor("371302");
  ASSERT_EQ(plan.streets.size(), 11u);
  size_t communities = 0;
  for (const auto& s : plan.streets) communities += s.communities.size();
  ASSERT_EQ(communities, 359u);

  GenerationStats stats;
  auto grids = GenerateCountyGrids(plan, &stats);
  ASSERT_TRUE(grids) << grids.error().message;
  EXPECT_EQ(grids->size(), static_cast<size_t>(std::lround(359 * kGridsPerCommunity)));
  EXPECT_EQ(stats.grids, static_cast<int>(grids->size()));

  std::set<std::string> codes, with_grids, all_communities;
  for (const auto& s : plan.streets) all_communities.insert(s.communities.begin(), s.communities.end());
  double total_area = 0;
  for (const auto& g : *grids) {
    EXPECT_EQ(g.code.size(), 15u);
    auto level = ValidateCode(g.code);
    EXPECT_TRUE(level && *level == Level::kGrid) << g.code;
    EXPECT_TRUE(IsUnder(g.code, g.community)) << g.code;
    EXPECT_TRUE(all_communities.count(g.community)) << g.community;
    EXPECT_TRUE(codes.insert(g.code).second) << "duplicate " << g.code;
    with_grids.insert(g.community);
    std::string why;
    EXPECT_TRUE(bg::is_valid(g.shape, why)) << g.code << ": " << why;
    total_area += bg::area(g.shape);
  }
  EXPECT_EQ(with_grids, all_communities);
  EXPECT_TRUE(std::is_sorted(grids->begin(), grids->end(),
                             [](const auto& a, const auto& b) { return a.code < b.code; }));

  std::vector<MultiPolygon> shapes;
  for (const auto& g : *grids) shapes.push_back(g.shape);
  MultiPolygon all = geo::UnionAll(shapes);
  const MultiPolygon region = geo::MakeValid(plan.boundary);
  const double area = bg::area(region);
  EXPECT_NEAR(area, bg::area(plan.boundary), 1e-3 * area);
  EXPECT_NEAR(total_area, bg::area(all), 1e-9 * area);  // disjoint
  EXPECT_NEAR(bg::area(all), area, 1e-7 * area);         // covering, up to snapping
  EXPECT_EQ(all.size(), region.size());
  ExpectCentroidsInside(*grids, plan.code);
  ExpectNoTJunctions(*grids);

  // Communities and streets are compact: nearly all are one piece.
  std::map<std::string, std::vector<MultiPolygon>> by_community, by_street;
  for (const auto& g : *grids) {
    by_community[g.community].push_back(g.shape);
    by_street[g.code.substr(0, 9)].push_back(g.shape);
  }
  auto one_piece = [](const auto& groups) {
    size_t n = 0;
    for (const auto& [code, shapes] : groups) n += geo::UnionAll(shapes).size() == 1;
    return n;
  };
  EXPECT_GE(one_piece(by_community), 340u);  // of 359
  EXPECT_GE(one_piece(by_street), 9u);       // of 11

  // Each community's grids are numbered 1..n.
  std::map<std::string, std::vector<int>> sequences;
  for (const auto& g : *grids) sequences[g.community].push_back(std::stoi(g.code.substr(12)));
  for (const auto& [community, seq] : sequences)
    for (size_t k = 0; k < seq.size(); ++k) EXPECT_EQ(seq[k], static_cast<int>(k + 1)) << community;

  // Deterministic: a second run gives the same codes and bit-identical shapes.
  auto again = GenerateCountyGrids(plan);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), grids->size());
  for (size_t i = 0; i < grids->size(); ++i) {
    EXPECT_EQ((*again)[i].code, (*grids)[i].code);
    std::ostringstream a, b;
    a << std::setprecision(17) << bg::wkt((*again)[i].shape);
    b << std::setprecision(17) << bg::wkt((*grids)[i].shape);
    EXPECT_EQ(a.str(), b.str()) << (*grids)[i].code;
  }
}

// A thick C (an annulus with a 60° gap), where cells bend and centroids may fall outside them.
MultiPolygon CShape() {
  geo::Polygon p;
  const double kPi = 3.14159265358979323846;
  for (int k = 0; k <= 60; ++k) {
    double a = (30 + 5.0 * k) * kPi / 180;
    p.outer().emplace_back(geo::SnapDegrees(118 + 0.1 * std::cos(a)), geo::SnapDegrees(35 + 0.1 * std::sin(a)));
  }
  for (int k = 60; k >= 0; --k) {
    double a = (30 + 5.0 * k) * kPi / 180;
    p.outer().emplace_back(geo::SnapDegrees(118 + 0.06 * std::cos(a)), geo::SnapDegrees(35 + 0.06 * std::sin(a)));
  }
  p.outer().push_back(p.outer().front());
  bg::correct(p);
  return {p};
}

TEST(GridGeneratorTest, ConcaveCountyKeepsCentroidsInside) {
  int fixes = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    CountyPlan plan;
    plan.code = "371302";
    plan.boundary = CShape();
    plan.seat = Point(117.92, 35.0);
    plan.streets = {{"371302001", {"371302001001", "371302001002", "371302001003"}}};
    plan.grids_per_community = 1 + static_cast<double>(seed % 4);
    plan.seed = seed;
    GenerationStats stats;
    auto grids = GenerateCountyGrids(plan, &stats);
    ASSERT_TRUE(grids) << "seed " << seed << ": " << grids.error().message;
    EXPECT_EQ(grids->size(), 3 * static_cast<size_t>(plan.grids_per_community));
    ExpectCentroidsInside(*grids, "C seed " + std::to_string(seed));
    double area = 0;
    for (const auto& g : *grids) area += bg::area(g.shape);
    EXPECT_NEAR(area, bg::area(plan.boundary), 1e-6 * area);
    fixes += stats.centroid_fixes;
  }
  EXPECT_GT(fixes, 0) << "the plans no longer exercise the centroid fix";
}

TEST(GridGeneratorTest, RejectsMalformedPlans) {
  CountyPlan plan = PlanFor("371302");
  plan.streets[0].communities.push_back("371399001001");  // not under the street
  EXPECT_FALSE(GenerateCountyGrids(plan));
  plan = PlanFor("371302");
  plan.streets.clear();
  EXPECT_FALSE(GenerateCountyGrids(plan));
  plan = PlanFor("371302");
  plan.grids_per_community = 0;
  EXPECT_FALSE(GenerateCountyGrids(plan));
  plan = PlanFor("371302");
  plan.streets[1].communities.push_back(plan.streets[1].communities.front());  // listed twice
  EXPECT_FALSE(GenerateCountyGrids(plan));
  plan = PlanFor("371302");
  plan.boundary.clear();
  auto empty = GenerateCountyGrids(plan);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "invalid_argument");
}

// Every county of the demo, one city per test so that each stays short under the sanitizers.
const std::vector<std::string> kCities = {"3702", "3703", "3704", "3713", "3717"};

TEST(GridGeneratorTest, CitiesCoverEveryCounty) {
  EXPECT_EQ(Counties().size(), 45u);
  for (const auto& [code, county] : Counties())
    EXPECT_NE(std::find(kCities.begin(), kCities.end(), code.substr(0, 4)), kCities.end()) << code;
}

class CityGridsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CityGridsTest, EveryCountyKeepsCentroidsInside) {
  const std::string city = GetParam();
  GenerationStats sum;
  double seconds = 0, slowest = 0;
  std::string slowest_code;
  for (const auto& [code, county] : Counties()) {
    if (code.substr(0, 4) != city) continue;
    CountyPlan plan = PlanFor(code);
    GenerationStats stats;
    auto start = std::chrono::steady_clock::now();
    auto grids = GenerateCountyGrids(plan, &stats);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(grids) << code << ": " << grids.error().message;
    seconds += took;
    if (took > slowest) slowest = took, slowest_code = code;
    ExpectCentroidsInside(*grids, code);
    size_t communities = 0;
    for (const auto& s : plan.streets) communities += s.communities.size();
    EXPECT_EQ(grids->size(), std::max<size_t>(communities, std::lround(communities * kGridsPerCommunity))) << code;
    sum.grids += stats.grids;
    sum.fragments += stats.fragments;
    sum.orphan_fragments += stats.orphan_fragments;
    sum.centroid_fixes += stats.centroid_fixes;
    sum.partitions += stats.partitions;
  }
  EXPECT_GT(sum.grids, 0);
  std::cout << "city " << city << ": " << sum.grids << " grids generated in " << seconds << " s (slowest county "
            << slowest_code << ": " << slowest << " s); fragments " << sum.fragments << " (orphans "
            << sum.orphan_fragments << "), centroid fixes " << sum.centroid_fixes << ", partitions " << sum.partitions
            << "\n";
}

INSTANTIATE_TEST_SUITE_P(Demo, CityGridsTest, ::testing::ValuesIn(kCities));

}  // namespace
}  // namespace civicgrid::demo
