// The explain model, table-driven: OS x registry state x SCHANNEL x app mask,
// with the expected set per bitness worked out by hand from the rules of
// docs/MODEL.md (R3 to R10), each row naming the rule and its source.
//
// Reminders used in the reasoning column:
//   R4 built-in default (KB3140245, Option Flags): 2008/7/2008R2/8/2012 0xA0;
//   8.1/2012R2/10/2016/2019 0xAA0; 11/2022/2025 0x2800. R3 registry value
//   (winhttp.dll): ignored when missing, not a 4-byte REG_DWORD, 0, or with a
//   bit outside 0x2AA8. R6 app mask (Option Flags): rejected when 0 or with a
//   bit the OS does not know (0x2000 before 11/2022). R7 OS support
//   ("Protocols in TLS/SSL (Schannel SSP)"): TLS 1.3 removed before 11/2022,
//   SSL 2.0 removed from 10 1607/2016 on. R8 (KB3140245): Client Enabled=0
//   removes. R9 (KB3140245, Easy Fix 51044): a protocol off for clients by the
//   R10 default (SSL2 on 7-10 1511, SSL3 from 1607, TLS1.1/1.2 on 7/2008 R2)
//   or by DisabledByDefault=1 is removed too, on every OS, unless
//   --disabled-by-default-keeps (the `keeps` column).
#include <gtest/gtest.h>

#include <sstream>

#include "secproto/explain.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

constexpr uint32_t kNoProcess = 0xFFFFFFFF;  // a 32-bit OS has no 32-bit view

// "missing", "0x800", "sz:0xA80", "qword", "bin".
std::optional<RegValue> ParseReg(std::string_view s) {
  if (s == "missing") return std::nullopt;
  if (s.starts_with("sz:")) return RegValue::String(s.substr(3));
  if (s == "qword") return RegValue{kRegQword, {0, 8, 0, 0, 0, 0, 0, 0}};
  if (s == "bin") return RegValue{kRegBinary, {0, 8, 0, 0}};
  return RegValue::Dword(*ParseNumber(s));
}

struct Scenario {
  const char* os;
  const char* reg64;
  const char* reg32;
  const char* schannel;  // "tls1.2:e=0 tls1.0:d=1 tls1.0:e=sz tls1.2:se=0" (se/sd: server side)
  std::optional<uint32_t> app;
  uint32_t want64;
  uint32_t want32;
  const char* why;
  bool arch32 = false;
  bool dbd_keeps = false;  // --disabled-by-default-keeps
  uint32_t builtin = 0;  // --builtin-default, 0 = catalog
};

// Applies the SCHANNEL spec to a registry.
void ApplySchannel(MemBackend& mem, std::string_view spec) {
  std::istringstream in{std::string(spec)};
  std::string item;
  while (in >> item) {
    size_t colon = item.find(':'), eq = item.find('=');
    Protocol p = *ParseProtocolName(item.substr(0, colon));
    std::string field = item.substr(colon + 1, eq - colon - 1);
    std::string value = item.substr(eq + 1);
    bool server = field[0] == 's';
    std::string name = field.back() == 'e' ? "Enabled" : "DisabledByDefault";
    std::string key = std::string(kSchannelProtocolsKey) + "\\" + std::string(Info(p).name) +
                      (server ? "\\Server" : "\\Client");
    RegValue v = value == "sz" ? RegValue::String("0") : RegValue::Dword(*ParseNumber(value));
    ASSERT_TRUE(mem.SetValue(View::k64, key, name, v));
  }
}

// The machine for a scenario, read back through ReadRegistryInputs.
RegistryInputs Machine(const Scenario& s) {
  MemBackend mem(s.arch32 ? Architecture::k32Bit : Architecture::k64Bit);
  if (auto v = ParseReg(s.reg64)) {
    EXPECT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, *v));
  }
  if (auto v = ParseReg(s.reg32)) {
    EXPECT_TRUE(mem.SetValue(View::k32, kWinHttpKey, kValueName, *v));
  }
  ApplySchannel(mem, s.schannel);
  auto in = ReadRegistryInputs(mem);
  EXPECT_TRUE(in.has_value());
  return *in;
}

