// The demo history on the tiny test territory: a month of cases at a high volume, generated twice with the
// same seed; checked for determinism, time bounds, a replay of every event through Apply() that gives back
// the stored case, statistics counters equal to a recount (under every division, for any days), case lists
// that page through exactly the matching cases, the target rates, and open cases in many states.
// Also `civicgrid demo build` with the history flags.
#include "demo/demo_history.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "app/reference.h"
#include "core/case_stats.h"
#include "core/workflow.h"
#include "demo/demo_territory.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite_store.h"
#include "support/run.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid::demo {
namespace {
namespace json = boost::json;

const std::string kCatalogue = std::string(CIVICGRID_SOURCE_DIR) + "/data/catalogue";

// Friday 2026-11-20 15:30 in Beijing: inside office hours, so that recent cases are mid-way in every phase.
Timestamp End() { return *ParseTimestamp("2026-11-20T15:30:00+08:00", "end"); }

HistoryOptions Options(uint64_t seed = 7) {
  HistoryOptions o;
  o.catalogue_dir = kCatalogue;
  o.days = 30;
  o.end = End();
  o.now = [] { return Timestamp{0}; };  // must not be read: `end` is given
  o.other_scale = 4;                    // the tiny county: about 60 cases a day
  o.seed = seed;
  o.chunk = 500;  // several write transactions
  return o;
}

// A store with the tiny territory and a history built with `options`.
struct Built {
  testing::TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  HistoryReport report;
  std::vector<std::string> progress;

  explicit Built(HistoryOptions options) {
    std::filesystem::create_directory(dir.path() / "data");
    testing::WriteTinyTerritory(dir.File("data"));
    auto s = store::SqliteStore::Open(dir.File("t.db"));
    EXPECT_TRUE(s.ok());
    store = std::move(*s);
    DemoOptions t;
    t.data_dir = dir.File("data");
    auto territory = BuildDemoTerritory(*store, t);
    EXPECT_TRUE(territory.ok()) << territory.error().message;
    options.progress = [this](const std::string& line) { progress.push_back(line); };
    auto r = BuildDemoHistory(*store, options);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (r) report = *r;
  }
};

class DemoHistory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Built(Options());
    auto ref = a_->store->LoadReference();
    ASSERT_TRUE(ref.ok());
    ref_ = new app::ReferenceSnapshot(std::move(*ref));
  }
  static void TearDownTestSuite() {
    delete ref_;
    delete a_;
  }
  static store::Store& S() { return *a_->store; }

  std::vector<Case> AllCases() {
    std::vector<Case> out;
    auto n = S().CountCases();
    EXPECT_TRUE(n.ok());
    for (int64_t id = 1; id <= *n; ++id) {
      auto c = S().GetCase(id);
      EXPECT_TRUE(c.ok() && c->has_value()) << id;
      if (c.ok() && c->has_value()) out.push_back(**c);
    }
    return out;
  }

  static Built* a_;
  static app::ReferenceSnapshot* ref_;
};
Built* DemoHistory::a_;
app::ReferenceSnapshot* DemoHistory::ref_;

// Everything stored about a case and its events, as text, to compare two builds.
std::string Fingerprint(store::Store& s, const Case& c) {
  std::string out = c.tracking_code + "|" + std::string(CaseStatusName(c.status)) + "|" +
                    std::string(ChannelName(c.channel)) + "|" + c.category + "|" + c.description + "|" + c.address +
                    "|" + c.grid + "|" + c.territory + "|" + c.reporter_name + "|" + c.reporter_phone + "|" +
                    std::to_string(c.lon) + "," + std::to_string(c.lat) + "|" + std::to_string(c.unit) + "|" +
                    std::to_string(c.reported_at) + "|" + std::to_string(c.updated_at) + "|" +
                    std::to_string(c.handle_due) + "|" + std::to_string(c.version);
  auto events = s.Events(c.id);
  EXPECT_TRUE(events.ok());
  for (const CaseEvent& e : *events)
    out += "\n" + std::to_string(e.seq) + " " + std::to_string(e.at) + " " + e.actor + " " +
           std::string(ActionName(e.action)) + " " + e.note + " " + e.details;
  return out;
}

