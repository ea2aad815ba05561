// Every route × every role × in scope / out of scope, on a real server with the platform's whole route
// set (http/api.h) and real accounts. The table below says, per route, who may call it and whether it
// reads or acts on a case; a route registered without an entry here fails RoutesAreAllInTheTable.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "app/accounts.h"
#include "app/attachments.h"
#include "app/cases.h"
#include "app/reference.h"
#include "app/territory.h"
#include "http/api.h"
#include "http/auth_routes.h"
#include "http/server.h"
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

std::string Bytes(std::initializer_list<unsigned char> bytes) { return std::string(bytes.begin(), bytes.end()); }
// A real 3×2 RGB PNG.
const std::string kPng = Bytes({0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
                                0x44, 0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00,
                                0x00, 0x12, 0x16, 0xf1, 0x4d, 0x00, 0x00, 0x00, 0x15, 0x49, 0x44, 0x41, 0x54, 0x78,
                                0xda, 0x63, 0xf8, 0xcf, 0xc0, 0xc0, 0x00, 0xc1, 0xff, 0xff, 0x83, 0xe8, 0x86, 0x86,
                                0x06, 0x00, 0x47, 0xcf, 0x07, 0x7b, 0x62, 0x21, 0x8f, 0x81, 0x00, 0x00, 0x00, 0x00,
                                0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82});

// The callers: one account per role (scoped to 甲社区 371302004001 or its grid 001, or unit A), an API
// key of 甲社区, and nobody.
const std::vector<std::string> kCallers = {"resident", "grid_worker", "operator", "unit_staff",
                                           "leader",   "admin",       "apikey",   "anonymous"};

// How a route relates to a case: not at all, reading one (out of scope → 404), acting on one (→ 403).
enum class Scoped { kNo, kRead, kAct };

// One request; `in` selects the in-scope or out-of-scope variant.
struct Call {
  std::string method, target, body, content_type = "application/json";
};

struct RouteSpec {
  std::set<std::string> allowed;  // callers that get the success answer (in scope)
  Scoped scoped = Scoped::kNo;
  unsigned ok = 200;
  std::function<Call(bool in)> make;
};

class AccessMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_, "matrix.db");
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
    cases_ = std::make_unique<app::CaseService>(*store_, *territory_, *reference_, nullptr, [] { return now(); });
    app::AccountOptions ao;
    ao.password_cost = app::PasswordCost::kMinimal;
    accounts_ = std::make_unique<app::AccountService>(*store_, ao, [] { return now(); });
    attachments_ = std::make_unique<app::AttachmentStore>(dir_.File("attachments"), 1 << 20);
    router_.SetGuard(http::MakeGuard(*accounts_, nullptr));
    open311_ = std::make_unique<app::Open311>(*store_, *cases_, *territory_, *reference_, *accounts_,
                                              app::Open311Options{true});
    http::AddApiRoutes(router_, http::ApiServices{*territory_, *reference_, *cases_, *accounts_, *attachments_,
                                                  *open311_, offload_, metrics_});
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.log_requests = false;
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();

    // Reference data: the street's center, units A (in scope) and B, categories, a rule to A.
    Unit center{0, "柳青街道网格化服务管理中心", UnitKind::kCommandCenter, "371302004", "", true};
    Unit a{0, "兰山区供热公司", UnitKind::kCompany, "371302", "", true};
    Unit b{0, "兰山区住建局", UnitKind::kDepartment, "371302", "", true};
    ASSERT_TRUE(reference_->PutUnit(center).ok());
    auto ua = reference_->PutUnit(a);
    auto ub = reference_->PutUnit(b);
    ASSERT_TRUE(ua.ok() && ub.ok());
    unit_a_ = ua->id;
    unit_b_ = ub->id;
    Category major;
    major.code = "01";
    major.name = "供热";
    Category minor = major;
    minor.code = "0101";
    minor.name = "暖气不热";
    minor.parent = "01";
    ASSERT_TRUE(reference_->PutCategory(major).ok());
    ASSERT_TRUE(reference_->PutCategory(minor).ok());
    RoutingRule rule;
    rule.category = "01";
    rule.territory = "371302";
    rule.unit = unit_a_;
    ASSERT_TRUE(reference_->PutRoutingRule(rule).ok());

    // Accounts and their tokens.
    AddUser("resident", {"resident"});
    AddUser("resident2", {"resident"});
    AddUser("grid_worker", {"grid_worker@371302004001001"});
    AddUser("operator", {"operator@371302004001"});
    AddUser("unit_staff", {"unit_staff#" + std::to_string(unit_a_)});
    AddUser("leader", {"leader@371302004001"});
    AddUser("admin", {"admin@371302004001"});
    AddUser("dispatcher", {"operator@371302004"});  // sets the cases up
    for (const auto& name : kCallers)
      if (name != "apikey" && name != "anonymous") tokens_[name] = Login(name);
    tokens_["dispatcher"] = Login("dispatcher");
    tokens_["resident2"] = Login("resident2");
    app::NewApiKey key{"apikey", {Permission::kCaseReport, Permission::kCaseRead, Permission::kStatsRead,
                                   Permission::kAttachmentWrite}, "371302004001"};
    auto k = accounts_->AddApiKey(key, {"test", ""});
    ASSERT_TRUE(k.ok()) << k.error().message;
    tokens_["apikey"] = k->secret;

    // The in-scope case: grid 371302004001001, reported by "resident", dispatched to unit A. The
    // out-of-scope case: grid 371302004002001, reported by "resident2", dispatched to unit B.
    in_case_ = Report("resident", 118.345, 35.045);
    out_case_ = Report("resident2", 118.35, 35.055);
    Act(in_case_, R"({"action":"accept"})");
    Act(in_case_, R"({"action":"dispatch","category":"0101"})");
    Act(out_case_, R"({"action":"accept"})");
    Act(out_case_, "{\"action\":\"dispatch\",\"category\":\"0101\",\"unit\":" + std::to_string(unit_b_) + "}");
    auto v = Send("GET", "/api/v1/cases/" + std::to_string(in_case_), "", "dispatcher");
    ASSERT_EQ(v.first, 200u);
    in_code_ = json::parse(v.second).at("tracking_code").as_string().c_str();
    auto up = Send("POST", "/api/v1/attachments", kPng, "dispatcher", "image/png");
    ASSERT_EQ(up.first, 201u) << up.second;
    attachment_ = json::parse(up.second).at("id").as_string().c_str();
  }

  void TearDown() override {
    if (server_) server_->Stop();
    offload_.Join();
    server_.reset();
  }

  static Timestamp now() { return 1790000000; }  // 2026-09-21

  void AddUser(const std::string& name, std::vector<std::string> grants) {
    app::NewUser u{name, name, "correct horse " + name, {}};
    for (const auto& g : grants) u.grants.push_back(*ParseGrant(g));
    auto r = accounts_->AddUser(u, {"test", ""});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::string Login(const std::string& name) {
    auto r = accounts_->Login(name, "correct horse " + name, "127.0.0.1:1");
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->token : "";
  }
  std::pair<unsigned, std::string> Send(const std::string& method, const std::string& target, const std::string& body,
                                        const std::string& caller, const std::string& type = "application/json") {
    std::map<std::string, std::string> h{{"Content-Type", type}};
    if (tokens_.count(caller)) h["Authorization"] = "Bearer " + tokens_[caller];
    auto reply = HttpRequest(port_, method, target, body, h);
    return {reply.status, reply.body};
  }
  int64_t Report(const std::string& who, double lon, double lat) {
    auto r = Send("POST", "/api/v1/cases",
                  R"({"channel":"resident_app","description":"暖气不热","location":{"lon":)" + std::to_string(lon) +
                      R"(,"lat":)" + std::to_string(lat) + R"(},"reporter":{"name":"王女士","phone":"13800001234"}})",
                  who);
    EXPECT_EQ(r.first, 201u) << r.second;
    return r.first == 201 ? json::parse(r.second).at("id").as_int64() : 0;
  }
  void Act(int64_t id, const std::string& body, const std::string& who = "dispatcher") {
    auto r = Send("POST", "/api/v1/cases/" + std::to_string(id) + "/actions", body, who);
    EXPECT_EQ(r.first, 200u) << body << ": " << r.second;
  }
  // The tracking code of a new case waiting for its callback: the grid worker reports and handles it
  // on the spot, the command center verifies it.
  std::string VerifiedCaseCode() {
    auto r = Send("POST", "/api/v1/cases",
                  R"({"channel":"grid_worker","description":"井盖松动","grid":"371302004001001","category":"0101"})",
                  "grid_worker");
    EXPECT_EQ(r.first, 201u) << r.second;
    if (r.first != 201) return "";
    const json::value v = json::parse(r.second);
    const int64_t id = v.at("id").as_int64();
    Act(id, R"({"action":"self_handle","note":"已就地固定"})", "grid_worker");
    Act(id, R"({"action":"verify_pass"})");
    return v.at("tracking_code").as_string().c_str();
  }

  std::map<std::string, RouteSpec> Table() {
    const std::set<std::string> everyone = {"resident", "grid_worker", "operator", "unit_staff",
                                            "leader",   "admin",       "apikey"};
    const std::set<std::string> all_and_anonymous = {"resident", "grid_worker", "operator", "unit_staff",
                                                     "leader",   "admin",       "apikey",   "anonymous"};
    auto get = [](std::string target) { return [target](bool) { return Call{"GET", target, ""}; }; };
    auto case_target = [this](std::string suffix) {
      return [this, suffix](bool in) -> std::string {
        return "/api/v1/cases/" + std::to_string(in ? in_case_ : out_case_) + suffix;
      };
    };
    std::map<std::string, RouteSpec> t;
    t["healthz"] = {all_and_anonymous, Scoped::kNo, 200, get("/healthz")};
    t["metrics"] = {all_and_anonymous, Scoped::kNo, 200, get("/metrics")};
    t["auth.login"] = {all_and_anonymous, Scoped::kNo, 200, [](bool) {
                         return Call{"POST", "/api/v1/auth/login",
                                     R"({"username":"leader","password":"correct horse leader"})"};
                       }};
    t["auth.me"] = {everyone, Scoped::kNo, 200, get("/api/v1/auth/me")};
    // Logout is checked with its own sessions below; here: who may reach it at all.
    t["auth.logout"] = {};
    t["divisions.get"] = {all_and_anonymous, Scoped::kNo, 200, get("/api/v1/divisions/371302004")};
    t["grids.get"] = {all_and_anonymous, Scoped::kNo, 200, get("/api/v1/grids/371302004001001")};
    t["grids.list"] = {all_and_anonymous, Scoped::kNo, 200, get("/api/v1/grids?bbox=118.3,35.0,118.4,35.1")};
    t["locate"] = {all_and_anonymous, Scoped::kNo, 200, get("/api/v1/locate?lon=118.345&lat=35.045")};
    t["units.list"] = {everyone, Scoped::kNo, 200, get("/api/v1/units")};
    t["categories.list"] = {all_and_anonymous, Scoped::kNo, 200, get("/api/v1/categories")};
    t["routing_rules.list"] = {everyone, Scoped::kNo, 200, get("/api/v1/routing-rules")};
    t["calendars.list"] = {everyone, Scoped::kNo, 200, get("/api/v1/calendars")};
    t["calendars.get"] = {everyone, Scoped::kNo, 200, get("/api/v1/calendars/cn-national")};
    t["routing.explain"] = {everyone, Scoped::kNo, 200, get("/api/v1/routing?category=0101&territory=371302004001001")};
    t["track"] = {all_and_anonymous, Scoped::kNo, 200, [this](bool) { return Call{"GET", "/api/v1/track/" + in_code_, ""}; }};

    const std::set<std::string> reporters = {"resident", "grid_worker", "operator", "unit_staff", "apikey"};
    t["cases.create"] = {reporters, Scoped::kNo, 201, [](bool) {
                           return Call{"POST", "/api/v1/cases",
                                       R"({"channel":"resident_app","description":"路灯不亮","grid":"371302004001001"})"};
                         }};
    const std::set<std::string> readers = {"resident", "grid_worker", "operator", "unit_staff", "leader", "admin", "apikey"};
    t["cases.list"] = {readers, Scoped::kNo, 200, get("/api/v1/cases")};
    t["cases.get"] = {readers, Scoped::kRead, 200, [case_target](bool in) { return Call{"GET", case_target("")(in), ""}; }};
    t["cases.routing"] = {readers, Scoped::kRead, 200,
                          [case_target](bool in) { return Call{"GET", case_target("/routing")(in), ""}; }};
    t["cases.reveal"] = {{"operator", "unit_staff"}, Scoped::kRead, 200, [case_target](bool in) {
                           return Call{"POST", case_target("/reveal")(in), R"({"reason":"回访核实诉求"})"};
                         }};
    // 督办 (urge) may be taken by operators and leaders in any open state; grid workers and unit staff
    // hold case.act but the transition table refuses them this action.
    t["cases.act"] = {{"operator", "leader"}, Scoped::kAct, 200, [case_target](bool in) {
                        return Call{"POST", case_target("/actions")(in), R"({"action":"urge","note":"请尽快处理"})"};
                      }};
    t["stats"] = {{"operator", "leader", "admin", "apikey"}, Scoped::kRead, 200, [](bool in) {
                    return Call{"GET", std::string("/api/v1/stats?under=") + (in ? "371302004001" : "371302004002"), ""};
                  }};

    const std::set<std::string> editors = {"operator", "admin"};
    t["units.create"] = {editors, Scoped::kNo, 201, [](bool) {
                           return Call{"POST", "/api/v1/units", R"({"name":"临时单位","kind":"department","territory":"371302"})"};
                         }};
    t["units.put"] = {editors, Scoped::kNo, 200, [this](bool) {
                        return Call{"PUT", "/api/v1/units/" + std::to_string(unit_b_),
                                    R"({"name":"兰山区住建局","kind":"department","territory":"371302"})"};
                      }};
    t["categories.create"] = {editors, Scoped::kNo, 201, [this](bool) {
                                const std::string code = std::to_string(50 + (++serial_ % 40));
                                return Call{"POST", "/api/v1/categories",
                                            R"({"code":")" + code + R"(","name":"测试","limits":{"acknowledge":{"kind":"working_hours","amount":2},"handle":{"kind":"working_days","amount":2},"verify":{"kind":"working_days","amount":1}},"level":"street"})"};
                              }};
    t["categories.put"] = {editors, Scoped::kNo, 200, [](bool) {
                             return Call{"PUT", "/api/v1/categories/01",
                                         R"({"code":"01","name":"供热","limits":{"acknowledge":{"kind":"working_hours","amount":2},"handle":{"kind":"working_days","amount":2},"verify":{"kind":"working_days","amount":1}},"level":"county"})"};
                           }};
    t["routing_rules.create"] = {editors, Scoped::kNo, 201, [this](bool) {
                                   return Call{"POST", "/api/v1/routing-rules",
                                               "{\"category\":\"01\",\"territory\":\"371302004\",\"unit\":" +
                                                   std::to_string(unit_a_) + "}"};
                                 }};
    t["routing_rules.put"] = {editors, Scoped::kNo, 200, [this](bool) {
                                return Call{"PUT", "/api/v1/routing-rules/1",
                                            "{\"category\":\"01\",\"territory\":\"371302\",\"unit\":" +
                                                std::to_string(unit_a_) + "}"};
                              }};
    t["routing_rules.delete"] = {editors, Scoped::kNo, 200, [this](bool) {
                                   RoutingRule r;
                                   r.category = "01";
                                   r.territory = "371302004001";
                                   r.unit = unit_a_;
                                   auto put = reference_->PutRoutingRule(r);
                                   EXPECT_TRUE(put.ok());
                                   return Call{"DELETE", "/api/v1/routing-rules/" + std::to_string(put.ok() ? put->id : 0), ""};
                                 }};
    t["calendars.put"] = {editors, Scoped::kNo, 200, [this](bool) {
                            auto cal = Send("GET", "/api/v1/calendars/cn-national", "", "dispatcher");
                            return Call{"PUT", "/api/v1/calendars/cn-national", cal.second};
                          }};
    t["attachments.create"] = {{"resident", "grid_worker", "operator", "unit_staff", "apikey"}, Scoped::kNo, 201,
                               [](bool) { return Call{"POST", "/api/v1/attachments", kPng, "image/png"}; }};
    t["attachments.get"] = {everyone, Scoped::kNo, 200,
                            [this](bool) { return Call{"GET", "/api/v1/attachments/" + attachment_, ""}; }};
    t["cases.count"] = {readers, Scoped::kNo, 200, get("/api/v1/cases/count?status=dispatched")};

    // The public resident page.
    t["public.report"] = {all_and_anonymous, Scoped::kNo, 201, [](bool) {
                            return Call{"POST", "/api/v1/public/reports",
                                        R"({"description":"路灯不亮","grid":"371302004001001"})"};
                          }};
    t["public.attachments"] = {all_and_anonymous, Scoped::kNo, 201,
                               [](bool) { return Call{"POST", "/api/v1/public/attachments", kPng, "image/png"}; }};
    t["track.evaluate"] = {all_and_anonymous, Scoped::kNo, 200, [this](bool) {
                             return Call{"POST", "/api/v1/track/" + VerifiedCaseCode() + "/evaluation",
                                         R"({"evaluation":"satisfied","note":"很快就修好了"})"};
                           }};

    // Open311 GeoReport v2: public reads; a report needs the api_key argument (not a bearer token), so every
    // caller that sends the key may report.
    t["open311.discovery"] = {all_and_anonymous, Scoped::kNo, 200, get("/open311/v2/discovery.json")};
    t["open311.services"] = {all_and_anonymous, Scoped::kNo, 200, get("/open311/v2/services.xml")};
    t["open311.service"] = {all_and_anonymous, Scoped::kNo, 200, get("/open311/v2/services/0101.json")};
    t["open311.requests"] = {all_and_anonymous, Scoped::kNo, 200, get("/open311/v2/requests.json")};
    t["open311.request"] = {all_and_anonymous, Scoped::kNo, 200, [this](bool) {
                              return Call{"GET", "/open311/v2/requests/" + std::to_string(in_case_) + ".xml", ""};
                            }};
    t["open311.updates"] = {all_and_anonymous, Scoped::kNo, 200, get("/open311/v2/servicerequestupdates.json")};
    t["open311.report"] = {all_and_anonymous, Scoped::kNo, 200, [this](bool) {
                             return Call{"POST", "/open311/v2/requests.json",
                                         "api_key=" + tokens_["apikey"] +
                                             "&service_code=0101&lat=35.045&long=118.345&description=%E6%9A%96%E6%B0%94",
                                         "application/x-www-form-urlencoded"};
                           }};
    t["open311.token"] = {all_and_anonymous, Scoped::kNo, 200, [this](bool) {
                            app::Open311ReportInput in;
                            in.api_key = tokens_["apikey"];
                            in.service_code = "0101";
                            in.address_id = "371302004001001";
                            in.description = "暖气不热";
                            auto r = open311_->Report(in);
                            EXPECT_TRUE(r.ok()) << r.error().message;
                            return Call{"GET", "/open311/v2/tokens/" + (r.ok() ? r->token : "none") + ".json", ""};
                          }};
    t["open311.unknown"] = {all_and_anonymous, Scoped::kNo, 404, get("/open311/v2/nothing.json")};

    // Administration: admin@371302004001 manages accounts inside 甲社区.
    t["users.list"] = {{"admin"}, Scoped::kNo, 200, get("/api/v1/users")};
    t["users.create"] = {{"admin"}, Scoped::kNo, 201, [this](bool) {
                           return Call{"POST", "/api/v1/users",
                                       R"({"username":"worker)" + std::to_string(++serial_) +
                                           R"(","grants":["grid_worker@371302004001002"]})"};
                         }};
    t["users.disable"] = {{"admin"}, Scoped::kNo, 200, [this](bool) {
                            const std::string name = "gone" + std::to_string(++serial_);
                            AddUser(name, {"grid_worker@371302004001001"});
                            return Call{"POST", "/api/v1/users/" + name + "/disable", ""};
                          }};
    t["grids.import"] = {editors, Scoped::kNo, 200, [](bool) {
                           return Call{"POST", "/api/v1/grids/import",
                                       FeatureCollection({SquareFeature("371302004001001", 118.34, 35.04, 118.35, 35.05)}),
                                       "application/geo+json"};
                         }};
    return t;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::TerritoryService> territory_;
  std::unique_ptr<app::ReferenceService> reference_;
  std::unique_ptr<app::CaseService> cases_;
  std::unique_ptr<app::AccountService> accounts_;
  std::unique_ptr<app::AttachmentStore> attachments_;
  std::unique_ptr<app::Open311> open311_;
  http::Router router_;
  http::Metrics metrics_;
  http::Offload offload_{4};
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
  std::map<std::string, std::string> tokens_;
  int64_t unit_a_ = 0, unit_b_ = 0, in_case_ = 0, out_case_ = 0;
  std::string in_code_, attachment_;
  int serial_ = 0;
};