// clang-format off
const Scenario kScenarios[] = {
  // --- Server 2008 SP2 / 7 / 2008 R2 / 8 / 2012: default 0xA0 (R4) ------------------
  {"ws2008", "missing", "missing", "", {}, 0xA0, 0xA0,
   "2008 SP2 row [unsure]: built-in 0xA0 (R4, KB4019276), SSL3+TLS1.0 on (R10)"},
  {"ws2008", "0x800", "0x800", "", {}, 0, 0,
   "TLS 1.2 off for clients by default on 2008 SP2 as on 7: removed (R9)"},
  {"win7", "missing", "missing", "", {}, 0xA0, 0xA0,
   "no value: built-in 0xA0 (SSL3+TLS1.0, R4 KB3140245); both on in SCHANNEL 7 (R10)"},
  {"win7", "0xA00", "0xA00", "", {}, 0, 0,
   "0xA00 used, but TLS1.1/1.2 are off for clients on 7 and SCHANNEL is not configured: "
   "nothing left (R9, KB3140245: 'not enabled by default in Windows 7')"},
  {"win7", "0xA00", "0xA00", "", {}, 0xA00, 0xA00,
   "the other reading (--disabled-by-default-keeps): 'off' defaults stay -> 0xA00", false, true},
  {"win7", "0xA00", "0xA00", "tls1.1:e=1 tls1.1:d=0 tls1.2:e=1 tls1.2:d=0", {}, 0xA00, 0xA00,
   "Easy Fix 51044: value 0xA00 plus the SCHANNEL client keys -> 0xA00 (R9, R16)"},
  {"win7", "0xA00", "missing", "", {}, 0, 0xA0,
   "one view: 64-bit 0xA00 loses TLS1.1/1.2 to SCHANNEL (R9); 32-bit falls back to 0xA0 (R4)"},
  {"ws2008r2", "0x800", "0x800", "", {}, 0, 0,
   "0x800 in both views, TLS 1.2 off for clients on 2008 R2: empty (R9, KB3140245)"},
  {"ws2008r2", "0x800", "0x800", "tls1.2:e=1", {}, 0x800, 0x800,
   "Enabled=1 without DisabledByDefault overrides the 'off' default (R9, R11)"},
  {"ws2008r2", "0x2800", "0x2800", "tls1.2:e=1 tls1.2:d=0", {}, 0x800, 0x800,
   "0x2800 valid in registry (R3), TLS 1.3 removed by OS support (R7), TLS 1.2 enabled"},
  {"win8", "sz:0xA80", "sz:0xA80", "", {}, 0xA0, 0xA0,
   "REG_SZ ignored silently: built-in 0xA0 (R3)"},
  {"ws2012", "0", "0", "", {}, 0xA0, 0xA0, "zero ignored: built-in 0xA0 (R3)"},
  {"ws2012", "0xA80", "0xA80", "tls1.0:e=0", {}, 0xA00, 0xA00,
   "0xA80 used, SCHANNEL TLS 1.0 Enabled=0 removes TLS 1.0 (R8)"},
  {"win7", "missing", "missing", "", 0xA00u, 0, 0,
   "app mask 0xA00 accepted and wins (R6), but TLS1.1/1.2 are off for clients on 7 (R9)"},
  {"win7", "missing", "missing", "", 0x2800u, 0xA0, 0xA0,
   "app mask has 0x2000, unknown before 11/2022: SetOption fails, default stays (R6)"},
  {"win8", "0x2AA8", "0x2AA8", "", {}, 0xAA0, 0xAA0,
   "all bits valid in registry (R3); TLS1.3 removed (R7); SSL2 off for clients on 8 (R9, R10)"},
  {"win7", "0xA00", "missing", "", {}, 0, kNoProcess,
   "32-bit Windows 7: only the native view, 0xA00 minus the 'off' TLS1.1/1.2 (R1, R9)", true},
  // --- 8.1 / 2012 R2: default 0xAA0 (R4) --------------------------------------------
  {"win81", "missing", "missing", "", {}, 0xAA0, 0xAA0, "built-in 0xAA0 (R4); SSL3 on for 8.1 (R10)"},
  {"win81", "0xA8", "0xA8", "", {}, 0xA0, 0xA0,
   "0xA8 (FLAG_ALL trap) valid (R3); SSL2 off for clients on 8.1: removed (R9, R10)"},
  {"win81", "0xA8", "0xA8", "", {}, 0xA8, 0xA8,
   "--disabled-by-default-keeps: SSL2's 'off' default stays", false, true},
  {"ws2012r2", "0x3000", "0x3000", "", {}, 0xAA0, 0xAA0,
   "0x1000 unknown bit: whole value ignored, built-in 0xAA0 (R3)"},
  {"ws2012r2", "0x800", "sz:2048", "", {}, 0x800, 0xAA0,
   "64 valid; 32 is REG_SZ: ignored, built-in (R3)"},
  {"win81", "0x800", "0x800", "tls1.2:e=1 tls1.2:d=0", {}, 0x800, 0x800,
   "explicitly enabled TLS 1.2 changes nothing (R11)"},
  // --- Windows 10 / 2016 / 2019: default 0xAA0 (R4) ---------------------------------
  {"win10-1507", "0xAA8", "0xAA8", "", {}, 0xAA0, 0xAA0,
   "SSL2 still in SCHANNEL on 1507 (R7) but off for clients: removed (R9, R10)"},
  {"win10-1511", "missing", "missing", "ssl3.0:e=0", {}, 0xA80, 0xA80,
   "built-in 0xAA0 minus SSL3 (Enabled=0, R8)"},
  {"win10-1607", "0xAA8", "0xAA8", "", {}, 0xA80, 0xA80,
   "SSL2 removed from 1607 on (R7); SSL3 off for clients from 1607 (R9, R10)"},
  {"win10-1607", "missing", "missing", "", 0xAA8u, 0xA80, 0xA80,
   "app mask 0xAA8 accepted (R6), SSL2 removed by OS (R7), SSL3 by its 'off' default (R9)"},
  {"win10-1607", "0xA00", "0xA00", "tls1.1:e=0 tls1.2:se=0", {}, 0x800, 0x800,
   "TLS1.1 client disabled removes it (R8); server-side key does not affect clients"},
  {"ws2016", "missing", "missing", "", {}, 0xA80, 0xA80,
   "built-in 0xAA0 (R4) minus SSL3, off for clients on 2016 (R9, R10): stock 2016 offers no SSL"},
  {"ws2016", "missing", "missing", "", {}, 0xAA0, 0xAA0,
   "--disabled-by-default-keeps: SSL3 stays in the built-in 0xAA0", false, true},
  {"ws2016", "0xA00", "0xA00", "", 0x2800u, 0xA00, 0xA00,
   "app 0x2800 rejected on 2016 (0x2000 unknown, R6): registry 0xA00 stays"},
  {"ws2016", "0xA00", "0xA00", "", 0x800u, 0x800, 0x800, "app 0x800 wins over registry (R6)"},
  {"ws2016", "missing", "0xA00", "", 0x800u, 0x800, 0x800,
   "app mask wins in both views whatever the registry (R6)"},
  {"win10-1703", "0x800", "0x800", "tls1.2:e=0", {}, 0, 0,
   "only TLS 1.2 asked and SCHANNEL disables it: empty, every call fails (R8, R12)"},
  {"win10-1709", "0x800", "missing", "", {}, 0x800, 0xA80,
   "Wow6432Node missing: 32-bit processes keep 0xAA0 (R1, R4) minus SSL3 (R9)"},
  {"win10-1803", "0x800", "0xA80", "", {}, 0x800, 0xA80, "views differ: each its own (R1)"},
  {"win10-1809", "0xC00", "0xC00", "", {}, 0xA80, 0xA80,
   "3072 is .NET's Tls12 number: 0x400 unknown, ignored (R3); built-in minus SSL3 (R9)"},
  {"ws2019", "0x2800", "0x2800", "", {}, 0x800, 0x800, "TLS 1.3 removed before 2022 (R7)"},
  {"ws2019", "missing", "missing", "", 0u, 0xA80, 0xA80,
   "app mask 0: SetOption fails (R6), built-in 0xAA0 minus SSL3 (R9)"},
  {"ws2019", "0x2A00", "0x2A00", "", {}, 0xA00, 0xA00, "TLS 1.3 removed, TLS1.1+1.2 stay (R7)"},
  {"win10-1903", "missing", "missing", "tls1.0:e=0 tls1.1:e=0 ssl3.0:e=0", {}, 0x800, 0x800,
   "built-in 0xAA0 minus SSL3, TLS1.0, TLS1.1 by SCHANNEL (R8)"},
  {"win10-1909", "0xA80", "0xA80", "tls1.2:d=1", {}, 0x280, 0x280,
   "DisabledByDefault=1 on TLS 1.2 client removes it from WinHTTP (R9)"},
  {"win10-1909", "0xA80", "0xA80", "tls1.2:d=1", {}, 0xA80, 0xA80,
   "with --disabled-by-default-keeps TLS 1.2 stays", false, true},
  {"win10-2004", "0xA80", "0xA80", "tls1.0:e=0xFFFFFFFF", {}, 0xA80, 0xA80,
   "Enabled=0xFFFFFFFF is non-zero: enabled (R11)"},
  {"win10-20h2", "0xA80", "0xA80", "tls1.0:e=sz", {}, 0xA80, 0xA80,
   "Enabled as REG_SZ ignored: SCHANNEL default on for TLS 1.0 (R10, R11)"},
  {"win10-21h1", "qword", "qword", "", {}, 0xA80, 0xA80,
   "REG_QWORD ignored (R3): built-in 0xAA0 minus SSL3 (R9)"},
  {"win10-21h2", "0x800", "0x800", "", 0x2AA8u, 0x800, 0x800,
   "app 0x2AA8 has 0x2000 on 10 21H2: documented outcome rejected, registry 0x800 stays; "
   "1903+ may accept it (R6 [unsure], alternative reported)"},
  {"win10-22h2", "0x800", "0x800", "", 0xA80u, 0xA80, 0xA80, "app 0xA80 wins over registry (R6)"},
  {"win10-22h2", "missing", "missing", "", {}, 0xA00, 0xA00,
   "--builtin-default 0xA00 replaces the catalog default (R4)", false, false, 0xA00},
  {"win10-22h2", "missing", "missing", "tls1.2:e=0", {}, 0, 0,
   "--builtin-default 0x800 and TLS 1.2 disabled: empty (R8, R12)", false, false, 0x800},
  {"win10-22h2", "0x800", "missing", "", {}, 0x800, kNoProcess,
   "32-bit Windows 10: only the native view (R1)", true},
  {"win10-22h2", "missing", "missing", "", {}, 0xA80, kNoProcess,
   "32-bit Windows 10, nothing set: built-in 0xAA0 minus SSL3 (R4, R9)", true},
  {"win10-22h2", "0", "0", "ssl3.0:e=0", {}, 0xA80, 0xA80,
   "zero ignored: built-in 0xAA0 minus SSL3 (R3, R8)"},
  // --- Windows 11 / 2022 / 2025: default 0x2800 (R4) --------------------------------
  {"ws2022", "missing", "missing", "", {}, 0x2800, 0x2800, "built-in 0x2800 (R4 [code]+[infer])"},
  {"ws2022", "0xA80", "0xA80", "", {}, 0xA80, 0xA80, "registry 0xA80 replaces the default (R3)"},
  {"ws2022", "0x2000", "0x2000", "", {}, 0x2000, 0x2000, "TLS 1.3 only: valid, supported (R7)"},
  {"ws2022", "0x2800", "0x2800", "tls1.3:e=0", {}, 0x800, 0x800,
   "SCHANNEL disables TLS 1.3 (R8)"},
  {"ws2022", "0xFFFFFFFF", "0xFFFFFFFF", "", {}, 0x2800, 0x2800,
   "all bits set: unknown bits, ignored (R3)"},
  {"win11-21h2", "missing", "missing", "", 0x2000u, 0x2000, 0x2000,
   "app 0x2000 known on 11: used (R6)"},
  {"win11-21h2", "0xA80", "0xA80", "", {}, 0xA80, 0xA80, "registry wins over built-in (R3)"},
  {"win11-22h2", "0x2800", "0x2800", "", 0x3000u, 0x2800, 0x2800,
   "app 0x3000 has unknown 0x1000: rejected (R6)"},
  {"win11-22h2", "0x800", "0x800", "", 0u, 0x800, 0x800, "app 0 rejected: registry stays (R6)"},
  {"win11-23h2", "0x2AA8", "0x2AA8", "", {}, 0x2A80, 0x2A80,
   "SSL2 removed (R7), SSL3 off for clients on 11 (R9, R10), rest kept"},
  {"win11-23h2", "0xAA0", "0xAA0", "ssl3.0:d=1", {}, 0xA80, 0xA80,
   "SSL3 DisabledByDefault=1 (and 'off' default): removed (R9)"},
  {"win11-23h2", "0xAA0", "0xAA0", "ssl3.0:d=1", {}, 0xAA0, 0xAA0,
   "with --disabled-by-default-keeps SSL3 stays", false, true},
  {"win11-24h2", "0x800", "0x800", "tls1.2:e=0", {}, 0, 0, "empty: every call fails (R8, R12)"},
  {"win11-24h2", "0x800", "0", "", {}, 0x800, 0x2800, "32 view 0: ignored, built-in 0x2800 (R3)"},
  {"win11-24h2", "0x2800", "bin", "", {}, 0x2800, 0x2800,
   "32 view REG_BINARY ignored: built-in happens to equal 0x2800 (R3, R4)"},
  {"ws2025", "0xA0", "0xA0", "", {}, 0x80, 0x80,
   "SSL3 'off' by default on 2025 is removed: TLS 1.0 only (R9, R10)"},
  {"ws2025", "0xA0", "0xA0", "", {}, 0xA0, 0xA0,
   "--disabled-by-default-keeps: SSL3+TLS1.0 offered", false, true},
  {"ws2025", "missing", "missing", "tls1.2:e=0 tls1.3:e=0", {}, 0, 0,
   "built-in 0x2800, both disabled in SCHANNEL (R8)"},
  {"ws2025", "missing", "missing", "tls1.2:sd=1 tls1.2:se=0", {}, 0x2800, 0x2800,
   "only the Server side is touched: clients unaffected (R9 is about Client keys)"},
};
// clang-format on