TEST_F(DemoHistory, WritesTheCatalogueAndReportsItsWork) {
  EXPECT_EQ(a_->report.categories, 96u);
  EXPECT_EQ(a_->report.units, 21u + 8u * 2u + 3u);  // one county, two streets, three communities
  EXPECT_GT(a_->report.rules, 40u);
  EXPECT_TRUE(ref_->CalendarById(app::kDefaultCalendar));
  EXPECT_GE(a_->report.cases, 1200u);
  EXPECT_LE(a_->report.cases, 2600u);
  auto n = S().CountCases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(static_cast<size_t>(*n), a_->report.cases);
  size_t by_status = 0;
  for (size_t x : a_->report.by_status) by_status += x;
  EXPECT_EQ(by_status, a_->report.cases);
  EXPECT_GT(a_->report.events, a_->report.cases * 5);
  EXPECT_EQ(a_->report.end, End());
  bool counted = false;
  for (const auto& line : a_->progress)
    if (line.rfind("cases: ", 0) == 0 && line.find("/") != std::string::npos) counted = true;
  EXPECT_TRUE(counted);
}

TEST_F(DemoHistory, TheSameSeedGivesTheSameHistoryAndAnotherSeedAnother) {
  Built b(Options());
  auto cases = AllCases();
  auto n = b.store->CountCases();
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(static_cast<size_t>(*n), cases.size());
  for (const Case& c : cases) {
    auto other = b.store->GetCase(c.id);
    ASSERT_TRUE(other.ok() && other->has_value());
    ASSERT_EQ(Fingerprint(S(), c), Fingerprint(*b.store, **other)) << c.id;
  }
  Built d(Options(8));
  auto first = d.store->GetCase(1);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_NE(Fingerprint(S(), cases.front()), Fingerprint(*d.store, **first));
}

TEST_F(DemoHistory, NothingHappensAfterTheEndOrBeforeTheStart) {
  for (const Case& c : AllCases()) {
    EXPECT_GE(c.reported_at, a_->report.start) << c.id;
    EXPECT_LE(c.updated_at, End()) << c.id;
    auto events = S().Events(c.id);
    ASSERT_TRUE(events.ok());
    for (const CaseEvent& e : *events) ASSERT_LE(e.at, End()) << c.id;
  }
}