TEST_F(AccessMatrix, RoutesAreAllInTheTable) {
  const auto table = Table();
  std::set<std::string> registered;
  for (const auto& r : router_.Routes()) {
    registered.insert(r.name);
    EXPECT_TRUE(table.count(r.name)) << "route " << r.name << " (" << r.pattern
                                     << ") has no entry in the access matrix: say who may call it";
  }
  for (const auto& [name, spec] : table) EXPECT_TRUE(registered.count(name)) << "no route named " << name;
}

TEST_F(AccessMatrix, EveryRouteEveryRoleInAndOutOfScope) {
  const auto table = Table();
  for (const auto& r : router_.Routes()) {
    auto it = table.find(r.name);
    if (it == table.end() || !it->second.make) continue;
    const RouteSpec& spec = it->second;
    for (const std::string& caller : kCallers) {
      for (bool in : {true, false}) {
        if (!in && spec.scoped == Scoped::kNo) continue;
        const Call call = spec.make(in);
        unsigned expect;
        if (!spec.allowed.count(caller))
          expect = caller == "anonymous" && r.permission != Permission::kPublic ? 401u : 403u;
        else if (in)
          expect = spec.ok;
        else
          expect = spec.scoped == Scoped::kRead ? 404u : 403u;
        auto reply = Send(call.method, call.target, call.body, caller, call.content_type);
        EXPECT_EQ(reply.first, expect) << r.name << " as " << caller << (in ? " in scope" : " out of scope") << ": "
                                       << call.method << " " << call.target << " → " << reply.second;
      }
    }
  }
}

