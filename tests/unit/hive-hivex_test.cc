// The regf writer and header check, and the hivex backend behind hive: and
// image:, checked against hivexget where it matters.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "registry/regf.h"
#include "secproto/registry.h"
#include "util/file.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

constexpr char kWinHttp[] = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "secproto-hive-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::vector<uint8_t> Bytes(const std::string& path) {
  auto b = ReadFileBytes(path);
  return b ? *b : std::vector<uint8_t>{};
}

void PutLe32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

std::unique_ptr<RegistryBackend> Open(const std::string& spec, TargetOptions opts = {}) {
  auto b = OpenTarget(spec, opts);
  EXPECT_TRUE(b.has_value()) << (b ? "" : b.error().message);
  return b ? std::move(*b) : nullptr;
}

TEST(RegfTest, EmptyHivePassesItsOwnHeaderCheck) {
  std::vector<uint8_t> h = BuildEmptyHive("ROOT", 0x01D0000000000000ull);
  ASSERT_EQ(h.size(), 8192u);
  auto bb = CheckRegfHeader(h, h.size(), "x");
  ASSERT_TRUE(bb.has_value()) << bb.error().message;
  EXPECT_FALSE(bb->dirty());
  EXPECT_EQ(bb->hive_bins_size, 4096u);
  EXPECT_EQ(bb->major_version, 1u);
  EXPECT_EQ(bb->root_cell_offset, 32u);
  // Root nk flags: KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME.
  EXPECT_EQ(h[4096 + 32 + 4], 'n');
  EXPECT_EQ(h[4096 + 32 + 6], 0x2C);
}

TEST(RegfTest, ChecksumMapsZeroAndAllOnes) {
  std::vector<uint8_t> block(512, 0);
  EXPECT_EQ(RegfChecksum(block.data()), 1u);
  PutLe32(block, 0, 0xFFFFFFFF);
  EXPECT_EQ(RegfChecksum(block.data()), 0xFFFFFFFEu);
  PutLe32(block, 4, 0x0000000F);
  EXPECT_EQ(RegfChecksum(block.data()), 0xFFFFFFF0u);
}

TEST(RegfTest, HeaderCheckRejectsDamage) {
  const std::vector<uint8_t> good = BuildEmptyHive("ROOT", 1);
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    uint64_t size;
    const char* code;
  };
  std::vector<Case> cases;
  cases.push_back({"empty", {}, 0, "not-a-hive"});
  cases.push_back({"garbage", std::vector<uint8_t>(8192, 0x5A), 8192, "not-a-hive"});
  cases.push_back({"short", std::vector<uint8_t>(good.begin(), good.begin() + 100), 100, "truncated-hive"});
  cases.push_back({"truncated", good, 6000, "truncated-hive"});
  auto flipped = good;
  flipped[40] ^= 0xFF;
  cases.push_back({"flipped", flipped, 8192, "corrupt-hive"});
  auto bad_bins = good;
  PutLe32(bad_bins, 40, 1000);
  PutLe32(bad_bins, 508, RegfChecksum(bad_bins.data()));
  cases.push_back({"bins size", bad_bins, 8192, "corrupt-hive"});
  auto bad_root = good;
  PutLe32(bad_root, 36, 9000);
  PutLe32(bad_root, 508, RegfChecksum(bad_root.data()));
  cases.push_back({"root offset", bad_root, 8192, "corrupt-hive"});
  auto version = good;
  PutLe32(version, 20, 2);
  PutLe32(version, 508, RegfChecksum(version.data()));
  cases.push_back({"version", version, 8192, "corrupt-hive"});
  for (const Case& c : cases) {
    auto r = CheckRegfHeader(c.bytes, c.size, "f");
    ASSERT_FALSE(r.has_value()) << c.what;
    EXPECT_EQ(r.error().kind, ErrorKind::kTarget) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << c.what;
  }
  auto dirty = good;
  PutLe32(dirty, 8, 7);
  PutLe32(dirty, 508, RegfChecksum(dirty.data()));
  auto d = CheckRegfHeader(dirty, 8192, "f");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->dirty());
}

TEST(RegfTest, CreateRefusesExistingFileUnlessOverwrite) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "H", false).has_value());
  auto again = CreateEmptyHiveFile(dir / "H", false);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "exists");
  EXPECT_TRUE(CreateEmptyHiveFile(dir / "H", true).has_value());
  EXPECT_FALSE(CreateEmptyHiveFile(dir.path(), true).has_value());
}