// Replays the stored events of `stored` through Report() and Apply() with the context their details give,
// and compares every event and the final case with what is stored.
void Replay(store::Store& s, const app::ReferenceSnapshot& ref, const Case& stored) {
  auto events = s.Events(stored.id);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  ASSERT_EQ(static_cast<int64_t>(events->size()), stored.version) << stored.id;
  const CaseEvent& first = events->front();
  ASSERT_EQ(first.action, Action::kReport);
  const json::object d0 = json::parse(first.details).as_object();

  Case draft;
  draft.id = stored.id;
  draft.tracking_code = stored.tracking_code;
  draft.channel = stored.channel;
  draft.description = stored.description;
  draft.has_point = stored.has_point;
  draft.lon = stored.lon;
  draft.lat = stored.lat;
  draft.address = stored.address;
  draft.grid = stored.grid;
  draft.territory = stored.territory;
  draft.reporter_name = stored.reporter_name;
  draft.reporter_phone = stored.reporter_phone;
  if (d0.contains("category")) draft.category = json::value_to<std::string>(d0.at("category"));
  draft.level = *ParseLevel(json::value_to<std::string>(d0.at("level")));
  draft.center = d0.at("center").as_int64();
  ActionRequest report;
  report.actor = first.actor;
  report.role = first.role;
  report.at = first.at;
  ActionContext ctx0;
  ctx0.calendar = &ref.CalendarOf("");
  ctx0.category = draft.category.empty() ? nullptr : ref.CategoryByCode(draft.category);
  auto out = Report(draft, report, ctx0);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->event.details, first.details);
  Case c = out->after;

  for (size_t i = 1; i < events->size(); ++i) {
    const CaseEvent& e = (*events)[i];
    SCOPED_TRACE("case " + std::to_string(stored.id) + " event " + std::to_string(e.seq) + " " +
                 std::string(ActionName(e.action)));
    ASSERT_EQ(e.seq, static_cast<int64_t>(i + 1));
    ASSERT_EQ(e.case_id, stored.id);
    ASSERT_EQ(e.from, c.status);
    ASSERT_GE(e.at, (*events)[i - 1].at);
    const json::object d = json::parse(e.details).as_object();
    auto str = [&](const char* key) {
      return d.contains(key) ? json::value_to<std::string>(d.at(key)) : std::string();
    };
    ActionRequest req;
    req.action = e.action;
    req.actor = e.actor;
    req.role = e.role;
    req.at = e.at;
    req.note = e.note;
    req.attachments = e.attachments;
    ActionContext ctx;
    ctx.calendar = &ref.CalendarOf(c.calendar);
    switch (e.action) {
      case Action::kClassify:
      case Action::kDispatch:
        req.category = str("category");
        if (d.contains("priority")) req.priority = ParsePriority(str("priority"));
        break;
      case Action::kMerge:
        req.duplicate_of = d.at("duplicate_of").as_int64();
        ctx.duplicate_exists = true;
        break;
      case Action::kCallback: req.evaluation = *ParseEvaluation(str("evaluation")); break;
      case Action::kRequestExtension:
        req.extension = TimeLimit{*ParseTimeLimitKind(str("extension_kind")), d.at("extension_amount").as_int64()};
        break;
      default: break;
    }
    const std::string code = !req.category.empty() ? req.category : c.category;
    ctx.category = code.empty() ? nullptr : ref.CategoryByCode(code);
    if (e.action == Action::kDispatch || e.action == Action::kReopen) {
      DispatchTarget t;
      t.unit = d.at("unit").as_int64();
      const Unit* u = ref.UnitById(t.unit);
      ASSERT_NE(u, nullptr);
      t.calendar = u->calendar;
      if (e.action == Action::kDispatch) {
        for (const auto& co : d.at("co_units").as_array()) t.co_units.push_back(co.as_int64());
        t.rule = d.at("rule").as_int64();
        t.reason = str("reason");
        if (t.rule) {  // a rule's choice is the one routing makes today
          auto routed = ref.routing().Route(ctx.category->code, c.territory);
          ASSERT_TRUE(routed.ok());
          EXPECT_EQ(routed->target.unit, t.unit);
          EXPECT_EQ(routed->target.reason, t.reason);
        }
      } else {
        t.reason = "reopened to the same unit";
      }
      ctx.dispatch = t;
      ctx.calendar = &ref.CalendarOf(t.calendar);
    }
    if (e.action == Action::kEscalate) {
      ctx.upper_center = d.at("center").as_int64();
      ctx.upper_level = *ParseLevel(str("level"));
      const Unit* center = ref.UnitById(ctx.upper_center);
      ASSERT_NE(center, nullptr);
      EXPECT_EQ(center->kind, UnitKind::kCommandCenter);
      EXPECT_EQ(center->level(), ctx.upper_level);
    }
    if (e.action == Action::kResolve) {
      ctx.unit_level = *ParseLevel(str("level"));
      const Unit* u = ref.UnitById(c.unit);
      ASSERT_NE(u, nullptr);
      EXPECT_EQ(u->level(), ctx.unit_level);
    }
    auto next = Apply(c, req, ctx);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_EQ(next->event.to, e.to);
    EXPECT_EQ(next->event.details, e.details);
    c = next->after;
  }
  EXPECT_EQ(c.status, stored.status);
  EXPECT_EQ(c.version, stored.version);
  EXPECT_EQ(c.category, stored.category);
  EXPECT_EQ(c.priority, stored.priority);
  EXPECT_EQ(c.level, stored.level);
  EXPECT_EQ(c.center, stored.center);
  EXPECT_EQ(c.unit, stored.unit);
  EXPECT_EQ(c.rule, stored.rule);
  EXPECT_EQ(c.duplicate_of, stored.duplicate_of);
  EXPECT_EQ(c.updated_at, stored.updated_at);
  EXPECT_EQ(c.dispatched_at, stored.dispatched_at);
  EXPECT_EQ(c.resolved_at, stored.resolved_at);
  EXPECT_EQ(c.closed_at, stored.closed_at);
  EXPECT_EQ(c.handling_seconds, stored.handling_seconds);
  EXPECT_EQ(c.handle_due, stored.handle_due);
  EXPECT_EQ(c.handle_warn, stored.handle_warn);
  EXPECT_EQ(c.clocks.handle.budget, stored.clocks.handle.budget);
  EXPECT_EQ(c.clocks.handle.paused, stored.clocks.handle.paused);
  EXPECT_EQ(c.clocks.handle.stopped_at, stored.clocks.handle.stopped_at);
  EXPECT_EQ(c.clocks.verify.start, stored.clocks.verify.start);
  EXPECT_EQ(c.evaluation, stored.evaluation);
  EXPECT_EQ(c.overdue, stored.overdue);
  EXPECT_TRUE(FactsOf(c) == FactsOf(stored));
  EXPECT_TRUE(KeyOf(c) == KeyOf(stored));
}

