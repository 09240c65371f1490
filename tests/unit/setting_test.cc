#include <gtest/gtest.h>

#include "secproto/setting.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

const std::string kKey(kWinHttpKey);
const std::string kName(kValueName);

std::unique_ptr<MemBackend> Mem(Architecture a = Architecture::kUnknown) {
  return std::make_unique<MemBackend>(a);
}

TEST(PhysicalKey, RedirectsOnlySoftwareInView32) {
  EXPECT_EQ(PhysicalKey(View::k64, kKey), kKey);
  EXPECT_EQ(PhysicalKey(View::k32, kKey),
            "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
            "Settings\\WinHttp");
  EXPECT_EQ(PhysicalKey(View::k32, "HKLM\\SOFTWARE\\Policies\\Microsoft"),
            "HKLM\\SOFTWARE\\Policies\\Microsoft");
  EXPECT_EQ(PhysicalKey(View::k32, "HKLM\\SYSTEM\\CurrentControlSet"),
            "HKLM\\SYSTEM\\CurrentControlSet");
  EXPECT_EQ(PhysicalKey(View::k32, "HKLM\\SOFTWARE\\Wow6432Node\\X"), "HKLM\\SOFTWARE\\Wow6432Node\\X");
  EXPECT_EQ(PhysicalKey(View::k32, "HKCU\\Software\\X"), "HKCU\\Software\\X");
}

TEST(RegValue, DwordAndTypes) {
  RegValue v = RegValue::Dword(0x2800);
  EXPECT_EQ(v.HexData(), "00280000");
  EXPECT_EQ(*v.AsDword(), 0x2800u);
  EXPECT_FALSE(RegValue::String("0xA80").AsDword());
  EXPECT_EQ(RegTypeName(kRegSz), "REG_SZ");
  EXPECT_EQ(RegTypeName(kRegQword), "REG_QWORD");
  EXPECT_EQ(RegTypeName(0x1234), "REG_0x1234");
  RegValue short_dword{kRegDword, {1, 2}};
  EXPECT_FALSE(short_dword.AsDword());
}

TEST(Inspect, BlankTargetHasBothViewsAndNoValue) {
  auto m = Mem();
  auto ins = Inspect(*m);
  ASSERT_TRUE(ins);
  EXPECT_EQ(ins->architecture, Architecture::kUnknown);
  ASSERT_EQ(ins->views.size(), 2u);
  EXPECT_FALSE(ins->views[0].key_exists);
  ASSERT_EQ(ins->findings.size(), 1u);
  EXPECT_EQ(ins->findings[0].code, "not-set");
}

TEST(Inspect, ReportsEveryFinding) {
  auto m = Mem();
  ASSERT_TRUE(m->SetValue(View::k64, kKey, kName, RegValue::String("0xA80")));
  auto ins = Inspect(*m);
  ASSERT_TRUE(ins);
  std::vector<std::string> codes;
  for (const Finding& f : ins->findings) codes.push_back(f.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"wrong-type", "one-view"}));

  ASSERT_TRUE(m->SetValue(View::k32, kKey, kName, RegValue::Dword(0)));
  ASSERT_TRUE(m->SetValue(View::k64, kKey, kName, RegValue::Dword(0xC00)));
  ins = Inspect(*m);
  ASSERT_TRUE(ins);
  codes.clear();
  for (const Finding& f : ins->findings) codes.push_back(f.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"invalid-bits", "zero-value", "views-differ"}));
  EXPECT_FALSE(ins->views[0].UsedByWinHttp());
}

TEST(Inspect, ThirtyTwoBitImageHasOneView) {
  auto m = Mem();
  ASSERT_TRUE(m->SetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                          "CurrentBuild", RegValue::String("7601")));
  ASSERT_TRUE(m->Commit());
  auto ins = Inspect(*m);
  ASSERT_TRUE(ins);
  EXPECT_EQ(ins->architecture, Architecture::k32Bit);
  ASSERT_EQ(ins->views.size(), 1u);
  std::string note;
  auto views = ResolveViews(ViewSelection::kBoth, ins->architecture, &note);
  EXPECT_EQ(views, std::vector<View>{View::k64});
  EXPECT_NE(note.find("32-bit"), std::string::npos);
}

