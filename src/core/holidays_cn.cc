// The national working calendar: the State Council General Office's yearly holiday schedules.
//
// Sources (the notices as published by Xinhua and carried on www.gov.cn):
// - 2025: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）
// - 2026: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）
// Every day of each holiday is listed as an off day (including those that fall on a weekend, for
// clarity), and every make-up working day (调休上班) as a working day. Add a year when its notice appears.
#include <chrono>

#include "core/calendar.h"

namespace civicgrid {
namespace {

constexpr const char* kNotice2025 = "国办发明电〔2024〕12号";
constexpr const char* kNotice2026 = "国办发明电〔2025〕7号";

// One line of a notice: the days [first, last] (month/day of `year`) are off, or working if `working`.
struct Arrangement {
  int year;
  unsigned first_month, first_day, last_month, last_day;
  bool working;
  const char* holiday;
  const char* notice;
};

constexpr Arrangement kArrangements[] = {
    // 2025 (国办发明电〔2024〕12号)
    {2025, 1, 1, 1, 1, false, "元旦", kNotice2025},
    {2025, 1, 28, 2, 4, false, "春节", kNotice2025},
    {2025, 1, 26, 1, 26, true, "春节", kNotice2025},  // 周日上班
    {2025, 2, 8, 2, 8, true, "春节", kNotice2025},    // 周六上班
    {2025, 4, 4, 4, 6, false, "清明节", kNotice2025},
    {2025, 5, 1, 5, 5, false, "劳动节", kNotice2025},
    {2025, 4, 27, 4, 27, true, "劳动节", kNotice2025},  // 周日上班
    {2025, 5, 31, 6, 2, false, "端午节", kNotice2025},
    {2025, 10, 1, 10, 8, false, "国庆节、中秋节", kNotice2025},
    {2025, 9, 28, 9, 28, true, "国庆节、中秋节", kNotice2025},    // 周日上班
    {2025, 10, 11, 10, 11, true, "国庆节、中秋节", kNotice2025},  // 周六上班
    // 2026 (国办发明电〔2025〕7号)
    {2026, 1, 1, 1, 3, false, "元旦", kNotice2026},
    {2026, 1, 4, 1, 4, true, "元旦", kNotice2026},  // 周日上班
    {2026, 2, 15, 2, 23, false, "春节", kNotice2026},
    {2026, 2, 14, 2, 14, true, "春节", kNotice2026},  // 周六上班
    {2026, 2, 28, 2, 28, true, "春节", kNotice2026},  // 周六上班
    {2026, 4, 4, 4, 6, false, "清明节", kNotice2026},
    {2026, 5, 1, 5, 5, false, "劳动节", kNotice2026},
    {2026, 5, 9, 5, 9, true, "劳动节", kNotice2026},  // 周六上班
    {2026, 6, 19, 6, 21, false, "端午节", kNotice2026},
    {2026, 9, 25, 9, 27, false, "中秋节", kNotice2026},
    {2026, 10, 1, 10, 7, false, "国庆节", kNotice2026},
    {2026, 9, 20, 9, 20, true, "国庆节", kNotice2026},    // 周日上班
    {2026, 10, 10, 10, 10, true, "国庆节", kNotice2026},  // 周六上班
};

Day DayOf(int year, unsigned month, unsigned day) {
  std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  return static_cast<Day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

}  // namespace

Calendar NationalCalendar() {
  Calendar calendar;
  calendar.id = "cn-national";
  calendar.name = "全国法定节假日";
  calendar.utc_offset_minutes = 480;
  calendar.working_weekdays = {true, true, true, true, true, false, false};
  calendar.office_hours = {{8 * 60, 12 * 60}, {14 * 60, 18 * 60}};
  for (const Arrangement& a : kArrangements) {
    std::string note = std::string(a.holiday) + (a.working ? "调休上班" : "") + "（" + a.notice + "）";
    Day last = DayOf(a.year, a.last_month, a.last_day);
    for (Day d = DayOf(a.year, a.first_month, a.first_day); d <= last; ++d)
      calendar.overrides[d] = CalendarOverride{d, a.working, note};
  }
  return calendar;
}

}  // namespace civicgrid
