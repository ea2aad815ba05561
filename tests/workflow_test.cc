// The case state machine (core/workflow.h): every (state, action) pair of the transition table, the
// roles, the guards, the events, and the clocks on a calendar whose deadlines are computed by hand.
//
// The test calendar: Monday–Friday, 08:00–12:00 and 14:00–18:00 (8 working hours a day), UTC+8, no
// overrides. The holiday calendar is the same with Monday 2026-11-23 off. Dates used:
//   Thu 2026-11-19, Fri 11-20, (Sat 11-21, Sun 11-22), Mon 11-23, Tue 11-24, Wed 11-25, Thu 11-26,
//   Fri 11-27, (Sat 11-28, Sun 11-29), Mon 11-30, Tue 12-01.
#include "core/workflow.h"
#include "support/case_fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

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
constexpr int64_t kWorkingDay = 8 * kHour;

constexpr int64_t kUnit = 501;
constexpr int64_t kCoUnit = 502;
constexpr int64_t kStreetCenter = 301;
constexpr int64_t kCountyCenter = 201;
constexpr int64_t kCaseId = 42;

std::string Show(std::optional<Timestamp> t) { return t ? FormatTimestamp(*t) : std::string("none"); }

Calendar HolidayCalendar() {
  Calendar c = TestCalendar();
  c.id = "test-holiday";
  c.overrides[D("2026-11-23")] = CalendarOverride{D("2026-11-23"), false, "a test holiday"};
  return c;
}

DispatchTarget Target() {
  DispatchTarget t;
  t.unit = kUnit;
  t.co_units = {kCoUnit};
  t.rule = 7;
  t.reason = "rule 7: category 0101 in 371302004 → 柳青街道城管办";
  t.calendar = "test";
  return t;
}

// A complete request for `action` at `at`, by the first role the table allows, with every input any
// guard asks for (a note, a category, an evaluation, an extension, a duplicate).
ActionRequest Req(Action action, Timestamp at) {
  ActionRequest r;
  r.action = action;
  r.at = at;
  r.role = TransitionOf(action).roles.front();
  r.actor = "user-" + std::string(RoleName(r.role));
  r.note = "note for " + std::string(ActionName(action));
  r.attachments = {"att-1"};
  r.category = "0101";
  r.duplicate_of = 7;
  r.evaluation = Evaluation::kSatisfied;
  r.extension = TimeLimit{TimeLimitKind::kWorkingDays, 2};
  return r;
}

// A case driven through real Report() and Apply() calls; every event is kept.
class Flow {
 public:
  Flow(const Calendar& calendar, const Category& category) : calendar_(calendar), category_(category) {}

  // The context of every action: this flow's calendar and category, the dispatch target, the county's
  // command center above the street, a street-level unit resolving, and an existing duplicate.
  ActionContext Ctx() const {
    ActionContext ctx;
    ctx.calendar = &calendar_;
    ctx.category = &category_;
    ctx.dispatch = Target();
    ctx.upper_center = kCountyCenter;
    ctx.upper_level = Level::kCounty;
    ctx.unit_level = Level::kStreet;
    ctx.duplicate_exists = true;
    return ctx;
  }

  Flow& Report(Timestamp at) {
    Case draft;
    draft.id = kCaseId;
    draft.channel = Channel::kGridWorker;
    draft.description = "井盖缺失，柳青街道某路口";
    draft.grid = "371302004001001";
    draft.territory = draft.grid;
    draft.level = Level::kStreet;
    draft.center = kStreetCenter;
    draft.attachments = {"photo-1"};
    ActionRequest r = Req(A::kReport, at);
    r.role = Role::kGridWorker;
    auto out = civicgrid::Report(draft, r, Ctx());
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (out.ok()) Keep(*out);
    return *this;
  }

  Flow& Do(const ActionRequest& r) { return Do(r, Ctx()); }
  Flow& Do(const ActionRequest& r, const ActionContext& ctx) {
    auto out = Apply(c, r, ctx);
    EXPECT_TRUE(out.ok()) << ActionName(r.action) << " in " << CaseStatusName(c.status) << ": "
                          << (out.ok() ? "" : out.error().code + " " + out.error().message);
    if (out.ok()) Keep(*out);
    return *this;
  }
  Flow& Do(Action a, Timestamp at) { return Do(Req(a, at)); }
  // The action 10 minutes after the last change.
  Flow& Next(Action a) { return Do(a, c.updated_at + 10 * kMinute); }

  Deadlines Due(Timestamp now) const { return DeadlinesOf(c, calendar_, now); }

  Case c;
  std::vector<CaseEvent> events;

 private:
  void Keep(const Outcome& out) {
    c = out.after;
    events.push_back(out.event);
  }
  const Calendar& calendar_;
  const Category& category_;
};

const std::vector<S> kAllStatuses = {S::kReported, S::kAccepted, S::kDispatched, S::kAcknowledged, S::kReturned,
                                     S::kEscalated, S::kSuspended, S::kResolved, S::kVerified,    S::kEvaluated,
                                     S::kClosed,   S::kRejected,  S::kMerged};

// Drives a case from a report at Thu 2026-11-19 08:00 into `status`, one action every 10 minutes.
// Suspended is reached from acknowledged; evaluated is rated unsatisfied (so that reopen is possible).
void Reach(Flow& f, S status) {
  f.Report(At("2026-11-19", 8));
  auto dispatched = [&] { f.Next(A::kAccept).Next(A::kClassify).Next(A::kDispatch); };
  auto acknowledged = [&] { dispatched(); f.Next(A::kAcknowledge); };
  auto resolved = [&] { acknowledged(); f.Next(A::kResolve); };
  switch (status) {
    case S::kReported: break;
    case S::kAccepted: f.Next(A::kAccept); break;
    case S::kDispatched: dispatched(); break;
    case S::kAcknowledged: acknowledged(); break;
    case S::kReturned: dispatched(); f.Next(A::kReturn); break;
    case S::kEscalated: f.Next(A::kAccept).Next(A::kEscalate); break;
    case S::kSuspended: acknowledged(); f.Next(A::kSuspend); break;
    case S::kResolved: resolved(); break;
    case S::kVerified: resolved(); f.Next(A::kVerifyPass); break;
    case S::kEvaluated: {
      resolved();
      f.Next(A::kVerifyPass);
      ActionRequest r = Req(A::kCallback, f.c.updated_at + 10 * kMinute);
      r.evaluation = Evaluation::kUnsatisfied;
      f.Do(r);
      break;
    }
    case S::kClosed: resolved(); f.Next(A::kVerifyPass).Next(A::kClose); break;
    case S::kRejected: f.Next(A::kReject); break;
    case S::kMerged: f.Next(A::kMerge); break;
  }
  EXPECT_EQ(f.c.status, status) << CaseStatusName(status);
}

// A minimal JSON checker: true if `text` is one JSON object (strings, numbers, true/false/null, arrays,
// objects), so that event details can be stored and served as JSON.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : s_(text) {}
  bool IsObject() {
    Space();
    if (Peek() != '{' || !Value()) return false;
    Space();
    return i_ == s_.size();
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool String() {
    if (Peek() != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      const unsigned char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size() || std::string_view("\"\\/bfnrtu").find(s_[i_]) == std::string_view::npos) return false;
        if (s_[i_] == 'u') {
          for (int k = 0; k < 4; ++k)
            if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) return false;
        }
      }
    }
    return false;
  }
  bool Number() {
    const size_t start = i_;
    if (Peek() == '-') ++i_;
    while (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '.' || Peek() == 'e' || Peek() == 'E' ||
           Peek() == '+' || Peek() == '-')
      ++i_;
    return i_ > start && std::isdigit(static_cast<unsigned char>(s_[i_ - 1]));
  }
  bool Value() {
    Space();
    const char c = Peek();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      Space();
      if (Peek() == close) {
        ++i_;
        return true;
      }
      while (true) {
        Space();
        if (c == '{') {
          if (!String()) return false;
          Space();
          if (Peek() != ':') return false;
          ++i_;
        }
        if (!Value()) return false;
        Space();
        if (Peek() == ',') {
          ++i_;
          continue;
        }
        if (Peek() != close) return false;
        ++i_;
        return true;
      }
    }
    if (c == '"') return String();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Number();
  }

  std::string_view s_;
  size_t i_ = 0;
};

TEST(JsonCheckerTest, TellsObjectsFromTheRest) {
  EXPECT_TRUE(JsonChecker("{}").IsObject());
  EXPECT_TRUE(JsonChecker(R"({"a":1,"b":[1,2],"c":{"d":null},"e":"x\"y","f":true,"g":-2.5})").IsObject());
  EXPECT_FALSE(JsonChecker("{").IsObject());
  EXPECT_FALSE(JsonChecker(R"({"a":})").IsObject());
  EXPECT_FALSE(JsonChecker(R"({"a":1,})").IsObject());
  EXPECT_FALSE(JsonChecker(R"({"a":1}})").IsObject());
  EXPECT_FALSE(JsonChecker("[1]").IsObject());
  EXPECT_FALSE(JsonChecker("{\"a\":\"\n\"}").IsObject());  // a raw newline inside a string
}

