#include "core/calendar.h"
#include "support/case_fixtures.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace civicgrid {
namespace {

using testing::At;
using testing::D;

constexpr int64_t kHour = 3600;
constexpr int64_t kWorkingDay = 8 * kHour;  // default office hours

// An instant as local (UTC+8) "YYYY-MM-DD HH:MM:SS", for readable expectations.
std::string Show(Timestamp t) {
  Calendar cn;
  Day day = cn.LocalDay(t);
  int64_t s = t + 8 * kHour - int64_t{day} * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return FormatDay(day) + buf;
}

void SetDays(Calendar& calendar, std::string_view first, std::string_view last, bool working,
             const std::string& note) {
  for (Day d = D(first); d <= D(last); ++d) calendar.overrides[d] = CalendarOverride{d, working, note};
}

// The 2020 schedule as first published (国办发明电〔2019〕16号).
Calendar Calendar2020() {
  Calendar c;
  c.id = "cn-2020";
  c.name = "2020年全国法定节假日";
  const std::string n = "（国办发明电〔2019〕16号）";
  SetDays(c, "2020-01-01", "2020-01-01", false, "元旦" + n);
  SetDays(c, "2020-01-24", "2020-01-30", false, "春节" + n);
  SetDays(c, "2020-01-19", "2020-01-19", true, "春节调休上班" + n);
  SetDays(c, "2020-02-01", "2020-02-01", true, "春节调休上班" + n);
  SetDays(c, "2020-04-04", "2020-04-06", false, "清明节" + n);
  SetDays(c, "2020-05-01", "2020-05-05", false, "劳动节" + n);
  SetDays(c, "2020-04-26", "2020-04-26", true, "劳动节调休上班" + n);
  SetDays(c, "2020-05-09", "2020-05-09", true, "劳动节调休上班" + n);
  SetDays(c, "2020-06-25", "2020-06-27", false, "端午节" + n);
  SetDays(c, "2020-06-28", "2020-06-28", true, "端午节调休上班" + n);
  SetDays(c, "2020-10-01", "2020-10-08", false, "国庆节、中秋节" + n);
  SetDays(c, "2020-09-27", "2020-09-27", true, "国庆节、中秋节调休上班" + n);
  SetDays(c, "2020-10-10", "2020-10-10", true, "国庆节、中秋节调休上班" + n);
  return c;
}

// The same schedule after 国办发明电〔2020〕1号 extended the Spring Festival to 2 February.
Calendar Calendar2020Revised() {
  Calendar c = Calendar2020();
  SetDays(c, "2020-01-31", "2020-02-02", false, "春节假期延长（国办发明电〔2020〕1号）");
  return c;
}

// Working days in [first, last] (both inclusive), via working seconds.
int64_t WorkingDaysIn(const Calendar& c, std::string_view first, std::string_view last) {
  int64_t seconds = WorkingSecondsBetween(c, At(first, 0), At(last, 24));
  EXPECT_EQ(seconds % kWorkingDay, 0);
  return seconds / kWorkingDay;
}

// An independent, slow reference: working minutes in [from, to), stepping minute by minute (instants on
// whole minutes only).
int64_t SlowWorkingSeconds(const Calendar& c, Timestamp from, Timestamp to) {
  int64_t total = 0;
  for (Timestamp t = from; t < to; t += 60) {
    Day day = c.LocalDay(t);
    int64_t minute = (t + c.utc_offset_minutes * 60 - int64_t{day} * 86400) / 60;
    if (!c.IsWorkingDay(day)) continue;
    for (const auto& iv : c.office_hours)
      if (minute >= iv.start_minute && minute < iv.end_minute) total += 60;
  }
  return total;
}

// A deterministic pseudo-random sequence (so failures reproduce).
struct Lcg {
  uint64_t state;
  uint64_t Next(uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  }
};

TEST(CalendarDays, ParseFormatAndWeekday) {
  EXPECT_EQ(D("1970-01-01"), 0);
  EXPECT_EQ(WeekdayOf(0), 3);  // Thursday
  EXPECT_EQ(D("1969-12-31"), -1);
  EXPECT_EQ(WeekdayOf(-1), 2);  // Wednesday
  EXPECT_EQ(D("2000-02-29"), 10957 + 31 + 28);
  EXPECT_EQ(D("2026-02-14"), 56 * 365 + 14 + 31 + 13);  // 14 leap days 1972…2024
  EXPECT_EQ(WeekdayOf(D("2026-02-14")), 5);             // Saturday
  EXPECT_EQ(WeekdayOf(D("2025-01-01")), 2);             // Wednesday
  EXPECT_EQ(WeekdayOf(D("2025-10-11")), 5);             // Saturday
  EXPECT_EQ(WeekdayOf(D("2020-01-19")), 6);             // Sunday
  EXPECT_EQ(FormatDay(0), "1970-01-01");
  EXPECT_EQ(FormatDay(-1), "1969-12-31");
  EXPECT_EQ(FormatDay(D("2024-02-29")), "2024-02-29");
  for (Day d = D("1999-12-25"); d < D("2031-01-10"); ++d) {
    ASSERT_EQ(D(FormatDay(d)), d);
    ASSERT_EQ(WeekdayOf(d + 7), WeekdayOf(d));
    ASSERT_EQ(WeekdayOf(d + 1), (WeekdayOf(d) + 1) % 7);
  }
}

TEST(CalendarDays, ParseRejectsAnythingButAValidIsoDate) {
  for (std::string_view bad : {"", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00",
                               "2025-1-01", "2025-01-1", "2025/01/01", "2025-01-01 ", " 2025-01-01",
                               "20250101", "abcd-ef-gh", "+025-01-01", "2025-01-0a", "2025-01-01T00"}) {
    auto day = ParseDay(bad, "due_day");
    ASSERT_FALSE(day.ok()) << bad;
    EXPECT_EQ(day.error().code, "invalid_argument");
    EXPECT_EQ(day.error().field, "due_day");
  }
  EXPECT_EQ(ParseDay("2025-02-29").error().field, "date");
  EXPECT_TRUE(ParseDay("2024-02-29").ok());
}

TEST(Calendar, DefaultsLocalDayAndOverrides) {
  Calendar c;
  EXPECT_EQ(c.WorkingMinutesPerDay(), 480);
  // 2025-01-01T15:59:59Z is 23:59:59 in Beijing; one second later it is the next day.
  Timestamp utc_midnight = int64_t{D("2025-01-01")} * 86400;
  EXPECT_EQ(c.LocalDay(utc_midnight + 16 * kHour - 1), D("2025-01-01"));
  EXPECT_EQ(c.LocalDay(utc_midnight + 16 * kHour), D("2025-01-02"));
  EXPECT_EQ(c.LocalDay(utc_midnight - 8 * kHour), D("2025-01-01"));
  EXPECT_EQ(c.LocalDay(utc_midnight - 8 * kHour - 1), D("2024-12-31"));
  EXPECT_EQ(c.LocalDay(-8 * kHour - 1), -1);

  EXPECT_TRUE(c.IsWorkingDay(D("2025-03-07")));   // Friday
  EXPECT_FALSE(c.IsWorkingDay(D("2025-03-08")));  // Saturday
  c.overrides[D("2025-03-08")] = {D("2025-03-08"), true, "make-up"};
  c.overrides[D("2025-03-07")] = {D("2025-03-07"), false, "off"};
  EXPECT_FALSE(c.IsWorkingDay(D("2025-03-07")));
  EXPECT_TRUE(c.IsWorkingDay(D("2025-03-08")));

  Calendar west;
  west.utc_offset_minutes = -300;
  EXPECT_EQ(west.LocalDay(utc_midnight + 5 * kHour - 1), D("2024-12-31"));
  EXPECT_EQ(west.LocalDay(utc_midnight + 5 * kHour), D("2025-01-01"));
}

TEST(Calendar, ValidateNamesTheField) {
  Calendar good;
  good.id = "x";
  good.name = "X";
  EXPECT_TRUE(ValidateCalendar(good).ok());

  auto field_of = [](const Calendar& c) {
    auto r = ValidateCalendar(c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string("<ok>") : r.error().field;
  };
  Calendar c = good;
  c.id = "";
  EXPECT_EQ(field_of(c), "id");
  c = good;
  c.name = "";
  EXPECT_EQ(field_of(c), "name");
  c = good;
  c.utc_offset_minutes = 14 * 60 + 1;
  EXPECT_EQ(field_of(c), "utc_offset_minutes");
  c.utc_offset_minutes = -14 * 60 - 1;
  EXPECT_EQ(field_of(c), "utc_offset_minutes");
  c.utc_offset_minutes = -14 * 60;
  EXPECT_TRUE(ValidateCalendar(c).ok());
  c = good;
  c.office_hours.clear();
  EXPECT_EQ(field_of(c), "office_hours");
  c.office_hours = {{-1, 60}};
  EXPECT_EQ(field_of(c), "office_hours");
  c.office_hours = {{0, 1441}};
  EXPECT_EQ(field_of(c), "office_hours");
  c.office_hours = {{600, 600}};
  EXPECT_EQ(field_of(c), "office_hours");
  c.office_hours = {{14 * 60, 18 * 60}, {8 * 60, 12 * 60}};  // not ascending
  EXPECT_EQ(field_of(c), "office_hours");
  c.office_hours = {{8 * 60, 12 * 60}, {11 * 60, 18 * 60}};  // overlapping
  EXPECT_EQ(field_of(c), "office_hours");
  EXPECT_NE(ValidateCalendar(c).error().message.find("interval 2"), std::string::npos);
  c.office_hours = {{8 * 60, 12 * 60}, {12 * 60, 18 * 60}};  // touching is fine
  EXPECT_TRUE(ValidateCalendar(c).ok());
  c.office_hours = {{0, 1440}};
  EXPECT_TRUE(ValidateCalendar(c).ok());
  c = good;
  c.working_weekdays.fill(false);
  EXPECT_EQ(field_of(c), "working_weekdays");
}

TEST(WorkingTime, DeadlineSkipsAWeekend) {
  Calendar c;  // Monday–Friday, no holidays
  // Friday 16:00 + 1 working day: 2 h on Friday, then Monday 08–12 and 14–16.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-07", 16), kWorkingDay)), "2025-03-10 16:00:00");
  // Friday 17:30 + 1 h: 30 min on Friday, 30 min on Monday.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-07", 17, 30), kHour)), "2025-03-10 08:30:00");
  // Exactly the rest of Friday ends at 18:00 on Friday, not on Monday morning.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-07", 16), 2 * kHour)), "2025-03-07 18:00:00");
  // One week of working days from Monday 08:00 ends on Friday 18:00.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 8), 5 * kWorkingDay)), "2025-03-14 18:00:00");
  EXPECT_EQ(WorkingSecondsBetween(c, At("2025-03-07", 16), At("2025-03-10", 16)), kWorkingDay);
}

TEST(WorkingTime, DeadlineSkipsAPublicHolidayAndCountsTheMakeUpSaturday) {
  Calendar cn = NationalCalendar();
  Timestamp start = At("2025-09-30", 10);  // Tuesday, the day before 国庆节、中秋节 (10/1–10/8 off)
  // 9/30: 10–12, 14–18 = 6 h; then 10/9 (Thu), 10/10 (Fri), 10/11 (Sat, 调休上班), 10/13 (Mon), 10/14.
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 6 * kHour)), "2025-09-30 18:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 6 * kHour + 1)), "2025-10-09 08:00:01");
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 1 * kWorkingDay)), "2025-10-09 10:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 2 * kWorkingDay)), "2025-10-10 10:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 3 * kWorkingDay)), "2025-10-11 10:00:00");  // the make-up Saturday
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 4 * kWorkingDay)), "2025-10-13 10:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(cn, start, 5 * kWorkingDay)), "2025-10-14 10:00:00");
  // Without the make-up Saturday the same limit would end a day later.
  Calendar no_makeup = cn;
  no_makeup.overrides.erase(D("2025-10-11"));
  EXPECT_EQ(Show(AddWorkingSeconds(no_makeup, start, 5 * kWorkingDay)), "2025-10-15 10:00:00");
}

