// The storage contract (store/store.h, case_store.h, account_store.h), written once against the Store
// interface alone and run on every engine: SQLite as StoreContract.*, PostgreSQL as pg.StoreContract.*
// (support/test_store.h). Territory, reference data, cases with their events and idempotency keys, every
// list filter, the statistics counters against a recount, accounts, the audit chain, re-sealing personal
// data, and that each write is one transaction: whole or not at all.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "core/workflow.h"
#include "security/audit_chain.h"
#include "security/personal_data.h"
#include "store/store.h"
#include "support/case_fixtures.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace civicgrid {
namespace {

using store::CaseFilter;
using store::CaseTx;
using store::StatsBy;
using testing::At;
using testing::D;
using Ids = std::vector<int64_t>;

// ---------------------------------------------------------------------------------------------------------
// Fixtures

// An axis-aligned square of side 1/64°, with corners that binary floating point holds exactly.
geo::MultiPolygon Square(double x0, double y0) {
  const double x1 = x0 + 0.015625, y1 = y0 + 0.015625;
  geo::Polygon p;
  for (auto [x, y] : {std::pair{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}})
    geo::bg::append(p.outer(), geo::Point(x, y));
  geo::MultiPolygon m;
  m.push_back(p);
  return m;
}

geo::Grid MakeGrid(const std::string& code, double x0, double y0, GridKind kind = GridKind::kBasic) {
  return geo::Grid{code, "网格" + code.substr(12), kind, code.substr(0, 12), Square(x0, y0)};
}

// 山东省 › 临沂市 › 兰山区 with 柳青街道 (甲社区 …001, 乙社区 …002) and 银雀山街道 (丙社区 …005001).
std::vector<Division> Divisions() {
  auto d = testing::LiuqingDivisions();
  d.push_back({"371302005", "银雀山街道", Level::kStreet, "371302"});
  d.push_back({"371302005001", "丙社区", Level::kCommunity, "371302005"});
  return d;
}

// Grids of 甲社区 (two), 乙社区 (one, dedicated) and 丙社区 (one).
std::vector<geo::Grid> Grids() {
  return {MakeGrid("371302004001001", 118.0, 35.0), MakeGrid("371302004001002", 118.015625, 35.0),
          MakeGrid("371302004002001", 118.0, 35.015625, GridKind::kDedicated),
          MakeGrid("371302005001001", 118.03125, 35.0)};
}

std::vector<std::string> CodesOf(const std::vector<geo::Grid>& grids) {
  std::vector<std::string> out;
  for (const auto& g : grids) out.push_back(g.code);
  return out;
}

std::vector<std::string> CodesOf(const std::vector<Division>& divisions) {
  std::vector<std::string> out;
  for (const auto& d : divisions) out.push_back(d.code);
  return out;
}

// A case as it is reported, with every field the list filters read left at its default.
Case NewCase(const std::string& territory, Timestamp reported_at, const std::string& description = "路灯不亮") {
  static std::atomic<int> serial{0};
  Case c;
  c.tracking_code = "TRK-" + std::to_string(++serial) + "-" + std::to_string(reported_at);
  c.channel = Channel::kHotline;
  c.description = description;
  c.territory = territory;
  if (territory.size() == 15) c.grid = territory;
  c.level = Level::kStreet;
  c.center = 1;
  c.reported_at = c.updated_at = reported_at;
  c.version = 1;
  return c;
}

CaseEvent EventFor(const Case& c, Action action, CaseStatus from, const std::string& note = "") {
  CaseEvent e;
  e.case_id = c.id;
  e.seq = c.version;
  e.at = c.updated_at;
  e.actor = "operator";
  e.role = Role::kOperator;
  e.action = action;
  e.from = from;
  e.to = c.status;
  e.note = note;
  return e;
}

// Every field of two cases (ids aside), one expectation each, so that a failure names the field.
void ExpectSameCase(const Case& a, const Case& b) {
  EXPECT_EQ(a.tracking_code, b.tracking_code);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.resume_status, b.resume_status);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.has_point, b.has_point);
  EXPECT_DOUBLE_EQ(a.lon, b.lon);
  EXPECT_DOUBLE_EQ(a.lat, b.lat);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.grid, b.grid);
  EXPECT_EQ(a.territory, b.territory);
  EXPECT_EQ(a.reporter_name, b.reporter_name);
  EXPECT_EQ(a.reporter_phone, b.reporter_phone);
  EXPECT_EQ(a.reporter_account, b.reporter_account);
  EXPECT_EQ(a.attachments, b.attachments);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.center, b.center);
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.co_units, b.co_units);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.route_reason, b.route_reason);
  EXPECT_EQ(a.calendar, b.calendar);
  EXPECT_EQ(a.duplicate_of, b.duplicate_of);
  for (auto [x, y, phase] : {std::tuple{&a.clocks.acknowledge, &b.clocks.acknowledge, "acknowledge"},
                             {&a.clocks.handle, &b.clocks.handle, "handle"},
                             {&a.clocks.verify, &b.clocks.verify, "verify"}}) {
    EXPECT_EQ(x->started, y->started) << phase;
    EXPECT_EQ(x->working, y->working) << phase;
    EXPECT_EQ(x->start, y->start) << phase;
    EXPECT_EQ(x->budget, y->budget) << phase;
    EXPECT_EQ(x->paused, y->paused) << phase;
    EXPECT_EQ(x->paused_since, y->paused_since) << phase;
    EXPECT_EQ(x->stopped_at, y->stopped_at) << phase;
  }
  EXPECT_EQ(a.extension_pending, b.extension_pending);
  EXPECT_EQ(a.returns, b.returns);
  EXPECT_EQ(a.reworks, b.reworks);
  EXPECT_EQ(a.escalations, b.escalations);
  EXPECT_EQ(a.extensions, b.extensions);
  EXPECT_EQ(a.reopens, b.reopens);
  EXPECT_EQ(a.supervisions, b.supervisions);
  EXPECT_EQ(a.urges, b.urges);
  EXPECT_EQ(a.overdue, b.overdue);
  EXPECT_EQ(a.self_handled, b.self_handled);
  EXPECT_EQ(a.resolved_on_time, b.resolved_on_time);
  EXPECT_EQ(a.ended_level, b.ended_level);
  EXPECT_EQ(a.evaluation, b.evaluation);
  EXPECT_EQ(a.reported_at, b.reported_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.dispatched_at, b.dispatched_at);
  EXPECT_EQ(a.resolved_at, b.resolved_at);
  EXPECT_EQ(a.closed_at, b.closed_at);
  EXPECT_EQ(a.handling_seconds, b.handling_seconds);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.handle_due, b.handle_due);
  EXPECT_EQ(a.handle_warn, b.handle_warn);
}

// Two events: every field; `details` as JSON (an engine may keep it as a JSON value, not its text).
void ExpectSameEvent(const CaseEvent& a, const CaseEvent& b) {
  EXPECT_EQ(a.case_id, b.case_id);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.attachments, b.attachments);
  EXPECT_EQ(boost::json::parse(a.details), boost::json::parse(b.details)) << a.details << " vs " << b.details;
}

void ExpectSameStats(const std::vector<store::StatsGroup>& counted, const std::vector<store::StatsGroup>& recounted,
                     const std::string& what) {
  ASSERT_EQ(counted.size(), recounted.size()) << what;
  for (size_t i = 0; i < counted.size(); ++i) {
    EXPECT_EQ(counted[i].key, recounted[i].key) << what;
    EXPECT_TRUE(counted[i].counts == recounted[i].counts) << what << ", group " << counted[i].key;
  }
}

class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  // (Re)opens the fixture's store, "contract".
  void Open() {
    store_.reset();
    auto s = testing::OpenTestStore(dir_, "contract");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }
  store::Store& S() { return *store_; }

  void ApplyTerritory() {
    store::TerritoryChange c;
    c.divisions = Divisions();
    c.grids = Grids();
    auto r = S().ApplyTerritory(c);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  // Runs `fn` in one write and expects it to succeed.
  void MustWrite(const std::function<Result<void>(CaseTx&)>& fn) {
    auto r = S().Write(fn);
    ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
  }

  // Inserts `c` with its report event (and `key`); answers the id (0 on failure).
  int64_t Insert(Case c, const std::string& key = "") {
    CaseEvent e = EventFor(c, Action::kReport, CaseStatus::kReported);
    int64_t id = 0;
    auto r = S().Write([&](CaseTx& tx) -> Result<void> {
      auto inserted = tx.InsertCase(c, e, key);
      if (!inserted) return inserted.error();
      id = *inserted;
      return {};
    });
    EXPECT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
    return id;
  }

  Case Get(int64_t id) {
    auto c = S().GetCase(id);
    EXPECT_TRUE(c.ok() && c->has_value()) << "case " << id;
    return c.ok() && c->has_value() ? **c : Case{};
  }

  // The case after one more change: version + 1, updated at `at`.
  static Case Next(const Case& before, Timestamp at) {
    Case after = before;
    after.version = before.version + 1;
    after.updated_at = at;
    return after;
  }

  std::vector<store::StatsGroup> StatsOf(const store::StatsQuery& q) {
    auto s = S().Stats(q);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : std::vector<store::StatsGroup>{};
  }
  std::vector<store::StatsGroup> RecountOf(const store::StatsQuery& q) {
    auto s = S().RecountStats(q);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : std::vector<store::StatsGroup>{};
  }
  // Stats with no grouping, over everything: the total counters (all zero when there are none).
  StatCounts Totals() {
    auto groups = StatsOf({});
    return groups.empty() ? StatCounts{} : groups.front().counts;
  }

  std::vector<security::AuditRecord> Audit() {
    auto r = S().ReadAudit(0, 10000);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<security::AuditRecord>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

// ---------------------------------------------------------------------------------------------------------
// Territory

TEST_F(StoreContract, AnEmptyStoreHasNoTerritoryAtVersionZero) {
  EXPECT_EQ(*S().TerritoryVersion(), 0);
  auto counts = S().CountTerritory();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->divisions, 0);
  EXPECT_EQ(counts->grids, 0);
  EXPECT_TRUE(S().LoadDivisions()->empty());
  EXPECT_TRUE(S().LoadGrids()->empty());
  EXPECT_TRUE(S().LoadDivisionShapes()->empty());
  EXPECT_EQ(*S().CountCases(), 0);
}

TEST_F(StoreContract, ApplyTerritoryStoresDivisionsGridsAndShapesInCodeOrder) {
  store::TerritoryChange c;
  // Children before their parents and grids out of order: the change is checked as a whole.
  c.divisions = Divisions();
  std::reverse(c.divisions.begin(), c.divisions.end());
  c.grids = Grids();
  std::reverse(c.grids.begin(), c.grids.end());
  geo::MultiPolygon community = Square(118.0, 35.0);
  community.push_back(Square(118.015625, 35.0).front());
  c.shapes = {geo::DivisionShape{"371302004001", community, Square(118.0, 35.0)},
              geo::DivisionShape{"371302004", Square(118.0, 35.0), Square(118.0, 35.0)}};
  auto applied = S().ApplyTerritory(c);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_GT(*S().TerritoryVersion(), 0);

  auto divisions = S().LoadDivisions();
  ASSERT_TRUE(divisions.ok());
  EXPECT_EQ(CodesOf(*divisions), (std::vector<std::string>{"37", "3713", "371302", "371302004", "371302004001",
                                                           "371302004002", "371302005", "371302005001"}));
  const Division& street = (*divisions)[3];
  EXPECT_EQ(street.name, "柳青街道");
  EXPECT_EQ(street.level, Level::kStreet);
  EXPECT_EQ(street.parent, "371302");
  EXPECT_EQ((*divisions)[0].parent, "");
  EXPECT_EQ((*divisions)[0].level, Level::kProvince);

  auto grids = S().LoadGrids();
  ASSERT_TRUE(grids.ok());
  EXPECT_EQ(CodesOf(*grids), (std::vector<std::string>{"371302004001001", "371302004001002", "371302004002001",
                                                       "371302005001001"}));
  const geo::Grid& dedicated = (*grids)[2];
  EXPECT_EQ(dedicated.name, "网格001");
  EXPECT_EQ(dedicated.kind, GridKind::kDedicated);
  EXPECT_EQ(dedicated.community, "371302004002");
  EXPECT_TRUE(geo::bg::equals(dedicated.shape, Square(118.0, 35.015625)));
  EXPECT_EQ((*grids)[0].kind, GridKind::kBasic);
  EXPECT_NEAR(geo::bg::area((*grids)[1].shape), 0.015625 * 0.015625, 1e-12);

  auto shapes = S().LoadDivisionShapes();
  ASSERT_TRUE(shapes.ok());
  ASSERT_EQ(shapes->size(), 2u);
  std::map<std::string, geo::DivisionShape> by_code;
  for (const auto& s : *shapes) by_code[s.code] = s;
  ASSERT_TRUE(by_code.count("371302004001"));
  EXPECT_EQ(by_code["371302004001"].shape.size(), 2u);
  EXPECT_TRUE(geo::bg::equals(by_code["371302004001"].shape, community));
  EXPECT_TRUE(geo::bg::equals(by_code["371302004001"].simplified, Square(118.0, 35.0)));

  auto counts = S().CountTerritory();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->divisions, 8);
  EXPECT_EQ(counts->grids, 4);
}

TEST_F(StoreContract, ApplyTerritoryReplacesByCodeAndGrowsTheVersion) {
  ApplyTerritory();
  const int64_t v1 = *S().TerritoryVersion();
  store::TerritoryChange c;
  c.divisions = {{"371302004002", "乙社区（新）", Level::kCommunity, "371302004"}};
  c.grids = {MakeGrid("371302004001001", 118.5, 35.5)};
  c.grids[0].name = "新网格";
  auto r = S().ApplyTerritory(c);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(*S().TerritoryVersion(), v1);
  EXPECT_EQ(S().CountTerritory()->divisions, 8);
  EXPECT_EQ(S().CountTerritory()->grids, 4);
  auto divisions = S().LoadDivisions();
  ASSERT_TRUE(divisions.ok());
  EXPECT_EQ((*divisions)[5].code, "371302004002");
  EXPECT_EQ((*divisions)[5].name, "乙社区（新）");
  auto grids = S().LoadGrids();
  ASSERT_TRUE(grids.ok());
  EXPECT_EQ((*grids)[0].name, "新网格");
  EXPECT_TRUE(geo::bg::equals((*grids)[0].shape, Square(118.5, 35.5)));
}

