// The running operating system and its service manager: what `show` reports
// about a live target, and which WinHTTP services to restart after a change.
// Windows code in system-win32.cc; system-posix.cc answers "nothing here".
#ifndef SECPROTO_UTIL_SYSTEM_H_
#define SECPROTO_UTIL_SYSTEM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secproto {

/// The version the kernel reports (RtlGetVersion, which no manifest shims).
struct OsVersion {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t build = 0;
  /// "workstation", "domain-controller" or "server" (wProductType 1, 2, 3).
  std::string product_type;
};

/// The running Windows version; nullopt on other systems.
std::optional<OsVersion> QueryOsVersion();

/// A service's state as the service manager reports it.
struct ServiceState {
  std::string name;
  /// "running", "stopped", "start-pending", "stop-pending", "paused", ...,
  /// "not-installed", or "unknown: <why>" when the query failed.
  std::string state;
};

/// The state of each named service, in order. Empty on systems without a
/// Windows service manager.
std::vector<ServiceState> QueryServices(const std::vector<std::string>& names);

/// What restarting one service did.
struct ServiceRestart {
  std::string name;
  bool ok = false;
  std::string result;  ///< "restarted", or why not ("timed out stopping after 30 s", ...)
};

/// Stops then starts each service, waiting up to `timeout_ms` for each
/// transition. One result per name, in order.
std::vector<ServiceRestart> RestartServices(const std::vector<std::string>& names, int timeout_ms);

}  // namespace secproto

#endif  // SECPROTO_UTIL_SYSTEM_H_
