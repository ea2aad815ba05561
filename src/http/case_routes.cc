#include "http/case_routes.h"

#include <boost/json.hpp>

#include "app/case_json.h"
#include "http/json_body.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

Response Fail(const Error& e) { return JsonError(e); }

// A 409 for an action the state does not allow also lists the allowed actions.
Response ActionError(const Error& e, const std::vector<Action>& allowed) {
  if (e.code != "conflict" || e.field != "action") return JsonError(e);
  json::array list;
  for (Action a : allowed) list.push_back(json::value(ActionName(a)));
  return Json(409, json::object{{"error", json::object{{"code", e.code},
                                                      {"message", e.message},
                                                      {"field", e.field},
                                                      {"allowed_actions", std::move(list)}}}});
}

Result<int64_t> CaseId(const Request& req) {
  auto id = ParseInteger(req.Param("id"), "id");
  if (!id || *id <= 0) return Error::InvalidArgument("id must be a positive whole number", "id");
  return id;
}

}  // namespace

Result<app::ReportInput> ParseReport(const Request& req, bool with_channel) {
  auto body = JsonObjectBody(req);
  if (!body) return body.error();
  const json::object& o = *body;
  app::ReportInput in;
  if (with_channel) {
    auto channel = OptString(o, "channel", 40);
    if (!channel) return channel.error();
    if (!*channel) return Error::InvalidArgument("channel is required", "channel");
    auto ch = ParseChannel(**channel);
    if (!ch)
      return Error::InvalidArgument(
          "channel must be grid_worker, resident_app, hotline, open311, drone, iot or superior", "channel");
    in.channel = *ch;
  }
  auto category = OptString(o, "category", 8);
  if (!category) return category.error();
  in.category = category->value_or("");
  auto priority = OptString(o, "priority", 20);
  if (!priority) return priority.error();
  if (*priority) {
    in.priority = ParsePriority(**priority);
    if (!in.priority) return Error::InvalidArgument("priority must be normal, high or urgent", "priority");
  }
  auto description = OptString(o, "description", 4000);
  if (!description) return description.error();
  in.description = description->value_or("");
  if (auto it = o.find("location"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return Error::InvalidArgument("location must be an object {lon, lat, crs}", "location");
    const json::object& loc = it->value().as_object();
    auto lon = OptNumber(loc, "lon");
    if (!lon) return lon.error();
    auto lat = OptNumber(loc, "lat");
    if (!lat) return lat.error();
    if (!*lon) return Error::InvalidArgument("location.lon is required", "lon");
    if (!*lat) return Error::InvalidArgument("location.lat is required", "lat");
    if (auto r = app::ValidateLonLat(**lon, **lat); !r) return r.error();
    auto crs = OptString(loc, "crs", 10);
    if (!crs) return crs.error();
    auto parsed = geo::ParseCrs(crs->value_or("wgs84"));
    if (!parsed) return Error::InvalidArgument("crs must be wgs84 or gcj02", "crs");
    in.point = geo::Point(**lon, **lat);
    in.crs = *parsed;
  }
  auto grid = OptString(o, "grid", 15);
  if (!grid) return grid.error();
  in.grid = grid->value_or("");
  auto address = OptString(o, "address", 500);
  if (!address) return address.error();
  in.address = address->value_or("");
  if (auto it = o.find("reporter"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return Error::InvalidArgument("reporter must be an object {name, phone}", "reporter");
    auto name = OptString(it->value().as_object(), "name", 100);
    if (!name) return name.error();
    auto phone = OptString(it->value().as_object(), "phone", 40);
    if (!phone) return phone.error();
    in.reporter_name = name->value_or("");
    in.reporter_phone = phone->value_or("");
  }
  auto attachments = StringList(o, "attachments", 20);
  if (!attachments) return attachments.error();
  in.attachments = std::move(*attachments);
  in.idempotency_key = std::string(req.Header("idempotency-key"));
  return in;
}

namespace {

Result<app::ActInput> ParseAction(const Request& req) {
  auto body = JsonObjectBody(req);
  if (!body) return body.error();
  const json::object& o = *body;
  app::ActInput in;
  ActionRequest& r = in.request;
  auto action = OptString(o, "action", 40);
  if (!action) return action.error();
  if (!*action) return Error::InvalidArgument("action is required", "action");
  auto parsed = civicgrid::ParseAction(**action);
  if (!parsed || *parsed == Action::kReport)
    return Error::InvalidArgument("unknown action '" + **action + "'", "action");
  r.action = *parsed;
  auto note = OptString(o, "note", 4000);
  if (!note) return note.error();
  r.note = note->value_or("");
  auto attachments = StringList(o, "attachments", 20);
  if (!attachments) return attachments.error();
  r.attachments = std::move(*attachments);
  auto category = OptString(o, "category", 8);
  if (!category) return category.error();
  r.category = category->value_or("");
  auto priority = OptString(o, "priority", 20);
  if (!priority) return priority.error();
  if (*priority) {
    r.priority = ParsePriority(**priority);
    if (!r.priority) return Error::InvalidArgument("priority must be normal, high or urgent", "priority");
  }
  auto duplicate = OptInt(o, "duplicate_of");
  if (!duplicate) return duplicate.error();
  r.duplicate_of = duplicate->value_or(0);
  auto evaluation = OptString(o, "evaluation", 40);
  if (!evaluation) return evaluation.error();
  if (*evaluation) {
    auto e = ParseEvaluation(**evaluation);
    if (!e || *e == Evaluation::kNone)
      return Error::InvalidArgument("evaluation must be satisfied, basically_satisfied or unsatisfied", "evaluation");
    r.evaluation = *e;
  }
  if (auto it = o.find("extension"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return Error::InvalidArgument("extension must be {kind, amount}", "extension");
    auto kind = OptString(it->value().as_object(), "kind", 20);
    auto amount = OptInt(it->value().as_object(), "amount");
    if (!kind || !amount || !*kind || !*amount) return Error::InvalidArgument("extension must be {kind, amount}", "extension");
    auto k = ParseTimeLimitKind(**kind);
    if (!k)
      return Error::InvalidArgument("extension.kind must be urgent_hours, working_hours, working_days or natural_days",
                                    "extension");
    r.extension = TimeLimit{*k, **amount};
  }
  auto unit = OptInt(o, "unit");
  if (!unit) return unit.error();
  in.unit = unit->value_or(0);
  auto co = IdList(o, "co_units", 20);
  if (!co) return co.error();
  in.co_units = std::move(*co);
  return in;
}

Result<store::CaseFilter> ParseFilter(const Request& req) {
  store::CaseFilter f;
  if (std::string s = req.Query("status"); !s.empty()) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      auto st = ParseCaseStatus(std::string_view(s).substr(start, comma - start));
      if (!st) return Error::InvalidArgument("unknown status in '" + s + "'", "status");
      f.statuses.push_back(*st);
      start = comma + 1;
    }
  }
  f.category = req.Query("category");
  if (!f.category.empty() && f.category.size() != 2 && f.category.size() != 4)
    return Error::InvalidArgument("category must be a 2- or 4-digit code", "category");
  if (std::string u = req.Query("unit"); !u.empty()) {
    auto id = ParseInteger(u, "unit");
    if (!id) return id.error();
    f.unit = *id;
  }
  f.under = req.Query("under");
  if (!f.under.empty())
    if (auto l = ValidateCode(f.under, "under"); !l) return l.error();
  if (std::string c = req.Query("channel"); !c.empty()) {
    f.channel = ParseChannel(c);
    if (!f.channel) return Error::InvalidArgument("unknown channel '" + c + "'", "channel");
  }
  if (std::string o = req.Query("overdue"); !o.empty()) {
    if (o != "true" && o != "false") return Error::InvalidArgument("overdue must be true or false", "overdue");
    f.overdue = o == "true";
  }
  if (std::string w = req.Query("warning"); !w.empty()) {
    if (w == "yellow") f.warning = Warning::kYellow;
    else if (w == "red") f.warning = Warning::kRed;
    else if (w == "none") f.warning = Warning::kNone;
    else return Error::InvalidArgument("warning must be none, yellow or red", "warning");
  }
  if (std::string from = req.Query("from"); !from.empty()) {
    auto t = ParseTimestamp(from, "from");
    if (!t) return t.error();
    f.from = *t;
  }
  if (std::string to = req.Query("to"); !to.empty()) {
    auto t = ParseTimestamp(to, "to");
    if (!t) return t.error();
    f.to = *t;
  }
  if (std::string e = req.Query("extension_pending"); !e.empty()) {
    if (e != "true" && e != "false")
      return Error::InvalidArgument("extension_pending must be true or false", "extension_pending");
    f.extension_pending = e == "true";
  }
  f.text = req.Query("q");
  if (f.text.size() > 200) return Error::InvalidArgument("q is longer than 200 bytes", "q");
  if (std::string b = req.Query("before"); !b.empty()) {
    auto id = ParseInteger(b, "before");
    if (!id) return id.error();
    f.before_id = *id;
  }
  if (std::string l = req.Query("limit"); !l.empty()) {
    auto n = ParseInteger(l, "limit");
    if (!n || *n < 1 || *n > 500) return Error::InvalidArgument("limit must be a whole number from 1 to 500", "limit");
    f.limit = static_cast<int>(*n);
  }
  return f;
}

Result<store::StatsQuery> ParseStatsQuery(const Request& req) {
  store::StatsQuery q;
  q.under = req.Query("under");
  if (!q.under.empty())
    if (auto l = ValidateCode(q.under, "under"); !l) return l.error();
  if (std::string from = req.Query("from"); !from.empty()) {
    auto d = ParseDay(from.substr(0, 10), "from");
    if (!d) return d.error();
    q.from = *d;
  }
  if (std::string to = req.Query("to"); !to.empty()) {
    auto d = ParseDay(to.substr(0, 10), "to");
    if (!d) return d.error();
    q.to = *d;
  }
  if (q.to && q.to < q.from) return Error::InvalidArgument("to is before from", "to");
  const std::string by = req.Query("by");
  static const std::pair<const char*, store::StatsBy> kBy[] = {
      {"", store::StatsBy::kNone},           {"category", store::StatsBy::kCategory},
      {"unit", store::StatsBy::kUnit},       {"street", store::StatsBy::kStreet},
      {"community", store::StatsBy::kCommunity}, {"grid", store::StatsBy::kGrid},
      {"channel", store::StatsBy::kChannel}, {"day", store::StatsBy::kDay}};
  bool found = false;
  for (const auto& [name, value] : kBy)
    if (by == name) {
      q.by = value;
      found = true;
    }
  if (!found)
    return Error::InvalidArgument("by must be category, unit, street, community, grid, channel or day", "by");
  return q;
}

json::value GroupLabel(const CaseApi& api, store::StatsBy by, const std::string& key) {
  auto ref = api.reference.snapshot();
  switch (by) {
    case store::StatsBy::kCategory:
      if (const Category* c = ref->CategoryByCode(key)) return json::value(c->name);
      return key.empty() ? json::value("未分类") : json::value(key);
    case store::StatsBy::kUnit: {
      auto id = ParseInteger(key, "unit");
      if (id && *id == 0) return json::value("未派遣");
      if (const Unit* u = id ? ref->UnitById(*id) : nullptr) return json::value(u->name);
      return json::value(key);
    }
    case store::StatsBy::kStreet:
    case store::StatsBy::kCommunity:
    case store::StatsBy::kGrid:
      if (const Division* d = api.territory.snapshot()->Get(key)) return json::value(d->name);
      return json::value(key);
    case store::StatsBy::kDay: {
      auto day = ParseInteger(key, "day");
      return day ? json::value(FormatDay(static_cast<Day>(*day))) : json::value(key);
    }
    default:
      return json::value(key);
  }
}

}  // namespace

void AddCaseRoutes(Router& router, CaseApi api) {
  router.Add(Verb::post, "/api/v1/cases", "cases.create", Permission::kCaseReport, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    auto in = ParseReport(req, true);
    if (!in) co_return Fail(in.error());
    auto work = [api, input = std::move(*in), caller = CallerOf(req)]() -> Response {
      auto r = api.cases.Report(input, caller);
      if (!r) return Fail(r.error());
      auto ref = api.reference.snapshot();
      json::object body{{"id", r->c.id},
                        {"tracking_code", r->c.tracking_code},
                        {"status", CaseStatusName(r->c.status)},
                        {"grid", r->c.grid.empty() ? json::value(nullptr) : json::value(r->c.grid)},
                        {"territory", r->c.territory},
                        {"replayed", r->replayed},
                        {"case", app::CaseJson(r->c, *ref, true)}};
      Response resp = Json(201, body);
      resp.With("Location", "/api/v1/cases/" + std::to_string(r->c.id));
      if (r->replayed) resp.With("Idempotent-Replayed", "true");
      return resp;
    };
    co_return co_await api.offload.Run(std::move(work));
  }));

  router.Add(Verb::get, "/api/v1/cases", "cases.list", Permission::kCaseRead, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    auto filter = ParseFilter(req);
    if (!filter) co_return Fail(filter.error());
    auto work = [api, f = std::move(*filter), caller = CallerOf(req)]() -> Response {
      auto page = api.cases.List(f, caller);
      if (!page) return Fail(page.error());
      auto ref = api.reference.snapshot();
      json::array items;
      for (const auto& c : page->cases) items.push_back(app::CaseJson(c, *ref, false));
      return Json(200, json::object{{"cases", std::move(items)},
                                    {"next", page->next ? json::value(page->next) : json::value(nullptr)}});
    };
    co_return co_await api.offload.Run(std::move(work));
  }));

  router.Add(Verb::get, "/api/v1/cases/count", "cases.count", Permission::kCaseRead, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    auto filter = ParseFilter(req);
    if (!filter) co_return Fail(filter.error());
    auto work = [api, f = std::move(*filter), caller = CallerOf(req)]() -> Response {
      auto n = api.cases.Count(f, caller);
      if (!n) return Fail(n.error());
      return Json(200, json::object{{"count", *n}});
    };
    co_return co_await api.offload.Run(std::move(work));
  }));

  router.Add(Verb::get, "/api/v1/cases/{id}", "cases.get", Permission::kCaseRead, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    auto id = CaseId(req);
    if (!id) co_return Fail(id.error());
    auto work = [api, id = *id, caller = CallerOf(req)]() -> Response {
      auto v = api.cases.Get(id, caller);
      if (!v) return Fail(v.error());
      return Json(200, app::CaseViewJson(*v, *api.reference.snapshot(), true));
    };
    co_return co_await api.offload.Run(std::move(work));
  }));

  router.Add(Verb::post, "/api/v1/cases/{id}/actions", "cases.act", Permission::kCaseAct,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto id = CaseId(req);
               if (!id) co_return Fail(id.error());
               auto in = ParseAction(req);
               if (!in) co_return Fail(in.error());
               auto work = [api, id = *id, input = std::move(*in), caller = CallerOf(req)]() -> Response {
                 auto r = api.cases.Act(id, input, caller);
                 if (!r) {
                   if (r.error().code != "conflict") return Fail(r.error());
                   auto current = api.cases.Get(id, caller);
                   return ActionError(r.error(), current ? current->allowed : std::vector<Action>{});
                 }
                 auto v = api.cases.Get(id, caller);
                 if (!v) return Fail(v.error());
                 return Json(200, app::CaseViewJson(*v, *api.reference.snapshot(), true));
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::get, "/api/v1/cases/{id}/routing", "cases.routing", Permission::kCaseRead,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto id = CaseId(req);
               if (!id) co_return Fail(id.error());
               auto work = [api, id = *id, caller = CallerOf(req)]() -> Response {
                 auto v = api.cases.Get(id, caller);
                 if (!v) return Fail(v.error());
                 if (v->c.category.empty())
                   return Fail(Error::Conflict("the case has no category yet; classify it first", "category"));
                 auto d = api.cases.ExplainRouting(v->c.category, v->c.territory);
                 if (!d) return Fail(d.error());
                 json::object o = app::RoutingJson(*d);
                 o["category"] = v->c.category;
                 o["territory"] = v->c.territory;
                 o["dispatched_rule"] = v->c.rule ? json::value(v->c.rule) : json::value(nullptr);
                 o["dispatched_reason"] = v->c.route_reason;
                 return Json(200, o);
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/cases/{id}/reveal", "cases.reveal", Permission::kCaseReveal,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto id = CaseId(req);
               if (!id) co_return Fail(id.error());
               auto body = JsonObjectBody(req);
               if (!body) co_return Fail(body.error());
               auto reason = OptString(*body, "reason", 500);
               if (!reason) co_return Fail(reason.error());
               if (!*reason) co_return Fail(Error::InvalidArgument("reason is required", "reason"));
               auto work = [api, id = *id, why = **reason, caller = CallerOf(req)]() -> Response {
                 auto r = api.cases.Reveal(id, why, caller);
                 if (!r) return Fail(r.error());
                 Response resp = Json(200, json::object{{"id", id}, {"reporter", json::object{{"name", r->name},
                                                                                             {"phone", r->phone}}}});
                 resp.With("Cache-Control", "no-store");
                 return resp;
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::get, "/api/v1/track/{code}", "track", Permission::kPublic, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    std::string code = req.Param("code");
    if (code.size() != 14) co_return Fail(Error::NotFound("no case has tracking code '" + code.substr(0, 20) + "'", "code"));
    auto work = [api, code]() -> Response {
      auto v = api.cases.Track(code);
      if (!v) return Fail(v.error());
      return Json(200, app::TrackingJson(*v, *api.reference.snapshot(), *api.territory.snapshot()));
    };
    co_return co_await api.offload.Run(std::move(work));
  }));

  router.Add(Verb::get, "/api/v1/routing", "routing.explain", Permission::kSignedIn, SyncHandler([api](Request& req) -> Response {
    auto d = api.cases.ExplainRouting(req.Query("category"), req.Query("territory"));
    if (!d) return Fail(d.error());
    return Json(200, app::RoutingJson(*d));
  }));

  router.Add(Verb::get, "/api/v1/stats", "stats", Permission::kStatsRead, Handler([api](Request& req) -> boost::asio::awaitable<Response> {
    auto q = ParseStatsQuery(req);
    if (!q) co_return Fail(q.error());
    auto work = [api, query = *q, caller = CallerOf(req)]() -> Response {
      auto groups = api.cases.Stats(query, caller);
      if (!groups) return Fail(groups.error());
      store::StatsQuery q = query;
      if (q.under.empty()) {
        const auto roots = TerritoryRoots(caller.who, Permission::kStatsRead);
        if (roots.size() == 1) q.under = roots.front();
      }
      StatCounts total;
      json::array out;
      for (const auto& g : *groups) {
        total += g.counts;
        if (q.by == store::StatsBy::kNone) continue;
        json::object o = app::StatsJson(g.counts);
        o["key"] = q.by == store::StatsBy::kDay ? GroupLabel(api, q.by, g.key) : json::value(g.key);
        o["name"] = GroupLabel(api, q.by, g.key);
        out.push_back(std::move(o));
      }
      json::object body = app::StatsJson(total);
      body["under"] = q.under;
      body["from"] = q.from ? json::value(FormatDay(q.from)) : json::value(nullptr);
      body["to"] = q.to ? json::value(FormatDay(q.to)) : json::value(nullptr);
      if (q.by != store::StatsBy::kNone) body["groups"] = std::move(out);
      return Json(200, body);
    };
    co_return co_await api.offload.Run(std::move(work));
  }));
}

}  // namespace civicgrid::http
