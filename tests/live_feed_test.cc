// The live feed: app::LiveFeed on its own, then GET /api/v1/live end to end on a real server on
// 127.0.0.1 (port 0), driven by Beast's synchronous WebSocket client (sockets with receive timeouts,
// so that a missing message fails the test instead of hanging it).
#include "app/live_feed.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/live_routes.h"
#include "http/server.h"
#include "support/ws_client.h"

namespace civicgrid {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using testing::WsClient;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Polls `done` every 5 ms for up to `limit`.
bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// ---- app::LiveFeed ----

TEST(LiveFeed, CallsListenersInSubscriptionOrderUntilUnsubscribed) {
  app::LiveFeed feed;
  std::vector<std::string> seen;
  uint64_t a = feed.Subscribe([&](const std::string& t, const std::string& m) { seen.push_back("a:" + t + ":" + m); });
  uint64_t b = feed.Subscribe([&](const std::string& t, const std::string& m) { seen.push_back("b:" + t + ":" + m); });
  EXPECT_NE(a, b);
  EXPECT_EQ(feed.listeners(), 2u);

  feed.Publish("37", "1");
  feed.Publish("3713", "2");
  EXPECT_EQ(seen, (std::vector<std::string>{"a:37:1", "b:37:1", "a:3713:2", "b:3713:2"}));

  seen.clear();
  feed.Unsubscribe(a);
  feed.Unsubscribe(a);       // twice: ignored
  feed.Unsubscribe(12345);   // unknown: ignored
  EXPECT_EQ(feed.listeners(), 1u);
  feed.Publish("37", "3");
  EXPECT_EQ(seen, (std::vector<std::string>{"b:37:3"}));

  uint64_t c = feed.Subscribe([&](const std::string&, const std::string& m) { seen.push_back("c:" + m); });
  EXPECT_NE(c, a);
  seen.clear();
  feed.Publish("37", "4");
  EXPECT_EQ(seen, (std::vector<std::string>{"b:37:4", "c:4"}));
  feed.Unsubscribe(b);
  feed.Unsubscribe(c);
  EXPECT_EQ(feed.listeners(), 0u);
  feed.Publish("37", "5");  // nobody listens: fine
  EXPECT_EQ(seen.size(), 2u);
}

TEST(LiveFeed, AThrowingListenerDoesNotStopTheOthers) {
  app::LiveFeed feed;
  int calls = 0;
  feed.Subscribe([](const std::string&, const std::string&) { throw std::runtime_error("listener fails"); });
  feed.Subscribe([&](const std::string&, const std::string&) { ++calls; });
  feed.Publish("37", "{}");
  EXPECT_EQ(calls, 1);
}

TEST(LiveFeed, SharedListenersGetTheOneCopyOfTheText) {
  app::LiveFeed feed;
  std::vector<app::LiveFeed::Message> kept;
  std::string plain;
  feed.Subscribe(app::LiveFeed::SharedListener(
      [&](const std::string&, const app::LiveFeed::Message& m) { kept.push_back(m); }));
  feed.Subscribe([&](const std::string&, const std::string& m) { plain = m; });
  feed.Subscribe(app::LiveFeed::SharedListener(
      [&](const std::string&, const app::LiveFeed::Message& m) { kept.push_back(m); }));
  feed.Publish("37", R"({"n":1})");
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].get(), kept[1].get());
  EXPECT_EQ(*kept[0], R"({"n":1})");
  EXPECT_EQ(plain, R"({"n":1})");
}