TEST_F(AccessMatrix, LogoutEndsOnlyThatSession) {
  const std::string extra = Login("operator");
  auto out = Send("POST", "/api/v1/auth/logout", "", "anonymous");
  EXPECT_EQ(out.first, 401u);
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + extra}};
  EXPECT_EQ(HttpRequest(port_, "POST", "/api/v1/auth/logout", "", h).status, 200u);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/auth/me", "", h).status, 401u);
  EXPECT_EQ(Send("GET", "/api/v1/auth/me", "", "operator").first, 200u);  // the other session lives on
  EXPECT_EQ(Send("POST", "/api/v1/auth/logout", "", "apikey").first, 400u);
}

TEST_F(AccessMatrix, ListsShowOnlyCasesInScope) {
  auto ids = [&](const std::string& caller) {
    auto r = Send("GET", "/api/v1/cases", "", caller);
    EXPECT_EQ(r.first, 200u) << r.second;
    std::set<int64_t> out;
    const json::value v = json::parse(r.second);
    for (const auto& c : v.at("cases").as_array()) out.insert(c.at("id").as_int64());
    return out;
  };
  EXPECT_TRUE(ids("grid_worker").count(in_case_));
  EXPECT_FALSE(ids("grid_worker").count(out_case_));
  EXPECT_EQ(ids("unit_staff"), std::set<int64_t>{in_case_});
  EXPECT_EQ(ids("resident"), std::set<int64_t>{in_case_});
  EXPECT_EQ(ids("resident2"), std::set<int64_t>{out_case_});
  EXPECT_TRUE(ids("dispatcher").count(out_case_));
  EXPECT_EQ(Send("GET", "/api/v1/cases?under=371302004002", "", "operator").first, 404u);
}

