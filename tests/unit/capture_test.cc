// policy capture on the in-memory registry: every template applied to every
// OS id is captured back into a policy the target complies with; an untouched
// target gives an all-reset policy; hand-tuned forms (Enabled 0xFFFFFFFF, a
// REG_MULTI_SZ suite order, unknown suite names) are noted, never silently
// taken or dropped.
#include "secproto/capture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "secproto/changeset.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

const std::string kSch = std::string(kSchannelKey);

RegValue Multi(std::initializer_list<std::string_view> items) {
  RegValue v;
  v.type = kRegMultiSz;
  for (std::string_view s : items) {
    for (char c : s) {
      v.data.push_back(static_cast<uint8_t>(c));
      v.data.push_back(0);
    }
    v.data.push_back(0);
    v.data.push_back(0);
  }
  v.data.push_back(0);
  v.data.push_back(0);
  return v;
}

void Apply(RegistryBackend& b, const Policy& p, const std::string& os) {
  auto compiled = CompilePolicy(p, os);
  ASSERT_TRUE(compiled) << compiled.error().message;
  auto plan = PlanChanges(b, compiled->changes);
  ASSERT_TRUE(plan);
  ASSERT_TRUE(ApplyPlan(b, *plan));
}

// What `policy check` says: the values the policy would still change.
int Drift(RegistryBackend& b, const Policy& p, const std::string& os) {
  auto compiled = CompilePolicy(p, os);
  EXPECT_TRUE(compiled) << compiled.error().message;
  if (!compiled) return -1;
  auto plan = PlanChanges(b, compiled->changes);
  EXPECT_TRUE(plan);
  return static_cast<int>(std::count_if(plan->changes.begin(), plan->changes.end(),
                                        [](const PlannedChange& c) { return c.needed(); }));
}

CaptureOptions Opts(std::string os, Manage untouched = Manage::kReset, std::string at = "") {
  CaptureOptions o;
  o.os_id = std::move(os);
  o.untouched = untouched;
  o.captured_at = std::move(at);
  return o;
}