TEST(SetSetting, CreatesBothViewsAndIsIdempotent) {
  auto m = Mem();
  auto r = SetSetting(*m, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->changed);
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->views[0].action, "created");
  EXPECT_EQ(m->commits(), 1);
  std::string dump = MemBackend::Dump(m->committed());
  EXPECT_NE(dump.find("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
                      "Settings\\WinHttp\\DefaultSecureProtocols=REG_DWORD:00280000"),
            std::string::npos);
  EXPECT_NE(dump.find("Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
                      "Settings\\WinHttp\\DefaultSecureProtocols=REG_DWORD:00280000"),
            std::string::npos);

  auto again = SetSetting(*m, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_FALSE(again->committed);
  EXPECT_EQ(again->views[0].action, "unchanged");
  EXPECT_EQ(again->views[1].action, "unchanged");
  EXPECT_EQ(m->commits(), 1);  // nothing written the second time
}

TEST(SetSetting, ReplacesWrongTypeAndUpdates) {
  auto m = Mem();
  ASSERT_TRUE(m->SetValue(View::k64, kKey, kName, RegValue::String("0xA80")));
  ASSERT_TRUE(m->SetValue(View::k32, kKey, kName, RegValue::Dword(0xA80)));
  auto r = SetSetting(*m, 0x800, {View::k64, View::k32});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->views[0].action, "replaced-type");
  EXPECT_EQ(r->views[1].action, "updated");
  auto v = m->GetValue(View::k64, kKey, kName);
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, RegValue::Dword(0x800));
}

TEST(SetSetting, RefusesValuesWinHttpIgnores) {
  auto m = Mem();
  for (uint32_t bad : {0u, 0xC00u, 0x1u}) {
    auto r = SetSetting(*m, bad, {View::k64});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kInput);
  }
  EXPECT_EQ(m->commits(), 0);
}

TEST(SetSetting, TransactionalFailureWritesNothing) {
  for (int fail_at = 1; fail_at <= 2; ++fail_at) {
    auto inner = Mem();
    MemBackend* mem = inner.get();
    ASSERT_TRUE(mem->SetValue(View::k64, kKey, kName, RegValue::Dword(0xA80)));
    ASSERT_TRUE(mem->Commit());
    std::string before = MemBackend::Dump(mem->committed());
    FaultInjectingBackend f(std::move(inner), FaultPlan{.fail_write = fail_at});
    auto r = SetSetting(f, 0x2800, {View::k64, View::k32});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("nothing was written"), std::string::npos);
    EXPECT_EQ(MemBackend::Dump(mem->committed()), before);
    EXPECT_EQ(mem->commits(), 1);
  }
}

TEST(SetSetting, FailedCommitLeavesTargetUnchanged) {
  auto inner = Mem();
  MemBackend* mem = inner.get();
  FaultInjectingBackend f(std::move(inner), FaultPlan{.fail_commit = true});
  auto r = SetSetting(f, 0x2800, {View::k64, View::k32});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("left unchanged"), std::string::npos);
  EXPECT_EQ(MemBackend::Dump(mem->committed()), "");
}

TEST(SetSetting, NonTransactionalFailureRestoresFirstView) {
  auto inner = std::make_unique<MemBackend>(Architecture::k64Bit, /*transactional=*/false);
  MemBackend* mem = inner.get();
  ASSERT_TRUE(mem->SetValue(View::k64, kKey, kName, RegValue::String("0xA80")));
  std::string before = MemBackend::Dump(mem->committed());
  FaultInjectingBackend f(std::move(inner), FaultPlan{.fail_write = 2});
  auto r = SetSetting(f, 0x2800, {View::k64, View::k32});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("view 32"), std::string::npos);
  EXPECT_NE(r.error().message.find("restored"), std::string::npos);
  EXPECT_EQ(MemBackend::Dump(mem->committed()), before);
  // The log shows the write, the injected failure, and the restore.
  ASSERT_GE(f.log().size(), 3u);
  EXPECT_EQ(f.log()[0].rfind("set 64", 0), 0u);
  EXPECT_EQ(f.log()[1].rfind("FAIL set 32", 0), 0u);
  EXPECT_EQ(f.log()[2], "set 64 " + kKey + " " + kName + " REG_SZ:" + RegValue::String("0xA80").HexData());
}

