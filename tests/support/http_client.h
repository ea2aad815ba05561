// A minimal blocking HTTP/1.1 client for tests against a real server on loopback.
#pragma once

#include <map>
#include <string>

namespace civicgrid::testing {

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Sends one request to 127.0.0.1:`port` on a fresh connection and reads the reply.
HttpReply HttpRequest(unsigned short port, const std::string& method, const std::string& target,
                      const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// As HttpRequest, from the local address `source` ("" = any): a loopback address other than 127.0.0.1
// (e.g. "127.0.0.2") shows a server or proxy on 127.0.0.1 a client of its own address.
HttpReply HttpRequestFrom(const std::string& source, unsigned short port, const std::string& method,
                          const std::string& target, const std::string& body = "",
                          const std::map<std::string, std::string>& headers = {});

inline HttpReply HttpGet(unsigned short port, const std::string& target) {
  return HttpRequest(port, "GET", target);
}

}  // namespace civicgrid::testing