void PrintTo(const Scenario& s, std::ostream* out) { *out << s.os << ": " << s.why; }

class ExplainTable : public ::testing::TestWithParam<Scenario> {};

TEST_P(ExplainTable, EffectiveSetPerBitness) {
  const Scenario& s = GetParam();
  SCOPED_TRACE(std::string(s.os) + " 64=" + s.reg64 + " 32=" + s.reg32 + " schannel=[" +
               s.schannel + "]: " + s.why);
  auto os = FindOs(s.os);
  ASSERT_TRUE(os.has_value());
  if (s.builtin) {
    os->builtin_default = s.builtin;
    os->builtin_default_overridden = true;
  }
  RegistryInputs in = Machine(s);
  ModelOptions opt;
  opt.disabled_by_default_removes = !s.dbd_keeps;
  std::vector<View> views = ProcessViews(in.architecture);
  ASSERT_EQ(views.size(), s.want32 == kNoProcess ? 1u : 2u);
  Explanation e64 = ExplainProcess(*os, in, s.app, View::k64, opt);
  EXPECT_EQ(ProtocolSet(e64.effective_value).Hex(), ProtocolSet(s.want64).Hex());
  if (s.want32 != kNoProcess) {
    Explanation e32 = ExplainProcess(*os, in, s.app, View::k32, opt);
    EXPECT_EQ(ProtocolSet(e32.effective_value).Hex(), ProtocolSet(s.want32).Hex());
  }
  EXPECT_EQ(e64.steps.size(), 5u);
  EXPECT_EQ(e64.verdict == "fails", s.want64 == 0);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ExplainTable, ::testing::ValuesIn(kScenarios));

