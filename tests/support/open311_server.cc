#include "support/open311_server.h"

#include <gtest/gtest.h>

#include "app/cases.h"
#include "support/heating_world.h"
#include "support/test_store.h"

namespace civicgrid::testing {
namespace json = boost::json;
namespace {

constexpr char kDb[] = "open311";

// Adds the categories, keys and administrator beside the heating world.
void AddToWorld(HeatingWorld& world, Open311Server& s) {
  Category major = *world.reference->snapshot()->CategoryByCode("01");
  major.code = "02";
  major.name = "市容环境";
  ASSERT_TRUE(world.reference->PutCategory(major).ok());
  Category inactive = *world.reference->snapshot()->CategoryByCode("0101");
  inactive.code = "0102";
  inactive.name = "供热管道漏水";
  inactive.active = false;
  ASSERT_TRUE(world.reference->PutCategory(inactive).ok());
  auto key = [&](const std::string& name, Permission p) {
    auto k = world.accounts->AddApiKey(app::NewApiKey{name, {p}, ""}, {"test", ""});
    EXPECT_TRUE(k.ok()) << name;
    return k.ok() ? k->secret : "";
  };
  s.api_key = key("fixmystreet", Permission::kCaseReport);
  s.read_key = key("dashboard", Permission::kCaseRead);
  s.revoked_key = key("old-client", Permission::kCaseReport);
  ASSERT_TRUE(world.accounts->RevokeApiKey("old-client", {"test", ""}).ok());
  auto admin = ParseGrant("admin@");
  ASSERT_TRUE(admin.ok());
  auto added = world.accounts->AddUser(app::NewUser{"admin", "admin", "password of admin", {*admin}}, {"test", ""});
  ASSERT_TRUE(added.ok());
}

}  // namespace

const char kCategoryExtras[] = R"({"description":"室内温度低于18℃","keywords":["暖气","供热"],"attributes":[
  {"code":"room_temperature","datatype":"number","required":true,"variable":true,"description":"室内温度（摄氏度）",
   "datatype_description":"","order":1,"values":[]},
  {"code":"heating_type","datatype":"singlevaluelist","required":false,"variable":true,"description":"供暖方式",
   "datatype_description":"","order":2,"values":[{"key":"radiator","name":"暖气片"},{"key":"floor","name":"地暖"}]}]})";

void Open311Server::Start() {
  const std::string url = TestDbUrl(dir_, kDb);
  ASSERT_FALSE(url.empty());
  {
    auto store = OpenTestStore(dir_, kDb);
    ASSERT_TRUE(store.ok()) << store.error().message;
    HeatingWorld world;
    BuildHeatingWorld(**store, world);
    if (::testing::Test::HasFatalFailure()) return;
    AddToWorld(world, *this);
    if (::testing::Test::HasFatalFailure()) return;
  }  // the store is closed before the server opens the database
  const std::string log = dir_.File("serve.log");
  const std::vector<std::string> keyring = {"--key-file", dir_.File(std::string(kDb) + ".key")};
  server_ = std::make_unique<ServeProcess>(url, log, keyring);
  ASSERT_TRUE(server_->WaitUntilUp()) << ReadFile(log);
  for (const std::string user : {"operator", "unit_staff", "admin"}) {
    const std::string body = R"({"username":")" + user + R"(","password":"password of )" + user + "\"}";
    auto r = Send("POST", "/api/v1/auth/login", body, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    tokens[user] = std::string(json::parse(r.body).at("token").as_string());
  }
  json::object category;
  const json::value categories = Api("GET", "/api/v1/categories", "", "admin");
  for (const auto& c : categories.at("categories").as_array())
    if (c.at("code").as_string() == "0101") category = c.as_object();
  ASSERT_FALSE(category.empty());
  const json::value extras = json::parse(kCategoryExtras);
  for (const auto& [k, v] : extras.as_object()) category[k] = v;
  category_put = Send("PUT", "/api/v1/categories/0101", json::serialize(category),
                      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens["admin"]}});
  ok_ = true;
}

HttpReply Open311Server::Send(const std::string& method, const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  const unsigned i = sent_++;
  const std::string from = "127.3." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1);
  return HttpRequestFrom(from, server_->port(), method, target, body, headers);
}

json::value Open311Server::Api(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& user, unsigned expect) {
  auto r = Send(method, target, body,
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens[user]}});
  EXPECT_EQ(r.status, expect) << method << " " << target << ": " << r.body;
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  return ec ? json::value(json::object{}) : v;
}

std::vector<std::string> Open311Server::ReportInProcess(int n, Timestamp from) {
  auto store = OpenTestStore(dir_, kDb);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return {};
  app::TerritoryService territory(**store);
  app::ReferenceService reference(**store);
  EXPECT_TRUE(territory.Refresh().ok() && reference.Refresh().ok());
  Timestamp now = from;
  app::CaseService cases(**store, territory, reference, nullptr, [&now] { return now; });
  Principal op;
  op.name = "operator";
  op.grants = {*ParseGrant("operator@371302")};
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i, ++now) {
    app::ReportInput in;
    in.channel = Channel::kOpen311;
    in.category = "0101";
    in.description = "暖气不热 " + std::to_string(i);
    in.point = geo::Point(118.345, 35.045);
    auto r = cases.Report(in, app::Caller{op, ""});
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      break;
    }
    ids.push_back(std::to_string(r->c.id));
  }
  return ids;
}

}  // namespace civicgrid::testing
