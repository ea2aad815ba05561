// The case workflow end to end over HTTP: a real server on a loopback port over a real store (SQLite, or
// PostgreSQL as pg.CaseApi.*), with the reference data created through the API and a clock the test moves.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>

#include <boost/json.hpp>

#include "app/cases.h"
#include "app/reference.h"
#include "app/territory.h"
#include "app/accounts.h"
#include "http/auth_routes.h"
#include "http/case_routes.h"
#include "http/server.h"
#include "http/territory_routes.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/test_store.h"

namespace civicgrid {
namespace {
namespace json = boost::json;
using testing::FeatureCollection;
using testing::HttpRequest;
using testing::SquareFeature;

Timestamp At(const char* iso) {
  auto t = ParseTimestamp(iso, "t");
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : 0;
}

class CaseApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_, "cases.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    store::TerritoryChange c;
    c.divisions = testing::LiuqingDivisions();
    ASSERT_TRUE(store_->ApplyTerritory(c).ok());
    auto r = app::ImportGrids(*store_, FeatureCollection({SquareFeature("371302004001001", 118.34, 35.04, 118.35, 35.05),
                                                          SquareFeature("371302004001002", 118.35, 35.04, 118.36, 35.05),
                                                          SquareFeature("371302004002001", 118.34, 35.05, 118.36, 35.06)}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    territory_ = std::make_unique<app::TerritoryService>(*store_);
    ASSERT_TRUE(territory_->Refresh().ok());
    reference_ = std::make_unique<app::ReferenceService>(*store_);
    ASSERT_TRUE(reference_->Refresh().ok());
    now_ = At("2026-09-24T09:30:00+08:00");
    cases_ = std::make_unique<app::CaseService>(*store_, *territory_, *reference_, nullptr, [this] { return now_.load(); });
    app::AccountOptions ao;
    ao.password_cost = app::PasswordCost::kMinimal;
    ao.session_seconds = 400 * 86400;  // the test's clock moves on by days
    accounts_ = std::make_unique<app::AccountService>(*store_, ao, [this] { return now_.load(); });
    router_.SetGuard(http::MakeGuard(*accounts_, nullptr));
    AddUser("operator", "operator@371302");
    AddUser("grid_worker", "grid_worker@371302004");
    AddUser("resident", "resident");
    AddUser("leader", "leader@371302");
    http::AddStandardRoutes(router_, metrics_);
    http::AddTerritoryRoutes(router_, *territory_);
    http::CaseApi api{*cases_, *reference_, *territory_, offload_, accounts_.get()};
    http::AddCaseRoutes(router_, api);
    http::AddReferenceRoutes(router_, api);
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.log_requests = false;
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();

    // Reference data through the API, as an operator would enter it.
    county_center_ = Post("/api/v1/units", R"({"name":"兰山区社会治理指挥中心","kind":"command_center","territory":"371302"})",
                          201).at("id").as_int64();
    street_center_ = Post("/api/v1/units", R"({"name":"柳青街道网格化服务管理中心","kind":"command_center","territory":"371302004"})",
                          201).at("id").as_int64();
    heating_ = Post("/api/v1/units", R"({"name":"兰山区供热公司","kind":"company","territory":"371302"})", 201)
                   .at("id").as_int64();
    Post("/api/v1/categories", R"({"code":"01","name":"供热","limits":{"acknowledge":{"kind":"working_hours","amount":2},
          "handle":{"kind":"working_days","amount":2},"verify":{"kind":"working_days","amount":1}},"level":"county"})", 201);
    Post("/api/v1/categories", R"({"code":"0101","name":"暖气不热","parent":"01","limits":{"acknowledge":{"kind":"working_hours","amount":2},
          "handle":{"kind":"working_days","amount":2},"verify":{"kind":"working_days","amount":1}},"level":"county"})", 201);
    Post("/api/v1/categories", R"({"code":"99","name":"其他","limits":{"acknowledge":{"kind":"working_hours","amount":4},
          "handle":{"kind":"working_days","amount":5},"verify":{"kind":"working_days","amount":1}},"level":"street"})", 201);
    rule_ = Post("/api/v1/routing-rules", "{\"category\":\"01\",\"territory\":\"371302\",\"unit\":" + std::to_string(heating_) + "}",
                 201).at("id").as_int64();
    AddUser("unit_staff", "unit_staff#" + std::to_string(heating_));
  }

  // An account named after its role, signed in; its token is used for requests "as" that role.
  void AddUser(const std::string& name, const std::string& grant) {
    auto g = ParseGrant(grant);
    ASSERT_TRUE(g.ok()) << grant;
    auto u = accounts_->AddUser(app::NewUser{name, name, "password of " + name, {*g}}, {"test", ""});
    ASSERT_TRUE(u.ok()) << u.error().message;
    auto login = accounts_->Login(name, "password of " + name, "127.0.0.1:1");
    ASSERT_TRUE(login.ok()) << login.error().message;
    tokens_[name] = login->token;
  }

  json::value Send(const std::string& method, const std::string& target, const std::string& body, unsigned expect,
                   const std::string& role = "operator", std::map<std::string, std::string> headers = {}) {
    if (!role.empty()) headers["Authorization"] = "Bearer " + tokens_.at(role);
    headers["Content-Type"] = "application/json";
    auto reply = HttpRequest(port_, method, target, body, headers);
    EXPECT_EQ(reply.status, expect) << method << " " << target << ": " << reply.body;
    boost::system::error_code ec;
    json::value v = json::parse(reply.body, ec);
    EXPECT_FALSE(ec) << reply.body;
    return v;
  }
  json::value Post(const std::string& target, const std::string& body, unsigned expect, const std::string& role = "operator") {
    return Send("POST", target, body, expect, role);
  }
  // The server stops first, then the pool drains (its threads hand results back to the server's
  // executor), and only then is the server destroyed.
  void TearDown() override {
    if (server_) server_->Stop();
    offload_.Join();
    server_.reset();
  }

  json::value Get(const std::string& target, unsigned expect = 200) {
    return Send("GET", target, "", expect, "operator");
  }
  json::value Act(int64_t id, const std::string& body, const std::string& role, unsigned expect = 200) {
    return Post("/api/v1/cases/" + std::to_string(id) + "/actions", body, expect, role);
  }
  int64_t ReportHeatingCase(const std::string& key = "") {
    std::map<std::string, std::string> h;
    if (!key.empty()) h["Idempotency-Key"] = key;
    auto v = Send("POST", "/api/v1/cases",
                  R"({"channel":"hotline","category":"0101","description":"柳青街道甲社区3号楼暖气不热",
                      "location":{"lon":118.345,"lat":35.045},"reporter":{"name":"王女士","phone":"13800001234"}})",
                  201, "operator", h);
    return v.at("id").as_int64();
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::TerritoryService> territory_;
  std::unique_ptr<app::ReferenceService> reference_;
  std::unique_ptr<app::CaseService> cases_;
  std::unique_ptr<app::AccountService> accounts_;
  std::map<std::string, std::string> tokens_;
  std::atomic<Timestamp> now_{0};
  http::Router router_;
  http::Metrics metrics_;
  http::Offload offload_{4};
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
  int64_t county_center_ = 0, street_center_ = 0, heating_ = 0, rule_ = 0;
};

