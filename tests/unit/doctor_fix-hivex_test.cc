// Every fix doctor prints clears its finding: for each finding code with a
// fix, a machine that has it is built as an offline hive pair (hive: with
// --system-hive) and as a .reg file, doctor runs on it, each command of the
// finding's fix_steps runs as printed, and doctor runs again.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "registry/regf.h"
#include "secproto/registry.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out;
};

CliRun Secproto(const std::string& args) {
  FILE* p = popen((std::string(SECPROTO_BINARY) + " " + args + " 2>/dev/null").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const std::string kSoft = "HKLM\\SOFTWARE\\";
const std::string kSys = "HKLM\\SYSTEM\\CurrentControlSet\\";
const std::string kWinHttp =
    kSoft + "Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
const std::string kInet = kSoft + "Microsoft\\Windows\\CurrentVersion\\Internet Settings";
const std::string kInetPolicy =
    kSoft + "Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
const std::string kSchannel = kSys + "Control\\SecurityProviders\\SCHANNEL\\Protocols\\";

struct Put {
  View view;
  std::string key;  // logical: HKLM\SOFTWARE\... or HKLM\SYSTEM\CurrentControlSet\...
  std::string name;
  RegValue value;
};

Put Dsp(View v, uint32_t d) { return {v, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(d)}; }

struct FixCase {
  const char* code;
  const char* build;  // CurrentBuild
  const char* type;   // InstallationType
  std::vector<Put> puts;
};

std::vector<FixCase> Cases() {
  return {
      {"wrong-type",
       "20348",
       "Server",
       {{View::k64, kWinHttp, "DefaultSecureProtocols", RegValue::String("0x2800")},
        Dsp(View::k32, 0x2800)}},
      {"one-view", "20348", "Server", {Dsp(View::k64, 0x2800)}},
      {"views-differ", "20348", "Server", {Dsp(View::k64, 0x2800), Dsp(View::k32, 0x800)}},
      {"invalid-bits", "17763", "Server", {Dsp(View::k64, 0xC00), Dsp(View::k32, 0xC00)}},
      {"zero-value", "17763", "Server", {Dsp(View::k64, 0x800), Dsp(View::k32, 0)}},
      {"not-set", "20348", "Server", {}},
      {"empty-effective",
       "19045",
       "Client",
       {Dsp(View::k64, 0x800),
        Dsp(View::k32, 0x800),
        {View::k64, kSchannel + "TLS 1.2\\Client", "Enabled", RegValue::Dword(0)}}},
      {"ssl-enabled", "9600", "Server", {}},
      {"legacy-tls-enabled", "20348", "Server", {Dsp(View::k64, 0xA80), Dsp(View::k32, 0xA80)}},
      {"tls13-unsupported", "17763", "Server", {Dsp(View::k64, 0x2800), Dsp(View::k32, 0x800)}},
      {"enabled-ffffffff",  // was schannel-legacy-enabled-value (one code per condition)
       "20348",
       "Server",
       {{View::k64, kSchannel + "TLS 1.2\\Client", "Enabled", RegValue::Dword(0xFFFFFFFF)}}},
      {"schannel-wrong-type",
       "20348",
       "Server",
       {{View::k64, kSchannel + "TLS 1.0\\Server", "Enabled", RegValue::String("0")}}},
      {"tls12-disabled",
       "20348",
       "Server",
       {{View::k64, kSchannel + "TLS 1.2\\Server", "Enabled", RegValue::Dword(0)}}},
      // Windows 7 with nothing set: a bitness without TLS 1.2 (R4, R9).
      {"tls12-disabled", "7601", "Client", {}},
      // Windows 7 with the Easy Fix value but no SCHANNEL keys (R9).
      {"schannel-client-off", "7601", "Client", {Dsp(View::k64, 0xA00), Dsp(View::k32, 0xA00)}},
      {"schannel-client-off",
       "19045",
       "Client",
       {Dsp(View::k64, 0x800),
        Dsp(View::k32, 0x800),
        {View::k64, kSchannel + "TLS 1.2\\Client", "DisabledByDefault", RegValue::Dword(1)}}},
      // WinHTTP at its built-in default, WinINet set (issue 18 item 8).
      {"wininet-mismatch",
       "17763",
       "Server",
       {{View::k64, kInet, "SecureProtocols", RegValue::Dword(0x800)}}},
      {"wininet-mismatch",
       "20348",
       "Server",
       {Dsp(View::k64, 0x2800),
        Dsp(View::k32, 0x2800),
        {View::k64, kInetPolicy, "SecureProtocols", RegValue::Dword(0xA80)}}},
      {"dotnet-strong-crypto", "20348", "Server", {Dsp(View::k64, 0x2800), Dsp(View::k32, 0x2800)}},
  };
}

std::vector<Put> WithOs(const FixCase& c) {
  const std::string cv = kSoft + "Microsoft\\Windows NT\\CurrentVersion";
  std::vector<Put> all = {
      {View::k64, cv, "CurrentBuild", RegValue::String(c.build)},
      {View::k64, cv, "InstallationType", RegValue::String(c.type)},
      // A WOW6432Node key makes the target 64-bit.
      {View::k32, cv, "CurrentBuild", RegValue::String(c.build)},
  };
  all.insert(all.end(), c.puts.begin(), c.puts.end());
  return all;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "secproto-fix-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// hive:SOFTWARE --system-hive SYSTEM: a real blank SYSTEM hive (Select\Current=1,
// ControlSet001), as `hive create --system` makes it; the backend refuses a
// SYSTEM hive whose current control set is missing (no-control-set). The
// SYSTEM puts go through the pair at their logical HKLM\SYSTEM\CurrentControlSet
// keys, which the backend maps to ControlSet001.
std::string BuildHives(const TempDir& dir, const std::vector<Put>& puts) {
  std::string soft = dir / "SOFTWARE", sys = dir / "SYSTEM";
  EXPECT_TRUE(CreateEmptyHiveFile(soft, false).has_value());
  EXPECT_TRUE(CreateBlankSystemHiveFile(sys, false).has_value());
  TargetOptions options;
  options.system_hive = sys;
  auto t = OpenTarget("hive:" + soft, options);
  EXPECT_TRUE(t.has_value()) << t.error().message;
  if (!t) return "--target hive:" + soft + " --system-hive " + sys;
  for (const Put& p : puts) {
    EXPECT_TRUE((*t)->SetValue(p.key.starts_with(kSys) ? View::k64 : p.view, p.key, p.name,
                               p.value))
        << p.key;
  }
  EXPECT_TRUE((*t)->Commit().has_value());
  return "--target hive:" + soft + " --system-hive " + sys;
}

std::string RegText(const RegValue& v) {
  if (auto d = v.AsDword()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "dword:%08x", *d);
    return buf;
  }
  std::string text;  // ASCII REG_SZ only in these cases
  for (size_t i = 0; i + 1 < v.data.size(); i += 2) {
    if (v.data[i] == 0) break;
    text += static_cast<char>(v.data[i]);
  }
  return "\"" + text + "\"";
}

std::string BuildReg(const TempDir& dir, const std::vector<Put>& puts) {
  std::map<std::string, std::string> keys;  // physical key -> value lines
  for (const Put& p : puts) {
    std::string key = p.key;
    if (p.view == View::k32) key.insert(kSoft.size(), "WOW6432Node\\");
    key.replace(0, 4, "HKEY_LOCAL_MACHINE");
    keys[key] += "\"" + p.name + "\"=" + RegText(p.value) + "\n";
  }
  std::string text = "Windows Registry Editor Version 5.00\n";
  for (const auto& [k, lines] : keys) text += "\n[" + k + "]\n" + lines;
  std::string path = dir / "machine.reg";
  std::ofstream(path, std::ios::binary) << text;
  return "--target reg:" + path;
}

// The findings of `code`, as doctor --json prints them.
std::vector<nlohmann::json> Findings(const std::string& target, const std::string& code) {
  CliRun r = Secproto("--json doctor " + target);
  EXPECT_TRUE(r.code == 0 || r.code == 1) << r.out;
  std::vector<nlohmann::json> out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << r.out;
    return out;
  }
  for (const auto& f : j["findings"]) {
    if (f["code"] == code) out.push_back(f);
  }
  return out;
}

void RunFixes(const std::string& target, const FixCase& c) {
  auto before = Findings(target, c.code);
  ASSERT_FALSE(before.empty()) << c.code << " not found on " << target;
  for (const auto& f : before) {
    ASSERT_FALSE(f["fix_steps"].empty()) << f.dump();
    EXPECT_EQ(f["fix"].get<std::string>().find("secproto "), 0u);
    for (const auto& step : f["fix_steps"]) {
      std::string cmd = step.get<std::string>();
      ASSERT_EQ(cmd.rfind("secproto ", 0), 0u) << cmd;
      CliRun r = Secproto(cmd.substr(9));
      EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
    }
  }
  auto after = Findings(target, c.code);
  EXPECT_TRUE(after.empty()) << c.code << " still there on " << target << ": " << after[0].dump();
}

TEST(DoctorFix, EveryPrintedFixClearsItsFindingOnHiveTargets) {
  for (const FixCase& c : Cases()) {
    SCOPED_TRACE(std::string(c.code) + " on build " + c.build);
    TempDir dir;
    RunFixes(BuildHives(dir, WithOs(c)), c);
  }
}

TEST(DoctorFix, EveryPrintedFixClearsItsFindingOnRegTargets) {
  for (const FixCase& c : Cases()) {
    SCOPED_TRACE(std::string(c.code) + " on build " + c.build);
    TempDir dir;
    RunFixes(BuildReg(dir, WithOs(c)), c);
  }
}

TEST(DoctorFix, HumanOutputEndsWithOneNextStepsBlock) {
  TempDir dir;
  FixCase c{"tls12-disabled", "7601", "Client", {}};
  CliRun r = Secproto("doctor " + BuildReg(dir, WithOs(c)));
  EXPECT_EQ(r.code, 1) << r.out;
  size_t at = r.out.find("\nNext steps:\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Next steps:", at + 2), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("  fix: "), std::string::npos) << r.out;
  // One command for everything fixable (issue 25): it turns TLS 1.2 on for
  // clients and asks WinHTTP for it.
  std::string block = r.out.substr(at);
  size_t first = block.find("\n  secproto ");
  ASSERT_NE(first, std::string::npos) << block;
  EXPECT_EQ(block.find("\n  secproto ", first + 1), std::string::npos) << block;
  EXPECT_NE(block.find("Protocols\\TLS 1.2\\Client'.Enabled=1"), std::string::npos) << block;
  EXPECT_NE(block.find("DefaultSecureProtocols=2048"), std::string::npos) << block;
}

}  // namespace
}  // namespace secproto