TEST(HiveBackendTest, AllValueTypesRoundTripRaw) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  std::vector<std::pair<std::string, RegValue>> values = {
      {"dword", RegValue::Dword(0x2800)},
      {"sz", RegValue::String("0xA80")},
      {"expand", RegValue{kRegExpandSz, {'%', 0, 'x', 0, '%', 0, 0, 0}}},
      {"binary", RegValue{kRegBinary, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}},
      {"qword", RegValue{kRegQword, {1, 2, 3, 4, 5, 6, 7, 8}}},
      {"multi", RegValue{kRegMultiSz, {'a', 0, 0, 0, 'b', 0, 0, 0, 0, 0}}},
      {"none", RegValue{kRegNone, {}}},
      {"odd", RegValue{0x1234, {0xDE, 0xAD}}},
      {"short-dword", RegValue{kRegDword, {1, 2}}},
  };
  {
    auto b = Open("hive:" + (dir / "SOFTWARE"));
    ASSERT_TRUE(b);
    for (const auto& [name, v] : values) {
      ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Test", name, v).has_value()) << name;
    }
    ASSERT_TRUE(b->Commit().has_value());
  }
  TargetOptions ro;
  ro.read_only = true;
  auto b = Open("hive:" + (dir / "SOFTWARE"), ro);
  ASSERT_TRUE(b);
  for (const auto& [name, v] : values) {
    auto got = b->GetValue(View::k64, "HKLM\\SOFTWARE\\Test", name);
    ASSERT_TRUE(got.has_value()) << name;
    ASSERT_TRUE(got->has_value()) << name;
    EXPECT_EQ(**got, v) << name;
  }
  // Value names match case-insensitively, as in the registry.
  auto upper = b->GetValue(View::k64, "hklm\\software\\TEST", "DWORD");
  ASSERT_TRUE(upper.has_value() && upper->has_value());
  EXPECT_EQ((*upper)->AsDword(), 0x2800u);
  EXPECT_EQ(Shell("hivexget '" + (dir / "SOFTWARE") + "' Test dword"), "10240");
  EXPECT_EQ(Shell("hivexget '" + (dir / "SOFTWARE") + "' Test qword"), "578437695752307201");
}

TEST(HiveBackendTest, NothingReachesTheFileWithoutCommit) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  auto before = Bytes(dir / "SOFTWARE");
  {
    auto b = Open("hive:" + (dir / "SOFTWARE"));
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->SetValue(View::k32, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
    auto seen = b->GetValue(View::k32, kWinHttp, "DefaultSecureProtocols");
    ASSERT_TRUE(seen.has_value() && seen->has_value());
  }
  EXPECT_EQ(Bytes(dir / "SOFTWARE"), before);
  // A commit with nothing changed writes nothing either.
  {
    auto b = Open("hive:" + (dir / "SOFTWARE"));
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->Commit().has_value());
  }
  EXPECT_EQ(Bytes(dir / "SOFTWARE"), before);
}

TEST(HiveBackendTest, ReadOnlyOpenRefusesWritesAndTakesNoLock) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  TargetOptions ro;
  ro.read_only = true;
  auto b = Open("hive:" + (dir / "SOFTWARE"), ro);
  ASSERT_TRUE(b);
  auto s = b->SetValue(View::k64, kWinHttp, "X", RegValue::Dword(1));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, "read-only");
  EXPECT_FALSE(fs::exists(dir / "SOFTWARE.secproto.lock"));
}

