// Case statistics (core/case_stats.h): the facts of each case of a hand-computed fixture, built through
// real Report()/Apply() calls, and every rate from the counters, checked against numbers computed by
// hand below.
//
// Calendar: Monday–Friday, 08:00–12:00 and 14:00–18:00, UTC+8. Category 0101: acknowledge 2 working
// hours, handle 5 working days, verify 1 working day. Thu 2026-11-19 … Tue 2026-12-01 as in
// workflow_test.cc (Sat/Sun 11-21/22 and 11-28/29 are off).
#include "core/case_stats.h"
#include "support/case_fixtures.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/workflow.h"

namespace civicgrid {
namespace {

using S = CaseStatus;
using A = Action;
using testing::At;
using testing::D;
using testing::TestCalendar;
using testing::TestCategory;

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

DispatchTarget Target(int64_t unit) {
  DispatchTarget t;
  t.unit = unit;
  t.rule = 1;
  t.reason = "test";
  t.calendar = "test";
  return t;
}

// A case driven through Report() and Apply(); it keeps the counters of its row up to date the way the
// store does (subtract the facts before, add the facts after).
class Flow {
 public:
  Flow(int64_t id, StatCounts& running) : id_(id), running_(running) {}

  Flow& Report(Timestamp at, Channel channel = Channel::kResidentApp) {
    Case draft;
    draft.id = id_;
    draft.channel = channel;
    draft.description = "case " + std::to_string(id_);
    draft.territory = "371302004001001";
    draft.level = Level::kStreet;
    draft.center = 301;
    ActionRequest r;
    r.action = A::kReport;
    r.actor = "reporter";
    r.at = at;
    auto out = civicgrid::Report(draft, r, Ctx());
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (out.ok()) {
      c = out->after;
      running_ += FactsOf(c);
    }
    return *this;
  }

  // Applies `action` at `at` with a complete request (the first role the table allows, a note, the
  // category, …) and the options given.
  Flow& Do(A action, Timestamp at, Evaluation evaluation = Evaluation::kSatisfied, int64_t unit = 501,
           Level unit_level = Level::kStreet, std::optional<TimeLimit> extension = std::nullopt) {
    ActionRequest r;
    r.action = action;
    r.at = at;
    r.role = TransitionOf(action).roles.front();
    r.actor = "actor";
    r.note = "note";
    r.category = "0101";
    r.duplicate_of = 1;
    r.evaluation = evaluation;
    r.extension = extension;
    ActionContext ctx = Ctx();
    ctx.dispatch = Target(unit);
    ctx.unit_level = unit_level;
    auto out = Apply(c, r, ctx);
    EXPECT_TRUE(out.ok()) << "case " << id_ << ": " << ActionName(action) << " in " << CaseStatusName(c.status)
                          << ": " << (out.ok() ? "" : out.error().message);
    if (out.ok()) {
      running_ -= FactsOf(c);
      c = out->after;
      running_ += FactsOf(c);
    }
    return *this;
  }

  Case c;

 private:
  ActionContext Ctx() const {
    ActionContext ctx;
    ctx.calendar = &calendar_;
    ctx.category = &category_;
    ctx.upper_center = 201;
    ctx.upper_level = Level::kCounty;
    ctx.duplicate_exists = true;
    return ctx;
  }

  int64_t id_;
  StatCounts& running_;
  Calendar calendar_ = TestCalendar();
  Category category_ = TestCategory();
};

// The names of the counters that are 1 (handling_seconds aside).
std::set<std::string> Flags(const StatCounts& f) {
  std::set<std::string> out;
  for (size_t i = 0; i < kStatFieldNames.size(); ++i) {
    if (kStatFieldNames[i] == "handling_seconds") continue;
    EXPECT_TRUE(f.v[i] == 0 || f.v[i] == 1) << kStatFieldNames[i] << " = " << f.v[i];
    if (f.v[i] != 0) out.emplace(kStatFieldNames[i]);
  }
  return out;
}

struct Expected {
  std::set<std::string> flags;
  int64_t handling_seconds = 0;
};

// The fixture: 13 cases, each dispatched (if at all) first on Thu 2026-11-19 09:00, whose handle
// deadline is then Thu 11-26 09:00.
class StatsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const Timestamp report = At("2026-11-19", 8);
    const Timestamp accept = At("2026-11-19", 8, 10);
    const Timestamp dispatch = At("2026-11-19", 9);
    const Timestamp ack = At("2026-11-19", 9, 30);
    auto add = [&](int64_t id) -> Flow& { return flows_.emplace_back(id, running_); };