std::vector<std::string> Names(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (Action a : actions) out.emplace_back(ActionName(a));
  return out;
}

// The action names after "allowed: " in a conflict message ("none" → empty).
std::vector<std::string> AllowedInMessage(const std::string& message) {
  std::vector<std::string> out;
  const std::string marker = "allowed: ";
  auto pos = message.rfind(marker);
  if (pos == std::string::npos) return {"<no list>"};
  std::string rest = message.substr(pos + marker.size());
  if (rest == "none") return out;
  size_t start = 0;
  while (true) {
    size_t comma = rest.find(", ", start);
    out.push_back(rest.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The table itself, written out by hand from DOMAIN.md §4.

TEST(TransitionTable, OneRowPerActionInEnumOrder) {
  const auto& table = TransitionTable();
  ASSERT_EQ(table.size(), static_cast<size_t>(kActionCount));
  for (int i = 0; i < kActionCount; ++i) {
    EXPECT_EQ(table[i].action, static_cast<Action>(i)) << i;
    EXPECT_EQ(&TransitionOf(static_cast<Action>(i)), &table[i]) << i;
    EXPECT_FALSE(table[i].roles.empty()) << ActionName(table[i].action);
  }
  EXPECT_TRUE(TransitionOf(A::kReport).from.empty());
}

TEST(TransitionTable, AllowedActionsPerStateAsWrittenByHand) {
  const std::vector<std::pair<S, std::vector<std::string>>> expected = {
      {S::kReported,
       {"accept", "reject", "merge", "classify", "escalate", "self_handle", "supervise", "urge",
        "recompute_deadlines"}},
      {S::kAccepted,
       {"reject", "merge", "classify", "dispatch", "escalate", "self_handle", "supervise", "urge",
        "recompute_deadlines"}},
      {S::kDispatched,
       {"acknowledge", "return", "grant_extension", "deny_extension", "suspend", "escalate", "supervise", "urge",
        "mark_overdue", "recompute_deadlines"}},
      {S::kAcknowledged,
       {"return", "request_extension", "grant_extension", "deny_extension", "suspend", "escalate", "resolve",
        "supervise", "urge", "mark_overdue", "recompute_deadlines"}},
      {S::kReturned, {"classify", "dispatch", "escalate", "supervise", "urge", "recompute_deadlines"}},
      {S::kEscalated, {"classify", "dispatch", "escalate", "supervise", "urge", "recompute_deadlines"}},
      {S::kSuspended, {"resume", "supervise", "urge", "recompute_deadlines"}},
      {S::kResolved, {"verify_pass", "verify_fail", "supervise", "urge", "recompute_deadlines"}},
      {S::kVerified, {"callback", "close", "supervise", "urge", "recompute_deadlines"}},
      {S::kEvaluated, {"reopen", "close", "supervise", "urge", "recompute_deadlines"}},
      {S::kClosed, {}},
      {S::kRejected, {}},
      {S::kMerged, {}},
  };
  ASSERT_EQ(expected.size(), static_cast<size_t>(kCaseStatusCount));
  for (const auto& [status, names] : expected) EXPECT_EQ(Names(AllowedActions(status)), names) << CaseStatusName(status);
}

TEST(TransitionTable, AllowedActionsFilteredByRole) {
  EXPECT_EQ(Names(AllowedActions(S::kAcknowledged, Role::kUnitStaff)),
            (std::vector<std::string>{"return", "request_extension", "escalate", "resolve"}));
  EXPECT_EQ(Names(AllowedActions(S::kDispatched, Role::kSystem)),
            (std::vector<std::string>{"mark_overdue", "recompute_deadlines"}));
  EXPECT_EQ(Names(AllowedActions(S::kReported, Role::kGridWorker)),
            (std::vector<std::string>{"escalate", "self_handle"}));
  EXPECT_EQ(Names(AllowedActions(S::kResolved, Role::kGridWorker)),
            (std::vector<std::string>{"verify_pass", "verify_fail"}));
  EXPECT_EQ(Names(AllowedActions(S::kEvaluated, Role::kLeader)), (std::vector<std::string>{"supervise", "urge"}));
  // The reporter rates through the tracking code (the callback, as role resident).
  EXPECT_EQ(Names(AllowedActions(S::kVerified, Role::kResident)), (std::vector<std::string>{"callback"}));
  EXPECT_TRUE(AllowedActions(S::kAcknowledged, Role::kResident).empty());
  EXPECT_TRUE(AllowedActions(S::kClosed, Role::kOperator).empty());
}

TEST(TransitionTable, RolesAsWrittenByHand) {
  using R = Role;
  const std::vector<std::pair<A, std::vector<R>>> expected = {
      {A::kAccept, {R::kOperator}},
      {A::kReject, {R::kOperator}},
      {A::kMerge, {R::kOperator}},
      {A::kClassify, {R::kOperator}},
      {A::kDispatch, {R::kOperator}},
      {A::kAcknowledge, {R::kUnitStaff}},
      {A::kReturn, {R::kUnitStaff}},
      {A::kRequestExtension, {R::kUnitStaff}},
      {A::kGrantExtension, {R::kOperator}},
      {A::kDenyExtension, {R::kOperator}},
      {A::kSuspend, {R::kOperator}},
      {A::kResume, {R::kOperator}},
      {A::kEscalate, {R::kOperator, R::kUnitStaff, R::kGridWorker}},
      {A::kSelfHandle, {R::kGridWorker}},
      {A::kResolve, {R::kUnitStaff}},
      {A::kVerifyPass, {R::kGridWorker, R::kOperator}},
      {A::kVerifyFail, {R::kGridWorker, R::kOperator}},
      {A::kCallback, {R::kOperator, R::kResident}},
      {A::kReopen, {R::kOperator}},
      {A::kClose, {R::kOperator}},
      {A::kSupervise, {R::kOperator, R::kLeader}},
      {A::kUrge, {R::kOperator, R::kLeader}},
      {A::kMarkOverdue, {R::kSystem}},
      {A::kRecomputeDeadlines, {R::kSystem}},
  };
  for (const auto& [action, roles] : expected) {
    auto got = TransitionOf(action).roles;
    auto want = roles;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << ActionName(action);
  }
}

// ---------------------------------------------------------------------------------------------------
// Every (state, action) pair.

// The state an allowed action leads to, written by hand (the case was suspended from acknowledged and
// was handled by a unit, not self-handled).
S ExpectedTo(A action, S from) {
  switch (action) {
    case A::kAccept: return S::kAccepted;
    case A::kReject: return S::kRejected;
    case A::kMerge: return S::kMerged;
    case A::kDispatch: return S::kDispatched;
    case A::kAcknowledge: return S::kAcknowledged;
    case A::kReturn: return S::kReturned;
    case A::kSuspend: return S::kSuspended;
    case A::kResume: return S::kAcknowledged;
    case A::kEscalate: return S::kEscalated;
    case A::kSelfHandle: return S::kResolved;
    case A::kResolve: return S::kResolved;
    case A::kVerifyPass: return S::kVerified;
    case A::kVerifyFail: return S::kAcknowledged;
    case A::kCallback: return S::kEvaluated;
    case A::kReopen: return S::kDispatched;
    case A::kClose: return S::kClosed;
    default: return from;  // classify, extensions, supervise, urge, mark_overdue, recompute_deadlines
  }
}

bool TableAllows(A action, S status) {
  const auto& from = TransitionOf(action).from;
  return std::find(from.begin(), from.end(), status) != from.end();
}

class EveryPair : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(EveryPair, AllowedLandsInTheTablesStateElseConflictListingTheAllowedActions) {
  const S status = static_cast<S>(std::get<0>(GetParam()));
  const A action = static_cast<A>(std::get<1>(GetParam()));
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, status);
  ASSERT_EQ(f.c.status, status);
  Case before = f.c;
  ActionRequest req = Req(action, before.updated_at + 10 * kMinute);
  ActionContext ctx = f.Ctx();
  // Escalation needs a center above the case's current level.
  ctx.upper_level = static_cast<Level>(static_cast<int>(before.level) - 1);
  ctx.upper_center = 1000 + static_cast<int>(ctx.upper_level);

  if (action == A::kReport) {
    auto out = Apply(before, req, ctx);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, "invalid_argument");
    EXPECT_EQ(out.error().field, "action");
    return;
  }

  if (!TableAllows(action, status)) {
    // A disallowed pair is refused whatever else the request holds, before the role is looked at.
    for (Role role : {req.role, Role::kResident}) {
      req.role = role;
      auto out = Apply(before, req, ctx);
      ASSERT_FALSE(out.ok());
      EXPECT_EQ(out.error().code, "conflict");
      EXPECT_EQ(out.error().field, "action");
      EXPECT_NE(out.error().message.find(std::string(ActionName(action))), std::string::npos) << out.error().message;
      EXPECT_NE(out.error().message.find(std::string(CaseStatusName(status))), std::string::npos)
          << out.error().message;
      EXPECT_EQ(AllowedInMessage(out.error().message), Names(AllowedActions(status))) << out.error().message;
    }
    return;
  }

  // The documented guard first fails, then is satisfied.
  struct Violation {
    std::string code, field;
  };
  std::optional<Violation> expected_violation;
  ActionRequest bad = req;
  ActionContext bad_ctx = ctx;
  Case bad_case = before;
  switch (action) {
    case A::kReject: case A::kReturn: case A::kEscalate: case A::kResolve: case A::kVerifyFail:
    case A::kSuspend: case A::kSelfHandle:
      bad.note.clear();
      expected_violation = Violation{"invalid_argument", "note"};
      break;
    case A::kMerge:
      bad_ctx.duplicate_exists = false;
      expected_violation = Violation{"invalid_argument", "duplicate_of"};
      break;
    case A::kClassify:
      bad.category = "0199";  // not the category the app found (none)
      bad_ctx.category = nullptr;
      expected_violation = Violation{"invalid_argument", "category"};
      break;
    case A::kDispatch:
      bad_ctx.dispatch.reset();
      expected_violation = Violation{"not_found", "unit"};
      break;
    case A::kRequestExtension:
      bad.extension.reset();
      expected_violation = Violation{"invalid_argument", "extension"};
      break;
    case A::kGrantExtension: case A::kDenyExtension:
      ASSERT_EQ(bad_case.extension_pending, 0);
      expected_violation = Violation{"conflict", "extension"};
      // Satisfied: a request is pending. In dispatched no request can be made (request_extension needs
      // acknowledged), so the pending request is set directly; in acknowledged it is made for real.
      if (status == S::kAcknowledged) {
        f.Next(A::kRequestExtension);
        before = f.c;
        req.at = before.updated_at + 10 * kMinute;
      } else {
        before.extension_pending = 2 * kWorkingDay;
      }
      break;
    case A::kCallback:
      bad.evaluation = Evaluation::kNone;
      expected_violation = Violation{"invalid_argument", "evaluation"};
      break;
    case A::kReopen:
      bad_case.evaluation = Evaluation::kBasicallySatisfied;
      expected_violation = Violation{"conflict", "action"};
      break;
    case A::kMarkOverdue:
      // Before the deadline (Thu 2026-11-26 08:30 for a dispatch at Thu 11-19 08:30): refused. A month
      // later: marked.
      expected_violation = Violation{"conflict", "action"};
      req.at = before.updated_at + 30 * kDay;
      break;
    default: break;
  }
  if (action == A::kEscalate) {
    // Besides the note: no center above.
    ActionContext no_center = ctx;
    no_center.upper_center = 0;
    auto out = Apply(before, req, no_center);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, "conflict");
    EXPECT_EQ(out.error().field, "action");
  }
  if (expected_violation) {
    auto out = Apply(bad_case, bad, bad_ctx);
    ASSERT_FALSE(out.ok()) << "guard of " << ActionName(action) << " not checked";
    EXPECT_EQ(out.error().code, expected_violation->code) << out.error().message;
    EXPECT_EQ(out.error().field, expected_violation->field) << out.error().message;
  }

  auto out = Apply(before, req, ctx);
  ASSERT_TRUE(out.ok()) << out.error().code << " " << out.error().field << ": " << out.error().message;
  const S to = ExpectedTo(action, status);
  EXPECT_EQ(CaseStatusName(out->after.status), CaseStatusName(to));
  if (TransitionOf(action).to) {
    EXPECT_EQ(out->after.status, *TransitionOf(action).to);  // verify_fail: a unit's case, → acknowledged
  } else if (action != A::kResume) {
    EXPECT_EQ(out->after.status, status);
  }
  EXPECT_EQ(out->after.version, before.version + 1);
  EXPECT_EQ(out->after.updated_at, req.at);
  const CaseEvent& e = out->event;
  EXPECT_EQ(e.case_id, kCaseId);
  EXPECT_EQ(e.seq, before.version + 1);
  EXPECT_EQ(e.at, req.at);
  EXPECT_EQ(e.actor, req.actor);
  EXPECT_EQ(e.role, req.role);
  EXPECT_EQ(e.action, action);
  EXPECT_EQ(e.from, status);
  EXPECT_EQ(e.to, to);
  EXPECT_EQ(e.note, req.note);
  EXPECT_EQ(e.attachments, req.attachments);
  EXPECT_TRUE(JsonChecker(e.details).IsObject()) << e.details;
}

