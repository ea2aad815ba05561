// Cases (事件/诉求/工单) and the reference data they need: categories, units, routing rules.
//
// A Case is the current state of one reported matter; every change of it is a CaseEvent appended to
// its history (DOMAIN.md §4). The names follow GLOSSARY.md. Pure values: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/category_attribute.h"
#include "core/result.h"
#include "core/territory.h"
#include "core/time_limit.h"

namespace civicgrid {

// Where a report came from.
enum class Channel { kGridWorker, kResidentApp, kHotline, kOpen311, kDrone, kIot, kSuperior };
inline constexpr Channel kAllChannels[] = {Channel::kGridWorker, Channel::kResidentApp, Channel::kHotline,
                                           Channel::kOpen311,    Channel::kDrone,       Channel::kIot,
                                           Channel::kSuperior};
// "grid_worker", "resident_app", "hotline", "open311", "drone", "iot", "superior".
std::string_view ChannelName(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);

// Priority: a category's default, raisable per case. Each step above the category's default halves the
// case's time limits (workflow.h PrioritySeconds).
enum class Priority { kNormal, kHigh, kUrgent };
std::string_view PriorityName(Priority priority);  // "normal", "high", "urgent"
std::optional<Priority> ParsePriority(std::string_view name);

// The callback's rating (满意 / 基本满意 / 不满意).
enum class Evaluation { kNone, kSatisfied, kBasicallySatisfied, kUnsatisfied };
std::string_view EvaluationName(Evaluation evaluation);  // "none", "satisfied", "basically_satisfied", "unsatisfied"
std::optional<Evaluation> ParseEvaluation(std::string_view name);

// Who acts. The transition table says which roles may take each action.
// Who acts (see access.h for what each role may do where). kSystem is the platform's own jobs and the
// systems calling with an API key; kAdmin manages accounts and configuration and acts on no case.
enum class Role { kOperator, kUnitStaff, kGridWorker, kResident, kLeader, kSystem, kAdmin };
inline constexpr int kRoleCount = 7;
// "operator", "unit_staff", "grid_worker", "resident", "leader", "system", "admin"
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// A category (大类/小类): majors have 2-digit codes, minors 4 digits starting with their major's code.
struct Category {
  std::string code;
  std::string name;
  std::string parent;  // the major's code for a minor; empty for a major
  Priority priority = Priority::kNormal;
  TimeLimit acknowledge{TimeLimitKind::kWorkingHours, 2};
  TimeLimit handle{TimeLimitKind::kWorkingDays, 5};
  TimeLimit verify{TimeLimitKind::kWorkingDays, 1};
  Level level = Level::kStreet;  // the lowest level that should handle it (grid … county)
  bool active = true;
  std::string description;                   // for reporters (Open311's description), ≤ 1000 bytes
  std::vector<std::string> keywords;         // ≤ 20, each 1–50 bytes without ','
  std::vector<CategoryAttribute> attributes;  // the extra questions asked of a reporter
};

// Checks a category's code shape (2 or 4 digits, a minor under its parent), name, limits and level
// (grid, community, street or county), description, keywords and attributes (ValidateAttributes);
// errors name the field ("keywords", "attributes[0].code", …).
Result<void> ValidateCategory(const Category& category);

// Kinds of unit: departments (住建局…), companies (供热公司…), committees (社区居委会…) and command centers.
enum class UnitKind { kDepartment, kCompany, kCommittee, kCommandCenter };
std::string_view UnitKindName(UnitKind kind);  // "department", "company", "committee", "command_center"
std::optional<UnitKind> ParseUnitKind(std::string_view name);

// A unit that handles cases, or the command center of one level. `territory` is the division it serves;
// a command center's territory is the division it commands (a county or a street, etc.).
struct Unit {
  int64_t id = 0;
  std::string name;
  UnitKind kind = UnitKind::kDepartment;
  std::string territory;   // division code
  std::string calendar;    // calendar id; empty = the default calendar
  bool active = true;