TEST_F(DemoHistory, EveryCaseReplaysThroughTheWorkflowToItsStoredState) {
  for (const Case& c : AllCases()) {
    Replay(S(), *ref_, c);
    if (HasFatalFailure() || HasFailure()) break;
  }
}

TEST_F(DemoHistory, CountersEqualARecount) {
  for (auto by : {store::StatsBy::kNone, store::StatsBy::kCategory, store::StatsBy::kUnit, store::StatsBy::kStreet,
                  store::StatsBy::kChannel, store::StatsBy::kDay}) {
    store::StatsQuery q;
    q.by = by;
    auto counted = S().Stats(q);
    auto recounted = S().RecountStats(q);
    ASSERT_TRUE(counted.ok() && recounted.ok());
    ASSERT_EQ(counted->size(), recounted->size()) << static_cast<int>(by);
    for (size_t i = 0; i < counted->size(); ++i) {
      EXPECT_EQ((*counted)[i].key, (*recounted)[i].key);
      EXPECT_TRUE((*counted)[i].counts == (*recounted)[i].counts) << (*counted)[i].key;
    }
  }
}

TEST_F(DemoHistory, CountersEqualARecountUnderEveryDivisionAndForAnyDays) {
  const Day first = KeyOf(AllCases().front()).day, last = KeyOf(AllCases().back()).day;
  // Whole calendar months (read from the month rollup), months with days around them, and parts of months.
  const Day month_of_first = FirstDayOfMonth(MonthOf(first)), month_of_last = FirstDayOfMonth(MonthOf(last));
  const std::vector<std::pair<Day, Day>> days = {
      {0, 0},          {first + 3, first + 10}, {first - 5, first + 1}, {last - 2, 0},
      {last, last},    {last + 1, last + 9},    {first + 10, first + 3},
      {month_of_first, month_of_last - 1},  {month_of_last, FirstDayOfMonth(MonthOf(last) + 1) - 1},
      {month_of_first - 40, last + 40},     {month_of_first + 1, month_of_last + 2}};
  for (const std::string under : {"", "3799", "379901", "379901001", "379901100", "379901001002"})
    for (const auto& [from, to] : days)
      for (auto by : {store::StatsBy::kNone, store::StatsBy::kCategory, store::StatsBy::kStreet, store::StatsBy::kDay,
                      store::StatsBy::kUnit, store::StatsBy::kChannel, store::StatsBy::kCommunity}) {
        const store::StatsQuery q{under, from, to, by};
        auto counted = S().Stats(q);
        auto recounted = S().RecountStats(q);
        ASSERT_TRUE(counted.ok() && recounted.ok());
        const std::string what = under + " " + std::to_string(from) + "…" + std::to_string(to) + " by " +
                                 std::to_string(static_cast<int>(by));
        ASSERT_EQ(counted->size(), recounted->size()) << what;
        for (size_t i = 0; i < counted->size(); ++i) {
          EXPECT_EQ((*counted)[i].key, (*recounted)[i].key) << what;
          EXPECT_TRUE((*counted)[i].counts == (*recounted)[i].counts) << what << " " << (*counted)[i].key;
        }
      }
}