    // 1. Closed on time, satisfied, resolved by a street unit Fri 11:00.
    //    Handling: Thu 09–12 (3 h) + 14–18 (4 h) + Fri 08–11 (3 h) = 10 h = 36000 s.
    add(1).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kResolve, At("2026-11-20", 11)).Do(A::kVerifyPass, At("2026-11-20", 15))
        .Do(A::kCallback, At("2026-11-20", 16), Evaluation::kSatisfied).Do(A::kClose, At("2026-11-20", 17));
    expected_[1] = {{"reported", "accepted", "dispatched", "resolved", "resolved_on_time", "due", "closed",
                     "closed_on_time", "evaluated", "satisfied", "ended_street"},
                    36000};

    // 2. Closed late: resolved by a county unit Fri 11-27 10:00, a day after the deadline; basically
    //    satisfied. Handling: Thu 7 h + Fri 8 + Mon–Thu 32 + Fri 2 = 49 h = 176400 s.
    add(2).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kResolve, At("2026-11-27", 10), Evaluation::kNone, 501, Level::kCounty)
        .Do(A::kVerifyPass, At("2026-11-27", 11))
        .Do(A::kCallback, At("2026-11-27", 14), Evaluation::kBasicallySatisfied)
        .Do(A::kClose, At("2026-11-27", 15));
    expected_[2] = {{"reported", "accepted", "dispatched", "resolved", "overdue", "due", "closed", "evaluated",
                     "basically_satisfied", "ended_county"},
                    176400};

    // 3. Overdue and still open: marked a minute after the deadline.
    add(3).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kMarkOverdue, At("2026-11-26", 9, 1));
    expected_[3] = {{"reported", "accepted", "dispatched", "overdue", "due", "open"}, 0};

    // 4. Suspended (Fri 10:00).
    add(4).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kSuspend, At("2026-11-20", 10));
    expected_[4] = {{"reported", "accepted", "dispatched", "suspended", "due", "open"}, 0};

    // 5. Rejected.
    add(5).Report(report).Do(A::kReject, accept);
    expected_[5] = {{"reported", "rejected"}, 0};

    // 6. Merged after being accepted.
    add(6).Report(report).Do(A::kAccept, accept).Do(A::kMerge, At("2026-11-19", 8, 20));
    expected_[6] = {{"reported", "merged"}, 0};

    // 7. Self-handled by the grid worker, verified and closed without a callback.
    add(7).Report(report, Channel::kGridWorker).Do(A::kSelfHandle, At("2026-11-19", 8, 30))
        .Do(A::kVerifyPass, At("2026-11-19", 9)).Do(A::kClose, At("2026-11-19", 10));
    expected_[7] = {{"reported", "accepted", "resolved", "resolved_on_time", "due", "closed", "closed_on_time",
                     "self_handled", "ended_grid"},
                    0};

    // 8. Reworked: resolved Fri 11:00, verification failed Fri 14:00, resolved again Mon 11-23 10:00 (on
    //    time: the fresh deadline is Fri 11-27), verified, rated unsatisfied (open).
    //    Handling from the first dispatch: Thu 7 h + Fri 8 h + Mon 2 h = 17 h = 61200 s.
    add(8).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kResolve, At("2026-11-20", 11)).Do(A::kVerifyFail, At("2026-11-20", 14))
        .Do(A::kResolve, At("2026-11-23", 10)).Do(A::kVerifyPass, At("2026-11-23", 11))
        .Do(A::kCallback, At("2026-11-23", 14), Evaluation::kUnsatisfied);
    expected_[8] = {{"reported", "accepted", "dispatched", "resolved", "resolved_on_time", "reworked",
                     "evaluated", "unsatisfied", "ended_street", "open"},
                    61200};

    // 9. Extended by 3 working days (deadline Thu 11-26 09:00 → Tue 12-01 09:00), resolved Mon 11-30
    //    10:00 (late without the extension, on time with it), satisfied, closed.
    //    Handling: Thu 7 + Fri 8 + 11-23…27 40 + Mon 2 = 57 h = 205200 s.
    add(9).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kRequestExtension, At("2026-11-20", 9), Evaluation::kNone, 501, Level::kStreet,
            TimeLimit{TimeLimitKind::kWorkingDays, 3})
        .Do(A::kGrantExtension, At("2026-11-20", 10))
        .Do(A::kResolve, At("2026-11-30", 10)).Do(A::kVerifyPass, At("2026-11-30", 11))
        .Do(A::kCallback, At("2026-11-30", 14), Evaluation::kSatisfied).Do(A::kClose, At("2026-11-30", 15));
    expected_[9] = {{"reported", "accepted", "dispatched", "resolved", "resolved_on_time", "due", "closed",
                     "closed_on_time", "extended", "evaluated", "satisfied", "ended_street"},
                    205200};

    // 10. Returned by unit 501 at 10:00, dispatched again at 11:00 to unit 503 (community level), resolved
    //     Fri 09:00, verified, closed. Handling from the first dispatch: Thu 7 h + Fri 1 h = 28800 s.
    add(10).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kReturn, At("2026-11-19", 10))
        .Do(A::kDispatch, At("2026-11-19", 11), Evaluation::kNone, 503)
        .Do(A::kAcknowledge, At("2026-11-19", 11, 30), Evaluation::kNone, 503)
        .Do(A::kResolve, At("2026-11-20", 9), Evaluation::kNone, 503, Level::kCommunity)
        .Do(A::kVerifyPass, At("2026-11-20", 10)).Do(A::kClose, At("2026-11-20", 11));
    expected_[10] = {{"reported", "accepted", "dispatched", "returned", "resolved", "resolved_on_time", "due",
                      "closed", "closed_on_time", "ended_community"},
                     28800};

    // 11. Only reported.
    add(11).Report(report, Channel::kHotline);
    expected_[11] = {{"reported", "open"}, 0};

    // 12. Escalated to the county, dispatched by it, acknowledged; within its time.
    add(12).Report(report).Do(A::kAccept, accept).Do(A::kEscalate, At("2026-11-19", 8, 30))
        .Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack);
    expected_[12] = {{"reported", "accepted", "dispatched", "escalated", "open"}, 0};

    // 13. In rework: resolved Fri 09:00, verification failed Fri 10:00, back with the unit. Not resolved
    //     now, so neither resolved nor reworked (rework counts among resolved cases) nor any handling time.
    add(13).Report(report).Do(A::kAccept, accept).Do(A::kDispatch, dispatch).Do(A::kAcknowledge, ack)
        .Do(A::kResolve, At("2026-11-20", 9)).Do(A::kVerifyFail, At("2026-11-20", 10));
    expected_[13] = {{"reported", "accepted", "dispatched", "open"}, 0};
  }

  StatCounts Total() const {
    StatCounts total;
    for (const Flow& f : flows_) total += FactsOf(f.c);
    return total;
  }

  StatCounts running_;
  std::deque<Flow> flows_;
  std::map<int64_t, Expected> expected_;
};