TEST(WorkingTime, StartOutsideOfficeHours) {
  Calendar c;
  // Evening: counting starts the next morning.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 20), kHour)), "2025-03-11 09:00:00");
  // Before office hours.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 6), 30 * 60)), "2025-03-10 08:30:00");
  // Lunch break: counting starts at 14:00.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 12, 30), kHour)), "2025-03-10 15:00:00");
  // Exactly at 12:00 the morning is over.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 12), 1)), "2025-03-10 14:00:01");
  // Weekend: the budget of half a day is used up at Monday noon.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-08", 10), 4 * kHour)), "2025-03-10 12:00:00");
  // Late Friday evening, a whole working day: Monday 18:00.
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-07", 23, 59), kWorkingDay)), "2025-03-10 18:00:00");
  // Zero answers the start itself, even outside office hours; so does a negative amount.
  EXPECT_EQ(AddWorkingSeconds(c, At("2025-03-08", 10), 0), At("2025-03-08", 10));
  EXPECT_EQ(AddWorkingSeconds(c, At("2025-03-10", 9), -5), At("2025-03-10", 9));
  // Midnight boundaries in local time (16:00 UTC).
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-10", 0), 1)), "2025-03-10 08:00:01");
  EXPECT_EQ(Show(AddWorkingSeconds(c, At("2025-03-09", 24), 1)), "2025-03-10 08:00:01");
}

