// explain and doctor against real offline hives built by the test: image:DIR,
// hive: with --system-hive and --user-hive, a SYSTEM hive whose current
// control set is ControlSet002, and doctor's fix commands run for real.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "registry/regf.h"
#include "secproto/explain.h"
#include "secproto/registry.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

const std::string kCv = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "secproto-explain-XXXXXX").string();
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

struct CliRun {
  int code;
  std::string out;
};

CliRun Shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

CliRun Secproto(const std::string& args) { return Shell(std::string(SECPROTO_BINARY) + " " + args); }

// Writes values into a hive file opened as a plain hive (its root then reads
// as HKLM\SOFTWARE whatever the hive really is).
struct Put {
  View view;
  std::string key;  // below the hive's root
  std::string name;
  RegValue value;
};
void BuildHive(const std::string& path, const std::vector<Put>& puts) {
  ASSERT_TRUE(CreateEmptyHiveFile(path, false).has_value());
  auto b = OpenTarget("hive:" + path);
  ASSERT_TRUE(b) << b.error().message;
  for (const Put& p : puts) {
    ASSERT_TRUE((*b)->SetValue(p.view, "HKLM\\SOFTWARE\\" + p.key, p.name, p.value));
  }
  ASSERT_TRUE((*b)->Commit().has_value());
}

const std::string kSchannel = "Control\\SecurityProviders\\SCHANNEL\\Protocols\\";
const std::string kWinHttpRel = "Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";

// A mounted Windows 10 22H2 volume (64-bit). WinHttp: 0xA00 native, 0xA80
// Wow6432Node. SYSTEM: Select\Current = 2; ControlSet002 disables TLS 1.2 for
// clients, the stale ControlSet001 disables TLS 1.1 instead (a decoy).
struct Image {
  TempDir dir;
  std::string root = dir / "mnt";
  std::string config = root + "/windows/SYSTEM32/Config";
  std::string software = config + "/software";
  std::string system = config + "/SYSTEM";
  Image() {
    fs::create_directories(config);
    BuildHive(software,
              {{View::k64, "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild",
                RegValue::String("19045")},
               {View::k64, "Microsoft\\Windows NT\\CurrentVersion", "InstallationType",
                RegValue::String("Client")},
               {View::k64, "Microsoft\\Windows NT\\CurrentVersion", "ProductName",
                RegValue::String("Windows 10 Pro")},
               {View::k64, "Microsoft\\Windows NT\\CurrentVersion", "DisplayVersion",
                RegValue::String("22H2")},
               {View::k32, "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild",
                RegValue::String("19045")},
               {View::k64, kWinHttpRel, "DefaultSecureProtocols", RegValue::Dword(0xA00)},
               {View::k32, kWinHttpRel, "DefaultSecureProtocols", RegValue::Dword(0xA80)}});
    BuildHive(system,
              {{View::k64, "Select", "Current", RegValue::Dword(2)},
               {View::k64, "ControlSet001\\" + kSchannel + "TLS 1.1\\Client", "Enabled",
                RegValue::Dword(0)},
               {View::k64, "ControlSet002\\" + kSchannel + "TLS 1.2\\Client", "Enabled",
                RegValue::Dword(0)}});
  }
};

nlohmann::json ExplainJson(const std::string& target_args) {
  CliRun r = Secproto("--json explain " + target_args);
  EXPECT_EQ(r.code, 0) << r.out;
  size_t brace = r.out.find('{');
  return nlohmann::json::parse(r.out.substr(brace == std::string::npos ? 0 : brace));
}

TEST(ExplainHive, ImageResolvesControlSet002AndDetectsTheOs) {
  Image img;
  auto j = ExplainJson("--target image:" + img.root);
  EXPECT_EQ(j["os"]["id"], "win10-22h2");
  EXPECT_EQ(j["os"]["detected_by"], "detected");
  EXPECT_EQ(j["architecture"], "64-bit");
  // ControlSet002 removes TLS 1.2: 0xA00 -> 0x200, 0xA80 -> 0x280. Reading
  // ControlSet001 would have removed TLS 1.1 instead.
  EXPECT_EQ(j["processes"]["64"]["effective_value"], 0x200);
  EXPECT_EQ(j["processes"]["32"]["effective_value"], 0x280);
  EXPECT_EQ(j["processes"]["64"]["steps"][4]["outcome"], "removed");
}

TEST(ExplainHive, SoftwareHiveWithSystemHive) {
  Image img;
  auto j = ExplainJson("--target hive:" + img.software + " --system-hive " + img.system);
  EXPECT_EQ(j["processes"]["64"]["effective_value"], 0x200);
  EXPECT_EQ(j["processes"]["32"]["effective_value"], 0x280);
  // Without the SYSTEM hive SCHANNEL is not read: OS defaults, and a note.
  j = ExplainJson("--target hive:" + img.software);
  EXPECT_EQ(j["processes"]["64"]["effective_value"], 0xA00);
  EXPECT_EQ(j["processes"]["32"]["effective_value"], 0xA80);
  std::string notes = j["processes"]["64"]["steps"][4]["notes"].dump();
  EXPECT_NE(notes.find("--system-hive"), std::string::npos) << notes;
  CliRun r = Secproto("doctor --target hive:" + img.software);
  EXPECT_NE(r.out.find("SCHANNEL not read"), std::string::npos) << r.out;
}