TEST(HiveBackendTest, Wow6432NodeAndArchitecture) {
  TempDir dir;
  std::string h = dir / "SOFTWARE";
  ASSERT_TRUE(CreateEmptyHiveFile(h, false).has_value());
  auto b = Open("hive:" + h);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b->DetectArchitecture(), Architecture::kUnknown);
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                          "CurrentBuild", RegValue::String("19045")));
  EXPECT_EQ(*b->DetectArchitecture(), Architecture::k32Bit);
  ASSERT_TRUE(b->SetValue(View::k32, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
  EXPECT_EQ(*b->DetectArchitecture(), Architecture::k64Bit);
  // Policies is shared between the views.
  ASSERT_TRUE(b->SetValue(View::k32, "HKLM\\SOFTWARE\\Policies\\P", "v", RegValue::Dword(1)));
  ASSERT_TRUE(b->Commit().has_value());
  EXPECT_EQ(Shell("hivexget '" + h +
                "' 'Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp' "
                "DefaultSecureProtocols"),
            "2048");
  EXPECT_EQ(Shell("hivexget '" + h + "' 'Policies\\P' v"), "1");
  EXPECT_EQ(Shell("hivexget '" + h + "' 'Microsoft\\Windows NT\\CurrentVersion' CurrentBuild"), "19045");
}

TEST(HiveBackendTest, DeleteValueAndEmptyKeys) {
  TempDir dir;
  std::string h = dir / "SOFTWARE";
  ASSERT_TRUE(CreateEmptyHiveFile(h, false).has_value());
  auto b = Open("hive:" + h);
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\A\\B", "v", RegValue::Dword(1)));
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\A", "keep", RegValue::Dword(2)));
  ASSERT_TRUE(b->Commit().has_value());
  ASSERT_TRUE(b->DeleteValue(View::k64, "HKLM\\SOFTWARE\\A\\B", "V"));  // any case
  ASSERT_TRUE(b->DeleteKeyIfEmpty(View::k64, "HKLM\\SOFTWARE\\A\\B"));
  ASSERT_TRUE(b->DeleteKeyIfEmpty(View::k64, "HKLM\\SOFTWARE\\A"));  // not empty: stays
  ASSERT_TRUE(b->DeleteKeyIfEmpty(View::k64, "HKLM\\SOFTWARE\\Missing\\Key"));
  ASSERT_TRUE(b->DeleteValue(View::k64, "HKLM\\SOFTWARE\\Missing", "x"));
  ASSERT_TRUE(b->Commit().has_value());
  EXPECT_FALSE(*b->KeyExists(View::k64, "HKLM\\SOFTWARE\\A\\B"));
  EXPECT_TRUE(*b->KeyExists(View::k64, "HKLM\\SOFTWARE\\A"));
  EXPECT_EQ(Shell("reglookup -H '" + h + "' | cut -d, -f1,2,3 | tr '\\n' ' '"),
            "/,KEY, /A,KEY, /A/keep,DWORD,0x00000002 ");
}

// A SYSTEM hive made with the backend itself (opened as a plain hive).
void MakeSystemHive(const std::string& path, std::optional<RegValue> current) {
  ASSERT_TRUE(CreateEmptyHiveFile(path, false).has_value());
  auto b = Open("hive:" + path);
  ASSERT_TRUE(b);
  if (current) ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Select", "Current", *current));
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\ControlSet001\\Control", "set", RegValue::Dword(1)));
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\ControlSet002\\Control", "set", RegValue::Dword(2)));
  ASSERT_TRUE(b->Commit().has_value());
}

TEST(HiveBackendTest, SystemHiveResolvesCurrentControlSetFromSelect) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  MakeSystemHive(dir / "SYSTEM", RegValue::Dword(2));
  TargetOptions opts;
  opts.system_hive = dir / "SYSTEM";
  auto b = Open("hive:" + (dir / "SOFTWARE"), opts);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->HasRoot("HKLM\\SOFTWARE"));
  EXPECT_TRUE(b->HasRoot("HKLM\\SYSTEM"));
  EXPECT_FALSE(b->HasRoot("HKCU"));
  auto set = b->GetValue(View::k32, "HKLM\\SYSTEM\\CurrentControlSet\\Control", "set");
  ASSERT_TRUE(set.has_value() && set->has_value());
  EXPECT_EQ((*set)->AsDword(), 2u);
  const std::string schannel =
      "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client";
  ASSERT_TRUE(b->SetValue(View::k32, schannel, "Enabled", RegValue::Dword(1)));
  ASSERT_TRUE(b->Commit().has_value());
  EXPECT_EQ(Shell("hivexget '" + (dir / "SYSTEM") +
                "' 'ControlSet002\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client' "
                "Enabled"),
            "1");
  EXPECT_NE(Shell("hivexget '" + (dir / "SYSTEM") +
                "' 'ControlSet001\\Control\\SecurityProviders' >/dev/null 2>&1; echo $?"),
            "0");
}

TEST(HiveBackendTest, SystemHiveWithoutUsableSelectIsRefused) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  MakeSystemHive(dir / "NOSELECT", std::nullopt);
  MakeSystemHive(dir / "SZSELECT", RegValue::String("1"));
  MakeSystemHive(dir / "SET9", RegValue::Dword(9));
  for (const char* name : {"NOSELECT", "SZSELECT", "SET9"}) {
    TargetOptions opts;
    opts.system_hive = dir / name;
    auto b = OpenTarget("hive:" + (dir / "SOFTWARE"), opts);
    ASSERT_FALSE(b.has_value()) << name;
    EXPECT_EQ(b.error().kind, ErrorKind::kTarget);
    EXPECT_EQ(b.error().code, "no-control-set") << b.error().message;
  }
}