TEST_F(AccessMatrix, AnAdminManagesOnlyAccountsInsideItsTerritory) {
  // A grant outside 甲社区 (or everywhere) cannot be handed out.
  for (const char* grant : {"operator@371302004", "operator@", "grid_worker@371302004002001"}) {
    auto r = Send("POST", "/api/v1/users", std::string(R"({"username":"outsider","grants":[")") + grant + "\"]}", "admin");
    EXPECT_EQ(r.first, 403u) << grant << ": " << r.second;
  }
  // Unit staff of unit B (territory 兰山区) lie outside it too; residents are anyone's.
  auto unit_b = Send("POST", "/api/v1/users",
                     R"({"username":"staff-b","grants":["unit_staff#)" + std::to_string(unit_b_) + "\"]}", "admin");
  EXPECT_EQ(unit_b.first, 403u) << unit_b.second;
  auto resident = Send("POST", "/api/v1/users", R"({"username":"walk-in","grants":["resident"]})", "admin");
  ASSERT_EQ(resident.first, 201u) << resident.second;
  const json::value created = json::parse(resident.second);
  EXPECT_GE(created.at("password").as_string().size(), 12u) << "a generated password is answered once";
  EXPECT_TRUE(accounts_->Login("walk-in", created.at("password").as_string().c_str(), "127.0.0.1:1").ok());

  // The list leaves out the dispatcher (operator@371302004); disabling it reads as absent.
  auto list = Send("GET", "/api/v1/users", "", "admin");
  ASSERT_EQ(list.first, 200u);
  std::set<std::string> names;
  const json::value users = json::parse(list.second);
  for (const auto& u : users.at("users").as_array()) names.insert(u.at("username").as_string().c_str());
  EXPECT_TRUE(names.count("grid_worker") && names.count("walk-in"));
  EXPECT_FALSE(names.count("dispatcher"));
  EXPECT_FALSE(list.second.find("password") != std::string::npos) << "no hash or password is listed";
  EXPECT_EQ(Send("POST", "/api/v1/users/dispatcher/disable", "", "admin").first, 404u);
  EXPECT_EQ(Send("POST", "/api/v1/users/admin/disable", "", "admin").first, 409u);
  // Bad input names the field.
  auto bad = Send("POST", "/api/v1/users", R"({"username":"x y","grants":["resident"]})", "admin");
  EXPECT_EQ(bad.first, 400u);
  EXPECT_NE(bad.second.find("\"username\""), std::string::npos) << bad.second;
  bad = Send("POST", "/api/v1/users", R"({"username":"nogrants","grants":[]})", "admin");
  EXPECT_EQ(bad.first, 400u);
  EXPECT_NE(bad.second.find("\"grants\""), std::string::npos) << bad.second;
}

TEST_F(AccessMatrix, GridImportStaysInsideTheCallersTerritory) {
  auto r = Send("POST", "/api/v1/grids/import",
                FeatureCollection({SquareFeature("371302004002001", 118.34, 35.05, 118.36, 35.06)}), "operator",
                "application/geo+json");
  EXPECT_EQ(r.first, 403u) << r.second;
  EXPECT_NE(r.second.find("\"community\""), std::string::npos) << r.second;
  auto broken = Send("POST", "/api/v1/grids/import", R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})",
                     "operator", "application/geo+json");
  EXPECT_EQ(broken.first, 400u) << broken.second;
  auto ok = Send("POST", "/api/v1/grids/import",
                 FeatureCollection({SquareFeature("371302004001002", 118.35, 35.04, 118.361, 35.05)}), "operator",
                 "application/geo+json");
  EXPECT_EQ(ok.first, 200u) << ok.second;
  // The territory was reloaded: the widened grid answers a point it did not hold before.
  auto where = Send("GET", "/api/v1/locate?lon=118.3605&lat=35.045", "", "anonymous");
  EXPECT_NE(where.second.find("\"inside\":true"), std::string::npos) << where.second;
}

