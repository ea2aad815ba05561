#include "core/calendar.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <utility>

namespace civicgrid {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// "No working day in ten years": past this many days without one, a calendar counts as having none.
constexpr int64_t kMaxIdleDays = 3653;
constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// 0 = Monday … 6 = Sunday, for any day number (1970-01-01 was a Thursday).
int WeekdayOf64(int64_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }

int DigitsValue(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The working-time view of a calendar that the arithmetic below needs: its office hours as sorted, merged
// second ranges within a day (so that even an unvalidated calendar gives well-defined answers), and its
// weekday rule and overrides.
class Schedule {
 public:
  explicit Schedule(const Calendar& calendar) : calendar_(calendar) {
    std::vector<std::pair<int64_t, int64_t>> raw;
    for (const auto& iv : calendar.office_hours) {
      int64_t a = std::clamp<int64_t>(iv.start_minute, 0, 1440) * 60;
      int64_t b = std::clamp<int64_t>(iv.end_minute, 0, 1440) * 60;
      if (a < b) raw.emplace_back(a, b);
    }
    std::sort(raw.begin(), raw.end());
    for (const auto& [a, b] : raw) {
      if (!spans_.empty() && a <= spans_.back().second) {
        spans_.back().second = std::max(spans_.back().second, b);
      } else {
        spans_.emplace_back(a, b);
      }
    }
    for (const auto& [a, b] : spans_) per_day_ += b - a;
    for (bool w : calendar.working_weekdays) rule_days_per_week_ += w ? 1 : 0;
  }

  // Working seconds in one working day.
  int64_t PerDay() const { return per_day_; }

  bool RuleWorking(int64_t day) const { return calendar_.working_weekdays[WeekdayOf64(day)]; }

  bool Working(int64_t day) const {
    if (day >= std::numeric_limits<Day>::min() && day <= std::numeric_limits<Day>::max()) {
      auto it = calendar_.overrides.find(static_cast<Day>(day));
      if (it != calendar_.overrides.end()) return it->second.working;
    }
    return RuleWorking(day);
  }

  // Working seconds of a working day before second-of-day `s` (0 ≤ s ≤ 86400).
  int64_t WorkedBefore(int64_t s) const {
    int64_t worked = 0;
    for (const auto& [a, b] : spans_) {
      if (s <= a) break;
      worked += std::min(s, b) - a;
    }
    return worked;
  }

  // The second-of-day at which `work` (0 < work ≤ PerDay()) seconds of a working day have been worked. An
  // amount that ends exactly at the end of an office interval answers that end (e.g. 12:00, not 14:00).
  int64_t TimeAfterWork(int64_t work) const {
    for (const auto& [a, b] : spans_) {
      if (work <= b - a) return a + work;
      work -= b - a;
    }
    return spans_.empty() ? 0 : spans_.back().second;
  }

  // Working days in [from, to) by the weekday rule alone.
  int64_t RuleWorkingDaysIn(int64_t from, int64_t to) const {
    if (to <= from) return 0;
    int64_t n = to - from;
    int64_t count = n / 7 * rule_days_per_week_;
    int64_t rest_start = from + n / 7 * 7;
    for (int64_t d = rest_start; d < to; ++d) count += RuleWorking(d) ? 1 : 0;
    return count;
  }

  // Working days in [from, to): the weekday rule corrected by the overrides in that range.
  int64_t WorkingDaysIn(int64_t from, int64_t to) const {
    if (to <= from) return 0;
    int64_t count = RuleWorkingDaysIn(from, to);
    for (auto it = LowerBound(from); it != calendar_.overrides.end() && it->first < to; ++it)
      count += (it->second.working ? 1 : 0) - (RuleWorking(it->first) ? 1 : 0);
    return count;
  }

  // The n-th (n ≥ 1) working day on or after `from`; nullopt if the calendar runs out of working days (none
  // for ten years from where the search stands).
  std::optional<int64_t> NthWorkingDay(int64_t from, int64_t n) const {
    int64_t cur = from;
    int64_t idle_since = from;
    for (auto it = LowerBound(from);; ++it) {
      int64_t segment_end = it == calendar_.overrides.end() ? kNoEnd : it->first;
      // [cur, segment_end) follows the weekday rule.
      if (rule_days_per_week_ > 0) {
        int64_t available = segment_end == kNoEnd ? kNoEnd : RuleWorkingDaysIn(cur, segment_end);
        if (available >= n) return NthRuleWorkingDay(cur, n);
        n -= available;
      } else if (segment_end == kNoEnd || segment_end - idle_since > kMaxIdleDays) {
        return std::nullopt;
      }
      if (it == calendar_.overrides.end()) return std::nullopt;  // unreachable: handled above
      if (it->second.working) {
        if (--n == 0) return it->first;
        idle_since = static_cast<int64_t>(it->first) + 1;
      }
      cur = static_cast<int64_t>(it->first) + 1;
    }
  }

 private:
  std::map<Day, CalendarOverride>::const_iterator LowerBound(int64_t day) const {
    if (day > std::numeric_limits<Day>::max()) return calendar_.overrides.end();
    if (day < std::numeric_limits<Day>::min()) return calendar_.overrides.begin();
    return calendar_.overrides.lower_bound(static_cast<Day>(day));
  }

  // The n-th working day on or after `from` by the weekday rule (needs at least one working weekday).
  int64_t NthRuleWorkingDay(int64_t from, int64_t n) const {
    int64_t weeks = (n - 1) / rule_days_per_week_;
    int64_t day = from + weeks * 7;
    n -= weeks * rule_days_per_week_;  // 1 ≤ n ≤ working weekdays: found within the next 7 days
    for (;; ++day)
      if (RuleWorking(day) && --n == 0) return day;
  }

  const Calendar& calendar_;
  std::vector<std::pair<int64_t, int64_t>> spans_;
  int64_t per_day_ = 0;
  int64_t rule_days_per_week_ = 0;
};

}  // namespace

Result<Day> ParseDay(std::string_view text, std::string_view field) {
  auto fail = [&] {
    std::string message = "'";  // built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string
    message.append(text).append("' is not a valid date (YYYY-MM-DD)");
    return Error::InvalidArgument(std::move(message), std::string(field));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail();
  int y = DigitsValue(text.substr(0, 4));
  int m = DigitsValue(text.substr(5, 2));
  int d = DigitsValue(text.substr(8, 2));
  if (y < 0 || m < 0 || d < 0) return fail();
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail();
  return static_cast<Day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::string FormatDay(Day day) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

int WeekdayOf(Day day) {
  std::chrono::weekday wd{std::chrono::sys_days{std::chrono::days{day}}};
  return static_cast<int>(wd.iso_encoding()) - 1;
}

bool Calendar::IsWorkingDay(Day day) const {
  auto it = overrides.find(day);
  if (it != overrides.end()) return it->second.working;
  return working_weekdays[WeekdayOf(day)];
}

int64_t Calendar::WorkingMinutesPerDay() const { return Schedule(*this).PerDay() / 60; }

Day Calendar::LocalDay(Timestamp t) const {
  return static_cast<Day>(FloorDiv(t + int64_t{utc_offset_minutes} * 60, kSecondsPerDay));
}

Result<void> ValidateCalendar(const Calendar& calendar) {
  if (calendar.id.empty()) return Error::InvalidArgument("calendar id is empty", "id");
  if (calendar.name.empty()) return Error::InvalidArgument("calendar name is empty", "name");
  if (calendar.utc_offset_minutes < -14 * 60 || calendar.utc_offset_minutes > 14 * 60)
    return Error::InvalidArgument("UTC offset " + std::to_string(calendar.utc_offset_minutes) +
                                      " minutes is outside ±14 hours",
                                  "utc_offset_minutes");
  if (calendar.office_hours.empty())
    return Error::InvalidArgument("a calendar needs at least one office-hours interval", "office_hours");
  int previous_end = 0;
  for (size_t i = 0; i < calendar.office_hours.size(); ++i) {
    const OfficeInterval& iv = calendar.office_hours[i];
    std::string where = "office-hours interval " + std::to_string(i + 1) + " [" + std::to_string(iv.start_minute) +
                        ", " + std::to_string(iv.end_minute) + ")";
    if (iv.start_minute < 0 || iv.end_minute > 1440 || iv.start_minute >= iv.end_minute)
      return Error::InvalidArgument(where + " must satisfy 0 ≤ start < end ≤ 1440 minutes", "office_hours");
    if (i > 0 && iv.start_minute < previous_end)
      return Error::InvalidArgument(where + " overlaps or precedes the interval before it", "office_hours");
    previous_end = iv.end_minute;
  }
  if (std::none_of(calendar.working_weekdays.begin(), calendar.working_weekdays.end(), [](bool w) { return w; }))
    return Error::InvalidArgument("a calendar needs at least one working weekday", "working_weekdays");
  return {};
}

Timestamp AddWorkingSeconds(const Calendar& calendar, Timestamp start, int64_t seconds) {
  if (seconds <= 0) return start;
  Schedule schedule(calendar);
  const int64_t per_day = schedule.PerDay();
  if (per_day <= 0) return start + seconds;
  const int64_t offset = int64_t{calendar.utc_offset_minutes} * 60;
  const int64_t local = start + offset;
  const int64_t day = FloorDiv(local, kSecondsPerDay);
  const int64_t second_of_day = local - day * kSecondsPerDay;

  int64_t remaining = seconds;
  if (schedule.Working(day)) {
    int64_t done = schedule.WorkedBefore(second_of_day);
    if (remaining <= per_day - done) return start + (schedule.TimeAfterWork(done + remaining) - second_of_day);
    remaining -= per_day - done;
  }
  // Whole working days, then the rest (0 < rest ≤ per_day) within the last one.
  int64_t days_needed = (remaining + per_day - 1) / per_day;
  int64_t rest = remaining - (days_needed - 1) * per_day;
  std::optional<int64_t> last = schedule.NthWorkingDay(day + 1, days_needed);
  if (!last) return start + seconds;
  return *last * kSecondsPerDay + schedule.TimeAfterWork(rest) - offset;
}

int64_t WorkingSecondsBetween(const Calendar& calendar, Timestamp from, Timestamp to) {
  if (to <= from) return 0;
  Schedule schedule(calendar);
  const int64_t per_day = schedule.PerDay();
  if (per_day <= 0) return 0;
  const int64_t offset = int64_t{calendar.utc_offset_minutes} * 60;
  const int64_t from_day = FloorDiv(from + offset, kSecondsPerDay);
  const int64_t from_second = from + offset - from_day * kSecondsPerDay;
  const int64_t to_day = FloorDiv(to + offset, kSecondsPerDay);
  const int64_t to_second = to + offset - to_day * kSecondsPerDay;

  if (from_day == to_day)
    return schedule.Working(from_day) ? schedule.WorkedBefore(to_second) - schedule.WorkedBefore(from_second) : 0;
  int64_t total = 0;
  if (schedule.Working(from_day)) total += per_day - schedule.WorkedBefore(from_second);
  total += schedule.WorkingDaysIn(from_day + 1, to_day) * per_day;
  if (schedule.Working(to_day)) total += schedule.WorkedBefore(to_second);
  return total;
}

}  // namespace civicgrid
