#include "app/case_json.h"

#include "security/personal_data.h"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

#include "common/attribute_json.h"
#include "common/json.h"

namespace civicgrid::app {
namespace json = boost::json;
namespace {

json::value Time(Timestamp t, int offset) {
  if (!t) return nullptr;
  return json::value(FormatTimestamp(t, offset));
}

json::value OptTime(const std::optional<Timestamp>& t, int offset) { return t ? Time(*t, offset) : nullptr; }

json::array Ids(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.push_back(id);
  return a;
}

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.push_back(json::value(s));
  return a;
}

json::value Limit(const TimeLimit& l) {
  return json::object{{"kind", TimeLimitKindName(l.kind)}, {"amount", l.amount}};
}

json::value Rate(const std::optional<double>& r) {
  if (!r) return nullptr;
  return std::round(*r * 10000) / 10000;
}

}  // namespace

json::object CaseJson(const Case& c, const ReferenceSnapshot& ref, bool personal, int offset) {
  json::object o;
  o["id"] = c.id;
  o["tracking_code"] = c.tracking_code;
  o["status"] = CaseStatusName(c.status);
  if (c.status == CaseStatus::kSuspended) o["resume_status"] = CaseStatusName(c.resume_status);
  o["channel"] = ChannelName(c.channel);
  o["category"] = c.category.empty() ? json::value(nullptr) : json::value(c.category);
  if (const Category* cat = ref.CategoryByCode(c.category)) o["category_name"] = cat->name;
  o["priority"] = PriorityName(c.priority);
  o["description"] = c.description;
  o["location"] = c.has_point ? json::value(json::object{{"lon", c.lon}, {"lat", c.lat}, {"crs", "wgs84"}})
                              : json::value(nullptr);
  o["address"] = c.address;
  o["grid"] = c.grid.empty() ? json::value(nullptr) : json::value(c.grid);
  o["territory"] = c.territory;
  if (personal)
    o["reporter"] = json::object{{"name", security::MaskName(c.reporter_name)},
                                 {"phone", security::MaskPhone(c.reporter_phone)},
                                 {"masked", true}};
  o["attachments"] = Strings(c.attachments);
  o["level"] = LevelName(c.level);
  o["center"] = c.center ? json::value(c.center) : json::value(nullptr);
  o["unit"] = c.unit ? json::value(c.unit) : json::value(nullptr);
  if (const Unit* u = ref.UnitById(c.unit)) o["unit_name"] = u->name;
  o["co_units"] = Ids(c.co_units);
  o["rule"] = c.rule ? json::value(c.rule) : json::value(nullptr);
  o["route_reason"] = c.route_reason;
  o["calendar"] = c.calendar.empty() ? std::string(kDefaultCalendar) : c.calendar;
  o["duplicate_of"] = c.duplicate_of ? json::value(c.duplicate_of) : json::value(nullptr);
  o["extension_pending"] = c.extension_pending > 0;
  o["counts"] = json::object{{"returns", c.returns},       {"reworks", c.reworks},   {"escalations", c.escalations},
                             {"extensions", c.extensions}, {"reopens", c.reopens},   {"supervisions", c.supervisions},
                             {"urges", c.urges}};
  o["overdue"] = c.overdue;
  o["self_handled"] = c.self_handled;
  o["resolved_on_time"] = c.resolved_at ? json::value(c.resolved_on_time) : json::value(nullptr);
  o["evaluation"] = c.evaluation == Evaluation::kNone ? json::value(nullptr) : json::value(EvaluationName(c.evaluation));
  o["reported_at"] = Time(c.reported_at, offset);
  o["updated_at"] = Time(c.updated_at, offset);
  o["dispatched_at"] = Time(c.dispatched_at, offset);
  o["resolved_at"] = Time(c.resolved_at, offset);
  o["closed_at"] = Time(c.closed_at, offset);
  o["handle_due"] = Time(c.handle_due, offset);
  o["version"] = c.version;
  return o;
}