TEST_F(StoreContract, ReplaceAllDeletesTheOldTerritoryFirst) {
  ApplyTerritory();
  store::TerritoryChange shapes;
  shapes.shapes = {geo::DivisionShape{"371302004", Square(118.0, 35.0), Square(118.0, 35.0)}};
  ASSERT_TRUE(S().ApplyTerritory(shapes).ok());
  const int64_t v = *S().TerritoryVersion();

  store::TerritoryChange c;
  c.replace_all = true;
  c.divisions = {{"37", "山东省", Level::kProvince, ""}, {"3701", "济南市", Level::kCity, "37"}};
  auto r = S().ApplyTerritory(c);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(*S().TerritoryVersion(), v);
  EXPECT_EQ(CodesOf(*S().LoadDivisions()), (std::vector<std::string>{"37", "3701"}));
  EXPECT_TRUE(S().LoadGrids()->empty());
  EXPECT_TRUE(S().LoadDivisionShapes()->empty());
  EXPECT_EQ(S().CountTerritory()->grids, 0);
}

TEST_F(StoreContract, AnOrphanIsRefusedNamingTheParentAndNothingOfTheChangeIsApplied) {
  ApplyTerritory();
  const int64_t v = *S().TerritoryVersion();
  store::TerritoryChange c;
  c.divisions = {{"371302004003", "丁社区", Level::kCommunity, "371302004"},
                 {"371302006001", "孤社区", Level::kCommunity, "371302006"}};
  auto r = S().ApplyTerritory(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_argument");
  EXPECT_EQ(r.error().field, "parent");
  EXPECT_EQ(*S().TerritoryVersion(), v);
  EXPECT_EQ(S().CountTerritory()->divisions, 8);

  // A grid whose community does not exist is an orphan too.
  store::TerritoryChange g;
  g.grids = {MakeGrid("371302004001003", 118.0, 35.5), MakeGrid("371302004009001", 118.0, 35.25)};
  auto rg = S().ApplyTerritory(g);
  ASSERT_FALSE(rg.ok());
  EXPECT_EQ(rg.error().field, "parent");
  EXPECT_EQ(S().CountTerritory()->grids, 4);
  EXPECT_EQ(*S().TerritoryVersion(), v);
}

TEST_F(StoreContract, LoadGridsUnderAnswersTheSubtreeInCodeOrder) {
  ApplyTerritory();
  auto under = [&](const std::string& code) {
    auto g = S().LoadGridsUnder(code);
    EXPECT_TRUE(g.ok()) << code;
    return g.ok() ? CodesOf(*g) : std::vector<std::string>{};
  };
  EXPECT_EQ(under("371302004001"), (std::vector<std::string>{"371302004001001", "371302004001002"}));
  EXPECT_EQ(under("371302004"),
            (std::vector<std::string>{"371302004001001", "371302004001002", "371302004002001"}));
  EXPECT_EQ(under("371302005"), (std::vector<std::string>{"371302005001001"}));
  EXPECT_EQ(under("3713").size(), 4u);
  EXPECT_EQ(under("371302004002001"), (std::vector<std::string>{"371302004002001"}));
  EXPECT_TRUE(under("371311").empty());
  EXPECT_TRUE(under("3701").empty());
  auto g = S().LoadGridsUnder("371302004002");
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->size(), 1u);
  EXPECT_EQ((*g)[0].kind, GridKind::kDedicated);
  EXPECT_TRUE(geo::bg::equals((*g)[0].shape, Square(118.0, 35.015625)));
}

// ---------------------------------------------------------------------------------------------------------
// Reference data

Category MakeCategory(const std::string& code, const std::string& name, const std::string& parent = "") {
  Category c;
  c.code = code;
  c.name = name;
  c.parent = parent;
  return c;
}

Unit MakeUnit(const std::string& name, UnitKind kind, const std::string& territory) {
  return Unit{0, name, kind, territory, "", true};
}

TEST_F(StoreContract, ReferenceDataStartsEmptyAtVersionZero) {
  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_TRUE(ref->units.empty());
  EXPECT_TRUE(ref->categories.empty());
  EXPECT_TRUE(ref->rules.empty());
  EXPECT_TRUE(ref->calendars.empty());
  EXPECT_EQ(ref->version, 0);
}

TEST_F(StoreContract, PutUnitAssignsNewIdsAndReplacesById) {
  Unit center = MakeUnit("柳青街道网格化服务管理中心", UnitKind::kCommandCenter, "371302004");
  Unit heating = MakeUnit("兰山区供热公司", UnitKind::kCompany, "371302");
  heating.calendar = "cn-national";
  MustWrite([&](CaseTx& tx) { return tx.PutUnit(center); });
  MustWrite([&](CaseTx& tx) { return tx.PutUnit(heating); });
  EXPECT_GT(center.id, 0);
  EXPECT_GT(heating.id, 0);
  EXPECT_NE(center.id, heating.id);

  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->units.size(), 2u);
  std::map<int64_t, Unit> by_id;
  for (const Unit& u : ref->units) by_id[u.id] = u;
  EXPECT_EQ(by_id[heating.id].name, "兰山区供热公司");
  EXPECT_EQ(by_id[heating.id].kind, UnitKind::kCompany);
  EXPECT_EQ(by_id[heating.id].territory, "371302");
  EXPECT_EQ(by_id[heating.id].calendar, "cn-national");
  EXPECT_TRUE(by_id[heating.id].active);
  EXPECT_EQ(by_id[center.id].kind, UnitKind::kCommandCenter);
  EXPECT_EQ(by_id[center.id].calendar, "");

  Unit renamed = heating;
  renamed.name = "兰山区热力公司";
  renamed.active = false;
  MustWrite([&](CaseTx& tx) { return tx.PutUnit(renamed); });
  EXPECT_EQ(renamed.id, heating.id);
  ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->units.size(), 2u);
  for (const Unit& u : ref->units)
    if (u.id == heating.id) {
      EXPECT_EQ(u.name, "兰山区热力公司");
      EXPECT_FALSE(u.active);
    }

  // An invalid unit is refused, naming the field.
  Unit nameless = MakeUnit("", UnitKind::kDepartment, "371302");
  auto bad = S().Write([&](CaseTx& tx) { return tx.PutUnit(nameless); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "name");
  EXPECT_EQ(S().LoadReference()->units.size(), 2u);
}

TEST_F(StoreContract, AUnitPutWithAnExplicitIdKeepsItAndNewUnitsNeverTakeIt) {
  Unit fixed = MakeUnit("兰山区住建局", UnitKind::kDepartment, "371302");
  fixed.id = 3;
  MustWrite([&](CaseTx& tx) { return tx.PutUnit(fixed); });
  EXPECT_EQ(fixed.id, 3);
  std::vector<int64_t> ids{3};
  for (int i = 0; i < 5; ++i) {
    Unit u = MakeUnit("单位" + std::to_string(i), UnitKind::kDepartment, "371302");
    MustWrite([&](CaseTx& tx) { return tx.PutUnit(u); });
    EXPECT_GT(u.id, 0);
    ids.push_back(u.id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "an id was given twice";
  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->units.size(), 6u);
  for (const Unit& u : ref->units) {
    if (u.id == 3) {
      EXPECT_EQ(u.name, "兰山区住建局");
    }
  }
}

TEST_F(StoreContract, PutCategoryRoundTripsAndNeedsAnExistingParent) {
  Category minor = MakeCategory("0101", "暖气不热", "01");
  auto orphan = S().Write([&](CaseTx& tx) { return tx.PutCategory(minor); });
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, "invalid_argument");
  EXPECT_EQ(orphan.error().field, "parent");
  EXPECT_TRUE(S().LoadReference()->categories.empty());

  Category major = MakeCategory("01", "供热");
  major.level = Level::kCounty;
  minor.priority = Priority::kHigh;
  minor.acknowledge = {TimeLimitKind::kUrgentHours, 4};
  minor.handle = {TimeLimitKind::kNaturalDays, 2};
  minor.verify = {TimeLimitKind::kWorkingHours, 8};
  minor.level = Level::kCommunity;
  minor.active = false;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.PutCategory(major); !r) return r;
    return tx.PutCategory(minor);
  });
  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->categories.size(), 2u);
  EXPECT_EQ(ref->categories[0].code, "01");  // in code order
  EXPECT_EQ(ref->categories[0].level, Level::kCounty);
  EXPECT_EQ(ref->categories[0].parent, "");
  const Category& m = ref->categories[1];
  EXPECT_EQ(m.code, "0101");
  EXPECT_EQ(m.name, "暖气不热");
  EXPECT_EQ(m.parent, "01");
  EXPECT_EQ(m.priority, Priority::kHigh);
  EXPECT_EQ(m.acknowledge.kind, TimeLimitKind::kUrgentHours);
  EXPECT_EQ(m.acknowledge.amount, 4);
  EXPECT_EQ(m.handle.kind, TimeLimitKind::kNaturalDays);
  EXPECT_EQ(m.handle.amount, 2);
  EXPECT_EQ(m.verify.kind, TimeLimitKind::kWorkingHours);
  EXPECT_EQ(m.verify.amount, 8);
  EXPECT_EQ(m.level, Level::kCommunity);
  EXPECT_FALSE(m.active);

  EXPECT_EQ(m.description, "");  // none given: none stored
  EXPECT_TRUE(m.keywords.empty());
  EXPECT_TRUE(m.attributes.empty());

  // Replaced by code.
  minor.name = "室温不达标";
  MustWrite([&](CaseTx& tx) { return tx.PutCategory(minor); });
  ref = S().LoadReference();
  ASSERT_EQ(ref->categories.size(), 2u);
  EXPECT_EQ(ref->categories[1].name, "室温不达标");
}

// The extra questions of a category, with its description and keywords, come back as they were written,
// and are replaced with the category.
TEST_F(StoreContract, PutCategoryKeepsDescriptionKeywordsAndAttributes) {
  Category major = MakeCategory("01", "供热");
  Category minor = MakeCategory("0101", "暖气不热", "01");
  minor.description = "室内温度低于标准（16℃）或暖气片不热。\n多行、\"引号\"与 \\ 反斜杠";
  minor.keywords = {"暖气", "室温低", "heating"};
  minor.attributes = testing::TestAttributes();
  const CategoryAttribute temperature = minor.attributes[0];
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.PutCategory(major); !r) return r;
    return tx.PutCategory(minor);
  });
  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  ASSERT_EQ(ref->categories.size(), 2u);
  EXPECT_EQ(ref->categories[0].description, "");
  EXPECT_TRUE(ref->categories[0].keywords.empty());
  EXPECT_TRUE(ref->categories[0].attributes.empty());
  const Category& m = ref->categories[1];
  EXPECT_EQ(m.description, minor.description);
  EXPECT_EQ(m.keywords, minor.keywords);
  EXPECT_EQ(m.attributes, minor.attributes);

  // Replaced whole: one keyword, no attributes.
  minor.keywords = {"暖气"};
  minor.attributes.clear();
  MustWrite([&](CaseTx& tx) { return tx.PutCategory(minor); });
  ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->categories[1].keywords, std::vector<std::string>{"暖气"});
  EXPECT_TRUE(ref->categories[1].attributes.empty());

  // The store checks them like the rest of the category.
  minor.attributes = {temperature, temperature};
  auto twice = S().Write([&](CaseTx& tx) { return tx.PutCategory(minor); });
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "attributes[1].code");
  minor.attributes.clear();
  minor.keywords = {"暖气,供热"};
  auto comma = S().Write([&](CaseTx& tx) { return tx.PutCategory(minor); });
  ASSERT_FALSE(comma.ok());
  EXPECT_EQ(comma.error().field, "keywords");
}

class StoreContractReference : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure()) return;
    a_ = MakeUnit("兰山区供热公司", UnitKind::kCompany, "371302");
    b_ = MakeUnit("兰山区住建局", UnitKind::kDepartment, "371302");
    c_ = MakeUnit("兰山区城管局", UnitKind::kDepartment, "371302");
    MustWrite([&](CaseTx& tx) -> Result<void> {
      for (Unit* u : {&a_, &b_, &c_})
        if (auto r = tx.PutUnit(*u); !r) return r;
      if (auto r = tx.PutCategory(MakeCategory("01", "供热")); !r) return r;
      return tx.PutCategory(MakeCategory("0101", "暖气不热", "01"));
    });
  }
  Unit a_, b_, c_;
};

TEST_F(StoreContractReference, PutRoutingRuleChecksItsUnitsAndCategory) {
  const int64_t missing = a_.id + b_.id + c_.id + 100;
  auto put = [&](RoutingRule rule) { return S().Write([&](CaseTx& tx) { return tx.PutRoutingRule(rule); }); };
  auto field = [&](RoutingRule rule) {
    auto r = put(rule);
    return r.ok() ? std::string("ok") : r.error().code + " " + r.error().field;
  };
  EXPECT_EQ(field({0, "01", "371302", missing, {}, ""}), "invalid_argument unit");
  EXPECT_EQ(field({0, "01", "371302", a_.id, {missing}, ""}), "invalid_argument co_units");
  EXPECT_EQ(field({0, "0199", "371302", a_.id, {}, ""}), "invalid_argument category");
  EXPECT_EQ(field({0, "02", "371302", a_.id, {}, ""}), "invalid_argument category");
  EXPECT_TRUE(S().LoadReference()->rules.empty());

  RoutingRule rule{0, "0101", "371302004", a_.id, {b_.id, c_.id}, "供热季：柳青街道由供热公司主办"};
  MustWrite([&](CaseTx& tx) { return tx.PutRoutingRule(rule); });
  EXPECT_GT(rule.id, 0);
  RoutingRule major{0, "01", "371302", b_.id, {}, ""};
  MustWrite([&](CaseTx& tx) { return tx.PutRoutingRule(major); });
  EXPECT_GT(major.id, 0);
  EXPECT_NE(major.id, rule.id);
  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->rules.size(), 2u);
  const RoutingRule& got = ref->rules[0].id == rule.id ? ref->rules[0] : ref->rules[1];
  EXPECT_EQ(got.category, "0101");
  EXPECT_EQ(got.territory, "371302004");
  EXPECT_EQ(got.unit, a_.id);
  EXPECT_EQ(got.co_units, (std::vector<int64_t>{b_.id, c_.id}));
  EXPECT_EQ(got.note, "供热季：柳青街道由供热公司主办");

  // Replaced by id.
  rule.unit = c_.id;
  rule.co_units = {};
  MustWrite([&](CaseTx& tx) { return tx.PutRoutingRule(rule); });
  ref = S().LoadReference();
  ASSERT_EQ(ref->rules.size(), 2u);
  for (const RoutingRule& r : ref->rules)
    if (r.id == rule.id) {
      EXPECT_EQ(r.unit, c_.id);
      EXPECT_TRUE(r.co_units.empty());
    }
}

