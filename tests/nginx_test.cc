// The example nginx configuration (deploy/nginx/civicgrid.conf) in front of two `civicgrid serve` processes
// on one PostgreSQL database, each started with --trusted-proxies 127.0.0.1. The file is used as it is, with
// only its ports (the nodes', the listener's) and log paths rewritten, inside a minimal nginx.conf. Checks:
// `nginx -t` accepts it; requests through nginx reach both nodes; a WebSocket client of the live feed
// connected through nginx receives what either node commits; the nodes see the client's own address (the
// one nginx puts in X-Forwarded-For), in audit records and per-client rate limits; an upload close to the
// attachment limit passes, and one over it gets the node's own 413. Runs as pg.BehindNginx.*.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "support/heating_world.h"
#include "support/http_client.h"
#include "support/run.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/ws_client.h"

namespace civicgrid {
namespace {

namespace json = boost::json;
using testing::HttpGet;
using testing::HttpRequest;
using testing::HttpRequestFrom;

constexpr std::size_t kAttachmentLimit = 10 * 1024 * 1024;  // the server's default [attachments] max_bytes

// The nginx program: the one on PATH, else Debian's /usr/sbin/nginx; "" when there is none.
std::string NginxBinary() {
  auto found = testing::Run("command -v nginx");
  if (found.exit_code == 0 && !found.output.empty()) return found.output.substr(0, found.output.find('\n'));
  return std::filesystem::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "";
}

// Replaces every `from` in `text` by `to`; a test failure when there is none (the example has changed).
void Rewrite(std::string& text, const std::string& from, const std::string& to) {
  int n = 0;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()), ++n)
    text.replace(at, from.size(), to);
  EXPECT_GT(n, 0) << "deploy/nginx/civicgrid.conf no longer holds '" << from << "'";
}

// The sum of the samples of civicgrid_http_requests_total for `route` and `status` in a /metrics text.
double RequestsCounted(const std::string& metrics, const std::string& route, const std::string& status) {
  double sum = 0;
  size_t start = 0;
  while (start < metrics.size()) {
    size_t end = metrics.find('\n', start);
    if (end == std::string::npos) end = metrics.size();
    const std::string line = metrics.substr(start, end - start);
    if (line.starts_with("civicgrid_http_requests_total{") && line.find("route=\"" + route + "\"") != std::string::npos &&
        line.find("status=\"" + status + "\"") != std::string::npos)
      sum += std::atof(line.substr(line.rfind(' ') + 1).c_str());
    start = end + 1;
  }
  return sum;
}