TEST(UnsetSetting, RemovesAndIsIdempotent) {
  auto m = Mem();
  ASSERT_TRUE(SetSetting(*m, 0x800, {View::k64, View::k32}));
  auto r = UnsetSetting(*m, {View::k64, View::k32});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(r->views[0].action, "deleted");
  auto again = UnsetSetting(*m, {View::k64, View::k32});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->views[1].action, "absent");
}

TEST(Backup, RollbackRestoresAbsenceTypesAndKeys) {
  auto m = Mem();
  // View 32 holds a REG_SZ; view 64 has nothing at all (not even the keys).
  ASSERT_TRUE(m->SetValue(View::k32, kKey, kName, RegValue::String("0xA80")));
  ASSERT_TRUE(m->Commit());
  std::string original = MemBackend::Dump(m->committed());
  auto backup = TakeBackup(*m, {View::k64, View::k32});
  ASSERT_TRUE(backup);
  EXPECT_FALSE(backup->views[0].key_existed);
  EXPECT_EQ(backup->views[0].missing_keys.front(), "HKLM\\SOFTWARE\\Microsoft");
  EXPECT_EQ(backup->views[0].missing_keys.back(), kKey);

  std::string json = BackupToJson(*backup);
  auto parsed = BackupFromJson(json);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(BackupToJson(*parsed), json);

  ASSERT_TRUE(SetSetting(*m, 0x2800, {View::k64, View::k32}));
  EXPECT_NE(MemBackend::Dump(m->committed()), original);
  auto r = RestoreBackup(*m, *parsed);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(MemBackend::Dump(m->committed()), original);
  // A second rollback has nothing to do.
  auto again = RestoreBackup(*m, *parsed);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
}

TEST(Backup, RejectsMalformedAndForeignBackups) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      R"({"format":"other","version":1})",
      R"({"format":"secproto-backup","version":2,"views":{}})",
      R"({"format":"secproto-backup","version":1,"views":{}})",
      R"({"format":"secproto-backup","version":1,"views":{"99":{}}})",
      R"({"format":"secproto-backup","version":1,"views":{"64":{"key":"HKLM\\SOFTWARE\\Evil","key_existed":true,"value_existed":false}}})",
      R"({"format":"secproto-backup","version":1,"views":{"64":{"key":"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp","key_existed":true,"value_existed":true,"type":4,"data":"zz"}}})",
      R"({"format":"secproto-backup","version":1,"views":{"64":{"key":"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp","key_existed":false,"missing_keys":["HKLM\\SYSTEM"],"value_existed":false}}})",
      R"({"format":"secproto-backup","version":1,"views":{"64":{"key_existed":true}}})",
  };
  for (const char* text : bad) {
    auto r = BackupFromJson(text);
    EXPECT_FALSE(r) << text;
    if (!r) EXPECT_EQ(r.error().code, "bad-backup");
  }
}

TEST(CheckSetting, CompliantAndDrift) {
  auto m = Mem();
  ASSERT_TRUE(SetSetting(*m, 0x2800, {View::k64, View::k32}));
  auto ok = CheckSetting(*m, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->compliant);
  ASSERT_TRUE(m->SetValue(View::k32, kKey, kName, RegValue::String("0x2800")));
  auto drift = CheckSetting(*m, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(drift);
  EXPECT_FALSE(drift->compliant);
  ASSERT_EQ(drift->differences.size(), 1u);
  EXPECT_EQ(drift->differences[0].view, View::k32);
  EXPECT_NE(drift->differences[0].message.find("REG_SZ"), std::string::npos);
  auto other = CheckSetting(*m, 0x800, {View::k64});
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->compliant);
  EXPECT_NE(other->differences[0].message.find("expected 0x00000800"), std::string::npos);
}