TEST(ExplainTableSize, AtLeastSixtyScenarios) {
  EXPECT_GE(std::size(kScenarios), 60u);
}

// --- Step outcomes --------------------------------------------------------------

Explanation WhatIf(const char* os, std::optional<RegValue> v, std::optional<uint32_t> app = {}) {
  return ExplainProcess(*FindOs(os), WhatIfInputs(std::move(v)), app, View::k64);
}

TEST(ExplainSteps, RegistryOutcomes) {
  EXPECT_EQ(WhatIf("win10-22h2", std::nullopt).steps[1].outcome, "missing");
  EXPECT_EQ(WhatIf("win10-22h2", RegValue::String("0xA80")).steps[1].outcome, "wrong-type");
  EXPECT_EQ(WhatIf("win10-22h2", RegValue::Dword(0)).steps[1].outcome, "zero");
  EXPECT_EQ(WhatIf("win10-22h2", RegValue::Dword(0xC00)).steps[1].outcome, "unknown-bits");
  Explanation e = WhatIf("win10-22h2", RegValue::Dword(0x800));
  EXPECT_EQ(e.steps[1].outcome, "used");
  EXPECT_EQ(e.steps[0].outcome, "replaced");
  EXPECT_EQ(e.source, "registry");
  EXPECT_NE(WhatIf("win10-22h2", RegValue::Dword(0xC00)).steps[1].detail.find(".NET"),
            std::string::npos);
}