std::string PairName(const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
  return std::string(CaseStatusName(static_cast<S>(std::get<0>(info.param)))) + "_" +
         std::string(ActionName(static_cast<A>(std::get<1>(info.param))));
}

INSTANTIATE_TEST_SUITE_P(StateTimesAction, EveryPair,
                         ::testing::Combine(::testing::Range(0, kCaseStatusCount), ::testing::Range(0, kActionCount)),
                         PairName);

// ---------------------------------------------------------------------------------------------------
// Roles and inputs.

TEST(Roles, EveryRoleTheTableDoesNotNameIsForbidden) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  const std::vector<Role> all = {Role::kOperator, Role::kUnitStaff,   Role::kGridWorker,
                                 Role::kResident, Role::kLeader, Role::kSystem};
  for (int ai = 1; ai < kActionCount; ++ai) {
    const A action = static_cast<A>(ai);
    const Transition& row = TransitionOf(action);
    ASSERT_FALSE(row.from.empty());
    Flow f(cal, cat);
    Reach(f, row.from.front());
    for (Role role : all) {
      const bool may = std::find(row.roles.begin(), row.roles.end(), role) != row.roles.end();
      if (may) continue;
      ActionRequest r = Req(action, f.c.updated_at + 30 * kDay);
      r.role = role;
      auto out = Apply(f.c, r, f.Ctx());
      ASSERT_FALSE(out.ok()) << ActionName(action) << " by " << RoleName(role);
      EXPECT_EQ(out.error().code, "forbidden") << ActionName(action) << " by " << RoleName(role);
      EXPECT_EQ(out.error().field, "role");
    }
  }
}

TEST(Roles, ExamplesOfWhoMayNot) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kReported);
  ActionRequest r = Req(A::kAccept, f.c.updated_at);
  r.role = Role::kResident;
  auto out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "forbidden");
  EXPECT_EQ(out.error().message, "role 'resident' may not accept");
  Flow g(cal, cat);
  Reach(g, S::kDispatched);
  r = Req(A::kAcknowledge, g.c.updated_at);
  r.role = Role::kOperator;  // the center cannot sign for the unit
  out = Apply(g.c, r, g.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "forbidden");
}

TEST(Notes, MissingOrTooLongNoteIsRefusedForEveryActionThatNeedsOne) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  const std::vector<std::pair<A, S>> needs = {
      {A::kReject, S::kReported},       {A::kReturn, S::kDispatched},  {A::kEscalate, S::kAccepted},
      {A::kResolve, S::kAcknowledged}, {A::kVerifyFail, S::kResolved}, {A::kSuspend, S::kAcknowledged},
      {A::kSelfHandle, S::kReported},
  };
  for (const auto& [action, status] : needs) {
    Flow f(cal, cat);
    Reach(f, status);
    ActionRequest r = Req(action, f.c.updated_at + kMinute);
    r.note.clear();
    auto out = Apply(f.c, r, f.Ctx());
    ASSERT_FALSE(out.ok()) << ActionName(action);
    EXPECT_EQ(out.error().code, "invalid_argument") << ActionName(action);
    EXPECT_EQ(out.error().field, "note") << ActionName(action);
    r.note = std::string(4001, 'x');
    out = Apply(f.c, r, f.Ctx());
    ASSERT_FALSE(out.ok()) << ActionName(action);
    EXPECT_EQ(out.error().field, "note") << ActionName(action);
    r.note = std::string(4000, 'x');
    EXPECT_TRUE(Apply(f.c, r, f.Ctx()).ok()) << ActionName(action);
  }
  // Actions without a note requirement take an empty note.
  Flow f(cal, cat);
  Reach(f, S::kReported);
  ActionRequest r = Req(A::kAccept, f.c.updated_at);
  r.note.clear();
  EXPECT_TRUE(Apply(f.c, r, f.Ctx()).ok());
}

TEST(Inputs, ActorTimeAndCalendar) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kAccepted);
  ActionRequest r = Req(A::kClassify, f.c.updated_at);
  r.actor.clear();
  auto out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "actor");

  r = Req(A::kClassify, f.c.updated_at - 1);  // before the last change
  out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "invalid_argument");
  EXPECT_EQ(out.error().field, "at");

  ActionContext no_calendar = f.Ctx();
  no_calendar.calendar = nullptr;
  out = Apply(f.c, Req(A::kClassify, f.c.updated_at), no_calendar);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "internal");

  // At the same instant as the last change: fine.
  EXPECT_TRUE(Apply(f.c, Req(A::kClassify, f.c.updated_at), f.Ctx()).ok());
}