TEST(DryRun, ReadsSeeWritesTargetDoesNot) {
  auto inner = Mem();
  MemBackend* mem = inner.get();
  auto dry = NewDryRunBackend(std::move(inner));
  auto r = SetSetting(*dry, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->changed);
  auto v = dry->GetValue(View::k32, kKey, kName);
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, RegValue::Dword(0x2800));
  EXPECT_EQ(MemBackend::Dump(mem->committed()), "");
  EXPECT_EQ(mem->commits(), 0);
  // The library says the target was not written; the CLI no longer patches it.
  EXPECT_TRUE(dry->IsDryRun());
  EXPECT_FALSE(r->committed);
}

TEST(EditBase, NeedsOneValidValueInEveryView) {
  auto mem = Mem(Architecture::k64Bit);
  ASSERT_TRUE(mem->SetValue(View::k64, kKey, kName, RegValue::Dword(0xA80)));
  auto ins = Inspect(*mem);
  ASSERT_TRUE(ins);
  auto missing = EditBase(*ins, {View::k64, View::k32});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "no-base-value");
  EXPECT_NE(missing.error().message.find("view 32 has no DefaultSecureProtocols value"),
            std::string::npos);
  ASSERT_TRUE(mem->SetValue(View::k32, kKey, kName, RegValue::Dword(0x800)));
  ins = Inspect(*mem);
  ASSERT_TRUE(ins);
  auto differ = EditBase(*ins, {View::k64, View::k32});
  ASSERT_FALSE(differ);
  EXPECT_EQ(differ.error().code, "views-differ");
  auto one = EditBase(*ins, {View::k64});
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, 0xA80u);
}

TEST(WriteSetting, BackupBeforeTheWriteAndOnlyWhenSomethingChanges) {
  auto mem = Mem(Architecture::k64Bit);
  std::vector<std::string> events;
  SettingWrite w;
  w.value = 0x2800;
  w.views = {View::k64, View::k32};
  w.save_backup = [&](const Backup& b) -> Status {
    events.push_back("backup " + std::to_string(b.views.size()));
    auto v = mem->GetValue(View::k64, kKey, kName);
    EXPECT_TRUE(v && !*v);  // nothing written yet
    return {};
  };
  auto r = WriteSetting(*mem, w);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->backup_saved);
  EXPECT_TRUE(r->change.changed);
  EXPECT_EQ(events, std::vector<std::string>{"backup 2"});
  auto again = WriteSetting(*mem, w);  // already there: no backup, no write
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->backup_saved);
  EXPECT_FALSE(again->change.changed);
  EXPECT_EQ(events.size(), 1u);
}

TEST(WriteSetting, FailedBackupWritesNothing) {
  auto mem = Mem(Architecture::k64Bit);
  SettingWrite w;
  w.views = {View::k64};
  w.value = 0x800;
  w.save_backup = [](const Backup&) -> Status {
    return Fail(Error::Io("disk full", "backup-failed"));
  };
  auto r = WriteSetting(*mem, w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "backup-failed");
  EXPECT_EQ(MemBackend::Dump(mem->committed()), "");
}

TEST(Targets, UnknownSchemeIsUsageError) {
  auto r = OpenTarget("ftp:/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  EXPECT_NE(r.error().message.find("mem:"), std::string::npos);
  auto drive = OpenTarget("C:\\Windows");
  ASSERT_FALSE(drive);
  EXPECT_EQ(drive.error().kind, ErrorKind::kUsage);
  EXPECT_TRUE(OpenTarget("mem:"));
}

}  // namespace
}  // namespace secproto