TEST(ExplainSteps, AppOutcomes) {
  Explanation e = WhatIf("ws2019", RegValue::Dword(0x800), 0x2800);
  EXPECT_EQ(e.steps[2].outcome, "rejected");
  EXPECT_NE(e.steps[2].detail.find("TLS 1.3"), std::string::npos);
  EXPECT_EQ(e.source, "registry");
  e = WhatIf("ws2022", RegValue::Dword(0x800), 0x2800);
  EXPECT_EQ(e.steps[2].outcome, "used");
  EXPECT_EQ(e.source, "app");
  EXPECT_EQ(WhatIf("ws2022", std::nullopt).steps[2].outcome, "none");
  EXPECT_EQ(WhatIf("ws2022", std::nullopt, 0).steps[2].outcome, "rejected");
}

TEST(ExplainSteps, OsSupportAndMaxVersion) {
  Explanation e = WhatIf("ws2019", RegValue::Dword(0x2808));
  EXPECT_EQ(e.steps[3].outcome, "removed");
  EXPECT_EQ(e.effective_value, 0x800u);
  ASSERT_TRUE(e.max_version.has_value());
  EXPECT_EQ(*e.max_version, Protocol::kTls12);
  e = WhatIf("ws2022", std::nullopt);
  EXPECT_EQ(e.steps[3].outcome, "unchanged");
  EXPECT_EQ(*e.max_version, Protocol::kTls13);
}

