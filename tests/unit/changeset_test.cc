#include "secproto/changeset.h"

#include <gtest/gtest.h>

#include "secproto/testing.h"

namespace secproto {
namespace {

const std::string kTls12 =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
    "1.2\\Client";
const std::string kSuites =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002";
const std::string kNet = "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";

std::vector<RegChange> Changes() {
  return {
      {View::k64, kTls12, "Enabled", RegValue::Dword(1), Effect::kServiceRestart, "tls1.2 on"},
      {View::k64, kTls12, "DisabledByDefault", RegValue::Dword(0), Effect::kServiceRestart, ""},
      {View::k64, kSuites, "Functions",
       RegValue::String("TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256"), Effect::kReboot,
       "suite order"},
      {View::k64, kNet, "SchUseStrongCrypto", RegValue::Dword(1), Effect::kNextProcess, ""},
      {View::k32, kNet, "SchUseStrongCrypto", RegValue::Dword(1), Effect::kNextProcess, ""},
      {View::k64, kNet, "Obsolete", std::nullopt, Effect::kNextProcess, ""},
  };
}

TEST(ChangeSet, PlanShowsEveryValueAndTheStrongestEffect) {
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(mem.SetValue(View::k64, kNet, "Obsolete", RegValue::Dword(7)));
  ASSERT_TRUE(mem.SetValue(View::k64, kTls12, "Enabled", RegValue{kRegSz, {'1', 0, 0, 0}}));
  ASSERT_TRUE(mem.Commit());
  auto plan = PlanChanges(mem, Changes());
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->changes.size(), 6u);
  EXPECT_EQ(plan->changes[0].action, "replace-type");
  EXPECT_EQ(plan->changes[1].action, "create");
  EXPECT_EQ(plan->changes[5].action, "delete");
  EXPECT_TRUE(plan->changes_anything());
  EXPECT_EQ(plan->strongest_effect(), Effect::kReboot);
}

TEST(ChangeSet, ApplyCommitsOnceAndIsIdempotent) {
  MemBackend mem(Architecture::k64Bit);
  auto r = ApplyChanges(mem, Changes());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->written, 5);  // the delete of a missing value writes nothing
  EXPECT_EQ(mem.commits(), 1);
  std::string after = MemBackend::Dump(mem.committed());
  auto again = ApplyChanges(mem, Changes());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_FALSE(again->committed);
  EXPECT_EQ(mem.commits(), 1);
  EXPECT_EQ(MemBackend::Dump(mem.committed()), after);
  auto v = mem.GetValue(View::k32, kNet, "SchUseStrongCrypto");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, RegValue::Dword(1));
}

TEST(ChangeSet, RollbackRestoresTypesAbsenceAndCreatedKeys) {
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(mem.SetValue(View::k64, kNet, "Obsolete", RegValue{kRegBinary, {1, 2, 3}}));
  ASSERT_TRUE(
      mem.SetValue(View::k64, kTls12, "Enabled", RegValue{kRegDword, {0xff, 0xff, 0xff, 0xff}}));
  ASSERT_TRUE(mem.Commit());
  std::string before = MemBackend::Dump(mem.committed());
  auto plan = PlanChanges(mem, Changes());
  ASSERT_TRUE(plan);
  auto backup = TakeChangeSetBackup(mem, *plan);
  ASSERT_TRUE(backup);
  auto r = ApplyPlan(mem, *plan);
  ASSERT_TRUE(r);
  ASSERT_NE(MemBackend::Dump(mem.committed()), before);
  // Through JSON, as the rollback command reads it.
  std::string json = ChangeSetBackupToJson(*backup);
  EXPECT_TRUE(IsChangeSetBackup(json));
  auto read = ChangeSetBackupFromJson(json);
  ASSERT_TRUE(read) << read.error().message;
  auto restored = RestoreChangeSetBackup(mem, *read);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_GT(restored->keys_removed, 0);
  EXPECT_EQ(MemBackend::Dump(mem.committed()), before);
}

