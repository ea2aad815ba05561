#include "core/time_limit.h"
#include "support/case_fixtures.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace civicgrid {
namespace {

using testing::At;
using testing::D;

constexpr int64_t kHour = 3600;
constexpr int64_t kWorkingDay = 8 * kHour;

// An instant as local (UTC+8) "YYYY-MM-DD HH:MM:SS"; "none" for nullopt.
std::string Show(std::optional<Timestamp> t) {
  if (!t) return "none";
  Calendar cn;
  Day day = cn.LocalDay(*t);
  int64_t s = *t + 8 * kHour - int64_t{day} * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return FormatDay(day) + buf;
}

TEST(TimeLimitKind, NamesRoundTrip) {
  for (auto kind : {TimeLimitKind::kUrgentHours, TimeLimitKind::kWorkingHours, TimeLimitKind::kWorkingDays,
                    TimeLimitKind::kNaturalDays})
    EXPECT_EQ(ParseTimeLimitKind(TimeLimitKindName(kind)), kind);
  EXPECT_EQ(TimeLimitKindName(TimeLimitKind::kUrgentHours), "urgent_hours");
  EXPECT_EQ(TimeLimitKindName(TimeLimitKind::kWorkingHours), "working_hours");
  EXPECT_EQ(TimeLimitKindName(TimeLimitKind::kWorkingDays), "working_days");
  EXPECT_EQ(TimeLimitKindName(TimeLimitKind::kNaturalDays), "natural_days");
  EXPECT_EQ(ParseTimeLimitKind("days"), std::nullopt);
  EXPECT_EQ(ParseTimeLimitKind("Working_Days"), std::nullopt);
  EXPECT_EQ(ParseTimeLimitKind(""), std::nullopt);
  EXPECT_FALSE(CountsWorkingTime(TimeLimitKind::kUrgentHours));
  EXPECT_TRUE(CountsWorkingTime(TimeLimitKind::kWorkingHours));
  EXPECT_TRUE(CountsWorkingTime(TimeLimitKind::kWorkingDays));
  EXPECT_FALSE(CountsWorkingTime(TimeLimitKind::kNaturalDays));
  EXPECT_EQ(WarningName(Warning::kNone), "none");
  EXPECT_EQ(WarningName(Warning::kYellow), "yellow");
  EXPECT_EQ(WarningName(Warning::kRed), "red");
}

TEST(TimeLimit, Validate) {
  EXPECT_TRUE(ValidateTimeLimit({TimeLimitKind::kWorkingDays, 1}, "handle_limit").ok());
  EXPECT_TRUE(ValidateTimeLimit({TimeLimitKind::kUrgentHours, 1000}, "handle_limit").ok());
  for (int64_t bad : {0, -1, 1001, 1000000}) {
    auto r = ValidateTimeLimit({TimeLimitKind::kNaturalDays, bad}, "handle_limit");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_argument");
    EXPECT_EQ(r.error().field, "handle_limit");
  }
}

TEST(TimeLimit, LimitSecondsForEveryKind) {
  Calendar standard;
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kUrgentHours, 2}, standard), 7200);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kWorkingHours, 3}, standard), 10800);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kWorkingDays, 5}, standard), 5 * 480 * 60);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kNaturalDays, 3}, standard), 3 * 86400);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kWorkingDays, 1000}, standard), 1000 * 28800);
  // A calendar with longer days changes only the working-day measure.
  Calendar long_days;
  long_days.office_hours = {{9 * 60, 17 * 60 + 30}};  // 510 minutes
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kWorkingDays, 5}, long_days), 5 * 510 * 60);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kWorkingHours, 3}, long_days), 10800);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kUrgentHours, 2}, long_days), 7200);
  EXPECT_EQ(LimitSeconds({TimeLimitKind::kNaturalDays, 3}, long_days), 3 * 86400);
}

