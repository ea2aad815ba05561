#include "http/beast_request.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <random>

namespace civicgrid::http {
namespace {

// A client-supplied request id is kept when it is short and plain.
bool PlainId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  static const unsigned prefix = std::random_device{}() & 0xffffffu;
  static std::atomic<unsigned long long> counter{0};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06x-%010llx", prefix, counter.fetch_add(1, std::memory_order_relaxed) + 1);
  return buf;
}

}  // namespace

std::string RequestIdFor(std::string_view client_id) {
  return PlainId(client_id) ? std::string(client_id) : NewRequestId();
}

Result<void> FromBeast(BeastRequest& message, Request& request) {
  request.method = message.method();
  request.id = RequestIdFor(message["X-Request-Id"]);
  request.headers.clear();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = request.headers.try_emplace(std::move(name), field.value());
    if (!inserted) (it->second += ", ") += field.value();
  }
  std::string_view target = message.target();
  if (auto parsed = ParseTarget(target, request); !parsed) {
    request.path = std::string(target.substr(0, target.find('?')));
    return parsed.error();
  }
  request.body = std::move(message.body());
  return {};
}

}  // namespace civicgrid::http