TEST(LiveFeed, UnsubscribeFromAnotherThreadWhilePublishing) {
  app::LiveFeed feed;
  std::atomic<bool> stop{false};
  std::atomic<long> published{0};
  std::vector<std::thread> publishers;
  for (int i = 0; i < 2; ++i) {
    publishers.emplace_back([&] {
      while (!stop) {
        feed.Publish("371302", "{\"n\":1}");
        ++published;
      }
    });
  }
  // Each round's listener uses state that is freed right after Unsubscribe returns: a call after
  // that would be a use after free, which AddressSanitizer reports.
  for (int round = 0; round < 200; ++round) {
    auto calls = std::make_unique<std::atomic<long>>(0);
    std::atomic<long>* raw = calls.get();
    uint64_t id = feed.Subscribe([raw](const std::string&, const std::string&) { ++*raw; });
    if (round % 20 == 0) {
      ASSERT_TRUE(Eventually([&] { return raw->load() > 10; }));
    }
    feed.Unsubscribe(id);
    long after = raw->load();
    if (round % 20 == 0) {
      std::this_thread::sleep_for(2ms);
      EXPECT_EQ(raw->load(), after) << "a listener was called after Unsubscribe returned";
    }
    calls.reset();
  }
  stop = true;
  for (auto& t : publishers) t.join();
  EXPECT_GT(published.load(), 0);
  EXPECT_EQ(feed.listeners(), 0u);
}

// ---- GET /api/v1/live ----

// A guard for the tests: ?access_token=everywhere is a leader of the whole platform, =lanshan a leader
// of 兰山区 (371302), =resident a resident; no token is nobody.
http::Guard TestGuard() {
  http::Guard g;
  g.authenticate = [](const http::Request& req) -> Result<std::optional<Principal>> {
    std::string token = req.Query("access_token", "everywhere");
    Principal p;
    p.name = token;
    if (token == "everywhere") p.grants = {Grant{Role::kLeader, "", 0}};
    else if (token == "lanshan") p.grants = {Grant{Role::kLeader, "371302", 0}};
    else if (token == "resident") p.grants = {Grant{Role::kResident, "", 0}};
    else if (token == "none") return std::optional<Principal>();
    else return Error::Unauthorized("bad token");
    return std::optional<Principal>(p);
  };
  return g;
}

// A started server with the standard routes and the live endpoint; stops on destruction.
struct LiveServer {
  explicit LiveServer(http::LiveOptions live = {}, http::ServerOptions options = {}) {
    http::AddStandardRoutes(router, metrics);
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.log_requests = false;
    server = std::make_unique<http::Server>(options, router, metrics);
    http::AddLiveRoutes(*server, feed, metrics, TestGuard(), live);
    auto started = server->Start();
    EXPECT_TRUE(started.ok()) << started.error().message;
  }
  ~LiveServer() {
    if (server) server->Stop();
  }
  unsigned short port() const { return server->port(); }
  double Gauge() const { return metrics.Value("civicgrid_live_connections"); }
  double Requests(const std::string& status) const {
    return metrics.Value("civicgrid_http_requests_total", {{"route", "live"}, {"method", "GET"}, {"status", status}});
  }

  // Declared before the server, which uses them until it is destroyed.
  app::LiveFeed feed;
  http::Router router;
  http::Metrics metrics;
  std::unique_ptr<http::Server> server;
};

TEST(LiveRoute, SendsHelloThenOnlyTheEventsUnderTheFilter) {
  LiveServer server;
  WsClient filtered(server.port());
  ASSERT_FALSE(filtered.Handshake("/api/v1/live?under=371302")) << filtered.response().body();
  EXPECT_EQ(filtered.response().result_int(), 101);
  EXPECT_EQ(filtered.response()["X-Content-Type-Options"], "nosniff");
  EXPECT_FALSE(filtered.response()["X-Request-Id"].empty());
  EXPECT_EQ(filtered.Read().value_or(filtered.error().message()), R"({"type":"hello","under":"371302"})");

  WsClient all(server.port());
  ASSERT_FALSE(all.Handshake("/api/v1/live"));
  EXPECT_EQ(all.Read().value_or(all.error().message()), R"({"type":"hello","under":""})");
  // The hello is written once the session has subscribed.
  EXPECT_EQ(server.feed.listeners(), 2u);
  EXPECT_EQ(server.Gauge(), 2);
  EXPECT_EQ(server.Requests("101"), 2);

  const std::vector<std::pair<std::string, std::string>> events = {
      {"371302001001001", R"({"n":1,"text":"grid in 371302"})"},
      {"371303001001001", R"({"n":2})"},  // another county
      {"371302002", R"({"n":3})"},        // a street of 371302
      {"37", R"({"n":4})"},               // above the filter
      {"371302", R"({"n":5})"},           // the county itself
      {"3713020", R"({"n":6})"},          // not a code, but it starts with the filter
      {"371301302001001", R"({"n":7})"},  // contains the filter, does not start with it
      {"371302003001002", R"({"n":8})"},
  };
  for (const auto& [territory, message] : events) server.feed.Publish(territory, message);

  for (const char* want : {R"({"n":1,"text":"grid in 371302"})", R"({"n":3})", R"({"n":5})", R"({"n":6})",
                           R"({"n":8})"}) {
    EXPECT_EQ(filtered.Read().value_or(filtered.error().message()), want);
  }
  for (const auto& [territory, message] : events) EXPECT_EQ(all.Read().value_or(all.error().message()), message);

  // Nothing else was queued for the filtered client: the next message it gets is the next one under it.
  server.feed.Publish("371303", R"({"n":9})");
  server.feed.Publish("371302999", R"({"n":10})");
  EXPECT_EQ(filtered.Read().value_or(filtered.error().message()), R"({"n":10})");

  // Closing unsubscribes and updates the gauge.
  filtered.Close();
  EXPECT_TRUE(Eventually([&] { return server.feed.listeners() == 1 && server.Gauge() == 1; }));
  all.Close();
  EXPECT_TRUE(Eventually([&] { return server.feed.listeners() == 0 && server.Gauge() == 0; }));
}