TEST_F(StoreContractReference, DeleteRoutingRuleAnswersWhetherOneWasDeleted) {
  RoutingRule rule{0, "01", "371302", a_.id, {}, ""};
  MustWrite([&](CaseTx& tx) { return tx.PutRoutingRule(rule); });
  std::optional<bool> first, second;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto d = tx.DeleteRoutingRule(rule.id);
    if (!d) return d.error();
    first = *d;
    return {};
  });
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto d = tx.DeleteRoutingRule(rule.id);
    if (!d) return d.error();
    second = *d;
    return {};
  });
  EXPECT_EQ(first, true);
  EXPECT_EQ(second, false);
  EXPECT_TRUE(S().LoadReference()->rules.empty());
}

TEST_F(StoreContract, PutCalendarStoresItsOverridesAndReplacesThem) {
  Calendar cal;
  cal.id = "linyi-2026";
  cal.name = "临沂市2026年";
  cal.utc_offset_minutes = 480;
  cal.working_weekdays = {true, true, true, true, true, true, false};
  cal.office_hours = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
  cal.overrides[D("2026-10-01")] = {D("2026-10-01"), false, "国庆节放假（国办发明电〔2025〕7号）"};
  cal.overrides[D("2026-10-10")] = {D("2026-10-10"), true, "国庆节调休上班"};
  cal.overrides[D("2026-09-25")] = {D("2026-09-25"), false, "中秋节"};
  MustWrite([&](CaseTx& tx) { return tx.PutCalendar(cal); });
  Calendar second = testing::TestCalendar();
  MustWrite([&](CaseTx& tx) { return tx.PutCalendar(second); });

  auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->calendars.size(), 2u);
  std::map<std::string, Calendar> by_id;
  for (const Calendar& c : ref->calendars) by_id[c.id] = c;
  const Calendar& got = by_id["linyi-2026"];
  EXPECT_EQ(got.name, "临沂市2026年");
  EXPECT_EQ(got.utc_offset_minutes, 480);
  EXPECT_EQ(got.working_weekdays, cal.working_weekdays);
  ASSERT_EQ(got.office_hours.size(), 2u);
  EXPECT_EQ(got.office_hours[0].start_minute, 8 * 60 + 30);
  EXPECT_EQ(got.office_hours[1].end_minute, 17 * 60 + 30);
  ASSERT_EQ(got.overrides.size(), 3u);
  for (const auto& [day, o] : cal.overrides) {
    ASSERT_TRUE(got.overrides.count(day)) << FormatDay(day);
    EXPECT_EQ(got.overrides.at(day).day, day);
    EXPECT_EQ(got.overrides.at(day).working, o.working) << FormatDay(day);
    EXPECT_EQ(got.overrides.at(day).note, o.note);
  }
  EXPECT_TRUE(by_id["test"].overrides.empty());

  // A calendar put again replaces its overrides: the ones left out are gone.
  cal.overrides.erase(D("2026-09-25"));
  cal.overrides.erase(D("2026-10-10"));
  cal.name = "临沂市2026年（修订）";
  MustWrite([&](CaseTx& tx) { return tx.PutCalendar(cal); });
  ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  for (const Calendar& c : ref->calendars)
    if (c.id == "linyi-2026") {
      EXPECT_EQ(c.name, "临沂市2026年（修订）");
      ASSERT_EQ(c.overrides.size(), 1u);
      EXPECT_FALSE(c.overrides.begin()->second.working);
      EXPECT_EQ(c.overrides.begin()->first, D("2026-10-01"));
    }

  // An invalid calendar is refused, naming the field.
  Calendar bad = cal;
  bad.office_hours = {{18 * 60, 8 * 60}};
  auto r = S().Write([&](CaseTx& tx) { return tx.PutCalendar(bad); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "office_hours");
}

TEST_F(StoreContract, ReferenceVersionGrowsWithEveryChange) {
  int64_t last = S().LoadReference()->version;
  auto grew = [&](const char* what) {
    const int64_t now = S().LoadReference()->version;
    EXPECT_GT(now, last) << what;
    last = now;
  };
  Unit u = MakeUnit("兰山区供热公司", UnitKind::kCompany, "371302");
  MustWrite([&](CaseTx& tx) { return tx.PutUnit(u); });
  grew("unit");
  MustWrite([&](CaseTx& tx) { return tx.PutCategory(MakeCategory("01", "供热")); });
  grew("category");
  RoutingRule rule{0, "01", "371302", u.id, {}, ""};
  MustWrite([&](CaseTx& tx) { return tx.PutRoutingRule(rule); });
  grew("rule");
  MustWrite([&](CaseTx& tx) { return tx.PutCalendar(testing::TestCalendar()); });
  grew("calendar");
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto d = tx.DeleteRoutingRule(rule.id);
    if (!d) return d.error();
    return {};
  });
  grew("deleted rule");
  // A write that fails changes nothing, the version neither.
  auto failed = S().Write([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.PutCategory(MakeCategory("02", "市容")); !r) return r;
    return Error::Internal("given up");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(S().LoadReference()->version, last);
  EXPECT_EQ(S().LoadReference()->categories.size(), 1u);
}


// ---------------------------------------------------------------------------------------------------------
// Cases, events, idempotency keys

// A case with every field set to something other than its default.
Case EveryFieldSet() {
  Case c = NewCase("371302004001002", At("2026-11-19", 9, 15), "3号楼2单元暖气不热，\"室温\"只有12℃;\n已持续三天 'x'");
  c.status = CaseStatus::kSuspended;
  c.resume_status = CaseStatus::kAcknowledged;
  c.channel = Channel::kOpen311;
  c.category = "0101";
  c.priority = Priority::kUrgent;
  c.has_point = true;
  c.lon = 118.34567890123456;
  c.lat = 35.045678901234567;
  c.address = "兰山区柳青街道甲社区3号楼";
  c.reporter_name = "王女士";
  c.reporter_phone = "13800001234";
  c.reporter_account = "wang";
  c.attachments = {"a1b2c3d4e5f60718", "0f0e0d0c0b0a0908", "ffeeddccbbaa9988"};
  c.level = Level::kCounty;
  c.center = 7;
  c.unit = 12;
  c.co_units = {14, 3};
  c.rule = 5;
  c.route_reason = "规则5：供热类→供热公司";
  c.calendar = "cn-national";
  c.duplicate_of = 2;
  c.clocks.acknowledge = {true, true, At("2026-11-19", 10), 7200, 0, 0, At("2026-11-19", 10, 30)};
  c.clocks.handle = {true, true, At("2026-11-19", 10), 4 * 28800, 600, At("2026-11-20", 14), 0};
  c.clocks.verify = {false, false, At("2026-11-21", 8), 28800, 60, 0, 0};
  c.extension_pending = 86400;
  c.returns = 1;
  c.reworks = 2;
  c.escalations = 3;
  c.extensions = 4;
  c.reopens = 5;
  c.supervisions = 6;
  c.urges = 7;
  c.overdue = true;
  c.self_handled = true;
  c.resolved_on_time = true;
  c.ended_level = Level::kCommunity;
  c.evaluation = Evaluation::kBasicallySatisfied;
  c.updated_at = At("2026-11-20", 14);
  c.dispatched_at = At("2026-11-19", 10);
  c.resolved_at = At("2026-11-20", 11);
  c.closed_at = At("2026-11-20", 12);
  c.handling_seconds = 12345;
  c.handle_due = At("2026-11-25", 10);
  c.handle_warn = At("2026-11-24", 15, 36);
  return c;
}

TEST_F(StoreContract, InsertCaseAssignsIdsOneTwoThree) {
  EXPECT_EQ(Insert(NewCase("371302004001001", At("2026-11-02", 9))), 1);
  EXPECT_EQ(Insert(NewCase("371302004001001", At("2026-11-02", 10))), 2);
  EXPECT_EQ(Insert(NewCase("371302004002001", At("2026-11-02", 11))), 3);
  EXPECT_EQ(*S().CountCases(), 3);
  EXPECT_EQ(Get(2).reported_at, At("2026-11-02", 10));
}

TEST_F(StoreContract, EveryCaseFieldIsStoredAndReadBackWhole) {
  const Case c = EveryFieldSet();
  const int64_t id = Insert(c);
  ASSERT_GT(id, 0);
  {
    SCOPED_TRACE("GetCase");
    const Case got = Get(id);
    EXPECT_EQ(got.id, id);
    ExpectSameCase(got, c);
  }
  {
    SCOPED_TRACE("GetCaseByTrackingCode");
    auto got = S().GetCaseByTrackingCode(c.tracking_code);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->id, id);
    ExpectSameCase(**got, c);
  }
  {
    SCOPED_TRACE("ListCases");
    auto page = S().ListCases({});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->cases.size(), 1u);
    ExpectSameCase(page->cases[0], c);
  }
  {
    SCOPED_TRACE("CaseTx::GetCase");
    std::optional<Case> got;
    MustWrite([&](CaseTx& tx) -> Result<void> {
      auto g = tx.GetCase(id);
      if (!g) return g.error();
      got = *g;
      return {};
    });
    ASSERT_TRUE(got.has_value());
    ExpectSameCase(*got, c);
  }
  // An update replaces every field.
  Case after = Next(Get(id), At("2026-11-21", 9));
  after.status = CaseStatus::kClosed;
  after.priority = Priority::kNormal;
  after.lon = 118.5;
  after.lat = 35.25;
  after.reporter_name = "王**";
  after.reporter_phone = "";
  after.attachments = {};
  after.co_units = {3};
  after.clocks.verify = {true, true, At("2026-11-21", 8), 28800, 0, 0, At("2026-11-21", 9)};
  after.evaluation = Evaluation::kUnsatisfied;
  after.handle_due = after.handle_warn = 0;
  CaseEvent e = EventFor(after, Action::kClose, CaseStatus::kEvaluated);
  const Case before = Get(id);
  MustWrite([&](CaseTx& tx) { return tx.UpdateCase(before, after, e); });
  SCOPED_TRACE("after UpdateCase");
  ExpectSameCase(Get(id), after);
}

TEST_F(StoreContract, ACaseWithoutAPointReadsBackWithoutCoordinates) {
  Case c = NewCase("371302004002", At("2026-11-03", 9), "楼道堆放杂物");
  c.address = "兰山区柳青街道乙社区5号楼";
  c.has_point = false;
  c.lon = 118.3;
  c.lat = 35.1;
  const int64_t id = Insert(c);
  const Case got = Get(id);
  EXPECT_FALSE(got.has_point);
  EXPECT_EQ(got.lon, 0);
  EXPECT_EQ(got.lat, 0);
  EXPECT_EQ(got.grid, "");
  EXPECT_EQ(got.address, "兰山区柳青街道乙社区5号楼");
}

TEST_F(StoreContract, TrackingCodeFindsTheCaseAndUnknownsFindNothing) {
  Case a = NewCase("371302004001001", At("2026-11-02", 9));
  a.tracking_code = "K7Q2-M9XD-4RTA";
  Case b = NewCase("371302004001001", At("2026-11-02", 9));
  b.tracking_code = "K7Q2-M9XD-4RTB";
  Insert(a);
  const int64_t id = Insert(b);
  auto found = S().GetCaseByTrackingCode("K7Q2-M9XD-4RTB");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, id);
  EXPECT_FALSE(S().GetCaseByTrackingCode("K7Q2-M9XD-4RTC")->has_value());
  EXPECT_FALSE(S().GetCaseByTrackingCode("k7q2-m9xd-4rtb")->has_value());
  EXPECT_FALSE(S().GetCase(99)->has_value());
  EXPECT_TRUE(S().Events(99)->empty());
}

TEST_F(StoreContract, EventsAreReadBackInOrderWithEveryField) {
  Case c = NewCase("371302004001001", At("2026-11-19", 9));
  CaseEvent report = EventFor(c, Action::kReport, CaseStatus::kReported);
  report.actor = "resident:li";
  report.role = Role::kResident;
  report.attachments = {"photo0001", "photo0002"};
  report.note = "现场照片两张";
  int64_t id = 0;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto r = tx.InsertCase(c, report, "");
    if (!r) return r.error();
    id = *r;
    return {};
  });
  ASSERT_GT(id, 0);
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(report.case_id, id);

  std::vector<CaseEvent> expected{report};
  Case before = Get(id);
  for (auto [action, status, details] :
       {std::tuple{Action::kAccept, CaseStatus::kAccepted, std::string("{}")},
        {Action::kDispatch, CaseStatus::kDispatched,
         std::string(R"({"rule":5,"unit":12,"deadlines":{"handle":"2026-11-26T09:00:00+08:00"},"co_units":[3,14]})")}}) {
    Case after = Next(before, before.updated_at + 600);
    after.status = status;
    CaseEvent e = EventFor(after, action, before.status, "第" + std::to_string(after.version) + "步");
    e.details = details;
    MustWrite([&](CaseTx& tx) { return tx.UpdateCase(before, after, e); });
    expected.push_back(e);
    before = after;
  }
  auto events = S().Events(id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("event " + std::to_string(i + 1));
    EXPECT_EQ((*events)[i].seq, static_cast<int64_t>(i + 1));
    ExpectSameEvent((*events)[i], expected[i]);
  }
}

