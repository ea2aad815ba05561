// Small fixtures for tests of the case workflow core: dates and times at UTC+8, a plain working
// calendar and a category.
#pragma once

#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/category_attribute.h"

namespace civicgrid::testing {

// The Day of an ISO date (a test failure if it is not one).
Day D(std::string_view text);

// The instant of local (UTC+8) time hour:minute on `day` ("2026-11-20").
Timestamp At(std::string_view day, int hour, int minute = 0);

// Monday–Friday, 08:00–12:00 and 14:00–18:00, UTC+8, no overrides; id "test".
Calendar TestCalendar();

// Minor category 0101 井盖缺失 under 01: acknowledge 2 working hours, handle 5 working days, verify 1.
Category TestCategory();

// Three attributes of a heating category: room_temperature (number, required, order 1), notice (not a
// question, order 2, with quotes in its text) and leak_size (singlevaluelist drip/stream/burst, order 3).
std::vector<CategoryAttribute> TestAttributes();

}  // namespace civicgrid::testing