TEST_F(CaseApi, HeatingCaseInLiuqingWalksFromReportToClose) {
  const int64_t id = ReportHeatingCase();
  auto c = Get("/api/v1/cases/" + std::to_string(id));
  EXPECT_EQ(c.at("status").as_string(), "reported");
  EXPECT_EQ(c.at("grid").as_string(), "371302004001001");
  EXPECT_EQ(c.at("center").as_int64(), street_center_);
  EXPECT_EQ(c.at("level").as_string(), "street");

  now_ = At("2026-09-24T09:45:00+08:00");
  Act(id, R"({"action":"accept"})", "operator");
  // Thursday 10:00, before the Mid-Autumn holiday (Fri 09-25) and the weekend: 2 working days = 960
  // working minutes: 360 on Thursday, none Fri–Sun, 480 on Monday 09-28, 120 on Tuesday → 09-29 10:00.
  now_ = At("2026-09-24T10:00:00+08:00");
  c = Act(id, R"({"action":"dispatch"})", "operator");
  EXPECT_EQ(c.at("status").as_string(), "dispatched");
  EXPECT_EQ(c.at("unit").as_int64(), heating_);
  EXPECT_EQ(c.at("rule").as_int64(), rule_);
  EXPECT_EQ(c.at("deadlines").at("handle").as_string(), "2026-09-29T10:00:00+08:00");
  EXPECT_EQ(c.at("deadlines").at("acknowledge").as_string(), "2026-09-24T12:00:00+08:00");

  auto routing = Get("/api/v1/cases/" + std::to_string(id) + "/routing");
  EXPECT_EQ(routing.at("rule").as_int64(), rule_);
  EXPECT_FALSE(routing.at("fallback").as_bool());
  EXPECT_EQ(routing.at("dispatched_rule").as_int64(), rule_);

  now_ = At("2026-09-24T10:30:00+08:00");
  Act(id, R"({"action":"acknowledge"})", "unit_staff");
  now_ = At("2026-09-28T15:00:00+08:00");
  c = Act(id, R"({"action":"resolve","note":"更换循环泵，室温恢复20℃"})", "unit_staff");
  EXPECT_TRUE(c.at("resolved_on_time").as_bool());
  now_ = At("2026-09-28T16:00:00+08:00");
  Act(id, R"({"action":"verify_pass","note":"现场核查已恢复"})", "grid_worker");
  now_ = At("2026-09-29T09:00:00+08:00");
  Act(id, R"({"action":"callback","evaluation":"satisfied"})", "operator");
  c = Act(id, R"({"action":"close"})", "operator");
  EXPECT_EQ(c.at("status").as_string(), "closed");

  std::vector<std::string> steps;
  for (const auto& e : c.at("timeline").as_array()) steps.emplace_back(e.at("action").as_string());
  EXPECT_EQ(steps, (std::vector<std::string>{"report", "accept", "dispatch", "acknowledge", "resolve", "verify_pass",
                                             "callback", "close"}));
  const auto& dispatch = c.at("timeline").as_array()[2];
  EXPECT_EQ(dispatch.at("from").as_string(), "accepted");
  EXPECT_EQ(dispatch.at("to").as_string(), "dispatched");
  EXPECT_EQ(dispatch.at("actor").as_string(), "operator");
  EXPECT_EQ(dispatch.at("details").at("rule").as_int64(), rule_);
  EXPECT_EQ(c.at("timeline").as_array()[4].at("note").as_string(), "更换循环泵，室温恢复20℃");

  // Statistics follow, and agree with a recount.
  auto stats = Get("/api/v1/stats?under=371302&by=category");
  EXPECT_EQ(stats.at("counts").at("closed").as_int64(), 1);
  EXPECT_EQ(stats.at("rates").at("completion_rate").to_number<double>(), 1.0);
  EXPECT_EQ(stats.at("rates").at("satisfaction").to_number<double>(), 1.0);
  EXPECT_EQ(stats.at("groups").as_array()[0].at("key").as_string(), "0101");
  EXPECT_EQ(stats.at("groups").as_array()[0].at("name").as_string(), "暖气不热");
  store::StatsQuery q{"371302", 0, 0, store::StatsBy::kCategory};
  auto counted = store_->Stats(q);
  auto recount = store_->RecountStats(q);
  ASSERT_TRUE(counted.ok() && recount.ok());
  ASSERT_EQ(counted->size(), recount->size());
  EXPECT_EQ((*counted)[0].counts, (*recount)[0].counts);
}

