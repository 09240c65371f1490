// The doctor: one test per finding code, the clean machine, and fixes that
// clear their findings.
#include <gtest/gtest.h>

#include <algorithm>

#include "secproto/explain.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

const std::string kInet = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
const std::string kInetPolicy =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";

std::string Client(std::string_view name) {
  return std::string(kSchannelProtocolsKey) + "\\" + std::string(name) + "\\Client";
}
std::string Server(std::string_view name) {
  return std::string(kSchannelProtocolsKey) + "\\" + std::string(name) + "\\Server";
}

// A 64-bit machine with nothing wrong on `os`: the recommended value in both
// views, WinINet agreeing, .NET set.
std::unique_ptr<MemBackend> CleanMachine(const OsInfo& os) {
  auto mem = std::make_unique<MemBackend>(Architecture::k64Bit);
  uint32_t v = RecommendedValue(os);
  for (View view : {View::k64, View::k32}) {
    EXPECT_TRUE(mem->SetValue(view, kWinHttpKey, kValueName, RegValue::Dword(v)));
  }
  EXPECT_TRUE(ApplyWrites(*mem, DotNetWrites(Architecture::k64Bit)));
  return mem;
}

std::vector<DoctorFinding> Diagnose(RegistryBackend& b, const char* os_id) {
  auto in = ReadRegistryInputs(b);
  EXPECT_TRUE(in.has_value());
  return secproto::Diagnose(*FindOs(os_id), *in, "--target mem:");
}

const DoctorFinding* FindCode(const std::vector<DoctorFinding>& f, std::string_view code) {
  for (const DoctorFinding& x : f) {
    if (x.code == code) return &x;
  }
  return nullptr;
}

std::string Codes(const std::vector<DoctorFinding>& f) {
  std::string out;
  for (const DoctorFinding& x : f) out += x.code + "(" + x.severity + ") ";
  return out;
}

TEST(Doctor, CleanMachinesHaveNoFindings) {
  for (const char* id : {"ws2022", "win11-24h2", "win10-22h2", "ws2016", "win81"}) {
    auto mem = CleanMachine(*FindOs(id));
    auto f = Diagnose(*mem, id);
    EXPECT_TRUE(f.empty()) << id << ": " << Codes(f);
  }
}

struct CodeCase {
  const char* code;
  const char* severity;
  const char* os;
  std::function<void(MemBackend&)> setup;
  const char* fix_prefix;  // "" = no fix command
};

class DoctorCodes : public ::testing::TestWithParam<CodeCase> {};

TEST_P(DoctorCodes, FindsItWithEvidenceAndFix) {
  const CodeCase& c = GetParam();
  auto mem = CleanMachine(*FindOs(c.os));
  c.setup(*mem);
  auto f = Diagnose(*mem, c.os);
  const DoctorFinding* x = FindCode(f, c.code);
  ASSERT_NE(x, nullptr) << c.code << " not in " << Codes(f);
  EXPECT_EQ(x->severity, c.severity);
  EXPECT_FALSE(x->message.empty());
  ASSERT_FALSE(x->evidence.empty());
  EXPECT_FALSE(x->evidence[0].key.empty());
  EXPECT_FALSE(x->evidence[0].value.empty());
  EXPECT_TRUE(x->fix.starts_with(c.fix_prefix)) << x->fix;
  if (*c.fix_prefix) EXPECT_TRUE(x->fix.ends_with("--target mem:")) << x->fix;
  // Errors come first.
  for (size_t i = 1; i < f.size(); ++i) {
    EXPECT_FALSE(f[i].severity == "error" && f[i - 1].severity != "error") << Codes(f);
  }
}

void Dsp(MemBackend& m, View v, const RegValue& val) {
  ASSERT_TRUE(m.SetValue(v, kWinHttpKey, kValueName, val));
}

