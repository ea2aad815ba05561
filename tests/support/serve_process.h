// `civicgrid serve` as a child process on a free loopback port, for tests of the real binary.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace civicgrid::testing {

// A loopback TCP port that was free a moment ago.
unsigned short FreePort();

// Starts `civicgrid --db DB [global args] serve --listen 127.0.0.1:PORT --web-root "" [serve args]` with
// stderr in `log`. The destructor kills the process (SIGKILL) if it still runs, so it never outlives a test.
class ServeProcess {
 public:
  ServeProcess(const std::string& db, const std::string& log, const std::vector<std::string>& global_args = {},
               const std::vector<std::string>& serve_args = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Polls /healthz for up to 15 s; true once it answers 200.
  bool WaitUntilUp();
  // Sends `signal` to the process.
  void Signal(int signal);
  // Waits up to `timeout_ms` for the process to end; answers its waitpid status, or -1 if it still runs.
  int Wait(int timeout_ms);

  unsigned short port() const { return port_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  unsigned short port_ = 0;
};

// Adds an account with `grant` to the database `db` through `civicgrid user add` (cheap password
// hashing) and signs it in on the server at `port`; answers the bearer token ("" on failure, with a
// test failure recorded).
std::string AddUserAndSignIn(const std::string& db, unsigned short port, const std::string& username,
                             const std::string& grant);

}  // namespace civicgrid::testing
