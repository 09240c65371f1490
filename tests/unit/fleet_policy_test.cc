// The whole-stack policy for fleets: OS-mix compile and merge, the artifacts'
// structure, and the audit of a collected .reg (issue 14).
#include "secproto/fleet_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/strings.h"
#include "secproto/policy.h"

namespace secproto {
namespace {

Policy Modern() {
  auto p = LoadPolicy("modern");
  EXPECT_TRUE(p.has_value());
  return *p;
}

const FleetItem* Find(const FleetPolicy& fp, std::string_view name) {
  for (const FleetItem& i : fp.items) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::string Utf8Of(const std::string& reg_bytes) {
  auto s =
      Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(reg_bytes.data()) + 2, reg_bytes.size() - 2);
  return s.value_or("");
}

TEST(FleetPolicyTest, ComponentsAndPhysicalKeys) {
  EXPECT_EQ(ComponentOf(std::string(kSchannelKey) + "\\Protocols\\TLS 1.2\\Client", "Enabled"),
            AuditComponent::kSchannelClient);
  EXPECT_EQ(ComponentOf(std::string(kSchannelKey) + "\\Protocols\\TLS 1.2\\Server", "Enabled"),
            AuditComponent::kSchannelServer);
  EXPECT_EQ(ComponentOf(kSuitePolicyKey, "Functions"), AuditComponent::kSuites);
  EXPECT_EQ(ComponentOf(kSuitePolicyKey, "EccCurves"), AuditComponent::kCurves);
  EXPECT_EQ(ComponentOf(kWinHttpKey, "DefaultSecureProtocols"), AuditComponent::kWinHttp);
  EXPECT_EQ(
      ComponentOf("HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto"),
      AuditComponent::kDotnet);
  EXPECT_EQ(PhysicalKey(View::k32, kWinHttpKey),
            "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
            "Settings\\WinHttp");
  EXPECT_EQ(PhysicalKey(View::k32, kSuitePolicyKey), std::string(kSuitePolicyKey));
  EXPECT_EQ(PhysicalKey(View::k64, kWinHttpKey), std::string(kWinHttpKey));
}

TEST(FleetPolicyTest, OsMixMergesWhatOneArtifactCanHold) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win10-22h2", "ws2019"}, false);
  ASSERT_TRUE(fp.has_value()) << fp.error().message;
  EXPECT_EQ(fp->os_ids.size(), 2u);
  const FleetItem* suites = Find(*fp, "Functions");
  ASSERT_NE(suites, nullptr);
  EXPECT_EQ(suites->value->type, kRegSz);
  const FleetItem* curves = Find(*fp, "EccCurves");
  ASSERT_NE(curves, nullptr);
  EXPECT_EQ(curves->value->type, kRegMultiSz);
  EXPECT_TRUE(fp->NeedsReboot());
  // Each value once.
  for (size_t a = 0; a < fp->items.size(); ++a) {
    for (size_t b = a + 1; b < fp->items.size(); ++b) {
      EXPECT_FALSE(PhysicalKey(fp->items[a].view, fp->items[a].key) ==
                       PhysicalKey(fp->items[b].view, fp->items[b].key) &&
                   fp->items[a].name == fp->items[b].name);
    }
  }
}

TEST(FleetPolicyTest, SuiteListIsTheUnionAcrossTheMix) {
  auto one = CompileFleetPolicy(Modern(), "modern", {"win7"}, false);
  auto other = CompileFleetPolicy(Modern(), "modern", {"win10-22h2"}, false);
  auto mix = CompileFleetPolicy(Modern(), "modern", {"win7", "win10-22h2"}, false);
  ASSERT_TRUE(one && other && mix) << (mix ? "" : mix.error().message);
  auto count = [](const FleetPolicy& fp) {
    std::string s =
        Utf8Of(std::string("\xFF\xFE") + std::string(Find(fp, "Functions")->value->data.begin(),
                                                     Find(fp, "Functions")->value->data.end()));
    return std::count(s.begin(), s.end(), ',') + 1;
  };
  EXPECT_GE(count(*mix), count(*one));
  EXPECT_GE(count(*mix), count(*other));
}

TEST(FleetPolicyTest, TlsThirteenOnForOneOsAndUnsupportedOnAnotherIsRefused) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win10-22h2", "win11-23h2"}, false);
  ASSERT_FALSE(fp.has_value());
  EXPECT_EQ(fp.error().code, "os-mix-conflict");
  EXPECT_EQ(fp.error().kind, ErrorKind::kInput);
  EXPECT_NE(fp.error().message.find("win10-22h2"), std::string::npos);
  EXPECT_NE(fp.error().message.find("win11-23h2"), std::string::npos);
}

