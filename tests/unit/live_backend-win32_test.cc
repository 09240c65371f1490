// The live backend against the real Win32 registry (under Wine in CI). Every
// test works below its own scratch key and removes it.
#include <windows.h>

#include <gtest/gtest.h>

#include "registry/live_backend.h"
#include "secproto/registry.h"
#include "secproto/services.h"
#include "util/file.h"
#include "secproto/host.h"
#include "util/win32.h"

namespace secproto {
namespace {

constexpr const char* kScratch = "HKLM\\SOFTWARE\\secproto-unit-test";
constexpr const wchar_t* kScratchW = L"SOFTWARE\\secproto-unit-test";

class LiveBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Cleanup();
    auto opened = OpenTarget("live");
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    live_ = std::move(*opened);
  }
  void TearDown() override {
    TEST_SetElevatedOverride(std::nullopt);
    Cleanup();
  }
  static void Cleanup() {
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, kScratchW);
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Wow6432Node\\secproto-unit-test");
  }
  std::unique_ptr<RegistryBackend> live_;
};

TEST_F(LiveBackendTest, NotElevatedWriteOpenFailsWithExit3) {
  TEST_SetElevatedOverride(false);
  auto opened = OpenTarget("live");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, "not-elevated");
  EXPECT_EQ(ExitCodeFor(opened.error().kind), 3);
  EXPECT_NE(opened.error().message.find("run from an elevated prompt"), std::string::npos);
  // Reading needs no elevation.
  TargetOptions ro;
  ro.read_only = true;
  EXPECT_TRUE(OpenTarget("live", ro).has_value());
}

TEST_F(LiveBackendTest, SixtyFourBitWineHasBothViews) {
  auto arch = live_->DetectArchitecture();
  ASSERT_TRUE(arch.has_value());
  EXPECT_EQ(*arch, Architecture::k64Bit);
  EXPECT_TRUE(live_->HasRoot("HKLM\\SOFTWARE"));
  EXPECT_TRUE(live_->HasRoot("HKCU"));
  EXPECT_FALSE(live_->HasRoot("HKLM\\SAM"));
}

TEST_F(LiveBackendTest, ViewsAreSeparate) {
  std::string key = std::string(kScratch) + "\\WinHttp";
  ASSERT_TRUE(live_->SetValue(View::k32, key, "V", RegValue::Dword(0xA80)));
  auto v64 = live_->GetValue(View::k64, key, "V");
  ASSERT_TRUE(v64.has_value());
  EXPECT_FALSE(v64->has_value());
  auto v32 = live_->GetValue(View::k32, key, "V");
  ASSERT_TRUE(v32 && *v32);
  EXPECT_EQ((*v32)->AsDword(), 0xA80u);
  // A path that names Wow6432Node opens that literal key in view 64.
  auto literal = live_->GetValue(View::k64, "HKLM\\SOFTWARE\\Wow6432Node\\secproto-unit-test\\WinHttp", "V");
  ASSERT_TRUE(literal && *literal);
  EXPECT_EQ((*literal)->AsDword(), 0xA80u);
}

TEST_F(LiveBackendTest, RawTypesRoundTrip) {
  std::string key = kScratch;
  RegValue sz = RegValue::String("0xA80");
  RegValue expand{kRegExpandSz, RegValue::String("%SystemRoot%\\x").data};
  RegValue binary{kRegBinary, {0x00, 0x28, 0x00, 0x00, 0xff}};
  RegValue odd_dword{kRegDword, {1, 2}};  // a DWORD of the wrong size stays as stored
  for (const RegValue& v : {sz, expand, binary, odd_dword}) {
    ASSERT_TRUE(live_->SetValue(View::k64, key, "V", v));
    auto got = live_->GetValue(View::k64, key, "V");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, v) << RegTypeName(v.type) << " " << (*got)->HexData();
  }
}

TEST_F(LiveBackendTest, MissingIsNotAnError) {
  auto exists = live_->KeyExists(View::k64, std::string(kScratch) + "\\nope");
  ASSERT_TRUE(exists.has_value());
  EXPECT_FALSE(*exists);
  auto v = live_->GetValue(View::k64, std::string(kScratch) + "\\nope", "V");
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->has_value());
  EXPECT_TRUE(live_->DeleteValue(View::k64, std::string(kScratch) + "\\nope", "V"));
  EXPECT_TRUE(live_->DeleteKeyIfEmpty(View::k64, std::string(kScratch) + "\\nope"));
  auto bad = live_->GetValue(View::k64, "HKLM\\SAM\\x", "V");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "no-such-root");
}

TEST_F(LiveBackendTest, DeleteKeyIfEmptyKeepsNonEmptyKeys) {
  std::string parent = kScratch;
  std::string child = parent + "\\Child";
  ASSERT_TRUE(live_->SetValue(View::k64, child, "V", RegValue::Dword(1)));
  EXPECT_TRUE(live_->DeleteKeyIfEmpty(View::k64, parent));
  EXPECT_TRUE(*live_->KeyExists(View::k64, parent));
  auto subs = live_->ListSubkeys(View::k64, parent);
  ASSERT_TRUE(subs.has_value());
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0], "Child");
  ASSERT_TRUE(live_->DeleteValue(View::k64, child, "V"));
  EXPECT_TRUE(live_->DeleteKeyIfEmpty(View::k64, child));
  EXPECT_FALSE(*live_->KeyExists(View::k64, child));
  EXPECT_TRUE(live_->DeleteKeyIfEmpty(View::k64, parent));
  EXPECT_FALSE(*live_->KeyExists(View::k64, parent));
}

TEST(Win32SystemTest, OsVersionAndServices) {
  auto v = QueryOsVersion();
  ASSERT_TRUE(v.has_value());
  EXPECT_GT(v->build, 0u);
  EXPECT_FALSE(v->product_type.empty());
  std::unique_ptr<ServiceManager> services = NewSystemServiceManager();
  auto states = QueryServices(*services, {"secproto-no-such-service"});
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].state, "not-installed");
  EXPECT_FALSE(states[0].active);
  auto restarts = RestartServices(*services, {"secproto-no-such-service"}, 1000);
  ASSERT_EQ(restarts.size(), 1u);
  EXPECT_FALSE(restarts[0].ok);
  EXPECT_EQ(restarts[0].result, "not installed");
  EXPECT_NE(Win32ErrorText(ERROR_ACCESS_DENIED).find("denied"), std::string::npos);
}

TEST(Win32FileTest, AtomicWriteReadAndLock) {
  wchar_t dir[MAX_PATH];
  ASSERT_NE(GetTempPathW(MAX_PATH, dir), 0u);
  std::string path = Narrow(dir) + "secproto-unit-test.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first"));
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer"));
  auto bytes = ReadFileBytes(path);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), "second, longer");
  EXPECT_TRUE(IsWritable(path));
  {
    auto lock = FileLock::Acquire(path, 100);
    ASSERT_TRUE(lock.has_value()) << lock.error().message;
    auto second = FileLock::Acquire(path, 50);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, "locked");
  }
  EXPECT_TRUE(FileLock::Acquire(path, 100).has_value());
  DeleteFileW(Widen(path).c_str());
  DeleteFileW(Widen(path + ".secproto.lock").c_str());
  auto missing = ReadFileBytes(path);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "not-found");
  auto directory = ReadFileBytes(Narrow(dir));
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, "not-a-file");
}

}  // namespace
}  // namespace secproto
