// All-or-nothing across views on a non-transactional backend (what `live`
// is): when the second view's write fails, the first view is put back and
// the error says so. Platform-neutral: MemBackend in non-transactional mode
// stands in for the Win32 registry.
#include <gtest/gtest.h>

#include "secproto/protocols.h"
#include "secproto/setting.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

constexpr std::string_view kKey = kWinHttpKey;

struct Fixture {
  MemBackend* mem = nullptr;  // owned by `backend`
  std::unique_ptr<FaultInjectingBackend> backend;
};

Fixture Make(FaultPlan plan) {
  auto mem = std::make_unique<MemBackend>(Architecture::k64Bit, /*transactional=*/false);
  Fixture f;
  f.mem = mem.get();
  f.backend = std::make_unique<FaultInjectingBackend>(std::move(mem), plan);
  return f;
}

TEST(LiveAtomicityTest, SecondViewFailureRestoresFirstView) {
  auto plain = std::make_unique<MemBackend>(Architecture::k64Bit, false);
  // Prior state: view 64 holds 0xA80, view 32 a REG_SZ (the seed's pitfall).
  ASSERT_TRUE(plain->SetValue(View::k64, kKey, kValueName, RegValue::Dword(0xA80)));
  ASSERT_TRUE(plain->SetValue(View::k32, kKey, kValueName, RegValue::String("0xA80")));
  std::string before = MemBackend::Dump(plain->committed());
  MemBackend* mem = plain.get();
  FaultInjectingBackend backend(std::move(plain), FaultPlan{.fail_write = 2});

  auto r = SetSetting(backend, 0x2800, {View::k64, View::k32});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("view 32"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("restored"), std::string::npos) << r.error().message;
  EXPECT_EQ(ExitCodeFor(r.error().kind), 3);
  // The first view was written, then put back: the tree is byte-identical.
  EXPECT_EQ(MemBackend::Dump(mem->committed()), before);
  auto v64 = mem->GetValue(View::k64, kKey, kValueName);
  ASSERT_TRUE(v64 && *v64);
  EXPECT_EQ((*v64)->AsDword(), 0xA80u);
  // write 1: set 64, write 2: set 32 (failed), then the restore of view 64.
  ASSERT_GE(backend.log().size(), 3u);
}

TEST(LiveAtomicityTest, RestoreRemovesKeysTheFirstWriteCreated) {
  Fixture f = Make(FaultPlan{.fail_write = 2});
  // A live registry always has its roots; give the fake one too.
  ASSERT_TRUE(f.mem->SetValue(View::k64, "HKLM\\SOFTWARE\\Other", "V", RegValue::Dword(1)));
  std::string before = MemBackend::Dump(f.mem->committed());
  auto r = SetSetting(*f.backend, 0x2800, {View::k64, View::k32});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("restored"), std::string::npos) << r.error().message;
  // Neither the value nor the WinHttp key (nor its parents) survived.
  EXPECT_EQ(MemBackend::Dump(f.mem->committed()), before);
  auto exists = f.mem->KeyExists(View::k64, kKey);
  ASSERT_TRUE(exists);
  EXPECT_FALSE(*exists);
}

TEST(LiveAtomicityTest, UnsetSecondViewFailureRestoresFirstView) {
  Fixture f = Make(FaultPlan{.fail_write = 2});
  ASSERT_TRUE(f.mem->SetValue(View::k64, kKey, kValueName, RegValue::Dword(0x800)));
  ASSERT_TRUE(f.mem->SetValue(View::k32, kKey, kValueName, RegValue::Dword(0x800)));
  std::string before = MemBackend::Dump(f.mem->committed());
  auto r = UnsetSetting(*f.backend, {View::k64, View::k32});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("restored"), std::string::npos) << r.error().message;
  EXPECT_EQ(MemBackend::Dump(f.mem->committed()), before);
}

