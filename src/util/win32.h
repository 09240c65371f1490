// Win32 error translation and text conversion. Declarations only: no
// <windows.h> here. Win32Error/Widen/Narrow are defined in win32-win32.cc and
// exist only in the Windows build; MapWin32Error is platform-neutral so that
// its mapping is unit-tested everywhere.
#ifndef SECPROTO_UTIL_WIN32_H_
#define SECPROTO_UTIL_WIN32_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "secproto/error.h"

namespace secproto {

/// winerror.h codes the mapping treats specially.
inline constexpr uint32_t kWin32AccessDenied = 5;       // ERROR_ACCESS_DENIED
inline constexpr uint32_t kWin32PrivilegeNotHeld = 1314;  // ERROR_PRIVILEGE_NOT_HELD

/// The one line a write without administrator rights ends with.
inline constexpr std::string_view kElevationAdvice =
    "run from an elevated prompt (Run as administrator)";

/// The error for a failed Win32 call `call` on `subject` (a key path, a
/// file, a service). `system_text` is FormatMessageW's text for `code`.
/// ERROR_ACCESS_DENIED and ERROR_PRIVILEGE_NOT_HELD become kTarget
/// "not-elevated" errors that end with kElevationAdvice; every other code is
/// a kTarget "win32" error. Both exit 3.
Error MapWin32Error(uint32_t code, std::string_view call, std::string_view subject,
                    std::string_view system_text);

#ifdef _WIN32
/// MapWin32Error with the system's text for `code` (FormatMessageW).
Error Win32Error(uint32_t code, std::string_view call, std::string_view subject);
/// The system's one-line text for a Win32 error code, without the trailing
/// newline; "error N" when the system has none.
std::string Win32ErrorText(uint32_t code);
/// UTF-8 to UTF-16 (MultiByteToWideChar); invalid bytes become U+FFFD.
std::wstring Widen(std::string_view utf8);
/// UTF-16 to UTF-8 (WideCharToMultiByte).
std::string Narrow(std::wstring_view utf16);
#endif

}  // namespace secproto

#endif  // SECPROTO_UTIL_WIN32_H_