TEST_F(StatsFixture, TheCasesReachedTheirEndStates) {
  const std::vector<S> want = {S::kClosed,  S::kClosed,    S::kAcknowledged, S::kSuspended, S::kRejected,
                               S::kMerged,  S::kClosed,    S::kEvaluated,    S::kClosed,    S::kClosed,
                               S::kReported, S::kAcknowledged, S::kAcknowledged};
  ASSERT_EQ(flows_.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(CaseStatusName(flows_[i].c.status), CaseStatusName(want[i])) << "case " << i + 1;
  EXPECT_TRUE(flows_[1].c.overdue);
  EXPECT_FALSE(flows_[1].c.resolved_on_time);
  EXPECT_EQ(flows_[8].c.extensions, 1);
  EXPECT_EQ(flows_[9].c.unit, 503);
  EXPECT_EQ(flows_[9].c.returns, 1);
  EXPECT_EQ(flows_[7].c.reworks, 1);
  EXPECT_EQ(flows_[12].c.reworks, 1);
}

TEST_F(StatsFixture, FactsOfEachCase) {
  for (const Flow& f : flows_) {
    const Expected& want = expected_.at(f.c.id);
    const StatCounts facts = FactsOf(f.c);
    EXPECT_EQ(Flags(facts), want.flags) << "case " << f.c.id;
    EXPECT_EQ(facts["handling_seconds"], want.handling_seconds) << "case " << f.c.id;
  }
}

TEST_F(StatsFixture, CountersAreTheSumOfTheFacts) {
  const StatCounts n = Total();
  const std::map<std::string, int64_t> want = {
      {"reported", 13},        {"accepted", 10},   {"dispatched", 9},  {"returned", 1},
      {"resolved", 6},         {"resolved_on_time", 5}, {"overdue", 2}, {"suspended", 1},
      {"due", 7},              {"closed", 5},      {"closed_on_time", 4}, {"self_handled", 1},
      {"reworked", 1},         {"extended", 1},    {"escalated", 1},   {"evaluated", 4},
      {"satisfied", 2},        {"basically_satisfied", 1}, {"unsatisfied", 1}, {"rejected", 1},
      {"merged", 1},           {"handling_seconds", 36000 + 176400 + 61200 + 205200 + 28800},
      {"ended_grid", 1},       {"ended_community", 1}, {"ended_street", 3}, {"ended_county", 1},
      {"ended_city", 0},       {"open", 6},
  };
  ASSERT_EQ(want.size(), kStatFieldNames.size());
  for (const auto& [name, value] : want) EXPECT_EQ(n[name], value) << name;
  // The counters kept up to date action by action equal the recount.
  EXPECT_EQ(running_, n);
}

TEST_F(StatsFixture, Rates) {
  const StatRates r = RatesOf(Total());
  // completion = closed / (due − suspended) = 5 / (7 − 1) = 5/6.
  ASSERT_TRUE(r.completion_rate);
  EXPECT_DOUBLE_EQ(*r.completion_rate, 5.0 / 6.0);
  // on time = closed on time / (due − suspended) = 4/6.
  ASSERT_TRUE(r.on_time_rate);
  EXPECT_DOUBLE_EQ(*r.on_time_rate, 4.0 / 6.0);
  // dispatch accuracy = 1 − returned / dispatched = 1 − 1/9 = 8/9.
  ASSERT_TRUE(r.dispatch_accuracy);
  EXPECT_DOUBLE_EQ(*r.dispatch_accuracy, 8.0 / 9.0);
  // rework = reworked / resolved = 1/6.
  ASSERT_TRUE(r.rework_rate);
  EXPECT_DOUBLE_EQ(*r.rework_rate, 1.0 / 6.0);
  // extension = extended / dispatched = 1/9.
  ASSERT_TRUE(r.extension_rate);
  EXPECT_DOUBLE_EQ(*r.extension_rate, 1.0 / 9.0);
  // satisfaction = (2 + 1) / 4.
  ASSERT_TRUE(r.satisfaction);
  EXPECT_DOUBLE_EQ(*r.satisfaction, 0.75);
  // average handling = 507600 s / 60 / (6 resolved − 1 self-handled) = 8460 / 5 = 1692 minutes.
  ASSERT_TRUE(r.average_handling_minutes);
  EXPECT_DOUBLE_EQ(*r.average_handling_minutes, 1692.0);
  // ended shares of the 6 resolved: grid 1, community 1, street 3, county 1, city 0.
  const double want[5] = {1.0 / 6, 1.0 / 6, 3.0 / 6, 1.0 / 6, 0.0};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(r.ended_share[i]) << i;
    EXPECT_DOUBLE_EQ(*r.ended_share[i], want[i]) << i;
  }
}

