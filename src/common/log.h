// Structured logging: one line per event on stderr, through spdlog.
//
// Each event has a name ("http.request") and key/value fields. In "json" format (the default) a line
// is one JSON object: {"ts":"2024-05-01T12:00:00.123Z","level":"info","event":"...",<fields>}; the
// keys ts/level/event cannot be overridden by fields. In "text" format a line reads
// `2024-05-01T12:00:00.123Z INFO http.request method=GET status=200`. Thread-safe; events below the
// current level cost one atomic load.
//
//   log::Info("http.request", {{"method", "GET"}, {"status", 200}, {"ms", 1.2}});
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/result.h"

namespace civicgrid::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kJson, kText };

// A field value: a string, an integer, a floating-point number or a boolean.
class Value {
 public:
  Value(const char* s) : v_(std::string(s ? s : "")) {}  // NOLINT: implicit on purpose
  Value(std::string_view s) : v_(std::string(s)) {}      // NOLINT
  Value(std::string s) : v_(std::move(s)) {}              // NOLINT
  Value(bool b) : v_(b) {}                                // NOLINT
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_signed_v<T>)
  Value(T v) : v_(static_cast<std::int64_t>(v)) {}  // NOLINT
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_unsigned_v<T>)
  Value(T v) : v_(static_cast<std::uint64_t>(v)) {}  // NOLINT
  template <class T>
    requires std::is_floating_point_v<T>
  Value(T v) : v_(static_cast<double>(v)) {}  // NOLINT

  const std::variant<std::string, std::int64_t, std::uint64_t, double, bool>& get() const { return v_; }

 private:
  std::variant<std::string, std::int64_t, std::uint64_t, double, bool> v_;
};

// One key/value pair of an event.
struct Field {
  std::string_view key;
  Value value;
};

using Fields = std::initializer_list<Field>;

// Sets the minimum level ("debug", "info", "warn"/"warning", "error") and the format ("json" or
// "text"). Fails with invalid_argument (field "level" or "format") on an unknown name, changing
// nothing. May be called at any time; before any call the settings are info + json.
Result<void> Init(std::string_view level = "info", std::string_view format = "json");

// The same with typed arguments.
void Init(Level level, Format format);

// True when events at `level` are written.
bool Enabled(Level level);

// Writes one event if `level` is enabled.
void Write(Level level, std::string_view event, Fields fields = {});
inline void Debug(std::string_view event, Fields fields = {}) { Write(Level::kDebug, event, fields); }
inline void Info(std::string_view event, Fields fields = {}) { Write(Level::kInfo, event, fields); }
inline void Warn(std::string_view event, Fields fields = {}) { Write(Level::kWarn, event, fields); }
inline void Error(std::string_view event, Fields fields = {}) { Write(Level::kError, event, fields); }

// The line Write() would print (without the newline), with an explicit timestamp string. For tests.
std::string FormatLine(Format format, Level level, std::string_view ts, std::string_view event, Fields fields);

// The current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string NowIso8601();

}  // namespace civicgrid::log