TEST(Inputs, ClassifyAndDispatchCategories) {
  const Calendar cal = TestCalendar();
  Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kAccepted);
  const Timestamp t = f.c.updated_at + kMinute;

  ActionRequest r = Req(A::kClassify, t);
  r.category.clear();
  auto out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "category");

  // The app found a different category than asked for.
  r = Req(A::kClassify, t);
  r.category = "0102";
  out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "category");

  // Inactive.
  Category inactive = cat;
  inactive.active = false;
  ActionContext ctx = f.Ctx();
  ctx.category = &inactive;
  out = Apply(f.c, Req(A::kClassify, t), ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "category");

  // Dispatching an unclassified case without a category: refused; with one: classified on the way.
  r = Req(A::kDispatch, t);
  r.category.clear();
  out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "invalid_argument");
  EXPECT_EQ(out.error().field, "category");
  out = Apply(f.c, Req(A::kDispatch, t), f.Ctx());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->after.category, "0101");
  EXPECT_NE(out->event.details.find("\"category\":\"0101\""), std::string::npos) << out->event.details;

  // Classified first, a dispatch without a category uses the case's.
  f.Next(A::kClassify);
  EXPECT_EQ(f.c.category, "0101");
  EXPECT_EQ(f.events.back().details, "{\"category_from\":\"\",\"category\":\"0101\"}");
  r = Req(A::kDispatch, f.c.updated_at + kMinute);
  r.category.clear();
  out = Apply(f.c, r, f.Ctx());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->after.unit, kUnit);
  EXPECT_EQ(out->after.co_units, std::vector<int64_t>{kCoUnit});

  // Reclassifying to the same category records no change.
  out = Apply(f.c, Req(A::kClassify, f.c.updated_at), f.Ctx());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->event.details, "{}");
}

TEST(Inputs, DetailsEscapeWhatTheyQuote) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kAccepted);
  ActionContext ctx = f.Ctx();
  ctx.dispatch->reason = "say \"hi\"\\ on\ntwo lines\t\x01";
  f.Do(Req(A::kDispatch, f.c.updated_at), ctx);
  const std::string& d = f.events.back().details;
  EXPECT_TRUE(JsonChecker(d).IsObject()) << d;
  EXPECT_NE(d.find(R"("reason":"say \"hi\"\\ on\ntwo lines\t\u0001")"), std::string::npos) << d;
}

TEST(Inputs, MergeNeedsAnotherExistingCase) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kAccepted);
  for (int64_t dup : {int64_t{0}, int64_t{-3}, kCaseId}) {
    ActionRequest r = Req(A::kMerge, f.c.updated_at);
    r.duplicate_of = dup;
    auto out = Apply(f.c, r, f.Ctx());
    ASSERT_FALSE(out.ok()) << dup;
    EXPECT_EQ(out.error().field, "duplicate_of");
  }
  f.Next(A::kMerge);
  EXPECT_EQ(f.c.status, S::kMerged);
  EXPECT_EQ(f.c.duplicate_of, 7);
  EXPECT_EQ(f.events.back().details, "{\"duplicate_of\":7}");
}

TEST(Inputs, ApplyRefusesReport) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  Reach(f, S::kReported);
  auto out = Apply(f.c, Req(A::kReport, f.c.updated_at), f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "action");
}

// ---------------------------------------------------------------------------------------------------
// Report().

TEST(ReportTest, CreatesTheCaseAndItsFirstEvent) {
  const Calendar cal = TestCalendar();
  Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 8, 5));
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.c.status, S::kReported);
  EXPECT_EQ(f.c.version, 1);
  EXPECT_EQ(f.c.reported_at, At("2026-11-19", 8, 5));
  EXPECT_EQ(f.c.updated_at, At("2026-11-19", 8, 5));
  const CaseEvent& e = f.events[0];
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.case_id, kCaseId);
  EXPECT_EQ(e.action, A::kReport);
  EXPECT_EQ(e.from, S::kReported);
  EXPECT_EQ(e.to, S::kReported);
  EXPECT_EQ(e.actor, "user-operator");
  EXPECT_EQ(e.role, Role::kGridWorker);
  EXPECT_EQ(e.attachments, std::vector<std::string>{"photo-1"});
  EXPECT_EQ(e.details,
            "{\"channel\":\"grid_worker\",\"territory\":\"371302004001001\",\"grid\":\"371302004001001\","
            "\"level\":\"street\",\"center\":301}");
}

TEST(ReportTest, Validation) {
  const Calendar cal = TestCalendar();
  Category cat = TestCategory();
  ActionContext ctx;
  ctx.calendar = &cal;
  Case draft;
  draft.id = 1;
  draft.territory = "371302004";
  draft.description = "路灯不亮";
  ActionRequest r = Req(A::kReport, At("2026-11-19", 9));
  EXPECT_TRUE(Report(draft, r, ctx).ok());

  auto field_of = [&](const Case& d, const ActionRequest& rq, const ActionContext& cx) {
    auto out = Report(d, rq, cx);
    return out.ok() ? std::string("ok") : out.error().field;
  };
  Case bad = draft;
  bad.description.clear();
  EXPECT_EQ(field_of(bad, r, ctx), "description");
  bad.description = std::string(4001, 'a');
  EXPECT_EQ(field_of(bad, r, ctx), "description");
  bad.description = std::string(4000, 'a');
  EXPECT_EQ(field_of(bad, r, ctx), "ok");
  bad = draft;
  bad.territory.clear();
  EXPECT_EQ(field_of(bad, r, ctx), "location");
  ActionRequest no_actor = r;
  no_actor.actor.clear();
  EXPECT_EQ(field_of(draft, no_actor, ctx), "actor");
  bad = draft;
  bad.category = "0101";
  EXPECT_EQ(field_of(bad, r, ctx), "category");  // the app did not find it
  ActionContext with_cat = ctx;
  with_cat.category = &cat;
  EXPECT_EQ(field_of(bad, r, with_cat), "ok");
  cat.active = false;
  EXPECT_EQ(field_of(bad, r, with_cat), "category");
  cat.active = true;

  // A known category raises the priority to its default, never lowers it.
  cat.priority = Priority::kHigh;
  auto out = Report(bad, r, with_cat);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->after.priority, Priority::kHigh);
  bad.priority = Priority::kUrgent;
  out = Report(bad, r, with_cat);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->after.priority, Priority::kUrgent);
  EXPECT_NE(out->event.details.find("\"category\":\"0101\""), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------
// The happy path on a calendar computed by hand.

// report → accept → classify → dispatch → acknowledge → resolve → verify_pass → callback → close.
void HappyPath(const Calendar& cal, const std::string& handle_due, int64_t handling_seconds) {
  const Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 8, 30));
  f.Do(A::kAccept, At("2026-11-19", 8, 40));
  f.Do(A::kClassify, At("2026-11-19", 8, 50));
  EXPECT_EQ(f.c.category, "0101");
  EXPECT_EQ(f.c.priority, Priority::kNormal);
  f.Do(A::kDispatch, At("2026-11-19", 10));
  EXPECT_EQ(f.c.status, S::kDispatched);
  EXPECT_EQ(f.c.unit, kUnit);
  EXPECT_EQ(f.c.co_units, std::vector<int64_t>{kCoUnit});
  EXPECT_EQ(f.c.rule, 7);
  EXPECT_EQ(f.c.route_reason, Target().reason);
  EXPECT_EQ(f.c.calendar, "test");
  EXPECT_EQ(f.c.dispatched_at, At("2026-11-19", 10));
  // Acknowledge: 2 working hours from Thu 10:00 = Thu 12:00 (the end of the morning, not 14:00).
  // Handle: 5 working days = 40 h from Thu 10:00: Thu 6 h (10–12, 14–18), Fri 8, [Sat, Sun skipped],
  // Mon 8, Tue 8, Wed 8 (= 38), Thu 2 h → Thu 2026-11-26 10:00. With Mon 11-23 a holiday: Fri 11-27 10:00.
  Deadlines d = f.Due(At("2026-11-19", 10));
  EXPECT_EQ(Show(d.acknowledge_due), "2026-11-19T12:00:00+08:00");
  EXPECT_EQ(Show(d.handle_due), handle_due);
  EXPECT_EQ(d.warning, Warning::kNone);
  EXPECT_FALSE(d.verify_due);
  const std::string& ev = f.events.back().details;
  EXPECT_EQ(ev, "{\"unit\":501,\"co_units\":[502],\"rule\":7,\"reason\":\"" + Target().reason +
                    "\",\"acknowledge_due\":\"2026-11-19T12:00:00+08:00\",\"handle_due\":\"" + handle_due + "\"}");

  f.Do(A::kAcknowledge, At("2026-11-19", 11));
  EXPECT_EQ(f.events.back().details, "{\"late\":false}");
  d = f.Due(At("2026-11-19", 11));
  EXPECT_FALSE(d.acknowledge_due);  // stopped
  EXPECT_EQ(Show(d.handle_due), handle_due);

  ActionRequest resolve = Req(A::kResolve, At("2026-11-25", 16));
  resolve.note = "井盖已更换";
  f.Do(resolve);
  EXPECT_EQ(f.c.status, S::kResolved);
  EXPECT_TRUE(f.c.resolved_on_time);
  EXPECT_FALSE(f.c.overdue);
  EXPECT_EQ(f.c.ended_level, Level::kStreet);
  EXPECT_EQ(f.c.resolved_at, At("2026-11-25", 16));
  EXPECT_EQ(f.c.handling_seconds, handling_seconds);
  EXPECT_EQ(f.events.back().details, "{\"on_time\":true,\"level\":\"street\"}");
  d = f.Due(At("2026-11-25", 16));
  EXPECT_FALSE(d.handle_due);
  // Verify: 1 working day from Wed 16:00 → Thu 16:00.
  EXPECT_EQ(Show(d.verify_due), "2026-11-26T16:00:00+08:00");

  f.Do(A::kVerifyPass, At("2026-11-26", 9));
  EXPECT_FALSE(f.Due(At("2026-11-26", 9)).verify_due);
  ActionRequest callback = Req(A::kCallback, At("2026-11-26", 10));
  callback.evaluation = Evaluation::kSatisfied;
  f.Do(callback);
  EXPECT_EQ(f.c.evaluation, Evaluation::kSatisfied);
  EXPECT_EQ(f.events.back().details, "{\"evaluation\":\"satisfied\"}");
  f.Do(A::kClose, At("2026-11-26", 11));
  EXPECT_EQ(f.c.status, S::kClosed);
  EXPECT_EQ(f.c.closed_at, At("2026-11-26", 11));
  EXPECT_EQ(f.c.version, 9);

  const std::vector<std::tuple<A, S, S, Role>> expected = {
      {A::kReport, S::kReported, S::kReported, Role::kGridWorker},
      {A::kAccept, S::kReported, S::kAccepted, Role::kOperator},
      {A::kClassify, S::kAccepted, S::kAccepted, Role::kOperator},
      {A::kDispatch, S::kAccepted, S::kDispatched, Role::kOperator},
      {A::kAcknowledge, S::kDispatched, S::kAcknowledged, Role::kUnitStaff},
      {A::kResolve, S::kAcknowledged, S::kResolved, Role::kUnitStaff},
      {A::kVerifyPass, S::kResolved, S::kVerified, Role::kGridWorker},
      {A::kCallback, S::kVerified, S::kEvaluated, Role::kOperator},
      {A::kClose, S::kEvaluated, S::kClosed, Role::kOperator},
  };
  ASSERT_EQ(f.events.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& [action, from, to, role] = expected[i];
    const CaseEvent& e = f.events[i];
    EXPECT_EQ(e.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.case_id, kCaseId);
    EXPECT_EQ(e.action, action) << i;
    EXPECT_EQ(e.from, from) << i;
    EXPECT_EQ(e.to, to) << i;
    EXPECT_EQ(e.role, role) << i;
    EXPECT_EQ(e.actor, "user-" + std::string(RoleName(TransitionOf(action).roles.front()))) << i;
  }
  EXPECT_EQ(f.events[5].note, "井盖已更换");
}

