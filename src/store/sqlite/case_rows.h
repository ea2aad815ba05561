// How cases, events and reference data map to SQLite rows (columns in schema order, see migrations.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/result.h"
#include "security/personal_data.h"
#include "store/sqlite/db.h"

namespace civicgrid::store::sqlite {

// The columns of `cases` in the order CaseColumns()/BindCase/ReadCase use.
const std::string& CaseColumns();
// Number of case columns (the parameters BindCase binds are 1 … CaseColumnCount()).
int CaseColumnCount();
// "?1, ?2, …" for every case column.
const std::string& CasePlaceholders();
// Binds every column of `c` from parameter 1 on (id included as parameter 1); the reporter's name and
// phone are sealed with `ring` (personal data never reaches the file in clear).
void BindCase(Stmt& s, const Case& c, const security::Keyring& ring);
// Reads a case from columns 0… of a SELECT of CaseColumns(), opening the personal data with `ring`
// (an error if a value was altered or its key is not in the ring).
Result<Case> ReadCase(const Stmt& s, const security::Keyring& ring);

// The columns of `case_events` (without the event's own id) and their binding/reading.
const std::string& EventColumns();
void BindEvent(Stmt& s, const CaseEvent& e);
CaseEvent ReadEvent(const Stmt& s);

// Lists of ids or attachment ids as "a,b,c".
std::string JoinIds(const std::vector<int64_t>& ids);
std::vector<int64_t> SplitIds(std::string_view text);
std::string JoinStrings(const std::vector<std::string>& items);
std::vector<std::string> SplitStrings(std::string_view text);

// Calendar encodings: weekdays as "1111100" (Monday first), office hours as "480-720,840-1080".
std::string EncodeWeekdays(const Calendar& c);
std::string EncodeOfficeHours(const Calendar& c);
Result<void> DecodeCalendarRow(std::string_view weekdays, std::string_view hours, Calendar& c);

}  // namespace civicgrid::store::sqlite