// Lists page through exactly the matching cases, newest first, whichever way the store finds them (a walk
// newest first for a city or county in an archive status or any status, the status and territory index
// otherwise), with a scope that the subtree implies or not.
TEST_F(DemoHistory, ListsPageThroughEveryMatchingCaseNewestFirst) {
  using St = CaseStatus;
  const std::vector<Case> all = AllCases();
  const std::vector<std::vector<St>> filters = {
      {}, {St::kClosed}, {St::kDispatched, St::kAcknowledged}, {St::kResolved}, {St::kClosed, St::kResolved}};
  std::optional<store::CaseScope> street_operator = store::CaseScope{{"379901001"}, {}, "nobody"};
  for (const std::string under : {"", "3799", "379901", "379901001", "379901100", "379901001002"})
    for (const auto& statuses : filters)
      for (const auto& scope : {std::optional<store::CaseScope>(), street_operator}) {
        std::vector<int64_t> expected;
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
          const Case& c = *it;
          const bool in_scope = !scope || c.territory.rfind(scope->territories.front(), 0) == 0;
          if (c.territory.rfind(under, 0) == 0 && in_scope &&
              (statuses.empty() || std::find(statuses.begin(), statuses.end(), c.status) != statuses.end()))
            expected.push_back(c.id);
        }
        store::CaseFilter f;
        f.under = under;
        f.statuses = statuses;
        f.scope = scope;
        f.limit = 40;
        std::vector<int64_t> listed;
        for (int pages = 0; pages < 200; ++pages) {
          auto page = S().ListCases(f);
          ASSERT_TRUE(page.ok()) << page.error().message;
          for (const Case& c : page->cases) listed.push_back(c.id);
          if (!page->next) break;
          f.before_id = page->next;
        }
        const std::string what = under + " " + std::to_string(statuses.size()) + " statuses" + (scope ? " scoped" : "");
        EXPECT_EQ(listed, expected) << what;
        f.before_id = 0;
        auto count = S().CountMatching(f);
        ASSERT_TRUE(count.ok());
        EXPECT_EQ(*count, static_cast<int64_t>(expected.size())) << what;
      }
}

TEST_F(DemoHistory, RatesAreNearWhatTheSourcesReport) {
  auto stats = S().Stats({});
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->size(), 1u);
  const StatCounts& n = stats->front().counts;
  const StatRates r = RatesOf(n);
  EXPECT_GE(n["evaluated"], 300);
  ASSERT_TRUE(r.satisfaction && r.completion_rate && r.dispatch_accuracy);
  EXPECT_GE(*r.satisfaction, 0.85);
  EXPECT_LE(*r.satisfaction, 0.98);
  EXPECT_GE(*r.completion_rate, 0.95);
  EXPECT_LE(*r.completion_rate, 1.0);
  EXPECT_GE(*r.dispatch_accuracy, 0.9);
  EXPECT_LT(*r.dispatch_accuracy, 1.0);
  for (const char* name : {"self_handled", "returned", "reworked", "overdue", "closed", "rejected", "merged"})
    EXPECT_GT(n[name], 0) << name;
  // Channels: grid workers about 45%, the hotline about 30%, the app about 15%.
  std::map<std::string, int64_t> by_channel;
  store::StatsQuery q;
  q.by = store::StatsBy::kChannel;
  auto channels = S().Stats(q);
  ASSERT_TRUE(channels.ok());
  for (const auto& g : *channels) by_channel[g.key] = g.counts["reported"];
  const double total = static_cast<double>(n["reported"]);
  EXPECT_NEAR(by_channel["grid_worker"] / total, 0.45, 0.07);
  EXPECT_NEAR(by_channel["hotline"] / total, 0.30, 0.06);
  EXPECT_NEAR(by_channel["resident_app"] / total, 0.15, 0.05);
}

TEST(DemoHistoryAlone, CasesPerYearSetsTheVolumeByGridShare) {
  HistoryOptions o = Options();
  o.days = 20;
  o.cases_per_year = 36500;  // 100 a day in all, whatever the sources' figures
  Built b(o);
  // Poisson counts over 20 days, scaled by weekday and season factors that average 1.
  EXPECT_NEAR(static_cast<double>(b.report.cases), 2000, 250);
  auto n = b.store->CountCases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(static_cast<size_t>(*n), b.report.cases);
}