TEST_F(StoreContract, AnIdempotencyKeyNamesTheCaseItCreated) {
  const int64_t first = Insert(NewCase("371302004001001", At("2026-11-02", 9)), "retry-7f3a");
  Insert(NewCase("371302004001001", At("2026-11-02", 9)));  // no key
  std::optional<int64_t> found, unknown, empty, same_write;
  int64_t second = 0;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto a = tx.FindIdempotencyKey("retry-7f3a");
    auto b = tx.FindIdempotencyKey("retry-7f3b");
    auto c = tx.FindIdempotencyKey("");
    if (!a || !b || !c) return Error::Internal("FindIdempotencyKey failed");
    found = *a;
    unknown = *b;
    empty = *c;
    // A key inserted in this write is seen by this write.
    Case fresh = NewCase("371302004002001", At("2026-11-03", 9));
    CaseEvent e = EventFor(fresh, Action::kReport, CaseStatus::kReported);
    auto id = tx.InsertCase(fresh, e, "open311-req-00042");
    if (!id) return id.error();
    second = *id;
    auto d = tx.FindIdempotencyKey("open311-req-00042");
    if (!d) return d.error();
    same_write = *d;
    return {};
  });
  EXPECT_EQ(found, first);
  EXPECT_EQ(unknown, std::nullopt);
  EXPECT_EQ(empty, std::nullopt);
  EXPECT_EQ(same_write, second);
  EXPECT_EQ(*S().CountCases(), 3);
}

TEST_F(StoreContract, ReadsInsideAWriteSeeItsOwnWrites) {
  std::optional<Case> inserted, updated;
  std::optional<store::User> user;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    Case c = NewCase("371302004001001", At("2026-11-02", 9));
    CaseEvent e = EventFor(c, Action::kReport, CaseStatus::kReported);
    auto id = tx.InsertCase(c, e, "");
    if (!id) return id.error();
    auto got = tx.GetCase(*id);
    if (!got) return got.error();
    inserted = *got;
    if (!inserted) return Error::Internal("the inserted case is not seen");
    Case after = Next(*inserted, At("2026-11-02", 10));
    after.status = CaseStatus::kAccepted;
    CaseEvent a = EventFor(after, Action::kAccept, CaseStatus::kReported);
    if (auto r = tx.UpdateCase(*inserted, after, a); !r) return r;
    auto again = tx.GetCase(*id);
    if (!again) return again.error();
    updated = *again;
    store::User u;
    u.username = "li";
    u.display_name = "李操作员";
    u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    u.grants = {*ParseGrant("operator@371302004")};
    if (auto r = tx.InsertUser(u); !r) return r.error();
    auto g = tx.GetUserForUpdate("li");
    if (!g) return g.error();
    user = *g;
    return {};
  });
  ASSERT_TRUE(inserted.has_value());
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(inserted->version, 1);
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->status, CaseStatus::kAccepted);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->display_name, "李操作员");
  EXPECT_EQ(user->grants, std::vector<Grant>{*ParseGrant("operator@371302004")});
}

TEST_F(StoreContract, AStaleUpdateIsAConflictOnVersionAndWritesNothing) {
  const int64_t id = Insert(NewCase("371302004001001", At("2026-11-02", 9)));
  const Case v1 = Get(id);
  Case accepted = Next(v1, At("2026-11-02", 10));
  accepted.status = CaseStatus::kAccepted;
  MustWrite([&](CaseTx& tx) { return tx.UpdateCase(v1, accepted, EventFor(accepted, Action::kAccept, v1.status)); });
  const StatCounts totals = Totals();

  // A second writer that read version 1 too.
  Case rejected = Next(v1, At("2026-11-02", 11));
  rejected.status = CaseStatus::kRejected;
  const CaseEvent reject = EventFor(rejected, Action::kReject, v1.status);
  auto r = S().Write([&](CaseTx& tx) { return tx.UpdateCase(v1, rejected, reject); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "conflict");
  EXPECT_EQ(r.error().field, "version");
  const Case now = Get(id);
  EXPECT_EQ(now.status, CaseStatus::kAccepted);
  EXPECT_EQ(now.version, 2);
  EXPECT_EQ(S().Events(id)->size(), 2u);
  EXPECT_TRUE(Totals() == totals);
  EXPECT_EQ(Totals()["rejected"], 0);
  EXPECT_EQ(Totals()["accepted"], 1);
}

TEST_F(StoreContract, AWriteThatFailsLeavesNoTrace) {
  ApplyTerritory();
  const int64_t id = Insert(NewCase("371302004001001", At("2026-11-02", 9)), "first");
  store::User wang;
  wang.username = "wang";
  wang.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  wang.grants = {*ParseGrant("grid_worker@371302004001001")};
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.InsertUser(wang); !r) return r.error();
    if (auto r = tx.AppendAudit({At("2026-11-02", 9), "admin", "user.add", "user:wang", "{}", ""}); !r)
      return r.error();
    return {};
  });
  const StatCounts totals = Totals();
  const int64_t reference_version = S().LoadReference()->version;
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u);

  auto r = S().Write([&](CaseTx& tx) -> Result<void> {
    Unit u = MakeUnit("兰山区供热公司", UnitKind::kCompany, "371302");
    if (auto p = tx.PutUnit(u); !p) return p;
    if (auto p = tx.PutCategory(MakeCategory("01", "供热")); !p) return p;
    if (auto p = tx.PutCalendar(testing::TestCalendar()); !p) return p;
    Case c = NewCase("371302004002001", At("2026-11-03", 9));
    c.category = "01";
    CaseEvent e = EventFor(c, Action::kReport, CaseStatus::kReported);
    if (auto i = tx.InsertCase(c, e, "lost-key"); !i) return i.error();
    auto before = tx.GetCase(id);
    if (!before || !*before) return Error::Internal("case 1 not found");
    Case after = Next(**before, At("2026-11-03", 10));
    after.status = CaseStatus::kAccepted;
    if (auto p = tx.UpdateCase(**before, after, EventFor(after, Action::kAccept, CaseStatus::kReported)); !p) return p;
    if (auto a = tx.AppendAudit({At("2026-11-03", 10), "admin", "user.add", "user:li", "{}", ""}); !a) return a.error();
    store::User li = wang;
    li.username = "li";
    if (auto p = tx.InsertUser(li); !p) return p.error();
    const store::Session session{std::string(64, 'a'), wang.id, At("2026-11-03", 10), At("2026-11-04", 10), 0, ""};
    if (auto p = tx.InsertSession(session); !p) return p;
    store::ApiKey key{0, "drone-01", std::string(64, 'b'), "cgk_abcd", {Permission::kCaseReport}, "", 0, "admin", 0};
    if (auto p = tx.InsertApiKey(key); !p) return p.error();
    store::User changed = wang;
    changed.display_name = "改名";
    changed.grants = {};
    if (auto p = tx.UpdateUser(changed); !p) return p;
    return Error::Conflict("given up on purpose", "test");
  });
  ASSERT_FALSE(r.ok());
  // The function's own error, as it was answered.
  EXPECT_EQ(r.error().code, "conflict");
  EXPECT_EQ(r.error().field, "test");
  EXPECT_EQ(r.error().message, "given up on purpose");

  EXPECT_EQ(*S().CountCases(), 1);
  const Case c1 = Get(id);
  EXPECT_EQ(c1.status, CaseStatus::kReported);
  EXPECT_EQ(c1.version, 1);
  EXPECT_EQ(S().Events(id)->size(), 1u);
  EXPECT_TRUE(Totals() == totals);
  std::optional<int64_t> lost = 1, first;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto a = tx.FindIdempotencyKey("lost-key");
    auto b = tx.FindIdempotencyKey("first");
    if (!a || !b) return Error::Internal("FindIdempotencyKey failed");
    lost = *a;
    first = *b;
    return {};
  });
  EXPECT_EQ(lost, std::nullopt);
  EXPECT_EQ(first, id);
  const auto ref = S().LoadReference();
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->version, reference_version);
  EXPECT_TRUE(ref->units.empty());
  EXPECT_TRUE(ref->categories.empty());
  EXPECT_TRUE(ref->calendars.empty());
  EXPECT_EQ(Audit().size(), 1u);
  EXPECT_FALSE(S().GetUser("li")->has_value());
  auto w = S().GetUser("wang");
  ASSERT_TRUE(w.ok() && w->has_value());
  EXPECT_EQ((*w)->display_name, "");
  EXPECT_EQ((*w)->grants.size(), 1u);
  EXPECT_FALSE(S().GetSession(std::string(64, 'a'))->has_value());
  EXPECT_TRUE(S().ListApiKeys()->empty());
  EXPECT_EQ(S().CountTerritory()->grids, 4);
}

TEST_F(StoreContract, ConcurrentWritesCommitOrFailEachOnItsOwn) {
  const auto stats_before = S().GetWriteStats();
  constexpr int kThreads = 6, kWrites = 6;
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> outcome(kThreads, std::vector<int>(kWrites, -1));  // 1 committed, 0 failed
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int j = 0; j < kWrites; ++j) {
        const bool fail = (t + j) % 3 == 0;
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(j);
        auto r = S().Write([&](CaseTx& tx) -> Result<void> {
          Case c = NewCase(t % 2 ? "371302004001001" : "371302004002001", At("2026-11-02", 9 + j), "并发写入 " + key);
          CaseEvent e = EventFor(c, Action::kReport, CaseStatus::kReported);
          if (auto i = tx.InsertCase(c, e, key); !i) return i.error();
          if (auto a = tx.AppendAudit({At("2026-11-02", 9), "system", "test.write", "case:" + key, "{}", ""}); !a)
            return a.error();
          if (fail) return Error::Internal("this write fails");
          return {};
        });
        outcome[t][j] = r.ok() ? 1 : 0;
        if (r.ok()) ++committed;
        EXPECT_EQ(r.ok(), !fail) << key << ": " << (r.ok() ? "" : r.error().message);
      }
    });
  for (auto& th : threads) th.join();
  const int n = committed.load();
  ASSERT_EQ(n, kThreads * kWrites - 12);  // (t + j) % 3 == 0 for 12 of the 36 pairs
  EXPECT_EQ(*S().CountCases(), n);
  EXPECT_EQ(Totals()["reported"], n);

  std::vector<int64_t> ids;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (int t = 0; t < kThreads; ++t)
      for (int j = 0; j < kWrites; ++j) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(j);
        auto k = tx.FindIdempotencyKey(key);
        if (!k) return k.error();
        EXPECT_EQ(k->has_value(), outcome[t][j] == 1) << key;
        if (*k) ids.push_back(**k);
      }
    return {};
  });
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "two keys name the same case";
  EXPECT_EQ(static_cast<int>(ids.size()), n);

  // The audit log holds the committed writes' records only, numbered 1…n without a gap, and chained.
  const auto audit = Audit();
  ASSERT_EQ(static_cast<int>(audit.size()), n);
  security::AuditVerifier verifier;
  for (size_t i = 0; i < audit.size(); ++i) {
    EXPECT_EQ(audit[i].seq, static_cast<int64_t>(i + 1));
    verifier.Add(audit[i]);
  }
  auto broken = verifier.Finish();
  EXPECT_FALSE(broken.has_value()) << broken->reason;

  const auto stats_after = S().GetWriteStats();
  EXPECT_GE(stats_after.writes - stats_before.writes, n);
  EXPECT_GT(stats_after.commits, stats_before.commits);
  EXPECT_LE(stats_after.commits, stats_after.writes);
  const store::StatsQuery q{"", 0, 0, StatsBy::kCommunity};
  ExpectSameStats(StatsOf(q), RecountOf(q), "by community");
}

// A closed case as a migration brings it, with its four events; `numbered` sets their seq and case_id
// as Report()/Apply() do, else they are left for the store to set (seq 0, a foreign case_id).
std::pair<Case, std::vector<CaseEvent>> Imported(bool numbered) {
  Case c = NewCase("371302004001002", At("2026-10-12", 9), "井盖缺失");
  c.category = "0101";
  c.status = CaseStatus::kClosed;
  c.unit = 12;
  c.resolved_at = At("2026-10-13", 15);
  c.closed_at = At("2026-10-14", 9);
  c.updated_at = c.closed_at;
  c.resolved_on_time = true;
  c.ended_level = Level::kStreet;
  c.evaluation = Evaluation::kSatisfied;
  c.version = 4;
  std::vector<CaseEvent> events;
  const Action actions[] = {Action::kReport, Action::kDispatch, Action::kResolve, Action::kClose};
  for (int i = 0; i < 4; ++i) {
    CaseEvent e;
    e.case_id = numbered ? 0 : 77;
    e.seq = numbered ? i + 1 : 0;
    e.at = At("2026-10-12", 9) + i * 3600;
    e.actor = "migration";
    e.action = actions[i];
    e.note = "旧系统记录" + std::to_string(i + 1);
    e.details = R"({"source":"szcg-2019"})";
    events.push_back(e);
  }
  return {c, events};
}

