#include "support/serve_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/run.h"

namespace civicgrid::testing {

unsigned short FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

ServeProcess::ServeProcess(const std::string& db, const std::string& log, const std::vector<std::string>& global_args,
                           const std::vector<std::string>& serve_args)
    : port_(FreePort()) {
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> args = {CIVICGRID_BINARY, "--db", db};
  args.insert(args.end(), global_args.begin(), global_args.end());
  for (const char* a : {"serve", "--listen", listen.c_str(), "--web-root", ""}) args.emplace_back(a);
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    FILE* f = freopen(log.c_str(), "w", stderr);
    (void)f;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(CIVICGRID_BINARY, argv.data());
    _exit(127);
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool ServeProcess::WaitUntilUp() {
  for (int i = 0; i < 300; ++i) {
    try {
      if (HttpGet(port_, "/healthz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServeProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

int ServeProcess::Wait(int timeout_ms) {
  if (pid_ <= 0 || reaped_) return -1;
  int status = 0;
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::string AddUserAndSignIn(const std::string& db, unsigned short port, const std::string& username,
                             const std::string& grant) {
  const std::string password = "password of " + username;
  auto added = Run(std::string("CIVICGRID_PASSWORD_COST=minimal ") + CIVICGRID_BINARY + " --db " + db + " user add " + username + " --role '" + grant + "' --password-stdin <<'EOF'\n" +
                         password + "\nEOF");
  EXPECT_EQ(added.exit_code, 0) << added.output;
  auto reply = HttpRequest(port, "POST", "/api/v1/auth/login",
                           R"({"username":")" + username + R"(","password":")" + password + R"("})",
                           {{"Content-Type", "application/json"}});
  EXPECT_EQ(reply.status, 200u) << reply.body;
  if (reply.status != 200) return "";
  return std::string(boost::json::parse(reply.body).at("token").as_string());
}

}  // namespace civicgrid::testing
