// The CLI's pure text builders (src/cli/cli_text.h): what a Windows build
// shows in --help and how warnings name the machine, checked on any OS.
#include "cli/cli_text.h"

#include <gtest/gtest.h>

namespace secproto::cli {
namespace {

const std::vector<std::string> kLinuxSchemes = {"hive:PATH (offline SOFTWARE hive)",
                                                "image:DIR (mounted Windows volume)",
                                                "reg:PATH (.reg file)", "mem: (tests)"};
const std::vector<std::string> kWindowsSchemes = {"reg:PATH (.reg file)",
                                                  "live (this machine's registry)", "mem: (tests)"};

TEST(CliText, UnknownCommandSuggestsTheClosest) {
  std::vector<std::string> names = {"calc", "decode", "show", "set", "check", "explain"};
  EXPECT_EQ(ClosestName("clac", names), "calc");
  EXPECT_EQ(ClosestName("exlpain", names), "explain");
  EXPECT_EQ(ClosestName("frobnicate", names), "");
}

TEST(CliText, TargetHelpHasNoTrailingSeparator) {
  std::string help = TargetHelp(kLinuxSchemes);
  EXPECT_EQ(help.find("; "), std::string::npos) << help;
  EXPECT_FALSE(help.ends_with(" ")) << help;
  EXPECT_EQ(help,
            "Target: hive:PATH (offline SOFTWARE hive), image:DIR (mounted Windows volume), "
            "reg:PATH (.reg file), mem: (tests)");
}

TEST(CliText, WindowsBuildHasNoHiveFlags) {
  EXPECT_TRUE(SchemesHaveHives(kLinuxSchemes));
  EXPECT_FALSE(SchemesHaveHives(kWindowsSchemes));
}

TEST(CliText, WindowsHelpShowsLiveExamples) {
  std::string doctor =
      "Exit 0: no errors; 1: errors found.\nExample:\n  secproto doctor --target image:/mnt/win "
      "--json";
  EXPECT_EQ(AdaptFooter(doctor, true), doctor);
  EXPECT_EQ(
      AdaptFooter(doctor, false),
      "Exit 0: no errors; 1: errors found.\nExample:\n  secproto doctor --target live --json");
  std::string schannel =
      "Example:\n  secproto schannel set tls1.0 --disable --side both --target hive:SOFTWARE "
      "--system-hive SYSTEM";
  EXPECT_EQ(AdaptFooter(schannel, false),
            "Example:\n  secproto schannel set tls1.0 --disable --side both --target live");
  std::string explain =
      "Examples:\n  secproto explain --os win10-22h2 --value 0x2800\n"
      "  secproto explain --target image:/mnt/win --json\n"
      "  secproto explain --target=hive:/x/SOFTWARE --json";
  std::string adapted = AdaptFooter(explain, false);
  EXPECT_EQ(adapted.find("image:"), std::string::npos) << adapted;
  EXPECT_EQ(adapted.find("hive:"), std::string::npos) << adapted;
  EXPECT_NE(adapted.find("  secproto explain --os win10-22h2 --value 0x2800"), std::string::npos);
  EXPECT_NE(adapted.find("  secproto explain --target live --json"), std::string::npos);
}

TEST(CliText, WindowsNames) {
  EXPECT_EQ(WindowsName(6, 1, 7601, "workstation", "Service Pack 1"), "Windows 7 SP1");
  EXPECT_EQ(WindowsName(6, 1, 7601, "server", "Service Pack 1"), "Windows Server 2008 R2 SP1");
  EXPECT_EQ(WindowsName(6, 3, 9600, "workstation", ""), "Windows 8.1");
  EXPECT_EQ(WindowsName(10, 0, 17763, "server", ""), "Windows Server 2019");
  EXPECT_EQ(WindowsName(10, 0, 20348, "domain-controller", ""), "Windows Server 2022");
  EXPECT_EQ(WindowsName(10, 0, 19045, "workstation", ""), "Windows 10");
  EXPECT_EQ(WindowsName(10, 0, 22631, "workstation", ""), "Windows 11");
}

TEST(CliText, Tls13WarningNamesTheMachine) {
  const std::string generic =
      "TLS 1.3 is honoured only on Windows 11 and Server 2022 or later; older systems drop it";
  EXPECT_FALSE(WindowsHonoursTls13(6, 7601, "workstation"));
  EXPECT_FALSE(WindowsHonoursTls13(10, 19045, "workstation"));
  EXPECT_FALSE(WindowsHonoursTls13(10, 17763, "server"));
  EXPECT_TRUE(WindowsHonoursTls13(10, 20348, "server"));
  EXPECT_TRUE(WindowsHonoursTls13(10, 22000, "workstation"));
  auto w = MachineWarning("tls13-os", generic, "Windows 7 SP1", false);
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->starts_with("this machine (Windows 7 SP1) will drop TLS 1.3")) << *w;
  EXPECT_FALSE(MachineWarning("tls13-os", generic, "Windows 11", true));
  EXPECT_EQ(MachineWarning("tls13-os", generic, "", false), generic);  // OS not known
  EXPECT_EQ(MachineWarning("deprecated", "TLS 1.0 ...", "Windows 7 SP1", false), "TLS 1.0 ...");
}

bool IsEdit(const std::string& a) {
  return a == "-tls1.0" || a == "-tls1.0,-tls1.1" || a == "-ssl3";
}

TEST(CliText, CommaSeparatedEditsAreNotOptions) {
  std::vector<std::string> args = {"set", "-tls1.0,-tls1.1", "--target", "x", "-q"};
  auto out = ProtectProtocolEdits(args, IsEdit);
  EXPECT_EQ(out[1], "\xE2\x88\x92tls1.0,-tls1.1");
  EXPECT_EQ(out[2], "--target");
  EXPECT_EQ(out[4], "-q");
  auto after = ProtectProtocolEdits({"set", "--", "-tls1.0"}, IsEdit);
  EXPECT_EQ(after[2], "-tls1.0");  // nothing changes after "--"
}

TEST(CliText, DryRunSpeaksInTheFuture) {
  EXPECT_EQ(ActionWord("created", true), "would create");
  EXPECT_EQ(ActionWord("deleted", true), "would delete");
  EXPECT_EQ(ActionWord("created", false), "created");
  EXPECT_EQ(ActionWord("unchanged", true), "unchanged");
}

}  // namespace
}  // namespace secproto::cli
