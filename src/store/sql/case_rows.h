// How cases, events and reference data map to table rows, on either engine (columns in schema order,
// see the migrations of each engine).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/result.h"
#include "security/personal_data.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

// The columns of `cases` in the order CaseColumns()/CaseValues/ReadCase use.
const std::string& CaseColumns();
// Number of case columns (the values CaseValues answers).
int CaseColumnCount();
// "?1, ?2, …" (SQLite) or "$1, $2, …" (PostgreSQL) for every case column.
const std::string& CasePlaceholders(Dialect d);
// Every column of `c` in order, id first; the reporter's name and phone are sealed with `ring` (personal
// data never reaches the database in clear).
Values CaseValues(const Case& c, const security::Keyring& ring);
// Reads a case from columns 0… of a SELECT of CaseColumns(), opening the personal data with `ring`
// (an error if a value was altered or its key is not in the ring).
Result<Case> ReadCase(const RowReader& row, const security::Keyring& ring);

// The columns of `case_events` (without the event's own id), their values and their reading.
const std::string& EventColumns();
Values EventValues(const CaseEvent& e);
CaseEvent ReadEvent(const RowReader& row);

// Lists of ids or attachment ids as "a,b,c".
std::string JoinIds(const std::vector<int64_t>& ids);
std::vector<int64_t> SplitIds(std::string_view text);
std::string JoinStrings(const std::vector<std::string>& items);
std::vector<std::string> SplitStrings(std::string_view text);

// Calendar encodings: weekdays as "1111100" (Monday first), office hours as "480-720,840-1080".
std::string EncodeWeekdays(const Calendar& c);
std::string EncodeOfficeHours(const Calendar& c);
Result<void> DecodeCalendarRow(std::string_view weekdays, std::string_view hours, Calendar& c);

}  // namespace civicgrid::store::sql
