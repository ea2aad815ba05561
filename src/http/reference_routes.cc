// Reference data routes: units, categories, routing rules, calendars (see case_routes.h).
#include <boost/json.hpp>

#include "app/case_json.h"
#include "common/attribute_json.h"
#include "http/case_routes.h"
#include "common/log.h"
#include "http/json_body.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

Response Fail(const Error& e) { return JsonError(e); }

// Records a change of reference data in the audit log (after it committed; a failure is logged).
void AuditChange(const CaseApi& api, const app::Caller& caller, const Request& req, const std::string& target) {
  if (!api.accounts) return;
  json::object detail{{"route", req.route}, {"method", std::string(boost::beast::http::to_string(req.method))}};
  auto r = api.accounts->Audit("reference.change", target, json::serialize(detail),
                               app::AuditContext{caller.who.name, caller.remote});
  if (!r) log::Error("audit.write_failed", {{"error", r.error().message}, {"action", "reference.change"}});
}

Result<Unit> ParseUnit(const json::object& o) {
  Unit u;
  auto name = OptString(o, "name", 200);
  auto kind = OptString(o, "kind", 40);
  auto territory = OptString(o, "territory", 15);
  auto calendar = OptString(o, "calendar", 100);
  auto active = OptBool(o, "active");
  for (const auto* r : {&name, &kind, &territory, &calendar})
    if (!*r) return r->error();
  if (!active) return active.error();
  u.name = name->value_or("");
  auto k = ParseUnitKind(kind->value_or(""));
  if (!k) return Error::InvalidArgument("kind must be department, company, committee or command_center", "kind");
  u.kind = *k;
  u.territory = territory->value_or("");
  u.calendar = calendar->value_or("");
  if (u.calendar == app::kDefaultCalendar) u.calendar.clear();
  u.active = active->value_or(true);
  return u;
}

Result<TimeLimit> ParseLimit(const json::object& limits, std::string_view key) {
  auto it = limits.find(key);
  if (it == limits.end() || !it->value().is_object())
    return Error::InvalidArgument(std::string(key) + " must be {kind, amount}", std::string(key));
  auto kind = OptString(it->value().as_object(), "kind", 20);
  auto amount = OptInt(it->value().as_object(), "amount");
  if (!kind || !amount || !*kind || !*amount)
    return Error::InvalidArgument(std::string(key) + " must be {kind, amount}", std::string(key));
  auto k = ParseTimeLimitKind(**kind);
  if (!k)
    return Error::InvalidArgument(std::string(key) + ".kind must be urgent_hours, working_hours, working_days or natural_days",
                                  std::string(key));
  TimeLimit l{*k, **amount};
  if (auto r = ValidateTimeLimit(l, key); !r) return r.error();
  return l;
}

Result<Category> ParseCategory(const json::object& o, const std::string& code) {
  Category c;
  c.code = code;
  auto name = OptString(o, "name", 200);
  auto parent = OptString(o, "parent", 4);
  auto priority = OptString(o, "priority", 20);
  auto level = OptString(o, "level", 20);
  auto active = OptBool(o, "active");
  for (const auto* r : {&name, &parent, &priority, &level})
    if (!*r) return r->error();
  if (!active) return active.error();
  c.name = name->value_or("");
  c.parent = parent->value_or("");
  auto p = ParsePriority(priority->value_or("normal"));
  if (!p) return Error::InvalidArgument("priority must be normal, high or urgent", "priority");
  c.priority = *p;
  auto l = ParseLevel(level->value_or("street"));
  if (!l) return Error::InvalidArgument("level must be grid, community, street or county", "level");
  c.level = *l;
  c.active = active->value_or(true);
  auto limits = o.find("limits");
  if (limits == o.end() || !limits->value().is_object())
    return Error::InvalidArgument("limits must be {acknowledge, handle, verify}", "limits");
  const json::object& lo = limits->value().as_object();
  auto ack = ParseLimit(lo, "acknowledge");
  if (!ack) return ack.error();
  auto handle = ParseLimit(lo, "handle");
  if (!handle) return handle.error();
  auto verify = ParseLimit(lo, "verify");
  if (!verify) return verify.error();
  c.acknowledge = *ack;
  c.handle = *handle;
  c.verify = *verify;
  auto description = OptString(o, "description", 1000);
  if (!description) return description.error();
  c.description = description->value_or("");
  auto keywords = StringList(o, "keywords", 20);
  if (!keywords) return keywords.error();
  c.keywords = std::move(*keywords);
  if (auto a = o.find("attributes"); a != o.end() && !a->value().is_null()) {
    auto attributes = ParseAttributesJson(a->value());
    if (!attributes) return attributes.error();
    c.attributes = std::move(*attributes);
  }
  if (auto r = ValidateCategory(c); !r) return r.error();
  return c;
}