TEST(LiveRoute, MalformedUnderIsRefusedBeforeUpgrading) {
  LiveServer server;
  for (const char* under : {"37130", "abc", "3713021", "371300", "3713020010010011"}) {
    WsClient client(server.port());
    beast::error_code ec = client.Handshake(std::string("/api/v1/live?under=") + under);
    EXPECT_EQ(ec, websocket::error::upgrade_declined) << under;
    const auto& response = client.response();
    EXPECT_EQ(response.result_int(), 400) << under;
    EXPECT_EQ(response[beast::http::field::content_type], "application/json");
    auto body = boost::json::parse(response.body());
    EXPECT_EQ(body.at("error").at("code"), "invalid_argument") << response.body();
    EXPECT_EQ(body.at("error").at("field"), "under") << response.body();
  }
  EXPECT_EQ(server.Requests("400"), 5);
  EXPECT_TRUE(std::isnan(server.Requests("101")));
  EXPECT_EQ(server.feed.listeners(), 0u);
  EXPECT_EQ(server.Gauge(), 0);

  // A valid filter still upgrades, and the server keeps working.
  WsClient good(server.port());
  ASSERT_FALSE(good.Handshake("/api/v1/live?under=37"));
  EXPECT_EQ(good.Read().value_or(good.error().message()), R"({"type":"hello","under":"37"})");
}

TEST(LiveRoute, SubscribersAreSignedInAndStayInTheirTerritory) {
  LiveServer server;
  auto status = [&](const std::string& target) {
    WsClient client(server.port());
    beast::error_code ec = client.Handshake(target);
    return ec ? client.response().result_int() : 101;
  };
  EXPECT_EQ(status("/api/v1/live?access_token=none"), 401);
  EXPECT_EQ(status("/api/v1/live?access_token=forged"), 401);
  EXPECT_EQ(status("/api/v1/live?access_token=resident"), 403);    // residents hold no live.read
  EXPECT_EQ(status("/api/v1/live?access_token=lanshan&under=3713"), 404);  // above their county
  EXPECT_EQ(status("/api/v1/live?access_token=lanshan&under=371302004"), 101);
  // Without `under`, a leader of one county listens to that county.
  WsClient county(server.port());
  ASSERT_FALSE(county.Handshake("/api/v1/live?access_token=lanshan"));
  EXPECT_EQ(county.Read().value_or(county.error().message()), R"({"type":"hello","under":"371302"})");
}

TEST(LiveRoute, StopSendsGoingAwayAndReturnsPromptly) {
  LiveServer server;
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_TRUE(client.Read().has_value());

  // The client keeps reading, so it answers the close frame.
  std::optional<std::string> got;
  std::thread reader([&] { got = client.Read(); });
  std::this_thread::sleep_for(50ms);
  auto start = Clock::now();
  server.server->Stop();
  auto took = Clock::now() - start;
  reader.join();
  EXPECT_LT(took, 2s);
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(client.error(), websocket::error::closed) << client.error().message();
  EXPECT_EQ(client.reason().code, websocket::close_code::going_away);
  EXPECT_EQ(server.feed.listeners(), 0u);
  EXPECT_EQ(server.Gauge(), 0);
}