TEST(HappyPath, PlainCalendarSkipsTheWeekend) {
  // Handling time: Thu 10:00 → Wed 16:00 = 6 + 8 + 8 + 8 + 6 working hours = 36 h.
  HappyPath(TestCalendar(), "2026-11-26T10:00:00+08:00", 36 * kHour);
}

TEST(HappyPath, HolidayCalendarSkipsTheWeekendAndTheHoliday) {
  // Handling time: as above without Monday: 28 h.
  HappyPath(HolidayCalendar(), "2026-11-27T10:00:00+08:00", 28 * kHour);
}

// A case dispatched Thu 2026-11-19 10:00 (handle due Thu 11-26 10:00) and acknowledged at 10:30.
Flow Acknowledged(const Calendar& cal, const Category& cat, Priority priority = Priority::kNormal) {
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 8, 30));
  f.Do(A::kAccept, At("2026-11-19", 8, 40));
  ActionRequest dispatch = Req(A::kDispatch, At("2026-11-19", 10));
  dispatch.priority = priority;
  f.Do(dispatch);
  f.Do(A::kAcknowledge, At("2026-11-19", 10, 30));
  return f;
}

TEST(Clocks, AcknowledgingLateIsRecorded) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 8, 30));
  f.Do(A::kAccept, At("2026-11-19", 8, 40));
  f.Do(A::kDispatch, At("2026-11-19", 10));
  // Due Thu 12:00; acknowledged at 13:00 (in the lunch break, no working time used past the budget, but
  // after the deadline).
  f.Do(A::kAcknowledge, At("2026-11-19", 13));
  EXPECT_EQ(f.events.back().details, "{\"late\":true}");
}

TEST(Clocks, SuspendingForTwoWorkingDaysMovesTheDeadlineByTwoWorkingDays) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 9)).handle_due), "2026-11-26T10:00:00+08:00");
  ActionRequest suspend = Req(A::kSuspend, At("2026-11-20", 10));
  f.Do(suspend);
  EXPECT_EQ(f.c.status, S::kSuspended);
  EXPECT_EQ(f.c.resume_status, S::kAcknowledged);
  Deadlines d = f.Due(At("2026-11-23", 9));
  EXPECT_FALSE(d.handle_due);  // the clock is stopped
  EXPECT_FALSE(d.handle_warn);
  // Fri 10:00 → Tue 10:00 is Fri 6 h + Mon 8 h + Tue 2 h = 16 h = 2 working days.
  f.Do(A::kResume, At("2026-11-24", 10));
  EXPECT_EQ(f.c.status, S::kAcknowledged);
  EXPECT_EQ(f.c.clocks.handle.paused, 2 * kWorkingDay);
  // Thu 11-26 10:00 + 2 working days = Mon 11-30 10:00 (Fri 11-27, then Mon).
  EXPECT_EQ(Show(f.Due(At("2026-11-24", 10)).handle_due), "2026-11-30T10:00:00+08:00");
  EXPECT_NE(f.events.back().details.find("\"handle_due\":\"2026-11-30T10:00:00+08:00\""), std::string::npos)
      << f.events.back().details;
}

TEST(Clocks, NoDeadlineAndNoWarningWhileSuspended) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  // Handle due Thu 11-26 10:00; warning at 80% = 32 h: Thu 6, Fri 8, Mon 8, Tue 8, Wed 2 → Wed 10:00.
  Flow f = Acknowledged(cal, cat);
  Deadlines d = f.Due(At("2026-11-25", 9, 59));
  EXPECT_EQ(Show(d.handle_warn), "2026-11-25T10:00:00+08:00");
  EXPECT_EQ(d.warning, Warning::kNone);
  EXPECT_EQ(f.Due(At("2026-11-25", 10)).warning, Warning::kYellow);
  // Suspended Wed 17:00, with 37 of 40 hours used: no deadline and no warning until it resumes.
  f.Do(A::kSuspend, At("2026-11-25", 17));
  d = f.Due(At("2026-11-27", 12));
  EXPECT_FALSE(d.handle_due);
  EXPECT_FALSE(d.handle_warn);
  EXPECT_EQ(d.warning, Warning::kNone);
  // Resumed Mon 11-30 08:00 with 3 h left: due 11:00, yellow again at once.
  f.Do(A::kResume, At("2026-11-30", 8));
  d = f.Due(At("2026-11-30", 8));
  EXPECT_EQ(Show(d.handle_due), "2026-11-30T11:00:00+08:00");
  EXPECT_EQ(d.warning, Warning::kYellow);
  EXPECT_EQ(f.Due(At("2026-11-30", 11)).warning, Warning::kRed);
}

TEST(Clocks, SuspendingADispatchedCasePausesTheAcknowledgeClockToo) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 8, 30));
  f.Do(A::kAccept, At("2026-11-19", 8, 40));
  f.Do(A::kDispatch, At("2026-11-19", 10));
  f.Do(A::kSuspend, At("2026-11-19", 11));
  EXPECT_EQ(f.c.resume_status, S::kDispatched);
  EXPECT_FALSE(f.Due(At("2026-11-19", 15)).acknowledge_due);
  // Paused Thu 11:00 → Fri 09:00: Thu 1 h + 4 h, Fri 1 h = 6 working hours.
  f.Do(A::kResume, At("2026-11-20", 9));
  EXPECT_EQ(f.c.status, S::kDispatched);
  // Acknowledge: 1 h used, 1 h left from Fri 09:00 → Fri 10:00. Handle: Thu 11-26 10:00 + 6 h → Thu
  // 11-26 10:00 + (2 h to 12:00, 4 h 14–18) = Thu 11-26 18:00.
  Deadlines d = f.Due(At("2026-11-20", 9));
  EXPECT_EQ(Show(d.acknowledge_due), "2026-11-20T10:00:00+08:00");
  EXPECT_EQ(Show(d.handle_due), "2026-11-26T18:00:00+08:00");
}