TEST_F(StoreContract, ImportCaseStoresTheWholeHistoryAndCountsItsFinalFacts) {
  auto [c, events] = Imported(/*numbered=*/true);
  int64_t id = 0;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto r = tx.ImportCase(c, events);
    if (!r) return r.error();
    id = *r;
    return {};
  });
  ASSERT_EQ(id, 1);
  auto stored = S().Events(id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE("event " + std::to_string(i + 1));
    EXPECT_EQ(events[i].case_id, id);
    ExpectSameEvent((*stored)[i], events[i]);
  }
  ExpectSameCase(Get(id), c);
  const StatCounts totals = Totals();
  EXPECT_EQ(totals["reported"], 1);
  EXPECT_EQ(totals["closed"], 1);
  EXPECT_EQ(totals["open"], 0);
  const store::StatsQuery q{"371302", D("2026-10-01"), D("2026-10-31"), StatsBy::kCategory};
  ExpectSameStats(StatsOf(q), RecountOf(q), "imported");

  // A case without its report event is refused.
  Case bare = NewCase("371302004001002", At("2026-10-12", 9));
  std::vector<CaseEvent> none;
  auto r = S().Write([&](CaseTx& tx) -> Result<void> {
    auto i = tx.ImportCase(bare, none);
    if (!i) return i.error();
    return {};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_argument");
  EXPECT_EQ(*S().CountCases(), 1);
}

TEST_F(StoreContract, ImportCaseNumbersTheEventsOneToNItself) {
  auto [c, events] = Imported(/*numbered=*/false);
  int64_t id = 0;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto r = tx.ImportCase(c, events);
    if (!r) return r.error();
    id = *r;
    return {};
  });
  ASSERT_GT(id, 0);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].case_id, id);
    EXPECT_EQ(events[i].seq, static_cast<int64_t>(i + 1));
  }
  auto stored = S().Events(id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE("event " + std::to_string(i + 1));
    EXPECT_EQ((*stored)[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*stored)[i].case_id, id);
    EXPECT_EQ((*stored)[i].note, "旧系统记录" + std::to_string(i + 1));
  }
}

TEST_F(StoreContract, ReopeningKeepsEverything) {
  ApplyTerritory();
  Unit u = MakeUnit("兰山区供热公司", UnitKind::kCompany, "371302");
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.PutUnit(u); !r) return r;
    return tx.PutCalendar(testing::TestCalendar());
  });
  Case c = EveryFieldSet();
  const int64_t id = Insert(c, "kept-key");
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto a = tx.AppendAudit({At("2026-11-02", 9), "admin", "user.add", "user:wang", "{}", ""}); !a) return a.error();
    return {};
  });
  const int64_t territory_version = *S().TerritoryVersion();
  const int64_t reference_version = S().LoadReference()->version;
  const auto stats = StatsOf({"", 0, 0, StatsBy::kCategory});

  Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(*S().TerritoryVersion(), territory_version);
  EXPECT_EQ(S().CountTerritory()->divisions, 8);
  EXPECT_EQ(S().LoadGrids()->size(), 4u);
  EXPECT_EQ(S().LoadReference()->version, reference_version);
  EXPECT_EQ(S().LoadReference()->units.size(), 1u);
  ExpectSameCase(Get(id), c);
  ExpectSameStats(StatsOf({"", 0, 0, StatsBy::kCategory}), stats, "after reopening");
  std::optional<int64_t> key;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto k = tx.FindIdempotencyKey("kept-key");
    if (!k) return k.error();
    key = *k;
    return {};
  });
  EXPECT_EQ(key, id);
  // Numbering goes on where it was.
  EXPECT_EQ(Insert(NewCase("371302004001001", At("2026-11-03", 9))), id + 1);
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto a = tx.AppendAudit({At("2026-11-03", 9), "admin", "user.disable", "user:wang", "{}", ""});
    if (!a) return a.error();
    EXPECT_EQ(*a, 2);
    return {};
  });
  security::AuditVerifier verifier;
  for (const auto& r : Audit()) verifier.Add(r);
  EXPECT_FALSE(verifier.Finish().has_value());
  EXPECT_EQ(verifier.count(), 2);
}

TEST_F(StoreContract, TwoStoreNamesAreTwoSeparateStores) {
  auto other = testing::OpenTestStore(dir_, "other");
  ASSERT_TRUE(other.ok()) << other.error().message;
  store::TerritoryChange c;
  c.divisions = Divisions();
  ASSERT_TRUE((*other)->ApplyTerritory(c).ok());
  auto w = (*other)->Write([&](CaseTx& tx) -> Result<void> {
    Case x = NewCase("371302004001001", At("2026-11-02", 9));
    CaseEvent e = EventFor(x, Action::kReport, CaseStatus::kReported);
    auto i = tx.InsertCase(x, e, "");
    if (!i) return i.error();
    return {};
  });
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*(*other)->CountCases(), 1);
  EXPECT_EQ(*S().CountCases(), 0);
  EXPECT_EQ(S().CountTerritory()->divisions, 0);
  EXPECT_EQ(*S().TerritoryVersion(), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Lists: thirteen cases (ids 1…13) that differ in everything the filters read, at "now", Friday
// 2026-11-20 10:00. Warning and deadline offsets are in minutes from now; {} leaves them unset.
//
//  id territory        status        cat   unit co     channel       overdue warn  due   ext    reported     account
//   1 371302004001001  reported      -     -    -      resident_app  -       -     -     -      11-02 09:00  li
//   2 371302004001002  dispatched    0101  11   12     hotline       -       +60   +300  -      11-03 10:00  -
//   3 371302004002001  acknowledged  0102  11   -      grid_worker   -       -60   +120  86400  11-05 09:00  wang
//   4 371302004002     dispatched    0201  12   11     drone         yes     -4320 -1440 -      11-06 09:00  key:drone-01
//   5 371302005001001  acknowledged  0101  13   -      hotline       -       -120  -60   -      11-10 09:00  li
//   6 371311002003001  closed        0201  12   -      iot           yes     -4320 -1440 -      11-12 09:00  -
//   7 371302           rejected      -     -    -      superior      -       -     -     -      11-15 09:00  -
//   8 371302004001001  suspended     0101  11   -      open311       -       -     -     -      11-18 09:00  li
//   9 371302004001001  resolved      0102  13   11,12  resident_app  -       -     -     -      11-19 09:00  zhao
//  10 370102001001001  accepted      01    -    -      hotline       -       -     -     -      11-19 15:00  -
//  11 371302004001002  dispatched    0101  11   -      grid_worker   -       -300  -180  -      11-20 08:00  -
//  12 371302004002001  dispatched    0201  12   -      hotline       -       0     +60   -      11-20 09:00  -
//  13 371302004002001  acknowledged  0201  12   -      hotline       -       -60   0     -      11-20 09:30  -

struct Listed {
  std::string territory;
  CaseStatus status;
  std::string category;
  int64_t unit;
  Ids co_units;
  Channel channel;
  bool overdue;
  std::optional<int> warn, due;
  int64_t extension_pending;
  std::string day;
  int hour, minute;
  std::string description, account, calendar;
};

using St = CaseStatus;
using Ch = Channel;
const std::vector<Listed> kListed = {
    {"371302004001001", St::kReported, "", 0, {}, Ch::kResidentApp, false, {}, {}, 0, "2026-11-02", 9, 0, "楼道堆放杂物", "li", ""},
    {"371302004001002", St::kDispatched, "0101", 11, {12}, Ch::kHotline, false, 60, 300, 0, "2026-11-03", 10, 0,
     "3号楼暖气不热", "", "cn-national"},
    {"371302004002001", St::kAcknowledged, "0102", 11, {}, Ch::kGridWorker, false, -60, 120, 86400, "2026-11-05", 9, 0,
     "暖气管道漏水", "wang", "cn-national"},
    {"371302004002", St::kDispatched, "0201", 12, {11}, Ch::kDrone, true, -4320, -1440, 0, "2026-11-06", 9, 0, "裸土未覆盖",
     "key:drone-01", "cn-national"},
    {"371302005001001", St::kAcknowledged, "0101", 13, {}, Ch::kHotline, false, -120, -60, 0, "2026-11-10", 9, 0, "路灯不亮",
     "li", "test"},
    {"371311002003001", St::kClosed, "0201", 12, {}, Ch::kIot, true, -4320, -1440, 0, "2026-11-12", 9, 0, "井盖缺失", "",
     "cn-national"},
    {"371302", St::kRejected, "", 0, {}, Ch::kSuperior, false, {}, {}, 0, "2026-11-15", 9, 0, "重复上报：进度100%", "", ""},
    {"371302004001001", St::kSuspended, "0101", 11, {}, Ch::kOpen311, false, {}, {}, 0, "2026-11-18", 9, 0,
     "暖气不热二次反映", "li", "cn-national"},
    {"371302004001001", St::kResolved, "0102", 13, {11, 12}, Ch::kResidentApp, false, {}, {}, 0, "2026-11-19", 9, 0,
     "水管爆裂", "zhao", "cn-national"},
    {"370102001001001", St::kAccepted, "01", 0, {}, Ch::kHotline, false, {}, {}, 0, "2026-11-19", 15, 0, "供热投诉", "", ""},
    {"371302004001002", St::kDispatched, "0101", 11, {}, Ch::kGridWorker, false, -300, -180, 0, "2026-11-20", 8, 0,
     "暖气片漏水", "", "cn-national"},
    {"371302004002001", St::kDispatched, "0201", 12, {}, Ch::kHotline, false, 0, 60, 0, "2026-11-20", 9, 0, "工地扬尘", "",
     "cn-national"},
    {"371302004002001", St::kAcknowledged, "0201", 12, {}, Ch::kHotline, false, -60, 0, 0, "2026-11-20", 9, 30,
     "夜间施工噪音", "", "cn-national"},
};

class StoreContractLists : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure()) return;
    now_ = At("2026-11-20", 10);
    for (const Listed& l : kListed) {
      Case c = NewCase(l.territory, At(l.day, l.hour, l.minute), l.description);
      c.status = l.status;
      c.category = l.category;
      c.unit = l.unit;
      c.co_units = l.co_units;
      c.channel = l.channel;
      c.overdue = l.overdue;
      if (l.warn) c.handle_warn = now_ + *l.warn * 60;
      if (l.due) c.handle_due = now_ + *l.due * 60;
      c.extension_pending = l.extension_pending;
      c.reporter_account = l.account;
      c.calendar = l.calendar;
      ASSERT_EQ(Insert(c), static_cast<int64_t>(&l - kListed.data() + 1));
    }
  }

  // The ids `f` matches, newest first, from pages of 500, checked against CountMatching.
  Ids Find(CaseFilter f) {
    f.now = now_;
    f.limit = 500;
    Ids ids;
    auto page = S().ListCases(f);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok()) return ids;
    EXPECT_EQ(page->next, 0);
    for (const Case& c : page->cases) ids.push_back(c.id);
    f.before_id = 12345;  // ignored by CountMatching, as is the limit
    f.limit = 1;
    auto n = S().CountMatching(f);
    EXPECT_TRUE(n.ok());
    if (n.ok()) {
      EXPECT_EQ(*n, static_cast<int64_t>(ids.size()));
    }
    return ids;
  }

  // Every page of `f` with `limit`, as the ids of each page; each page's `next` is checked.
  std::vector<Ids> Pages(CaseFilter f, int limit) {
    f.now = now_;
    f.limit = limit;
    std::vector<Ids> pages;
    for (int guard = 0; guard < 20; ++guard) {
      auto page = S().ListCases(f);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      Ids ids;
      for (const Case& c : page->cases) ids.push_back(c.id);
      pages.push_back(ids);
      if (page->next == 0) break;
      EXPECT_FALSE(ids.empty());
      if (ids.empty()) break;
      EXPECT_EQ(page->next, ids.back()) << "next is the before_id of the next page";
      f.before_id = page->next;
    }
    return pages;
  }

  static CaseFilter Scoped(store::CaseScope scope) {
    CaseFilter f;
    f.scope = std::move(scope);
    return f;
  }

  Timestamp now_ = 0;
};

// The ids newest first, as lists answer them.
Ids Desc(Ids ids) {
  std::sort(ids.rbegin(), ids.rend());
  return ids;
}

