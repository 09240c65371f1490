// Errors as values. The library never prints and never exits; the CLI maps an
// Error's kind to an exit code in one place (src/cli/common.cc).
#ifndef SECPROTO_ERROR_H_
#define SECPROTO_ERROR_H_

#include <expected>
#include <string>
#include <utility>

namespace secproto {

/// What went wrong, coarse enough to choose an exit code.
enum class ErrorKind {
  kUsage,     ///< bad flags or arguments (exit 2)
  kInput,     ///< malformed user input: a protocol list, a value, a backup file (exit 2)
  kTarget,    ///< the target cannot be read or written: corrupt, dirty, locked, denied (exit 3)
  kIo,        ///< an operating-system I/O failure (exit 3)
};

/// An error with a one-line, human-readable message that names what was wrong
/// and, where there is one, what to do about it.
struct Error {
  ErrorKind kind = ErrorKind::kInput;
  std::string message;
  /// A stable machine-readable code for --json output, e.g. "unknown-protocol".
  std::string code;

  static Error Usage(std::string msg, std::string code = "usage") {
    return Error{ErrorKind::kUsage, std::move(msg), std::move(code)};
  }
  static Error Input(std::string msg, std::string code = "bad-input") {
    return Error{ErrorKind::kInput, std::move(msg), std::move(code)};
  }
  static Error Target(std::string msg, std::string code = "target") {
    return Error{ErrorKind::kTarget, std::move(msg), std::move(code)};
  }
  static Error Io(std::string msg, std::string code = "io") {
    return Error{ErrorKind::kIo, std::move(msg), std::move(code)};
  }
};

/// A value or an Error. [[nodiscard]]: a dropped result is a compile warning
/// (an error with -Werror), so no failure is silently ignored.
template <typename T>
class [[nodiscard]] Expected : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  constexpr Expected(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
  constexpr Expected(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};

/// Success or an Error (also [[nodiscard]]).
using Status = Expected<void>;

/// Shorthand for returning an error from a function that returns Expected<T>.
inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }

/// The exit code the CLI uses for an error of this kind.
inline int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
      return 2;
    case ErrorKind::kTarget:
    case ErrorKind::kIo:
      return 3;
  }
  return 3;
}

}  // namespace secproto

/// Evaluates an Expected expression; on error returns the error from the
/// enclosing function. As ccache's TRY.
#define SECPROTO_TRY(expr)                                   \
  do {                                                       \
    auto&& secproto_try_result_ = (expr);                    \
    if (!secproto_try_result_) {                             \
      return std::unexpected(secproto_try_result_.error());  \
    }                                                        \
  } while (false)

/// Declares `var` from an Expected expression's value, or returns its error.
#define SECPROTO_ASSIGN_OR_RETURN(var, expr)                       \
  auto var##_expected_ = (expr);                                   \
  if (!var##_expected_) {                                          \
    return std::unexpected(std::move(var##_expected_).error());    \
  }                                                                \
  auto var = std::move(*var##_expected_)

#endif  // SECPROTO_ERROR_H_