TEST(LiveRoute, StopDoesNotWaitLongerThanTheShutdownTimeoutForASilentClient) {
  http::ServerOptions options;
  options.shutdown_timeout = 300ms;
  LiveServer server({}, options);
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_TRUE(client.Read().has_value());
  // The client now reads nothing, so it never answers the close frame.
  auto start = Clock::now();
  server.server->Stop();
  EXPECT_LT(Clock::now() - start, 3s);
  // The abandoned session is torn down with the server at the latest.
  server.server.reset();
  EXPECT_EQ(server.feed.listeners(), 0u);
  EXPECT_EQ(server.Gauge(), 0);
}

TEST(LiveRoute, PublishingWhileTheServerStopsAndIsDestroyedIsSafe) {
  http::ServerOptions options;
  options.shutdown_timeout = 200ms;
  auto server = std::make_unique<LiveServer>(http::LiveOptions{}, options);
  WsClient answering(server->port());
  ASSERT_FALSE(answering.Handshake("/api/v1/live"));
  ASSERT_TRUE(answering.Read().has_value());
  WsClient silent(server->port());
  ASSERT_FALSE(silent.Handshake("/api/v1/live?under=37"));
  ASSERT_TRUE(silent.Read().has_value());
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (answering.Read()) {
    }
  });
  app::LiveFeed& feed = server->feed;
  std::thread publisher([&] {
    while (!stop) feed.Publish("371302001001001", R"({"n":1})");
  });
  std::this_thread::sleep_for(50ms);
  server->server->Stop();  // the silent client's session is abandoned after the shutdown timeout
  server->server.reset();  // ... and torn down here, while the publisher goes on
  EXPECT_EQ(feed.listeners(), 0u);
  stop = true;
  publisher.join();
  reader.join();
  EXPECT_EQ(answering.error(), websocket::error::closed) << answering.error().message();
  EXPECT_EQ(server->Gauge(), 0);
}

TEST(LiveRoute, PingsTheClientEveryInterval) {
  http::LiveOptions live;
  live.ping_interval = 150ms;
  LiveServer server(live);
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_TRUE(client.Read().has_value());
  std::thread publisher([&] {
    std::this_thread::sleep_for(700ms);
    server.feed.Publish("37", R"({"late":true})");
  });
  // Pings are answered (and counted) while the client waits in Read().
  auto message = client.Read();
  publisher.join();
  EXPECT_EQ(message.value_or(client.error().message()), R"({"late":true})");
  EXPECT_GE(client.pings(), 2);
  EXPECT_LE(client.pings(), 6);
  EXPECT_EQ(server.Gauge(), 1);  // answering pings keeps the session open
}

TEST(LiveRoute, ASlowClientLosesTheOldestMessagesNotTheNewest) {
  http::LiveOptions live;
  live.queue_limit = 20;
  LiveServer server(live);
  WsClient client(server.port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_TRUE(client.Read().has_value());

  // Far more than the socket buffers and the queue hold, published while the client is not reading.
  const int total = 4000;
  const std::string padding(2000, 'x');
  for (int i = 0; i < total; ++i) {
    server.feed.Publish("371302", R"({"n":)" + std::to_string(i) + R"(,"pad":")" + padding + "\"}");
  }
  ASSERT_TRUE(Eventually([&] { return server.metrics.Value("civicgrid_live_dropped_total") > 0; }));

  int received = 0;
  long last = -1;
  for (;;) {
    auto message = client.Read();
    ASSERT_TRUE(message.has_value()) << client.error().message() << " after " << received << " messages";
    long n = boost::json::parse(*message).at("n").as_int64();
    EXPECT_GT(n, last) << "out of order";
    last = n;
    ++received;
    if (n == total - 1) break;
  }
  double dropped = server.metrics.Value("civicgrid_live_dropped_total");
  EXPECT_GT(dropped, 0);
  EXPECT_EQ(received + static_cast<int>(dropped), total);
  EXPECT_EQ(server.Gauge(), 1);
}

