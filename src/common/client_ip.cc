#include "common/client_ip.h"

namespace civicgrid {

std::string ClientIp(std::string_view remote) {
  std::string_view ip = remote;
  if (ip.starts_with('[')) {
    size_t close = ip.find(']');
    ip = close == std::string_view::npos ? ip.substr(1) : ip.substr(1, close - 1);
  } else if (size_t colon = ip.find(':'); colon != std::string_view::npos && colon == ip.rfind(':')) {
    ip = ip.substr(0, colon);  // "a.b.c.d:port"; more than one ':' is a bare IPv6 address
  }
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() && ip.find('.') != std::string_view::npos) {
    std::string lower(ip.substr(0, kMapped.size()));
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == kMapped) ip.remove_prefix(kMapped.size());
  }
  return std::string(ip);
}

}  // namespace civicgrid