bool HasNote(const CaptureResult& r, std::string_view part) {
  return std::any_of(r.notes.begin(), r.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

Policy RoundTrip(const CaptureResult& r) {
  std::string toml = CaptureToToml(r);
  auto p = ParsePolicy(toml, "toml", "captured.toml");
  EXPECT_TRUE(p) << (p ? "" : p.error().message) << "\n" << toml;
  auto j = ParsePolicy(PolicyToJson(r.policy), "json", "captured.json");
  EXPECT_TRUE(j) << (j ? "" : j.error().message);
  return p ? *p : Policy{};
}

TEST(Capture, EveryTemplateOnEveryOsRoundTripsToACompliantPolicy) {
  for (std::string os :
       {"win7", "win81", "win10-22h2", "ws2016", "ws2019", "win11-24h2", "ws2022", "ws2025"}) {
    for (const std::string& name : TemplateNames()) {
      SCOPED_TRACE(name + " on " + os);
      auto b = NewMemBackend(Architecture::k64Bit);
      auto tmpl = LoadPolicy(name);
      ASSERT_TRUE(tmpl);
      Apply(*b, *tmpl, os);
      auto r = CapturePolicy(*b, Opts(os));
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_TRUE(r->normalised.empty()) << r->normalised.front();
      Policy back = RoundTrip(*r);
      EXPECT_EQ(Drift(*b, back, os), 0);
      // What the template sets is captured as set; the suite order keeps its order.
      EXPECT_EQ(back.protocols.manage,
                tmpl->protocols.manage == Manage::kSet ? Manage::kSet : Manage::kReset);
      if (tmpl->protocols.manage == Manage::kSet) {
        EXPECT_TRUE(back.protocols.client.Contains(Protocol::kTls12));
        EXPECT_EQ(back.protocols.client.Contains(Protocol::kTls13),
                  os == "win11-24h2" || os == "ws2022" || os == "ws2025");
      }
      if (tmpl->suites.manage == Manage::kSet) {
        ASSERT_EQ(back.suites.manage, Manage::kSet);
        auto compiled = CompilePolicy(*tmpl, os);
        ASSERT_TRUE(compiled);
        for (const RegChange& c : compiled->changes) {
          if (c.name == "Functions") {
            std::string joined;
            for (const std::string& s : back.suites.order)
              joined += (joined.empty() ? "" : ",") + s;
            EXPECT_EQ(RegValue::String(joined), *c.value);
          }
        }
      }
      // Applied to a fresh target, the captured policy reproduces this one.
      auto other = NewMemBackend(Architecture::k64Bit);
      Apply(*other, back, os);
      EXPECT_EQ(MemBackend::Dump(static_cast<MemBackend&>(*other).committed()),
                MemBackend::Dump(static_cast<MemBackend&>(*b).committed()));
    }
  }
}

TEST(Capture, AnUntouchedTargetIsAllResetOrAllLeave) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto r = CapturePolicy(*b, Opts("ws2022"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->normalised.empty());
  const Policy& p = r->policy;
  for (Manage m : {p.protocols.manage, p.suites.manage, p.curves.manage, p.legacy.manage,
                   p.key_sizes.manage, p.dotnet.manage, p.fips.manage, p.logging.manage}) {
    EXPECT_EQ(m, Manage::kReset);
  }
  EXPECT_EQ(Drift(*b, RoundTrip(*r), "ws2022"), 0);
  auto leave = CapturePolicy(*b, Opts("ws2022", Manage::kLeave));
  ASSERT_TRUE(leave);
  EXPECT_EQ(leave->policy.suites.manage, Manage::kLeave);
  EXPECT_EQ(leave->policy.protocols.manage, Manage::kLeave);
  EXPECT_EQ(CaptureToToml(*leave).find("[protocols]"), std::string::npos);
}

TEST(Capture, NeedsAnOsWhenTheTargetDoesNotSay) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto r = CapturePolicy(*b, CaptureOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "no-os");
  EXPECT_EQ(ExitCodeFor(r.error().kind), 2);
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                          "CurrentBuild", RegValue::String("20348")));
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                          "InstallationType", RegValue::String("Server")));
  ASSERT_TRUE(b->Commit());
  r = CapturePolicy(*b, CaptureOptions{});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->os_id, "ws2022");
  EXPECT_TRUE(r->os_detected);
}

TEST(Capture, EnabledAllOnesReadsAsOnAndIsListedAsNormalised) {
  auto b = NewMemBackend(Architecture::k64Bit);
  for (const char* p : {"TLS 1.0", "TLS 1.1"}) {
    for (const char* side : {"Client", "Server"}) {
      std::string k = kSch + "\\Protocols\\" + p + "\\" + side;
      ASSERT_TRUE(b->SetValue(View::k64, k, "Enabled", RegValue::Dword(0)));
      ASSERT_TRUE(b->SetValue(View::k64, k, "DisabledByDefault", RegValue::Dword(1)));
    }
  }
  std::string k = kSch + "\\Protocols\\TLS 1.2\\Server";
  ASSERT_TRUE(b->SetValue(View::k64, k, "Enabled", RegValue::Dword(0xFFFFFFFF)));
  ASSERT_TRUE(
      b->SetValue(View::k64, kSch + "\\Hashes\\SHA", "Enabled", RegValue::Dword(0xFFFFFFFF)));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(r) << r.error().message;
  const Policy& p = r->policy;
  ASSERT_EQ(p.protocols.manage, Manage::kSet);
  EXPECT_EQ(p.protocols.server, ProtocolSet(Info(Protocol::kTls12).bit));
  EXPECT_EQ(p.protocols.client, ProtocolSet(Info(Protocol::kTls12).bit));
  EXPECT_FALSE(p.protocols.winhttp);  // not set: left alone
  EXPECT_TRUE(HasNote(*r, "TLS 1.2 Server: Enabled 0xFFFFFFFF read as on"));
  EXPECT_TRUE(HasNote(*r, "Hashes\\SHA: Enabled 0xFFFFFFFF read as on"));
  EXPECT_EQ(p.legacy.hashes.at("SHA"), true);
  bool listed = std::any_of(r->normalised.begin(), r->normalised.end(), [](const std::string& n) {
    return n.find("TLS 1.2\\Server Enabled: REG_DWORD 0xFFFFFFFF -> REG_DWORD 0x00000001") !=
           std::string::npos;
  });
  EXPECT_TRUE(listed);
  Policy back = RoundTrip(*r);
  EXPECT_EQ(Drift(*b, back, "ws2019"), static_cast<int>(r->normalised.size()));
  Apply(*b, back, "ws2019");
  ASSERT_TRUE(b->Commit());
  auto again = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->normalised.empty());
  EXPECT_EQ(Drift(*b, back, "ws2019"), 0);
}