TEST_F(CaseApi, IdempotentRetryReturnsTheSameCase) {
  const int64_t a = ReportHeatingCase("retry-7f3a");
  const int64_t b = ReportHeatingCase("retry-7f3a");
  EXPECT_EQ(a, b);
  auto n = store_->CountCases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_NE(ReportHeatingCase("another-key"), a);
}

TEST_F(CaseApi, TrackingShowsNoPersonalData) {
  std::map<std::string, std::string> none;
  auto v = Send("POST", "/api/v1/cases",
                R"({"channel":"resident_app","description":"路灯不亮","grid":"371302004002001",
                    "reporter":{"name":"李先生","phone":"13912345678"}})",
                201, "resident", none);
  const std::string code(v.at("tracking_code").as_string());
  auto reply = testing::HttpGet(port_, "/api/v1/track/" + code);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(reply.body.find("13912345678"), std::string::npos);
  EXPECT_EQ(reply.body.find("李先生"), std::string::npos);
  auto t = json::parse(reply.body);
  EXPECT_EQ(t.at("status").as_string(), "reported");
  EXPECT_EQ(t.at("timeline").as_array().size(), 1u);
  EXPECT_EQ(testing::HttpGet(port_, "/api/v1/track/ZZZZ-ZZZZ-ZZZZ").status, 404u);
}