TEST_F(StatsFixture, RatesOfASliceAndNoneWhenTheDenominatorIsZero) {
  // Cases 5, 6 and 11 only (rejected, merged, reported): every denominator is 0.
  StatCounts n;
  for (int64_t id : {5, 6, 11}) n += FactsOf(flows_[id - 1].c);
  StatRates r = RatesOf(n);
  EXPECT_FALSE(r.completion_rate);
  EXPECT_FALSE(r.on_time_rate);
  EXPECT_FALSE(r.dispatch_accuracy);
  EXPECT_FALSE(r.rework_rate);
  EXPECT_FALSE(r.extension_rate);
  EXPECT_FALSE(r.satisfaction);
  EXPECT_FALSE(r.average_handling_minutes);
  for (const auto& s : r.ended_share) EXPECT_FALSE(s);
  // Case 4 alone (suspended): due 1 − suspended 1 = 0 → no completion or on-time rate; dispatched 1 →
  // accuracy 1, extension 0.
  r = RatesOf(FactsOf(flows_[3].c));
  EXPECT_FALSE(r.completion_rate);
  EXPECT_FALSE(r.on_time_rate);
  ASSERT_TRUE(r.dispatch_accuracy);
  EXPECT_DOUBLE_EQ(*r.dispatch_accuracy, 1.0);
  ASSERT_TRUE(r.extension_rate);
  EXPECT_DOUBLE_EQ(*r.extension_rate, 0.0);
  // Case 7 alone (self-handled): resolved 1 but no handling time to average (resolved − self-handled = 0);
  // completion 1/1; no evaluation.
  r = RatesOf(FactsOf(flows_[6].c));
  EXPECT_FALSE(r.average_handling_minutes);
  ASSERT_TRUE(r.completion_rate);
  EXPECT_DOUBLE_EQ(*r.completion_rate, 1.0);
  EXPECT_FALSE(r.satisfaction);
  EXPECT_FALSE(r.dispatch_accuracy);
  ASSERT_TRUE(r.ended_share[0]);
  EXPECT_DOUBLE_EQ(*r.ended_share[0], 1.0);
  // Cases 2 and 3 (closed late; overdue open): completion 1/2, on time 0/2.
  n = FactsOf(flows_[1].c);
  n += FactsOf(flows_[2].c);
  r = RatesOf(n);
  ASSERT_TRUE(r.completion_rate);
  EXPECT_DOUBLE_EQ(*r.completion_rate, 0.5);
  ASSERT_TRUE(r.on_time_rate);
  EXPECT_DOUBLE_EQ(*r.on_time_rate, 0.0);
  // Cases 8 and 13 (reworked and resolved; in rework now) with case 1: rework 1 of 2 resolved, never
  // more than all of them.
  n = FactsOf(flows_[0].c);
  n += FactsOf(flows_[7].c);
  n += FactsOf(flows_[12].c);
  r = RatesOf(n);
  ASSERT_TRUE(r.rework_rate);
  EXPECT_DOUBLE_EQ(*r.rework_rate, 0.5);
  r = RatesOf(FactsOf(flows_[12].c));
  EXPECT_FALSE(r.rework_rate);
  // Case 1 (no rework) with case 13 (in rework): the one resolved case was not reworked → 0, not 1/1.
  n = FactsOf(flows_[0].c);
  n += FactsOf(flows_[12].c);
  r = RatesOf(n);
  ASSERT_TRUE(r.rework_rate);
  EXPECT_DOUBLE_EQ(*r.rework_rate, 0.0);
}

