#include "common/client_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace civicgrid {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

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

std::string CanonicalIp(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return "";
  const std::string z(text);  // inet_pton wants a NUL-terminated string
  char out[INET6_ADDRSTRLEN] = {};
  unsigned char v4[4];
  if (inet_pton(AF_INET, z.c_str(), v4) == 1) return inet_ntop(AF_INET, v4, out, sizeof out) ? out : "";
  unsigned char v6[16];
  if (inet_pton(AF_INET6, z.c_str(), v6) != 1) return "";
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(v6, kMappedPrefix, sizeof kMappedPrefix) == 0)
    return inet_ntop(AF_INET, v6 + 12, out, sizeof out) ? out : "";
  return inet_ntop(AF_INET6, v6, out, sizeof out) ? out : "";
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& addresses) {
  TrustedProxies t;
  for (const std::string& a : addresses) {
    std::string ip = CanonicalIp(Trim(a));
    if (ip.empty())
      return Error::InvalidArgument("trusted_proxies: '" + a.substr(0, 60) + "' is not an IP address",
                                    "trusted_proxies");
    if (!t.Contains(ip)) t.addresses_.push_back(std::move(ip));
  }
  return t;
}

bool TrustedProxies::Contains(std::string_view ip) const {
  if (addresses_.empty()) return false;
  const std::string canonical = CanonicalIp(ip);
  return !canonical.empty() && std::find(addresses_.begin(), addresses_.end(), canonical) != addresses_.end();
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted) {
  if (trusted.empty() || Trim(forwarded_for).empty() || !trusted.Contains(ClientIp(peer))) return std::string(peer);
  std::string_view rest = forwarded_for;
  std::string leftmost;
  for (;;) {
    const size_t comma = rest.rfind(',');
    const std::string_view entry = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    std::string ip = CanonicalIp(entry);
    if (ip.empty()) return std::string(peer);  // malformed: believe nothing of it
    if (!trusted.Contains(ip)) return ip;
    leftmost = std::move(ip);
    if (comma == std::string_view::npos) return leftmost;  // every hop is a trusted proxy
    rest = rest.substr(0, comma);
  }
}

}  // namespace civicgrid
