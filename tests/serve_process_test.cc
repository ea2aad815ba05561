// `civicgrid serve` as an operator runs it: a separate process on a free loopback port, answering
// /healthz and the API, and stopping gracefully (exit 0) on SIGTERM.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include "support/http_client.h"
#include "support/run.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

unsigned short FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

TEST(ServeProcess, AnswersAndStopsGracefullyOnSigterm) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "data");
  testing::WriteTinyTerritory(dir.File("data"));
  std::string db = dir.File("t.db");
  auto built = testing::Civicgrid("--db " + db + " demo build --data " + dir.File("data"));
  ASSERT_EQ(built.exit_code, 0) << built.output;

  unsigned short port = FreePort();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  std::string log = dir.File("serve.log");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    FILE* f = freopen(log.c_str(), "w", stderr);
    (void)f;
    execl(CIVICGRID_BINARY, CIVICGRID_BINARY, "--db", db.c_str(), "serve", "--listen", listen.c_str(),
          "--web-root", "", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Whatever happens below, the server does not outlive the test.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (kill(pid, 0) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{pid};

  testing::HttpReply health;
  for (int i = 0; i < 200; ++i) {
    try {
      health = testing::HttpGet(port, "/healthz");
      break;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(health.status, 200u) << testing::ReadFile(log);
  auto loc = testing::HttpGet(port, "/api/v1/locate?lon=118.05&lat=35.05");
  EXPECT_EQ(loc.status, 200u);
  EXPECT_NE(loc.body.find("\"inside\":true"), std::string::npos) << loc.body;
  EXPECT_NE(testing::HttpGet(port, "/metrics").body.find("civicgrid_territory_grids"), std::string::npos);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(WIFEXITED(status)) << "the server did not exit after SIGTERM";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string text = testing::ReadFile(log);
  EXPECT_NE(text.find("\"event\":\"server.stopped\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"event\":\"http.request\""), std::string::npos);
}

TEST(ServeProcess, BadListenAddressIsAClearError) {
  testing::TempDir dir;
  auto r = testing::Civicgrid("--db " + dir.File("x.db") + " serve --listen nonsense");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("listen"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace civicgrid