TEST_F(CaseApi, ActionNotAllowedAnswers409WithTheAllowedActions) {
  const int64_t id = ReportHeatingCase();
  auto e = Act(id, R"({"action":"close"})", "operator", 409);
  EXPECT_EQ(e.at("error").at("field").as_string(), "action");
  std::vector<std::string> allowed;
  for (const auto& a : e.at("error").at("allowed_actions").as_array()) allowed.emplace_back(a.as_string());
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), "accept"), allowed.end());
  EXPECT_EQ(std::find(allowed.begin(), allowed.end(), "close"), allowed.end());
  // A role the table does not allow, on a case in scope.
  auto f = Act(id, R"({"action":"accept"})", "grid_worker", 403);
  EXPECT_EQ(f.at("error").at("field").as_string(), "role");
  // A role without case.act at all; and nobody signed in.
  Act(id, R"({"action":"accept"})", "resident", 403);
  auto g = Post("/api/v1/cases/" + std::to_string(id) + "/actions", R"({"action":"accept"})", 401, "");
  EXPECT_EQ(g.at("error").at("code").as_string(), "unauthorized");
  // A reject without its reason.
  auto h = Act(id, R"({"action":"reject"})", "operator", 400);
  EXPECT_EQ(h.at("error").at("field").as_string(), "note");
}

TEST_F(CaseApi, BadReportsNameTheField) {
  std::map<std::string, std::string> none;
  auto field = [&](const std::string& body) {
    auto v = Send("POST", "/api/v1/cases", body, 400, "operator", none);
    return std::string(v.at("error").at("field").as_string());
  };
  EXPECT_EQ(field(R"({"description":"x","grid":"371302004002001"})"), "channel");
  EXPECT_EQ(field(R"({"channel":"fax","description":"x","grid":"371302004002001"})"), "channel");
  EXPECT_EQ(field(R"({"channel":"hotline","grid":"371302004002001"})"), "description");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x"})"), "location");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x","location":{"lon":120.5,"lat":36.0}})"), "location");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x","location":{"lon":"a","lat":36.0}})"), "lon");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x","grid":"371302004009009"})"), "grid");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x","address":"北京市朝阳区"})"), "address");
  EXPECT_EQ(field(R"({"channel":"hotline","description":"x","grid":"371302004002001","category":"7777"})"), "category");
  EXPECT_EQ(field(R"([1,2])"), "body");
  auto n = store_->CountCases();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
}

TEST_F(CaseApi, AddressTextFindsTheDivision) {
  std::map<std::string, std::string> none;
  auto v = Send("POST", "/api/v1/cases",
                R"({"channel":"hotline","description":"楼道堆放杂物","address":"兰山区柳青街道乙社区5号楼"})", 201, "operator", none);
  EXPECT_EQ(v.at("territory").as_string(), "371302004002");
  EXPECT_TRUE(v.at("grid").is_null());
}

TEST_F(CaseApi, FallbackToTheStreetCenterWithoutARule) {
  std::map<std::string, std::string> none;
  auto v = Send("POST", "/api/v1/cases",
                R"({"channel":"grid_worker","description":"井盖松动","category":"99","location":{"lon":118.355,"lat":35.045}})",
                201, "grid_worker", none);
  const int64_t id = v.at("id").as_int64();
  Act(id, R"({"action":"accept"})", "operator");
  auto c = Act(id, R"({"action":"dispatch"})", "operator");
  EXPECT_EQ(c.at("unit").as_int64(), street_center_);
  EXPECT_TRUE(c.at("rule").is_null());
  auto explain = Get("/api/v1/routing?category=99&territory=371302004001002");
  EXPECT_TRUE(explain.at("fallback").as_bool());
  // A dispatch to a unit chosen by hand.
  AddUser("center_staff", "unit_staff#" + std::to_string(street_center_));
  Act(id, R"({"action":"return","note":"不属于本单位"})", "unit_staff", 403);  // the heating company's staff
  Act(id, R"({"action":"return","note":"不属于本单位"})", "center_staff");
  c = Act(id, "{\"action\":\"dispatch\",\"unit\":" + std::to_string(heating_) + "}", "operator");
  EXPECT_EQ(c.at("unit").as_int64(), heating_);
  EXPECT_EQ(c.at("counts").at("returns").as_int64(), 1);
}