TEST_F(StatsFixture, AddAndSubtractRoundTrip) {
  StatCounts n = Total();
  const StatCounts all = n;
  // Take case 9 out and put it back.
  const StatCounts nine = FactsOf(flows_[8].c);
  n -= nine;
  EXPECT_EQ(n["closed"], 4);
  EXPECT_EQ(n["extended"], 0);
  EXPECT_EQ(n["handling_seconds"], 507600 - 205200);
  EXPECT_NE(n, all);
  n += nine;
  EXPECT_EQ(n, all);
  // Subtracting every case leaves nothing.
  for (const Flow& f : flows_) n -= FactsOf(f.c);
  EXPECT_TRUE(n.empty());
  EXPECT_EQ(n, StatCounts{});
  // += and -= return the object itself.
  StatCounts a;
  StatCounts& ref = (a += nine);
  EXPECT_EQ(&ref, &a);
  EXPECT_EQ(&(a -= nine), &a);
  EXPECT_TRUE(a.empty());
}

TEST(FactsOfTest, EndedLevelsCountOnlyResolvedCases) {
  // Resolved by a city unit, then sent back for rework: the level it ended at no longer counts.
  Case c;
  c.status = S::kAcknowledged;
  c.ended_level = Level::kCity;
  c.dispatched_at = 1;
  c.handling_seconds = 600;
  c.reworks = 1;
  StatCounts f = FactsOf(c);
  EXPECT_EQ(Flags(f), (std::set<std::string>{"reported", "accepted", "dispatched", "open"}));
  EXPECT_EQ(f["handling_seconds"], 0);
  // Verified: it counts at the city level (a province unit counts there too).
  c.status = S::kVerified;
  f = FactsOf(c);
  EXPECT_EQ(f["ended_city"], 1);
  EXPECT_EQ(f["reworked"], 1);
  EXPECT_EQ(f["handling_seconds"], 600);
  c.ended_level = Level::kProvince;
  EXPECT_EQ(FactsOf(c)["ended_city"], 1);
  // Overdue and suspended: due and suspended, so out of the completion denominator.
  Case s;
  s.status = S::kSuspended;
  s.overdue = true;
  f = FactsOf(s);
  EXPECT_EQ(f["due"], 1);
  EXPECT_EQ(f["suspended"], 1);
  EXPECT_EQ(f["overdue"], 1);
}