TEST(FleetPolicyTest, NoOsIsAUsageError) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {}, false);
  ASSERT_FALSE(fp.has_value());
  EXPECT_EQ(fp.error().kind, ErrorKind::kUsage);
}

TEST(FleetPolicyTest, UnsetDeletesEveryValue) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win11-23h2"}, true);
  ASSERT_TRUE(fp.has_value());
  for (const FleetItem& i : fp->items) EXPECT_FALSE(i.value.has_value()) << i.name;
  auto reg = EmitFleetPolicy(PolicyExportFormat::kReg, *fp);
  ASSERT_TRUE(reg.has_value());
  std::string text = Utf8Of(reg->files.front().content);
  EXPECT_NE(text.find("\"Functions\"=-"), std::string::npos);
  EXPECT_EQ(text.find("=dword:"), std::string::npos);
}

TEST(FleetPolicyTest, AnsibleNotifiesTheRebootHandlerOnlyFromRebootClassValues) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win11-23h2"}, false);
  ASSERT_TRUE(fp.has_value());
  auto a = EmitFleetPolicy(PolicyExportFormat::kAnsible, *fp);
  ASSERT_TRUE(a.has_value());
  const std::string& y = a->files.front().content;
  size_t notifies = 0;
  for (size_t p = 0; (p = y.find("notify: Reboot for the TLS policy", p)) != std::string::npos;
       ++p) {
    ++notifies;
  }
  size_t reboot_items = std::count_if(fp->items.begin(), fp->items.end(), [](const FleetItem& i) {
    return i.effect == Effect::kReboot;
  });
  EXPECT_GT(reboot_items, 0u);
  EXPECT_LT(reboot_items, fp->items.size());
  EXPECT_EQ(notifies, reboot_items);
}

TEST(FleetPolicyTest, EveryFormatCoversEveryValue) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win11-23h2"}, false);
  ASSERT_TRUE(fp.has_value());
  for (PolicyExportFormat f :
       {PolicyExportFormat::kReg, PolicyExportFormat::kPs1, PolicyExportFormat::kIntune,
        PolicyExportFormat::kGpp, PolicyExportFormat::kAnsible, PolicyExportFormat::kDsc}) {
    auto a = EmitFleetPolicy(f, *fp, PolicyExportOptions{.fixed_ids = true});
    ASSERT_TRUE(a.has_value()) << PolicyExportFormatName(f);
    std::string all;
    for (const ArtifactFile& file : a->files) {
      all += f == PolicyExportFormat::kReg ? Utf8Of(file.content) : file.content;
    }
    for (const FleetItem& i : fp->items) {
      EXPECT_NE(all.find(i.name), std::string::npos) << PolicyExportFormatName(f) << " " << i.name;
    }
  }
}

