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

std::vector<CategoryAttribute> TestAttributes() {
  CategoryAttribute temperature;
  temperature.code = "room_temperature";
  temperature.datatype = AttributeDatatype::kNumber;
  temperature.required = true;
  temperature.description = "室内温度（摄氏度）";
  temperature.datatype_description = "摄氏度，如 16.5";
  temperature.order = 1;
  CategoryAttribute leak;
  leak.code = "leak_size";
  leak.datatype = AttributeDatatype::kSingleValueList;
  leak.description = "漏水程度";
  leak.order = 3;
  leak.values = {{"drip", "滴漏"}, {"stream", "细流"}, {"burst", "喷涌"}};
  CategoryAttribute notice;
  notice.code = "notice";
  notice.variable = false;
  notice.description = "如闻到燃气味，请先撤离并拨打抢修电话。\"引号\"";
  notice.order = 2;
  return {temperature, leak, notice};
}

}  // namespace civicgrid::testing
