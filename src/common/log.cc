#include "common/log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

namespace civicgrid::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kJson)};

spdlog::logger& Logger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>("civicgrid", std::move(sink));
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);  // filtering happens in Write()
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

const char* LevelNameUpper(Level level) {
  switch (level) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARN";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

spdlog::level::level_enum SpdLevel(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string FormatDouble(double v) {
  if (!std::isfinite(v)) return "null";  // JSON has no NaN/Infinity
  char buf[64];
  double magnitude = std::fabs(v);
  auto result = (magnitude >= 1e-6 && magnitude < 1e15) || v == 0
                    ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                    : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

// The value as JSON text.
std::string JsonValue(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return boost::json::serialize(boost::json::string(v));
        } else if constexpr (std::is_same_v<T, double>) {
          return FormatDouble(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          return std::to_string(v);
        }
      },
      value.get());
}

// A text-format value: bare when it is simple, otherwise a JSON string literal.
std::string TextValue(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value.get())) {
    bool bare = !s->empty();
    for (char c : *s) {
      if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) bare = false;
    }
    if (bare) return *s;
  }
  return JsonValue(value);
}

}  // namespace

Result<void> Init(std::string_view level, std::string_view format) {
  Level l;
  if (level == "debug") l = Level::kDebug;
  else if (level == "info") l = Level::kInfo;
  else if (level == "warn" || level == "warning") l = Level::kWarn;
  else if (level == "error") l = Level::kError;
  else return civicgrid::Error::InvalidArgument("unknown log level '" + std::string(level) + "'", "level");
  Format f;
  if (format == "json") f = Format::kJson;
  else if (format == "text") f = Format::kText;
  else return civicgrid::Error::InvalidArgument("unknown log format '" + std::string(format) + "'", "format");
  Init(l, f);
  return {};
}

void Init(Level level, Format format) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
  g_format.store(static_cast<int>(format), std::memory_order_relaxed);
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view event, Fields fields) {
  if (!Enabled(level)) return;
  auto format = static_cast<Format>(g_format.load(std::memory_order_relaxed));
  std::string line = FormatLine(format, level, NowIso8601(), event, fields);
  try {
    Logger().log(SpdLevel(level), spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
    // Logging must never take the process down.
  }
}

std::string FormatLine(Format format, Level level, std::string_view ts, std::string_view event, Fields fields) {
  if (format == Format::kText) {
    std::string line;
    line.reserve(64 + 24 * fields.size());
    line += ts;
    line += ' ';
    line += LevelNameUpper(level);
    line += ' ';
    line += event;
    for (const Field& field : fields) {
      line += ' ';
      line += field.key;
      line += '=';
      line += TextValue(field.value);
    }
    return line;
  }
  // Built by hand so that numbers read naturally ("ms":1.25, not 1.25E0); strings and keys are
  // escaped by Boost.JSON.
  std::string line;
  line.reserve(96 + 32 * fields.size());
  line += "{\"ts\":";
  line += boost::json::serialize(boost::json::string(ts));
  line += ",\"level\":\"";
  line += LevelName(level);
  line += "\",\"event\":";
  line += boost::json::serialize(boost::json::string(event));
  std::vector<std::string_view> seen = {"ts", "level", "event"};
  for (const Field& field : fields) {
    if (std::find(seen.begin(), seen.end(), field.key) != seen.end()) continue;  // first key wins
    seen.push_back(field.key);
    line += ',';
    line += boost::json::serialize(boost::json::string(field.key));
    line += ':';
    line += JsonValue(field.value);
  }
  line += '}';
  return line;
}

std::string NowIso8601() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace civicgrid::log