// A database made before the rollups existed gets them filled from its counters by the migration, equal
// to those kept case by case. (Made by undoing migrations 6 and 7, which then run again at the opening.)
TEST(DemoHistoryAlone, TheRollupMigrationFillsThemFromTheCounters) {
  HistoryOptions o = Options();
  o.days = 45;
  o.other_scale = 1;
  Built b(o);
  const Day last = static_cast<Day>((b.report.end + 8 * 3600) / 86400);  // the last day of history, in Beijing
  const Day month = FirstDayOfMonth(MonthOf(last) - 1);
  std::vector<store::StatsQuery> queries;
  for (const std::string under : {"", "379901", "379901001"})
    for (auto by : {store::StatsBy::kNone, store::StatsBy::kStreet, store::StatsBy::kCategory, store::StatsBy::kUnit,
                    store::StatsBy::kChannel, store::StatsBy::kDay})
      for (auto [from, to] : {std::pair<Day, Day>{0, 0}, {month, FirstDayOfMonth(MonthOf(last)) - 1}, {month + 3, last}})
        queries.push_back({under, from, to, by});
  auto answers = [&] {
    std::vector<std::string> out;
    for (const auto& q : queries) {
      auto r = b.store->Stats(q);
      EXPECT_TRUE(r.ok());
      std::string text;
      for (const auto& g : *r) {
        text += g.key + ":";
        for (int64_t v : g.counts.v) text += std::to_string(v) + ",";
      }
      out.push_back(text);
    }
    return out;
  };
  const std::vector<std::string> kept = answers();
  b.store.reset();
  {
    auto db = store::sqlite::Db::Open(b.dir.File("t.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("DROP TABLE case_stats_day; DROP TABLE case_stats_month; DROP INDEX case_events_at; "
                            "ALTER TABLE categories DROP COLUMN description; "
                            "ALTER TABLE categories DROP COLUMN keywords; "
                            "ALTER TABLE categories DROP COLUMN attributes; "
                            "DELETE FROM schema_migrations WHERE version >= 6")
                    .ok());
  }
  auto reopened = store::SqliteStore::Open(b.dir.File("t.db"));
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  b.store = std::move(*reopened);
  EXPECT_EQ(answers(), kept);
  for (const auto& q : queries) {
    auto counted = b.store->Stats(q);
    auto recounted = b.store->RecountStats(q);
    ASSERT_TRUE(counted.ok() && recounted.ok());
    ASSERT_EQ(counted->size(), recounted->size());
    for (size_t i = 0; i < counted->size(); ++i) EXPECT_TRUE((*counted)[i].counts == (*recounted)[i].counts);
  }
}

// Opening a store seals personal data still in clear (a database from before encryption) once, and
// remembers that it did, so that later openings do not read every case again.
TEST(DemoHistoryAlone, PersonalDataInClearIsSealedAtTheFirstOpeningOnly) {
  HistoryOptions o = Options();
  o.days = 3;
  Built b(o);
  b.store.reset();
  auto raw = [&](const std::string& sql) {
    auto db = store::sqlite::Db::Open(b.dir.File("t.db"));
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE((*db)->Exec(sql).ok()) << sql;
  };
  auto stored_name = [&] {
    auto db = store::sqlite::Db::Open(b.dir.File("t.db"));
    store::sqlite::Stmt s((*db)->handle(), "SELECT reporter_name FROM cases WHERE id = 1");
    return s.Step() ? s.Text(0) : std::string("(none)");
  };
  auto sealed_flag = [&] {
    auto db = store::sqlite::Db::Open(b.dir.File("t.db"));
    store::sqlite::Stmt s((*db)->handle(), "SELECT value FROM meta WHERE key = 'personal_data_sealed'");
    return s.Step() ? s.Text(0) : std::string();
  };
  EXPECT_EQ(sealed_flag(), "1");  // the history's store was opened empty: nothing to seal, remembered
  raw("UPDATE cases SET reporter_name = '张三' WHERE id = 1; DELETE FROM meta WHERE key = 'personal_data_sealed'");
  {
    auto s = store::SqliteStore::Open(b.dir.File("t.db"));
    ASSERT_TRUE(s.ok());
    auto c = (*s)->GetCase(1);
    ASSERT_TRUE(c.ok() && c->has_value());
    EXPECT_EQ((*c)->reporter_name, "张三");
  }
  EXPECT_EQ(stored_name().rfind("cg1:", 0), 0u) << stored_name();
  EXPECT_EQ(sealed_flag(), "1");
  // Remembered: a row put in clear behind the store's back is not looked for again.
  raw("UPDATE cases SET reporter_name = '李四' WHERE id = 1");
  { ASSERT_TRUE(store::SqliteStore::Open(b.dir.File("t.db")).ok()); }
  EXPECT_EQ(stored_name(), "李四");
}