TEST_F(AccessMatrix, AResidentReportsTracksAndRatesWithoutAnAccount) {
  auto r = Send("POST", "/api/v1/public/reports",
                R"({"description":"楼道灯坏了","location":{"lon":118.345,"lat":35.045},"reporter":{"name":"李先生","phone":"13900002222"},"channel":"hotline"})",
                "anonymous");
  ASSERT_EQ(r.first, 201u) << r.second;
  const json::value v = json::parse(r.second);
  EXPECT_FALSE(v.as_object().contains("id")) << "the public answer carries no internal id";
  const std::string code = v.at("tracking_code").as_string().c_str();
  auto tracked = Send("GET", "/api/v1/track/" + code, "", "anonymous");
  ASSERT_EQ(tracked.first, 200u);
  EXPECT_EQ(tracked.second.find("13900002222"), std::string::npos);
  EXPECT_EQ(tracked.second.find("李先生"), std::string::npos);
  // Recorded as a resident's report from the resident page, whatever channel was sent; no account.
  auto list = Send("GET", "/api/v1/cases?channel=resident_app&q=%E6%A5%BC%E9%81%93", "", "dispatcher");
  ASSERT_EQ(list.first, 200u);
  const json::value listed = json::parse(list.second);
  const auto& found = listed.at("cases").as_array();
  ASSERT_EQ(found.size(), 1u) << list.second;
  // Nobody's own report: residents with accounts do not see it.
  EXPECT_EQ(Send("GET", "/api/v1/cases/" + std::to_string(found[0].at("id").as_int64()), "", "resident").first, 404u);

  // Rating is refused until the case waits for its callback.
  auto early = Send("POST", "/api/v1/track/" + code + "/evaluation", R"({"evaluation":"satisfied"})", "anonymous");
  EXPECT_EQ(early.first, 409u) << early.second;
  auto bad = Send("POST", "/api/v1/track/" + code + "/evaluation", R"({"evaluation":"great"})", "anonymous");
  EXPECT_EQ(bad.first, 400u);
  EXPECT_NE(bad.second.find("\"evaluation\""), std::string::npos);
  EXPECT_EQ(Send("POST", "/api/v1/track/0000-0000-0000/evaluation", R"({"evaluation":"satisfied"})", "anonymous").first,
            404u);

  const std::string ready = VerifiedCaseCode();
  auto rated = Send("POST", "/api/v1/track/" + ready + "/evaluation", R"({"evaluation":"basically_satisfied"})",
                    "anonymous");
  ASSERT_EQ(rated.first, 200u) << rated.second;
  EXPECT_NE(rated.second.find("\"evaluated\""), std::string::npos) << rated.second;
  EXPECT_NE(rated.second.find("\"evaluation\":\"basically_satisfied\""), std::string::npos) << rated.second;
  auto again = Send("POST", "/api/v1/track/" + ready + "/evaluation", R"({"evaluation":"unsatisfied"})", "anonymous");
  EXPECT_EQ(again.first, 409u) << "rated once";
}

TEST_F(AccessMatrix, BadOrEndedCredentialsAre401) {
  std::map<std::string, std::string> h{{"Authorization", "Bearer cgs_not-a-real-token"}};
  auto r = HttpRequest(port_, "GET", "/api/v1/units", "", h);
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
  h["Authorization"] = "Basic b3BlcmF0b3I6eA==";
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/units", "", h).status, 401u);
  ASSERT_TRUE(accounts_->DisableUser("leader", {"test", ""}).ok());
  EXPECT_EQ(Send("GET", "/api/v1/units", "", "leader").first, 401u);
  ASSERT_TRUE(accounts_->RevokeApiKey("apikey", {"test", ""}).ok());
  EXPECT_EQ(Send("GET", "/api/v1/units", "", "apikey").first, 401u);
  // Cookies are never credentials.
  h = {{"Cookie", "token=" + tokens_["operator"]}};
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/v1/units", "", h).status, 401u);
}

}  // namespace
}  // namespace civicgrid