TEST(HiveBackendTest, MissingRootsAreErrorsAndUserHiveIsHkcu) {
  TempDir dir;
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "SOFTWARE", false).has_value());
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "NTUSER.DAT", false).has_value());
  {
    auto b = Open("hive:" + (dir / "SOFTWARE"));
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->HasRoot("HKLM\\SYSTEM"));
    auto r = b->GetValue(View::k64, "HKLM\\SYSTEM\\Select", "Current");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "no-such-root");
    auto u = b->SetValue(View::k64, "HKCU\\Software\\X", "v", RegValue::Dword(1));
    ASSERT_FALSE(u.has_value());
    EXPECT_EQ(u.error().code, "no-such-root");
  }
  TargetOptions opts;
  opts.user_hive = dir / "NTUSER.DAT";
  auto b = Open("hive:" + (dir / "SOFTWARE"), opts);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->HasRoot("HKCU"));
  ASSERT_TRUE(b->SetValue(View::k32, "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
                          "SecureProtocols", RegValue::Dword(0xA80)));
  ASSERT_TRUE(b->Commit().has_value());
  EXPECT_EQ(Shell("hivexget '" + (dir / "NTUSER.DAT") +
                "' 'Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' SecureProtocols"),
            "2688");
}

TEST(HiveBackendTest, DirtyHiveIsReadableButNotWritableUnlessForced) {
  TempDir dir;
  std::string h = dir / "SOFTWARE";
  auto bytes = BuildEmptyHive("ROOT", 1);
  PutLe32(bytes, 8, 5);
  PutLe32(bytes, 508, RegfChecksum(bytes.data()));
  ASSERT_TRUE(WriteFileAtomically(h, std::string_view(reinterpret_cast<char*>(bytes.data()), bytes.size())));
  // Issue 10: a command that declares it will write the hive is refused at
  // open (so its dry run gives the same answer)...
  TargetOptions writes;
  writes.write_roots = {"HKLM\\SOFTWARE"};
  auto w = OpenTarget("hive:" + h, writes);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, "dirty-hive");
  EXPECT_NE(w.error().message.find(".LOG1"), std::string::npos);
  // ...one that declares nothing opens it, says it is dirty, and is refused
  // at its first write, leaving the file as it was.
  std::vector<uint8_t> before = Bytes(h);
  auto lazy = Open("hive:" + h);
  ASSERT_TRUE(lazy);
  ASSERT_EQ(lazy->Notices().size(), 1u);
  EXPECT_NE(lazy->Notices()[0].find("dirty"), std::string::npos);
  Status write = lazy->SetValue(View::k64, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800));
  ASSERT_FALSE(write.has_value());
  EXPECT_EQ(write.error().code, "dirty-hive");
  EXPECT_NE(write.error().message.find(".LOG1"), std::string::npos);
  lazy.reset();
  EXPECT_EQ(Bytes(h), before);
  TargetOptions ro;
  ro.read_only = true;
  auto r = OpenTarget("hive:" + h, ro);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)->Notices().size(), 1u);
  TargetOptions force;
  force.force_dirty = true;
  auto f = Open("hive:" + h, force);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->SetValue(View::k64, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
  ASSERT_TRUE(f->Commit().has_value());
  auto after = CheckRegfHeader(Bytes(h), Bytes(h).size(), h);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->dirty());  // hivex_commit writes equal sequence numbers
}

TEST(HiveBackendTest, ImageFindsHivesInAnyCase) {
  TempDir dir;
  fs::create_directories(dir / "WINDOWS/system32/CONFIG");
  ASSERT_TRUE(CreateEmptyHiveFile(dir / "WINDOWS/system32/CONFIG/Software", false).has_value());
  MakeSystemHive(dir / "WINDOWS/system32/CONFIG/sYsTeM", RegValue::Dword(1));
  auto b = Open("image:" + dir.path());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->Describe(), "image:" + dir.path());
  EXPECT_TRUE(b->HasRoot("HKLM\\SYSTEM"));
  auto set = b->GetValue(View::k64, "HKLM\\SYSTEM\\CurrentControlSet\\Control", "set");
  ASSERT_TRUE(set.has_value() && set->has_value());
  EXPECT_EQ((*set)->AsDword(), 1u);
  auto missing = OpenTarget("image:" + (dir / "WINDOWS"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "not-an-image");
}

}  // namespace
}  // namespace secproto