const CodeCase kCodes[] = {
    {"wrong-type", "error", "ws2022",
     [](MemBackend& m) { Dsp(m, View::k64, RegValue::String("0x2800")); },
     "secproto set tls1.2,tls1.3 "},
    {"one-view", "error", "ws2022",
     [](MemBackend& m) { ASSERT_TRUE(m.DeleteValue(View::k32, kWinHttpKey, kValueName)); },
     "secproto set tls1.2,tls1.3 "},
    {"views-differ", "warning", "ws2022",
     [](MemBackend& m) { Dsp(m, View::k32, RegValue::Dword(0x800)); }, "secproto set "},
    {"invalid-bits", "error", "ws2019",
     [](MemBackend& m) { Dsp(m, View::k64, RegValue::Dword(0xC00)); }, "secproto set tls1.2 "},
    {"zero-value", "error", "ws2019", [](MemBackend& m) { Dsp(m, View::k32, RegValue::Dword(0)); },
     "secproto set "},
    {"empty-effective", "error", "win10-22h2",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k64, Client("TLS 1.2"), "Enabled", RegValue::Dword(0)));
     },
     "secproto schannel set tls1.2 --enable --side client "},
    {"ssl-enabled", "error", "ws2012r2",
     [](MemBackend& m) {
       ASSERT_TRUE(m.DeleteValue(View::k64, kWinHttpKey, kValueName));
       ASSERT_TRUE(m.DeleteValue(View::k32, kWinHttpKey, kValueName));
     },
     "secproto set tls1.2 "},
    {"legacy-tls-enabled", "warning", "ws2022",
     [](MemBackend& m) {
       Dsp(m, View::k64, RegValue::Dword(0xA80));
       Dsp(m, View::k32, RegValue::Dword(0xA80));
     },
     "secproto set tls1.2,tls1.3 "},
    {"tls13-unsupported", "warning", "ws2019",
     [](MemBackend& m) { Dsp(m, View::k64, RegValue::Dword(0x2800)); }, "secproto set tls1.2 "},
    // Enabled = 0xFFFFFFFF on a Protocols\ key is the stack doctor's
    // enabled-ffffffff (one finding for every key; docs/MODEL.md).
    {"schannel-wrong-type", "error", "ws2022",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k64, Server("TLS 1.0"), "Enabled", RegValue::String("0")));
     },
     "secproto schannel set tls1.0 --disable --side server "},
    {"tls12-disabled", "error", "ws2022",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k64, Server("TLS 1.2"), "Enabled", RegValue::Dword(0)));
     },
     "secproto schannel set tls1.2 --enable --side server "},
    {"wininet-mismatch", "warning", "ws2022",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k64, kInetPolicy, "SecureProtocols", RegValue::Dword(0xA80)));
     },
     "secproto wininet set tls1.2,tls1.3 --scope policy "},
    {"dotnet-strong-crypto", "warning", "ws2022",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k32, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
                              "SchUseStrongCrypto", RegValue::Dword(0)));
     },
     "secproto dotnet set "},
    {"needs-kb3140245", "warning", "ws2012", [](MemBackend&) {}, ""},
    {"schannel-client-off", "error", "win7",
     [](MemBackend& m) {
       Dsp(m, View::k64, RegValue::Dword(0xA00));
       Dsp(m, View::k32, RegValue::Dword(0xA00));
     },
     "secproto schannel set tls1.1,tls1.2 --enable --side client "},
    {"force-default-secure-protocols", "info", "ws2022",
     [](MemBackend& m) {
       ASSERT_TRUE(m.SetValue(View::k64, kWinHttpKey, "ForceDefaultSecureProtocols",
                              RegValue::Dword(1)));
     },
     ""},
};

