// Errors as values at module edges.
//
// Error carries a stable machine code (e.g. "invalid_argument", "not_found", "conflict"), a human
// message and, where one input is to blame, the name of that field. Result<T> holds either a T or an
// Error; Result<void> holds only success or an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace civicgrid {

// What went wrong: a stable code, a message for people and the offending field if any.
struct Error {
  std::string code;
  std::string message;
  std::string field;
  int64_t retry_after = 0;  // seconds, for too_many_requests

  static Error InvalidArgument(std::string message, std::string field = {}) {
    return {"invalid_argument", std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message, std::string field = {}) {
    return {"not_found", std::move(message), std::move(field)};
  }
  static Error Conflict(std::string message, std::string field = {}) {
    return {"conflict", std::move(message), std::move(field)};
  }
  static Error Internal(std::string message) { return {"internal", std::move(message), {}}; }
  // Not signed in, or the credentials are not valid (HTTP 401).
  static Error Unauthorized(std::string message) { return {"unauthorized", std::move(message), {}}; }
  // Signed in but not allowed (HTTP 403).
  static Error Forbidden(std::string message, std::string field = {}) {
    return {"forbidden", std::move(message), std::move(field)};
  }
  // Too many attempts; `retry_after_seconds` says when to try again (HTTP 429 with Retry-After).
  static Error TooManyRequests(std::string message, int64_t retry_after_seconds) {
    Error e{"too_many_requests", std::move(message), {}};
    e.retry_after = retry_after_seconds;
    return e;
  }
};

// Either a value or an Error. Accessing the wrong alternative is a programming error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace civicgrid
