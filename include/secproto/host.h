// The machine secproto runs on (implemented in src/util/system-*.cc).
#ifndef SECPROTO_HOST_H_
#define SECPROTO_HOST_H_

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

#endif  // SECPROTO_HOST_H_