TEST_F(CaseApi, ListFiltersAndKeysetPages) {
  for (int i = 0; i < 5; ++i) ReportHeatingCase();
  std::map<std::string, std::string> none;
  Send("POST", "/api/v1/cases", R"({"channel":"drone","description":"裸土未覆盖","grid":"371302004002001"})", 201, "operator", none);
  auto all = Get("/api/v1/cases?under=371302004&limit=4");
  ASSERT_EQ(all.at("cases").as_array().size(), 4u);
  const int64_t next = all.at("next").as_int64();
  auto rest = Get("/api/v1/cases?under=371302004&limit=4&before=" + std::to_string(next));
  EXPECT_EQ(rest.at("cases").as_array().size(), 2u);
  EXPECT_TRUE(rest.at("next").is_null());
  EXPECT_EQ(Get("/api/v1/cases?channel=drone").at("cases").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/v1/cases?category=01").at("cases").as_array().size(), 5u);
  EXPECT_EQ(Get("/api/v1/cases?q=%E8%A3%B8%E5%9C%9F").at("cases").as_array().size(), 1u);  // 裸土
  EXPECT_EQ(Get("/api/v1/cases?under=371302004002").at("cases").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/v1/cases?status=closed").at("cases").as_array().size(), 0u);
  // The list never shows personal data.
  EXPECT_EQ(json::serialize(Get("/api/v1/cases")).find("13800001234"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/cases?status=nope", 400).at("error").at("field").as_string(), "status");
  EXPECT_EQ(Get("/api/v1/cases?warning=green", 400).at("error").at("field").as_string(), "warning");
}

TEST_F(CaseApi, OverdueIsMarkedOnceAndWarningsShow) {
  const int64_t id = ReportHeatingCase();
  now_ = At("2026-09-24T10:00:00+08:00");
  Act(id, R"({"action":"accept"})", "operator");
  Act(id, R"({"action":"dispatch"})", "operator");
  // 80% of 960 working minutes = 768: Thursday 360 + Monday 408 → Monday 09-28 16:48.
  now_ = At("2026-09-28T17:00:00+08:00");
  EXPECT_EQ(Get("/api/v1/cases?warning=yellow").at("cases").as_array().size(), 1u);
  auto none = cases_->MarkOverdue();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  now_ = At("2026-09-29T10:05:00+08:00");
  EXPECT_EQ(Get("/api/v1/cases?warning=red").at("cases").as_array().size(), 1u);
  auto marked = cases_->MarkOverdue();
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(*marked, 1u);
  auto again = cases_->MarkOverdue();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  auto c = Get("/api/v1/cases/" + std::to_string(id));
  EXPECT_TRUE(c.at("overdue").as_bool());
  int overdue_events = 0;
  for (const auto& e : c.at("timeline").as_array()) overdue_events += e.at("action").as_string() == "mark_overdue";
  EXPECT_EQ(overdue_events, 1);
  EXPECT_EQ(Get("/api/v1/cases?overdue=true").at("cases").as_array().size(), 1u);
}

TEST_F(CaseApi, ChangingTheCalendarMovesOpenDeadlines) {
  const int64_t id = ReportHeatingCase();
  now_ = At("2026-09-24T10:00:00+08:00");
  Act(id, R"({"action":"accept"})", "operator");
  auto c = Act(id, R"({"action":"dispatch"})", "operator");
  EXPECT_EQ(c.at("deadlines").at("handle").as_string(), "2026-09-29T10:00:00+08:00");
  // Declare Monday 09-28 an off day as well: the deadline moves one working day.
  auto cal = Get("/api/v1/calendars/cn-national");
  json::object body;
  body["name"] = cal.at("name");
  json::array overrides = cal.at("overrides").as_array();
  overrides.push_back(json::object{{"date", "2026-09-28"}, {"working", false}, {"note", "测试：临时放假"}});
  body["overrides"] = overrides;
  auto saved = Send("PUT", "/api/v1/calendars/cn-national", json::serialize(body), 200);
  EXPECT_EQ(saved.at("recomputed_cases").as_int64(), 1);
  c = Get("/api/v1/cases/" + std::to_string(id));
  EXPECT_EQ(c.at("deadlines").at("handle").as_string(), "2026-09-30T10:00:00+08:00");
  EXPECT_EQ(c.at("timeline").as_array().back().at("action").as_string(), "recompute_deadlines");
  // Only operators edit reference data; bad calendars name the field.
  Send("PUT", "/api/v1/calendars/cn-national", json::serialize(body), 403, "unit_staff");
  auto bad = Send("PUT", "/api/v1/calendars/cn-national", R"({"name":"x","office_hours":["18:00-08:00"]})", 400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "office_hours");
}

TEST_F(CaseApi, ReferenceListsAndErrors) {
  EXPECT_EQ(Get("/api/v1/units").at("units").as_array().size(), 3u);
  EXPECT_EQ(Get("/api/v1/units?kind=command_center").at("units").as_array().size(), 2u);
  EXPECT_EQ(Get("/api/v1/categories").at("categories").as_array().size(), 3u);
  EXPECT_EQ(Get("/api/v1/routing-rules?category=0101").at("routing_rules").as_array().size(), 1u);
  EXPECT_GE(Get("/api/v1/calendars").at("calendars").as_array().size(), 1u);
  auto e = Post("/api/v1/routing-rules", R"({"category":"01","territory":"371302","unit":999})", 400);
  EXPECT_EQ(e.at("error").at("field").as_string(), "unit");
  e = Post("/api/v1/categories", R"({"code":"0201","name":"x","parent":"02","limits":{"acknowledge":{"kind":"working_hours","amount":2},
          "handle":{"kind":"working_days","amount":2},"verify":{"kind":"working_days","amount":1}}})", 400);
  EXPECT_EQ(e.at("error").at("field").as_string(), "parent");
  e = Post("/api/v1/units", R"({"name":"x","kind":"department","territory":"37130"})", 400);
  EXPECT_EQ(e.at("error").at("field").as_string(), "territory");
  Send("DELETE", "/api/v1/routing-rules/" + std::to_string(rule_), "", 200);
  Send("DELETE", "/api/v1/routing-rules/" + std::to_string(rule_), "", 404);
}

// A category's description, keywords and extra questions: optional on input, always in the answers,
// round-tripped through the store, and a bad one refused naming its field.
TEST_F(CaseApi, CategoriesCarryDescriptionKeywordsAndAttributes) {
  auto find = [&](const std::string& code) {
    const json::value all = Get("/api/v1/categories");
    for (const auto& c : all.at("categories").as_array())
      if (c.at("code").as_string() == code) return c;
    ADD_FAILURE() << "no category " << code;
    return json::value();
  };
  json::value plain = find("0101");
  EXPECT_EQ(plain.at("description").as_string(), "");
  EXPECT_TRUE(plain.at("keywords").as_array().empty());
  EXPECT_TRUE(plain.at("attributes").as_array().empty());

  const std::string limits = R"("limits":{"acknowledge":{"kind":"urgent_hours","amount":1},
      "handle":{"kind":"urgent_hours","amount":24},"verify":{"kind":"working_days","amount":1}})";
  const std::string leak = R"({"name":"供热管道漏水","parent":"01","level":"county",)" + limits + R"(,
      "description":"供热管道、阀门或暖气片漏水","keywords":["漏水","暖气片","管道"],
      "attributes":[{"code":"leak_size","datatype":"singlevaluelist","required":true,"description":"漏水程度",
                     "values":[{"key":"drip","name":"滴漏"},{"key":"stream","name":"细流"},{"key":"burst","name":"喷涌"}]},
                    {"code":"floor","datatype":"number","description":"楼层","datatype_description":"整数"}]})";
  const json::value expected = json::parse(R"([
      {"code":"leak_size","datatype":"singlevaluelist","required":true,"variable":true,"description":"漏水程度",
       "datatype_description":"","order":1,
       "values":[{"key":"drip","name":"滴漏"},{"key":"stream","name":"细流"},{"key":"burst","name":"喷涌"}]},
      {"code":"floor","datatype":"number","required":false,"variable":true,"description":"楼层",
       "datatype_description":"整数","order":2,"values":[]}])");
  auto saved = Send("PUT", "/api/v1/categories/0103", leak, 200);
  EXPECT_EQ(saved.at("attributes"), expected);
  json::value listed = find("0103");
  EXPECT_EQ(listed.at("description").as_string(), "供热管道、阀门或暖气片漏水");
  EXPECT_EQ(listed.at("keywords"), json::parse(R"(["漏水","暖气片","管道"])"));
  EXPECT_EQ(listed.at("attributes"), expected);
  // What the API answers it takes back unchanged.
  json::object again = listed.as_object();
  again.erase("code");
  EXPECT_EQ(Send("PUT", "/api/v1/categories/0103", json::serialize(again), 200), listed);

  // A bad one is refused naming the field, and nothing changes.
  auto bad = Send("PUT", "/api/v1/categories/0103",
                  R"({"name":"供热管道漏水","parent":"01",)" + limits +
                      R"(,"attributes":[{"code":"leak_size","datatype":"list","description":"漏水程度"}]})",
                  400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "attributes[0].datatype");
  bad = Send("PUT", "/api/v1/categories/0103",
             R"({"name":"供热管道漏水","parent":"01",)" + limits +
                 R"(,"attributes":[{"code":"a","datatype":"string","description":"甲"},{"code":"a","datatype":"string","description":"乙"}]})",
             400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "attributes[1].code");
  bad = Send("PUT", "/api/v1/categories/0103",
             R"({"name":"供热管道漏水","parent":"01",)" + limits + R"(,"keywords":"漏水"})", 400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "keywords");
  bad = Send("PUT", "/api/v1/categories/0103",
             R"({"name":"供热管道漏水","parent":"01",)" + limits + R"(,"keywords":["漏水,管道"]})", 400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "keywords");
  bad = Send("PUT", "/api/v1/categories/0103",
             R"({"name":"供热管道漏水","parent":"01",)" + limits + R"(,"description":")" + std::string(1001, 'x') +
                 R"("})",
             400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "description");
  bad = Post("/api/v1/categories",
             R"({"code":"0104","name":"供暖收费","parent":"01",)" + limits + R"(,"attributes":{"code":"a"}})", 400);
  EXPECT_EQ(bad.at("error").at("field").as_string(), "attributes");
  EXPECT_EQ(find("0103"), listed);
}