// Issue 29: a rollback needs what the apply needed, not a reboot for all.
TEST(ChangeSet, RollbackKeepsTheEffectTheApplyRecorded) {
  MemBackend mem(Architecture::k64Bit);
  auto plan = PlanChanges(mem, Changes());
  ASSERT_TRUE(plan);
  auto backup = TakeChangeSetBackup(mem, *plan);
  ASSERT_TRUE(backup);
  ASSERT_TRUE(ApplyPlan(mem, *plan));
  auto read = ChangeSetBackupFromJson(ChangeSetBackupToJson(*backup));
  ASSERT_TRUE(read) << read.error().message;
  auto restore = PlanRestore(mem, read->values);
  ASSERT_TRUE(restore);
  ASSERT_EQ(restore->changes.size(), 5u);
  EXPECT_EQ(restore->changes[0].change.effect, Effect::kServiceRestart);  // SCHANNEL protocol
  EXPECT_EQ(restore->changes[2].change.effect, Effect::kReboot);          // suite order
  EXPECT_EQ(restore->changes[3].change.effect, Effect::kNextProcess);     // .NET
  // A backup without "effect" (written before it was recorded): the key's.
  for (ChangeSetEntry& e : read->values) e.effect.reset();
  auto old = PlanRestore(mem, read->values);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->changes[0].change.effect, Effect::kServiceRestart);
  EXPECT_EQ(old->changes[2].change.effect, Effect::kReboot);
  EXPECT_EQ(old->changes[3].change.effect, Effect::kNextProcess);
  EXPECT_EQ(EffectOfValue("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
                          "Settings\\WinHttp",
                          "DefaultSecureProtocols"),
            Effect::kServiceRestart);
  auto bad = ChangeSetBackupFromJson(
      R"({"format":"secproto-backup","version":2,"kind":"changeset","values":[{"view":"64",
          "key":"HKLM\\SOFTWARE\\X","name":"Y","value_existed":false,"effect":"soon"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad-backup");
}

TEST(ChangeSet, ReadsOnlyItsOwnBackupKind) {
  EXPECT_FALSE(IsChangeSetBackup(R"({"format":"secproto-backup","version":1,"views":{}})"));
  EXPECT_FALSE(IsChangeSetBackup("not json"));
  auto bad = ChangeSetBackupFromJson(
      R"({"format":"secproto-backup","version":2,"kind":"changeset","values":[],
          "created_keys":["HKLM\\SOFTWARE\\Microsoft"]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad-backup");
}

TEST(ChangeSet, TransactionalFailureWritesNothing) {
  auto mem = std::make_unique<MemBackend>(Architecture::k64Bit);
  MemBackend* raw = mem.get();
  std::string before = MemBackend::Dump(raw->committed());
  FaultInjectingBackend fault(std::move(mem), FaultPlan{.fail_write = 3});
  auto r = ApplyChanges(fault, Changes());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nothing was written"), std::string::npos);
  EXPECT_EQ(raw->commits(), 0);
  EXPECT_EQ(MemBackend::Dump(raw->committed()), before);
}

TEST(ChangeSet, LiveFailureRestoresWhatWasWritten) {
  for (int fail = 1; fail <= 5; ++fail) {
    auto mem = std::make_unique<MemBackend>(Architecture::k64Bit, /*transactional=*/false);
    ASSERT_TRUE(mem->SetValue(View::k64, kNet, "Obsolete", RegValue::Dword(7)));
    ASSERT_TRUE(mem->SetValue(View::k64, kTls12, "Enabled", RegValue::Dword(0)));
    MemBackend* raw = mem.get();
    std::string before = MemBackend::Dump(raw->committed());
    FaultInjectingBackend fault(std::move(mem), FaultPlan{.fail_write = fail});
    auto r = ApplyChanges(fault, Changes());
    ASSERT_FALSE(r) << "fail_write=" << fail;
    EXPECT_NE(r.error().message.find("restored"), std::string::npos) << r.error().message;
    EXPECT_EQ(MemBackend::Dump(raw->committed()), before) << "fail_write=" << fail;
  }
}

}  // namespace
}  // namespace secproto
