// Time limits and the clocks that count them.
//
// A time limit (时限) is an amount of one kind: urgent hours and natural days count every second;
// working hours and working days count only working time of a calendar (a working day is the
// calendar's working minutes per day, 480 by default). A PhaseClock counts one phase of a case
// (acknowledge, handle, verify): it starts with a budget, can be paused (suspension stops the clock)
// and extended (an extension adds to the budget). Deadlines are derived, never stored as truth, so
// that a changed calendar moves them. Pure: no I/O, no clock — `now` is always passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/calendar.h"
#include "core/result.h"

namespace civicgrid {

enum class TimeLimitKind { kUrgentHours, kWorkingHours, kWorkingDays, kNaturalDays };

// "urgent_hours", "working_hours", "working_days", "natural_days".
std::string_view TimeLimitKindName(TimeLimitKind kind);
std::optional<TimeLimitKind> ParseTimeLimitKind(std::string_view name);

// True for the kinds counted in working time (working hours, working days).
bool CountsWorkingTime(TimeLimitKind kind);

// An amount of time of one kind, e.g. {kWorkingDays, 5}.
struct TimeLimit {
  TimeLimitKind kind = TimeLimitKind::kWorkingDays;
  int64_t amount = 0;
};

// Checks 0 < amount ≤ 1000 (naming `field`).
Result<void> ValidateTimeLimit(const TimeLimit& limit, std::string_view field);

// The length of `limit` in seconds of its own measure: working seconds for working kinds
// (working days × the calendar's working minutes per day × 60; working hours × 3600), natural seconds
// for the others (urgent hours × 3600; natural days × 86400).
int64_t LimitSeconds(const TimeLimit& limit, const Calendar& calendar);

// Warning level of a running clock: yellow once 80% of its budget is used, red when it is used up.
enum class Warning { kNone, kYellow, kRed };
std::string_view WarningName(Warning warning);  // "none", "yellow", "red"

// The clock of one phase of a case. All durations are in seconds of the clock's measure (working
// seconds if `working`, else natural seconds).
struct PhaseClock {
  bool started = false;
  bool working = true;         // counts working time (on the case's calendar) or natural time
  Timestamp start = 0;         // when counting began
  int64_t budget = 0;          // the limit plus granted extensions
  int64_t paused = 0;          // time spent paused so far (not counted against the budget)
  Timestamp paused_since = 0;  // non-zero while paused
  Timestamp stopped_at = 0;    // non-zero once the phase ended (e.g. the case was resolved)
  // (0 means "unset" in paused_since and stopped_at, so the instant 0 itself cannot be a pause or stop.)
};

// A clock started at `at` with the budget of `limit`.
PhaseClock StartClock(const TimeLimit& limit, const Calendar& calendar, Timestamp at);

// Pauses a running clock at `at` (no effect if not started, already paused or stopped).
void PauseClock(PhaseClock& clock, Timestamp at);
// Resumes a paused clock at `at`, adding the paused stretch (in the clock's measure) to `paused`.
void ResumeClock(PhaseClock& clock, const Calendar& calendar, Timestamp at);
// Adds `seconds` (of the clock's measure) to the budget.
void ExtendClock(PhaseClock& clock, int64_t seconds);
// Stops the clock at `at` (its used time is frozen from then on); a paused clock is resumed first.
void StopClock(PhaseClock& clock, const Calendar& calendar, Timestamp at);

// Time used at `now`: elapsed since start (up to stopped_at, or paused_since while paused) minus the
// paused time. 0 for a clock not started.
int64_t UsedSeconds(const PhaseClock& clock, const Calendar& calendar, Timestamp now);

// The deadline: the instant at which the budget is used up if the clock keeps running from now on, i.e.
// start + budget + paused in the clock's measure. nullopt while paused or not started.
std::optional<Timestamp> DueAt(const PhaseClock& clock, const Calendar& calendar);
// The instant 80% of the budget is used (same rules as DueAt). 80% is rounded up to a whole second, so that
// WarningAt(WarnAt) is yellow and WarningAt(WarnAt − 1) is not.
std::optional<Timestamp> WarnAt(const PhaseClock& clock, const Calendar& calendar);

// Warning at `now` (kNone for a clock not started; a stopped clock keeps the level it had when stopped).
Warning WarningAt(const PhaseClock& clock, const Calendar& calendar, Timestamp now);

// True if the phase ended (or `now`, if still running) after its budget was used up.
// I.e. that instant is later than the deadline start + budget + paused: a case due at 18:00 and resolved at
// 19:00 is overdue although no working time passed in between. A suspended clock is judged at the instant
// it was suspended (it does not run out while suspended). At the deadline itself it is red, not overdue.
bool IsOverdue(const PhaseClock& clock, const Calendar& calendar, Timestamp now);

}  // namespace civicgrid
