// The running operating system: what `show` reports about a live target.
// Windows code in system-win32.cc (also NewSystemServiceManager, declared in
// secproto/services.h); system-posix.cc answers "nothing here".
#ifndef SECPROTO_UTIL_SYSTEM_H_
#define SECPROTO_UTIL_SYSTEM_H_

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace secproto

#endif  // SECPROTO_UTIL_SYSTEM_H_