TEST(ExplainSteps, Verdicts) {
  EXPECT_EQ(WhatIf("ws2022", std::nullopt).verdict, "good");
  EXPECT_EQ(WhatIf("ws2022", RegValue::Dword(0x2000)).verdict, "no-tls12");
  EXPECT_EQ(WhatIf("ws2022", RegValue::Dword(0xA80)).verdict, "legacy");
  // Stock 2016: 0xAA0 minus SSL 3.0, off for clients (R9).
  EXPECT_EQ(WhatIf("ws2016", std::nullopt).verdict, "legacy");
  EXPECT_EQ(WhatIf("win81", std::nullopt).verdict, "insecure");
  EXPECT_EQ(WhatIf("ws2019", RegValue::Dword(0x2000)).verdict, "fails");
  EXPECT_FALSE(WhatIf("ws2019", RegValue::Dword(0x2000)).max_version.has_value());
}

TEST(ExplainSteps, SchannelNotesAndWarnings) {
  MemBackend mem(Architecture::k64Bit);
  std::string key = std::string(kSchannelProtocolsKey) + "\\TLS 1.2\\Client";
  ASSERT_TRUE(mem.SetValue(View::k64, key, "DisabledByDefault", RegValue::Dword(1)));
  ASSERT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, RegValue::Dword(0x800)));
  ASSERT_TRUE(mem.SetValue(View::k64, kWinHttpKey, "ForceDefaultSecureProtocols",
                           RegValue::Dword(1)));
  auto in = ReadRegistryInputs(mem);
  ASSERT_TRUE(in);
  Explanation e = ExplainProcess(*FindOs("win7"), *in, std::nullopt, View::k64);
  // R9: DisabledByDefault=1 removes TLS 1.2, and says where.
  EXPECT_NE(e.steps[4].detail.find("DisabledByDefault = 1"), std::string::npos)
      << e.steps[4].detail;
  EXPECT_EQ(e.effective_value, 0u);
  EXPECT_EQ(e.steps[4].source.rfind("R9 ", 0), 0u);
  // The other reading keeps it and notes why.
  ModelOptions keeps;
  keeps.disabled_by_default_removes = false;
  Explanation k = ExplainProcess(*FindOs("win7"), *in, std::nullopt, View::k64, keeps);
  bool dbd_note = false;
  for (const std::string& n : k.steps[4].notes) dbd_note |= n.find("DisabledByDefault") != n.npos;
  EXPECT_TRUE(dbd_note);
  EXPECT_EQ(k.effective_value, 0x800u);
  bool kb = false, force = false;
  for (const std::string& w : e.warnings) {
    kb |= w.find("KB3140245") != w.npos;
    force |= w.find("ForceDefaultSecureProtocols") != w.npos;
  }
  EXPECT_TRUE(kb);
  EXPECT_TRUE(force);
  // An unsure catalog row says so; a documented one does not.
  bool unsure = false;
  for (const std::string& w : WhatIf("win10-21h2", std::nullopt).warnings) {
    unsure |= w.find("[unsure]") != w.npos && w.find("KB5017811") != w.npos;
  }
  EXPECT_TRUE(unsure);
  EXPECT_TRUE(WhatIf("win11-23h2", std::nullopt).warnings.empty());
  EXPECT_TRUE(WhatIf("ws2016", std::nullopt).warnings.empty());
  // Issue 26 item 6: 22H2 is unsure now ("Option Flags" against "TLS 1.0 and
  // TLS 1.1 deprecation in Windows"), and its warning says so.
  bool deprecation = false;
  for (const std::string& w : WhatIf("win10-22h2", std::nullopt).warnings) {
    deprecation |= w.find("[unsure]") != w.npos &&
                   w.find("TLS 1.0 and TLS 1.1 deprecation in Windows") != w.npos;
  }
  EXPECT_TRUE(deprecation);
}

