// `civicgrid serve` as an operator runs it: a separate process on a free loopback port, answering
// /healthz and the API, and stopping gracefully (exit 0) on SIGTERM.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/http_client.h"
#include "support/run.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {

TEST(ServeProcess, AnswersAndStopsGracefullyOnSigterm) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "data");
  testing::WriteTinyTerritory(dir.File("data"));
  std::string db = dir.File("t.db");
  auto built = testing::Civicgrid("--db " + db + " demo build --data " + dir.File("data"));
  ASSERT_EQ(built.exit_code, 0) << built.output;

  std::string log = dir.File("serve.log");
  testing::ServeProcess server(db, log);
  ASSERT_TRUE(server.WaitUntilUp()) << testing::ReadFile(log);
  const unsigned short port = server.port();
  auto loc = testing::HttpGet(port, "/api/v1/locate?lon=118.05&lat=35.05");  // territory reads are public
  EXPECT_EQ(loc.status, 200u);
  EXPECT_EQ(testing::HttpGet(port, "/api/v1/units").status, 401u);
  const std::string token = testing::AddUserAndSignIn(db, port, "viewer", "leader@");
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/api/v1/units", "", {{"Authorization", "Bearer " + token}}).status, 200u);
  EXPECT_NE(loc.body.find("\"inside\":true"), std::string::npos) << loc.body;
  EXPECT_NE(testing::HttpGet(port, "/metrics").body.find("civicgrid_territory_grids"), std::string::npos);
  // The health check is never rate-limited (the other public routes are: a burst of 120 per address).
  int healthz_ok = 0;
  for (int i = 0; i < 150; ++i) healthz_ok += testing::HttpGet(port, "/healthz").status == 200u;
  EXPECT_EQ(healthz_ok, 150);
  bool limited = false;
  for (int i = 0; i < 150 && !limited; ++i) limited = testing::HttpGet(port, "/api/v1/locate?lon=118.05&lat=35.05").status == 429u;
  EXPECT_TRUE(limited) << "the public routes are no longer rate-limited";

  server.Signal(SIGTERM);
  const int status = server.Wait(15000);
  ASSERT_TRUE(status != -1 && WIFEXITED(status)) << "the server did not exit after SIGTERM";
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