TEST(Clocks, GrantedExtensionMovesTheDeadline) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  ActionRequest req = Req(A::kRequestExtension, At("2026-11-20", 9));
  req.extension = TimeLimit{TimeLimitKind::kWorkingDays, 3};
  f.Do(req);
  EXPECT_EQ(f.c.status, S::kAcknowledged);
  EXPECT_EQ(f.c.extension_pending, 3 * kWorkingDay);
  EXPECT_EQ(f.events.back().details, "{\"extension_kind\":\"working_days\",\"extension_amount\":3}");
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 9)).handle_due), "2026-11-26T10:00:00+08:00");  // not yet

  // Asking again while one is pending: conflict.
  auto again = Apply(f.c, Req(A::kRequestExtension, At("2026-11-20", 9, 30)), f.Ctx());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");
  EXPECT_EQ(again.error().field, "extension");

  f.Do(A::kGrantExtension, At("2026-11-20", 11));
  EXPECT_EQ(f.c.extension_pending, 0);
  EXPECT_EQ(f.c.extensions, 1);
  // Thu 11-26 10:00 + 3 working days: Fri 11-27, Mon 11-30, Tue 12-01 → Tue 12-01 10:00.
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 11)).handle_due), "2026-12-01T10:00:00+08:00");
  EXPECT_EQ(f.events.back().details,
            "{\"handle_due_from\":\"2026-11-26T10:00:00+08:00\",\"handle_due\":\"2026-12-01T10:00:00+08:00\"}");

  // Granting again with nothing pending: conflict.
  auto grant = Apply(f.c, Req(A::kGrantExtension, At("2026-11-20", 12)), f.Ctx());
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.error().code, "conflict");
  EXPECT_EQ(grant.error().field, "extension");
}

TEST(Clocks, DeniedExtensionClearsThePendingRequest) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  f.Do(A::kRequestExtension, At("2026-11-20", 9));
  EXPECT_EQ(f.c.extension_pending, 2 * kWorkingDay);
  f.Do(A::kDenyExtension, At("2026-11-20", 10));
  EXPECT_EQ(f.c.extension_pending, 0);
  EXPECT_EQ(f.c.extensions, 0);
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 10)).handle_due), "2026-11-26T10:00:00+08:00");
  auto deny = Apply(f.c, Req(A::kDenyExtension, At("2026-11-20", 11)), f.Ctx());
  ASSERT_FALSE(deny.ok());
  EXPECT_EQ(deny.error().code, "conflict");
  // A new request may be made after the denial.
  f.Do(A::kRequestExtension, At("2026-11-20", 11));
  EXPECT_EQ(f.c.extension_pending, 2 * kWorkingDay);
}

TEST(Clocks, ExtensionsAddUpToAtMostTenWorkingDays) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  auto request = [&](TimeLimit limit, Timestamp at) {
    ActionRequest r = Req(A::kRequestExtension, at);
    r.extension = limit;
    return Apply(f.c, r, f.Ctx());
  };
  // 11 at once: refused.
  auto out = request({TimeLimitKind::kWorkingDays, 11}, At("2026-11-20", 9));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "invalid_argument");
  EXPECT_EQ(out.error().field, "extension");
  // Natural days on a working-time clock: refused.
  out = request({TimeLimitKind::kNaturalDays, 1}, At("2026-11-20", 9));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "extension");
  // Zero: refused.
  out = request({TimeLimitKind::kWorkingDays, 0}, At("2026-11-20", 9));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "extension");

  // 6 granted, then 5 more (11 in all) refused, 4 more (10 in all, counted in working hours: 32 h) fine.
  ActionRequest r = Req(A::kRequestExtension, At("2026-11-20", 9));
  r.extension = TimeLimit{TimeLimitKind::kWorkingDays, 6};
  f.Do(r);
  f.Do(A::kGrantExtension, At("2026-11-20", 10));
  out = request({TimeLimitKind::kWorkingDays, 5}, At("2026-11-20", 11));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "invalid_argument");
  EXPECT_EQ(out.error().field, "extension");
  out = request({TimeLimitKind::kWorkingHours, 33}, At("2026-11-20", 11));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "extension");
  out = request({TimeLimitKind::kWorkingHours, 32}, At("2026-11-20", 11));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->after.extension_pending, 32 * kHour);
}

TEST(Clocks, ExtensionLimitHoldsForAHighPriorityCaseToo) {
  // The base budget is halved (2.5 working days), but the extensions still add up to 10 working days.
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat, Priority::kHigh);
  ActionRequest r = Req(A::kRequestExtension, At("2026-11-19", 11));
  r.extension = TimeLimit{TimeLimitKind::kWorkingDays, 10};
  f.Do(r);
  f.Do(A::kGrantExtension, At("2026-11-19", 11, 10));
  r = Req(A::kRequestExtension, At("2026-11-19", 11, 20));
  r.extension = TimeLimit{TimeLimitKind::kWorkingHours, 1};
  auto out = Apply(f.c, r, f.Ctx());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "extension");
}

TEST(Priority, HighHalvesUrgentQuarters) {
  const Calendar cal = TestCalendar();
  const TimeLimit five_days{TimeLimitKind::kWorkingDays, 5};
  EXPECT_EQ(PrioritySeconds(five_days, Priority::kNormal, cal), 5 * kWorkingDay);  // 144000
  EXPECT_EQ(PrioritySeconds(five_days, Priority::kHigh, cal), 72000);                // 20 h
  EXPECT_EQ(PrioritySeconds(five_days, Priority::kUrgent, cal), 36000);              // 10 h
  const TimeLimit two_hours{TimeLimitKind::kWorkingHours, 2};
  EXPECT_EQ(PrioritySeconds(two_hours, Priority::kHigh, cal), 3600);
  EXPECT_EQ(PrioritySeconds(two_hours, Priority::kUrgent, cal), 1800);
  const TimeLimit one_day{TimeLimitKind::kNaturalDays, 1};
  EXPECT_EQ(PrioritySeconds(one_day, Priority::kUrgent, cal), 21600);
  const TimeLimit one_urgent_hour{TimeLimitKind::kUrgentHours, 1};
  EXPECT_EQ(PrioritySeconds(one_urgent_hour, Priority::kUrgent, cal), 900);

  // Rounded up to whole minutes: a 481-minute working day (14:00–18:01) is 28860 s; a half is 14430 s →
  // 14460 s (241 min); a quarter is 7215 s → 7260 s (121 min). Three such days, urgent: 86580 / 4 =
  // 21645 → 21660.
  Calendar odd = TestCalendar();
  odd.office_hours = {{8 * 60, 12 * 60}, {14 * 60, 18 * 60 + 1}};
  const TimeLimit one_wd{TimeLimitKind::kWorkingDays, 1};
  EXPECT_EQ(PrioritySeconds(one_wd, Priority::kNormal, odd), 28860);
  EXPECT_EQ(PrioritySeconds(one_wd, Priority::kHigh, odd), 14460);
  EXPECT_EQ(PrioritySeconds(one_wd, Priority::kUrgent, odd), 7260);
  EXPECT_EQ(PrioritySeconds({TimeLimitKind::kWorkingDays, 3}, Priority::kUrgent, odd), 21660);
}

TEST(Priority, DispatchDeadlinesFollowThePriority) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  // High: handle 20 h from Thu 10:00 = Thu 6, Fri 8, Mon 4 (08–12) + 2 (14–16) → Mon 11-23 16:00;
  // acknowledge 1 h → Thu 11:00.
  {
    Flow f(cal, cat);
    f.Report(At("2026-11-19", 8, 30));
    f.Do(A::kAccept, At("2026-11-19", 8, 40));
    ActionRequest r = Req(A::kDispatch, At("2026-11-19", 10));
    r.priority = Priority::kHigh;
    f.Do(r);
    EXPECT_EQ(f.c.priority, Priority::kHigh);
    EXPECT_NE(f.events.back().details.find("\"priority\":\"high\""), std::string::npos);
    Deadlines d = f.Due(At("2026-11-19", 10));
    EXPECT_EQ(Show(d.acknowledge_due), "2026-11-19T11:00:00+08:00");
    EXPECT_EQ(Show(d.handle_due), "2026-11-23T16:00:00+08:00");
    // Warning at 80% of 20 h = 16 h: Thu 6, Fri 8, Mon 2 → Mon 10:00.
    EXPECT_EQ(Show(d.handle_warn), "2026-11-23T10:00:00+08:00");
    EXPECT_EQ(f.Due(At("2026-11-23", 9, 59)).warning, Warning::kNone);
    EXPECT_EQ(f.Due(At("2026-11-23", 10)).warning, Warning::kYellow);
    EXPECT_EQ(f.Due(At("2026-11-23", 16)).warning, Warning::kRed);
  }
  // A category whose default is urgent has limits set for urgent cases: no further shortening.
  {
    Category urgent = cat;
    urgent.priority = Priority::kUrgent;
    Flow f(cal, urgent);
    f.Report(At("2026-11-19", 8, 30));
    f.Do(A::kAccept, At("2026-11-19", 8, 40));
    f.Do(A::kClassify, At("2026-11-19", 8, 50));
    EXPECT_EQ(f.c.priority, Priority::kUrgent);  // raised to the category's default
    f.Do(A::kDispatch, At("2026-11-19", 10));
    Deadlines d = f.Due(At("2026-11-19", 10));
    EXPECT_EQ(Show(d.acknowledge_due), "2026-11-19T12:00:00+08:00");
    EXPECT_EQ(Show(d.handle_due), "2026-11-26T10:00:00+08:00");
  }
  // Two steps above the category's default (normal → urgent) quarter the limits: handle 10 h from Thu
  // 10:00 = Thu 6, Fri 4 → Fri 12:00; acknowledge 30 min → Thu 10:30.
  {
    Flow f(cal, cat);
    f.Report(At("2026-11-19", 8, 30));
    f.Do(A::kAccept, At("2026-11-19", 8, 40));
    ActionRequest r = Req(A::kDispatch, At("2026-11-19", 10));
    r.priority = Priority::kUrgent;
    f.Do(r);
    Deadlines d = f.Due(At("2026-11-19", 10));
    EXPECT_EQ(Show(d.acknowledge_due), "2026-11-19T10:30:00+08:00");
    EXPECT_EQ(Show(d.handle_due), "2026-11-20T12:00:00+08:00");
  }
  // One step above a high default (high → urgent) halves them: handle 20 h → Mon 11-23 16:00.
  {
    Category high = cat;
    high.priority = Priority::kHigh;
    Flow f(cal, high);
    f.Report(At("2026-11-19", 8, 30));
    f.Do(A::kAccept, At("2026-11-19", 8, 40));
    ActionRequest r = Req(A::kDispatch, At("2026-11-19", 10));
    r.priority = Priority::kUrgent;
    f.Do(r);
    EXPECT_EQ(f.c.priority, Priority::kUrgent);
    Deadlines d = f.Due(At("2026-11-19", 10));
    EXPECT_EQ(Show(d.acknowledge_due), "2026-11-19T11:00:00+08:00");
    EXPECT_EQ(Show(d.handle_due), "2026-11-23T16:00:00+08:00");
  }
  // The request's priority is recorded as given, even below the category's default; the limits are
  // then the category's own (never longer).
  {
    Category high = cat;
    high.priority = Priority::kHigh;
    Flow f(cal, high);
    f.Report(At("2026-11-19", 8, 30));
    ActionRequest r = Req(A::kClassify, At("2026-11-19", 8, 50));
    r.priority = Priority::kNormal;
    f.Do(r);
    EXPECT_EQ(f.c.priority, Priority::kNormal);
    f.Do(A::kAccept, At("2026-11-19", 9));
    f.Do(A::kDispatch, At("2026-11-19", 10));
    EXPECT_EQ(Show(f.Due(At("2026-11-19", 10)).handle_due), "2026-11-26T10:00:00+08:00");
  }
}