TEST(ExplainSteps, EveryStepCitesARule) {
  for (const char* os : {"win7", "ws2019", "ws2022"}) {
    for (const ExplainStep& s : WhatIf(os, RegValue::Dword(0xA00), 0x800u).steps) {
      EXPECT_EQ(s.source.rfind("R", 0), 0u) << os << " " << s.name;
      EXPECT_EQ(s.detail.find("FACTS"), std::string::npos) << s.detail;
    }
  }
}

TEST(ExplainSteps, AppMaskWithTls13OnWindows10ShowsBothOutcomes) {
  // R6 [unsure]: 1903+ may accept 0x2800; documented outcome is rejection.
  Explanation e = WhatIf("win10-22h2", RegValue::Dword(0xA80), 0x2800);
  EXPECT_EQ(e.steps[2].outcome, "rejected");
  EXPECT_TRUE(e.steps[2].unsure);
  EXPECT_EQ(e.effective_value, 0xA80u);
  ASSERT_TRUE(e.alternative_value.has_value());
  EXPECT_EQ(*e.alternative_value, 0x800u);  // TLS 1.3 then removed by OS support
  bool both = false;
  for (const std::string& w : e.warnings) both |= w.find("[unsure]") != w.npos;
  EXPECT_TRUE(both);
  // Before 1903 (and on 2019) the call just fails.
  Explanation old = WhatIf("ws2019", RegValue::Dword(0xA80), 0x2800);
  EXPECT_FALSE(old.steps[2].unsure);
  EXPECT_FALSE(old.alternative_value.has_value());
}