TEST(PhaseClock, NotStarted) {
  Calendar cn = NationalCalendar();
  PhaseClock clock;
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-03-10", 9)), 0);
  EXPECT_EQ(DueAt(clock, cn), std::nullopt);
  EXPECT_EQ(WarnAt(clock, cn), std::nullopt);
  EXPECT_EQ(WarningAt(clock, cn, At("2025-03-10", 9)), Warning::kNone);
  EXPECT_FALSE(IsOverdue(clock, cn, At("2030-03-10", 9)));
  PauseClock(clock, At("2025-03-10", 9));
  EXPECT_EQ(clock.paused_since, 0);
  StopClock(clock, cn, At("2025-03-10", 9));
  EXPECT_EQ(clock.stopped_at, 0);
}

// Shandong's hotline rule: handle and reply within 5 working days.
TEST(PhaseClock, FiveWorkingDaysAcrossTheNationalDayHoliday) {
  Calendar cn = NationalCalendar();
  PhaseClock clock = StartClock({TimeLimitKind::kWorkingDays, 5}, cn, At("2025-09-30", 10));
  EXPECT_TRUE(clock.started);
  EXPECT_TRUE(clock.working);
  EXPECT_EQ(clock.budget, 5 * kWorkingDay);
  EXPECT_EQ(clock.paused, 0);
  EXPECT_EQ(clock.paused_since, 0);
  EXPECT_EQ(clock.stopped_at, 0);
  // 9/30 6 h, 10/9 8, 10/10 8, 10/11 (make-up Saturday) 8, 10/13 8, 10/14 2 h.
  EXPECT_EQ(Show(DueAt(clock, cn)), "2025-10-14 10:00:00");
  // 80% = 32 h: 6 + 8 + 8 + 8 = 30 by 10/11 18:00, then 2 h on 10/13.
  EXPECT_EQ(Show(WarnAt(clock, cn)), "2025-10-13 10:00:00");

  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-09-30", 10)), 0);
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-09-30", 9)), 0);  // before the start
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-10-05", 12)), 6 * kHour);
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-10-11", 12)), 6 * kHour + 2 * kWorkingDay + 4 * kHour);

  EXPECT_EQ(WarningAt(clock, cn, At("2025-10-05", 12)), Warning::kNone);
  EXPECT_EQ(WarningAt(clock, cn, *WarnAt(clock, cn) - 1), Warning::kNone);
  EXPECT_EQ(WarningAt(clock, cn, *WarnAt(clock, cn)), Warning::kYellow);
  EXPECT_EQ(WarningAt(clock, cn, At("2025-10-13", 23)), Warning::kYellow);
  EXPECT_EQ(WarningAt(clock, cn, *DueAt(clock, cn) - 1), Warning::kYellow);
  EXPECT_EQ(WarningAt(clock, cn, *DueAt(clock, cn)), Warning::kRed);
  EXPECT_EQ(WarningAt(clock, cn, At("2025-12-01", 9)), Warning::kRed);

  EXPECT_FALSE(IsOverdue(clock, cn, At("2025-10-13", 9)));
  EXPECT_FALSE(IsOverdue(clock, cn, *DueAt(clock, cn)));
  EXPECT_TRUE(IsOverdue(clock, cn, *DueAt(clock, cn) + 1));
  EXPECT_EQ(UsedSeconds(clock, cn, *DueAt(clock, cn) + 1), clock.budget + 1);
}

