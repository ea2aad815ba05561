#include "core/time_limit.h"

#include <algorithm>
#include <array>
#include <string>

namespace civicgrid {
namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"urgent_hours", "working_hours", "working_days",
                                                        "natural_days"};
constexpr std::array<std::string_view, 3> kWarningNames = {"none", "yellow", "red"};

// Time in the clock's measure between two instants (0 when to ≤ from).
int64_t Measure(const PhaseClock& clock, const Calendar& calendar, Timestamp from, Timestamp to) {
  if (to <= from) return 0;
  return clock.working ? WorkingSecondsBetween(calendar, from, to) : to - from;
}

// The instant at which `amount` of the clock's measure has elapsed since its start.
Timestamp After(const PhaseClock& clock, const Calendar& calendar, int64_t amount) {
  if (amount <= 0) return clock.start;
  return clock.working ? AddWorkingSeconds(calendar, clock.start, amount) : clock.start + amount;
}

bool Paused(const PhaseClock& clock) { return clock.paused_since != 0; }
bool Stopped(const PhaseClock& clock) { return clock.stopped_at != 0; }

// 80% of the budget, rounded up, so that "used ≥ WarnBudget" ⟺ "used ≥ 0.8 × budget" for whole seconds.
int64_t WarnBudget(int64_t budget) { return budget <= 0 ? 0 : (budget * 4 + 4) / 5; }

}  // namespace

std::string_view TimeLimitKindName(TimeLimitKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : std::string_view("unknown");
}

std::optional<TimeLimitKind> ParseTimeLimitKind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<TimeLimitKind>(i);
  return std::nullopt;
}

bool CountsWorkingTime(TimeLimitKind kind) {
  return kind == TimeLimitKind::kWorkingHours || kind == TimeLimitKind::kWorkingDays;
}

Result<void> ValidateTimeLimit(const TimeLimit& limit, std::string_view field) {
  if (static_cast<size_t>(limit.kind) >= kKindNames.size())
    return Error::InvalidArgument("unknown time limit kind", std::string(field));
  if (limit.amount <= 0 || limit.amount > 1000)
    return Error::InvalidArgument("time limit amount " + std::to_string(limit.amount) + " " +
                                      std::string(TimeLimitKindName(limit.kind)) + " must be between 1 and 1000",
                                  std::string(field));
  return {};
}

int64_t LimitSeconds(const TimeLimit& limit, const Calendar& calendar) {
  switch (limit.kind) {
    case TimeLimitKind::kUrgentHours:
    case TimeLimitKind::kWorkingHours:
      return limit.amount * 3600;
    case TimeLimitKind::kWorkingDays:
      return limit.amount * calendar.WorkingMinutesPerDay() * 60;
    case TimeLimitKind::kNaturalDays:
      return limit.amount * 86400;
  }
  return 0;
}

std::string_view WarningName(Warning warning) { return kWarningNames[static_cast<size_t>(warning)]; }

PhaseClock StartClock(const TimeLimit& limit, const Calendar& calendar, Timestamp at) {
  PhaseClock clock;
  clock.started = true;
  clock.working = CountsWorkingTime(limit.kind);
  clock.start = at;
  clock.budget = LimitSeconds(limit, calendar);
  return clock;
}

void PauseClock(PhaseClock& clock, Timestamp at) {
  if (!clock.started || Paused(clock) || Stopped(clock)) return;
  clock.paused_since = std::max(at, clock.start);
}

void ResumeClock(PhaseClock& clock, const Calendar& calendar, Timestamp at) {
  if (!clock.started || !Paused(clock) || Stopped(clock)) return;
  clock.paused += Measure(clock, calendar, clock.paused_since, at);
  clock.paused_since = 0;
}

void ExtendClock(PhaseClock& clock, int64_t seconds) { clock.budget += seconds; }

void StopClock(PhaseClock& clock, const Calendar& calendar, Timestamp at) {
  if (!clock.started || Stopped(clock)) return;
  if (Paused(clock)) ResumeClock(clock, calendar, at);
  clock.stopped_at = std::max(at, clock.start);
}

int64_t UsedSeconds(const PhaseClock& clock, const Calendar& calendar, Timestamp now) {
  if (!clock.started) return 0;
  Timestamp end = Stopped(clock) ? clock.stopped_at : Paused(clock) ? clock.paused_since : now;
  return std::max<int64_t>(0, Measure(clock, calendar, clock.start, end) - clock.paused);
}

std::optional<Timestamp> DueAt(const PhaseClock& clock, const Calendar& calendar) {
  if (!clock.started || Paused(clock)) return std::nullopt;
  return After(clock, calendar, clock.budget + clock.paused);
}

std::optional<Timestamp> WarnAt(const PhaseClock& clock, const Calendar& calendar) {
  if (!clock.started || Paused(clock)) return std::nullopt;
  return After(clock, calendar, WarnBudget(clock.budget) + clock.paused);
}

Warning WarningAt(const PhaseClock& clock, const Calendar& calendar, Timestamp now) {
  if (!clock.started) return Warning::kNone;
  int64_t used = UsedSeconds(clock, calendar, now);
  if (used >= clock.budget) return Warning::kRed;
  if (used >= WarnBudget(clock.budget)) return Warning::kYellow;
  return Warning::kNone;
}

bool IsOverdue(const PhaseClock& clock, const Calendar& calendar, Timestamp now) {
  if (!clock.started) return false;
  // The instant the phase is judged at: when it ended, when it was suspended (a suspended clock does not
  // run out), or now. It is overdue if that instant comes after the one at which the budget was used up.
  // Counting working time alone is not enough: a case due at 18:00 and resolved at 19:00 has used no more
  // working time than its budget, but it was resolved after its deadline.
  Timestamp at = Stopped(clock) ? clock.stopped_at : Paused(clock) ? clock.paused_since : now;
  return at > After(clock, calendar, clock.budget + clock.paused);
}

}  // namespace civicgrid