TEST(ExplainInputs, Kb3140245FromServicingPackages) {
  const std::string packages =
      "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages";
  auto read = [](MemBackend& mem) {
    EXPECT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, RegValue::Dword(0x800)));
    auto in = ReadRegistryInputs(mem);
    EXPECT_TRUE(in.has_value());
    return *in;
  };
  MemBackend unknown(Architecture::k64Bit);
  EXPECT_EQ(read(unknown).kb3140245, KbStatus::kUnknown);

  MemBackend missing(Architecture::k64Bit);
  ASSERT_TRUE(missing.SetValue(View::k64,
                               packages + "\\Package_for_KB976932~31bf3856ad364e35~amd64~~6.1.1.17",
                               "CurrentState", RegValue::Dword(0x70)));
  RegistryInputs in = read(missing);
  EXPECT_EQ(in.kb3140245, KbStatus::kMissing);
  Explanation e = ExplainProcess(*FindOs("win7"), in, std::nullopt, View::k64);
  EXPECT_EQ(e.steps[1].outcome, "kb-missing");
  EXPECT_EQ(e.effective_value, 0xA0u);  // the value is not read: built-in 0xA0

  MemBackend installed(Architecture::k64Bit);
  ASSERT_TRUE(installed.SetValue(
      View::k64, packages + "\\Package_for_KB3140245~31bf3856ad364e35~amd64~~6.1.1.2",
      "CurrentState", RegValue::Dword(0x70)));
  in = read(installed);
  EXPECT_EQ(in.kb3140245, KbStatus::kInstalled);
  EXPECT_NE(in.kb3140245_key.find("Package_for_KB3140245~"), std::string::npos);
  e = ExplainProcess(*FindOs("win7"), in, std::nullopt, View::k64);
  EXPECT_EQ(e.steps[1].outcome, "used");
}

TEST(ExplainInputs, NoSystemRootMeansDefaultsAndANote) {
  RegistryInputs in = WhatIfInputs(RegValue::Dword(0x800));
  EXPECT_FALSE(in.has_system);
  EXPECT_TRUE(in.schannel.empty());
  Explanation e = ExplainProcess(*FindOs("ws2022"), in, std::nullopt, View::k32);
  EXPECT_EQ(e.effective_value, 0x800u);
  EXPECT_FALSE(e.steps[4].notes.empty());
}

TEST(ExplainInputs, ReadsRelatedSettings) {
  MemBackend mem(Architecture::k64Bit);
  const std::string inet = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
  ASSERT_TRUE(mem.SetValue(View::k32, inet, "SecureProtocols", RegValue::Dword(0xA80)));
  ASSERT_TRUE(mem.SetValue(View::k64, "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
                           "SecureProtocols", RegValue::Dword(0x800)));
  auto in = ReadRegistryInputs(mem);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->wininet.size(), 5u);  // HKLM 64, HKLM 32, Policies, HKCU, HKCU Policies
  EXPECT_FALSE(in->wininet[0].present());
  EXPECT_EQ(in->wininet[1].dword(), 0xA80u);
  EXPECT_EQ(in->wininet[3].dword(), 0x800u);
  EXPECT_EQ(in->dotnet.size(), 8u);
  EXPECT_EQ(in->schannel.size(), 6u);
  EXPECT_TRUE(in->has_user);
}

}  // namespace
}  // namespace secproto