TEST_F(DemoHistory, RecentCasesAreOpenInManyStatesSomeOverdueOrNearlySo) {
  std::set<CaseStatus> open;
  int red = 0, yellow = 0, heating = 0;
  for (const Case& c : AllCases()) {
    if (c.category.rfind("01", 0) == 0) ++heating;
    if (IsTerminal(c.status)) continue;
    open.insert(c.status);
    if (c.handle_due > 0 && c.handle_due <= End()) ++red;
    if (c.handle_warn > 0 && c.handle_warn <= End() && c.handle_due > End()) ++yellow;
  }
  for (CaseStatus s : {CaseStatus::kReported, CaseStatus::kAcknowledged, CaseStatus::kResolved})
    EXPECT_TRUE(open.count(s)) << CaseStatusName(s);
  EXPECT_GE(open.size(), 5u);
  EXPECT_GT(red + yellow, 0);
  EXPECT_GT(heating, 20);  // November: the heating season has begun
}

TEST(DemoHistoryAlone, CatalogueOnlyAndRefusalOfAStoreWithCases) {
  HistoryOptions o = Options();
  o.days = 0;
  Built b(o);
  EXPECT_EQ(b.report.cases, 0u);
  EXPECT_EQ(b.report.categories, 96u);
  auto ref = b.store->LoadReference();
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->categories.size(), 96u);
  EXPECT_EQ(ref->units.size(), b.report.units);
  EXPECT_EQ(ref->rules.size(), b.report.rules);
  EXPECT_EQ(*b.store->CountCases(), 0);

  o.days = 3;
  auto first = BuildDemoHistory(*b.store, o);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_GT(first->cases, 0u);
  auto again = BuildDemoHistory(*b.store, o);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_argument");
}

TEST(DemoHistoryCli, DemoBuildLoadsTheHistoryAndForceStartsAgain) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "data");
  testing::WriteTinyTerritory(dir.File("data"));
  const std::string db = dir.File("t.db");
  const std::string args =
      " demo build --data " + dir.File("data") + " --catalogue " + kCatalogue +
      " --history-days 5 --history-scale 3 --history-seed 5 --history-end 2026-11-20T15:30:00+08:00";
  auto r = testing::Civicgrid("--db " + db + args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("demo build: catalogue: 96 categories"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("demo build: cases: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("satisfaction"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("demo build: done"), std::string::npos) << r.output;
  int64_t cases = 0;
  {
    auto s = store::SqliteStore::Open(db);
    ASSERT_TRUE(s.ok());
    cases = *(*s)->CountCases();
    EXPECT_GT(cases, 0);
  }
  auto refused = testing::Civicgrid("--db " + db + args);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("--force"), std::string::npos) << refused.output;
  auto forced = testing::Civicgrid("--db " + db + args + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  {
    auto s = store::SqliteStore::Open(db);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*(*s)->CountCases(), cases);  // the same seed on an empty database: the same cases
  }
  auto bare = testing::Civicgrid("--db " + dir.File("bare.db") + " demo build --data " + dir.File("data") +
                                 " --catalogue " + kCatalogue + " --history-days 0");
  ASSERT_EQ(bare.exit_code, 0) << bare.output;
  auto s = store::SqliteStore::Open(dir.File("bare.db"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*(*s)->CountCases(), 0);
  EXPECT_EQ((*s)->LoadReference()->categories.size(), 96u);
  EXPECT_NE(testing::Civicgrid("--db " + dir.File("x.db") + " demo build --data " + dir.File("data") + " --catalogue " +
                               dir.File("nowhere"))
                .exit_code,
            0);
}

}  // namespace
}  // namespace civicgrid::demo
