#include "http/admin_routes.h"

#include <boost/json.hpp>

#include "app/credentials.h"
#include "common/log.h"
#include "http/json_body.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

json::object UserJson(const store::User& u, Timestamp now) {
  json::array grants;
  for (const Grant& g : u.grants) grants.push_back(json::value(FormatGrant(g)));
  return json::object{{"username", u.username},
                      {"display_name", u.display_name},
                      {"grants", std::move(grants)},
                      {"disabled", u.disabled},
                      {"locked", u.locked_until > now},
                      {"created_at", u.created_at ? json::value(FormatTimestamp(u.created_at, 480)) : json::value(nullptr)}};
}

std::function<std::string(int64_t)> UnitTerritory(app::ReferenceService& reference) {
  return [ref = reference.snapshot()](int64_t id) -> std::string {
    const Unit* u = ref->UnitById(id);
    return u ? u->territory : std::string();
  };
}

Result<app::NewUser> ParseNewUser(const Request& req) {
  auto body = JsonObjectBody(req);
  if (!body) return body.error();
  app::NewUser u;
  auto username = OptString(*body, "username", 40);
  if (!username) return username.error();
  if (!*username) return Error::InvalidArgument("username is required", "username");
  u.username = **username;
  auto display = OptString(*body, "display_name", 100);
  if (!display) return display.error();
  u.display_name = display->value_or(u.username);
  auto password = OptString(*body, "password", 200);
  if (!password) return password.error();
  u.password = password->value_or("");
  auto grants = StringList(*body, "grants", 20);
  if (!grants) return grants.error();
  if (grants->empty()) return Error::InvalidArgument("grants: at least one, e.g. operator@371302004", "grants");
  for (const std::string& text : *grants) {
    auto g = ParseGrant(text);
    if (!g) return Error::InvalidArgument(g.error().message, "grants");
    u.grants.push_back(*g);
  }
  return u;
}

}  // namespace

void AddAdminRoutes(Router& router, AdminApi api) {
  router.Add(Verb::get, "/api/v1/users", "users.list", Permission::kAccountAdmin,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto work = [api, caller = CallerOf(req)]() -> Response {
                 auto users = api.accounts.ListUsers();
                 if (!users) return JsonError(users.error());
                 const auto unit_territory = UnitTerritory(api.reference);
                 const Timestamp now = api.accounts.now();
                 json::array out;
                 for (const auto& u : *users)
                   if (app::MayManage(caller.who, u.grants, unit_territory)) out.push_back(UserJson(u, now));
                 return Json(200, json::object{{"users", std::move(out)}});
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/users", "users.create", Permission::kAccountAdmin,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto in = ParseNewUser(req);
               if (!in) co_return JsonError(in.error());
               auto work = [api, u = std::move(*in), caller = CallerOf(req)]() mutable -> Response {
                 if (!app::MayManage(caller.who, u.grants, UnitTerritory(api.reference)))
                   return JsonError(Error::Forbidden("a grant lies outside the territory you administer", "grants"));
                 const bool generated = u.password.empty();
                 if (generated) u.password = app::NewPassword();
                 auto added = api.accounts.AddUser(u, app::AuditContext{caller.who.name, caller.remote});
                 if (!added) return JsonError(added.error());
                 json::object body = UserJson(*added, api.accounts.now());
                 if (generated) body["password"] = u.password;  // shown once
                 Response r = Json(201, body);
                 r.With("Cache-Control", "no-store");
                 return r;
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/users/{username}/disable", "users.disable", Permission::kAccountAdmin,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               std::string name = req.Param("username");
               if (auto ok = app::CheckAccountName(name, "username"); !ok) co_return JsonError(ok.error());
               auto work = [api, name, caller = CallerOf(req)]() -> Response {
                 auto users = api.accounts.ListUsers();
                 if (!users) return JsonError(users.error());
                 const store::User* found = nullptr;
                 for (const auto& u : *users)
                   if (u.username == name) found = &u;
                 // An account outside the admin's territory reads as absent.
                 if (!found || !app::MayManage(caller.who, found->grants, UnitTerritory(api.reference)))
                   return JsonError(Error::NotFound("no user named '" + name + "'", "username"));
                 if (name == caller.who.name)
                   return JsonError(Error::Conflict("you cannot disable your own account", "username"));
                 auto r = api.accounts.DisableUser(name, app::AuditContext{caller.who.name, caller.remote});
                 if (!r) return JsonError(r.error());
                 return Json(200, json::object{{"username", name}, {"disabled", true}});
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/grids/import", "grids.import", Permission::kReferenceWrite,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto work = [api, &req, caller = CallerOf(req)]() -> Response {
                 auto allowed = [&caller](const std::string& community) {
                   return CoversTerritory(caller.who, Permission::kReferenceWrite, community);
                 };
                 auto r = api.territory.Import(req.body, allowed);
                 if (!r) return JsonError(r.error());
                 const std::string detail =
                     json::serialize(json::object{{"grids", r->grids}, {"shapes", r->shapes}, {"bytes", req.body.size()}});
                 // After the commit, like reference changes: a failure to record is logged.
                 if (auto a = api.accounts.Audit("grids.import", "grids", detail,
                                                 app::AuditContext{caller.who.name, caller.remote});
                     !a)
                   log::Error("audit.write_failed", {{"error", a.error().message}, {"action", "grids.import"}});
                 return Json(200, json::object{{"grids", r->grids}, {"shapes", r->shapes}});
               };
               co_return co_await api.offload.Run(std::move(work));
             }));
}

}  // namespace civicgrid::http
