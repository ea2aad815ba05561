// The case state machine: one transition table, and Apply(), which turns a case and a requested
// action into the next case and the event that records it.
//
// The table (TransitionTable()) lists, for every action, the states it may be taken in, the state it
// leads to and the roles that may take it; the guards (a note is required, an extension must be
// pending, the evaluation must be 不满意 to reopen…) are checked by Apply() and described in
// docs/workflow.md. Clocks: dispatch starts the acknowledge and handle clocks, acknowledge stops the
// first, resolve stops the second and starts the verify clock; suspend pauses every running clock,
// resume restarts them; a granted extension adds to the handle budget. Pure: the app looks up what the
// action needs (category, calendar, routing choice, the center above) and passes it in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/result.h"

namespace civicgrid {

// One row of the transition table.
struct Transition {
  Action action;
  std::vector<CaseStatus> from;
  std::optional<CaseStatus> to;  // nullopt: the state does not change (or resume: back where it was)
  std::vector<Role> roles;       // who may take it
  std::string_view guard;        // the extra condition, in words ("" if none)
};

// The whole table, one row per action (kReport's `from` is empty: it creates the case).
const std::vector<Transition>& TransitionTable();
// The row of `action`.
const Transition& TransitionOf(Action action);

// Actions whose row allows the case's current state (guards aside), in table order; with `role`, only
// those that role may take.
std::vector<Action> AllowedActions(CaseStatus status, std::optional<Role> role = std::nullopt);

// What the actor asks for. Only the fields the action uses are read.
struct ActionRequest {
  Action action = Action::kAccept;
  std::string actor;        // user id
  Role role = Role::kOperator;
  Timestamp at = 0;         // when (the app's clock)
  std::string note;         // required for reject, return, escalate, resolve, verify_fail, suspend
  std::vector<std::string> attachments;
  std::string category;                // classify (or dispatch, which may classify on the way)
  std::optional<Priority> priority;    // classify/dispatch: overrides the category's default
  int64_t duplicate_of = 0;            // merge
  Evaluation evaluation = Evaluation::kNone;  // callback
  std::optional<TimeLimit> extension;  // request_extension
};

// Where a dispatch sends the case (chosen by routing.h or by hand).
struct DispatchTarget {
  int64_t unit = 0;
  std::vector<int64_t> co_units;
  int64_t rule = 0;          // 0 = fallback or chosen by hand
  std::string reason;
  std::string calendar;      // the unit's calendar id
};

// What Apply needs from outside, looked up by the app.
struct ActionContext {
  const Calendar* calendar = nullptr;   // the calendar the case counts on (after a dispatch: the target's)
  const Category* category = nullptr;   // the case's category after the action, if it has one
  std::optional<DispatchTarget> dispatch;  // dispatch and reopen (reopen: the same unit again)
  int64_t upper_center = 0;             // escalate: the command center above …
  Level upper_level = Level::kCity;     // … and its level
  Level unit_level = Level::kStreet;    // resolve: the level of the unit resolving
  bool duplicate_exists = false;        // merge: the other case exists and is not itself merged
};

// The result of an action: the case after it and the event to append.
struct Outcome {
  Case after;
  CaseEvent event;
};

// Applies one action. Errors: "conflict" (field "action") when the state does not allow it — the
// message lists the allowed actions; "forbidden" (field "role") when the role may not take it;
// "invalid_argument" naming the field when a required input is missing or wrong (e.g. "note",
// "category", "evaluation", "extension", "duplicate_of"); "conflict" when a guard fails (e.g. no
// extension pending, already overdue). `before` is untouched; after.version = before.version + 1.
Result<Outcome> Apply(const Case& before, const ActionRequest& request, const ActionContext& context);

// Creates a case in state reported: `draft` carries channel, description, location, reporter,
// attachments, category/priority (if known), level and center; the id must be set by the caller.
// Validates the draft (description 1–4000 characters, territory set, known category needs
// context.category) and answers the case and its "report" event.
Result<Outcome> Report(const Case& draft, const ActionRequest& request, const ActionContext& context);

// The handle-phase deadline and warning of a case at `now` (none while not clocked or paused).
struct Deadlines {
  std::optional<Timestamp> acknowledge_due, handle_due, handle_warn, verify_due;
  Warning warning = Warning::kNone;  // of the handle phase
};
Deadlines DeadlinesOf(const Case& c, const Calendar& calendar, Timestamp now);

// The time limit of `limit` shortened by `priority`, in seconds of its measure (high: half, urgent: a
// quarter, rounded up to whole minutes). Apply() passes the case's priority relative to its category's
// default (a category's limits are set for its default priority): one step above halves, two quarter.
int64_t PrioritySeconds(const TimeLimit& limit, Priority priority, const Calendar& calendar);

}  // namespace civicgrid
