#include "support/case_fixtures.h"

#include <gtest/gtest.h>

namespace civicgrid::testing {

Day D(std::string_view text) {
  auto day = ParseDay(text);
  EXPECT_TRUE(day.ok()) << text;
  return day.ok() ? *day : 0;
}

Timestamp At(std::string_view day, int hour, int minute) {
  return int64_t{D(day)} * 86400 + hour * 3600 + minute * 60 - 8 * 3600;
}

Calendar TestCalendar() {
  Calendar c;
  c.id = "test";
  c.name = "Mon–Fri 08–12, 14–18";
  return c;
}

Category TestCategory() {
  Category c;
  c.code = "0101";
  c.name = "井盖缺失";
  c.parent = "01";
  c.acknowledge = {TimeLimitKind::kWorkingHours, 2};
  c.handle = {TimeLimitKind::kWorkingDays, 5};
  c.verify = {TimeLimitKind::kWorkingDays, 1};
  return c;
}

}  // namespace civicgrid::testing