TEST(WorkingTime, SecondsBetweenAcrossHolidays) {
  Calendar cn = NationalCalendar();
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-09-30", 10), At("2025-10-14", 10)), 5 * kWorkingDay);
  // The whole 国庆节 holiday contributes nothing.
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-10-01", 0), At("2025-10-09", 0)), 0);
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-09-30", 17), At("2025-10-09", 9)), 2 * kHour);
  // Friday 17:00 → Sunday 09:00, 2025-09-28 being a make-up Sunday: 1 h + 1 h.
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-09-26", 17), At("2025-09-28", 9)), 2 * kHour);
  // 春节 2025: 1/27 (Mon) 17:00 → 2/5 (Wed) 09:00: 1 h + 1 h; 2/1–2/4 are off.
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-01-27", 17), At("2025-02-05", 9)), 2 * kHour);
  // Same day, across lunch: 09:00–12:00 and 14:00–15:30.
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-03-10", 9), At("2025-03-10", 15, 30)), 4 * kHour + 30 * 60);
  // Within the lunch break, and empty or reversed ranges.
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-03-10", 12, 10), At("2025-03-10", 13, 50)), 0);
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-03-10", 9), At("2025-03-10", 9)), 0);
  EXPECT_EQ(WorkingSecondsBetween(cn, At("2025-03-11", 9), At("2025-03-10", 9)), 0);
  // October 2025: 23 weekdays, 6 of them off (10/1–3, 10/6–8), plus the make-up Saturday 10/11.
  EXPECT_EQ(WorkingDaysIn(cn, "2025-10-01", "2025-10-31"), 18);
}