TEST_F(StoreContractLists, NoFilterListsEveryCaseNewestFirst) {
  EXPECT_EQ(Find({}), Desc({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
  auto page = S().ListCases({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->cases.size(), 13u);
  EXPECT_EQ(page->cases[0].description, "夜间施工噪音");
  EXPECT_EQ(page->cases[12].reporter_account, "li");
}

TEST_F(StoreContractLists, StatusesFilter) {
  auto with = [&](std::vector<CaseStatus> statuses, std::string under = "") {
    CaseFilter f;
    f.statuses = std::move(statuses);
    f.under = std::move(under);
    return Find(f);
  };
  EXPECT_EQ(with({St::kDispatched}), Desc({2, 4, 11, 12}));
  EXPECT_EQ(with({St::kDispatched, St::kAcknowledged}), Desc({2, 3, 4, 5, 11, 12, 13}));
  EXPECT_EQ(with({St::kClosed}), Ids{6});
  EXPECT_EQ(with({St::kMerged}), Ids{});
  EXPECT_EQ(with({St::kReported, St::kAccepted, St::kSuspended, St::kResolved}), Desc({1, 8, 9, 10}));
  EXPECT_EQ(with({St::kReported, St::kAccepted, St::kSuspended, St::kResolved}, "371302"), Desc({1, 8, 9}));
  EXPECT_EQ(with({St::kReported, St::kAccepted, St::kSuspended, St::kResolved}, "371302004001"), Desc({1, 8, 9}));
  EXPECT_EQ(with({St::kDispatched}, "371302004"), Desc({2, 4, 11, 12}));
  EXPECT_EQ(with({St::kDispatched}, "371302004002"), Desc({4, 12}));
}

TEST_F(StoreContractLists, CategoryMajorCoversItsMinors) {
  auto with = [&](const char* category) {
    CaseFilter f;
    f.category = category;
    return Find(f);
  };
  EXPECT_EQ(with("01"), Desc({2, 3, 5, 8, 9, 10, 11}));
  EXPECT_EQ(with("0101"), Desc({2, 5, 8, 11}));
  EXPECT_EQ(with("0102"), Desc({3, 9}));
  EXPECT_EQ(with("02"), Desc({4, 6, 12, 13}));
  EXPECT_EQ(with("0201"), Desc({4, 6, 12, 13}));
  EXPECT_EQ(with("03"), Ids{});
}

TEST_F(StoreContractLists, UnitFilterIsTheLeadUnit) {
  auto with = [&](int64_t unit) {
    CaseFilter f;
    f.unit = unit;
    return Find(f);
  };
  EXPECT_EQ(with(11), Desc({2, 3, 8, 11}));
  EXPECT_EQ(with(12), Desc({4, 6, 12, 13}));
  EXPECT_EQ(with(13), Desc({5, 9}));
  EXPECT_EQ(with(1), Ids{});
}

TEST_F(StoreContractLists, UnderIsATerritorySubtree) {
  auto under = [&](const char* code) {
    CaseFilter f;
    f.under = code;
    return Find(f);
  };
  EXPECT_EQ(under("37").size(), 13u);
  EXPECT_EQ(under("3713"), Desc({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13}));
  EXPECT_EQ(under("371302"), Desc({1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13}));
  EXPECT_EQ(under("371302004"), Desc({1, 2, 3, 4, 8, 9, 11, 12, 13}));
  EXPECT_EQ(under("371302004001"), Desc({1, 2, 8, 9, 11}));
  EXPECT_EQ(under("371302004002"), Desc({3, 4, 12, 13}));
  EXPECT_EQ(under("371302004001001"), Desc({1, 8, 9}));
  EXPECT_EQ(under("371311"), Ids{6});
  EXPECT_EQ(under("3701"), Ids{10});
  EXPECT_EQ(under("3702"), Ids{});
}

TEST_F(StoreContractLists, ChannelAndOverdueFilters) {
  CaseFilter f;
  f.channel = Channel::kHotline;
  EXPECT_EQ(Find(f), Desc({2, 5, 10, 12, 13}));
  f.channel = Channel::kDrone;
  EXPECT_EQ(Find(f), Ids{4});
  f.channel = Channel::kOpen311;
  EXPECT_EQ(Find(f), Ids{8});

  CaseFilter o;
  o.overdue = true;
  EXPECT_EQ(Find(o), Desc({4, 6}));
  o.overdue = false;
  EXPECT_EQ(Find(o), Desc({1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13}));
}

TEST_F(StoreContractLists, ExtensionPendingMeansARequestOfAnyLengthWaits) {
  // Case 3 waits on a request of 86400 seconds.
  CaseFilter e;
  e.extension_pending = true;
  EXPECT_EQ(Find(e), Ids{3});
  e.extension_pending = false;
  EXPECT_EQ(Find(e), Desc({1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
}

TEST_F(StoreContractLists, WarningsOfOpenCasesAtNow) {
  CaseFilter f;
  // Yellow: past the 80% point (inclusive) and not yet due.
  f.warning = Warning::kYellow;
  EXPECT_EQ(Find(f), Desc({3, 12}));
  // Red: due at or before now, open cases only (case 6 is closed).
  f.warning = Warning::kRed;
  EXPECT_EQ(Find(f), Desc({4, 5, 11, 13}));
  f.warning = Warning::kNone;
  EXPECT_EQ(Find(f), Desc({1, 2, 6, 7, 8, 9, 10}));
  // An hour later case 2's 80% point is reached and case 12 is due.
  now_ += 3600;
  f.warning = Warning::kYellow;
  EXPECT_EQ(Find(f), Desc({2, 3}));
  f.warning = Warning::kRed;
  EXPECT_EQ(Find(f), Desc({4, 5, 11, 12, 13}));
}

TEST_F(StoreContractLists, ReportedAtFromIsInclusiveAndToExclusive) {
  CaseFilter f;
  f.from = At("2026-11-05", 9);  // case 3's instant
  f.to = At("2026-11-12", 9);    // case 6's instant
  EXPECT_EQ(Find(f), Desc({3, 4, 5}));
  CaseFilter from;
  from.from = At("2026-11-19", 15);
  EXPECT_EQ(Find(from), Desc({10, 11, 12, 13}));
  CaseFilter to;
  to.to = At("2026-11-03", 10);
  EXPECT_EQ(Find(to), Ids{1});
  to.to = At("2026-11-03", 10) + 1;
  EXPECT_EQ(Find(to), Desc({1, 2}));
}

TEST_F(StoreContractLists, TextIsAPlainSubstringOfTheDescription) {
  auto text = [&](const char* t) {
    CaseFilter f;
    f.text = t;
    return Find(f);
  };
  EXPECT_EQ(text("暖气"), Desc({2, 3, 8, 11}));
  EXPECT_EQ(text("暖气不热"), Desc({2, 8}));
  EXPECT_EQ(text("施工噪"), Ids{13});
  // Characters that are wildcards of LIKE match only themselves.
  EXPECT_EQ(text("100%"), Ids{7});
  EXPECT_EQ(text("%"), Ids{7});
  EXPECT_EQ(text("_"), Ids{});
  EXPECT_EQ(text("暖_"), Ids{});
  EXPECT_EQ(text("雪"), Ids{});
}

TEST_F(StoreContractLists, ScopeByTerritoriesUnitsCoUnitsOrReporter) {
  EXPECT_EQ(Find(Scoped({{"371302004002"}, {}, ""})), Desc({3, 4, 12, 13}));
  // A unit sees the cases it leads and those it assists in.
  EXPECT_EQ(Find(Scoped({{}, {12}, ""})), Desc({2, 4, 6, 9, 12, 13}));
  EXPECT_EQ(Find(Scoped({{}, {11}, ""})), Desc({2, 3, 4, 8, 9, 11}));
  EXPECT_EQ(Find(Scoped({{}, {1}, ""})), Ids{});  // not 11, 12 or 13
  EXPECT_EQ(Find(Scoped({{}, {}, "li"})), Desc({1, 5, 8}));
  EXPECT_EQ(Find(Scoped({{}, {}, "l"})), Ids{});
  // Any of them.
  EXPECT_EQ(Find(Scoped({{"371311"}, {13}, "wang"})), Desc({3, 5, 6, 9}));
  EXPECT_EQ(Find(Scoped({{"371302004001", "3701"}, {}, ""})), Desc({1, 2, 8, 9, 10, 11}));
  // An empty scope sees nothing; the territory "" is everywhere.
  EXPECT_EQ(Find(Scoped({})), Ids{});
  EXPECT_EQ(Find(Scoped({{""}, {}, ""})).size(), 13u);
}

TEST_F(StoreContractLists, ScopeAndOtherFiltersTogether) {
  CaseFilter f = Scoped({{"371302004001"}, {}, ""});
  f.under = "371302004";
  EXPECT_EQ(Find(f), Desc({1, 2, 8, 9, 11}));
  f.under = "371302004002";
  EXPECT_EQ(Find(f), Ids{});
  CaseFilter wide = Scoped({{"3713"}, {}, ""});
  wide.under = "371302004002";
  EXPECT_EQ(Find(wide), Desc({3, 4, 12, 13}));
  wide.statuses = {St::kAcknowledged};
  EXPECT_EQ(Find(wide), Desc({3, 13}));
  CaseFilter unit = Scoped({{}, {11}, ""});
  unit.under = "371302004001";
  EXPECT_EQ(Find(unit), Desc({2, 8, 9, 11}));
  unit.statuses = {St::kDispatched, St::kSuspended};
  EXPECT_EQ(Find(unit), Desc({2, 8, 11}));

  CaseFilter combined;
  combined.category = "01";
  combined.under = "371302004";
  combined.statuses = {St::kDispatched, St::kAcknowledged};
  EXPECT_EQ(Find(combined), Desc({2, 3, 11}));
  combined.channel = Channel::kGridWorker;
  EXPECT_EQ(Find(combined), Desc({3, 11}));
  combined.warning = Warning::kRed;
  EXPECT_EQ(Find(combined), Ids{11});
  combined.text = "管道";
  EXPECT_EQ(Find(combined), Ids{});
}

TEST_F(StoreContractLists, KeysetPagesCoverEveryCaseOnceNewestFirst) {
  EXPECT_EQ(Pages({}, 4), (std::vector<Ids>{{13, 12, 11, 10}, {9, 8, 7, 6}, {5, 4, 3, 2}, {1}}));
  EXPECT_EQ(Pages({}, 5), (std::vector<Ids>{{13, 12, 11, 10, 9}, {8, 7, 6, 5, 4}, {3, 2, 1}}));
  // A last page that is exactly full says there is no more.
  EXPECT_EQ(Pages({}, 13), (std::vector<Ids>{Desc({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})}));
  EXPECT_EQ(Pages({}, 12), (std::vector<Ids>{Desc({2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}), {1}}));
  CaseFilter f;
  f.category = "02";
  EXPECT_EQ(Pages(f, 2), (std::vector<Ids>{{13, 12}, {6, 4}}));
  CaseFilter s;
  s.statuses = {St::kDispatched, St::kAcknowledged};
  EXPECT_EQ(Pages(s, 3), (std::vector<Ids>{{13, 12, 11}, {5, 4, 3}, {2}}));
  CaseFilter u;
  u.under = "371302004001";
  EXPECT_EQ(Pages(u, 2), (std::vector<Ids>{{11, 9}, {8, 2}, {1}}));
  // A page starting before a given id.
  CaseFilter b;
  b.before_id = 9;
  b.limit = 3;
  auto page = S().ListCases(b);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->cases.size(), 3u);
  EXPECT_EQ(page->cases[0].id, 8);
  EXPECT_EQ(page->next, 6);
}

TEST_F(StoreContractLists, CasesToMarkOverdueAreOpenClockedPastDueAndNotYetMarkedByDueDate) {
  auto due = [&](Timestamp at, int limit) {
    auto ids = S().CasesToMarkOverdue(at, limit);
    EXPECT_TRUE(ids.ok());
    return ids.ok() ? *ids : Ids{};
  };
  EXPECT_EQ(due(now_, 10), (Ids{11, 5, 13}));
  EXPECT_EQ(due(now_, 2), (Ids{11, 5}));
  EXPECT_EQ(due(now_ - 2 * 3600, 10), Ids{11});
  EXPECT_EQ(due(now_ - 4 * 3600, 10), Ids{});
  EXPECT_EQ(due(now_ + 2 * 3600, 10), (Ids{11, 5, 13, 12, 3}));
}

TEST_F(StoreContractLists, OpenCasesOnACalendar) {
  auto on = [&](const char* calendar) {
    auto ids = S().OpenCasesOnCalendar(calendar);
    EXPECT_TRUE(ids.ok());
    return ids.ok() ? *ids : Ids{};
  };
  EXPECT_EQ(on("cn-national"), (Ids{2, 3, 4, 8, 9, 11, 12, 13}));
  EXPECT_EQ(on("test"), Ids{5});
  EXPECT_EQ(on(""), (Ids{1, 10}));
  EXPECT_EQ(on("linyi-2026"), Ids{});
}

TEST_F(StoreContractLists, ListsFollowUpdates) {
  Case before = Get(12);
  Case after = Next(before, now_);
  after.status = St::kAcknowledged;
  after.unit = 13;
  after.co_units = {11};
  after.handle_warn = after.handle_due = 0;
  const CaseEvent e = EventFor(after, Action::kAcknowledge, before.status);
  MustWrite([&](CaseTx& tx) { return tx.UpdateCase(before, after, e); });
  CaseFilter f;
  f.unit = 13;
  EXPECT_EQ(Find(f), Desc({5, 9, 12}));
  f.unit = 12;
  EXPECT_EQ(Find(f), Desc({4, 6, 13}));
  f.unit = 0;
  f.warning = Warning::kYellow;
  EXPECT_EQ(Find(f), Ids{3});
  EXPECT_EQ(Find(Scoped({{}, {11}, ""})), Desc({2, 3, 4, 8, 9, 11, 12}));
}

// ---------------------------------------------------------------------------------------------------------
// Statistics: cases driven through Report() and Apply() as the app drives them, every change stored with
// UpdateCase, so that the counters move between rows (a classification, a second dispatch to another unit).

class StoreContractStats : public StoreContract {
 protected:
  struct Step {
    Step(Action a, int m, int64_t u = 0, std::string c = "", Evaluation e = Evaluation::kSatisfied)
        : action(a), minutes(m), unit(u), category(std::move(c)), evaluation(e) {}
    Action action;
    int minutes;           // after the report
    int64_t unit;          // the unit a dispatch sends the case to
    std::string category;  // a classification on the way (dispatch)
    Evaluation evaluation;
  };

  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure()) return;
    Category heating = testing::TestCategory();  // 0101: handle within 5 working days
    Category dust = heating;
    dust.code = "0201";
    dust.name = "裸土未覆盖";
    dust.parent = "02";
    dust.handle = {TimeLimitKind::kWorkingDays, 2};
    categories_ = {{"0101", heating}, {"0201", dust}};
  }

  ActionContext Context(const std::string& category) {
    ActionContext ctx;
    ctx.calendar = &calendar_;
    ctx.category = category.empty() ? nullptr : &categories_.at(category);
    ctx.upper_center = 2;
    ctx.upper_level = Level::kCounty;
    ctx.unit_level = Level::kCommunity;
    return ctx;
  }

  // Reports a case (category "" = not yet classified) and takes `steps`; answers its id.
  int64_t Drive(const std::string& territory, Timestamp at, Channel channel, const std::string& category,
                const std::vector<Step>& steps) {
    Case draft = NewCase(territory, at, "统计用事件");
    draft.channel = channel;
    draft.category = category;
    ActionRequest report;
    report.action = Action::kReport;
    report.actor = "reporter";
    report.role = Role::kResident;
    report.at = at;
    auto reported = Report(draft, report, Context(category));
    EXPECT_TRUE(reported.ok()) << reported.error().message;
    if (!reported.ok()) return 0;
    Case c = reported->after;
    CaseEvent e = reported->event;
    auto w = S().Write([&](CaseTx& tx) -> Result<void> {
      auto id = tx.InsertCase(c, e, "");
      if (!id) return id.error();
      return {};
    });
    EXPECT_TRUE(w.ok());
    for (const Step& step : steps) {
      ActionRequest r;
      r.action = step.action;
      r.actor = "actor";
      r.role = TransitionOf(step.action).roles.front();
      r.at = at + step.minutes * 60;
      r.note = "处理说明";
      r.category = step.category;
      r.evaluation = step.evaluation;
      ActionContext ctx = Context(step.category.empty() ? c.category : step.category);
      if (step.unit) ctx.dispatch = DispatchTarget{step.unit, {}, 0, "test", calendar_.id};
      auto out = Apply(c, r, ctx);
      EXPECT_TRUE(out.ok()) << ActionName(step.action) << " in " << CaseStatusName(c.status) << ": "
                            << (out.ok() ? "" : out.error().message);
      if (!out.ok()) break;
      auto u = S().Write([&](CaseTx& tx) { return tx.UpdateCase(c, out->after, out->event); });
      EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().message);
      c = out->after;
    }
    return c.id;
  }

  // The steps of variant `v` (0–6) of a case's course.
  static std::vector<Step> Course(int v, int64_t unit) {
    using A = Action;
    switch (v) {
      case 0: return {};
      case 1: return {{A::kReject, 10}};
      case 2: return {{A::kAccept, 10}, {A::kDispatch, 20, unit}, {A::kMarkOverdue, 14400}};
      case 3: return {{A::kAccept, 10}, {A::kDispatch, 20, unit}, {A::kAcknowledge, 40}, {A::kResolve, 1440}};
      case 4:
        return {{A::kAccept, 10},       {A::kDispatch, 20, unit}, {A::kAcknowledge, 40}, {A::kResolve, 1440},
                {A::kVerifyPass, 1500}, {A::kCallback, 1560},     {A::kClose, 1620}};
      case 5:
        return {{A::kAccept, 10},      {A::kDispatch, 20, 11},  {A::kReturn, 30},
                {A::kDispatch, 60, 13}, {A::kAcknowledge, 90}, {A::kResolve, 14400}};
      default:
        return {{A::kAccept, 10},
                {A::kDispatch, 20, unit, "0201"},
                {A::kAcknowledge, 40},
                {A::kResolve, 1440},
                {A::kVerifyPass, 1500},
                {A::kCallback, 1560, 0, "", Evaluation::kUnsatisfied}};
    }
  }

  Calendar calendar_ = testing::TestCalendar();
  std::map<std::string, Category> categories_;
};

TEST_F(StoreContractStats, AnEmptyStoreHasNoGroups) {
  for (auto by : {StatsBy::kNone, StatsBy::kCategory, StatsBy::kDay}) {
    EXPECT_TRUE(StatsOf({"", 0, 0, by}).empty());
    EXPECT_TRUE(RecountOf({"", 0, 0, by}).empty());
  }
}

TEST_F(StoreContractStats, AnUpdateMovesTheCaseBetweenRows) {
  const int64_t id = Drive("371302004001001", At("2026-11-16", 9), Channel::kGridWorker, "",
                           {{Action::kAccept, 10}});
  ASSERT_GT(id, 0);
  auto by_category = StatsOf({"371302", 0, 0, StatsBy::kCategory});
  ASSERT_EQ(by_category.size(), 1u);
  EXPECT_EQ(by_category[0].key, "");
  EXPECT_EQ(by_category[0].counts["accepted"], 1);

  // A dispatch that classifies the case: its counters leave the unclassified row for 0201 and unit 12.
  Case c = Get(id);
  ActionRequest r;
  r.action = Action::kDispatch;
  r.actor = "operator";
  r.role = Role::kOperator;
  r.at = At("2026-11-16", 10);
  r.category = "0201";
  ActionContext ctx = Context("0201");
  ctx.dispatch = DispatchTarget{12, {}, 0, "test", calendar_.id};
  auto out = Apply(c, r, ctx);
  ASSERT_TRUE(out.ok()) << out.error().message;
  MustWrite([&](CaseTx& tx) { return tx.UpdateCase(c, out->after, out->event); });
  by_category = StatsOf({"371302", 0, 0, StatsBy::kCategory});
  ASSERT_EQ(by_category.size(), 1u);
  EXPECT_EQ(by_category[0].key, "0201");
  EXPECT_EQ(by_category[0].counts["reported"], 1);
  EXPECT_EQ(by_category[0].counts["dispatched"], 1);
  auto by_unit = StatsOf({"371302004", 0, 0, StatsBy::kUnit});
  ASSERT_EQ(by_unit.size(), 1u);
  EXPECT_EQ(by_unit[0].key, "12");
  for (auto by : {StatsBy::kCategory, StatsBy::kUnit, StatsBy::kNone})
    for (const char* under : {"", "371302", "371302004001001"}) {
      const store::StatsQuery q{under, 0, 0, by};
      ExpectSameStats(StatsOf(q), RecountOf(q), std::string("under ") + under);
    }
}

TEST_F(StoreContractStats, CountersEqualARecountForEveryGroupingSubtreeAndDays) {
  // Grids of three streets, a community and a county known only by address, another county and another
  // city; report days over three months, weekends among them.
  const std::vector<std::string> territories = {"371302004001001", "371302004001002", "371302004002001",
                                                "371302004002",    "371302005001001", "371302",
                                                "371311002003001", "370102001001001"};
  const std::vector<std::string> days = {"2026-10-28", "2026-10-31", "2026-11-01", "2026-11-02",
                                         "2026-11-16", "2026-11-30", "2026-12-01", "2026-12-03"};
  constexpr int kCases = 40;
  int rejected = 0, closed = 0, evaluated = 0, unsatisfied = 0, returned = 0;
  for (int i = 0; i < kCases; ++i) {
    const int v = i % 7;
    const std::string category = v == 6 ? "" : (i % 3 == 0 ? "0101" : "0201");
    const int64_t id = Drive(territories[i % 8], At(days[(i * 3) % 8], 9, i), kAllChannels[i % 7], category,
                             Course(v, 11 + i % 3));
    ASSERT_GT(id, 0) << "case " << i;
    rejected += v == 1;
    closed += v == 4;
    evaluated += v == 4 || v == 6;
    unsatisfied += v == 6;
    returned += v == 5;
  }
  ASSERT_EQ(*S().CountCases(), kCases);
  const StatCounts totals = Totals();
  EXPECT_EQ(totals["reported"], kCases);
  EXPECT_EQ(totals["rejected"], rejected);
  EXPECT_EQ(totals["closed"], closed);
  EXPECT_EQ(totals["evaluated"], evaluated);
  EXPECT_EQ(totals["unsatisfied"], unsatisfied);
  EXPECT_EQ(totals["returned"], returned);
  EXPECT_GT(totals["overdue"], 0);
  EXPECT_GT(totals["handling_seconds"], 0);
  EXPECT_EQ(StatsOf({"", 0, 0, StatsBy::kChannel}).size(), 7u);

  const std::vector<std::string> unders = {"",          "37",           "3713",           "371302",
                                           "371302004", "371302004001", "371302004001001", "3701"};
  const std::vector<std::pair<Day, Day>> ranges = {
      {0, 0},                                 // everything
      {D("2026-10-01"), D("2026-12-31")},     // whole months around every day
      {D("2026-11-01"), D("2026-11-30")},     // one whole month
      {D("2026-10-30"), D("2026-11-02")},     // across a month's end
      {D("2026-11-16"), 0},                   // from a day on
      {0, D("2026-11-10")},                   // up to a day
      {D("2026-11-02"), D("2026-11-02")},     // one day
      {D("2026-12-02"), D("2026-12-02")},     // a day without cases
      {D("2027-01-01"), 0},                   // after every case
  };
  for (const auto& under : unders)
    for (auto [from, to] : ranges)
      for (auto by : {StatsBy::kNone, StatsBy::kCategory, StatsBy::kUnit, StatsBy::kStreet, StatsBy::kCommunity,
                      StatsBy::kGrid, StatsBy::kChannel, StatsBy::kDay}) {
        const store::StatsQuery q{under, from, to, by};
        const std::string what = "under '" + under + "' days " + std::to_string(from) + "…" + std::to_string(to) +
                                 " by " + std::to_string(static_cast<int>(by));
        const auto counted = StatsOf(q);
        ExpectSameStats(counted, RecountOf(q), what);
        // Every subtree holds cases; two of the ranges hold none.
        if (from == 0 && to == 0) {
          EXPECT_FALSE(counted.empty()) << what;
        }
        if (from == D("2026-12-02") || from == D("2027-01-01")) {
          EXPECT_TRUE(counted.empty()) << what;
        }
      }
  // Every report day holds five of the cases.
  auto by_day = StatsOf({"", 0, 0, StatsBy::kDay});
  ASSERT_EQ(by_day.size(), 8u);
  for (const auto& g : by_day) EXPECT_EQ(g.counts["reported"], 5) << g.key;
  EXPECT_EQ(by_day.front().key, std::to_string(D("2026-10-28")));
}

// ---------------------------------------------------------------------------------------------------------
// Accounts

store::User MakeUser(const std::string& username, std::vector<std::string> grants) {
  store::User u;
  u.username = username;
  u.display_name = username + " 显示名";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$" + username;
  u.created_at = At("2026-11-01", 9);
  for (const auto& g : grants) {
    auto grant = ParseGrant(g);
    EXPECT_TRUE(grant.ok()) << g;
    if (grant.ok()) u.grants.push_back(*grant);
  }
  return u;
}

std::string Hash(char c) { return std::string(64, c); }

TEST_F(StoreContract, UsersRoundTripWithTheirGrantsInOrder) {
  store::User wang = MakeUser("wang", {"grid_worker@371302004001001", "operator@371302004", "unit_staff#12"});
  wang.failed_logins = 2;
  wang.locked_until = At("2026-11-01", 10);
  store::User zhao = MakeUser("zhao", {"leader@3713"});
  zhao.disabled = true;
  store::User li = MakeUser("li", {"admin@"});
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (store::User* u : {&zhao, &wang, &li})
      if (auto r = tx.InsertUser(*u); !r) return r.error();
    return {};
  });
  EXPECT_GT(wang.id, 0);
  EXPECT_NE(wang.id, zhao.id);
  EXPECT_NE(wang.id, li.id);

  auto got = S().GetUser("wang");
  ASSERT_TRUE(got.ok() && got->has_value());
  const store::User& u = **got;
  EXPECT_EQ(u.id, wang.id);
  EXPECT_EQ(u.username, "wang");
  EXPECT_EQ(u.display_name, "wang 显示名");
  EXPECT_EQ(u.password_hash, wang.password_hash);
  EXPECT_FALSE(u.disabled);
  EXPECT_EQ(u.created_at, At("2026-11-01", 9));
  EXPECT_EQ(u.failed_logins, 2);
  EXPECT_EQ(u.locked_until, At("2026-11-01", 10));
  EXPECT_EQ(u.grants, wang.grants);
  auto by_id = S().GetUserById(zhao.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->username, "zhao");
  EXPECT_TRUE((*by_id)->disabled);
  EXPECT_EQ((*by_id)->grants, zhao.grants);
  EXPECT_FALSE(S().GetUser("nobody")->has_value());
  EXPECT_FALSE(S().GetUserById(wang.id + zhao.id + li.id)->has_value());

  auto all = S().ListUsers();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].username, "li");
  EXPECT_EQ((*all)[1].username, "wang");
  EXPECT_EQ((*all)[2].username, "zhao");
  EXPECT_EQ((*all)[1].grants, wang.grants);
  EXPECT_EQ((*all)[0].grants, li.grants);
}