Result<RoutingRule> ParseRule(const json::object& o) {
  RoutingRule r;
  auto category = OptString(o, "category", 4);
  auto territory = OptString(o, "territory", 15);
  auto unit = OptInt(o, "unit");
  auto note = OptString(o, "note", 500);
  if (!category) return category.error();
  if (!territory) return territory.error();
  if (!unit) return unit.error();
  if (!note) return note.error();
  auto co = IdList(o, "co_units", 20);
  if (!co) return co.error();
  r.category = category->value_or("");
  r.territory = territory->value_or("");
  r.unit = unit->value_or(0);
  r.co_units = std::move(*co);
  r.note = note->value_or("");
  if (auto v = ValidateRoutingRule(r); !v) return v.error();
  return r;
}

Result<OfficeInterval> ParseInterval(std::string_view text) {
  // "08:00-12:00"
  auto num = [&](size_t pos) -> int {
    if (pos + 2 > text.size() || text[pos] < '0' || text[pos] > '9' || text[pos + 1] < '0' || text[pos + 1] > '9')
      return -1;
    return (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  };
  if (text.size() != 11 || text[2] != ':' || text[5] != '-' || text[8] != ':')
    return Error::InvalidArgument("office hours are written like \"08:00-12:00\"", "office_hours");
  int h1 = num(0), m1 = num(3), h2 = num(6), m2 = num(9);
  if (h1 < 0 || m1 < 0 || h2 < 0 || m2 < 0 || m1 > 59 || m2 > 59 || h1 > 24 || h2 > 24)
    return Error::InvalidArgument("office hours are written like \"08:00-12:00\"", "office_hours");
  return OfficeInterval{h1 * 60 + m1, h2 * 60 + m2};
}

Result<Calendar> ParseCalendar(const json::object& o, const std::string& id) {
  Calendar c;
  c.id = id;
  auto name = OptString(o, "name", 200);
  if (!name) return name.error();
  c.name = name->value_or("");
  auto offset = OptInt(o, "utc_offset_minutes");
  if (!offset) return offset.error();
  c.utc_offset_minutes = static_cast<int>(offset->value_or(480));
  auto weekdays = StringList(o, "working_weekdays", 7);
  if (!weekdays) return weekdays.error();
  if (o.contains("working_weekdays")) {
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    c.working_weekdays.fill(false);
    for (const auto& d : *weekdays) {
      bool known = false;
      for (int i = 0; i < 7; ++i)
        if (d == kDays[i]) c.working_weekdays[i] = known = true;
      if (!known) return Error::InvalidArgument("working_weekdays takes mon, tue, … sun", "working_weekdays");
    }
  }
  auto hours = StringList(o, "office_hours", 12);
  if (!hours) return hours.error();
  if (o.contains("office_hours")) {
    c.office_hours.clear();
    for (const auto& h : *hours) {
      auto iv = ParseInterval(h);
      if (!iv) return iv.error();
      c.office_hours.push_back(*iv);
    }
  }
  if (auto it = o.find("overrides"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return Error::InvalidArgument("overrides must be an array", "overrides");
    for (const auto& item : it->value().as_array()) {
      if (!item.is_object()) return Error::InvalidArgument("each override is {date, working, note}", "overrides");
      auto date = OptString(item.as_object(), "date", 10);
      auto working = OptBool(item.as_object(), "working");
      auto note = OptString(item.as_object(), "note", 500);
      if (!date || !working || !note || !*date || !*working)
        return Error::InvalidArgument("each override is {date, working, note}", "overrides");
      auto day = ParseDay(**date, "overrides");
      if (!day) return day.error();
      if (c.overrides.count(*day))
        return Error::InvalidArgument("override date " + **date + " appears twice", "overrides");
      c.overrides[*day] = CalendarOverride{*day, **working, note->value_or("")};
    }
  }
  if (auto r = ValidateCalendar(c); !r) return r.error();
  return c;
}

// Runs an edit (the route needs reference.write): parses the body, calls `apply` on the offload pool,
// and records the change in the audit log.
template <class Parse, class Apply>
boost::asio::awaitable<Response> Edit(CaseApi api, Request& req, unsigned status, Parse parse, Apply apply) {
  auto body = JsonObjectBody(req);
  if (!body) co_return Fail(body.error());
  auto value = parse(*body);
  if (!value) co_return Fail(value.error());
  auto work = [api, status, apply, v = std::move(*value), caller = CallerOf(req), r = req]() mutable -> Response {
    auto done = apply(std::move(v));
    if (!done) return Fail(done.error());
    AuditChange(api, caller, r, r.path);
    return Json(status, *done);
  };
  co_return co_await api.offload.Run(std::move(work));
}

}  // namespace

void AddReferenceRoutes(Router& router, CaseApi api) {
  router.Add(Verb::get, "/api/v1/units", "units.list", Permission::kSignedIn, SyncHandler([api](Request& req) -> Response {
    const std::string under = req.Query("under");
    const std::string kind = req.Query("kind");
    if (!kind.empty() && !ParseUnitKind(kind))
      return Fail(Error::InvalidArgument("kind must be department, company, committee or command_center", "kind"));
    json::array out;
    for (const auto& u : api.reference.snapshot()->data().units) {
      if (!under.empty() && !IsUnder(u.territory, under) && !IsUnder(under, u.territory)) continue;
      if (!kind.empty() && UnitKindName(u.kind) != kind) continue;
      out.push_back(app::UnitJson(u));
    }
    return Json(200, json::object{{"units", std::move(out)}});
  }));
  auto put_unit = [api](int64_t id) {
    return [api, id](json::object& o) -> Result<Unit> {
      auto u = ParseUnit(o);
      if (!u) return u.error();
      u->id = id;
      return u;
    };
  };
  auto save_unit = [api](Unit u) -> Result<json::object> {
    if (u.id && !api.reference.snapshot()->UnitById(u.id))
      return Error::NotFound("no unit has id " + std::to_string(u.id), "id");
    auto r = api.reference.PutUnit(std::move(u));
    if (!r) return r.error();
    return app::UnitJson(*r);
  };
  router.Add(Verb::post, "/api/v1/units", "units.create", Permission::kReferenceWrite, Handler([=](Request& req) {
    return Edit(api, req, 201, put_unit(0), save_unit);
  }));
  router.Add(Verb::put, "/api/v1/units/{id}", "units.put", Permission::kReferenceWrite, Handler([=](Request& req) -> boost::asio::awaitable<Response> {
    auto id = ParseInteger(req.Param("id"), "id");
    if (!id || *id <= 0) co_return Fail(Error::InvalidArgument("id must be a positive whole number", "id"));
    auto parse = put_unit(*id);  // named: no temporaries inside co_await (GCC 12)
    co_return co_await Edit(api, req, 200, std::move(parse), save_unit);
  }));

  router.Add(Verb::get, "/api/v1/categories", "categories.list", Permission::kPublic, SyncHandler([api](Request&) -> Response {
    json::array out;
    for (const auto& c : api.reference.snapshot()->data().categories) out.push_back(app::CategoryJson(c));
    return Json(200, json::object{{"categories", std::move(out)}});
  }));
  auto save_category = [api](Category c) -> Result<json::object> {
    auto r = api.reference.PutCategory(std::move(c));
    if (!r) return r.error();
    return app::CategoryJson(*r);
  };
  router.Add(Verb::post, "/api/v1/categories", "categories.create", Permission::kReferenceWrite, Handler([=](Request& req) {
    return Edit(api, req, 201, [api](json::object& o) -> Result<Category> {
      auto code = OptString(o, "code", 4);
      if (!code) return code.error();
      if (api.reference.snapshot()->CategoryByCode(code->value_or("")))
        return Error::Conflict("category " + **code + " exists; PUT /api/v1/categories/" + **code + " changes it",
                               "code");
      return ParseCategory(o, code->value_or(""));
    }, save_category);
  }));
  router.Add(Verb::put, "/api/v1/categories/{code}", "categories.put", Permission::kReferenceWrite, Handler([=](Request& req) {
    std::string code = req.Param("code");
    return Edit(api, req, 200, [code](json::object& o) { return ParseCategory(o, code); }, save_category);
  }));

  router.Add(Verb::get, "/api/v1/routing-rules", "routing_rules.list", Permission::kSignedIn, SyncHandler([api](Request& req) -> Response {
    const std::string category = req.Query("category");
    const std::string under = req.Query("under");
    json::array out;
    for (const auto& r : api.reference.snapshot()->data().rules) {
      if (!category.empty() && r.category != category && r.category != category.substr(0, 2)) continue;
      if (!under.empty() && !IsUnder(r.territory, under) && !IsUnder(under, r.territory)) continue;
      out.push_back(app::RuleJson(r));
    }
    return Json(200, json::object{{"routing_rules", std::move(out)}});
  }));
  auto save_rule = [api](RoutingRule r) -> Result<json::object> {
    if (r.id && !api.reference.snapshot()->RuleById(r.id))
      return Error::NotFound("no routing rule has id " + std::to_string(r.id), "id");
    auto saved = api.reference.PutRoutingRule(std::move(r));
    if (!saved) return saved.error();
    return app::RuleJson(*saved);
  };
  router.Add(Verb::post, "/api/v1/routing-rules", "routing_rules.create", Permission::kReferenceWrite, Handler([=](Request& req) {
    return Edit(api, req, 201, [](json::object& o) { return ParseRule(o); }, save_rule);
  }));
  router.Add(Verb::put, "/api/v1/routing-rules/{id}", "routing_rules.put", Permission::kReferenceWrite,
             Handler([=](Request& req) -> boost::asio::awaitable<Response> {
               auto id = ParseInteger(req.Param("id"), "id");
               if (!id || *id <= 0) co_return Fail(Error::InvalidArgument("id must be a positive whole number", "id"));
               auto parse = [id = *id](json::object& o) -> Result<RoutingRule> {
                 auto r = ParseRule(o);
                 if (!r) return r.error();
                 r->id = id;
                 return r;
               };
               co_return co_await Edit(api, req, 200, std::move(parse), save_rule);
             }));
  router.Add(Verb::delete_, "/api/v1/routing-rules/{id}", "routing_rules.delete", Permission::kReferenceWrite,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto id = ParseInteger(req.Param("id"), "id");
               if (!id) co_return Fail(id.error());
               auto work = [api, id = *id, caller = CallerOf(req), request = req]() -> Response {
                 auto r = api.reference.DeleteRoutingRule(id);
                 if (!r) return Fail(r.error());
                 AuditChange(api, caller, request, request.path);
                 return Json(200, json::object{{"deleted", id}});
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::get, "/api/v1/calendars", "calendars.list", Permission::kSignedIn, SyncHandler([api](Request&) -> Response {
    json::array out;
    for (const auto& c : api.reference.snapshot()->data().calendars) out.push_back(app::CalendarJson(c, false));
    return Json(200, json::object{{"calendars", std::move(out)}});
  }));
  router.Add(Verb::get, "/api/v1/calendars/{id}", "calendars.get", Permission::kSignedIn, SyncHandler([api](Request& req) -> Response {
    const Calendar* c = api.reference.snapshot()->CalendarById(req.Param("id"));
    if (!c || c->id != req.Param("id"))
      return Fail(Error::NotFound("no calendar has id '" + req.Param("id") + "'", "id"));
    return Json(200, app::CalendarJson(*c, true));
  }));
  router.Add(Verb::put, "/api/v1/calendars/{id}", "calendars.put", Permission::kReferenceWrite, Handler([=](Request& req) {
    std::string id = req.Param("id");
    return Edit(api, req, 200, [id](json::object& o) { return ParseCalendar(o, id); },
                [api](Calendar c) -> Result<json::object> {
                  const std::string id = c.id;
                  auto saved = api.reference.PutCalendar(std::move(c));
                  if (!saved) return saved.error();
                  auto moved = api.cases.RecomputeDeadlines(id);
                  if (!moved) return moved.error();
                  json::object o = app::CalendarJson(*saved, true);
                  o["recomputed_cases"] = *moved;
                  return o;
                });
  }));
}

}  // namespace civicgrid::http