TEST(PhaseClock, PauseResumeExtendStop) {
  Calendar cn = NationalCalendar();
  PhaseClock clock = StartClock({TimeLimitKind::kWorkingDays, 5}, cn, At("2025-09-30", 10));

  // Suspended from 10/9 10:00 to 10/10 10:00: one working day does not count.
  PauseClock(clock, At("2025-10-09", 10));
  EXPECT_EQ(clock.paused_since, At("2025-10-09", 10));
  EXPECT_EQ(DueAt(clock, cn), std::nullopt);
  EXPECT_EQ(WarnAt(clock, cn), std::nullopt);
  // While paused, the used time is frozen at the pause: 6 h + 2 h.
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-10-09", 17)), 8 * kHour);
  EXPECT_EQ(UsedSeconds(clock, cn, At("2026-01-01", 9)), 8 * kHour);
  EXPECT_EQ(WarningAt(clock, cn, At("2026-01-01", 9)), Warning::kNone);
  EXPECT_FALSE(IsOverdue(clock, cn, At("2026-01-01", 9)));  // a suspended clock does not run out
  PauseClock(clock, At("2025-10-09", 15));                 // already paused: no effect
  EXPECT_EQ(clock.paused_since, At("2025-10-09", 10));

  ResumeClock(clock, cn, At("2025-10-10", 10));
  EXPECT_EQ(clock.paused_since, 0);
  EXPECT_EQ(clock.paused, kWorkingDay);
  ResumeClock(clock, cn, At("2025-10-11", 10));  // not paused: no effect
  EXPECT_EQ(clock.paused, kWorkingDay);
  EXPECT_EQ(Show(DueAt(clock, cn)), "2025-10-15 10:00:00");
  EXPECT_EQ(Show(WarnAt(clock, cn)), "2025-10-14 10:00:00");
  EXPECT_EQ(UsedSeconds(clock, cn, At("2025-10-10", 12)), 8 * kHour + 2 * kHour);

  // A pause that spans only non-working time adds nothing.
  PauseClock(clock, At("2025-10-11", 19));
  ResumeClock(clock, cn, At("2025-10-13", 7));
  EXPECT_EQ(clock.paused, kWorkingDay);
  EXPECT_EQ(Show(DueAt(clock, cn)), "2025-10-15 10:00:00");

  // An extension of 10 working days (the most Shandong allows): the budget becomes 15 days.
  ExtendClock(clock, LimitSeconds({TimeLimitKind::kWorkingDays, 10}, cn));
  EXPECT_EQ(clock.budget, 15 * kWorkingDay);
  // From 10/15 10:00, ten more working days: 10/16, 17, 20, 21, 22, 23, 24, 27, 28, 29 → 10/29 10:00.
  EXPECT_EQ(Show(DueAt(clock, cn)), "2025-10-29 10:00:00");
  // 80% of 15 days = 12 days = 96 h, plus the paused day: 13 working days after the start → 10/24 10:00.
  EXPECT_EQ(Show(WarnAt(clock, cn)), "2025-10-24 10:00:00");
  EXPECT_EQ(WarningAt(clock, cn, At("2025-10-20", 10)), Warning::kNone);
  EXPECT_EQ(WarningAt(clock, cn, At("2025-10-24", 10)), Warning::kYellow);

  // Resolved on 10/27 at 16:00: used time frozen from then on, not overdue, level stays yellow.
  StopClock(clock, cn, At("2025-10-27", 16));
  EXPECT_EQ(clock.stopped_at, At("2025-10-27", 16));
  int64_t used = UsedSeconds(clock, cn, At("2025-10-27", 16));
  EXPECT_EQ(used, WorkingSecondsBetween(cn, At("2025-09-30", 10), At("2025-10-27", 16)) - kWorkingDay);
  EXPECT_EQ(UsedSeconds(clock, cn, At("2026-06-01", 9)), used);
  EXPECT_EQ(WarningAt(clock, cn, At("2026-06-01", 9)), Warning::kYellow);
  EXPECT_FALSE(IsOverdue(clock, cn, At("2026-06-01", 9)));
  EXPECT_EQ(Show(DueAt(clock, cn)), "2025-10-29 10:00:00");  // a stopped clock still reports its deadline
  // Stopping again or pausing a stopped clock does nothing.
  StopClock(clock, cn, At("2025-11-27", 16));
  PauseClock(clock, At("2025-11-27", 16));
  EXPECT_EQ(clock.stopped_at, At("2025-10-27", 16));
  EXPECT_EQ(clock.paused_since, 0);
}

