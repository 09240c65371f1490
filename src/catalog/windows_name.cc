// Names of Windows versions from what the kernel reports (secproto/catalog.h):
// the build numbers live here, with the catalog, not in the CLI.
#include <string>
#include <string_view>

#include "secproto/catalog.h"

namespace secproto {

std::string WindowsName(uint32_t major, uint32_t minor, uint32_t build,
                        std::string_view product_type, std::string_view service_pack) {
  bool server = product_type != "workstation";
  std::string name;
  if (major == 10) {
    if (!server) {
      name = build >= 22000 ? "Windows 11" : "Windows 10";
    } else if (build >= 26100) {
      name = "Windows Server 2025";
    } else if (build >= 20348) {
      name = "Windows Server 2022";
    } else if (build >= 17763) {
      name = "Windows Server 2019";
    } else {
      name = "Windows Server 2016";
    }
  } else if (major == 6) {
    static constexpr const char* kClient[] = {"Windows Vista", "Windows 7", "Windows 8",
                                              "Windows 8.1"};
    static constexpr const char* kServer[] = {"Windows Server 2008", "Windows Server 2008 R2",
                                              "Windows Server 2012", "Windows Server 2012 R2"};
    name = minor <= 3 ? (server ? kServer : kClient)[minor]
                      : "Windows " + std::to_string(major) + "." + std::to_string(minor);
  } else {
    name = "Windows " + std::to_string(major) + "." + std::to_string(minor);
  }
  constexpr std::string_view kSp = "Service Pack ";
  if (service_pack.starts_with(kSp)) {
    name += " SP" + std::string(service_pack.substr(kSp.size()));
  } else if (!service_pack.empty()) {
    name += " " + std::string(service_pack);
  }
  return name;
}

bool WindowsHonoursTls13(uint32_t major, uint32_t build, std::string_view product_type) {
  if (major != 10) return major > 10;
  return build >= (product_type == "workstation" ? 22000u : 20348u);
}

}  // namespace secproto