TEST(Overdue, MarkedExactlyOnceAfterTheDeadline) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);  // handle due Thu 11-26 10:00
  auto mark = [&](Timestamp at) { return Apply(f.c, Req(A::kMarkOverdue, at), f.Ctx()); };
  for (Timestamp early : {At("2026-11-25", 17), At("2026-11-26", 10)}) {
    auto out = mark(early);
    ASSERT_FALSE(out.ok()) << Show(early);
    EXPECT_EQ(out.error().code, "conflict");
    EXPECT_EQ(out.error().field, "action");
  }
  auto out = mark(At("2026-11-26", 10) + 1);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(out->after.overdue);
  EXPECT_EQ(out->after.status, S::kAcknowledged);
  EXPECT_EQ(out->event.details, "{\"handle_due\":\"2026-11-26T10:00:00+08:00\"}");
  f.Do(Req(A::kMarkOverdue, At("2026-11-26", 10) + 1));
  out = mark(At("2026-11-27", 9));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "conflict");
  EXPECT_EQ(out.error().field, "action");
  // A case marked overdue and resolved later stays overdue, and late.
  ActionRequest resolve = Req(A::kResolve, At("2026-11-27", 9));
  f.Do(resolve);
  EXPECT_TRUE(f.c.overdue);
  EXPECT_FALSE(f.c.resolved_on_time);
}

TEST(Overdue, ResolvingAfterTheDeadlineMarksTheCase) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  {
    Flow f = Acknowledged(cal, cat);  // due Thu 11-26 10:00
    f.Do(A::kResolve, At("2026-11-26", 10, 1));
    EXPECT_TRUE(f.c.overdue);
    EXPECT_FALSE(f.c.resolved_on_time);
    EXPECT_EQ(f.events.back().details, "{\"on_time\":false,\"level\":\"street\"}");
  }
  {
    Flow f = Acknowledged(cal, cat);
    f.Do(A::kResolve, At("2026-11-26", 10));  // exactly at the deadline: on time
    EXPECT_FALSE(f.c.overdue);
    EXPECT_TRUE(f.c.resolved_on_time);
  }
  {
    // Dispatched Thu 18:00 (after hours): due Thu 11-26 18:00. Resolved at 19:00 the same evening: no
    // working time past the budget, but after the deadline → late.
    Flow f(cal, cat);
    f.Report(At("2026-11-19", 8, 30));
    f.Do(A::kAccept, At("2026-11-19", 8, 40));
    f.Do(A::kDispatch, At("2026-11-19", 18));
    EXPECT_EQ(Show(f.Due(At("2026-11-19", 18)).handle_due), "2026-11-26T18:00:00+08:00");
    f.Do(A::kAcknowledge, At("2026-11-20", 8));
    f.Do(A::kResolve, At("2026-11-26", 19));
    EXPECT_TRUE(f.c.overdue);
    EXPECT_FALSE(f.c.resolved_on_time);
    EXPECT_EQ(f.c.handling_seconds, 5 * kWorkingDay);
  }
}

TEST(Escalate, MovesTheCaseUpALevel) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  EXPECT_EQ(f.c.level, Level::kStreet);
  EXPECT_EQ(f.c.center, kStreetCenter);
  ActionRequest r = Req(A::kEscalate, At("2026-11-19", 11));
  r.role = Role::kUnitStaff;
  f.Do(r);
  EXPECT_EQ(f.c.status, S::kEscalated);
  EXPECT_EQ(f.c.level, Level::kCounty);
  EXPECT_EQ(f.c.center, kCountyCenter);
  EXPECT_EQ(f.c.escalations, 1);
  EXPECT_EQ(f.events.back().details,
            "{\"level_from\":\"street\",\"level\":\"county\",\"center_from\":301,\"center\":201}");
  EXPECT_FALSE(f.Due(At("2026-11-19", 11)).handle_due);  // the unit's clocks stopped

  // No center above the county (upper_center 0), or an "upper" level that is not above: conflict.
  ActionContext ctx = f.Ctx();
  ctx.upper_center = 0;
  ctx.upper_level = Level::kCity;
  auto out = Apply(f.c, Req(A::kEscalate, At("2026-11-19", 12)), ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "conflict");
  EXPECT_EQ(out.error().field, "action");
  ctx.upper_center = 999;
  ctx.upper_level = Level::kCounty;
  out = Apply(f.c, Req(A::kEscalate, At("2026-11-19", 12)), ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "conflict");
  ctx.upper_level = Level::kStreet;
  out = Apply(f.c, Req(A::kEscalate, At("2026-11-19", 12)), ctx);
  ASSERT_FALSE(out.ok());

  // The county center dispatches it again: fresh clocks from the new dispatch.
  f.Do(A::kDispatch, At("2026-11-20", 9));
  EXPECT_EQ(f.c.status, S::kDispatched);
  EXPECT_EQ(f.c.dispatched_at, At("2026-11-19", 10));  // the first dispatch is kept
  // 5 working days from Fri 09:00 → Fri 11-27 09:00.
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 9)).handle_due), "2026-11-27T09:00:00+08:00");
  // And to the city.
  ctx = f.Ctx();
  ctx.upper_center = 101;
  ctx.upper_level = Level::kCity;
  f.Do(Req(A::kEscalate, At("2026-11-20", 10)), ctx);
  EXPECT_EQ(f.c.level, Level::kCity);
  EXPECT_EQ(f.c.center, 101);
  EXPECT_EQ(f.c.escalations, 2);
}

TEST(Returns, ReturnStopsTheClocksAndRedispatchRestartsThem) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  f.Do(A::kRequestExtension, At("2026-11-19", 11));
  f.Do(A::kReturn, At("2026-11-19", 14));
  EXPECT_EQ(f.c.status, S::kReturned);
  EXPECT_EQ(f.c.returns, 1);
  EXPECT_EQ(f.c.unit, kUnit);  // the unit that returned it stays on record
  EXPECT_EQ(f.c.extension_pending, 0);
  EXPECT_EQ(f.events.back().details, "{\"unit\":501}");
  EXPECT_FALSE(f.Due(At("2026-11-19", 14)).handle_due);
  f.Do(A::kDispatch, At("2026-11-19", 15));
  // 5 working days from Thu 15:00 → Thu 11-26 15:00.
  EXPECT_EQ(Show(f.Due(At("2026-11-19", 15)).handle_due), "2026-11-26T15:00:00+08:00");
  EXPECT_EQ(f.c.dispatched_at, At("2026-11-19", 10));
  EXPECT_EQ(f.c.returns, 1);
}

