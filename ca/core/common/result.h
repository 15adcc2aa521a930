// The project's one error model (see docs/errors.md).
//
// Every fallible function returns Result<T>: a value or an Error carrying a
// closed ErrorCode and a message that says what failed and why. Exceptions
// never cross a function boundary of ours; where a third-party library
// throws (CLI11, nlohmann::json, std::bad_alloc aside), the call site catches
// and converts to an Error. Only the HTTP layer maps codes to status codes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sshca {

enum class ErrorCode {
  InvalidArgument,   // the caller asked for something malformed or out of range
  InvalidFormat,     // bytes we parsed are not what the format allows
  Unsupported,       // well-formed, but a key type / algorithm / option we refuse
  NotFound,          // no such key, token, record or file
  AlreadyExists,     // refusing to overwrite
  Unauthenticated,   // who is calling could not be established
  PermissionDenied,  // authenticated, but policy says no
  PinIncorrect,      // the token rejected the PIN (never retried)
  PinLocked,         // the token reports the PIN locked
  Replayed,          // a one-time token was already used
  Unavailable,       // HSM, database or peer not reachable right now
  RateLimited,       // the caller sent more requests than its share; retry later
  CryptoFailure,     // a signature failed to verify, a crypto call failed
  IoError,           // file system or process errors
  Internal,          // a bug: an invariant did not hold
};

// Stable lower-case name of a code, for logs and JSON ("invalid_argument").
std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;

  // Prefix the message with what the caller was doing: "signing: <message>".
  Error context(std::string_view what) const& { return {code, std::string(what) + ": " + message}; }
  Error context(std::string_view what) && {
    message = std::string(what) + ": " + message;
    return std::move(*this);
  }
};

inline Error makeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_{ErrorCode::Internal, {}};
  bool ok_ = true;
};

using Status = Result<void>;
inline Status okStatus() { return {}; }

}  // namespace sshca

#define SSHCA_CONCAT_INNER(a, b) a##b
#define SSHCA_CONCAT(a, b) SSHCA_CONCAT_INNER(a, b)

// Return the error of a Result/Status expression from the current function.
#define SSHCA_RETURN_IF_ERROR(expr)                                   \
  do {                                                                \
    auto sshca_status_ = (expr);                                      \
    if (!sshca_status_.ok()) return std::move(sshca_status_).error(); \
  } while (0)

// `SSHCA_ASSIGN_OR_RETURN(auto x, f());` binds the value or returns the error.
#define SSHCA_ASSIGN_OR_RETURN(lhs, expr) SSHCA_ASSIGN_OR_RETURN_IMPL(SSHCA_CONCAT(sshca_result_, __LINE__), lhs, expr)
#define SSHCA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).error();     \
  lhs = std::move(tmp).value()
