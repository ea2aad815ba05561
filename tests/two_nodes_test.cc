// Two `civicgrid serve` processes on one PostgreSQL database, as behind a load balancer: concurrent
// actions on one case (one wins, the other answers 409), the overdue job (each case marked once across the
// nodes), the live feed (a client of one node sees what the other commits), idempotency keys and
// sessions (a token from one node works on the other). Runs as pg.TwoNodes.*; SQLite has one node only.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "app/cases.h"
#include "support/heating_world.h"
#include "support/http_client.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/ws_client.h"

namespace civicgrid {
namespace {

namespace json = boost::json;
using testing::HttpRequest;

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::TestOnPostgres()) GTEST_SKIP() << "two app nodes share a database server (run as pg.TwoNodes.*)";
    url_ = testing::TestDbUrl(dir_, "nodes");
    ASSERT_FALSE(url_.empty());
    key_file_ = dir_.File("nodes.key");
    auto s = testing::OpenTestStore(dir_, "nodes");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);

    testing::BuildHeatingWorld(*store_, world_);  // fatal failures end the test after SetUp
  }

  // `n` heating cases reported, accepted and dispatched 30 days ago (their handle deadline long past),
  // written in-process with a clock in the past.
  std::vector<int64_t> DispatchedLongAgo(int n) {
    const Timestamp then = testing::NowSeconds() - 30 * 86400;
    app::CaseService cases(*store_, *world_.territory, *world_.reference, nullptr, [then] { return then; });
    std::vector<int64_t> ids;
    auto principal = world_.accounts->Authenticate(Token(0, "operator"));
    EXPECT_TRUE(principal.ok());
    if (!principal.ok()) return {};
    const app::Caller op{*principal, ""};
    for (int i = 0; i < n; ++i) {
      app::ReportInput in;
      in.channel = Channel::kHotline;
      in.category = "0101";
      in.description = "暖气不热 " + std::to_string(i);
      in.point = geo::Point(118.345, 35.045);
      auto r = cases.Report(in, op);
      EXPECT_TRUE(r.ok()) << r.error().message;
      if (!r.ok()) return ids;
      for (Action a : {Action::kAccept, Action::kDispatch}) {
        app::ActInput act;
        act.request.action = a;
        auto d = cases.Act(r->c.id, act, op);
        EXPECT_TRUE(d.ok()) << d.error().message;
      }
      ids.push_back(r->c.id);
    }
    return ids;
  }

  // Starts the two nodes (the overdue job every second on each).
  void StartNodes() {
    setenv("CIVICGRID_KEY_FILE", key_file_.c_str(), 1);
    for (int i = 0; i < 2; ++i) {
      nodes_.push_back(std::make_unique<testing::ServeProcess>(url_, dir_.File("node" + std::to_string(i) + ".log"),
                                                               std::vector<std::string>{},
                                                               std::vector<std::string>{"--overdue-interval", "1"}));
    }
    for (auto& n : nodes_) ASSERT_TRUE(n->WaitUntilUp()) << testing::ReadFile(dir_.File("node0.log"));
  }

  // A session token of `user` signed in on node `node` (cached per node and user).
  std::string Token(int node, const std::string& user) {
    auto& t = tokens_[{node, user}];
    if (!t.empty()) return t;
    if (nodes_.empty()) {  // before the nodes start: in-process
      auto login = world_.accounts->Login(user, "password of " + user, "127.0.0.1:1");
      EXPECT_TRUE(login.ok());
      return t = login.ok() ? login->token : "";
    }
    auto reply = HttpRequest(nodes_[node]->port(), "POST", "/api/v1/auth/login",
                             R"({"username":")" + user + R"(","password":"password of )" + user + R"("})",
                             {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return t = reply.status == 200 ? std::string(json::parse(reply.body).at("token").as_string()) : "";
  }

  testing::HttpReply Post(int node, const std::string& target, const std::string& body, const std::string& user,
                          std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + Token(node, user);
    headers["Content-Type"] = "application/json";
    return HttpRequest(nodes_[node]->port(), "POST", target, body, headers);
  }

  // The actions of case `id`'s events, in order.
  std::vector<std::string> Actions(int64_t id) {
    std::vector<std::string> out;
    auto events = store_->Events(id);
    EXPECT_TRUE(events.ok());
    if (events.ok())
      for (const auto& e : *events) out.emplace_back(ActionName(e.action));
    return out;
  }

  testing::TempDir dir_;
  std::string url_, key_file_;
  std::unique_ptr<store::Store> store_;
  testing::HeatingWorld world_;
  std::map<std::pair<int, std::string>, std::string> tokens_;
  std::vector<std::unique_ptr<testing::ServeProcess>> nodes_;
};

TEST_F(TwoNodes, TheOverdueJobMarksEachCaseOnceAndConcurrentActionsHaveOneWinner) {
  const std::vector<int64_t> ids = DispatchedLongAgo(12);
  ASSERT_EQ(ids.size(), 12u);
  StartNodes();

  // Both nodes run the overdue job every second: each case is marked once, by one of them.
  auto all_marked = [&] {
    for (int64_t id : ids) {
      auto c = store_->GetCase(id);
      if (!c.ok() || !*c || !(*c)->overdue) return false;
    }
    return true;
  };
  for (int i = 0; i < 300 && !all_marked(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(all_marked());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // both jobs have run again meanwhile
  for (int64_t id : ids)
    EXPECT_EQ(Actions(id), (std::vector<std::string>{"report", "accept", "dispatch", "mark_overdue"})) << "case " << id;

  // The unit acknowledges each case on both nodes at the same moment: one answer is 200, the other 409.
  for (int64_t id : ids) {
    std::atomic<int> ready{0};
    unsigned status[2] = {0, 0};
    std::string body[2];
    std::vector<std::thread> both;
    for (int node = 0; node < 2; ++node) {
      Token(node, "unit_staff");
      both.emplace_back([&, node] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        auto r = Post(node, "/api/v1/cases/" + std::to_string(id) + "/actions", R"({"action":"acknowledge"})",
                      "unit_staff");
        status[node] = r.status;
        body[node] = r.body;
      });
    }
    for (auto& t : both) t.join();
    std::multiset<unsigned> got{status[0], status[1]};
    EXPECT_EQ(got, (std::multiset<unsigned>{200, 409})) << body[0] << " | " << body[1];
    EXPECT_EQ(Actions(id).back(), "acknowledge");
    EXPECT_EQ(Actions(id).size(), 5u);
  }
}

TEST_F(TwoNodes, LiveFeedIdempotencyAndSessionsSpanTheNodes) {
  StartNodes();
  // A token from node 0 is good on node 1: sessions live in the database.
  const std::string token = Token(0, "operator");
  auto me = HttpRequest(nodes_[1]->port(), "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(me.status, 200u) << me.body;

  // A client of node 1 sees the case that node 0 takes in.
  testing::WsClient client(nodes_[1]->port());
  ASSERT_FALSE(client.Handshake("/api/v1/live?access_token=" + token)) << client.response().body();
  ASSERT_TRUE(client.Read().has_value());  // hello
  const std::string report = R"({"channel":"hotline","category":"0101","description":"甲社区3号楼暖气不热",
                                 "location":{"lon":118.345,"lat":35.045}})";
  auto made = Post(0, "/api/v1/cases", report, "operator");
  ASSERT_EQ(made.status, 201u) << made.body;
  const int64_t id = json::parse(made.body).at("id").as_int64();
  auto message = client.Read();
  ASSERT_TRUE(message.has_value()) << client.error().message();
  auto m = json::parse(*message);
  EXPECT_EQ(m.at("type").as_string(), "case_event");
  EXPECT_EQ(m.at("case").at("id").as_int64(), id);
  EXPECT_EQ(m.at("event").at("action").as_string(), "report");

  // The same Idempotency-Key sent to both nodes at once: one case.
  auto before = store_->CountCases();
  ASSERT_TRUE(before.ok());
  for (int round = 0; round < 5; ++round) {
    const std::string key = "retry-" + std::to_string(round);
    std::atomic<int> ready{0};
    int64_t got[2] = {0, 0};
    std::vector<std::thread> both;
    for (int node = 0; node < 2; ++node) {
      Token(node, "operator");
      both.emplace_back([&, node] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        auto r = Post(node, "/api/v1/cases", report, "operator", {{"Idempotency-Key", key}});
        EXPECT_TRUE(r.status == 201u || r.status == 200u) << r.status << " " << r.body;
        if (r.status == 201u || r.status == 200u) got[node] = json::parse(r.body).at("id").as_int64();
      });
    }
    for (auto& t : both) t.join();
    EXPECT_EQ(got[0], got[1]) << "key " << key;
  }
  auto after = store_->CountCases();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before + 5);
}

}  // namespace
}  // namespace civicgrid