TEST(ExplainHive, DoctorFixCommandsWorkOnTheImage) {
  Image img;
  CliRun r = Secproto("--json doctor --target image:" + img.root);
  ASSERT_EQ(r.code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  std::string fix;
  std::string dotnet_fix;
  for (const auto& f : j["findings"]) {
    if (f["code"] == "tls12-disabled" && f["fix"].is_string() &&
        f["fix"].get<std::string>().find("schannel") != std::string::npos) {
      fix = f["fix"];
    }
    if (f["code"] == "dotnet-strong-crypto") dotnet_fix = f["fix"];
  }
  ASSERT_EQ(fix, "secproto schannel set tls1.2 --enable --side client --target image:" + img.root);
  ASSERT_EQ(dotnet_fix, "secproto dotnet set --target image:" + img.root);
  // Run the fixes as printed.
  for (const std::string& cmd : {fix, dotnet_fix}) {
    CliRun w = Secproto(cmd.substr(std::string("secproto ").size()));
    ASSERT_EQ(w.code, 0) << cmd << "\n" << w.out;
  }
  // The change went to ControlSet002, checked with an independent reader.
  CliRun get = Shell("hivexget '" + img.system + "' 'ControlSet002\\" + kSchannel +
                   "TLS 1.2\\Client' Enabled");
  EXPECT_EQ(get.out, "1\n");
  get = Shell("hivexget '" + img.software +
            "' 'Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727' SchUseStrongCrypto");
  EXPECT_EQ(get.out, "1\n");
  r = Secproto("--json doctor --target image:" + img.root);
  j = nlohmann::json::parse(r.out);
  for (const auto& f : j["findings"]) {
    EXPECT_NE(f["code"], "tls12-disabled") << f.dump();
    EXPECT_NE(f["code"], "empty-effective") << f.dump();
    EXPECT_NE(f["code"], "dotnet-strong-crypto") << f.dump();
  }
  auto e = ExplainJson("--target image:" + img.root);
  EXPECT_EQ(e["processes"]["64"]["effective_value"], 0xA00);
}

TEST(ExplainHive, UserHiveWinInetMismatchAndItsFix) {
  Image img;
  std::string ntuser = img.dir / "NTUSER.DAT";
  BuildHive(ntuser, {{View::k64, "Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
                      "SecureProtocols", RegValue::Dword(0xA0)}});
  std::string target = "--target image:" + img.root + " --user-hive " + ntuser;
  CliRun r = Secproto("--json doctor " + target);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["user_hive_read"], true);
  nlohmann::json steps;
  for (const auto& f : j["findings"]) {
    if (f["code"] == "wininet-mismatch" &&
        f["evidence"][0]["key"].get<std::string>().starts_with("HKCU")) {
      steps = f["fix_steps"];
    }
  }
  // WinHTTP holds 0xA00, not the recommended TLS 1.2: both sides go to it, or
  // the finding would stay (issue 18 item 8).
  ASSERT_EQ(steps, nlohmann::json::array({"secproto set tls1.2 " + target,
                                          "secproto wininet set tls1.2 --scope user " + target}));
  for (const auto& step : steps) {
    ASSERT_EQ(Secproto(step.get<std::string>().substr(9)).code, 0) << step;
  }
  r = Secproto("--json doctor " + target);
  for (const auto& f : nlohmann::json::parse(r.out)["findings"]) {
    EXPECT_NE(f["code"], "wininet-mismatch") << f.dump();
  }
  EXPECT_EQ(Shell("hivexget '" + ntuser +
                "' 'Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' "
                "SecureProtocols")
                .out,
            "2048\n");
}

TEST(ExplainHive, ThirtyTwoBitImageHasOneProcess) {
  TempDir dir;
  std::string config = dir / "Windows/System32/config";
  fs::create_directories(config);
  BuildHive(config + "/SOFTWARE",
            {{View::k64, "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild",
              RegValue::String("7601")},
             {View::k64, "Microsoft\\Windows NT\\CurrentVersion", "ProductName",
              RegValue::String("Windows 7 Enterprise")}});
  BuildHive(config + "/SYSTEM", {{View::k64, "Select", "Current", RegValue::Dword(1)},
                                 {View::k64, "ControlSet001\\Control", "x", RegValue::Dword(1)}});
  auto j = ExplainJson("--target image:" + (dir / ""));
  EXPECT_EQ(j["os"]["id"], "win7");
  EXPECT_EQ(j["architecture"], "32-bit");
  EXPECT_EQ(j["processes"].size(), 1u);
  EXPECT_EQ(j["processes"]["64"]["effective_value"], 0xA0);
}

}  // namespace
}  // namespace secproto