TEST(Capture, AMultiStringSuiteOrderIsReportedNotCaptured) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(b->SetValue(
      View::k64, std::string(kSuitePolicyKey), "Functions",
      Multi({"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->policy.suites.manage, Manage::kLeave);
  EXPECT_TRUE(HasNote(*r, "is REG_MULTI_SZ (2 suites): Windows ignores it"));
  EXPECT_TRUE(r->normalised.empty());
  EXPECT_NE(CaptureToToml(*r).find("REG_MULTI_SZ (2 suites): Windows ignores it"),
            std::string::npos);
}

TEST(Capture, SuiteOrderKeepsItsOrderAndReportsNamesTheCatalogLacks) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(
      b->SetValue(View::k64, std::string(kSuitePolicyKey), "Functions",
                  RegValue::String("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_BOGUS_SUITE,"
                                   "TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
                                   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->policy.suites.manage, Manage::kSet);
  EXPECT_EQ(
      r->policy.suites.order,
      (std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}));
  EXPECT_TRUE(HasNote(*r, "'TLS_BOGUS_SUITE'"));
  EXPECT_TRUE(HasNote(*r, "listed twice"));
  EXPECT_TRUE(HasNote(*r, "TLS_AES_256_GCM_SHA384 is a TLS 1.3 suite"));
  // The stored list differs from what compile writes for ws2019: reported.
  ASSERT_EQ(r->normalised.size(), 1u);
  EXPECT_NE(r->normalised[0].find("Functions"), std::string::npos);
  RoundTrip(*r);
}

TEST(Capture, PartialProtocolKeysUseTheOsDefaults) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(
      b->SetValue(View::k64, kSch + "\\Protocols\\TLS 1.0\\Server", "Enabled", RegValue::Dword(0)));
  ASSERT_TRUE(
      b->SetValue(View::k64, kSch + "\\Protocols\\SSL 2.0\\Server", "Enabled", RegValue::Dword(0)));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(r) << r.error().message;
  const Policy& p = r->policy;
  ASSERT_EQ(p.protocols.manage, Manage::kSet);
  EXPECT_TRUE(p.protocols.client.Contains(Protocol::kTls10));  // the OS default
  EXPECT_FALSE(p.protocols.server.Contains(Protocol::kTls10));
  EXPECT_TRUE(p.protocols.server.Contains(Protocol::kTls12));
  EXPECT_FALSE(p.protocols.server.Contains(Protocol::kTls13));
  EXPECT_FALSE(r->normalised.empty());  // the keys compile writes that are missing
  EXPECT_EQ(Drift(*b, RoundTrip(*r), "ws2019"), static_cast<int>(r->normalised.size()));
}

TEST(Capture, OddValuesAreNotedAndLeftAlone) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(b->SetValue(View::k64, kSch, "EventLogging", RegValue::String("7")));
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\Ciphers\\Triple DES 168/168", "Enabled",
                          RegValue::Dword(0)));
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\KeyExchangeAlgorithms\\Diffie-Hellman",
                          "ServerMinKeyBitLength", RegValue::Dword(256)));
  ASSERT_TRUE(b->SetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
                          "SchUseStrongCrypto", RegValue::Dword(1)));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("win10-22h2"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->policy.logging.manage, Manage::kLeave);
  EXPECT_TRUE(HasNote(*r, "EventLogging is REG_SZ, not REG_DWORD"));
  EXPECT_EQ(r->policy.legacy.manage, Manage::kReset);
  EXPECT_TRUE(HasNote(*r, "Triple DES 168/168 is not a key name the policy knows"));
  EXPECT_EQ(r->policy.key_sizes.manage, Manage::kLeave);
  EXPECT_TRUE(HasNote(*r, "256 bits"));
  ASSERT_EQ(r->policy.dotnet.manage, Manage::kSet);
  EXPECT_TRUE(r->policy.dotnet.strong_crypto);
  EXPECT_TRUE(HasNote(*r, "1 of the 8 values are set"));
  RoundTrip(*r);
}