TEST(StatCountsTest, NamesAreUniqueAndIndexTheArray) {
  std::set<std::string_view> names(kStatFieldNames.begin(), kStatFieldNames.end());
  EXPECT_EQ(names.size(), kStatFieldNames.size());
  StatCounts n;
  EXPECT_TRUE(n.empty());
  for (size_t i = 0; i < kStatFieldNames.size(); ++i) {
    n[kStatFieldNames[i]] = static_cast<int64_t>(i + 1);
    EXPECT_EQ(n.v[i], static_cast<int64_t>(i + 1)) << kStatFieldNames[i];
  }
  EXPECT_FALSE(n.empty());
  const StatCounts& cn = n;
  EXPECT_EQ(cn["open"], static_cast<int64_t>(kStatFieldNames.size()));
  EXPECT_THROW(n["no_such_counter"], std::out_of_range);
  EXPECT_THROW(cn["no_such_counter"], std::out_of_range);
}

TEST(KeyOfTest, LocalDayAtTheUtcPlus8Boundary) {
  Case c;
  c.territory = "371302004001001";
  c.category = "0101";
  c.channel = Channel::kHotline;
  auto t = ParseTimestamp("2026-11-22T16:30:00Z", "at");
  ASSERT_TRUE(t.ok());
  c.reported_at = *t;  // 2026-11-23 00:30 in Beijing
  EXPECT_EQ(FormatDay(KeyOf(c).day), "2026-11-23");
  EXPECT_EQ(FormatDay(KeyOf(c, 0).day), "2026-11-22");  // in UTC still the 22nd
  c.reported_at = *ParseTimestamp("2026-11-22T15:59:59Z", "at");  // 23:59:59 local
  EXPECT_EQ(FormatDay(KeyOf(c).day), "2026-11-22");
  c.reported_at = *ParseTimestamp("2026-11-22T16:00:00Z", "at");  // local midnight
  EXPECT_EQ(FormatDay(KeyOf(c).day), "2026-11-23");
  EXPECT_EQ(KeyOf(c).day, D("2026-11-23"));
  // West of Greenwich and before 1970 the day is floored, not truncated.
  c.reported_at = 3600;  // 1970-01-01T01:00Z
  EXPECT_EQ(KeyOf(c, -120).day, -1);
  c.reported_at = -1;
  EXPECT_EQ(KeyOf(c, 0).day, -1);
  EXPECT_EQ(KeyOf(c, 480).day, 0);
  c.reported_at = -86400;
  EXPECT_EQ(KeyOf(c, 0).day, -1);
  c.reported_at = -86401;
  EXPECT_EQ(KeyOf(c, 0).day, -2);
}