TEST(PhaseClock, StoppingAPausedClockResumesItFirst) {
  Calendar c;  // Monday–Friday
  PhaseClock clock = StartClock({TimeLimitKind::kWorkingHours, 4}, c, At("2025-03-10", 9));  // Monday
  PauseClock(clock, At("2025-03-10", 10));
  StopClock(clock, c, At("2025-03-10", 16));
  EXPECT_EQ(clock.paused_since, 0);
  EXPECT_EQ(clock.paused, 2 * kHour + 2 * kHour);  // 10–12 and 14–16
  EXPECT_EQ(clock.stopped_at, At("2025-03-10", 16));
  EXPECT_EQ(UsedSeconds(clock, c, At("2025-03-12", 16)), kHour);
  EXPECT_EQ(WarningAt(clock, c, At("2025-03-12", 16)), Warning::kNone);
  EXPECT_FALSE(IsOverdue(clock, c, At("2025-03-12", 16)));
}

TEST(PhaseClock, OverdueMeansEndedAfterTheDeadline) {
  Calendar c;
  // 1 working day from Monday 08:00 is due Monday 18:00.
  PhaseClock clock = StartClock({TimeLimitKind::kWorkingDays, 1}, c, At("2025-03-10", 8));
  EXPECT_EQ(Show(DueAt(clock, c)), "2025-03-10 18:00:00");
  EXPECT_EQ(Show(WarnAt(clock, c)), "2025-03-10 16:24:00");  // 6.4 h of 8
  // In the evening no more working time is used, but the deadline has passed.
  EXPECT_EQ(UsedSeconds(clock, c, At("2025-03-10", 19)), clock.budget);
  EXPECT_EQ(WarningAt(clock, c, At("2025-03-10", 19)), Warning::kRed);
  EXPECT_TRUE(IsOverdue(clock, c, At("2025-03-10", 19)));

  PhaseClock on_time = clock;
  StopClock(on_time, c, At("2025-03-10", 18));
  EXPECT_FALSE(IsOverdue(on_time, c, At("2025-03-20", 9)));
  EXPECT_EQ(WarningAt(on_time, c, At("2025-03-20", 9)), Warning::kRed);  // used up, but in time

  PhaseClock late = clock;
  StopClock(late, c, At("2025-03-10", 19));
  EXPECT_TRUE(IsOverdue(late, c, At("2025-03-20", 9)));

  PhaseClock early = clock;
  StopClock(early, c, At("2025-03-10", 15));
  EXPECT_FALSE(IsOverdue(early, c, At("2025-03-20", 9)));
  EXPECT_EQ(WarningAt(early, c, At("2025-03-20", 9)), Warning::kNone);

  // Suspended after the deadline had passed: overdue stays true.
  PhaseClock suspended_late = clock;
  PauseClock(suspended_late, At("2025-03-11", 9));
  EXPECT_TRUE(IsOverdue(suspended_late, c, At("2025-03-20", 9)));
}

