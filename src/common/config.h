// Settings of the civicgrid binary: defaults, then a TOML file, then environment variables, then
// command-line flags (each overriding the one before).
//
//   [server]   listen = "127.0.0.1:8080"   threads = 0 (= cores)   web_root = "web/dist"
//              trusted_proxies = [] (IP addresses of reverse proxies, e.g. ["127.0.0.1"]: a request from
//              one of them is the client's named in X-Forwarded-For, its right-most address that is not
//              itself a trusted proxy; for rate limits, login throttling and audit records)
//   [database] url = "var/civicgrid.db"     (a SQLite path, "sqlite:PATH", or "postgresql://…")
//   [log]      level = "info"               format = "json" | "text"
//   [attachments] dir = "var/attachments"   max_bytes = 10485760 (1 to 1 GiB)
//   [security] key_file = ""  (the personal-data keyring; "" = the database path + ".key")
//              password_cost = "interactive" | "moderate" | "minimal"   session_hours = 12 (1 to 720)
//              public_writes_per_hour = 30 (1 to 100000: reports, photos and ratings per client address
//              from the public resident page, with a burst of as many)
//   [open311]  publish = "open311" | "all"  (which cases the public Open311 reads show: those reported
//              through Open311, or every case; docs/open311.md)
//
// Environment: CIVICGRID_CONFIG (the file), CIVICGRID_LISTEN, CIVICGRID_THREADS, CIVICGRID_WEB_ROOT,
// CIVICGRID_TRUSTED_PROXIES (comma-separated), CIVICGRID_DB, CIVICGRID_LOG_LEVEL, CIVICGRID_LOG_FORMAT, CIVICGRID_ATTACHMENTS_DIR,
// CIVICGRID_ATTACHMENT_MAX_BYTES, CIVICGRID_KEY_FILE, CIVICGRID_PASSWORD_COST, CIVICGRID_SESSION_HOURS,
// CIVICGRID_PUBLIC_WRITES_PER_HOUR, CIVICGRID_OPEN311_PUBLISH.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace civicgrid {

struct Config {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string web_root = "web/dist";
  std::vector<std::string> trusted_proxies;             // reverse proxies whose X-Forwarded-For is believed
  std::string db = "var/civicgrid.db";
  std::string log_level = "info";
  std::string log_format = "json";
  std::string attachments_dir = "var/attachments";      // case photos, content-addressed
  std::size_t attachment_max_bytes = 10 * 1024 * 1024;  // the largest attachment accepted, in bytes
  std::string key_file;                     // keyring of personal-data encryption; "" = db path + ".key"
  std::string password_cost = "interactive";  // argon2id work per password hash
  int session_hours = 12;                   // how long a login session lasts
  int public_writes_per_hour = 30;          // public reports/photos/ratings per client address and hour
  std::string open311_publish = "open311";  // cases the Open311 reads show: "open311" (their own) or "all"
};

// The keyring file for `config`: key_file, or the SQLite database's path + ".key" ("" for PostgreSQL,
// whose nodes must all name the same file).
std::string KeyFileOf(const Config& config);

// The largest value accepted for attachment_max_bytes (attachments are held in memory while uploaded).
inline constexpr std::size_t kMaxAttachmentMaxBytes = std::size_t{1} << 30;

// Reads `path` (if empty: $CIVICGRID_CONFIG, else ./civicgrid.toml when it exists, else nothing) over
// the defaults, then applies the environment. A named file that is missing or malformed is an error.
Result<Config> LoadConfig(const std::string& path);

// The addresses of a comma-separated list ("10.0.0.1, 10.0.0.2" → both; blanks and empty entries dropped),
// as CIVICGRID_TRUSTED_PROXIES and `serve --trusted-proxies` take them.
std::vector<std::string> SplitAddressList(const std::string& list);

// Splits "HOST:PORT" (IPv6 as "[::1]:8080"); fails naming the field "listen".
Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen);

}  // namespace civicgrid