TEST(LiveRoute, BatchFramesCarryWhatWasQueuedInPublishOrder) {
  LiveServer server;
  WsClient client(server.port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(client.Handshake("/api/v1/live?under=3713&batch=true")) << client.response().body();
  EXPECT_EQ(client.Read().value_or(client.error().message()), R"({"type":"hello","under":"3713"})");

  // More than the socket buffers hold, published while the client is not reading: the writer falls
  // behind, and what queues up meanwhile goes out together.
  const int total = 600;
  const std::string padding(2000, 'x');
  for (int i = 0; i < total; ++i) {
    server.feed.Publish(i % 3 ? "371302" : "371402", R"({"n":)" + std::to_string(i) + R"(,"pad":")" + padding + "\"}");
  }
  std::vector<long> want;  // those under 3713, in order
  for (int i = 0; i < total; ++i)
    if (i % 3) want.push_back(i);
  int frames = 0, batches = 0;
  std::vector<long> seen;
  while (seen.size() < want.size()) {
    auto frame = client.Read();
    ASSERT_TRUE(frame.has_value()) << client.error().message() << " after " << seen.size() << " messages";
    ++frames;
    auto v = boost::json::parse(*frame).as_object();
    if (v.contains("type")) {
      ASSERT_EQ(v.at("type"), "batch") << frame->substr(0, 100);
      const auto& messages = v.at("messages").as_array();
      EXPECT_GE(messages.size(), 2u);
      ++batches;
      for (const auto& m : messages) seen.push_back(m.at("n").as_int64());
    } else {
      seen.push_back(v.at("n").as_int64());
    }
  }
  EXPECT_EQ(seen, want);
  EXPECT_GT(batches, 0);
  EXPECT_LT(frames, static_cast<int>(want.size()));
  EXPECT_EQ(server.metrics.Value("civicgrid_live_dropped_total"), 0);

  // Any other value of batch is refused before upgrading.
  WsClient bad(server.port());
  EXPECT_EQ(bad.Handshake("/api/v1/live?batch=yes"), websocket::error::upgrade_declined);
  EXPECT_EQ(bad.response().result_int(), 400);
  EXPECT_EQ(boost::json::parse(bad.response().body()).at("error").at("field"), "batch");
}

TEST(LiveRoute, OtherRequestsAreServedAsBefore) {
  LiveServer server;
  WsClient live(server.port());
  ASSERT_FALSE(live.Handshake("/api/v1/live"));
  ASSERT_TRUE(live.Read().has_value());
  // An upgrade to an unregistered path goes to the router like any request.
  WsClient other(server.port());
  EXPECT_EQ(other.Handshake("/healthz"), websocket::error::upgrade_declined);
  EXPECT_EQ(other.response().result_int(), 200);
  EXPECT_EQ(other.response().body(), R"({"status":"ok"})");
  WsClient unknown(server.port());
  EXPECT_EQ(unknown.Handshake("/api/v1/nothing"), websocket::error::upgrade_declined);
  EXPECT_EQ(unknown.response().result_int(), 404);
  // /metrics renders the new families.
  WsClient metrics(server.port());
  metrics.Handshake("/metrics");
  const std::string& text = metrics.response().body();
  EXPECT_NE(text.find("civicgrid_live_connections 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("civicgrid_live_dropped_total 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(civicgrid_http_requests_total{route="live",method="GET",status="101"} 1)"), std::string::npos)
      << text;
}

TEST(LiveRoute, RegisteringAfterStartOrTwiceThrows) {
  LiveServer server;
  EXPECT_THROW(http::AddLiveRoutes(*server.server, server.feed, server.metrics, TestGuard()), std::logic_error);
  http::Router router;
  http::Metrics metrics;
  http::Server fresh({}, router, metrics);
  app::LiveFeed feed;
  http::AddLiveRoutes(fresh, feed, metrics, TestGuard());
  EXPECT_THROW(http::AddLiveRoutes(fresh, feed, metrics, TestGuard()), std::logic_error);
  EXPECT_THROW(fresh.AddWebSocket("live", "x", {}), std::invalid_argument);
}

}  // namespace
}  // namespace civicgrid