TEST(PhaseClock, NaturalTimeClocksIgnoreTheCalendar) {
  Calendar cn = NationalCalendar();
  // Urgent: 2 hours from 23:00 on a holiday Saturday (2025-10-04) runs through the night.
  PhaseClock urgent = StartClock({TimeLimitKind::kUrgentHours, 2}, cn, At("2025-10-04", 23));
  EXPECT_FALSE(urgent.working);
  EXPECT_EQ(urgent.budget, 2 * kHour);
  EXPECT_EQ(Show(DueAt(urgent, cn)), "2025-10-05 01:00:00");
  EXPECT_EQ(Show(WarnAt(urgent, cn)), "2025-10-05 00:36:00");
  EXPECT_EQ(UsedSeconds(urgent, cn, At("2025-10-05", 0)), kHour);
  EXPECT_EQ(WarningAt(urgent, cn, At("2025-10-05", 0, 35)), Warning::kNone);
  EXPECT_EQ(WarningAt(urgent, cn, At("2025-10-05", 0, 36)), Warning::kYellow);
  EXPECT_EQ(WarningAt(urgent, cn, At("2025-10-05", 1)), Warning::kRed);
  EXPECT_FALSE(IsOverdue(urgent, cn, At("2025-10-05", 1)));
  EXPECT_TRUE(IsOverdue(urgent, cn, At("2025-10-05", 1) + 1));
  // The same clock on a calendar with no working time at all gives the same answers.
  Calendar closed;
  closed.office_hours.clear();
  EXPECT_EQ(DueAt(urgent, closed), DueAt(urgent, cn));
  EXPECT_EQ(UsedSeconds(urgent, closed, At("2025-10-05", 0)), kHour);

  // Natural days: 3 days from the start, paused 10 hours overnight.
  PhaseClock days = StartClock({TimeLimitKind::kNaturalDays, 3}, cn, At("2025-09-30", 10));
  EXPECT_EQ(Show(DueAt(days, cn)), "2025-10-03 10:00:00");
  PauseClock(days, At("2025-10-01", 20));
  EXPECT_EQ(UsedSeconds(days, cn, At("2025-10-02", 6)), 34 * kHour);
  ResumeClock(days, cn, At("2025-10-02", 6));
  EXPECT_EQ(days.paused, 10 * kHour);
  EXPECT_EQ(Show(DueAt(days, cn)), "2025-10-03 20:00:00");
  ExtendClock(days, 86400);
  EXPECT_EQ(Show(DueAt(days, cn)), "2025-10-04 20:00:00");
  // 80% of 4 days = 76.8 h after the start, plus 10 h paused.
  EXPECT_EQ(Show(WarnAt(days, cn)), "2025-10-04 00:48:00");
}

TEST(PhaseClock, ChangedCalendarMovesTheDeadline) {
  // The 2020 Spring Festival as first published (国办发明电〔2019〕16号), then as extended
  // (国办发明电〔2020〕1号): 1/31 and 2/1 (a make-up Saturday) become off days.
  Calendar before;
  for (Day d = D("2020-01-24"); d <= D("2020-01-30"); ++d) before.overrides[d] = {d, false, "春节"};
  before.overrides[D("2020-01-19")] = {D("2020-01-19"), true, "春节调休上班"};
  before.overrides[D("2020-02-01")] = {D("2020-02-01"), true, "春节调休上班"};
  Calendar after = before;
  for (Day d = D("2020-01-31"); d <= D("2020-02-02"); ++d) after.overrides[d] = {d, false, "春节延长"};

  PhaseClock clock = StartClock({TimeLimitKind::kWorkingDays, 5}, before, At("2020-01-23", 10));
  EXPECT_EQ(Show(DueAt(clock, before)), "2020-02-05 10:00:00");
  EXPECT_EQ(Show(DueAt(clock, after)), "2020-02-07 10:00:00");
  // On 2/6 at 09:00 the case is overdue under the first schedule, not under the revised one.
  EXPECT_TRUE(IsOverdue(clock, before, At("2020-02-06", 9)));
  EXPECT_FALSE(IsOverdue(clock, after, At("2020-02-06", 9)));
  EXPECT_EQ(WarningAt(clock, before, At("2020-02-06", 9)), Warning::kRed);
  // Revised: 6 + 8 + 8 + 8 + 1 = 31 h used at 09:00, 32 h (80%) at 10:00.
  EXPECT_EQ(WarningAt(clock, after, At("2020-02-06", 9)), Warning::kNone);
  EXPECT_EQ(WarningAt(clock, after, At("2020-02-06", 10)), Warning::kYellow);
}

}  // namespace
}  // namespace civicgrid