TEST_F(StoreContract, ADuplicateUsernameIsAConflictAndTheWriteLeavesNothing) {
  store::User wang = MakeUser("wang", {"resident"});
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.InsertUser(wang); !r) return r.error();
    return {};
  });
  store::User again = MakeUser("wang", {"admin@"});
  store::User li = MakeUser("li", {"resident"});
  auto r = S().Write([&](CaseTx& tx) -> Result<void> {
    if (auto a = tx.InsertUser(li); !a) return a.error();
    if (auto a = tx.InsertUser(again); !a) return a.error();
    return {};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "conflict");
  EXPECT_EQ(r.error().field, "username");
  EXPECT_EQ(S().ListUsers()->size(), 1u);
  EXPECT_EQ(S().GetUser("wang").value()->grants, wang.grants);
}

TEST_F(StoreContract, UpdateUserWritesItsFieldsAndReplacesTheGrants) {
  store::User wang = MakeUser("wang", {"grid_worker@371302004001001", "operator@371302004"});
  store::User li = MakeUser("li", {"resident"});
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.InsertUser(wang); !r) return r.error();
    if (auto r = tx.InsertUser(li); !r) return r.error();
    return {};
  });
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto u = tx.GetUserForUpdate("wang");
    if (!u) return u.error();
    if (!*u) return Error::NotFound("wang");
    store::User changed = **u;
    changed.display_name = "王组长";
    changed.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA";
    changed.disabled = true;
    changed.failed_logins = 5;
    changed.locked_until = At("2026-11-02", 9, 15);
    changed.grants = {*ParseGrant("leader@3713")};
    return tx.UpdateUser(changed);
  });
  auto got = S().GetUser("wang");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->id, wang.id);
  EXPECT_EQ((*got)->display_name, "王组长");
  EXPECT_EQ((*got)->password_hash, "$argon2id$v=19$m=65536,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA");
  EXPECT_TRUE((*got)->disabled);
  EXPECT_EQ((*got)->failed_logins, 5);
  EXPECT_EQ((*got)->locked_until, At("2026-11-02", 9, 15));
  EXPECT_EQ((*got)->created_at, At("2026-11-01", 9));
  EXPECT_EQ((*got)->grants, std::vector<Grant>{*ParseGrant("leader@3713")});
  EXPECT_EQ(S().GetUser("li").value()->grants, li.grants);  // another user's grants stay
  // Back to no failures and two grants.
  store::User changed = S().GetUser("wang").value().value();
  changed.failed_logins = 0;
  changed.locked_until = 0;
  changed.grants = {*ParseGrant("unit_staff#7"), *ParseGrant("operator@371302")};
  MustWrite([&](CaseTx& tx) { return tx.UpdateUser(changed); });
  EXPECT_EQ(S().GetUser("wang").value()->grants,
            (std::vector<Grant>{*ParseGrant("unit_staff#7"), *ParseGrant("operator@371302")}));
  EXPECT_EQ(S().GetUser("wang").value()->failed_logins, 0);
}

