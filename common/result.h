// Result<T>: the value of an operation that can fail in an expected way.
//
// Expected failures (bad input, a missing package, a full disk) are values, not exceptions. A
// Result holds either a T or an Error; the member names follow std::expected (has_value, value,
// error, operator*, operator->) so that moving to it later is a rename of the type only.
// GCC 12 has std::expected only under -std=c++2b, hence this small type of our own.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wreg {

// What kind of failure this is. Callers branch on it: the server maps it to an HTTP status
// (server/http), the CLI to an exit status (client/main.cpp).
enum class ErrorCode {
  kInvalidArgument,   // the input is malformed: a bad name, version, file or request
  kNotFound,          // the thing asked for does not exist
  kAlreadyExists,     // creating something that is already there
  kConflict,          // the request contradicts stored state (a version with other bytes)
  kUnauthenticated,   // no credentials, or unknown ones
  kPermissionDenied,  // credentials that do not allow this
  kTooLarge,          // past a configured size limit
  kUnavailable,       // a peer or resource cannot be reached right now; retrying may help
  kIo,                // the disk or the network failed
  kCorrupt,           // stored data does not match what it should be (a digest mismatch)
  kUnsolvable,        // dependency resolution has no solution
  kInternal,          // a broken invariant: a bug in wreg
};

// A one-line, human-readable failure: what was wrong, the offending value, and what to do.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // The message is laid out on several lines on purpose, each made safe to show by wreg (a
  // WIT source error: the location, the line, a caret); otherwise it is one line.
  bool several_lines = false;
};

// The name of an ErrorCode as it appears on the wire ("invalid_argument").
const char* error_code_name(ErrorCode code);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // Precondition: has_value(). Checking first is the caller's job.
  T& value() & { return *checked_value(); }
  const T& value() const& { return *checked_value(); }
  T&& value() && { return std::move(*checked_value()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return checked_value(); }
  const T* operator->() const { return checked_value(); }

  // Precondition: !has_value().
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::move(std::get<1>(state_));
  }

 private:
  T* checked_value() {
    assert(has_value());
    return std::get_if<0>(&state_);
  }
  const T* checked_value() const {
    assert(has_value());
    return std::get_if<0>(&state_);
  }

  std::variant<T, Error> state_;
};

// Result of an operation that produces nothing but can fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }

  const Error& error() const& {
    assert(!has_value());
    return error_;
  }
  Error&& error() && {
    assert(!has_value());
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

// Builds an Error in one expression: `return fail(ErrorCode::kNotFound, "no such package")`.
inline Error fail(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace wreg
