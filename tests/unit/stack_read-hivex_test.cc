// ReadStack on real hive files: a SOFTWARE + SYSTEM pair (the current control
// set resolved through Select\Current), and a SOFTWARE hive alone (SYSTEM
// values missing, has_system false, no error).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "registry/regf.h"
#include "secproto/policy.h"
#include "secproto/registry.h"
#include "secproto/stack.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "secproto-stack-XXXXXX").string();
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

const std::string kCs = "ControlSet002\\Control\\SecurityProviders\\SCHANNEL\\";

struct Pair {
  TempDir dir;
  std::string software = dir / "SOFTWARE";
  std::string system = dir / "SYSTEM";
  Pair() {
    BuildHive(software,
              {{View::k64, "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild",
                RegValue::String("26100")},
               {View::k32, "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild",
                RegValue::String("26100")},
               {View::k64, "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
                "Functions", RegValue::String("TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256")},
               {View::k32, "Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto",
                RegValue::Dword(1)},
               {View::k32, "Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp",
                "DefaultSecureProtocols", RegValue::Dword(0x2800)}});
    BuildHive(
        system,
        {{View::k64, "Select", "Current", RegValue::Dword(2)},
         // A decoy in the control set that is not current.
         {View::k64,
          "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\"
          "TLS 1.0\\Client",
          "Enabled", RegValue::Dword(1)},
         {View::k64, kCs + "Protocols\\TLS 1.0\\Client", "Enabled", RegValue::Dword(0)},
         {View::k64, kCs + "Protocols\\TLS 1.2\\Server", "Enabled", RegValue::Dword(0xFFFFFFFF)},
         {View::k64, kCs + "Hashes\\MD5", "Enabled", RegValue::Dword(0)},
         {View::k64, kCs + "Ciphers\\Triple DES 168", "Enabled", RegValue::Dword(0)},
         {View::k64, kCs, "EventLogging", RegValue::Dword(7)},
         {View::k64, "ControlSet002\\Control\\Lsa\\FipsAlgorithmPolicy", "Enabled",
          RegValue::Dword(1)}});
  }
};

TEST(ReadStackHive, SoftwareAndSystemPair) {
  Pair pair;
  TargetOptions opt;
  opt.read_only = true;
  opt.system_hive = pair.system;
  auto b = OpenTarget("hive:" + pair.software, opt);
  ASSERT_TRUE(b) << b.error().message;
  auto s = ReadStack(**b);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->has_system);
  EXPECT_TRUE(s->has_software);
  EXPECT_EQ(s->client[static_cast<size_t>(Protocol::kTls10)].enabled.value, RegValue::Dword(0));
  EXPECT_EQ(s->server[static_cast<size_t>(Protocol::kTls12)].enabled.value,
            RegValue::Dword(0xFFFFFFFF));
  EXPECT_FALSE(s->server[static_cast<size_t>(Protocol::kTls12)].disabled_by_default.value);
  EXPECT_EQ(s->suites_policy.value,
            RegValue::String("TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256"));
  ASSERT_EQ(s->hashes.size(), 1u);
  EXPECT_EQ(s->hashes[0].name, "MD5");
  EXPECT_EQ(s->hashes[0].enabled.value, RegValue::Dword(0));
  ASSERT_EQ(s->ciphers.size(), 1u);
  EXPECT_EQ(s->ciphers[0].name, "Triple DES 168");
  EXPECT_EQ(s->event_logging.value, RegValue::Dword(7));
  EXPECT_EQ(s->fips_enabled.value, RegValue::Dword(1));
  EXPECT_EQ(s->dotnet[1].strong_crypto.value, RegValue::Dword(1));  // v4, 32-bit view
  EXPECT_FALSE(s->dotnet[0].strong_crypto.value);
  EXPECT_EQ(s->winhttp[1].value, RegValue::Dword(0x2800));
  EXPECT_FALSE(s->winhttp[0].value);
}

TEST(ReadStackHive, SoftwareHiveAloneLeavesSystemValuesMissing) {
  Pair pair;
  TargetOptions opt;
  opt.read_only = true;
  auto b = OpenTarget("hive:" + pair.software, opt);
  ASSERT_TRUE(b) << b.error().message;
  auto s = ReadStack(**b);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->has_system);
  EXPECT_TRUE(s->has_software);
  EXPECT_FALSE(s->client[static_cast<size_t>(Protocol::kTls10)].enabled.value);
  EXPECT_TRUE(s->hashes.empty());
  EXPECT_FALSE(s->event_logging.value);
  EXPECT_TRUE(s->suites_policy.value);
}

}  // namespace
}  // namespace secproto
