// The client address of a peer as the server records it ("ip:port", or "[v6]:port" for IPv6).
#pragma once

#include <string>
#include <string_view>

namespace civicgrid {

// The address without the port: "203.0.113.7:51234" → "203.0.113.7", "[2001:db8::1]:443" →
// "2001:db8::1"; an IPv4-mapped IPv6 address answers its IPv4 form ("[::ffff:203.0.113.7]:1" →
// "203.0.113.7"); a bare address answers itself.
std::string ClientIp(std::string_view remote);

}  // namespace civicgrid
