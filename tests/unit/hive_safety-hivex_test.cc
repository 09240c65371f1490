// Issue 10 and 18 data safety below the CLI: hives that are only read, hive
// kinds, corrupt hives, lock files, last-write times, and version 2 backups.
#include <gtest/gtest.h>
#include <hivex.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "registry/regf.h"
#include "secproto/registry.h"
#include "secproto/setting.h"
#include "secproto/testing.h"
#include "util/file.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

constexpr char kWinHttp[] =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";

class Dir {
 public:
  Dir() {
    std::string tmpl = (fs::temp_directory_path() / "secproto-safety-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> Bytes(const std::string& path) {
  auto b = ReadFileBytes(path);
  return b ? *b : std::vector<uint8_t>{};
}

void Patch(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Secondary sequence = primary + 1, checksum fixed: a dirty hive.
void MakeDirty(const std::string& path) {
  std::vector<uint8_t> b = Bytes(path);
  uint32_t seq = b[4] | (b[5] << 8) | (b[6] << 16) | (static_cast<uint32_t>(b[7]) << 24);
  Put32(b, 8, seq + 1);
  Put32(b, 508, RegfChecksum(b.data()));
  Patch(path, b);
}

// Writes `name` into the base block's file name field.
void SetFileName(const std::string& path, const std::string& name) {
  std::vector<uint8_t> b = Bytes(path);
  std::memset(b.data() + 48, 0, 64);
  // Windows keeps the last 31 characters of the path there.
  std::string tail = name.size() > 31 ? name.substr(name.size() - 31) : name;
  for (size_t i = 0; i < tail.size(); ++i) b[48 + 2 * i] = static_cast<uint8_t>(tail[i]);
  Put32(b, 508, RegfChecksum(b.data()));
  Patch(path, b);
}

// A hive with these keys below its root, made through a blank hive.
void MakeHive(const std::string& path, const std::vector<std::string>& keys,
              const std::string& file_name) {
  ASSERT_TRUE(CreateEmptyHiveFile(path, false).has_value());
  {
    auto b = OpenTarget("hive:" + path);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    for (const std::string& k : keys) {
      ASSERT_TRUE((*b)->SetValue(View::k64, "HKLM\\SOFTWARE\\" + k, "x", RegValue::Dword(1)));
    }
    ASSERT_TRUE((*b)->Commit().has_value());
  }
  if (!file_name.empty()) SetFileName(path, file_name);
}

void MakeSystem(const std::string& path) {
  MakeHive(path, {"ControlSet001\\Control"}, "\\SystemRoot\\System32\\Config\\SYSTEM");
  auto b = OpenTarget("hive:" + path);
  // Now a SYSTEM hive: it opens as SOFTWARE no more; write Select through hivex.
  ASSERT_FALSE(b.has_value());
  hive_h* h = hivex_open(path.c_str(), HIVEX_OPEN_WRITE);
  ASSERT_TRUE(h);
  hive_node_h sel = hivex_node_add_child(h, hivex_root(h), "Select");
  uint8_t one[4] = {1, 0, 0, 0};
  hive_set_value v{const_cast<char*>("Current"), hive_t_REG_DWORD, 4, reinterpret_cast<char*>(one)};
  ASSERT_EQ(hivex_node_set_values(h, sel, 1, &v, 0), 0);
  ASSERT_EQ(hivex_commit(h, nullptr, 0), 0);
  hivex_close(h);
}

TEST(HiveSafety, DirtySystemHiveThatIsOnlyReadDoesNotBlockASoftwareWrite) {
  Dir d;
  ASSERT_TRUE(CreateEmptyHiveFile(d / "SOFTWARE", false).has_value());
  MakeSystem(d / "SYSTEM");
  MakeDirty(d / "SYSTEM");
  auto before = Bytes(d / "SYSTEM");
  TargetOptions o;
  o.system_hive = d / "SYSTEM";
  o.write_roots = {"HKLM\\SOFTWARE"};
  auto b = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ((*b)->Notices().size(), 1u);
  EXPECT_NE((*b)->Notices()[0].find("is dirty"), std::string::npos);
  ASSERT_TRUE(
      (*b)->SetValue(View::k64, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
  ASSERT_TRUE((*b)->Commit().has_value());
  EXPECT_FALSE(fs::exists(d / "SYSTEM.secproto.lock"));
  b->reset();
  EXPECT_EQ(Bytes(d / "SYSTEM"), before);
  EXPECT_FALSE(fs::exists(d / "SOFTWARE.secproto.lock"));
  // Writing SYSTEM itself is still refused, at open when declared, and on a
  // dry run (read-only open) the same way.
  o.write_roots = {"HKLM\\SYSTEM"};
  auto w = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, "dirty-hive");
  o.read_only = true;
  auto dry = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  ASSERT_FALSE(dry.has_value());
  EXPECT_EQ(dry.error().code, "dirty-hive");
  EXPECT_EQ(Bytes(d / "SYSTEM"), before);
}

TEST(HiveSafety, UndeclaredWriteChecksTheHiveWhenItHappens) {
  Dir d;
  ASSERT_TRUE(CreateEmptyHiveFile(d / "SOFTWARE", false).has_value());
  MakeDirty(d / "SOFTWARE");
  auto b = OpenTarget("hive:" + (d / "SOFTWARE"));
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(fs::exists(d / "SOFTWARE.secproto.lock"));
  auto s = (*b)->PrepareWrite(View::k64, kWinHttp);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, "dirty-hive");
  auto w = (*b)->SetValue(View::k64, kWinHttp, "X", RegValue::Dword(1));
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, "dirty-hive");
}

TEST(HiveSafety, WrongKindOfHiveIsRefusedForItsRole) {
  Dir d;
  MakeSystem(d / "SYSTEM");
  MakeHive(d / "NTUSER.DAT", {"Software\\A", "Environment"}, "\\??\\C:\\Users\\a\\ntuser.dat");
  ASSERT_TRUE(CreateEmptyHiveFile(d / "SOFTWARE", false).has_value());
  auto sys = OpenTarget("hive:" + (d / "SYSTEM"));
  ASSERT_FALSE(sys.has_value());
  EXPECT_EQ(sys.error().code, "wrong-hive");
  EXPECT_EQ(sys.error().kind, ErrorKind::kUsage);
  EXPECT_NE(sys.error().message.find("--system-hive"), std::string::npos);
  auto user = OpenTarget("hive:" + (d / "NTUSER.DAT"));
  ASSERT_FALSE(user.has_value());
  EXPECT_NE(user.error().message.find("--user-hive"), std::string::npos);
  TargetOptions o;
  o.user_hive = d / "SYSTEM";
  auto swapped = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  ASSERT_FALSE(swapped.has_value());
  EXPECT_EQ(swapped.error().code, "wrong-hive");
  // The right roles open.
  o.user_hive = d / "NTUSER.DAT";
  o.system_hive = d / "SYSTEM";
  auto right = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  EXPECT_TRUE(right.has_value()) << right.error().message;
}

TEST(HiveSafety, CorruptHiveSaysItIsNotAValidHive) {
  Dir d;
  ASSERT_TRUE(CreateEmptyHiveFile(d / "C", false).has_value());
  std::vector<uint8_t> b = Bytes(d / "C");
  std::memset(b.data() + 4096 + 32, 0, 96);  // the root key cell
  Patch(d / "C", b);
  auto r = OpenTarget("hive:" + (d / "C"));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("not a valid or not a complete registry hive"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("Operation not supported"), std::string::npos);
}

TEST(HiveSafety, CommitStampsChangedKeysAndTheBaseBlock) {
  Dir d;
  std::string h = d / "SOFTWARE";
  // A hive created at FILETIME 1: everything in it carries that time.
  std::vector<uint8_t> blank = BuildEmptyHive("ROOT", 1);
  Patch(h, blank);
  {
    auto b = OpenTarget("hive:" + h);
    ASSERT_TRUE(b.has_value());
    ASSERT_TRUE(
        (*b)->SetValue(View::k64, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
    ASSERT_TRUE((*b)->Commit().has_value());
  }
  std::vector<uint8_t> after = Bytes(h);
  uint64_t base = 0;
  for (int i = 7; i >= 0; --i) base = (base << 8) | after[12 + i];
  EXPECT_NE(base, 1u);
  hive_h* hv = hivex_open(h.c_str(), 0);
  ASSERT_TRUE(hv);
  hive_node_h node = hivex_root(hv);
  for (const char* part :
       {"Microsoft", "Windows", "CurrentVersion", "Internet Settings", "WinHttp"}) {
    node = hivex_node_get_child(hv, node, part);
    ASSERT_TRUE(node);
  }
  EXPECT_EQ(static_cast<uint64_t>(hivex_node_timestamp(hv, node)), base);
  EXPECT_EQ(static_cast<uint64_t>(hivex_node_timestamp(hv, hivex_root(hv))), base);
  hivex_close(hv);
}

TEST(HiveSafety, LockFileIsRemovedAndReacquirable) {
  Dir d;
  std::string p = d / "file";
  {
    auto l = FileLock::Acquire(p, 100);
    ASSERT_TRUE(l.has_value());
    EXPECT_TRUE(fs::exists(p + ".secproto.lock"));
  }
  EXPECT_FALSE(fs::exists(p + ".secproto.lock"));
  auto again = FileLock::Acquire(p, 100);
  ASSERT_TRUE(again.has_value());
  auto missing = FileLock::Acquire(d / "nodir/x.reg", 100);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "no-folder");
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
}

TEST(HiveSafety, BlankSystemHiveWorksAsSystemHive) {
  Dir d;
  ASSERT_TRUE(CreateEmptyHiveFile(d / "SOFTWARE", false).has_value());
  ASSERT_TRUE(CreateBlankSystemHiveFile(d / "SYSTEM", false).has_value());
  TargetOptions o;
  o.system_hive = d / "SYSTEM";
  auto b = OpenTarget("hive:" + (d / "SOFTWARE"), o);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const std::string key = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL";
  ASSERT_TRUE((*b)->SetValue(View::k64, key, "x", RegValue::Dword(1)));
  ASSERT_TRUE((*b)->Commit().has_value());
  EXPECT_FALSE(CreateBlankSystemHiveFile(d / "SYSTEM", false).has_value());
}

TEST(BackupV2, NamedValuesRoundTripAndRestore) {
  MemBackend mem(Architecture::k64Bit);
  const std::string key = "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";
  ASSERT_TRUE(mem.SetValue(View::k64, key, "SchUseStrongCrypto", RegValue::Dword(0)));
  std::vector<BackupValueRef> refs = {{View::k64, key, "SchUseStrongCrypto"},
                                      {View::k32, key, "SystemDefaultTlsVersions"},
                                      {View::k64, key, "SchUseStrongCrypto"}};
  auto b = TakeValuesBackup(mem, refs);
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->views.size(), 2u);
  std::string json = BackupToJson(*b);
  EXPECT_NE(json.find("\"version\": 2"), std::string::npos);
  auto back = BackupFromJson(json);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_EQ(back->views.size(), 2u);
  EXPECT_EQ(back->views[1].name, "SystemDefaultTlsVersions");
  EXPECT_FALSE(back->views[1].missing_keys.empty());
  ASSERT_TRUE(mem.SetValue(View::k64, key, "SchUseStrongCrypto", RegValue::Dword(1)));
  ASSERT_TRUE(mem.SetValue(View::k32, key, "SystemDefaultTlsVersions", RegValue::Dword(1)));
  auto r = RestoreBackup(mem, *back);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(**mem.GetValue(View::k64, key, "SchUseStrongCrypto"), RegValue::Dword(0));
  EXPECT_FALSE(*mem.KeyExists(View::k32, key));
}

TEST(BackupV2, MachineNameIsOptionalAndKept) {
  MemBackend mem;
  auto b = TakeBackup(mem, {View::k64});
  ASSERT_TRUE(b.has_value());
  b->machine = "PC1";
  auto back = BackupFromJson(BackupToJson(*b));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->machine, "PC1");
  b->machine.clear();
  std::string old = BackupToJson(*b);
  EXPECT_EQ(old.find("machine"), std::string::npos);
  EXPECT_TRUE(BackupFromJson(old).has_value());
}

TEST(BackupV2, KeysOutsideTheRootsAreRefused) {
  std::string j = R"({"format":"secproto-backup","version":2,"target":"mem:","created":"",
    "values":[{"view":"64","name":"x","key":"HKLM\\SAM\\X","key_existed":true,"missing_keys":[],
    "value_existed":false}]})";
  EXPECT_FALSE(BackupFromJson(j).has_value());
}

}  // namespace
}  // namespace secproto