json::object EventJson(const CaseEvent& e, int offset) {
  json::object o{{"seq", e.seq},
                 {"at", FormatTimestamp(e.at, offset)},
                 {"actor", e.actor},
                 {"role", RoleName(e.role)},
                 {"action", ActionName(e.action)},
                 {"from", CaseStatusName(e.from)},
                 {"to", CaseStatusName(e.to)},
                 {"note", e.note},
                 {"attachments", Strings(e.attachments)}};
  boost::system::error_code ec;
  json::value details = json::parse(e.details, ec);
  o["details"] = ec ? json::value(json::object{}) : std::move(details);
  return o;
}

json::object CaseViewJson(const CaseView& v, const ReferenceSnapshot& ref, bool personal) {
  const int offset = v.utc_offset_minutes;
  json::object o = CaseJson(v.c, ref, personal, offset);
  o["deadlines"] = json::object{{"acknowledge", OptTime(v.deadlines.acknowledge_due, offset)},
                                {"handle", OptTime(v.deadlines.handle_due, offset)},
                                {"handle_warning_at", OptTime(v.deadlines.handle_warn, offset)},
                                {"verify", OptTime(v.deadlines.verify_due, offset)}};
  o["warning"] = WarningName(v.deadlines.warning);
  json::array allowed;
  for (Action a : v.allowed) allowed.push_back(json::value(ActionName(a)));
  o["allowed_actions"] = std::move(allowed);
  json::array timeline;
  for (const auto& e : v.events) timeline.push_back(EventJson(e, offset));
  o["timeline"] = std::move(timeline);
  return o;
}

json::object TrackingJson(const CaseView& v, const ReferenceSnapshot& ref, const TerritorySnapshot& territory) {
  const int offset = v.utc_offset_minutes;
  const Case& c = v.c;
  json::object o;
  o["tracking_code"] = c.tracking_code;
  o["status"] = CaseStatusName(c.status);
  o["channel"] = ChannelName(c.channel);
  if (const Category* cat = ref.CategoryByCode(c.category)) o["category_name"] = cat->name;
  json::array place;
  for (const Division* d : territory.Path(c.territory)) place.push_back(json::value(d->name));
  o["place"] = std::move(place);
  o["reported_at"] = Time(c.reported_at, offset);
  o["closed_at"] = Time(c.closed_at, offset);
  if (const Unit* u = ref.UnitById(c.unit)) o["unit_name"] = u->name;
  o["evaluation"] = c.evaluation == Evaluation::kNone ? json::value(nullptr) : json::value(EvaluationName(c.evaluation));
  json::array timeline;
  for (const auto& e : v.events) {
    if (e.action == Action::kSupervise || e.action == Action::kUrge || e.action == Action::kRecomputeDeadlines)
      continue;
    timeline.push_back(json::object{{"at", FormatTimestamp(e.at, offset)},
                                    {"action", ActionName(e.action)},
                                    {"status", CaseStatusName(e.to)}});
  }
  o["timeline"] = std::move(timeline);
  return o;
}

std::string LiveMessage(const Case& c, const CaseEvent& e) {
  json::object cj{{"id", c.id},
                  {"status", CaseStatusName(c.status)},
                  {"channel", ChannelName(c.channel)},
                  {"category", c.category},
                  {"priority", PriorityName(c.priority)},
                  {"territory", c.territory},
                  {"grid", c.grid},
                  {"unit", c.unit},
                  {"level", LevelName(c.level)},
                  {"overdue", c.overdue}};
  if (c.has_point) cj["location"] = json::array{c.lon, c.lat};
  json::object ej{{"seq", e.seq},
                  {"at", FormatTimestamp(e.at)},
                  {"action", ActionName(e.action)},
                  {"from", CaseStatusName(e.from)},
                  {"to", CaseStatusName(e.to)},
                  {"role", RoleName(e.role)}};
  return ToJson(json::object{{"type", "case_event"}, {"case", std::move(cj)}, {"event", std::move(ej)}});
}

json::object UnitJson(const Unit& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"kind", UnitKindName(u.kind)},
          {"territory", u.territory},
          {"level", LevelName(u.level())},
          {"calendar", u.calendar.empty() ? std::string(kDefaultCalendar) : u.calendar},
          {"active", u.active}};
}

