// A slow client for tests of the server's timeouts: it sends a request a byte at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace civicgrid::testing {

// Connects to 127.0.0.1:`port`, sends `prefix` at once, then `trickle` one byte every `interval`,
// reading and discarding whatever the server answers, until the server closes the connection.
// Answers how long after the first trickled byte that happened, or nullopt when the connection failed
// or all was sent and the connection stayed open 3 s more.
std::optional<std::chrono::milliseconds> Trickle(unsigned short port, std::string_view prefix,
                                                 std::string_view trickle, std::chrono::milliseconds interval);

}  // namespace civicgrid::testing