TEST_F(StoreContract, SessionsAreRevokedOneByOneOrAllOfAUser) {
  store::User wang = MakeUser("wang", {"resident"});
  store::User li = MakeUser("li", {"resident"});
  MustWrite([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.InsertUser(wang); !r) return r.error();
    if (auto r = tx.InsertUser(li); !r) return r.error();
    return {};
  });
  const Timestamp t0 = At("2026-11-02", 9);
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (auto [hash, user] :
         {std::pair{Hash('a'), wang.id}, {Hash('b'), wang.id}, {Hash('c'), wang.id}, {Hash('d'), li.id}})
      if (auto r = tx.InsertSession({hash, user, t0, t0 + 3600, 0, "10.0.0.1:5000"}); !r) return r;
    return {};
  });
  auto s = S().GetSession(Hash('a'));
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->token_hash, Hash('a'));
  EXPECT_EQ((*s)->user_id, wang.id);
  EXPECT_EQ((*s)->created_at, t0);
  EXPECT_EQ((*s)->expires_at, t0 + 3600);
  EXPECT_EQ((*s)->revoked_at, 0);
  EXPECT_EQ((*s)->remote, "10.0.0.1:5000");
  EXPECT_FALSE(S().GetSession(Hash('e'))->has_value());

  std::vector<bool> revoked;
  int64_t all_of_wang = -1, none_left = -1;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (const auto& h : {Hash('a'), Hash('a'), Hash('e')}) {
      auto r = tx.RevokeSession(h, t0 + 60);
      if (!r) return r.error();
      revoked.push_back(*r);
    }
    return {};
  });
  EXPECT_EQ(revoked, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(S().GetSession(Hash('a')).value()->revoked_at, t0 + 60);
  MustWrite([&](CaseTx& tx) -> Result<void> {
    auto n = tx.RevokeSessionsOf(wang.id, t0 + 120);
    if (!n) return n.error();
    all_of_wang = *n;
    auto m = tx.RevokeSessionsOf(wang.id, t0 + 180);
    if (!m) return m.error();
    none_left = *m;
    return {};
  });
  EXPECT_EQ(all_of_wang, 2);  // b and c: a was revoked already
  EXPECT_EQ(none_left, 0);
  EXPECT_EQ(S().GetSession(Hash('a')).value()->revoked_at, t0 + 60);
  EXPECT_EQ(S().GetSession(Hash('b')).value()->revoked_at, t0 + 120);
  EXPECT_EQ(S().GetSession(Hash('c')).value()->revoked_at, t0 + 120);
  EXPECT_EQ(S().GetSession(Hash('d')).value()->revoked_at, 0);  // another user's
}

TEST_F(StoreContract, ApiKeysRoundTripAreListedByNameAndRevoked) {
  const Timestamp t0 = At("2026-11-02", 9);
  store::ApiKey drone{0, "drone-01", Hash('1'), "cgk_Ab3d", {Permission::kCaseReport, Permission::kAttachmentWrite},
                      "371302", t0, "admin", 0};
  store::ApiKey sensor{0, "sensor-3", Hash('2'), "cgk_Zz9q", {Permission::kCaseRead}, "", t0 + 1, "wang", 0};
  store::ApiKey iot{0, "iot-7", Hash('3'), "cgk_0000",
                    {Permission::kStatsRead, Permission::kCaseRead, Permission::kCaseReport}, "371302004", t0 + 2,
                    "admin", 0};
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (store::ApiKey* k : {&sensor, &drone, &iot})
      if (auto r = tx.InsertApiKey(*k); !r) return r.error();
    return {};
  });
  EXPECT_GT(drone.id, 0);
  EXPECT_NE(drone.id, sensor.id);
  EXPECT_NE(drone.id, iot.id);
  auto got = S().GetApiKeyByHash(Hash('3'));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->id, iot.id);
  EXPECT_EQ((*got)->name, "iot-7");
  EXPECT_EQ((*got)->key_hash, Hash('3'));
  EXPECT_EQ((*got)->prefix, "cgk_0000");
  EXPECT_EQ((*got)->permissions, iot.permissions);
  EXPECT_EQ((*got)->territory, "371302004");
  EXPECT_EQ((*got)->created_at, t0 + 2);
  EXPECT_EQ((*got)->created_by, "admin");
  EXPECT_EQ((*got)->revoked_at, 0);
  EXPECT_FALSE(S().GetApiKeyByHash(Hash('4'))->has_value());

  // A name is unique.
  store::ApiKey twin = drone;
  twin.key_hash = Hash('5');
  auto dup = S().Write([&](CaseTx& tx) -> Result<void> {
    if (auto r = tx.InsertApiKey(twin); !r) return r.error();
    return {};
  });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "conflict");
  EXPECT_EQ(dup.error().field, "name");
  EXPECT_FALSE(S().GetApiKeyByHash(Hash('5'))->has_value());

  std::vector<bool> revoked;
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (const char* name : {"drone-01", "drone-01", "nobody"}) {
      auto r = tx.RevokeApiKey(name, t0 + 600);
      if (!r) return r.error();
      revoked.push_back(*r);
    }
    return {};
  });
  EXPECT_EQ(revoked, (std::vector<bool>{true, false, false}));
  auto list = S().ListApiKeys();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);  // revoked keys too, by name
  EXPECT_EQ((*list)[0].name, "drone-01");
  EXPECT_EQ((*list)[0].revoked_at, t0 + 600);
  EXPECT_EQ((*list)[0].permissions, drone.permissions);
  EXPECT_EQ((*list)[1].name, "iot-7");
  EXPECT_EQ((*list)[2].name, "sensor-3");
  EXPECT_EQ((*list)[2].revoked_at, 0);
  EXPECT_EQ((*list)[2].created_by, "wang");
  EXPECT_EQ(S().GetApiKeyByHash(Hash('1')).value()->revoked_at, t0 + 600);
}

// ---------------------------------------------------------------------------------------------------------
// The audit log

void ExpectIntactChain(const std::vector<security::AuditRecord>& records) {
  security::AuditVerifier verifier;
  for (const auto& r : records) verifier.Add(r);
  auto broken = verifier.Finish();
  EXPECT_FALSE(broken.has_value()) << "record " << broken->seq << ": " << broken->reason;
  EXPECT_EQ(verifier.count(), static_cast<int64_t>(records.size()));
}

TEST_F(StoreContract, AuditRecordsAreNumberedFromOneChainedAndKeptExactly) {
  const std::vector<store::AuditEntry> entries = {
      {At("2026-11-02", 9), "admin", "user.add", "user:wang", R"({"grants":["grid_worker@371302004001001"]})", ""},
      {At("2026-11-02", 9, 5), "wang", "login", "user:wang", "{}", "10.0.0.1:5000"},
      {At("2026-11-02", 9, 6), "wang", "personal_data.reveal", "case:12",
       "{ \"reason\" : \"回访核实\",\n  \"fields\": [\"name\", \"phone\"] }", "[2001:db8::1]:4000"},
      {At("2026-11-02", 9, 7), "王某某", "login.failed", "user:王某某", R"({"reason":"unknown user"})", "10.0.0.2:1"},
  };
  std::vector<int64_t> seqs;
  auto append = [&](std::initializer_list<size_t> which) {
    MustWrite([&](CaseTx& tx) -> Result<void> {
      for (size_t i : which) {
        auto s = tx.AppendAudit(entries[i]);
        if (!s) return s.error();
        seqs.push_back(*s);
      }
      return {};
    });
  };
  append({0});
  append({1, 2});  // two in one write
  append({3});
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3, 4}));

  const auto records = Audit();
  ASSERT_EQ(records.size(), 4u);
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i + 1));
    const auto& r = records[i];
    EXPECT_EQ(r.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(r.at, entries[i].at);
    EXPECT_EQ(r.actor, entries[i].actor);
    EXPECT_EQ(r.action, entries[i].action);
    EXPECT_EQ(r.target, entries[i].target);
    EXPECT_EQ(r.detail, entries[i].detail);  // byte for byte: the hash covers it
    EXPECT_EQ(r.remote, entries[i].remote);
    EXPECT_EQ(r.prev_hash, i == 0 ? std::string(security::kAuditGenesis) : records[i - 1].hash);
    EXPECT_EQ(r.hash, security::AuditHash(r));
  }
  ExpectIntactChain(records);
}

TEST_F(StoreContract, ReadAuditPagesAfterASeqAndReadLatestAuditEnds) {
  MustWrite([&](CaseTx& tx) -> Result<void> {
    for (int i = 0; i < 6; ++i) {
      const store::AuditEntry entry{At("2026-11-02", 9, i), "system", "test.entry", "n:" + std::to_string(i + 1), "{}",
                                    ""};
      if (auto s = tx.AppendAudit(entry); !s) return s.error();
    }
    return {};
  });
  auto seqs = [](const Result<std::vector<security::AuditRecord>>& r) {
    std::vector<int64_t> out;
    EXPECT_TRUE(r.ok());
    if (r.ok())
      for (const auto& x : *r) out.push_back(x.seq);
    return out;
  };
  EXPECT_EQ(seqs(S().ReadAudit(0, 2)), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(seqs(S().ReadAudit(2, 3)), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(seqs(S().ReadAudit(5, 100)), (std::vector<int64_t>{6}));
  EXPECT_EQ(seqs(S().ReadAudit(6, 100)), (std::vector<int64_t>{}));
  EXPECT_EQ(seqs(S().ReadLatestAudit(2)), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(seqs(S().ReadLatestAudit(100)), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  auto latest = S().ReadLatestAudit(1);
  ASSERT_TRUE(latest.ok() && latest->size() == 1u);
  EXPECT_EQ(latest->front().target, "n:6");
  EXPECT_EQ(latest->front().hash, Audit().back().hash);
}

TEST_F(StoreContract, AFailedWriteLeavesNoGapInTheAuditLog) {
  auto append = [&](const std::string& action, bool fail) {
    return S().Write([&](CaseTx& tx) -> Result<void> {
      if (auto s = tx.AppendAudit({At("2026-11-02", 9), "admin", action, "user:wang", "{}", ""}); !s) return s.error();
      if (fail) return Error::Internal("rolled back");
      return {};
    });
  };
  ASSERT_TRUE(append("user.add", false).ok());
  ASSERT_TRUE(append("user.grant", false).ok());
  ASSERT_FALSE(append("user.lost", true).ok());
  ASSERT_FALSE(append("user.lost", true).ok());
  ASSERT_TRUE(append("user.disable", false).ok());
  const auto records = Audit();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].seq, 3);
  EXPECT_EQ(records[2].action, "user.disable");
  ExpectIntactChain(records);
}

TEST_F(StoreContract, AnAuditDetailThatIsNotAJsonObjectIsRefused) {
  for (const char* detail : {"[1,2]", "not json", "", "\"text\""}) {
    auto r = S().Write([&](CaseTx& tx) -> Result<void> {
      if (auto s = tx.AppendAudit({At("2026-11-02", 9), "admin", "user.add", "user:wang", detail, ""}); !s)
        return s.error();
      return {};
    });
    EXPECT_FALSE(r.ok()) << detail;
  }
  EXPECT_TRUE(Audit().empty());
}

// ---------------------------------------------------------------------------------------------------------
// Personal data, counts, write statistics, bulk loading

TEST_F(StoreContract, ResealPersonalDataMovesEveryCaseToTheCurrentKey) {
  for (int i = 0; i < 3; ++i) {
    Case c = NewCase("371302004001001", At("2026-11-02", 9 + i));
    c.reporter_name = "王女士" + std::to_string(i);
    c.reporter_phone = "1380000123" + std::to_string(i);
    Insert(c);
  }
  Insert(NewCase("371302004001001", At("2026-11-02", 13)));  // no personal data
  store_.reset();
  const std::string key_file = dir_.File("contract.key");
  {
    auto ring = security::Keyring::Load(key_file);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    EXPECT_EQ(ring->AddKey(), 2u);
    ASSERT_TRUE(ring->Save(key_file).ok());
  }
  Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(Get(2).reporter_phone, "13800001231");  // still readable with the old key
  std::vector<int64_t> progress;
  auto resealed = S().ResealPersonalData([&](int64_t done) { progress.push_back(done); });
  ASSERT_TRUE(resealed.ok()) << resealed.error().message;
  EXPECT_EQ(*resealed, 3);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), 3);
  auto again = S().ResealPersonalData(nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);

  // With the old key dropped, every case still reads whole.
  store_.reset();
  {
    auto ring = security::Keyring::Load(key_file);
    ASSERT_TRUE(ring.ok());
    ring->KeepOnly(2);
    ASSERT_TRUE(ring->Save(key_file).ok());
  }
  Open();
  ASSERT_TRUE(store_);
  for (int i = 0; i < 3; ++i) {
    const Case c = Get(i + 1);
    EXPECT_EQ(c.reporter_name, "王女士" + std::to_string(i));
    EXPECT_EQ(c.reporter_phone, "1380000123" + std::to_string(i));
  }
  EXPECT_EQ(Get(4).reporter_phone, "");
  auto page = S().ListCases({});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->cases.size(), 4u);
}

TEST_F(StoreContract, CountCasesAndWriteStatsGrow) {
  const auto before = S().GetWriteStats();
  for (int i = 0; i < 3; ++i) Insert(NewCase("371302004001001", At("2026-11-02", 9 + i)));
  ApplyTerritory();
  EXPECT_EQ(*S().CountCases(), 3);
  const auto after = S().GetWriteStats();
  EXPECT_GE(after.writes, before.writes + 4);
  EXPECT_GT(after.commits, before.commits);
  EXPECT_LE(after.commits, after.writes);
  EXPECT_GE(after.commits, 1);
}

TEST_F(StoreContract, BulkLoadKeepsWhatWasWritten) {
  ASSERT_TRUE(S().BeginBulkLoad(64 << 20).ok());
  ApplyTerritory();
  for (int i = 0; i < 20; ++i) Insert(NewCase("371302004001002", At("2026-11-02", 8) + i * 600));
  ASSERT_TRUE(S().EndBulkLoad().ok());
  EXPECT_EQ(*S().CountCases(), 20);
  Open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(*S().CountCases(), 20);
  EXPECT_EQ(S().CountTerritory()->grids, 4);
  const store::StatsQuery q{"371302004", 0, 0, StatsBy::kDay};
  ExpectSameStats(StatsOf(q), RecountOf(q), "after a bulk load");
  EXPECT_EQ(Totals()["reported"], 20);
}

}  // namespace
}  // namespace civicgrid
