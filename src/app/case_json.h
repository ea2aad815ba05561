// JSON shapes of cases, events, reference data and statistics, shared by the HTTP API and the live feed.
//
// The reporter (name and phone) appears only where `personal` is true, and then masked (张*, 138****1234):
// the whole values come only from CaseService::Reveal, which is audited. The public tracking view and
// the live feed never carry them. Times are ISO 8601 in the calendar's offset.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "app/cases.h"
#include "app/reference.h"
#include "core/case_stats.h"
#include "store/case_store.h"

namespace civicgrid::app {

boost::json::object CaseJson(const Case& c, const ReferenceSnapshot& ref, bool personal, int utc_offset_minutes = 480);
boost::json::object EventJson(const CaseEvent& e, int utc_offset_minutes = 480);
// A case with its timeline, deadlines, warning and allowed actions.
boost::json::object CaseViewJson(const CaseView& v, const ReferenceSnapshot& ref, bool personal);
// The public tracking view: status, category name, place names and timeline — no personal data, no notes
// by staff beyond the action names.
boost::json::object TrackingJson(const CaseView& v, const ReferenceSnapshot& ref, const TerritorySnapshot& territory);
// The live-feed message of one event: {"type":"case_event","case":{…},"event":{…}} without personal data.
std::string LiveMessage(const Case& c, const CaseEvent& e);

boost::json::object UnitJson(const Unit& u);
boost::json::object CategoryJson(const Category& c);
boost::json::object RuleJson(const RoutingRule& r);
boost::json::object CalendarJson(const Calendar& c, bool with_overrides);
boost::json::object RoutingJson(const RoutingDecision& d);
// Counters and rates of one statistics group.
boost::json::object StatsJson(const StatCounts& counts);

}  // namespace civicgrid::app