  // The level of the unit: the level of its territory (a county bureau is county-level).
  Level level() const;
};

Result<void> ValidateUnit(const Unit& unit);

// (category, territory subtree) → unit. `category` is a minor or a major code (a major's rule covers its
// minors). See routing.h for how a rule is chosen.
struct RoutingRule {
  int64_t id = 0;
  std::string category;
  std::string territory;  // division code; the rule covers cases under it
  int64_t unit = 0;
  std::vector<int64_t> co_units;
  std::string note;
};

Result<void> ValidateRoutingRule(const RoutingRule& rule);

// The states of a case (see workflow.h for the table).
enum class CaseStatus {
  kReported,      // 上报: waiting for the command center
  kAccepted,      // 受理: waiting to be dispatched
  kDispatched,    // 派遣: waiting for the unit to acknowledge
  kAcknowledged,  // 签收: the unit is handling it
  kReturned,      // 回退: the unit sent it back; the center dispatches again
  kEscalated,     // 上报上级: waiting for the center of the level above
  kSuspended,     // 挂账: clock stopped
  kResolved,      // 办结: waiting for verification
  kVerified,      // 核查通过: waiting for the callback
  kEvaluated,     // 回访: rated; waiting to be closed (or reopened after 不满意)
  kClosed,        // 结案
  kRejected,      // 不予受理
  kMerged,        // 合并: a duplicate of another case
};
inline constexpr int kCaseStatusCount = 13;
std::string_view CaseStatusName(CaseStatus status);  // "reported", "accepted", …
std::optional<CaseStatus> ParseCaseStatus(std::string_view name);
// True for closed, rejected and merged.
bool IsTerminal(CaseStatus status);

// The actions of the transition table.
enum class Action {
  kReport, kAccept, kReject, kMerge, kClassify, kDispatch, kAcknowledge, kReturn,
  kRequestExtension, kGrantExtension, kDenyExtension, kSuspend, kResume, kEscalate, kSelfHandle,
  kResolve, kVerifyPass, kVerifyFail, kCallback, kReopen, kClose, kSupervise, kUrge, kMarkOverdue,
  kRecomputeDeadlines,
};
inline constexpr int kActionCount = 25;
std::string_view ActionName(Action action);  // "report", "accept", …, "mark_overdue", "recompute_deadlines"
std::optional<Action> ParseAction(std::string_view name);

// The three clocked phases of a case.
struct CaseClocks {
  PhaseClock acknowledge;  // from dispatch to acknowledgement
  PhaseClock handle;       // from dispatch to resolution
  PhaseClock verify;       // from resolution to verification
};

// The current state of a case. Location: a WGS84 point when known, the grid it lies in (or was given),
// and `territory`, the deepest division known (the grid code, or a community/street/county code when
// only an address matched).
struct Case {
  int64_t id = 0;
  std::string tracking_code;  // public, unguessable; for GET /api/v1/track/{code}
  CaseStatus status = CaseStatus::kReported;
  CaseStatus resume_status = CaseStatus::kReported;  // where resume returns to (while suspended)
  Channel channel = Channel::kResidentApp;
  std::string category;  // minor (or major) code; empty until classified
  Priority priority = Priority::kNormal;
  std::string description;
  bool has_point = false;
  double lon = 0, lat = 0;  // WGS84
  std::string address;
  std::string grid;       // grid code, or empty
  std::string territory;  // deepest division code known (never empty once reported)
  std::string reporter_name;   // personal data: never shown publicly
  std::string reporter_phone;  // personal data: never shown publicly
  std::string reporter_account;  // the account (or "key:<name>") that reported it; "" if unknown
  std::vector<std::string> attachments;  // attachment ids of the report

  Level level = Level::kStreet;  // the level whose command center owns the case now
  int64_t center = 0;            // that command center's unit id (0 if none exists)
  int64_t unit = 0;              // lead unit (主办) of the latest dispatch (kept after a return or an
                                 // escalation, so that the return counts against it); 0 until dispatched
  std::vector<int64_t> co_units; // 协办
  int64_t rule = 0;              // routing rule that chose the unit (0 = fallback or chosen by hand)
  std::string route_reason;      // why this unit
  std::string calendar;          // calendar id the clocks count on
  int64_t duplicate_of = 0;

  CaseClocks clocks;
  int64_t extension_pending = 0;  // seconds requested, 0 when no request is pending
  int returns = 0, reworks = 0, escalations = 0, extensions = 0, reopens = 0;
  int supervisions = 0, urges = 0;
  bool overdue = false;        // marked overdue (once)
  bool self_handled = false;
  bool resolved_on_time = false;
  Level ended_level = Level::kGrid;  // level of whoever resolved it (valid once resolved)
  Evaluation evaluation = Evaluation::kNone;

  Timestamp reported_at = 0, updated_at = 0, dispatched_at = 0, resolved_at = 0, closed_at = 0;
  int64_t handling_seconds = 0;  // working seconds from first dispatch to resolution
  int64_t version = 0;           // number of events so far

  // Derived from the handle clock and the calendar by Apply()/Report(), kept for queries: the handle
  // deadline and its 80% point (0 while not clocked, paused or stopped).
  Timestamp handle_due = 0, handle_warn = 0;
};

// One appended event: who did what, when, from which state to which, with the note and attachments.
// `details` is a JSON object text with action-specific facts (rule, unit, deadlines before/after…).
struct CaseEvent {
  int64_t case_id = 0;
  int64_t seq = 0;  // 1, 2, … per case
  Timestamp at = 0;
  std::string actor;  // user id (or "system")
  Role role = Role::kSystem;
  Action action = Action::kReport;
  CaseStatus from = CaseStatus::kReported;
  CaseStatus to = CaseStatus::kReported;
  std::string note;
  std::vector<std::string> attachments;
  std::string details = "{}";
};

// An instant as ISO 8601 in the given offset, e.g. "2026-11-23T10:00:00+08:00".
std::string FormatTimestamp(Timestamp t, int utc_offset_minutes = 480);
// Parses ISO 8601 with a zone ("…Z" or "…+08:00"; seconds optional; fraction ignored) or a plain date
// ("2026-11-23", taken as local midnight at `utc_offset_minutes`); fails naming `field`.
Result<Timestamp> ParseTimestamp(std::string_view text, std::string_view field, int utc_offset_minutes = 480);

}  // namespace civicgrid
