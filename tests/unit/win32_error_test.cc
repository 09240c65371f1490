// The mapping of Win32 error codes to secproto errors. Platform-neutral so
// that the not-elevated path is tested on every build: Wine runs every
// process elevated, so ERROR_ACCESS_DENIED cannot be provoked there.
#include <gtest/gtest.h>

#include "util/win32.h"

namespace secproto {
namespace {

TEST(Win32ErrorTest, AccessDeniedSaysRunElevated) {
  Error e = MapWin32Error(kWin32AccessDenied, "RegSetValueExW",
                          "HKLM\\SOFTWARE\\X (view 32) value DefaultSecureProtocols",
                          "Access is denied");
  EXPECT_EQ(e.kind, ErrorKind::kTarget);
  EXPECT_EQ(ExitCodeFor(e.kind), 3);
  EXPECT_EQ(e.code, "not-elevated");
  EXPECT_NE(e.message.find("run from an elevated prompt"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("RegSetValueExW"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("view 32"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("error 5"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find('\n'), std::string::npos);
}

TEST(Win32ErrorTest, PrivilegeNotHeldSaysRunElevated) {
  Error e = MapWin32Error(kWin32PrivilegeNotHeld, "RegDeleteKeyExW", "HKLM\\SOFTWARE\\X", "x");
  EXPECT_EQ(e.code, "not-elevated");
}

TEST(Win32ErrorTest, OtherCodesKeepTheirText) {
  Error e = MapWin32Error(1018, "RegSetValueExW", "HKLM\\SOFTWARE\\X",
                          "Illegal operation attempted on a registry key that has been marked for deletion");
  EXPECT_EQ(e.kind, ErrorKind::kTarget);
  EXPECT_EQ(e.code, "win32");
  EXPECT_EQ(e.message.find("elevated"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("marked for deletion (error 1018)"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace secproto