TEST(Rework, VerifyFailSendsAUnitCaseBackWithAFreshHandleClock) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  f.Do(A::kResolve, At("2026-11-20", 9));
  EXPECT_TRUE(f.c.resolved_on_time);
  f.Do(A::kVerifyFail, At("2026-11-20", 10));
  EXPECT_EQ(f.c.status, S::kAcknowledged);
  EXPECT_EQ(f.c.reworks, 1);
  EXPECT_FALSE(f.c.resolved_on_time);
  EXPECT_EQ(f.c.resolved_at, 0);
  // 5 working days from Fri 11-20 10:00 → Fri 11-27 10:00.
  EXPECT_EQ(f.events.back().details, "{\"handle_due\":\"2026-11-27T10:00:00+08:00\"}");
  EXPECT_EQ(Show(f.Due(At("2026-11-20", 10)).handle_due), "2026-11-27T10:00:00+08:00");
  EXPECT_FALSE(f.Due(At("2026-11-20", 10)).verify_due);
  // Resolved again on time, verified.
  f.Do(A::kResolve, At("2026-11-24", 9));
  EXPECT_TRUE(f.c.resolved_on_time);
  // Handling time from the first dispatch (Thu 10:00) to Tue 09:00: 6 + 8 + 8 + 1 = 23 h.
  EXPECT_EQ(f.c.handling_seconds, 23 * kHour);
  f.Do(A::kVerifyPass, At("2026-11-24", 10));
  EXPECT_EQ(f.c.status, S::kVerified);
}

TEST(Rework, VerifyFailOfASelfHandledCaseGoesBackToTheCenter) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 9));
  f.Do(A::kSelfHandle, At("2026-11-19", 9, 20));
  EXPECT_EQ(f.c.status, S::kResolved);
  EXPECT_TRUE(f.c.self_handled);
  EXPECT_TRUE(f.c.resolved_on_time);
  EXPECT_EQ(f.c.ended_level, Level::kGrid);
  EXPECT_EQ(f.c.resolved_at, At("2026-11-19", 9, 20));
  EXPECT_EQ(f.c.handling_seconds, 0);
  // The verify clock runs on the category's limit: 1 working day → Fri 09:20.
  EXPECT_EQ(Show(f.Due(At("2026-11-19", 10)).verify_due), "2026-11-20T09:20:00+08:00");
  ActionRequest fail = Req(A::kVerifyFail, At("2026-11-19", 10));
  fail.role = Role::kOperator;
  f.Do(fail);
  EXPECT_EQ(f.c.status, S::kAccepted);
  EXPECT_EQ(f.events.back().to, S::kAccepted);
  EXPECT_FALSE(f.c.self_handled);
  EXPECT_EQ(f.c.reworks, 1);
  EXPECT_EQ(f.c.resolved_at, 0);
  // The center then dispatches it.
  f.Do(A::kDispatch, At("2026-11-19", 11));
  EXPECT_EQ(f.c.status, S::kDispatched);
}

TEST(Rework, VerifyFailOfAUnitCaseDoesNotDependOnTheContextsCategory) {
  // A unit-handled case failing verification goes back to the unit (acknowledged), never to the center;
  // without the category the handle clock cannot be restarted, which is an input error, not a reason to
  // send the case elsewhere.
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  f.Do(A::kResolve, At("2026-11-20", 9));
  ActionContext ctx = f.Ctx();
  ctx.category = nullptr;
  auto out = Apply(f.c, Req(A::kVerifyFail, At("2026-11-20", 10)), ctx);
  ASSERT_FALSE(out.ok()) << "went to " << CaseStatusName(out->after.status);
  EXPECT_EQ(out.error().code, "invalid_argument");
  EXPECT_EQ(out.error().field, "category");
}

TEST(Reopen, ASelfHandledCaseReopenedReachesAUnitForTheFirstTime) {
  // Self-handled, verified, rated unsatisfied, reopened to a unit: from then on it is a dispatched case
  // like any other (first dispatch time, co-units, rule), so that its handling time and its unit count.
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f(cal, cat);
  f.Report(At("2026-11-19", 9));
  f.Do(A::kSelfHandle, At("2026-11-19", 9, 20));
  f.Do(A::kVerifyPass, At("2026-11-19", 10));
  ActionRequest cb = Req(A::kCallback, At("2026-11-19", 11));
  cb.evaluation = Evaluation::kUnsatisfied;
  f.Do(cb);
  EXPECT_EQ(f.c.dispatched_at, 0);
  f.Do(A::kReopen, At("2026-11-19", 14));
  EXPECT_EQ(f.c.status, S::kDispatched);
  EXPECT_FALSE(f.c.self_handled);
  EXPECT_EQ(f.c.unit, kUnit);
  EXPECT_EQ(f.c.co_units, std::vector<int64_t>{kCoUnit});
  EXPECT_EQ(f.c.rule, 7);
  EXPECT_EQ(f.c.route_reason, Target().reason);
  EXPECT_EQ(f.c.dispatched_at, At("2026-11-19", 14));
  f.Do(A::kAcknowledge, At("2026-11-19", 15));
  f.Do(A::kResolve, At("2026-11-20", 10));
  // Thu 14:00 → Fri 10:00: 4 h + 2 h.
  EXPECT_EQ(f.c.handling_seconds, 6 * kHour);
  EXPECT_EQ(f.c.reopens, 1);
}

TEST(Reopen, OnlyAfterAnUnsatisfiedEvaluation) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  for (Evaluation e : {Evaluation::kSatisfied, Evaluation::kBasicallySatisfied, Evaluation::kUnsatisfied}) {
    Flow f = Acknowledged(cal, cat);
    f.Do(A::kResolve, At("2026-11-20", 9));
    f.Do(A::kVerifyPass, At("2026-11-20", 10));
    ActionRequest cb = Req(A::kCallback, At("2026-11-20", 11));
    cb.evaluation = e;
    f.Do(cb);
    EXPECT_EQ(f.c.status, S::kEvaluated);
    auto out = Apply(f.c, Req(A::kReopen, At("2026-11-20", 14)), f.Ctx());
    if (e != Evaluation::kUnsatisfied) {
      ASSERT_FALSE(out.ok()) << EvaluationName(e);
      EXPECT_EQ(out.error().code, "conflict");
      EXPECT_EQ(out.error().field, "action");
      f.Do(A::kClose, At("2026-11-20", 14));  // such a case closes
      EXPECT_EQ(f.c.status, S::kClosed);
      continue;
    }
    // No unit to go back to: conflict.
    ActionContext no_unit = f.Ctx();
    no_unit.dispatch.reset();
    auto refused = Apply(f.c, Req(A::kReopen, At("2026-11-20", 14)), no_unit);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "conflict");

    ASSERT_TRUE(out.ok()) << out.error().message;
    const Case& c = out->after;
    EXPECT_EQ(c.status, S::kDispatched);
    EXPECT_EQ(c.reopens, 1);
    EXPECT_EQ(c.evaluation, Evaluation::kNone);
    EXPECT_EQ(c.resolved_at, 0);
    EXPECT_EQ(c.unit, kUnit);
    EXPECT_FALSE(c.resolved_on_time);
    // Fresh clocks from Fri 11-20 14:00: acknowledge +2 h → 16:00; handle +40 working hours: Fri 4 h
    // (14–18), Mon–Thu 32 h, Fri 4 h (08–12) → Fri 11-27 12:00 (14:00 and 12:00 are the same working
    // instant; the deadline is the end of the morning).
    EXPECT_EQ(out->event.details,
              "{\"unit\":501,\"acknowledge_due\":\"2026-11-20T16:00:00+08:00\","
              "\"handle_due\":\"2026-11-27T12:00:00+08:00\"}");
    Deadlines d = DeadlinesOf(c, cal, At("2026-11-20", 14));
    EXPECT_EQ(Show(d.handle_due), "2026-11-27T12:00:00+08:00");
    EXPECT_FALSE(d.verify_due);
  }
}

TEST(Supervision, SuperviseAndUrgeCountWithoutChangingTheState) {
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  ActionRequest r = Req(A::kSupervise, At("2026-11-20", 9));
  r.role = Role::kLeader;
  f.Do(r);
  f.Do(A::kUrge, At("2026-11-20", 10));
  f.Do(A::kUrge, At("2026-11-20", 11));
  EXPECT_EQ(f.c.status, S::kAcknowledged);
  EXPECT_EQ(f.c.supervisions, 1);
  EXPECT_EQ(f.c.urges, 2);
  f.Do(A::kRecomputeDeadlines, At("2026-11-20", 12));
  // The acknowledge clock stopped at the acknowledgement: only the running handle clock has a deadline.
  EXPECT_EQ(f.events.back().details, "{\"acknowledge_due\":null,\"handle_due\":\"2026-11-26T10:00:00+08:00\"}");
}

TEST(Recompute, ACalendarChangeMovesTheDeadlines) {
  // Deadlines are derived: the same case read on a calendar with a new holiday has a later deadline.
  const Calendar cal = TestCalendar();
  const Category cat = TestCategory();
  Flow f = Acknowledged(cal, cat);
  const Calendar changed = HolidayCalendar();
  EXPECT_EQ(Show(DeadlinesOf(f.c, changed, At("2026-11-20", 9)).handle_due), "2026-11-27T10:00:00+08:00");
  ActionContext ctx = f.Ctx();
  ctx.calendar = &changed;
  f.Do(Req(A::kRecomputeDeadlines, At("2026-11-20", 9)), ctx);
  EXPECT_NE(f.events.back().details.find("\"handle_due\":\"2026-11-27T10:00:00+08:00\""), std::string::npos);
}

}  // namespace
}  // namespace civicgrid
