// Settings of the civicgrid binary: defaults, then a TOML file, then environment variables, then
// command-line flags (each overriding the one before).
//
//   [server]   listen = "127.0.0.1:8080"   threads = 0 (= cores)   web_root = "web/dist"
//   [database] url = "var/civicgrid.db"     (a SQLite path, or "sqlite:PATH")
//   [log]      level = "info"               format = "json" | "text"
//
// Environment: CIVICGRID_CONFIG (the file), CIVICGRID_LISTEN, CIVICGRID_THREADS, CIVICGRID_WEB_ROOT,
// CIVICGRID_DB, CIVICGRID_LOG_LEVEL, CIVICGRID_LOG_FORMAT.
#pragma once

#include <string>

#include "core/result.h"

namespace civicgrid {

struct Config {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string web_root = "web/dist";
  std::string db = "var/civicgrid.db";
  std::string log_level = "info";
  std::string log_format = "json";
};

// Reads `path` (if empty: $CIVICGRID_CONFIG, else ./civicgrid.toml when it exists, else nothing) over
// the defaults, then applies the environment. A named file that is missing or malformed is an error.
Result<Config> LoadConfig(const std::string& path);

// Splits "HOST:PORT" (IPv6 as "[::1]:8080"); fails naming the field "listen".
Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen);

}  // namespace civicgrid