// The bytes of a JPEG of `size` bytes: SOI, a frame header of 16×16, then filler the server does not read.
std::string JpegOfSize(std::size_t size) {
  std::string bytes("\xFF\xD8\xFF\xC0\x00\x11\x08\x00\x10\x00\x10\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 21);
  bytes.resize(size, '\0');
  return bytes;
}

class BehindNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::TestOnPostgres())
      GTEST_SKIP() << "nginx in front of two app nodes, which share a database server (run as pg.BehindNginx.*)";
    nginx_ = NginxBinary();
    ASSERT_FALSE(nginx_.empty()) << "nginx is not installed: scripts/install-deps.sh --with-postgres installs it";
    url_ = testing::TestDbUrl(dir_, "proxied");
    ASSERT_FALSE(url_.empty());
    auto s = testing::OpenTestStore(dir_, "proxied");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    testing::BuildHeatingWorld(*store_, world_);
    if (HasFatalFailure()) return;

    // What every node shares: the database, the keyring file and the attachments directory. One public
    // write per client address and hour on each node, so that a second one from an address is refused.
    setenv("CIVICGRID_KEY_FILE", dir_.File("proxied.key").c_str(), 1);
    setenv("CIVICGRID_ATTACHMENTS_DIR", dir_.File("attachments").c_str(), 1);
    setenv("CIVICGRID_PUBLIC_WRITES_PER_HOUR", "1", 1);
    for (int i = 0; i < 2; ++i)
      nodes_.push_back(std::make_unique<testing::ServeProcess>(url_, dir_.File("node" + std::to_string(i) + ".log"),
                                                               std::vector<std::string>{},
                                                               std::vector<std::string>{"--trusted-proxies", "127.0.0.1"}));
    for (int i = 0; i < 2; ++i)
      ASSERT_TRUE(nodes_[i]->WaitUntilUp()) << testing::ReadFile(dir_.File("node" + std::to_string(i) + ".log"));
    StartNginx();
  }

  void TearDown() override {
    if (nginx_pid_ > 0) {
      kill(nginx_pid_, SIGQUIT);  // graceful: finish the open requests, then exit
      int status = 0;
      bool ended = false;
      for (int i = 0; i < 500 && !ended; ++i) {
        ended = waitpid(nginx_pid_, &status, WNOHANG) == nginx_pid_;
        if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (!ended) {
        ADD_FAILURE() << "nginx did not stop on SIGQUIT within 10 s";
        kill(nginx_pid_, SIGKILL);
        waitpid(nginx_pid_, &status, 0);
      }
    }
    for (auto& node : nodes_) {
      node->Signal(SIGTERM);
      EXPECT_NE(node->Wait(15000), -1) << "an app node did not stop on SIGTERM";
    }
    for (const char* name : {"CIVICGRID_KEY_FILE", "CIVICGRID_ATTACHMENTS_DIR", "CIVICGRID_PUBLIC_WRITES_PER_HOUR"})
      unsetenv(name);
  }

  // Writes the example configuration with this test's ports and paths, checks it with `nginx -t`, starts
  // nginx in the foreground and waits until it forwards /healthz.
  void StartNginx() {
    const std::string root = dir_.path().string();
    std::string server = testing::ReadFile(CIVICGRID_SOURCE_DIR "/deploy/nginx/civicgrid.conf");
    port_ = testing::FreePort();
    Rewrite(server, "127.0.0.1:8081", "127.0.0.1:" + std::to_string(nodes_[0]->port()));
    Rewrite(server, "127.0.0.1:8082", "127.0.0.1:" + std::to_string(nodes_[1]->port()));
    Rewrite(server, "listen 80;", "listen 127.0.0.1:" + std::to_string(port_) + ";");
    Rewrite(server, "/var/log/nginx/", root + "/");
    testing::WriteFile(root + "/civicgrid.conf", server);
    std::string main_conf = "worker_processes 1;\npid " + root + "/nginx.pid;\nerror_log " + root +
                            "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      main_conf += std::string("  ") + temp + "_temp_path " + root + "/" + temp + "_temp;\n";
    main_conf += "  access_log off;\n  include " + root + "/civicgrid.conf;\n}\n";
    testing::WriteFile(root + "/nginx.conf", main_conf);

    const std::string args = " -p " + root + " -e " + root + "/error.log -c " + root + "/nginx.conf";
    auto checked = testing::Run(nginx_ + args + " -t");
    ASSERT_EQ(checked.exit_code, 0) << checked.output;
    EXPECT_NE(checked.output.find("test is successful"), std::string::npos) << checked.output;

    nginx_pid_ = fork();
    if (nginx_pid_ == 0) {
      FILE* f = freopen((root + "/nginx.stderr").c_str(), "w", stderr);
      (void)f;
      execl("/bin/sh", "sh", "-c", ("exec " + nginx_ + args + " -g 'daemon off;'").c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      try {
        if (HttpGet(port_, "/healthz").status == 200) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "nginx does not forward /healthz: " << testing::ReadFile(root + "/error.log")
           << testing::ReadFile(root + "/nginx.stderr");
  }

  // Signs `user` in through nginx from the local address `source`; answers the token ("" on failure).
  std::string SignIn(const std::string& user, const std::string& source = "127.0.0.1",
                     std::map<std::string, std::string> headers = {}) {
    headers["Content-Type"] = "application/json";
    auto reply = HttpRequestFrom(source, port_, "POST", "/api/v1/auth/login",
                                 R"({"username":")" + user + R"(","password":"password of )" + user + R"("})", headers);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return reply.status == 200 ? std::string(json::parse(reply.body).at("token").as_string()) : "";
  }

  // Reports a heating case at `port` (nginx or a node) with `token`; answers its id (0 on failure).
  int64_t Report(unsigned short port, const std::string& token, const std::string& text) {
    auto r = HttpRequest(port, "POST", "/api/v1/cases",
                         R"({"channel":"hotline","category":"0101","description":")" + text +
                             R"(","location":{"lon":118.345,"lat":35.045}})",
                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? json::parse(r.body).at("id").as_int64() : 0;
  }

  // The remote of the latest audit record with `action` ("" when there is none).
  std::string LatestAuditRemote(const std::string& action) {
    auto records = store_->ReadLatestAudit(50);
    EXPECT_TRUE(records.ok());
    if (!records.ok()) return "";
    for (auto it = records->rbegin(); it != records->rend(); ++it)
      if (it->action == action) return it->remote;
    return "";
  }

  testing::TempDir dir_;
  std::string nginx_, url_;
  std::unique_ptr<store::Store> store_;
  testing::HeatingWorld world_;
  std::vector<std::unique_ptr<testing::ServeProcess>> nodes_;
  unsigned short port_ = 0;
  pid_t nginx_pid_ = -1;
};

TEST_F(BehindNginx, RequestsThroughNginxReachBothNodes) {
  const std::string token = SignIn("operator");
  ASSERT_FALSE(token.empty());
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(Report(port_, token, "经代理上报 " + std::to_string(i)));
  // Both nodes took reports in (nginx takes turns), and each node reads every case.
  for (auto& node : nodes_) {
    EXPECT_GT(RequestsCounted(HttpGet(node->port(), "/metrics").body, "cases.create", "201"), 0)
        << "node " << node->port() << " got no report";
    for (int64_t id : ids) {
      auto got = HttpRequest(node->port(), "GET", "/api/v1/cases/" + std::to_string(id), "",
                             {{"Authorization", "Bearer " + token}});
      EXPECT_EQ(got.status, 200u) << "case " << id << " on node " << node->port() << ": " << got.body;
    }
  }
  // The access log of the example names the node of each request: both are there.
  const std::string log = testing::ReadFile(dir_.File("civicgrid.access.log"));
  for (auto& node : nodes_)
    EXPECT_NE(log.find("upstream=127.0.0.1:" + std::to_string(node->port())), std::string::npos) << log;
  // /metrics through nginx is for the monitoring host only (here: loopback).
  EXPECT_EQ(HttpGet(port_, "/metrics").status, 200u);
  EXPECT_EQ(HttpRequestFrom("127.0.0.2", port_, "GET", "/metrics").status, 403u);
}

TEST_F(BehindNginx, LiveFeedThroughNginxGetsWhatEitherNodeCommits) {
  const std::string token = SignIn("operator");
  ASSERT_FALSE(token.empty());
  testing::WsClient client(port_);
  ASSERT_FALSE(client.Handshake("/api/v1/live?access_token=" + token)) << client.response().body();
  ASSERT_TRUE(client.Read().has_value());  // hello
  // One case committed on each node: whichever node the client's connection went to, one of the two
  // came from the other.
  std::set<int64_t> sent;
  for (auto& node : nodes_) sent.insert(Report(node->port(), token, "直连节点上报"));
  std::set<int64_t> received;
  while (received.size() < sent.size()) {
    auto message = client.Read();
    ASSERT_TRUE(message.has_value()) << client.error().message();
    auto m = json::parse(*message);
    if (m.at("type").as_string() == "case_event") received.insert(m.at("case").at("id").as_int64());
  }
  EXPECT_EQ(received, sent);
}

TEST_F(BehindNginx, TheNodesSeeTheClientsAddress) {
  // The client at 127.0.0.2 is recorded as such, not as nginx (127.0.0.1).
  ASSERT_FALSE(SignIn("operator", "127.0.0.2").empty());
  EXPECT_EQ(LatestAuditRemote("login"), "127.0.0.2");
  // An X-Forwarded-For the client sends itself is not believed: nginx appends the real address.
  ASSERT_FALSE(SignIn("operator", "127.0.0.3", {{"X-Forwarded-For", "192.0.2.1"}}).empty());
  EXPECT_EQ(LatestAuditRemote("login"), "127.0.0.3");

  // Public writes are limited per client (here one an hour on each node): the client at 127.0.0.4 is
  // refused by its third attempt at the latest, while the client at 127.0.0.5 still gets through.
  bool refused = false;
  for (int i = 0; i < 3 && !refused; ++i)
    refused = HttpRequestFrom("127.0.0.4", port_, "POST", "/api/v1/public/attachments").status == 429;
  EXPECT_TRUE(refused) << "the public write limit did not apply to 127.0.0.4";
  auto other = HttpRequestFrom("127.0.0.5", port_, "POST", "/api/v1/public/attachments");
  EXPECT_NE(other.status, 429u) << "one client's limit refused another: " << other.body;
  EXPECT_EQ(other.status, 400u) << other.body;  // an empty file, past the limit
}

TEST_F(BehindNginx, UploadsUpToTheAttachmentLimitPass) {
  const std::string token = SignIn("operator");
  ASSERT_FALSE(token.empty());
  const std::string photo = JpegOfSize(kAttachmentLimit - 1024);
  auto up = HttpRequestFrom("127.0.0.6", port_, "POST", "/api/v1/public/attachments", photo,
                            {{"Content-Type", "image/jpeg"}});
  ASSERT_EQ(up.status, 201u) << up.body;
  const std::string id(json::parse(up.body).at("id").as_string());
  // Both nodes serve it: they share the attachments directory.
  for (auto& node : nodes_) {
    auto got = HttpRequest(node->port(), "GET", "/api/v1/attachments/" + id, "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(got.status, 200u) << got.body.substr(0, 200);
    EXPECT_EQ(got.body.size(), photo.size());
  }
  // One byte over the limit: nginx lets it through, and the node answers its own JSON 413.
  auto over = HttpRequestFrom("127.0.0.7", port_, "POST", "/api/v1/public/attachments",
                              JpegOfSize(kAttachmentLimit + 1), {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(over.status, 413u);
  EXPECT_NE(over.body.find("payload_too_large"), std::string::npos) << over.body.substr(0, 300);
}

}  // namespace
}  // namespace civicgrid