TEST(Calendar2020, FirstScheduleAndMidYearRevision) {
  Calendar original = Calendar2020();
  Calendar revised = Calendar2020Revised();
  ASSERT_TRUE(ValidateCalendar(original).ok());
  ASSERT_TRUE(ValidateCalendar(revised).ok());

  // The make-up days of 2020 fall on weekends and are working days.
  for (std::string_view day : {"2020-01-19", "2020-02-01", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27",
                               "2020-10-10"}) {
    EXPECT_GE(WeekdayOf(D(day)), 5) << day;
    EXPECT_TRUE(original.IsWorkingDay(D(day))) << day;
  }
  EXPECT_FALSE(original.IsWorkingDay(D("2020-01-24")));
  EXPECT_TRUE(original.IsWorkingDay(D("2020-01-31")));  // Friday after the first holiday
  EXPECT_FALSE(original.IsWorkingDay(D("2020-06-26")));
  // The revision: 1/31 (Fri) and 2/1 (Sat, formerly a make-up day) are off; 2/3 (Mon) works.
  EXPECT_FALSE(revised.IsWorkingDay(D("2020-01-31")));
  EXPECT_FALSE(revised.IsWorkingDay(D("2020-02-01")));
  EXPECT_FALSE(revised.IsWorkingDay(D("2020-02-02")));
  EXPECT_TRUE(revised.IsWorkingDay(D("2020-02-03")));
  EXPECT_NE(revised.overrides.at(D("2020-02-01")).note.find("国办发明电〔2020〕1号"), std::string::npos);

  // 2020: 262 weekdays, 18 of them off, 7 make-up days → 251; the revision removes 1/31 and 2/1 → 249.
  EXPECT_EQ(WorkingDaysIn(original, "2020-01-01", "2020-12-31"), 251);
  EXPECT_EQ(WorkingDaysIn(revised, "2020-01-01", "2020-12-31"), 249);

  // 5 working days from Thursday 2020-01-23 10:00 (the eve of the holiday).
  // Original: 1/23 6 h, 1/31 8, 2/1 8, 2/3 8, 2/4 8, 2/5 2 h → 2/5 10:00.
  // Revised:  1/23 6 h, 2/3 8, 2/4 8, 2/5 8, 2/6 8, 2/7 2 h → 2/7 10:00.
  Timestamp start = At("2020-01-23", 10);
  EXPECT_EQ(Show(AddWorkingSeconds(original, start, 5 * kWorkingDay)), "2020-02-05 10:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(revised, start, 5 * kWorkingDay)), "2020-02-07 10:00:00");
  // Working time already spent by 2020-02-03 12:00 differs too: 6+8+8+4 h before, 6+4 h after.
  EXPECT_EQ(WorkingSecondsBetween(original, start, At("2020-02-03", 12)), 26 * kHour);
  EXPECT_EQ(WorkingSecondsBetween(revised, start, At("2020-02-03", 12)), 10 * kHour);
  // Unaffected by the revision: 端午节 make-up Sunday 6/28. Wednesday 6/24 14:00 + 1 day → Sunday 12:00.
  EXPECT_EQ(Show(AddWorkingSeconds(original, At("2020-06-24", 14), kWorkingDay)), "2020-06-28 12:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(revised, At("2020-06-24", 14), kWorkingDay)), "2020-06-28 12:00:00");
}

TEST(NationalCalendar, IdentityAndNotes) {
  Calendar cn = NationalCalendar();
  EXPECT_TRUE(ValidateCalendar(cn).ok());
  EXPECT_EQ(cn.id, "cn-national");
  EXPECT_EQ(cn.name, "全国法定节假日");
  EXPECT_EQ(cn.utc_offset_minutes, 480);
  EXPECT_EQ(cn.WorkingMinutesPerDay(), 480);
  // 2025: 28 holiday days + 5 make-up days; 2026: 33 + 6.
  EXPECT_EQ(cn.overrides.size(), 33u + 39u);
  for (const auto& [day, o] : cn.overrides) {
    EXPECT_EQ(o.day, day);
    bool y2025 = FormatDay(day).starts_with("2025");
    EXPECT_NE(o.note.find(y2025 ? "国办发明电〔2024〕12号" : "国办发明电〔2025〕7号"), std::string::npos) << o.note;
    EXPECT_EQ(o.note.find("调休上班") != std::string::npos, o.working) << o.note;
    // Make-up days are weekend days; every listed weekday is an off day.
    if (o.working) {
      EXPECT_GE(WeekdayOf(day), 5) << FormatDay(day);
    }
  }
  EXPECT_EQ(cn.overrides.at(D("2025-01-28")).note, "春节（国办发明电〔2024〕12号）");
  EXPECT_EQ(cn.overrides.at(D("2025-01-26")).note, "春节调休上班（国办发明电〔2024〕12号）");
  EXPECT_EQ(cn.overrides.at(D("2026-09-20")).note, "国庆节调休上班（国办发明电〔2025〕7号）");
}

TEST(NationalCalendar, Spot2025) {
  Calendar cn = NationalCalendar();
  for (std::string_view off : {"2025-01-01", "2025-01-28", "2025-01-31", "2025-02-03", "2025-02-04", "2025-04-04",
                               "2025-05-01", "2025-05-02", "2025-05-05", "2025-06-02", "2025-10-01", "2025-10-03",
                               "2025-10-06", "2025-10-08"})
    EXPECT_FALSE(cn.IsWorkingDay(D(off))) << off;
  for (std::string_view on : {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",  // make-up
                              "2025-01-02", "2025-01-27", "2025-02-05", "2025-04-07", "2025-05-06", "2025-06-03",
                              "2025-09-30", "2025-10-09"})
    EXPECT_TRUE(cn.IsWorkingDay(D(on))) << on;
  EXPECT_FALSE(cn.IsWorkingDay(D("2025-03-08")));  // an ordinary Saturday
  EXPECT_EQ(WeekdayOf(D("2025-01-26")), 6);         // Sunday
  EXPECT_EQ(WeekdayOf(D("2025-04-27")), 6);
  EXPECT_EQ(WeekdayOf(D("2025-09-28")), 6);
  // 261 weekdays; off on weekdays: 元旦 1, 春节 6, 清明 1, 劳动 3, 端午 1, 国庆中秋 6 = 18; 5 make-up → 248.
  EXPECT_EQ(WorkingDaysIn(cn, "2025-01-01", "2025-12-31"), 248);
}

TEST(NationalCalendar, Spot2026) {
  Calendar cn = NationalCalendar();
  for (std::string_view off : {"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06",
                               "2026-05-04", "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-05",
                               "2026-10-07"})
    EXPECT_FALSE(cn.IsWorkingDay(D(off))) << off;
  for (std::string_view on : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
                              "2026-01-05", "2026-02-13", "2026-02-24", "2026-04-07", "2026-05-06", "2026-06-22",
                              "2026-09-28", "2026-10-08"})
    EXPECT_TRUE(cn.IsWorkingDay(D(on))) << on;
  EXPECT_EQ(WeekdayOf(D("2026-01-04")), 6);  // a make-up Sunday
  EXPECT_EQ(WeekdayOf(D("2026-09-20")), 6);
  EXPECT_EQ(WeekdayOf(D("2026-02-23")), 0);  // Monday, off
  EXPECT_FALSE(cn.IsWorkingDay(D("2026-03-07")));  // an ordinary Saturday
  // 261 weekdays; off on weekdays: 元旦 2, 春节 6, 清明 1, 劳动 3, 端午 1, 中秋 1, 国庆 5 = 19; 6 make-up → 248.
  EXPECT_EQ(WorkingDaysIn(cn, "2026-01-01", "2026-12-31"), 248);
  // Across the 2026 Spring Festival: Friday 2/13 17–18 (1 h), then the make-up Saturday 2/14 08–10 (2 h).
  EXPECT_EQ(Show(AddWorkingSeconds(cn, At("2026-02-13", 17), 3 * kHour)), "2026-02-14 10:00:00");
  // 2/14 18:00 + 1 h: 2/15–2/23 off → Tuesday 2/24 09:00.
  EXPECT_EQ(Show(AddWorkingSeconds(cn, At("2026-02-14", 18), kHour)), "2026-02-24 09:00:00");
}

TEST(WorkingTime, CustomOfficeHours) {
  Calendar always;  // a 24-hour, 7-day calendar in UTC
  always.utc_offset_minutes = 0;
  always.working_weekdays.fill(true);
  always.office_hours = {{0, 24 * 60}};
  EXPECT_EQ(always.WorkingMinutesPerDay(), 1440);
  Lcg rng{7};
  for (int i = 0; i < 200; ++i) {
    Timestamp start = 1735689600 + static_cast<int64_t>(rng.Next(400 * 86400));
    int64_t seconds = static_cast<int64_t>(rng.Next(30 * 86400));
    EXPECT_EQ(AddWorkingSeconds(always, start, seconds), start + seconds);
    EXPECT_EQ(WorkingSecondsBetween(always, start, start + seconds), seconds);
  }
  // With one day off the 24-hour calendar skips it entirely.
  always.overrides[D("2025-01-02")] = {D("2025-01-02"), false, "off"};
  Timestamp jan1 = int64_t{D("2025-01-01")} * 86400;
  EXPECT_EQ(AddWorkingSeconds(always, jan1 + 12 * kHour, 24 * kHour), jan1 + 2 * 86400 + 12 * kHour);
  EXPECT_EQ(WorkingSecondsBetween(always, jan1, jan1 + 3 * 86400), 2 * 86400);

  // 09:00–17:30 Monday to Saturday (510 minutes a day).
  Calendar six;
  six.office_hours = {{9 * 60, 17 * 60 + 30}};
  six.working_weekdays = {true, true, true, true, true, true, false};
  EXPECT_EQ(six.WorkingMinutesPerDay(), 510);
  EXPECT_EQ(Show(AddWorkingSeconds(six, At("2025-03-08", 17), kHour)), "2025-03-10 09:30:00");  // Sat → Mon
  EXPECT_EQ(Show(AddWorkingSeconds(six, At("2025-03-10", 9), 6 * 510 * 60)), "2025-03-15 17:30:00");
  EXPECT_EQ(WorkingSecondsBetween(six, At("2025-03-10", 0), At("2025-03-17", 0)), 6 * 510 * 60);

  // Three stretches a day.
  Calendar shifts;
  shifts.office_hours = {{6 * 60, 8 * 60}, {12 * 60, 13 * 60}, {20 * 60, 22 * 60}};
  EXPECT_EQ(shifts.WorkingMinutesPerDay(), 300);
  EXPECT_EQ(Show(AddWorkingSeconds(shifts, At("2025-03-10", 7), 2 * kHour)), "2025-03-10 13:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(shifts, At("2025-03-10", 7), 4 * kHour)), "2025-03-10 22:00:00");
  EXPECT_EQ(Show(AddWorkingSeconds(shifts, At("2025-03-10", 7), 4 * kHour + 60)), "2025-03-11 06:01:00");

  // Another offset: UTC−5 with default hours; 08:00 local is 13:00 UTC.
  Calendar west;
  west.utc_offset_minutes = -300;
  Timestamp monday_utc = int64_t{D("2025-03-10")} * 86400;
  EXPECT_EQ(AddWorkingSeconds(west, monday_utc, 1), monday_utc + 13 * kHour + 1);
  EXPECT_EQ(WorkingSecondsBetween(west, monday_utc, monday_utc + 86400), kWorkingDay);
}

TEST(WorkingTime, AddAndBetweenAreInverse) {
  const Calendar calendars[] = {NationalCalendar(), Calendar2020(), Calendar2020Revised(), Calendar{}};
  const Timestamp bases[] = {At("2024-12-01", 0), At("2019-12-01", 0), At("2019-12-01", 0), At("2025-01-01", 0)};
  Lcg rng{12345};
  for (size_t k = 0; k < std::size(calendars); ++k) {
    const Calendar& c = calendars[k];
    for (int i = 0; i < 400; ++i) {
      Timestamp start = bases[k] + static_cast<int64_t>(rng.Next(800 * 86400));
      if (i % 4 == 0) start -= start % 3600;  // whole hours hit interval edges
      int64_t seconds = static_cast<int64_t>(rng.Next(i % 2 ? 40 * kWorkingDay : kWorkingDay + 1));
      Timestamp due = AddWorkingSeconds(c, start, seconds);
      ASSERT_GE(due, start);
      ASSERT_EQ(WorkingSecondsBetween(c, start, due), seconds) << Show(start) << " + " << seconds;
      if (seconds > 0) {
        // The earliest such instant: one second less of work is one second earlier.
        ASSERT_EQ(WorkingSecondsBetween(c, start, due - 1), seconds - 1) << Show(start) << " + " << seconds;
      }
      // The other way round: the working time up to any instant leads back to the start of that instant's
      // idle stretch (or the instant itself inside office hours).
      Timestamp to = start + static_cast<int64_t>(rng.Next(60 * 86400));
      int64_t worked = WorkingSecondsBetween(c, start, to);
      Timestamp back = AddWorkingSeconds(c, start, worked);
      ASSERT_LE(back, to);
      ASSERT_EQ(WorkingSecondsBetween(c, back, to), 0) << Show(start) << " → " << Show(to);
    }
  }
}

TEST(WorkingTime, AgreesWithAMinuteByMinuteReference) {
  const Calendar calendars[] = {NationalCalendar(), Calendar2020Revised()};
  const Timestamp bases[] = {At("2025-09-01", 0), At("2020-01-10", 0)};
  Lcg rng{99};
  for (size_t k = 0; k < std::size(calendars); ++k) {
    for (int i = 0; i < 60; ++i) {
      Timestamp from = bases[k] + static_cast<int64_t>(rng.Next(60 * 24 * 60)) * 60;
      Timestamp to = from + static_cast<int64_t>(rng.Next(20 * 24 * 60)) * 60;
      ASSERT_EQ(WorkingSecondsBetween(calendars[k], from, to), SlowWorkingSeconds(calendars[k], from, to))
          << Show(from) << " → " << Show(to);
    }
  }
}

TEST(WorkingTime, ThousandWorkingDaysAreFast) {
  Calendar plain;
  // 1000 working days = 200 weeks from Monday 2025-01-06 08:00: Friday of the 200th week, 18:00.
  EXPECT_EQ(Show(AddWorkingSeconds(plain, At("2025-01-06", 8), 1000 * kWorkingDay)), "2028-11-03 18:00:00");
  EXPECT_EQ(WorkingSecondsBetween(plain, At("2025-01-06", 8), At("2028-11-03", 18)), 1000 * kWorkingDay);

  Calendar cn = NationalCalendar();
  auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    Timestamp start = At("2025-01-02", 9) + i * 3917;
    Timestamp due = AddWorkingSeconds(cn, start, 1000 * kWorkingDay);
    ASSERT_EQ(WorkingSecondsBetween(cn, start, due), 1000 * kWorkingDay);
  }
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(elapsed, std::chrono::seconds(5));  // stepping second by second would take hours
}

TEST(WorkingTime, DegenerateCalendarsTerminate) {
  Calendar none;
  none.working_weekdays.fill(false);
  Timestamp start = At("2025-03-10", 9);
  EXPECT_EQ(AddWorkingSeconds(none, start, kHour), start + kHour);
  EXPECT_EQ(WorkingSecondsBetween(none, start, start + 30 * 86400), 0);
  // A single make-up day still counts.
  none.overrides[D("2025-04-01")] = {D("2025-04-01"), true, "one day"};
  EXPECT_EQ(Show(AddWorkingSeconds(none, start, kHour)), "2025-04-01 09:00:00");
  EXPECT_EQ(AddWorkingSeconds(none, start, 2 * kWorkingDay), start + 2 * kWorkingDay);  // runs out
  // A working day more than ten years away counts as none.
  Calendar far;
  far.working_weekdays.fill(false);
  far.overrides[D("2040-01-02")] = {D("2040-01-02"), true, "far"};
  EXPECT_EQ(AddWorkingSeconds(far, start, kHour), start + kHour);
  // No office hours at all.
  Calendar closed;
  closed.office_hours.clear();
  EXPECT_EQ(closed.WorkingMinutesPerDay(), 0);
  EXPECT_EQ(AddWorkingSeconds(closed, start, kHour), start + kHour);
  EXPECT_EQ(WorkingSecondsBetween(closed, start, start + 86400), 0);
  // Unvalidated overlapping hours are read as their union (08:00–13:00).
  Calendar overlapping;
  overlapping.office_hours = {{10 * 60, 13 * 60}, {8 * 60, 12 * 60}};
  EXPECT_EQ(overlapping.WorkingMinutesPerDay(), 300);
  EXPECT_EQ(Show(AddWorkingSeconds(overlapping, At("2025-03-10", 7), 5 * kHour)), "2025-03-10 13:00:00");
}

}  // namespace
}  // namespace civicgrid