INSTANTIATE_TEST_SUITE_P(Codes, DoctorCodes, ::testing::ValuesIn(kCodes),
                         [](const ::testing::TestParamInfo<CodeCase>& i) {
                           std::string n = i.param.code;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(Doctor, SslOnlyThroughOffDefaultIsAWarningUnderTheOtherReading) {
  // Server 2016 default 0xAA0 holds SSL 3.0, which SCHANNEL has "off" by
  // default there: R9 removes it; --disabled-by-default-keeps keeps it, and
  // then it is a warning.
  MemBackend mem(Architecture::k64Bit);
  EXPECT_EQ(FindCode(Diagnose(mem, "ws2016"), "ssl-enabled"), nullptr);
  auto in = ReadRegistryInputs(mem);
  ASSERT_TRUE(in);
  ModelOptions keeps;
  keeps.disabled_by_default_removes = false;
  auto f = secproto::Diagnose(*FindOs("ws2016"), *in, "--target mem:", keeps);
  const DoctorFinding* x = FindCode(f, "ssl-enabled");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->severity, "warning");
  EXPECT_NE(x->message.find("64-bit and 32-bit"), std::string::npos) << x->message;
}

TEST(Doctor, Windows7NeedsSchannelClientKeysWithEvidence) {
  // KB3140245: TLS 1.1/1.2 are off for clients on 7 until SCHANNEL is
  // configured (R9); the printed fixes, run in order, leave no error.
  MemBackend mem(Architecture::k64Bit);
  auto f = Diagnose(mem, "win7");
  const DoctorFinding* x = FindCode(f, "schannel-client-off");
  ASSERT_NE(x, nullptr) << Codes(f);
  EXPECT_EQ(x->severity, "error");
  EXPECT_NE(x->message.find("TLS 1.2"), std::string::npos);
  EXPECT_EQ(x->fix, "secproto schannel set tls1.2 --enable --side client --target mem:");
  ASSERT_FALSE(x->evidence.empty());
  EXPECT_EQ(x->evidence[0].key, Client("TLS 1.2"));
  EXPECT_EQ(x->evidence[0].value, "missing");
  EXPECT_EQ(x->source.rfind("R9 ", 0), 0u);
  ASSERT_TRUE(ApplyWrites(mem, DotNetWrites(Architecture::k64Bit)));
  ASSERT_TRUE(ApplyWrites(mem, SchannelWrites(Protocol::kTls12, true, false, true)));
  for (View v : {View::k64, View::k32}) Dsp(mem, v, RegValue::Dword(0x800));
  f = Diagnose(mem, "win7");
  for (const DoctorFinding& d : f) EXPECT_NE(d.severity, "error") << Codes(f);
}

TEST(Doctor, MissingKb3140245IsAnError) {
  auto mem = CleanMachine(*FindOs("ws2012"));
  ASSERT_TRUE(
      mem->SetValue(View::k64,
                    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based "
                    "Servicing\\Packages\\Package_for_KB976932~31bf3856ad364e35~amd64~~6.2.1.1",
                    "CurrentState", RegValue::Dword(0x70)));
  auto f = Diagnose(*mem, "ws2012");
  const DoctorFinding* x = FindCode(f, "needs-kb3140245");
  ASSERT_NE(x, nullptr) << Codes(f);
  EXPECT_EQ(x->severity, "error");
  EXPECT_TRUE(x->fix.empty());
  ASSERT_TRUE(
      mem->SetValue(View::k64,
                    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based "
                    "Servicing\\Packages\\Package_for_KB3140245~31bf3856ad364e35~amd64~~6.2.1.0",
                    "CurrentState", RegValue::Dword(0x70)));
  EXPECT_EQ(FindCode(Diagnose(*mem, "ws2012"), "needs-kb3140245"), nullptr);
}

TEST(Doctor, UserPolicyWinsOverTheUserValue) {
  auto mem = CleanMachine(*FindOs("ws2022"));
  const std::string user = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
  const std::string user_policy =
      "HKCU\\Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
  ASSERT_TRUE(mem->SetValue(View::k64, user, "SecureProtocols", RegValue::Dword(0xA80)));
  const DoctorFinding* x = nullptr;
  auto f = Diagnose(*mem, "ws2022");
  x = FindCode(f, "wininet-mismatch");
  ASSERT_NE(x, nullptr);
  EXPECT_NE(x->fix.find("--scope user "), std::string::npos) << x->fix;
  // A user policy with the right value hides the user value.
  ASSERT_TRUE(mem->SetValue(View::k64, user_policy, "SecureProtocols", RegValue::Dword(0x2800)));
  f = Diagnose(*mem, "ws2022");
  EXPECT_EQ(FindCode(f, "wininet-mismatch"), nullptr) << Codes(f);
  // A wrong user policy is reported with its own scope.
  ASSERT_TRUE(mem->SetValue(View::k64, user_policy, "SecureProtocols", RegValue::Dword(0xA0)));
  f = Diagnose(*mem, "ws2022");
  x = FindCode(f, "wininet-mismatch");
  ASSERT_NE(x, nullptr);
  EXPECT_NE(x->fix.find("--scope user-policy "), std::string::npos) << x->fix;
  ASSERT_TRUE(
      ApplyWrites(*mem, WinInetWrites(0x2800, WinInetScope::kUserPolicy, Architecture::k64Bit)));
  EXPECT_EQ(FindCode(Diagnose(*mem, "ws2022"), "wininet-mismatch"), nullptr);
}

TEST(Doctor, FixesClearTheirFindings) {
  auto mem = CleanMachine(*FindOs("ws2022"));
  ASSERT_TRUE(mem->SetValue(View::k64, Client("TLS 1.2"), "Enabled", RegValue::Dword(0)));
  ASSERT_TRUE(mem->SetValue(View::k64, kInet, "SecureProtocols", RegValue::Dword(0xA0)));
  ASSERT_TRUE(mem->DeleteValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
                               "SchUseStrongCrypto"));
  auto before = Diagnose(*mem, "ws2022");
  EXPECT_NE(FindCode(before, "tls12-disabled"), nullptr);
  EXPECT_NE(FindCode(before, "wininet-mismatch"), nullptr);
  EXPECT_NE(FindCode(before, "dotnet-strong-crypto"), nullptr);
  ASSERT_TRUE(ApplyWrites(*mem, SchannelWrites(Protocol::kTls12, true, false, true)));
  ASSERT_TRUE(ApplyWrites(*mem, WinInetWrites(0x2800, WinInetScope::kMachine, Architecture::k64Bit)));
  auto changed = ApplyWrites(*mem, DotNetWrites(Architecture::k64Bit));
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, 1);  // only the one missing value
  auto after = Diagnose(*mem, "ws2022");
  EXPECT_TRUE(after.empty()) << Codes(after);
}

TEST(Doctor, NoSystemRootSkipsSchannel) {
  RegistryInputs in = WhatIfInputs(RegValue::Dword(0x2800));
  auto f = secproto::Diagnose(*FindOs("ws2022"), in, "--target x");
  EXPECT_EQ(FindCode(f, "schannel-wrong-type"), nullptr);
  EXPECT_TRUE(f.empty()) << Codes(f);
}

}  // namespace
}  // namespace secproto