TEST(Capture, ANameReadFromTheTargetCannotBreakOutOfAComment) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(b->SetValue(View::k64, std::string(kSuitePolicyKey), "Functions",
                          RegValue::String("TLS_X\n[fips]\nenabled = true,"
                                           "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
  ASSERT_TRUE(b->Commit());
  auto r = CapturePolicy(*b, Opts("ws2022"));
  ASSERT_TRUE(r) << r.error().message;
  std::string toml = CaptureToToml(*r);
  EXPECT_NE(toml.find("TLS_X\\x0a[fips]"), std::string::npos) << toml;
  Policy back = RoundTrip(*r);
  EXPECT_EQ(back.fips.manage, Manage::kReset);
  EXPECT_EQ(back.suites.order, std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
}

TEST(Capture, HeaderSaysWhereWhenAndWhat) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto r = CapturePolicy(*b, Opts("ws2025", Manage::kReset, "2026-12-01T04:00:00Z"));
  ASSERT_TRUE(r);
  std::string toml = CaptureToToml(*r);
  EXPECT_EQ(toml.rfind("# Captured by secproto ", 0), 0u);
  EXPECT_NE(toml.find("from mem:"), std::string::npos);
  EXPECT_NE(toml.find("# at 2026-12-01T04:00:00Z, read against ws2025 (given with --os)"),
            std::string::npos);
  EXPECT_NE(toml.find("complies with this policy as it is"), std::string::npos);
}

// --- A partial source (issue 23, trap 3) ------------------------------------------

const std::string kIisBackup =
    std::string(SECPROTO_SOURCE_DIR) + "/tests/fixtures/iiscrypto/ws2019-best-practices-backup.reg";

std::unique_ptr<RegistryBackend> OpenReg(const std::string& path) {
  TargetOptions o;
  o.read_only = true;
  auto b = OpenTarget("reg:" + path, o);
  EXPECT_TRUE(b) << (b ? "" : b.error().message);
  return b ? std::move(*b) : nullptr;
}

// An IIS Crypto backup holds SCHANNEL and the suite order only: .NET, the
// curve order, key sizes, FIPS and logging are left alone, not reset, so
// that applying the capture to a machine keeps what the file cannot show.
TEST(Capture, AnIisCryptoBackupLeavesAloneWhatItDoesNotShow) {
  auto reg = OpenReg(kIisBackup);
  ASSERT_TRUE(reg);
  auto r = CapturePolicy(*reg, Opts("ws2019"));
  ASSERT_TRUE(r) << r.error().message;
  const Policy& p = r->policy;
  EXPECT_EQ(p.protocols.manage, Manage::kSet);
  EXPECT_EQ(p.suites.manage, Manage::kSet);
  EXPECT_EQ(p.legacy.manage, Manage::kSet);
  for (Manage m :
       {p.curves.manage, p.key_sizes.manage, p.dotnet.manage, p.fips.manage, p.logging.manage}) {
    EXPECT_EQ(m, Manage::kLeave);
  }
  EXPECT_FALSE(p.protocols.dotnet);
  for (std::string_view s : {"dotnet", "curves", "key_sizes", "fips", "logging"}) {
    EXPECT_NE(std::find(r->not_in_source.begin(), r->not_in_source.end(), s),
              r->not_in_source.end())
        << s;
  }
  EXPECT_TRUE(HasNote(*r, "not in the file, left alone: "));
  std::string toml = CaptureToToml(*r);
  EXPECT_NE(toml.find("is a partial source; not in the file, left alone: "), std::string::npos)
      << toml;
  EXPECT_EQ(toml.find("\nreset = true"), std::string::npos) << toml;
  Policy back = RoundTrip(*r);
  EXPECT_EQ(back.dotnet.manage, Manage::kLeave);

  // Applied to a ws2019 machine that has `modern`, the .NET values, the
  // curve order and the key sizes stay.
  auto machine = NewMemBackend(Architecture::k64Bit);
  auto modern = LoadPolicy("modern");
  ASSERT_TRUE(modern);
  Apply(*machine, *modern, "ws2019");
  Apply(*machine, back, "ws2019");
  const std::string v4 = "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";
  for (View view : {View::k64, View::k32}) {
    for (const char* name : {"SchUseStrongCrypto", "SystemDefaultTlsVersions"}) {
      auto v = machine->GetValue(view, v4, name);
      ASSERT_TRUE(v);
      ASSERT_TRUE(v->has_value()) << name << " was deleted";
      EXPECT_EQ((*v)->AsDword(), 1u) << name;
    }
  }
  auto curves = machine->GetValue(View::k64, std::string(kSuitePolicyKey), "EccCurves");
  ASSERT_TRUE(curves);
  EXPECT_TRUE(curves->has_value());
  auto dh = machine->GetValue(View::k64, kSch + "\\KeyExchangeAlgorithms\\Diffie-Hellman",
                              "ServerMinKeyBitLength");
  ASSERT_TRUE(dh);
  EXPECT_TRUE(dh->has_value());
}

// --untouched reset still applies to the parts a .reg file shows: a key it
// holds without values is a part at the OS default.
TEST(Capture, APartialSourceResetsThePartsItShows) {
  std::string path =
      (std::filesystem::temp_directory_path() / "secproto-capture-partial-source-test.reg")
          .string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "Windows Registry Editor Version 5.00\r\n\r\n"
        << "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\"
           "SCHANNEL\\Protocols]\r\n\r\n"
        << "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\r\n";
  }
  auto reg = OpenReg(path);
  ASSERT_TRUE(reg);
  auto r = CapturePolicy(*reg, Opts("ws2019"));
  std::filesystem::remove(path);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->policy.protocols.manage, Manage::kReset);
  EXPECT_EQ(r->policy.dotnet.manage, Manage::kReset);
  EXPECT_EQ(r->policy.suites.manage, Manage::kLeave);
  EXPECT_EQ(r->policy.curves.manage, Manage::kLeave);
  EXPECT_EQ(r->policy.legacy.manage, Manage::kLeave);
  EXPECT_EQ(r->not_in_source, (std::vector<std::string>{"cipher_suites", "curves", "legacy",
                                                        "key_sizes", "fips", "logging"}));
}

// A hive or the live registry shows every part: nothing is "not in the source".
TEST(Capture, AFullSourceShowsEveryPart) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto r = CapturePolicy(*b, Opts("ws2019"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->not_in_source.empty());
  EXPECT_FALSE(HasNote(*r, "not in the file"));
  EXPECT_EQ(CaptureToToml(*r).find("partial source"), std::string::npos);
}

}  // namespace
}  // namespace secproto