json::object CategoryJson(const Category& c) {
  return {{"code", c.code},
          {"name", c.name},
          {"parent", c.parent.empty() ? json::value(nullptr) : json::value(c.parent)},
          {"priority", PriorityName(c.priority)},
          {"limits", json::object{{"acknowledge", Limit(c.acknowledge)},
                                  {"handle", Limit(c.handle)},
                                  {"verify", Limit(c.verify)}}},
          {"level", LevelName(c.level)},
          {"active", c.active},
          {"description", c.description},
          {"keywords", json::value_from(c.keywords)},
          {"attributes", AttributesToJsonArray(c.attributes)}};
}

json::object RuleJson(const RoutingRule& r) {
  return {{"id", r.id},           {"category", r.category}, {"territory", r.territory},
          {"unit", r.unit},       {"co_units", Ids(r.co_units)}, {"note", r.note}};
}

json::object CalendarJson(const Calendar& c, bool with_overrides) {
  json::array weekdays;
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (c.working_weekdays[i]) weekdays.push_back(json::value(kDays[i]));
  json::array hours;
  for (const auto& iv : c.office_hours) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", iv.start_minute / 60, iv.start_minute % 60,
                  iv.end_minute / 60, iv.end_minute % 60);
    hours.push_back(json::value(buf));
  }
  json::object o{{"id", c.id},
                 {"name", c.name},
                 {"utc_offset_minutes", c.utc_offset_minutes},
                 {"working_weekdays", std::move(weekdays)},
                 {"office_hours", std::move(hours)},
                 {"working_minutes_per_day", c.WorkingMinutesPerDay()},
                 {"override_count", c.overrides.size()}};
  if (with_overrides) {
    json::array overrides;
    for (const auto& [day, ov] : c.overrides)
      overrides.push_back(json::object{{"date", FormatDay(day)}, {"working", ov.working}, {"note", ov.note}});
    o["overrides"] = std::move(overrides);
  }
  return o;
}

json::object RoutingJson(const RoutingDecision& d) {
  // Every candidate, and at most 20 of the rules that name the category elsewhere (there may be thousands).
  json::array rules;
  size_t others = 0, omitted = 0;
  for (const auto& v : d.rules) {
    if (!v.candidate && ++others > 20) {
      ++omitted;
      continue;
    }
    rules.push_back(json::object{{"rule", v.rule}, {"candidate", v.candidate}, {"why", v.why}});
  }
  return {{"unit", d.target.unit},
          {"co_units", Ids(d.target.co_units)},
          {"rule", d.target.rule ? json::value(d.target.rule) : json::value(nullptr)},
          {"fallback", d.fallback},
          {"reason", d.target.reason},
          {"rules", std::move(rules)},
          {"rules_omitted", omitted}};
}

json::object StatsJson(const StatCounts& n) {
  json::object counts;
  for (size_t i = 0; i < kStatFieldNames.size(); ++i) {
    if (kStatFieldNames[i] == "handling_seconds" || kStatFieldNames[i].starts_with("ended_")) continue;
    counts[kStatFieldNames[i]] = n.v[i];
  }
  const StatRates r = RatesOf(n);
  json::object ended{{"grid", Rate(r.ended_share[0])},
                     {"community", Rate(r.ended_share[1])},
                     {"street", Rate(r.ended_share[2])},
                     {"county", Rate(r.ended_share[3])},
                     {"city", Rate(r.ended_share[4])}};
  json::object ended_counts{{"grid", n["ended_grid"]},
                            {"community", n["ended_community"]},
                            {"street", n["ended_street"]},
                            {"county", n["ended_county"]},
                            {"city", n["ended_city"]}};
  json::object rates{{"completion_rate", Rate(r.completion_rate)},
                     {"on_time_rate", Rate(r.on_time_rate)},
                     {"dispatch_accuracy", Rate(r.dispatch_accuracy)},
                     {"rework_rate", Rate(r.rework_rate)},
                     {"extension_rate", Rate(r.extension_rate)},
                     {"satisfaction", Rate(r.satisfaction)}};
  json::value avg = r.average_handling_minutes ? json::value(std::round(*r.average_handling_minutes * 10) / 10)
                                               : json::value(nullptr);
  return {{"counts", std::move(counts)},
          {"rates", std::move(rates)},
          {"average_handling_minutes", std::move(avg)},
          {"ended_at_level", std::move(ended_counts)},
          {"ended_share", std::move(ended)}};
}

}  // namespace civicgrid::app
