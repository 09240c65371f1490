// The reg: target and the CLI on .reg files (POSIX: temp folders and popen).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/strings.h"
#include "registry/reg_file.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"
#include "secproto/setting.h"
#include "secproto/testing.h"
#include "unit/reg_file_test_util.h"

namespace secproto {
namespace {

using namespace regtest;  // NOLINT: test helpers

// --- the reg: target ------------------------------------------------------------

class RegTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/secproto-regfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

TEST_F(RegTargetTest, MissingFileIsNewForWritingAndAnErrorReadOnly) {
  TargetOptions ro;
  ro.read_only = true;
  auto missing = OpenTarget("reg:" + Path("none.reg"), ro);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kTarget);

  auto target = OpenTarget("reg:" + Path("new.reg"));
  ASSERT_TRUE(target.has_value()) << target.error().message;
  RegistryBackend& b = **target;
  EXPECT_EQ(b.Describe(), "reg:" + Path("new.reg"));
  EXPECT_TRUE(b.IsTransactional());
  EXPECT_TRUE(b.HasRoot("HKLM\\SOFTWARE") && b.HasRoot("hklm\\system") && b.HasRoot("HKCU"));
  EXPECT_EQ(*b.DetectArchitecture(), Architecture::kUnknown);
  EXPECT_TRUE(*b.KeyExists(View::k64, "HKLM\\SOFTWARE"));
  ASSERT_TRUE(b.Commit());
  EXPECT_FALSE(std::ifstream(Path("new.reg")).good());  // nothing changed: nothing written
  ASSERT_TRUE(b.SetValue(View::k32, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
  ASSERT_TRUE(b.Commit());
  RegDocument doc = MustParse(ReadAll(Path("new.reg")));
  EXPECT_EQ(doc.GetValue(kWinHttp32, "DefaultSecureProtocols"), RegValue::Dword(0x800));
  EXPECT_FALSE(doc.KeyExists(kWinHttp));
  EXPECT_FALSE(b.GetValue(View::k64, "HKLM\\HARDWARE\\X", "y").has_value());
}

TEST_F(RegTargetTest, ArchitectureFollowsTheHiveRule) {
  WriteAll(Path("64.reg"), Fixture("wow64.reg"));
  WriteAll(Path("32.reg"), Utf16File("Windows Registry Editor Version 5.00\n\n"
                                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows "
                                     "NT\\CurrentVersion]\n\n"));
  TargetOptions ro;
  ro.read_only = true;
  auto a = OpenTarget("reg:" + Path("64.reg"), ro);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*(*a)->DetectArchitecture(), Architecture::k64Bit);
  EXPECT_EQ(*(*a)->GetValue(View::k32, kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0xA00));
  EXPECT_FALSE((*a)->GetValue(View::k64, kWinHttp, "DefaultSecureProtocols")->has_value());
  EXPECT_FALSE((*a)->SetValue(View::k64, kWinHttp, "x", RegValue::Dword(1)).has_value());
  auto b = OpenTarget("reg:" + Path("32.reg"), ro);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*(*b)->DetectArchitecture(), Architecture::k32Bit);
}

TEST_F(RegTargetTest, ParseErrorsAndDirectoriesAreTargetErrors) {
  WriteAll(Path("bad.reg"), "not a reg file\r\n");
  auto bad = OpenTarget("reg:" + Path("bad.reg"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(ExitCodeFor(bad.error().kind), 3);
  EXPECT_EQ(bad.error().message, Path("bad.reg") +
                                     ":1: missing header: the first line must be "
                                     "\"Windows Registry Editor Version 5.00\" "
                                     "or \"REGEDIT4\"");
  auto dir = OpenTarget("reg:" + dir_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(ExitCodeFor(dir.error().kind), 3);
  auto empty = OpenTarget("reg:");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().kind, ErrorKind::kUsage);
}

TEST_F(RegTargetTest, SettingOperationsRoundTrip) {
  std::string path = Path("planted.reg");
  std::string original = Fixture("planted-sz.reg");
  WriteAll(path, original);
  auto opened = OpenTarget("reg:" + path);
  ASSERT_TRUE(opened.has_value());
  auto ins = Inspect(**opened);
  ASSERT_TRUE(ins.has_value());
  ASSERT_FALSE(ins->findings.empty());
  EXPECT_EQ(ins->findings[0].code, "wrong-type");
  auto set = SetSetting(**opened, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->views[0].action, "replaced-type");
  EXPECT_EQ(set->views[1].action, "created");
  Backup backup = set->backup;
  opened->reset();

  auto again = OpenTarget("reg:" + path);
  ASSERT_TRUE(again.has_value());
  auto check = CheckSetting(**again, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(check->compliant);
  auto restored = RestoreBackup(**again, backup);
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  EXPECT_EQ(ReadAll(path), original);  // byte for byte
}

TEST_F(RegTargetTest, FaultInjectedCommitLeavesTheFileAlone) {
  std::string path = Path("f.reg");
  std::string original = Fixture("export-v5.reg");
  WriteAll(path, original);
  auto opened = OpenTarget("reg:" + path);
  ASSERT_TRUE(opened.has_value());
  FaultPlan plan;
  plan.fail_write = 2;
  auto faulty = NewFaultInjectingBackend(std::move(*opened), plan);
  auto set = SetSetting(*faulty, 0x2800, {View::k64, View::k32});
  EXPECT_FALSE(set.has_value());
  EXPECT_EQ(ReadAll(path), original);
}

// --- the CLI ----------------------------------------------------------------------

struct RunResult {
  int code = -1;
  std::string out;
};

RunResult RunCli(const std::string& args) {
  RunResult r;
  std::string cmd = std::string(SECPROTO_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_F(RegTargetTest, CliSetShowCheckUnsetRollback) {
  std::string t = "--target reg:" + Path("cli.reg");
  RunResult set = RunCli("set tls1.2,tls1.3 " + t + " --backup " + Path("b1.json"));
  ASSERT_EQ(set.code, 0) << set.out;
  RegDocument doc = MustParse(ReadAll(Path("cli.reg")));
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0x2800));
  EXPECT_EQ(doc.GetValue(kWinHttp32, "DefaultSecureProtocols"), RegValue::Dword(0x2800));
  std::string after_set = ReadAll(Path("cli.reg"));

  RunResult same = RunCli("set tls1.2,tls1.3 " + t);
  EXPECT_EQ(same.code, 0);
  EXPECT_NE(same.out.find("unchanged"), std::string::npos) << same.out;
  EXPECT_EQ(ReadAll(Path("cli.reg")), after_set);

  RunResult show = RunCli("show " + t + " --json");
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("\"hex\": \"0x00002800\""), std::string::npos) << show.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 0);
  EXPECT_EQ(RunCli("check tls1.2 " + t).code, 1);

  RunResult unset = RunCli("unset " + t + " --backup " + Path("b2.json"));
  ASSERT_EQ(unset.code, 0) << unset.out;
  std::string text = TextOf(ReadAll(Path("cli.reg")));
  EXPECT_NE(text.find("\"DefaultSecureProtocols\"=-\r\n"), std::string::npos) << text;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 1);

  ASSERT_EQ(RunCli("rollback " + Path("b2.json") + " " + t).code, 0);
  EXPECT_EQ(ReadAll(Path("cli.reg")), after_set);
  ASSERT_EQ(RunCli("rollback " + Path("b1.json") + " " + t).code, 0);
  RegDocument empty = MustParse(ReadAll(Path("cli.reg")));
  EXPECT_EQ(empty.Dump(), "");
}

TEST_F(RegTargetTest, CliReplacesAPlantedStringAndRollbackRestoresIt) {
  std::string path = Path("planted.reg");
  std::string original = Fixture("planted-sz.reg");
  WriteAll(path, original);
  std::string t = "--target reg:" + path;
  RunResult show = RunCli("show " + t + " --json");
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("wrong-type"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("REG_SZ"), std::string::npos) << show.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 1);
  RunResult set = RunCli("set tls1.2,tls1.3 " + t + " --backup " + Path("b.json") + " --json");
  ASSERT_EQ(set.code, 0) << set.out;
  EXPECT_NE(set.out.find("replaced-type"), std::string::npos) << set.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 0);
  std::string text = TextOf(ReadAll(path));
  EXPECT_NE(text.find("; keep this comment\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Unrelated]\r\n"
                      "\"Keep\"=dword:00000001\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]"), std::string::npos);
  ASSERT_EQ(RunCli("rollback " + Path("b.json") + " " + t).code, 0);
  EXPECT_EQ(ReadAll(path), original);
}

