#include "support/trickle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace civicgrid::testing {

using Clock = std::chrono::steady_clock;

std::optional<std::chrono::milliseconds> Trickle(unsigned short port, std::string_view prefix,
                                                 std::string_view trickle, std::chrono::milliseconds interval) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  // True when the peer closed the connection within `wait`.
  auto closed_within = [fd](std::chrono::milliseconds wait) {
    const auto until = Clock::now() + wait;
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
      pollfd p{fd, POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 1))) <= 0) continue;
      char buf[4096];
      if (::recv(fd, buf, sizeof buf, 0) <= 0) return true;
    }
    return false;
  };
  std::optional<std::chrono::milliseconds> result;
  if (!prefix.empty()) ::send(fd, prefix.data(), prefix.size(), MSG_NOSIGNAL);
  const auto start = Clock::now();
  for (size_t i = 0; i <= trickle.size() && !result; ++i) {
    const bool closed = i < trickle.size()
                            ? ::send(fd, &trickle[i], 1, MSG_NOSIGNAL) != 1 || closed_within(interval)
                            : closed_within(std::chrono::seconds(3));
    if (closed) result = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  }
  ::close(fd);
  return result;
}

}  // namespace civicgrid::testing
