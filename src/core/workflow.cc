#include "core/workflow.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"

namespace civicgrid {
namespace {

using S = CaseStatus;
using A = Action;
using R = Role;

const std::vector<S> kOpen = {S::kReported,  S::kAccepted, S::kDispatched, S::kAcknowledged, S::kReturned,
                              S::kEscalated, S::kSuspended, S::kResolved,  S::kVerified,     S::kEvaluated};
// Everyone who may report a case (an admin manages the platform and acts on no case).
const std::vector<R> kEveryone = {R::kOperator, R::kUnitStaff, R::kGridWorker, R::kResident, R::kLeader, R::kSystem};

// The transition table. Order = the order actions are listed in (AllowedActions, docs).
const std::vector<Transition> kTable = {
    {A::kReport, {}, S::kReported, kEveryone, "description 1–4000 characters; a place (point, grid or address)"},
    {A::kAccept, {S::kReported}, S::kAccepted, {R::kOperator}, ""},
    {A::kReject, {S::kReported, S::kAccepted}, S::kRejected, {R::kOperator}, "a note giving the reason"},
    {A::kMerge, {S::kReported, S::kAccepted}, S::kMerged, {R::kOperator},
     "duplicate_of names another case that is not itself merged"},
    {A::kClassify, {S::kReported, S::kAccepted, S::kReturned, S::kEscalated}, std::nullopt, {R::kOperator},
     "a known, active category"},
    {A::kDispatch, {S::kAccepted, S::kReturned, S::kEscalated}, S::kDispatched, {R::kOperator},
     "the case has a category (or the request gives one); a unit is found"},
    {A::kAcknowledge, {S::kDispatched}, S::kAcknowledged, {R::kUnitStaff}, ""},
    {A::kReturn, {S::kDispatched, S::kAcknowledged}, S::kReturned, {R::kUnitStaff}, "a note giving the reason"},
    {A::kRequestExtension, {S::kAcknowledged}, std::nullopt, {R::kUnitStaff},
     "no request pending; the extension counts in the handle clock's measure; all extensions together at most "
     "10 working days (10 days for natural-time limits)"},
    {A::kGrantExtension, {S::kDispatched, S::kAcknowledged}, std::nullopt, {R::kOperator}, "a request is pending"},
    {A::kDenyExtension, {S::kDispatched, S::kAcknowledged}, std::nullopt, {R::kOperator}, "a request is pending"},
    {A::kSuspend, {S::kDispatched, S::kAcknowledged}, S::kSuspended, {R::kOperator}, "a note giving the reason"},
    {A::kResume, {S::kSuspended}, std::nullopt, {R::kOperator}, "back to the state it was suspended in"},
    {A::kEscalate, {S::kReported, S::kAccepted, S::kReturned, S::kEscalated, S::kDispatched, S::kAcknowledged},
     S::kEscalated, {R::kOperator, R::kUnitStaff, R::kGridWorker},
     "a note giving the reason; a command center exists above the case's level"},
    {A::kSelfHandle, {S::kReported, S::kAccepted}, S::kResolved, {R::kGridWorker}, "a note saying what was done"},
    {A::kResolve, {S::kAcknowledged}, S::kResolved, {R::kUnitStaff}, "a note saying what was done"},
    {A::kVerifyPass, {S::kResolved}, S::kVerified, {R::kGridWorker, R::kOperator}, ""},
    {A::kVerifyFail, {S::kResolved}, S::kAcknowledged, {R::kGridWorker, R::kOperator},
     "a note; back to the unit for rework (to accepted if it was self-handled)"},
    {A::kCallback, {S::kVerified}, S::kEvaluated, {R::kOperator, R::kResident}, "an evaluation"},
    {A::kReopen, {S::kEvaluated}, S::kDispatched, {R::kOperator}, "the evaluation was unsatisfied"},
    {A::kClose, {S::kVerified, S::kEvaluated}, S::kClosed, {R::kOperator}, ""},
    {A::kSupervise, kOpen, std::nullopt, {R::kOperator, R::kLeader}, ""},
    {A::kUrge, kOpen, std::nullopt, {R::kOperator, R::kLeader}, ""},
    {A::kMarkOverdue, {S::kDispatched, S::kAcknowledged}, std::nullopt, {R::kSystem},
     "the handle deadline has passed and the case is not yet marked"},
    {A::kRecomputeDeadlines, kOpen, std::nullopt, {R::kSystem}, "the calendar changed"},
};

bool Contains(const auto& v, const auto& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// A small JSON object writer for event details (keys are plain ASCII; values escaped).
class Details {
 public:
  Details& Str(std::string_view key, std::string_view value) {
    Key(key);
    out_ += '"';
    for (unsigned char c : value) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
    return *this;
  }
  Details& Int(std::string_view key, int64_t value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  Details& Bool(std::string_view key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  Details& Time(std::string_view key, std::optional<Timestamp> t, int offset) {
    if (!t) {
      Key(key);
      out_ += "null";
      return *this;
    }
    return Str(key, FormatTimestamp(*t, offset));
  }
  Details& Ints(std::string_view key, const std::vector<int64_t>& values) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out_ += ',';
      out_ += std::to_string(values[i]);
    }
    out_ += ']';
    return *this;
  }
  std::string Done() const { return out_ + "}"; }

 private:
  void Key(std::string_view key) {
    out_ += out_.size() > 1 ? ",\"" : "\"";
    out_ += key;
    out_ += "\":";
  }
  std::string out_ = "{";
};

std::string AllowedList(CaseStatus status) {
  std::string out;
  for (Action a : AllowedActions(status)) {
    if (!out.empty()) out += ", ";
    out += ActionName(a);
  }
  return out.empty() ? "none" : out;
}

Result<void> NeedNote(const ActionRequest& r) {
  if (r.note.empty()) return Error::InvalidArgument(std::string(ActionName(r.action)) + " needs a note", "note");
  if (r.note.size() > 4000) return Error::InvalidArgument("note is longer than 4000 bytes", "note");
  return {};
}

// The priority of a case relative to its category's default: the category's limits are already set
// for its default priority, so only a raise above it shortens them.
Priority Boost(Priority priority, const Category& category) {
  return static_cast<Priority>(std::max(0, static_cast<int>(priority) - static_cast<int>(category.priority)));
}

// Starts the acknowledge and handle clocks of a dispatch.
void StartDispatchClocks(Case& c, const Category& category, const Calendar& cal, Timestamp at) {
  const Priority boost = Boost(c.priority, category);
  c.clocks.acknowledge = StartClock(category.acknowledge, cal, at);
  c.clocks.acknowledge.budget = PrioritySeconds(category.acknowledge, boost, cal);
  c.clocks.handle = StartClock(category.handle, cal, at);
  c.clocks.handle.budget = PrioritySeconds(category.handle, boost, cal);
  c.clocks.verify = PhaseClock{};
  c.extension_pending = 0;
  c.resolved_on_time = false;
}

void StopIfRunning(PhaseClock& clock, const Calendar& cal, Timestamp at) {
  if (clock.started && clock.stopped_at == 0) StopClock(clock, cal, at);
}

// Maximum total extension, in the handle clock's measure.
int64_t MaxExtension(const PhaseClock& handle, const Calendar& cal) {
  return handle.working ? 10 * cal.WorkingMinutesPerDay() * 60 : 10 * 86400;
}

void AddDeadlines(Details& d, const Case& c, const Calendar& cal) {
  auto running_due = [&](const PhaseClock& k) {
    return k.started && k.stopped_at == 0 ? DueAt(k, cal) : std::nullopt;
  };
  d.Time("acknowledge_due", running_due(c.clocks.acknowledge), cal.utc_offset_minutes);
  d.Time("handle_due", running_due(c.clocks.handle), cal.utc_offset_minutes);
}

}  // namespace

const std::vector<Transition>& TransitionTable() { return kTable; }

const Transition& TransitionOf(Action action) {
  for (const auto& t : kTable)
    if (t.action == action) return t;
  return kTable.front();  // unreachable: every action has a row
}

std::vector<Action> AllowedActions(CaseStatus status, std::optional<Role> role) {
  std::vector<Action> out;
  for (const auto& t : kTable) {
    if (!Contains(t.from, status)) continue;
    if (role && !Contains(t.roles, *role)) continue;
    out.push_back(t.action);
  }
  return out;
}

int64_t PrioritySeconds(const TimeLimit& limit, Priority priority, const Calendar& calendar) {
  const int64_t base = LimitSeconds(limit, calendar);
  const int64_t divisor = priority == Priority::kUrgent ? 4 : priority == Priority::kHigh ? 2 : 1;
  const int64_t scaled = (base + divisor - 1) / divisor;
  return (scaled + 59) / 60 * 60;
}

Result<Outcome> Apply(const Case& before, const ActionRequest& req, const ActionContext& ctx) {
  if (req.action == Action::kReport) return Error::InvalidArgument("use Report() to create a case", "action");
  const Transition& row = TransitionOf(req.action);
  if (!Contains(row.from, before.status)) {
    std::string message = "'";  // built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string
    message.append(ActionName(req.action)).append("' is not allowed when the case is ");
    message.append(CaseStatusName(before.status)).append("; allowed: ").append(AllowedList(before.status));
    return Error::Conflict(std::move(message), "action");
  }
  if (!Contains(row.roles, req.role))
    return Error{"forbidden",
                 "role '" + std::string(RoleName(req.role)) + "' may not " + std::string(ActionName(req.action)),
                 "role"};
  if (req.actor.empty()) return Error::InvalidArgument("actor is required", "actor");
  if (!ctx.calendar) return Error::Internal("no calendar for the case");
  const Calendar& cal = *ctx.calendar;
  const int offset = cal.utc_offset_minutes;
  if (req.at < before.updated_at)
    return Error::InvalidArgument("the action's time is before the case's last change", "at");

  Case c = before;
  Details d;
  c.status = row.to.value_or(before.status);
  const Timestamp at = req.at;

  switch (req.action) {
    case A::kAccept:
      break;
    case A::kReject:
      if (auto r = NeedNote(req); !r) return r.error();
      break;
    case A::kMerge:
      if (req.duplicate_of <= 0 || req.duplicate_of == before.id)
        return Error::InvalidArgument("duplicate_of must name another case", "duplicate_of");
      if (!ctx.duplicate_exists)
        return Error::InvalidArgument("case " + std::to_string(req.duplicate_of) + " does not exist or is merged",
                                      "duplicate_of");
      c.duplicate_of = req.duplicate_of;
      d.Int("duplicate_of", req.duplicate_of);
      break;
    case A::kClassify:
    case A::kDispatch: {
      if (!req.category.empty() || req.action == A::kClassify) {
        if (!ctx.category || ctx.category->code != req.category || !ctx.category->active)
          return Error::InvalidArgument("unknown or inactive category '" + req.category + "'", "category");
        if (c.category != req.category) {
          d.Str("category_from", c.category).Str("category", req.category);
          c.category = req.category;
          if (!req.priority) c.priority = std::max(c.priority, ctx.category->priority);
        }
      }
      if (req.priority && *req.priority != c.priority) {
        d.Str("priority", PriorityName(*req.priority));
        c.priority = *req.priority;
      }
      if (req.action == A::kClassify) break;
      if (c.category.empty() || !ctx.category || ctx.category->code != c.category)
        return Error::InvalidArgument("classify the case before dispatching it (or give a category)", "category");
      if (!ctx.dispatch || ctx.dispatch->unit <= 0) return Error::NotFound("no unit to dispatch to", "unit");
      c.unit = ctx.dispatch->unit;
      c.co_units = ctx.dispatch->co_units;
      c.rule = ctx.dispatch->rule;
      c.route_reason = ctx.dispatch->reason;
      c.calendar = ctx.dispatch->calendar;
      if (c.dispatched_at == 0) c.dispatched_at = at;
      StartDispatchClocks(c, *ctx.category, cal, at);
      d.Int("unit", c.unit).Ints("co_units", c.co_units).Int("rule", c.rule).Str("reason", c.route_reason);
      AddDeadlines(d, c, cal);
      break;
    }
    case A::kAcknowledge:
      StopIfRunning(c.clocks.acknowledge, cal, at);
      d.Bool("late", IsOverdue(c.clocks.acknowledge, cal, at));
      break;
    case A::kReturn:
      if (auto r = NeedNote(req); !r) return r.error();
      StopIfRunning(c.clocks.acknowledge, cal, at);
      StopIfRunning(c.clocks.handle, cal, at);
      c.extension_pending = 0;
      ++c.returns;
      d.Int("unit", c.unit);
      break;
    case A::kRequestExtension: {
      if (c.extension_pending > 0) return Error::Conflict("an extension request is already pending", "extension");
      if (!req.extension) return Error::InvalidArgument("extension (kind and amount) is required", "extension");
      if (auto r = ValidateTimeLimit(*req.extension, "extension"); !r) return r.error();
      if (CountsWorkingTime(req.extension->kind) != c.clocks.handle.working)
        return Error::InvalidArgument(std::string("the handle time limit counts ") +
                                          (c.clocks.handle.working ? "working" : "natural") +
                                          " time; ask for the extension in the same measure",
                                      "extension");
      const int64_t seconds = LimitSeconds(*req.extension, cal);
      const int64_t base =
          ctx.category ? PrioritySeconds(ctx.category->handle, Boost(c.priority, *ctx.category), cal) : 0;
      const int64_t already = ctx.category ? std::max<int64_t>(0, c.clocks.handle.budget - base) : 0;
      if (already + seconds > MaxExtension(c.clocks.handle, cal))
        return Error::InvalidArgument("extensions may add at most 10 working days in all", "extension");
      c.extension_pending = seconds;
      d.Str("extension_kind", TimeLimitKindName(req.extension->kind)).Int("extension_amount", req.extension->amount);
      break;
    }
    case A::kGrantExtension: {
      if (c.extension_pending <= 0) return Error::Conflict("no extension request is pending", "extension");
      const auto due_before = DueAt(c.clocks.handle, cal);
      ExtendClock(c.clocks.handle, c.extension_pending);
      c.extension_pending = 0;
      ++c.extensions;
      d.Time("handle_due_from", due_before, offset).Time("handle_due", DueAt(c.clocks.handle, cal), offset);
      break;
    }
    case A::kDenyExtension:
      if (c.extension_pending <= 0) return Error::Conflict("no extension request is pending", "extension");
      c.extension_pending = 0;
      break;
    case A::kSuspend:
      if (auto r = NeedNote(req); !r) return r.error();
      c.resume_status = before.status;
      PauseClock(c.clocks.acknowledge, at);
      PauseClock(c.clocks.handle, at);
      break;
    case A::kResume:
      c.status = before.resume_status;
      ResumeClock(c.clocks.acknowledge, cal, at);
      ResumeClock(c.clocks.handle, cal, at);
      AddDeadlines(d, c, cal);
      break;
    case A::kEscalate:
      if (auto r = NeedNote(req); !r) return r.error();
      if (ctx.upper_center <= 0 || ctx.upper_level >= before.level)
        return Error::Conflict("there is no command center above the case's level (" +
                                   std::string(LevelName(before.level)) + ")",
                               "action");
      StopIfRunning(c.clocks.acknowledge, cal, at);
      StopIfRunning(c.clocks.handle, cal, at);
      c.extension_pending = 0;
      d.Str("level_from", LevelName(before.level)).Str("level", LevelName(ctx.upper_level));
      d.Int("center_from", before.center).Int("center", ctx.upper_center);
      c.level = ctx.upper_level;
      c.center = ctx.upper_center;
      ++c.escalations;
      break;
    case A::kSelfHandle:
      if (auto r = NeedNote(req); !r) return r.error();
      c.self_handled = true;
      c.resolved_on_time = true;
      c.ended_level = Level::kGrid;
      c.resolved_at = at;
      if (ctx.category) {
        c.clocks.verify = StartClock(ctx.category->verify, cal, at);
      }
      break;
    case A::kResolve: {
      if (auto r = NeedNote(req); !r) return r.error();
      StopIfRunning(c.clocks.handle, cal, at);
      const bool late = IsOverdue(c.clocks.handle, cal, at);
      c.resolved_on_time = !late;
      if (late) c.overdue = true;
      c.ended_level = ctx.unit_level;
      c.resolved_at = at;
      if (c.dispatched_at > 0) c.handling_seconds = WorkingSecondsBetween(cal, c.dispatched_at, at);
      if (ctx.category) c.clocks.verify = StartClock(ctx.category->verify, cal, at);
      d.Bool("on_time", !late).Str("level", LevelName(c.ended_level));
      break;
    }
    case A::kVerifyPass:
      StopIfRunning(c.clocks.verify, cal, at);
      break;
    case A::kVerifyFail:
      if (auto r = NeedNote(req); !r) return r.error();
      // Who handled it decides where rework goes: a self-handled case back to the center to dispatch, a
      // unit's case back to the unit with a fresh handle clock (which needs the category's limit).
      if (!before.self_handled && !ctx.category)
        return Error::InvalidArgument("the case's category is needed to restart the handle clock", "category");
      StopIfRunning(c.clocks.verify, cal, at);
      ++c.reworks;
      c.resolved_on_time = false;
      c.resolved_at = 0;
      if (!before.self_handled) {
        c.clocks.handle = StartClock(ctx.category->handle, cal, at);
        c.clocks.handle.budget = PrioritySeconds(ctx.category->handle, Boost(c.priority, *ctx.category), cal);
        d.Time("handle_due", DueAt(c.clocks.handle, cal), offset);
      } else {
        c.status = S::kAccepted;
        c.self_handled = false;
      }
      break;
    case A::kCallback:
      if (req.evaluation == Evaluation::kNone)
        return Error::InvalidArgument("evaluation is required (satisfied, basically_satisfied, unsatisfied)",
                                      "evaluation");
      c.evaluation = req.evaluation;
      d.Str("evaluation", EvaluationName(req.evaluation));
      break;
    case A::kReopen:
      if (before.evaluation != Evaluation::kUnsatisfied)
        return Error::Conflict("only a case rated unsatisfied can be reopened", "action");
      if (!ctx.category || !ctx.dispatch || ctx.dispatch->unit <= 0)
        return Error::Conflict("the case has no unit to go back to", "action");
      c.unit = ctx.dispatch->unit;
      c.co_units = ctx.dispatch->co_units;
      c.rule = ctx.dispatch->rule;
      c.route_reason = ctx.dispatch->reason;
      c.calendar = ctx.dispatch->calendar;
      if (c.dispatched_at == 0) c.dispatched_at = at;  // a self-handled case reaches a unit for the first time
      c.evaluation = Evaluation::kNone;
      c.resolved_at = 0;
      c.self_handled = false;
      ++c.reopens;
      StartDispatchClocks(c, *ctx.category, cal, at);
      d.Int("unit", c.unit);
      AddDeadlines(d, c, cal);
      break;
    case A::kClose:
      c.closed_at = at;
      break;
    case A::kSupervise:
      ++c.supervisions;
      break;
    case A::kUrge:
      ++c.urges;
      break;
    case A::kMarkOverdue:
      if (c.overdue) return Error::Conflict("the case is already marked overdue", "action");
      if (!IsOverdue(c.clocks.handle, cal, at))
        return Error::Conflict("the handle deadline has not passed", "action");
      c.overdue = true;
      d.Time("handle_due", DueAt(c.clocks.handle, cal), offset);
      break;
    case A::kRecomputeDeadlines:
      AddDeadlines(d, c, cal);
      break;
    case A::kReport:
      break;
  }

  c.updated_at = at;
  c.version = before.version + 1;
  const Deadlines deadlines = DeadlinesOf(c, cal, at);
  c.handle_due = deadlines.handle_due.value_or(0);
  c.handle_warn = deadlines.handle_warn.value_or(0);
  Outcome out{std::move(c), {}};
  out.event.case_id = before.id;
  out.event.seq = out.after.version;
  out.event.at = at;
  out.event.actor = req.actor;
  out.event.role = req.role;
  out.event.action = req.action;
  out.event.from = before.status;
  out.event.to = out.after.status;
  out.event.note = req.note;
  out.event.attachments = req.attachments;
  out.event.details = d.Done();
  return out;
}

Result<Outcome> Report(const Case& draft, const ActionRequest& req, const ActionContext& ctx) {
  if (draft.description.empty()) return Error::InvalidArgument("description is required", "description");
  if (CharacterCount(draft.description) > 4000)
    return Error::InvalidArgument("description is longer than 4000 characters", "description");
  if (draft.territory.empty()) return Error::InvalidArgument("the case has no place", "location");
  if (req.actor.empty()) return Error::InvalidArgument("actor is required", "actor");
  if (!draft.category.empty() && (!ctx.category || ctx.category->code != draft.category || !ctx.category->active))
    return Error::InvalidArgument("unknown or inactive category '" + draft.category + "'", "category");
  Case c = draft;
  c.status = S::kReported;
  c.reported_at = c.updated_at = req.at;
  c.version = 1;
  if (ctx.category && !draft.category.empty()) c.priority = std::max(c.priority, ctx.category->priority);
  Details d;
  d.Str("channel", ChannelName(c.channel)).Str("territory", c.territory);
  if (!c.grid.empty()) d.Str("grid", c.grid);
  if (!c.category.empty()) d.Str("category", c.category);
  d.Str("level", LevelName(c.level)).Int("center", c.center);
  Outcome out{std::move(c), {}};
  out.event.case_id = draft.id;
  out.event.seq = 1;
  out.event.at = req.at;
  out.event.actor = req.actor;
  out.event.role = req.role;
  out.event.action = A::kReport;
  out.event.from = S::kReported;
  out.event.to = S::kReported;
  out.event.note = req.note;
  out.event.attachments = draft.attachments;
  out.event.details = d.Done();
  return out;
}

Deadlines DeadlinesOf(const Case& c, const Calendar& calendar, Timestamp now) {
  Deadlines d;
  auto running = [](const PhaseClock& k) { return k.started && k.stopped_at == 0; };
  if (running(c.clocks.acknowledge)) d.acknowledge_due = DueAt(c.clocks.acknowledge, calendar);
  if (running(c.clocks.handle)) {
    d.handle_due = DueAt(c.clocks.handle, calendar);  // nullopt while paused …
    d.handle_warn = WarnAt(c.clocks.handle, calendar);
    if (d.handle_due) d.warning = WarningAt(c.clocks.handle, calendar, now);  // … and so is the warning
  }
  if (running(c.clocks.verify)) d.verify_due = DueAt(c.clocks.verify, calendar);
  return d;
}

}  // namespace civicgrid
