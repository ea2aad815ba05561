// Router unit tests: matching, parameters, 404/405, HEAD fallback, registration errors. No server.
#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <stdexcept>

namespace civicgrid::http {
namespace {

namespace asio = boost::asio;

Request MakeRequest(Verb method, std::string_view target) {
  Request request;
  request.method = method;
  auto parsed = ParseTarget(target, request);
  EXPECT_TRUE(parsed.ok()) << target;
  return request;
}

// Runs Router::Dispatch to completion on a private io_context.
Response DispatchNow(const Router& router, Request& request) {
  asio::io_context ioc;
  auto future = asio::co_spawn(ioc, router.Dispatch(request), asio::use_future);
  ioc.run();
  return future.get();
}

SyncHandler Named(std::string text) {
  return [text](Request&) { return Text(200, text); };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add(Verb::get, "/api/v1/divisions", "divisions.list", Permission::kPublic, Named("list"));
  router.Add(Verb::get, "/api/v1/divisions/{code}", "divisions.get", Permission::kPublic, Named("get"));
  router.Add(Verb::get, "/api/v1/divisions/{code}/children/{level}", "divisions.children", Permission::kPublic, Named("children"));

  Request list = MakeRequest(Verb::get, "/api/v1/divisions?limit=5");
  EXPECT_EQ(DispatchNow(router, list).body, "list");
  EXPECT_EQ(list.route, "divisions.list");
  EXPECT_EQ(list.query.at("limit"), "5");

  Request get = MakeRequest(Verb::get, "/api/v1/divisions/110101");
  EXPECT_EQ(DispatchNow(router, get).body, "get");
  EXPECT_EQ(get.Param("code"), "110101");
  EXPECT_EQ(get.route, "divisions.get");

  Request children = MakeRequest(Verb::get, "/api/v1/divisions/11/children/city");
  EXPECT_EQ(DispatchNow(router, children).body, "children");
  EXPECT_EQ(children.params.size(), 2u);
  EXPECT_EQ(children.Param("code"), "11");
  EXPECT_EQ(children.Param("level"), "city");
}

TEST(Router, ParametersAreDecodedSegments) {
  Router router;
  router.Add(Verb::get, "/api/items/{id}", "items.get", Permission::kPublic, Named("item"));
  Request request = MakeRequest(Verb::get, "/api/items/a%2Fb%20c");
  EXPECT_EQ(DispatchNow(router, request).status, 200u);
  EXPECT_EQ(request.Param("id"), "a/b c");
  EXPECT_EQ(request.path, "/api/items/a/b c");
}

TEST(Router, TrailingSlashIsTolerated) {
  Router router;
  router.Add(Verb::get, "/api/items", "items.list", Permission::kPublic, Named("list"));
  Request request = MakeRequest(Verb::get, "/api/items/");
  EXPECT_EQ(DispatchNow(router, request).status, 200u);
}

TEST(Router, LiteralBeatsParameter) {
  Router router;
  router.Add(Verb::get, "/api/items/{id}", "items.get", Permission::kPublic, Named("param"));
  router.Add(Verb::get, "/api/items/new", "items.new", Permission::kPublic, Named("literal"));
  Request literal = MakeRequest(Verb::get, "/api/items/new");
  EXPECT_EQ(DispatchNow(router, literal).body, "literal");
  Request param = MakeRequest(Verb::get, "/api/items/old");
  EXPECT_EQ(DispatchNow(router, param).body, "param");
}

TEST(Router, UnknownPathIs404Json) {
  Router router;
  router.Add(Verb::get, "/api/items", "items.list", Permission::kPublic, Named("list"));
  Request request = MakeRequest(Verb::get, "/api/nothing/here");
  Response response = DispatchNow(router, request);
  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "not_found");
  EXPECT_TRUE(request.route.empty());
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.Add(Verb::get, "/api/items/{id}", "items.get", Permission::kPublic, Named("get"));
  router.Add(Verb::delete_, "/api/items/{id}", "items.delete", Permission::kPublic, Named("delete"));
  Request request = MakeRequest(Verb::post, "/api/items/7");
  request.method = Verb::post;
  Response response = DispatchNow(router, request);
  EXPECT_EQ(response.status, 405u);
  ASSERT_TRUE(response.Header("allow").has_value());
  EXPECT_EQ(*response.Header("Allow"), "DELETE, GET, HEAD");
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code").as_string(), "method_not_allowed");
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.Add(Verb::get, "/healthz", "healthz", Permission::kPublic, Named("ok"));
  Request request = MakeRequest(Verb::head, "/healthz");
  request.method = Verb::head;
  Response response = DispatchNow(router, request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(request.route, "healthz");
}

TEST(Router, CoroutineHandlersCanAwait) {
  Router router;
  router.Add(Verb::post, "/api/slow", "slow", Permission::kPublic, Handler([](Request& request) -> asio::awaitable<Response> {
               asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
               co_await timer.async_wait(asio::use_awaitable);
               co_return Text(201, "waited for " + request.body);
             }));
  Request request = MakeRequest(Verb::post, "/api/slow");
  request.method = Verb::post;
  request.body = "me";
  Response response = DispatchNow(router, request);
  EXPECT_EQ(response.status, 201u);
  EXPECT_EQ(response.body, "waited for me");
}

TEST(Router, HandlerExceptionsPropagate) {
  Router router;
  router.Add(Verb::get, "/api/boom", "boom", Permission::kPublic, SyncHandler([](Request&) -> Response {
               throw std::runtime_error("boom");
             }));
  Request request = MakeRequest(Verb::get, "/api/boom");
  EXPECT_THROW(DispatchNow(router, request), std::runtime_error);
}

TEST(Router, RejectsMalformedOrDuplicateRoutes) {
  Router router;
  EXPECT_THROW(router.Add(Verb::get, "api/x", "x", Permission::kPublic, Named("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/api//x", "x", Permission::kPublic, Named("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/api/{}", "x", Permission::kPublic, Named("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/api/{id", "x", Permission::kPublic, Named("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/api/x{id}", "x", Permission::kPublic, Named("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/api/{id}/{id}", "x", Permission::kPublic, Named("")), std::invalid_argument);
  router.Add(Verb::get, "/api/{id}", "x", Permission::kPublic, Named(""));
  EXPECT_THROW(router.Add(Verb::get, "/api/{id}", "y", Permission::kPublic, Named("")), std::invalid_argument);
  router.Add(Verb::put, "/api/{id}", "x.put", Permission::kPublic, Named(""));  // another method is fine
}

TEST(Router, ListsRoutesInRegistrationOrder) {
  Router router;
  router.Add(Verb::get, "/api/v1/divisions/{code}", "divisions.get", Permission::kPublic, Named(""));
  router.Add(Verb::post, "/api/v1/cases", "cases.create", Permission::kPublic, Named(""));
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, Verb::get);
  EXPECT_EQ(routes[0].pattern, "/api/v1/divisions/{code}");
  EXPECT_EQ(routes[0].name, "divisions.get");
  EXPECT_EQ(routes[1].method, Verb::post);
  EXPECT_EQ(routes[1].name, "cases.create");
}

TEST(Message, ParsesQueryLastKeyWinsAndPlusIsSpace) {
  Request request;
  ASSERT_TRUE(ParseTarget("/api/x?q=a%20b&x=1&x=2&p=c+d&empty=", request).ok());
  EXPECT_EQ(request.path, "/api/x");
  EXPECT_EQ(request.query.at("q"), "a b");
  EXPECT_EQ(request.query.at("x"), "2");
  EXPECT_EQ(request.query.at("p"), "c d");
  EXPECT_EQ(request.Query("empty", "fallback"), "");
  EXPECT_EQ(request.Query("missing", "fallback"), "fallback");
  EXPECT_FALSE(ParseTarget("http://example.com/x", request).ok());
  EXPECT_FALSE(ParseTarget("no-slash", request).ok());
}

TEST(Message, JsonErrorShapeAndStatusMapping) {
  Response with_field = JsonError(Error::InvalidArgument("bad code", "code"));
  EXPECT_EQ(with_field.status, 400u);
  EXPECT_EQ(with_field.body, R"({"error":{"code":"invalid_argument","message":"bad code","field":"code"}})");
  Response without_field = JsonError(Error::NotFound("no such \"thing\""));
  EXPECT_EQ(without_field.status, 404u);
  EXPECT_EQ(without_field.body, R"({"error":{"code":"not_found","message":"no such \"thing\""}})");
  EXPECT_EQ(StatusFor(Error::Conflict("x")), 409u);
  EXPECT_EQ(StatusFor({"forbidden", "", ""}), 403u);
  EXPECT_EQ(StatusFor({"unauthorized", "", ""}), 401u);
  EXPECT_EQ(StatusFor({"too_many_requests", "", ""}), 429u);
  EXPECT_EQ(StatusFor({"payload_too_large", "", ""}), 413u);
  EXPECT_EQ(StatusFor({"unsupported_media_type", "", ""}), 415u);
  EXPECT_EQ(StatusFor(Error::Internal("x")), 500u);
  EXPECT_EQ(StatusFor({"something_else", "", ""}), 500u);
  Response json = Json(Status::created, boost::json::value{{"a", 1}});
  EXPECT_EQ(json.status, 201u);
  EXPECT_EQ(json.body, R"({"a":1})");
}

TEST(Message, HeaderLookupIsCaseInsensitive) {
  Request request;
  request.headers["content-type"] = "application/json";
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("X-Missing"), "");
}

// The guard: credentials, the permission of the route, the rate limit of public and anonymous calls.
TEST(RouterGuard, AuthenticatesChecksThePermissionAndLimits) {
  Router router;
  router.Add(Verb::get, "/open", "open", Permission::kPublic, Named("open"));
  router.Add(Verb::get, "/cases", "cases", Permission::kCaseRead, Named("cases"));
  router.Add(Verb::get, "/users", "users", Permission::kAccountAdmin, Named("users"));
  std::vector<std::string> denied;
  int64_t wait = 0;
  Guard g;
  g.authenticate = [](const Request& r) -> Result<std::optional<Principal>> {
    const std::string token(r.Header("authorization"));
    if (token.empty()) return std::optional<Principal>();
    if (token != "Bearer good") return Error::Unauthorized("bad token");
    Principal p;
    p.name = "op";
    p.grants = {Grant{Role::kOperator, "371302", 0}};
    return std::optional<Principal>(p);
  };
  g.limit = [&wait](const Request&) { return wait; };
  g.denied = [&denied](const Request& r, Permission p) { denied.push_back(r.route + " " + std::string(PermissionName(p))); };
  router.SetGuard(g);
  auto call = [&](std::string_view target, std::string token) {
    Request r = MakeRequest(Verb::get, target);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return DispatchNow(router, r);
  };
  EXPECT_EQ(call("/open", "").status, 200u);
  EXPECT_EQ(call("/cases", "").status, 401u);
  EXPECT_EQ(call("/cases", "forged").status, 401u);
  EXPECT_EQ(call("/open", "forged").status, 401u);  // bad credentials are refused even where none are needed
  EXPECT_EQ(call("/cases", "good").status, 200u);
  EXPECT_EQ(call("/users", "good").status, 403u);
  EXPECT_EQ(denied, std::vector<std::string>{"users account.admin"});
  wait = 7;
  Response limited = call("/open", "");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.Header("Retry-After").value_or(""), "7");
  EXPECT_EQ(call("/cases", "").status, 429u);       // anonymous calls are limited too
  EXPECT_EQ(call("/cases", "good").status, 200u);   // signed-in calls to non-public routes are not
  EXPECT_EQ(call("/open", "good").status, 429u);    // public routes are, whoever calls
}

}  // namespace
}  // namespace civicgrid::http
