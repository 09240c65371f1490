#include "util/win32.h"

namespace secproto {

Error MapWin32Error(uint32_t code, std::string_view call, std::string_view subject,
                    std::string_view system_text) {
  std::string where = std::string(call) + " " + std::string(subject) + ": " +
                      std::string(system_text) + " (error " + std::to_string(code) + ")";
  if (code == kWin32AccessDenied || code == kWin32PrivilegeNotHeld) {
    return Error::Target(where + "; " + std::string(kElevationAdvice), "not-elevated");
  }
  return Error::Target(where, "win32");
}

}  // namespace secproto
