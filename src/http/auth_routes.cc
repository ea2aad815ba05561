#include "http/auth_routes.h"

#include <boost/json.hpp>

#include "common/log.h"
#include "http/json_body.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

json::object UserJson(const store::User& u, const Principal& p) {
  json::array grants, permissions;
  for (const Grant& g : u.grants) grants.push_back(json::value(FormatGrant(g)));
  for (int i = 0; i < kPermissionCount; ++i) {
    const auto perm = static_cast<Permission>(i);
    if (perm != Permission::kPublic && perm != Permission::kSignedIn && p.Has(perm))
      permissions.push_back(json::value(PermissionName(perm)));
  }
  return json::object{{"username", u.username},
                      {"display_name", u.display_name},
                      {"grants", std::move(grants)},
                      {"permissions", std::move(permissions)}};
}

}  // namespace

std::string BearerToken(const Request& request) {
  std::string_view h = request.Header("authorization");
  if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) {
    h.remove_prefix(7);
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    return std::string(h.substr(0, 200));
  }
  std::string_view upgrade = request.Header("upgrade");
  if (upgrade.size() == 9 && (upgrade[0] == 'w' || upgrade[0] == 'W')) return request.Query("access_token");
  return {};
}

Guard MakeGuard(app::AccountService& accounts, std::function<int64_t(const Request&)> limit) {
  Guard g;
  g.authenticate = [&accounts](const Request& req) -> Result<std::optional<Principal>> {
    const std::string token = BearerToken(req);
    if (token.empty()) {
      if (!req.Header("authorization").empty())
        return Error::Unauthorized("the Authorization header must be: Bearer <token>");
      return std::optional<Principal>();
    }
    auto who = accounts.Authenticate(token);
    if (!who) return who.error();
    return std::optional<Principal>(std::move(*who));
  };
  g.limit = std::move(limit);
  g.denied = [&accounts](const Request& req, Permission missing) {
    json::object detail{{"needed", PermissionName(missing)},
                        {"route", req.route},
                        {"method", std::string(boost::beast::http::to_string(req.method))}};
    auto r = accounts.Audit("access.denied", req.path, json::serialize(detail),
                            app::AuditContext{req.principal ? req.principal->name : "", req.remote});
    if (!r) log::Error("audit.write_failed", {{"error", r.error().message}, {"action", "access.denied"}});
  };
  return g;
}

void AddAuthRoutes(Router& router, app::AccountService& accounts, Offload& offload) {
  router.Add(Verb::post, "/api/v1/auth/login", "auth.login", Permission::kPublic,
             Handler([&accounts, &offload](Request& req) -> boost::asio::awaitable<Response> {
               auto body = JsonObjectBody(req);
               if (!body) co_return JsonError(body.error());
               auto username = OptString(*body, "username", 40);
               if (!username) co_return JsonError(username.error());
               auto password = OptString(*body, "password", 128);
               if (!password) co_return JsonError(password.error());
               if (!*username) co_return JsonError(Error::InvalidArgument("username is required", "username"));
               if (!*password) co_return JsonError(Error::InvalidArgument("password is required", "password"));
               auto work = [&accounts, name = **username, pw = **password, remote = req.remote]() -> Response {
                 auto r = accounts.Login(name, pw, remote);
                 if (!r) return JsonError(r.error());
                 Response resp = Json(200, json::object{{"token", r->token},
                                                        {"token_type", "Bearer"},
                                                        {"expires_at", FormatTimestamp(r->expires_at)},
                                                        {"user", UserJson(r->user, r->principal)}});
                 resp.With("Cache-Control", "no-store");
                 return resp;
               };
               co_return co_await offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/auth/logout", "auth.logout", Permission::kSignedIn,
             Handler([&accounts, &offload](Request& req) -> boost::asio::awaitable<Response> {
               auto work = [&accounts, token = BearerToken(req), caller = CallerOf(req)]() -> Response {
                 if (caller.who.api_key)
                   return JsonError(Error::InvalidArgument("an API key has no session; revoke it instead", "token"));
                 auto r = accounts.Logout(token, app::AuditContext{caller.who.name, caller.remote});
                 if (!r) return JsonError(r.error());
                 return Json(200, json::object{{"signed_out", true}});
               };
               co_return co_await offload.Run(std::move(work));
             }));

  router.Add(Verb::get, "/api/v1/auth/me", "auth.me", Permission::kSignedIn, SyncHandler([](Request& req) -> Response {
               const Principal& p = req.who();
               store::User u;
               u.username = p.name;
               u.display_name = p.name;
               u.grants = p.grants;
               json::object o = UserJson(u, p);
               o["api_key"] = p.api_key;
               Response resp = Json(200, o);
               resp.With("Cache-Control", "no-store");
               return resp;
             }));
}

}  // namespace civicgrid::http