TEST_F(CaseApi, ReporterIsMaskedAndRevealedOnlyWithAnAuditedReason) {
  const int64_t id = ReportHeatingCase();
  const std::string url = "/api/v1/cases/" + std::to_string(id);
  auto c = Get(url);
  EXPECT_EQ(c.at("reporter").at("phone").as_string(), "138****1234");
  EXPECT_EQ(c.at("reporter").at("name").as_string(), "王**");
  EXPECT_EQ(json::serialize(c).find("13800001234"), std::string::npos);
  // A reveal needs case.reveal (not a grid worker's), a reason, and the case in scope.
  Post(url + "/reveal", R"({"reason":"回访核实"})", 403, "grid_worker");
  EXPECT_EQ(Post(url + "/reveal", "{}", 400).at("error").at("field").as_string(), "reason");
  auto r = Post(url + "/reveal", R"({"reason":"回访核实"})", 200);
  EXPECT_EQ(r.at("reporter").at("phone").as_string(), "13800001234");
  EXPECT_EQ(r.at("reporter").at("name").as_string(), "王女士");
  // The reveal is in the audit log, once, with its reason.
  auto audit = store_->ReadAudit(0, 1000);
  ASSERT_TRUE(audit.ok()) << audit.error().message;
  std::vector<security::AuditRecord> reveals;
  for (const auto& r : *audit)
    if (r.action == "personal_data.reveal") reveals.push_back(r);
  ASSERT_EQ(reveals.size(), 1u);
  EXPECT_EQ(reveals[0].actor, "operator");
  EXPECT_EQ(reveals[0].target, "case:" + std::to_string(id));
  EXPECT_NE(reveals[0].detail.find("回访核实"), std::string::npos);
}

TEST_F(CaseApi, TheDatabaseFilesHoldNoPhoneNumberInClear) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "SQLite file check: reads the bytes of the SQLite database files";
  for (int i = 0; i < 5; ++i) ReportHeatingCase("key-" + std::to_string(i));
  Send("POST", "/api/v1/cases",
       R"({"channel":"resident_app","description":"路灯不亮","grid":"371302004002001",
           "reporter":{"name":"李先生","phone":"13912345678"}})",
       201, "resident");
  auto cases = store_->CountCases();
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(*cases, 6);
  // The database, its WAL and shared memory: every byte, with the writer's pages still in the WAL.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string path = dir_.File("cases.db") + suffix;
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("13800001234"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("13912345678"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("王女士"), std::string::npos) << path;
  }
  // And the store still reads them whole.
  auto c = store_->GetCase(1);
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->reporter_phone, "13800001234");
}

}  // namespace
}  // namespace civicgrid
