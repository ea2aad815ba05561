// Working calendars: which days are working days, and the office hours within them.
//
// A calendar is data (DOMAIN.md §5): a weekday rule (which weekdays work), dated overrides (an off day
// on a weekday, or a make-up working day on a weekend, each citing its notice) and the office hours of
// a working day (default 08:00–12:00 and 14:00–18:00, 480 working minutes). Times are instants in
// seconds since the Unix epoch (UTC); the calendar reads them in its own fixed UTC offset (China: +8,
// no daylight saving). Everything here is pure: no I/O, no clock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace civicgrid {

// An instant: seconds since 1970-01-01T00:00:00Z.
using Timestamp = int64_t;

// A civil date as days since 1970-01-01 (the calendar's local date).
using Day = int32_t;

// "2026-02-14" → its Day; fails (naming `field`) on anything but a valid ISO date.
Result<Day> ParseDay(std::string_view text, std::string_view field = "date");
// The Day as "YYYY-MM-DD".
std::string FormatDay(Day day);
// 0 = Monday … 6 = Sunday.
int WeekdayOf(Day day);

// One stretch of office hours within a working day, in minutes after local midnight: [start, end).
struct OfficeInterval {
  int start_minute = 0;
  int end_minute = 0;
};

// A dated exception to the weekday rule.
struct CalendarOverride {
  Day day = 0;
  bool working = false;   // true: a make-up working day (调休上班); false: an off day (放假)
  std::string note;       // what and why, citing the notice, e.g. "春节调休上班（国办发明电〔2024〕12号）"
};

// A working calendar.
struct Calendar {
  std::string id;                     // stable identifier, e.g. "cn-national"
  std::string name;                   // e.g. "全国法定节假日"
  int utc_offset_minutes = 480;       // local time = UTC + offset
  std::array<bool, 7> working_weekdays{true, true, true, true, true, false, false};  // Monday first
  std::vector<OfficeInterval> office_hours{{8 * 60, 12 * 60}, {14 * 60, 18 * 60}};
  std::map<Day, CalendarOverride> overrides;  // by day; at most one per day (the key is what counts)

  // True if `day` is a working day: its override if any, else the weekday rule.
  bool IsWorkingDay(Day day) const;
  // Working minutes in one working day (480 with the default office hours).
  int64_t WorkingMinutesPerDay() const;
  // The local date of an instant.
  Day LocalDay(Timestamp t) const;
};

// Checks a calendar: non-empty id and name, offset within ±14 h, office intervals inside the day
// (0 ≤ start < end ≤ 1440), ascending and not overlapping, at least one interval, at least one working
// weekday. Errors name the field ("id", "name", "utc_offset_minutes", "office_hours", "working_weekdays").
Result<void> ValidateCalendar(const Calendar& calendar);

// The instant at which `seconds` seconds of working time have elapsed, counting from `start`. Working
// time is office hours on working days. If `start` is outside office hours, counting begins at the next
// office period. `seconds` = 0 answers `start` itself. Always terminates (a calendar with no working day
// in ten years answers start + seconds as if every second worked).
// Clarifications: a negative `seconds` answers `start`; an amount that is used up exactly at the end of an
// office interval answers that end (4 working hours from 08:00 is 12:00, not 14:00), so the result is the
// earliest instant with that much working time since `start`. Office hours of an unvalidated calendar are
// read as the union of its intervals (clamped to the day); without any office hours nothing is working time.
// Cost: O(overrides in the range), whole weeks without overrides are skipped arithmetically.
Timestamp AddWorkingSeconds(const Calendar& calendar, Timestamp start, int64_t seconds);

// Seconds of working time in [from, to); 0 when to ≤ from.
int64_t WorkingSecondsBetween(const Calendar& calendar, Timestamp from, Timestamp to);

// The national calendar shipped with the platform: id "cn-national", Monday–Friday, office hours
// 08:00–12:00 and 14:00–18:00, UTC+8, with the official holiday schedules of 2025 and 2026 (every
// override's note names the holiday and cites its State Council General Office notice).
Calendar NationalCalendar();

}  // namespace civicgrid