TEST(KeyOfTest, TheOtherParts) {
  Case c;
  c.reported_at = At("2026-11-19", 8);
  c.territory = "371302004001001";
  c.channel = Channel::kDrone;
  c.unit = 501;  // not yet dispatched: the row has no unit
  StatKey k = KeyOf(c);
  EXPECT_EQ(k.day, D("2026-11-19"));
  EXPECT_EQ(k.territory, "371302004001001");
  EXPECT_EQ(k.category, "");
  EXPECT_EQ(k.unit, 0);
  EXPECT_EQ(k.channel, Channel::kDrone);
  c.category = "0101";
  c.dispatched_at = At("2026-11-19", 9);
  k = KeyOf(c);
  EXPECT_EQ(k.category, "0101");
  EXPECT_EQ(k.unit, 501);
  StatKey same = k;
  EXPECT_EQ(same, k);
  same.channel = Channel::kIot;
  EXPECT_FALSE(same == k);
}

TEST_F(StatsFixture, KeysOfTheFixture) {
  // All reported Thu 2026-11-19 08:00 local; the unit is the lead unit of the latest dispatch.
  for (const Flow& f : flows_) EXPECT_EQ(KeyOf(f.c).day, D("2026-11-19")) << f.c.id;
  EXPECT_EQ(KeyOf(flows_[9].c).unit, 503);  // re-dispatched to 503
  EXPECT_EQ(KeyOf(flows_[6].c).unit, 0);    // self-handled
  EXPECT_EQ(KeyOf(flows_[4].c).unit, 0);    // rejected
  EXPECT_EQ(KeyOf(flows_[0].c).unit, 501);
  EXPECT_EQ(KeyOf(flows_[10].c).channel, Channel::kHotline);
  EXPECT_EQ(KeyOf(flows_[10].c).category, "");
  EXPECT_EQ(KeyOf(flows_[0].c).category, "0101");
}

}  // namespace
}  // namespace civicgrid

