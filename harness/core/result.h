// Typed results for every boundary call: a closed set of error codes plus a message that
// names the operation, the input and errno. Exit codes are derived from the code.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace healbench {

enum class ErrorCode {
  kBadInput,      // scenario, CLI value, size, path the user gave: exit 2
  kNotSupported,  // a feature or operation this build/backend does not have: exit 2
  kIo,            // an I/O or system call failed: exit 3
  kUnavailable,   // a server, device or library could not be reached: exit 3
  kTimeout,       // a bounded wait ran out: exit 3
  kInternal,      // a bug in healbench: exit 3
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// Process exit code for an error, as DESIGN.md fixes it: 2 bad input, 3 infrastructure.
inline int ExitCodeFor(const Error& e) {
  return (e.code == ErrorCode::kBadInput || e.code == ErrorCode::kNotSupported) ? 2 : 3;
}

template <typename T>
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
  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> Ok() { return {}; }

}  // namespace healbench
