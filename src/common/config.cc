#include "common/config.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include <toml++/toml.h>

#include "common/client_ip.h"

namespace civicgrid {
namespace {

void FromEnv(const char* name, std::string& into) {
  if (const char* v = std::getenv(name); v && *v) into = v;
}

Error BadAttachmentMaxBytes(const std::string& where) {
  return Error::InvalidArgument(where + " must be a whole number of bytes from 1 to " +
                                    std::to_string(kMaxAttachmentMaxBytes),
                                "attachment_max_bytes");
}

}  // namespace

Result<Config> LoadConfig(const std::string& path_arg) {
  Config c;
  std::string path = path_arg;
  bool named = !path.empty();
  if (path.empty()) {
    if (const char* v = std::getenv("CIVICGRID_CONFIG"); v && *v) {
      path = v;
      named = true;
    } else if (std::filesystem::exists("civicgrid.toml")) {
      path = "civicgrid.toml";
    }
  }
  if (!path.empty()) {
    if (named && !std::filesystem::exists(path))
      return Error::InvalidArgument("config file '" + path + "' does not exist", "config");
    try {
      toml::table t = toml::parse_file(path);
      c.listen = t["server"]["listen"].value_or(c.listen);
      c.threads = t["server"]["threads"].value_or(c.threads);
      c.web_root = t["server"]["web_root"].value_or(c.web_root);
      if (auto node = t["server"]["trusted_proxies"]) {
        const toml::array* list = node.as_array();
        if (!list)
          return Error::InvalidArgument("[server] trusted_proxies in '" + path + "' must be a list of IP addresses",
                                        "trusted_proxies");
        c.trusted_proxies.clear();
        for (const toml::node& item : *list) {
          auto text = item.value<std::string>();
          if (!item.is_string() || !text)
            return Error::InvalidArgument(
                "[server] trusted_proxies in '" + path + "' must be a list of IP addresses (strings)",
                "trusted_proxies");
          c.trusted_proxies.push_back(*text);
        }
      }
      c.db = t["database"]["url"].value_or(c.db);
      c.log_level = t["log"]["level"].value_or(c.log_level);
      c.log_format = t["log"]["format"].value_or(c.log_format);
      c.attachments_dir = t["attachments"]["dir"].value_or(c.attachments_dir);
      c.key_file = t["security"]["key_file"].value_or(c.key_file);
      c.password_cost = t["security"]["password_cost"].value_or(c.password_cost);
      c.session_hours = t["security"]["session_hours"].value_or(c.session_hours);
      c.public_writes_per_hour = t["security"]["public_writes_per_hour"].value_or(c.public_writes_per_hour);
      c.open311_publish = t["open311"]["publish"].value_or(c.open311_publish);
      if (auto node = t["attachments"]["max_bytes"]) {
        auto n = node.value_exact<int64_t>();
        if (!n || *n < 1 || static_cast<uint64_t>(*n) > kMaxAttachmentMaxBytes)
          return BadAttachmentMaxBytes("[attachments] max_bytes in '" + path + "'");
        c.attachment_max_bytes = static_cast<std::size_t>(*n);
      }
    } catch (const toml::parse_error& e) {
      return Error::InvalidArgument("config file '" + path + "' line " +
                                        std::to_string(e.source().begin.line) + ": " + std::string(e.description()),
                                    "config");
    }
  }
  FromEnv("CIVICGRID_LISTEN", c.listen);
  FromEnv("CIVICGRID_WEB_ROOT", c.web_root);
  if (const char* v = std::getenv("CIVICGRID_TRUSTED_PROXIES"); v && *v) c.trusted_proxies = SplitAddressList(v);
  if (auto t = TrustedProxies::Parse(c.trusted_proxies); !t) return t.error();
  FromEnv("CIVICGRID_DB", c.db);
  FromEnv("CIVICGRID_LOG_LEVEL", c.log_level);
  FromEnv("CIVICGRID_LOG_FORMAT", c.log_format);
  FromEnv("CIVICGRID_ATTACHMENTS_DIR", c.attachments_dir);
  FromEnv("CIVICGRID_KEY_FILE", c.key_file);
  FromEnv("CIVICGRID_PASSWORD_COST", c.password_cost);
  FromEnv("CIVICGRID_OPEN311_PUBLISH", c.open311_publish);
  if (c.open311_publish != "open311" && c.open311_publish != "all")
    return Error::InvalidArgument("open311 publish must be open311 or all", "open311_publish");
  if (const char* v = std::getenv("CIVICGRID_SESSION_HOURS"); v && *v) {
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end) return Error::InvalidArgument("CIVICGRID_SESSION_HOURS must be a number from 1 to 720", "session_hours");
    c.session_hours = static_cast<int>(n);
  }
  if (const char* v = std::getenv("CIVICGRID_PUBLIC_WRITES_PER_HOUR"); v && *v) {
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end || n < 1 || n > 100000)
      return Error::InvalidArgument("CIVICGRID_PUBLIC_WRITES_PER_HOUR must be a number from 1 to 100000",
                                    "public_writes_per_hour");
    c.public_writes_per_hour = static_cast<int>(n);
  }
  if (c.public_writes_per_hour < 1 || c.public_writes_per_hour > 100000)
    return Error::InvalidArgument("public_writes_per_hour must be a number from 1 to 100000", "public_writes_per_hour");
  if (c.session_hours < 1 || c.session_hours > 720)
    return Error::InvalidArgument("session_hours must be a number from 1 to 720", "session_hours");
  if (c.password_cost != "interactive" && c.password_cost != "moderate" && c.password_cost != "minimal")
    return Error::InvalidArgument("password_cost must be interactive, moderate or minimal", "password_cost");
  if (const char* v = std::getenv("CIVICGRID_THREADS"); v && *v) {
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end || n < 0 || n > 256)
      return Error::InvalidArgument("CIVICGRID_THREADS must be a number from 0 to 256", "threads");
    c.threads = static_cast<int>(n);
  }
  if (const char* v = std::getenv("CIVICGRID_ATTACHMENT_MAX_BYTES"); v && *v) {
    // Digits only (strtoull would take a sign and blanks); stop before the number could overflow.
    size_t n = 0;
    for (char ch : std::string_view(v)) {
      if (ch < '0' || ch > '9' || n > kMaxAttachmentMaxBytes) {
        n = 0;
        break;
      }
      n = n * 10 + static_cast<size_t>(ch - '0');
    }
    if (n < 1 || n > kMaxAttachmentMaxBytes) return BadAttachmentMaxBytes("CIVICGRID_ATTACHMENT_MAX_BYTES");
    c.attachment_max_bytes = n;
  }
  return c;
}

std::string KeyFileOf(const Config& config) {
  if (!config.key_file.empty()) return config.key_file;
  // A database server has no file beside which to keep the keyring: it must be named.
  if (config.db.rfind("postgres://", 0) == 0 || config.db.rfind("postgresql://", 0) == 0) return "";
  std::string db = config.db;
  if (db.rfind("sqlite:", 0) == 0) db = db.substr(7);
  return db + ".key";
}

std::vector<std::string> SplitAddressList(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    const size_t first = item.find_first_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
    start = comma + 1;
  }
  return out;
}

Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size())
    return Error::InvalidArgument("listen address '" + listen + "' is not HOST:PORT", "listen");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_s = listen.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_s.c_str(), &end, 10);
  if (*end || port < 0 || port > 65535)
    return Error::InvalidArgument("listen port '" + port_s + "' is not a number from 0 to 65535", "listen");
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, static_cast<unsigned short>(port));
}

}  // namespace civicgrid