namespace civicgrid {
namespace {

Day Iso(const char* text) { return *ParseDay(text); }

TEST(StatRollups, MonthsAreNumberedFromYearZeroAndStartOnTheFirst) {
  EXPECT_EQ(MonthOf(Iso("2026-11-22")), 2026 * 12 + 10);
  EXPECT_EQ(MonthOf(Iso("2026-01-01")), 2026 * 12);
  EXPECT_EQ(MonthOf(Iso("2025-12-31")), 2025 * 12 + 11);
  EXPECT_EQ(FirstDayOfMonth(2026 * 12 + 10), Iso("2026-11-01"));
  EXPECT_EQ(FirstDayOfMonth(2024 * 12 + 2), Iso("2024-03-01"));
  EXPECT_EQ(FirstDayOfMonth(2024 * 12 + 2) - 1, Iso("2024-02-29"));  // leap year
  EXPECT_EQ(FirstDayOfMonth(1969 * 12 + 11), Iso("1969-12-01"));     // before the epoch
  for (Day d = Iso("2023-12-25"); d < Iso("2025-01-10"); ++d) {
    EXPECT_LE(FirstDayOfMonth(MonthOf(d)), d);
    EXPECT_GT(FirstDayOfMonth(MonthOf(d) + 1), d);
  }
}

TEST(StatRollups, APeriodSplitsIntoWholeMonthsAndTheDaysAroundThem) {
  auto split = SplitByMonths(Iso("2025-11-23"), Iso("2026-11-22"));  // a year to today
  EXPECT_EQ(split.first_month, MonthOf(Iso("2025-12-01")));
  EXPECT_EQ(split.last_month, MonthOf(Iso("2026-10-01")));
  ASSERT_EQ(split.days.size(), 2u);
  EXPECT_EQ(split.days[0], std::make_pair(Iso("2025-11-23"), Iso("2025-11-30")));
  EXPECT_EQ(split.days[1], std::make_pair(Iso("2026-11-01"), Iso("2026-11-22")));

  split = SplitByMonths(Iso("2026-10-01"), Iso("2026-10-31"));  // one whole month
  EXPECT_EQ(split.first_month, split.last_month);
  EXPECT_EQ(split.first_month, MonthOf(Iso("2026-10-01")));
  EXPECT_TRUE(split.days.empty());

  split = SplitByMonths(Iso("2026-10-02"), Iso("2026-11-30"));  // partial, then whole
  EXPECT_EQ(split.first_month, MonthOf(Iso("2026-11-01")));
  EXPECT_EQ(split.last_month, split.first_month);
  ASSERT_EQ(split.days.size(), 1u);
  EXPECT_EQ(split.days[0], std::make_pair(Iso("2026-10-02"), Iso("2026-10-31")));

  split = SplitByMonths(Iso("2026-10-05"), Iso("2026-11-03"));  // no whole month
  EXPECT_GT(split.first_month, split.last_month);
  ASSERT_EQ(split.days.size(), 1u);
  EXPECT_EQ(split.days[0], std::make_pair(Iso("2026-10-05"), Iso("2026-11-03")));

  EXPECT_TRUE(SplitByMonths(Iso("2026-10-05"), Iso("2026-10-04")).days.empty());
  EXPECT_GT(SplitByMonths(Iso("2026-10-05"), Iso("2026-10-04")).first_month,
            SplitByMonths(Iso("2026-10-05"), Iso("2026-10-04")).last_month);

  // Every day of a period is covered exactly once, whatever its ends.
  for (Day from = Iso("2026-01-25"); from < Iso("2026-03-05"); from += 3)
    for (Day to = from - 1; to < Iso("2026-05-10"); to += 7) {
      const auto s = SplitByMonths(from, to);
      std::map<Day, int> seen;
      for (auto [a, b] : s.days)
        for (Day d = a; d <= b; ++d) ++seen[d];
      for (int32_t m = s.first_month; m <= s.last_month; ++m)
        for (Day d = FirstDayOfMonth(m); d < FirstDayOfMonth(m + 1); ++d) ++seen[d];
      EXPECT_EQ(seen.size(), static_cast<size_t>(std::max(0, to - from + 1)));
      for (auto [d, n] : seen) {
        EXPECT_EQ(n, 1);
        EXPECT_TRUE(d >= from && d <= to);
      }
    }
}

TEST(StatRollups, ACaseCountsByStreetAndByCountyInEachDimension) {
  StatKey k{Iso("2026-11-22"), "371302004027003", "0101", 12, Channel::kHotline};
  const auto keys = RollupKeysOf(k);
  EXPECT_EQ(keys[0], (RollupKey{RollupBy::kNone, "371302004", ""}));
  EXPECT_EQ(keys[1], (RollupKey{RollupBy::kCategory, "371302", "0101"}));
  EXPECT_EQ(keys[2], (RollupKey{RollupBy::kUnit, "371302", "12"}));
  EXPECT_EQ(keys[3], (RollupKey{RollupBy::kChannel, "371302", std::string(ChannelName(Channel::kHotline))}));
  k.territory = "3713";  // a case placed only in a city stays there
  EXPECT_EQ(RollupKeysOf(k)[0].area, "3713");
  EXPECT_EQ(RollupKeysOf(k)[1].area, "3713");
}

}  // namespace
}  // namespace civicgrid