TEST(LiveAtomicityTest, FirstViewFailureWritesNothing) {
  Fixture f = Make(FaultPlan{.fail_write = 1});
  std::string before = MemBackend::Dump(f.mem->committed());
  auto r = SetSetting(*f.backend, 0x2800, {View::k64, View::k32});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("view 64"), std::string::npos) << r.error().message;
  EXPECT_EQ(MemBackend::Dump(f.mem->committed()), before);
  EXPECT_EQ(f.backend->writes(), 1);
}

TEST(LiveAtomicityTest, NonTransactionalBackendWritesAtOnce) {
  Fixture f = Make(FaultPlan{});
  auto r = SetSetting(*f.backend, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->changed);
  auto v32 = f.mem->GetValue(View::k32, kKey, kValueName);
  ASSERT_TRUE(v32 && *v32);
  EXPECT_EQ((*v32)->AsDword(), 0x2800u);
  // Idempotent: the second run writes nothing.
  int writes = f.backend->writes();
  auto again = SetSetting(*f.backend, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(f.backend->writes(), writes);
}

// Rollback goes through the same all-or-nothing path as apply: when the
// second view's restore fails, the first view is put back to what it held
// before the rollback started.
TEST(LiveAtomicityTest, FailedRollbackLeavesTargetAsItWas) {
  auto plain = std::make_unique<MemBackend>(Architecture::k64Bit, false);
  MemBackend* mem = plain.get();
  ASSERT_TRUE(mem->SetValue(View::k64, kKey, kValueName, RegValue::Dword(0x0A00)));
  ASSERT_TRUE(mem->SetValue(View::k32, kKey, kValueName, RegValue::Dword(0x0A00)));
  auto backup = TakeBackup(*mem, {View::k64, View::k32});
  ASSERT_TRUE(backup.has_value());
  // The change being rolled back: both views now hold 0x2800.
  ASSERT_TRUE(mem->SetValue(View::k64, kKey, kValueName, RegValue::Dword(0x2800)));
  ASSERT_TRUE(mem->SetValue(View::k32, kKey, kValueName, RegValue::Dword(0x2800)));
  std::string before = MemBackend::Dump(mem->committed());
  FaultInjectingBackend backend(std::move(plain), FaultPlan{.fail_write = 2});

  auto r = RestoreBackup(backend, *backup);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("restored"), std::string::npos) << r.error().message;
  EXPECT_EQ(ExitCodeFor(r.error().kind), 3);
  // Write 1 restored view 64, write 2 (view 32) failed, write 3 put view 64 back.
  EXPECT_EQ(backend.writes(), 3);
  EXPECT_EQ(MemBackend::Dump(mem->committed()), before);
  auto v64 = mem->GetValue(View::k64, kKey, kValueName);
  ASSERT_TRUE(v64 && *v64);
  EXPECT_EQ((*v64)->AsDword(), 0x2800u);
}

// A rollback that deletes values (the change created them) and fails half-way
// puts the deleted value back, and a later rollback still removes the keys.
TEST(LiveAtomicityTest, FailedRollbackOfCreatedValuesRestoresThem) {
  Fixture f = Make(FaultPlan{.fail_write = 4});
  ASSERT_TRUE(f.mem->SetValue(View::k64, "HKLM\\SOFTWARE\\Other", "V", RegValue::Dword(1)));
  std::string pristine = MemBackend::Dump(f.mem->committed());
  auto backup = TakeBackup(*f.mem, {View::k64, View::k32});
  ASSERT_TRUE(backup.has_value());
  ASSERT_TRUE(SetSetting(*f.backend, 0x2800, {View::k64, View::k32}));  // writes 1, 2
  std::string changed = MemBackend::Dump(f.mem->committed());
  auto r = RestoreBackup(*f.backend, *backup);  // write 3 deletes view 64, write 4 fails
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(MemBackend::Dump(f.mem->committed()), changed);
  auto again = RestoreBackup(*f.backend, *backup);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(MemBackend::Dump(f.mem->committed()), pristine);
}

}  // namespace
}  // namespace secproto
