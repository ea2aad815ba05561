// Open311 GeoReport v2 in the platform's terms (docs/open311.md): which categories are services, a case's
// status as Open311's open/closed and as the extension's extended statuses, the generated texts a client
// sees (service notices, status notes, update descriptions — never a note written by staff), and the time
// windows of the request and update lists. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/result.h"

namespace civicgrid {

// The extended statuses of the servicerequestupdates extension that civicgrid's states map to.
enum class ExtendedStatus {
  kOpen, kInvestigating, kActionScheduled, kInProgress, kInternalReferral, kNoFurtherAction, kFixed, kClosed,
  kDuplicate, kNotCouncilsResponsibility,
};
// "OPEN", "INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "INTERNAL_REFERRAL", "NO_FURTHER_ACTION",
// "FIXED", "CLOSED", "DUPLICATE", "NOT_COUNCILS_RESPONSIBILITY"
std::string_view ExtendedStatusName(ExtendedStatus status);

// The extended status of a case in `status` (the table of docs/open311.md).
ExtendedStatus ExtendedStatusOf(CaseStatus status);

// Open311's own status: "closed" for closed, rejected and merged cases, "open" otherwise.
std::string_view Open311StatusOf(CaseStatus status);
// The case statuses whose Open311 status is "open" (closed = false) or "closed" (closed = true).
std::vector<CaseStatus> CaseStatusesWithOpen311Status(bool closed);

// One service: a category a report can be filed under, and its group (the name of its major category).
struct Open311Service {
  const Category* category = nullptr;
  std::string group;
};

// The services among `categories`, in code order: every active minor category whose major is active, and
// every active major category without an active minor. Pointers into `categories`.
std::vector<Open311Service> ServicesOf(const std::vector<Category>& categories);

// The service with `code`, if it is one (see ServicesOf).
std::optional<Open311Service> FindService(const std::vector<Category>& categories, std::string_view code);

// What the reporter may expect, from the category's handling limit, e.g. "受理后3个工作日内办理".
std::string ServiceNotice(const Category& category);

// Whether event `e` is an update of the extension: the report and every step that changes the state.
bool IsOpen311Update(const CaseEvent& e);

// A generated sentence for an update or a status note: what step `e` did, naming `unit_name` (the unit a
// dispatch chose, "" when unknown) and `duplicate_of` (the case a merge pointed to, 0 when none). Never
// contains the event's note.
std::string UpdateDescription(const CaseEvent& e, std::string_view unit_name, int64_t duplicate_of);

// A generated note on where case `c` stands now, naming `agency` (the unit or center that has it).
std::string StatusNote(const Case& c, std::string_view agency);

// A time window [from, to) of a list.
struct TimeWindow {
  Timestamp from = 0, to = 0;
};

// The window of `start` and `end` (either may be absent): with both, [start, end]; with one, `span`
// seconds from or to it; with neither, the `span` seconds up to `now`. Fails with invalid_argument naming
// "end_date" when end is before start, or when they lie more than `max_span` seconds apart.
Result<TimeWindow> Open311Window(std::optional<Timestamp> start, std::optional<Timestamp> end, Timestamp now,
                                 int64_t span, int64_t max_span);

}  // namespace civicgrid
