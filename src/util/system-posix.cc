#include "util/system.h"

namespace secproto {

// Linux has no Windows version and no service manager to ask.
std::optional<OsVersion> QueryOsVersion() { return std::nullopt; }

std::vector<ServiceState> QueryServices(const std::vector<std::string>&) { return {}; }

std::vector<ServiceRestart> RestartServices(const std::vector<std::string>& names, int) {
  std::vector<ServiceRestart> out;
  for (const std::string& n : names) out.push_back({n, false, "no service manager on this system"});
  return out;
}

}  // namespace secproto