TEST_F(RegTargetTest, CliBadInputLeavesTheFileAndExits3) {
  std::string overlong = "Windows Registry Editor Version 5.00\r\n;" +
                         std::string(kMaxRegLineBytes + 10, 'x') + "\r\n";
  struct Case {
    const char* name;
    std::string bytes;
    const char* error;
  } cases[] = {
      {"syntax.reg",
       Utf16File("Windows Registry Editor Version 5.00\n\n[HKCU\\A]\n\"x\"=dword:zz\n"),
       ":4: dword: needs 1 to 8 hex digits"},
      {"overlong.reg", overlong, ":2: line longer than 1048576 bytes"},
      {"odd.reg", Utf16File("Windows Registry Editor Version 5.00\n") + "x",
       ": broken UTF-16LE: odd number of bytes"},
      {"surrogate.reg",
       Utf16File("Windows Registry Editor Version 5.00\n") + std::string("\x00\xD8", 2),
       ":2: broken UTF-16LE: unpaired high surrogate"},
      {"garbage.reg", "\x01\x02\x03\x04garbage\xff\r\n", ":1: missing header"},
      {"empty.reg", "", ": empty file"},
      {"noheader.reg", Utf16File("[HKEY_CURRENT_USER\\A]\n"), ":1: missing header"},
  };
  for (const Case& c : cases) {
    std::string path = Path(c.name);
    WriteAll(path, c.bytes);
    for (const std::string& cmd :
         {"show --target reg:" + path, "set tls1.2 --target reg:" + path,
          "unset --target reg:" + path, "check tls1.2 --target reg:" + path}) {
      RunResult r = RunCli(cmd);
      EXPECT_EQ(r.code, 3) << cmd << ": " << r.out;
      EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
      EXPECT_NE(r.out.find(path + c.error), std::string::npos) << r.out;
      EXPECT_EQ(ReadAll(path), c.bytes) << c.name;
    }
  }
  RunResult dir = RunCli("set tls1.2 --target reg:" + dir_);
  EXPECT_EQ(dir.code, 3) << dir.out;
  RunResult missing = RunCli("show --target reg:" + Path("missing.reg"));
  EXPECT_EQ(missing.code, 3) << missing.out;
}

}  // namespace
}  // namespace secproto
