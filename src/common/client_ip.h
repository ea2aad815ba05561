// The client address of a peer as the server records it ("ip:port", or "[v6]:port" for IPv6), and the
// client behind trusted reverse proxies (X-Forwarded-For).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace civicgrid {

// The address without the port: "203.0.113.7:51234" → "203.0.113.7", "[2001:db8::1]:443" →
// "2001:db8::1"; an IPv4-mapped IPv6 address answers its IPv4 form ("[::ffff:203.0.113.7]:1" →
// "203.0.113.7"); a bare address answers itself.
std::string ClientIp(std::string_view remote);

// The canonical text of one IP address literal (no brackets, no port, no zone): IPv4 in dotted decimal,
// IPv6 in its shortest lower-case form ("2001:DB8:0::1" → "2001:db8::1"), an IPv4-mapped IPv6 address
// as its IPv4 form. Answers "" when `text` is not an IP address.
std::string CanonicalIp(std::string_view text);

// The addresses of the reverse proxies (load balancers) whose X-Forwarded-For the server believes.
// Empty by default: then every request's client is its TCP peer.
class TrustedProxies {
 public:
  TrustedProxies() = default;

  // The set of `addresses` (IP literals, IPv4 or IPv6; blanks around each are ignored). Fails with
  // invalid_argument naming the field "trusted_proxies" and the first entry that is not an IP address.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& addresses);

  // True when `ip` (any form CanonicalIp takes) is one of the set's addresses.
  bool Contains(std::string_view ip) const;
  bool empty() const { return addresses_.empty(); }

 private:
  std::vector<std::string> addresses_;  // canonical forms
};

// The client address of a request whose TCP peer is `peer` ("ip:port" as the server records it) and whose
// X-Forwarded-For header is `forwarded_for` ("" when absent; repeated headers joined with ","):
//   - when the peer is not a trusted proxy, or the header is absent: `peer` unchanged;
//   - else the right-most entry of the header that is not itself a trusted proxy, as CanonicalIp gives it
//     (no port), or the left-most entry when every entry is a trusted proxy;
//   - when an entry met on the way from the right is not an IP address (or is empty), the header is
//     malformed: `peer` unchanged.
// Entries left of the one answered are not looked at: a client may put anything there.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted);

}  // namespace civicgrid