TEST(FleetPolicyTest, AuditOfTheExportedRegIsCompliantAndOneChangedSuiteIsDrift) {
  auto fp = CompileFleetPolicy(Modern(), "modern", {"win10-22h2"}, false);
  ASSERT_TRUE(fp.has_value());
  auto reg = EmitFleetPolicy(PolicyExportFormat::kReg, *fp);
  ASSERT_TRUE(reg.has_value());
  PolicyAuditor auditor(Modern(), "modern", "win10-22h2");
  ASSERT_TRUE(auditor.Check().has_value());
  PolicyMachineResult ok = auditor.AuditBytes("/x/HOST.reg", reg->files.front().content);
  EXPECT_EQ(ok.base.cls, MachineClass::kCompliant) << ok.base.detail;
  EXPECT_EQ(ok.base.host, "HOST");
  EXPECT_EQ(ok.os_id, "win10-22h2");
  EXPECT_EQ(ok.components[static_cast<int>(AuditComponent::kSuites)], ComponentVerdict::kOk);
  EXPECT_EQ(ok.base.view64, "0x00000800");

  // The suite list with its first suite removed, as a UTF-8 export.
  std::string text = Utf8Of(reg->files.front().content);
  size_t at = text.find("\"Functions\"=\"");
  ASSERT_NE(at, std::string::npos);
  size_t comma = text.find(',', at);
  text.erase(at + 13, comma - (at + 13) + 1);
  PolicyMachineResult drift = auditor.AuditBytes("/x/HOST2.reg", text);
  EXPECT_EQ(drift.base.cls, MachineClass::kDrift);
  ASSERT_EQ(drift.drift.size(), 1u);
  EXPECT_NE(drift.drift[0].find("00010002\\Functions"), std::string::npos);
  EXPECT_EQ(drift.components[static_cast<int>(AuditComponent::kSuites)], ComponentVerdict::kDrift);
  EXPECT_EQ(drift.components[static_cast<int>(AuditComponent::kCurves)], ComponentVerdict::kOk);

  // The OS from the collected CurrentBuild wins over --os.
  std::string with_facts =
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\"
      "Windows NT\\CurrentVersion]\r\n\"CurrentBuild\"=\"17763\"\r\n\"InstallationType\"="
      "\"Server\"\r\n\r\n";
  PolicyMachineResult server = auditor.AuditBytes("/x/SRV.reg", with_facts);
  EXPECT_EQ(server.os_id, "ws2019");
  EXPECT_EQ(server.os_source, "collected");
  EXPECT_EQ(server.base.cls, MachineClass::kDrift);

  // An old WinHTTP-only input is read and judged: the rest of the stack is missing.
  std::string old =
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\"
      "Windows\\CurrentVersion\\Internet Settings\\WinHttp]\r\n\"DefaultSecureProtocols\"="
      "dword:00000800\r\n";
  PolicyMachineResult partial = auditor.AuditBytes("/x/OLD.reg", old);
  EXPECT_EQ(partial.base.cls, MachineClass::kDrift);
  EXPECT_EQ(partial.base.view64, "0x00000800");

  PolicyMachineResult junk = auditor.AuditBytes("/x/J.reg", "hello");
  EXPECT_EQ(junk.base.cls, MachineClass::kInvalid);
}

TEST(FleetPolicyTest, PolicyCaptureJsonIsAudited) {
  PolicyAuditor auditor(Modern(), "modern", "win10-22h2");
  std::string same =
      "{\"policy\": " + PolicyToJson(Modern()) + ", \"notes\": [], \"target\": \"live\"}";
  PolicyMachineResult ok = auditor.AuditBytes("/x/CAP.json", same);
  EXPECT_EQ(ok.base.cls, MachineClass::kCompliant) << ok.base.detail;
  auto old = LoadPolicy("old");
  ASSERT_TRUE(old.has_value());
  std::string other = "{\"policy\": " + PolicyToJson(*old) + "}";
  PolicyMachineResult drift = auditor.AuditBytes("/x/CAP2.json", other);
  EXPECT_EQ(drift.base.cls, MachineClass::kDrift);
  PolicyMachineResult failed =
      auditor.AuditBytes("/x/CAP3.json", "{\"error\": {\"code\": \"x\", \"message\": \"denied\"}}");
  EXPECT_EQ(failed.base.cls, MachineClass::kUnreadable);
}

TEST(FleetPolicyTest, NoCurrentBuildAndNoOsIsUnreadable) {
  PolicyAuditor auditor(Modern(), "modern", "");
  PolicyMachineResult r = auditor.AuditBytes(
      "/x/H.reg",
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n");
  EXPECT_EQ(r.base.cls, MachineClass::kUnreadable);
  EXPECT_NE(r.base.detail.find("--os"), std::string::npos);
}

TEST(FleetPolicyTest, JsonAndCsvKeepTodaysFieldsAndAddComponents) {
  PolicyMachineResult r;
  r.base.host = "h";
  r.base.cls = MachineClass::kCompliant;
  r.os_id = "win10-22h2";
  std::string j = PolicyMachineJson(r);
  EXPECT_NE(j.find("\"host\":\"h\""), std::string::npos);
  EXPECT_NE(j.find("\"class\":\"compliant\""), std::string::npos);
  EXPECT_NE(j.find("\"components\":{\"schannel-client\":\"n/a\""), std::string::npos);
  std::string h = PolicyCsvHeader();
  EXPECT_TRUE(h.starts_with(CsvHeader().substr(0, CsvHeader().size() - 2)));
  EXPECT_NE(
      h.find(",schannel-client,schannel-server,suites,curves,dotnet,winhttp,wininet,other,drift"),
      std::string::npos);
}

}  // namespace
}  // namespace secproto
