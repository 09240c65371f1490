// The stack model (docs/MODEL.md R18 to R27): a scenario table over the
// components and OS ids, each row with its reasoning and source, read back
// from a registry through ReadStack and ReadRegistryInputs as the CLI does.
#include "secproto/stack_explain.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "core/strings.h"
#include "secproto/keys.h"
#include "secproto/keys.h"
#include "secproto/catalog.h"
#include "secproto/policy.h"
#include "secproto/stack.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

RegValue MultiSz(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& s : items) joined += s + '\0';
  joined += '\0';
  return RegValue{kRegMultiSz, Utf8ToUtf16Le(joined)};
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      if (i > start) out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

RegValue Num(const std::string& v) {
  if (v == "sz") return RegValue::String("1");
  return RegValue::Dword(static_cast<uint32_t>(std::strtoul(v.c_str(), nullptr, 0)));
}

// The setup language of the table, items separated by ';':
//   c.tls1.2.e=0 / s.tls1.0.d=1   SCHANNEL Client/Server Enabled / DisabledByDefault ("sz": REG_SZ)
//   pol=A,B  polm=A,B  loc=A,B     Policies Functions as REG_SZ / REG_MULTI_SZ; local Functions
//   ecc=a,b                        Policies EccCurves
//   cipher.NAME=0 hash.NAME=0 kex.NAME=0   legacy keys (Enabled)
//   fips=1  log=7  dhs=1024  dhc=1024
//   dsp=0x800 (both views) dsp64= dsp32=   WinHTTP DefaultSecureProtocols
//   inet=0x800 (both views)  inetpol=0x800  WinINet SecureProtocols
//   net4.sdt=1 net4.strong=1 net2.sdt=1 net2.strong=1   .NET (both views)
void Apply(MemBackend& mem, std::string_view setup) {
  for (const std::string& item : Split(setup, ';')) {
    size_t eq = item.find('=');
    ASSERT_NE(eq, std::string::npos) << item;
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    auto set = [&](View view, std::string_view key, std::string_view name, const RegValue& val) {
      ASSERT_TRUE(mem.SetValue(view, key, name, val)) << item;
    };
    if (k[0] == 'c' && k[1] == '.' || k[0] == 's' && k[1] == '.') {
      std::vector<std::string> parts = Split(k, '.');
      // "c", "tls1", "2", "e" or "c", "ssl3", "e"
      std::string proto = parts.size() == 4 ? parts[1] + "." + parts[2] : parts[1];
      auto p = ParseProtocolName(proto);
      ASSERT_TRUE(p.has_value()) << item;
      std::string key = std::string(kSchannelProtocolsKey) + "\\" + std::string(Info(*p).name) +
                        (k[0] == 's' ? "\\Server" : "\\Client");
      set(View::k64, key, parts.back() == "e" ? "Enabled" : "DisabledByDefault", Num(v));
    } else if (k == "pol") {
      set(View::k64, kSuitePolicyKey, "Functions", RegValue::String(v));
    } else if (k == "polm") {
      set(View::k64, kSuitePolicyKey, "Functions", MultiSz(Split(v, ',')));
    } else if (k == "loc") {
      set(View::k64, kSuiteLocalKey, "Functions", MultiSz(Split(v, ',')));
    } else if (k == "ecc") {
      set(View::k64, kSuitePolicyKey, "EccCurves", MultiSz(Split(v, ',')));
    } else if (k.starts_with("cipher.") || k.starts_with("hash.") || k.starts_with("kex.")) {
      std::string folder = k.starts_with("cipher.") ? "Ciphers"
                           : k.starts_with("hash.") ? "Hashes"
                                                    : "KeyExchangeAlgorithms";
      std::string name = k.substr(k.find('.') + 1);
      set(View::k64, std::string(kSchannelKey) + "\\" + folder + "\\" + name, "Enabled", Num(v));
    } else if (k == "fips") {
      set(View::k64, kFipsKey, "Enabled", Num(v));
    } else if (k == "log") {
      set(View::k64, kSchannelKey, "EventLogging", Num(v));
    } else if (k == "dhs" || k == "dhc") {
      set(View::k64, std::string(kSchannelKey) + "\\KeyExchangeAlgorithms\\Diffie-Hellman",
          k == "dhs" ? "ServerMinKeyBitLength" : "ClientMinKeyBitLength", Num(v));
    } else if (k == "dsp" || k == "dsp64" || k == "dsp32") {
      if (k != "dsp32") set(View::k64, kWinHttpKey, kValueName, Num(v));
      if (k != "dsp64") set(View::k32, kWinHttpKey, kValueName, Num(v));
    } else if (k == "inet") {
      for (View view : {View::k64, View::k32}) set(view, kWinInetKey, "SecureProtocols", Num(v));
    } else if (k == "inetpol") {
      set(View::k64, kWinInetPolicyKey, "SecureProtocols", Num(v));
    } else if (k.starts_with("net")) {
      std::string_view key = kDotNetKeys[k[3] == '4' ? 0 : 1];
      std::string name = k.ends_with(".sdt") ? "SystemDefaultTlsVersions" : "SchUseStrongCrypto";
      for (View view : {View::k64, View::k32}) set(view, key, name, Num(v));
    } else {
      FAIL() << "unknown setup item " << item;
    }
  }
}

struct Machine {
  OsInfo os;
  OsTlsInfo tls;
  StackConfig stack;
  RegistryInputs inputs;
};

Machine Read(const std::string& os_id, std::string_view setup) {
  MemBackend mem(Architecture::k64Bit);
  Apply(mem, setup);
  Machine m;
  m.os = *FindOs(os_id);
  m.tls = *FindOsTls(os_id);
  auto stack = ReadStack(mem);
  EXPECT_TRUE(stack.has_value());
  if (stack) m.stack = *stack;
  auto in = ReadRegistryInputs(mem);
  EXPECT_TRUE(in.has_value());
  if (in) m.inputs = *in;
  return m;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

struct StackScenario {
  const char* os;
  const char* component;  // the side that is off, for client-server-mismatch
  const char* variant;    // "" the first (main) variant
  const char* setup;
  const char* protocols;  // expected, highest first
  const char* first;      // expected first suite; "" for an empty list; nullptr: not checked
  const char* has;        // a suite that must be there ("" none)
  const char* lacks;      // a suite that must not be there ("" none)
  int count;              // expected number of suites; -1 not checked
  const char* why;        // reasoning and source
};

void PrintTo(const StackScenario& s, std::ostream* out) {
  *out << s.os << " " << s.component << " [" << s.setup << "]: " << s.why;
}

constexpr const char* k13 = "TLS 1.3,TLS 1.2,TLS 1.1,TLS 1.0";
constexpr const char* k10 = "TLS 1.2,TLS 1.1,TLS 1.0";
constexpr const char* k8 = "TLS 1.2,TLS 1.1,TLS 1.0,SSL 3.0";
constexpr const char* kEcdsa256Gcm = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
constexpr const char* kAes256 = "TLS_AES_256_GCM_SHA384";

// clang-format off
const StackScenario kStack[] = {
  // --- schannel-client: protocols (R18: OS default, then Enabled / DisabledByDefault) ---------
  {"win10-22h2", "schannel-client", "", "", k10, kEcdsa256Gcm, "", "TLS_RSA_WITH_NULL_SHA", 18,
   "nothing set: Windows 10 22H2 client defaults TLS 1.0-1.2 (Protocols in TLS/SSL (Schannel SSP)); its 20 default suites less the two NULL ones used only on request (TLS Cipher Suites in Windows 10 v22H2; R21)"},
  {"ws2022", "schannel-client", "", "", k13, kAes256, "TLS_AES_128_GCM_SHA256", "", -1,
   "Server 2022 has TLS 1.3 on by default and lists the TLS 1.3 suites first (Protocols in TLS/SSL; TLS Cipher Suites in Windows Server 2022)"},
  {"win11-24h2", "schannel-client", "", "", k13, kAes256, "", "", -1,
   "Windows 11 24H2: TLS 1.0-1.3 on for clients, TLS_AES_256_GCM_SHA384 first (R18, R21)"},
  {"win7", "schannel-client", "", "", "TLS 1.0,SSL 3.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", -1,
   "Windows 7: TLS 1.1/1.2 off for clients by default, SSL 3.0 on; the SHA384 suites are TLS 1.2 only, so the first usable is the SHA-1 CBC one (R18, R21)"},
  {"win7", "schannel-client", "", "c.tls1.2.e=1;c.tls1.2.d=0", "TLS 1.2,TLS 1.0,SSL 3.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "", -1,
   "Easy Fix 51044's keys turn TLS 1.2 on for Windows 7 clients; the TLS 1.2 suites come back (KB3140245; R18)"},
  {"win7", "schannel-client", "", "c.tls1.1.d=0", "TLS 1.1,TLS 1.0,SSL 3.0", nullptr, "", "", -1,
   "DisabledByDefault = 0 alone turns an off-by-default protocol on (Transport Layer Security (TLS) registry settings; R18)"},
  {"win10-22h2", "schannel-client", "", "c.tls1.0.e=0;c.tls1.1.e=0", "TLS 1.2", kEcdsa256Gcm, "", "", 18,
   "TLS 1.0/1.1 off: every default suite still works with TLS 1.2 (R18, R21)"},
  {"win10-22h2", "schannel-client", "", "c.tls1.2.e=0;c.tls1.1.e=0", "TLS 1.0", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "", kEcdsa256Gcm, 6,
   "only TLS 1.0 left: only the six CBC-SHA suites are usable with it (TLS Cipher Suites in Windows 10 v22H2 protocol column; R21)"},
  {"win10-22h2", "schannel-client", "", "c.tls1.2.d=1", "TLS 1.1,TLS 1.0", nullptr, "", "", -1,
   "DisabledByDefault = 1 takes TLS 1.2 out of the system default (Transport Layer Security (TLS) registry settings; R18)"},
  {"win10-22h2", "schannel-client", "", "c.tls1.0.e=0xffffffff", k10, nullptr, "", "", -1,
   "Enabled = 0xFFFFFFFF is non-zero: on (KB245030; R11)"},
  {"win10-22h2", "schannel-client", "", "c.tls1.2.e=sz", k10, nullptr, "", "", -1,
   "Enabled as REG_SZ is not a DWORD: ignored, the default stands (R11 [infer])"},
  {"win10-22h2", "schannel-client", "", "c.tls1.3.e=1;c.tls1.3.d=0", k10, nullptr, "", "", -1,
   "TLS 1.3 keys on Windows 10: the OS has no TLS 1.3 (Protocols in TLS/SSL (Schannel SSP); R18, R30)"},
  {"ws2022", "schannel-client", "", "c.tls1.3.e=0", k10, kEcdsa256Gcm, "", kAes256, -1,
   "TLS 1.3 off: the TLS 1.3 suites go with it (R21)"},
  {"win81", "schannel-client", "", "", k8, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "", -1,
   "Windows 8.1: SSL 3.0-TLS 1.2 on for clients; the curve-suffixed _P256/_P384 names are one IANA suite (TLS Cipher Suites in Windows 8.1; R21)"},
  {"ws2012r2", "schannel-client", "", "", k8, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "", -1,
   "Server 2012 R2 as 8.1 (R18, R21)"},
  {"win81", "schannel-client", "", "c.ssl3.e=0", k10, nullptr, "", "", -1,
   "SSL 3.0 Client Enabled = 0 (R18)"},
  {"win10-1507", "schannel-client", "", "", k8, nullptr, "", "", -1,
   "Windows 10 1507 still has SSL 3.0 on for clients (Protocols in TLS/SSL (Schannel SSP); R10)"},
  {"ws2016", "schannel-client", "", "c.tls1.2.e=0;c.tls1.2.d=1", "TLS 1.1,TLS 1.0", nullptr, "", "", -1,
   "TLS 1.2 client off on Server 2016 (R18)"},
  // --- suite order: policy REG_SZ over local over the OS default (R20) ----------------------------
  {"win10-22h2", "schannel-client", "", "pol=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "", 2,
   "the Group Policy order wins, in its order (Manage Transport Layer Security (TLS); R20)"},
  {"win10-22h2", "schannel-client", "", "pol= TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 , TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "", 2,
   "blanks around the commas are trimmed (R20)"},
  {"win10-22h2", "schannel-client", "", "polm=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, kEcdsa256Gcm, "", "", 18,
   "a REG_MULTI_SZ in the Policies key is ignored: the default order stays (AuditTAP #448; R29)"},
  {"win10-22h2", "schannel-client", "", "loc=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "", 2,
   "the local list is used when no policy is set (Manage Transport Layer Security (TLS); R20)"},
  {"win10-22h2", "schannel-client", "", "pol=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;loc=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 1,
   "policy over local (R20)"},
  {"win10-22h2", "schannel-client", "", "polm=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;loc=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "", 1,
   "an ignored REG_MULTI_SZ policy leaves the local list in force (R20, R29)"},
  {"win10-22h2", "schannel-client", "", "pol=", k10, "", "", "", 0,
   "an empty policy list: no suite at all, TLS stops working (windowsserverdocs PR 7315; R20)"},
  {"win10-22h2", "schannel-client", "", "pol=TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "TLS_AES_128_GCM_SHA256", 1,
   "a name the OS lacks is skipped silently (TLS Cipher Suites in Windows 10 v22H2 has no TLS 1.3 suite; R21)"},
  {"win10-22h2", "schannel-client", "", "pol=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, nullptr, "", "", 1,
   "a name listed twice is used once (R21)"},
  {"win10-22h2", "schannel-client", "", "pol=TLS_RSA_WITH_NULL_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "TLS_RSA_WITH_NULL_SHA256", 1,
   "NULL suites are used only when an application asks (Cipher Suites in TLS/SSL (Schannel SSP); R21)"},
  {"win81", "schannel-client", "", "pol=TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384", k8, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "", "", 1,
   "on 8.1 the _P256 and _P384 names are one IANA suite (R21)"},
  {"ws2022", "schannel-client", "", "pol=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k13, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", kAes256, 1,
   "a policy list without TLS 1.3 suites: TLS 1.3 is on but has no suite (R21; doctor protocol-without-suite)"},
  // --- legacy algorithm keys (R22), FIPS (R23) ------------------------------------------------------
  {"win10-22h2", "schannel-client", "", "hash.SHA=0", k10, kEcdsa256Gcm, "", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 12,
   "Hashes\\SHA off removes every *_SHA suite (KB245030; R22)"},
  {"win10-22h2", "schannel-client", "", "kex.PKCS=0", k10, kEcdsa256Gcm, "", "TLS_RSA_WITH_AES_256_GCM_SHA384", 12,
   "KeyExchangeAlgorithms\\PKCS off removes the RSA key exchange suites (KB245030; R22)"},
  {"win10-22h2", "schannel-client", "", "kex.ECDH=0", k10, "TLS_RSA_WITH_AES_256_GCM_SHA384", "", kEcdsa256Gcm, 6,
   "ECDH off removes every ECDHE suite (R22)"},
  {"win10-22h2", "schannel-client", "", "cipher.AES 128/128=0", k10, kEcdsa256Gcm, "", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 9,
   "Ciphers\\AES 128/128 off removes the AES-128 suites (R22)"},
  {"win10-22h2", "schannel-client", "", "hash.SHA256=0", k10, kEcdsa256Gcm, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 14,
   "Hashes\\SHA256 off removes the HMAC-SHA256 CBC suites, not the AEAD ones (R22 [infer])"},
  {"win10-1809", "schannel-client", "", "", k10, kEcdsa256Gcm, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "", -1,
   "1809 still has 3DES in its default list (TLS Cipher Suites in Windows 10 v1809)"},
  {"win10-1809", "schannel-client", "", "cipher.Triple DES 168=0", k10, kEcdsa256Gcm, "", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", -1,
   "Ciphers\\Triple DES 168 off removes 3DES (KB245030; R22)"},
  {"win10-1809", "schannel-client", "", "fips=1", k10, kEcdsa256Gcm, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", -1,
   "FIPS mode keeps the AES suites of NIST SP 800-52 Rev. 2 3.3.1 (R23 [unsure])"},
  {"win10-1607", "schannel-client", "", "", k10, kEcdsa256Gcm, "TLS_RSA_WITH_RC4_128_SHA", "", -1,
   "1607 still offers RC4 (TLS Cipher Suites in Windows 10 v1607)"},
  {"win10-1607", "schannel-client", "", "cipher.RC4 128/128=0", k10, kEcdsa256Gcm, "", "TLS_RSA_WITH_RC4_128_SHA", -1,
   "Ciphers\\RC4 128/128 off removes the RC4-128 suites (KB245030; R22)"},
  {"win10-22h2", "schannel-client", "", "cipher.AES 128/128=1", k10, kEcdsa256Gcm, "", "", 18,
   "a legacy key with Enabled = 1 removes nothing (R22)"},
  // --- schannel-server (R19) ----------------------------------------------------------------------------
  {"ws2019", "schannel-server", "", "", k10, kEcdsa256Gcm, "", "", -1,
   "Server 2019: TLS 1.0-1.2 accepted by default (Protocols in TLS/SSL (Schannel SSP); R19)"},
  {"ws2022", "schannel-server", "", "", k13, kAes256, "", "", -1,
   "Server 2022 accepts TLS 1.3 by default (R19)"},
  {"ws2025", "schannel-server", "", "", k13, kAes256, "", "", -1,
   "Server 2025 as 2022 (R19)"},
  {"ws2008r2", "schannel-server", "", "", "TLS 1.0,SSL 3.0,SSL 2.0", nullptr, "", "", -1,
   "Server 2008 R2: SSL 2.0 to TLS 1.0 on for servers, TLS 1.1/1.2 off (Protocols in TLS/SSL (Schannel SSP); R19)"},
  {"ws2008r2", "schannel-server", "", "s.tls1.2.e=1;s.tls1.2.d=0;s.tls1.1.e=1;s.tls1.1.d=0", "TLS 1.2,TLS 1.1,TLS 1.0,SSL 3.0,SSL 2.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "", -1,
   "the Server keys turn TLS 1.1/1.2 on (R19)"},
  {"ws2016", "schannel-server", "", "s.tls1.0.e=0;s.tls1.1.e=0", "TLS 1.2", nullptr, "", "", -1,
   "TLS 1.0/1.1 Server off (R19)"},
  {"ws2019", "schannel-server", "", "s.tls1.2.e=0", "TLS 1.1,TLS 1.0", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "", kEcdsa256Gcm, -1,
   "TLS 1.2 Server off leaves only the CBC-SHA suites (R19, R21)"},
  {"ws2022", "schannel-server", "", "s.tls1.3.e=0", k10, kEcdsa256Gcm, "", kAes256, -1,
   "TLS 1.3 Server off (R19)"},
  {"ws2019", "schannel-server", "", "c.tls1.0.e=0;c.tls1.1.e=0", k10, nullptr, "", "", -1,
   "Client keys never change what a server accepts (R8, R19)"},
  {"ws2012r2", "schannel-server", "", "", k8, nullptr, "", "", -1,
   "Server 2012 R2 accepts SSL 3.0 by default (R19)"},
  {"ws2012r2", "schannel-server", "", "s.ssl3.e=0", k10, nullptr, "", "", -1,
   "SSL 3.0 Server off (R19)"},
  {"ws2019", "schannel-server", "", "pol=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", k10, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "", "", 2,
   "the server prefers the policy order too, even with an HTTP/2 block-listed suite first (R20, R26)"},
  {"ws2016", "schannel-server", "", "hash.SHA=0", k10, nullptr, "", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", -1,
   "Hashes\\SHA off applies to servers too (R22)"},
  {"ws2016", "schannel-server", "", "kex.PKCS=0", k10, nullptr, "", "TLS_RSA_WITH_AES_128_CBC_SHA", -1,
   "PKCS off applies to servers too (R22)"},
  {"ws2022", "schannel-server", "", "fips=1", k13, kAes256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", -1,
   "FIPS keeps the AES-GCM suites (R23 [unsure])"},
  // --- winhttp (R1-R17, then R25: the client suites its protocols can use) -----------------------------
  {"win10-22h2", "winhttp", "64", "", k10, kEcdsa256Gcm, "", "", 18,
   "built-in 0xAA0 (R4) and the client suites (R25)"},
  {"win10-22h2", "winhttp", "64", "dsp=0x800", "TLS 1.2", kEcdsa256Gcm, "", "", 18,
   "DefaultSecureProtocols 0x800: TLS 1.2, all 18 suites work with it (R3, R25)"},
  {"win10-22h2", "winhttp", "64", "dsp=0x200", "TLS 1.1", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "", kEcdsa256Gcm, 6,
   "TLS 1.1 only: the CBC-SHA suites (R25)"},
  {"win10-22h2", "winhttp", "32", "dsp64=0x800", k10, nullptr, "", "", -1,
   "the Wow6432Node value is missing: 32-bit processes keep the built-in default (R1)"},
  {"win10-22h2", "winhttp", "32", "dsp=0x800", "TLS 1.2", nullptr, "", "", -1,
   "both views set (R1)"},
  {"win11-22h2", "winhttp", "64", "", "TLS 1.3,TLS 1.2", kAes256, "", "", -1,
   "Windows 11 built-in 0x2800 (R4)"},
  {"win7", "winhttp", "64", "", "TLS 1.0,SSL 3.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "", "", -1,
   "Windows 7 built-in 0xA0 (R4)"},
  {"win81", "winhttp", "64", "dsp=0xA00", "TLS 1.2,TLS 1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "", "", -1,
   "8.1 reads the value (R3)"},
  {"ws2019", "winhttp", "64", "c.tls1.2.e=0", "TLS 1.1,TLS 1.0", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "", kEcdsa256Gcm, -1,
   "SCHANNEL Client TLS 1.2 off removes it (R8), leaving CBC-SHA suites (R25)"},
  {"ws2022", "winhttp", "64", "dsp=0x2000", "TLS 1.3", kAes256, "TLS_AES_128_GCM_SHA256", kEcdsa256Gcm, 2,
   "TLS 1.3 only: the two TLS 1.3 suites (R25)"},
  {"ws2022", "winhttp", "64", "pol=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS 1.3,TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", "", 1,
   "WinHTTP offers the policy suites (R20, R25)"},
  {"win10-22h2", "winhttp", "64", "dsp=0x200;hash.SHA=0", "TLS 1.1", "", "", "", 0,
   "TLS 1.1 only with Hashes\\SHA off: no suite left (R22, R25)"},
  {"win10-22h2", "winhttp", "64", "dsp=0xA80;c.tls1.0.e=0;c.tls1.1.e=0", "TLS 1.2", nullptr, "", "", -1,
   "the value asks for 1.0-1.2, SCHANNEL keeps 1.2 (R8)"},
  // --- wininet (R14) ------------------------------------------------------------------------------------
  {"win10-22h2", "wininet", "machine-64", "", k10, kEcdsa256Gcm, "", "", -1,
   "SecureProtocols missing: SCHANNEL's client defaults (R14 [infer])"},
  {"win10-22h2", "wininet", "machine-64", "inet=0x800", "TLS 1.2", nullptr, "", "", -1,
   "SecureProtocols 0x800 (R14)"},
  {"win10-22h2", "wininet", "machine-64", "inet=0xA80;c.tls1.0.e=0", "TLS 1.2,TLS 1.1", nullptr, "", "", -1,
   "SecureProtocols limited by SCHANNEL client keys (R8, R14)"},
  {"win10-22h2", "wininet", "", "inetpol=0x800;inet=0xA80", "TLS 1.2", nullptr, "", "", -1,
   "the Group Policy value wins (inetres.admx; R14)"},
  {"win10-22h2", "wininet", "machine-64", "inetpol=0x800;inet=0xA80", k10, nullptr, "", "", -1,
   "the machine value, overridden, still shown (R14)"},
  {"ws2022", "wininet", "machine-64", "inet=0x2800", "TLS 1.3,TLS 1.2", kAes256, "", "", -1,
   "TLS 1.2/1.3 on Server 2022 (R14)"},
  {"win7", "wininet", "machine-64", "inet=0xA80", "TLS 1.0", nullptr, "", "", -1,
   "Windows 7 SCHANNEL has TLS 1.1/1.2 off for clients: only TLS 1.0 remains (R10, R14)"},
  {"win7", "wininet", "machine-64", "inet=0xA80;c.tls1.1.e=1;c.tls1.1.d=0;c.tls1.2.e=1;c.tls1.2.d=0", "TLS 1.2,TLS 1.1,TLS 1.0", nullptr, "", "", -1,
   "with Easy Fix 51044's keys (KB3140245; R14)"},
  {"win10-22h2", "wininet", "machine-32", "inet=0x800", "TLS 1.2", nullptr, "", "", -1,
   "the Wow6432Node value (R14)"},
  {"win10-22h2", "wininet", "machine-64", "inet=sz", k10, nullptr, "", "", -1,
   "a REG_SZ SecureProtocols is ignored (R14 [infer])"},
  // --- dotnet (R15, R27) --------------------------------------------------------------------------------
  {"win10-22h2", "dotnet", "v4-64", "", "TLS 1.0,SSL 3.0", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "", kEcdsa256Gcm, 6,
   "nothing set: the framework's own SSL 3.0 + TLS 1.0 (R27)"},
  {"win10-22h2", "dotnet", "v4-64", "net4.strong=1", k10, kEcdsa256Gcm, "", "", 18,
   "SchUseStrongCrypto = 1: TLS 1.0-1.2 and strong suites (R27)"},
  {"win10-22h2", "dotnet", "v4-64", "net4.sdt=1", k10, kEcdsa256Gcm, "", "", -1,
   "SystemDefaultTlsVersions = 1: the OS client defaults (R15)"},
  {"ws2022", "dotnet", "v4-64", "net4.sdt=1", k13, kAes256, "", "", -1,
   "system defaults bring TLS 1.3 on Server 2022 (R15)"},
  {"ws2022", "dotnet", "v4-64", "net4.strong=1", k10, kEcdsa256Gcm, "", kAes256, -1,
   "the hard-coded set has no TLS 1.3 (R27)"},
  {"ws2022", "dotnet", "v4-64", "", "TLS 1.0,SSL 3.0", nullptr, "", "", -1,
   "the framework's own set on Server 2022 (R27)"},
  {"win10-22h2", "dotnet", "v4-64", "net4.sdt=1;c.tls1.0.e=0;c.tls1.1.e=0", "TLS 1.2", nullptr, "", "", -1,
   "system defaults follow SCHANNEL (R15)"},
  {"win10-22h2", "dotnet", "v4-64", "net4.strong=1;c.tls1.0.e=0", "TLS 1.2,TLS 1.1", nullptr, "", "", -1,
   "SCHANNEL Enabled = 0 still removes from the hard-coded set (R8, R27)"},
  {"win10-22h2", "dotnet", "v2-64", "net2.sdt=1", k10, nullptr, "", "", -1,
   "the v2.0.50727 key (.NET 3.5) (R15)"},
  {"win10-22h2", "dotnet", "v4-32", "net4.sdt=1", k10, nullptr, "", "", -1,
   "the Wow6432Node key (R15)"},
  {"win10-22h2", "dotnet", "v2-32", "net4.sdt=1", "TLS 1.0,SSL 3.0", nullptr, "", "", -1,
   "the v4 keys do not change .NET 3.5 (R15)"},
  {"win7", "dotnet", "v4-64", "net4.strong=1", "TLS 1.2,TLS 1.1,TLS 1.0", nullptr, "", "", -1,
   "an explicit request gets TLS 1.1/1.2 that are off by default on Windows 7 (R27 [infer])"},
  {"win10-22h2", "dotnet", "v4-64", "c.ssl3.e=0", "TLS 1.0", nullptr, "", "", -1,
   "SSL 3.0 Client Enabled = 0 (R8, R27)"},
  {"win10-1607", "dotnet", "v4-64", "", "TLS 1.0,SSL 3.0", nullptr, "TLS_RSA_WITH_RC4_128_SHA", "", -1,
   "without strong crypto RC4 is still offered (R15)"},
  {"win10-1607", "dotnet", "v4-64", "net4.strong=1", k10, nullptr, "", "TLS_RSA_WITH_RC4_128_SHA", -1,
   "strong crypto drops RC4 (R15)"},
  {"win10-22h2", "dotnet", "v4-64", "net4.sdt=0", "TLS 1.0,SSL 3.0", nullptr, "", "", -1,
   "SystemDefaultTlsVersions = 0 is the old behaviour (R27)"},
};
// clang-format on

class StackTable : public ::testing::TestWithParam<StackScenario> {};

TEST_P(StackTable, ProtocolsAndSuites) {
  const StackScenario& s = GetParam();
  Machine m = Read(s.os, s.setup);
  auto comps = ParseComponents({s.component});
  ASSERT_TRUE(comps.has_value());
  std::vector<ComponentExplanation> out = ExplainStack(m.os, m.tls, m.stack, m.inputs, *comps);
  ASSERT_EQ(out.size(), 1u);
  const ComponentVariant* v = nullptr;
  for (const ComponentVariant& x : out[0].variants) {
    if (std::string(s.variant).empty() ? &x == &out[0].variants.front() : x.name == s.variant) {
      v = &x;
    }
  }
  ASSERT_NE(v, nullptr) << "no variant " << s.variant;
  EXPECT_EQ(Join(v->protocols), s.protocols);
  if (s.first) EXPECT_EQ(v->suites.empty() ? "" : v->suites.front(), std::string(s.first));
  auto has = [&](const char* n) {
    return std::find(v->suites.begin(), v->suites.end(), std::string(n)) != v->suites.end();
  };
  if (*s.has) EXPECT_TRUE(has(s.has)) << s.has;
  if (*s.lacks) EXPECT_FALSE(has(s.lacks)) << s.lacks;
  if (s.count >= 0) EXPECT_EQ(static_cast<int>(v->suites.size()), s.count) << Join(v->suites);
  for (const StackStep& step : v->steps) {
    EXPECT_TRUE(step.source.starts_with("R")) << step.name;
    EXPECT_EQ(step.source.find("FACTS"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, StackTable, ::testing::ValuesIn(kStack));

TEST(StackTableSize, AtLeastEightyScenarios) { EXPECT_GE(std::size(kStack), 80u); }

TEST(StackComponents, ParseNamesAndLists) {
  auto c = ParseComponents({"winhttp,dotnet", "schannel-server", "winhttp"});
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ(ComponentName((*c)[0]), "winhttp");
  EXPECT_EQ(ComponentName((*c)[2]), "schannel-server");
  auto bad = ParseComponents({"iis"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "unknown-component");
}

TEST(StackComponents, CurvesFollowPolicyAndOs) {
  Machine m = Read("win10-22h2", "ecc=NistP384,curve25519");
  auto out = ExplainStack(m.os, m.tls, m.stack, m.inputs, {Component::kSchannelClient});
  EXPECT_EQ(Join(out[0].Main().curves), "NistP384,curve25519");
  Machine d = Read("win10-22h2", "");
  out = ExplainStack(d.os, d.tls, d.stack, d.inputs, {Component::kSchannelClient});
  EXPECT_EQ(Join(out[0].Main().curves), "curve25519,NistP256,NistP384");
  Machine f = Read("win10-22h2", "fips=1");
  out = ExplainStack(f.os, f.tls, f.stack, f.inputs, {Component::kSchannelClient});
  EXPECT_EQ(Join(out[0].Main().curves), "NistP256,NistP384");
}

// Issue 26, post-quantum: the ML-KEM hybrids exist from 29550 on Server 2025
// and from 26100.8514 on Windows 11 24H2 ("TLS Supported Groups in Windows 11
// versions 24H2 and later"): skipped below the build, with the build named;
// on 24H2 itself kept, flagged [unsure] (no update revision in the model).
TEST(StackComponents, HybridGroupsFollowTheBuild) {
  auto curves_step = [](const ComponentExplanation& c) {
    for (const StackStep& s : c.Main().steps) {
      if (s.name == "curves") return s.detail;
    }
    return std::string();
  };
  Machine s = Read("ws2025", "ecc=x25519_mlkem768,curve25519");
  auto out = ExplainStack(s.os, s.tls, s.stack, s.inputs, {Component::kSchannelClient});
  EXPECT_EQ(Join(out[0].Main().curves), "curve25519");
  EXPECT_NE(curves_step(out[0]).find("x25519_mlkem768 (needs build 29550)"), std::string::npos)
      << curves_step(out[0]);
  Machine w = Read("win11-24h2", "ecc=x25519_mlkem768,curve25519");
  out = ExplainStack(w.os, w.tls, w.stack, w.inputs, {Component::kSchannelClient});
  EXPECT_EQ(Join(out[0].Main().curves), "x25519_mlkem768,curve25519");
  EXPECT_NE(curves_step(out[0]).find("[unsure"), std::string::npos) << curves_step(out[0]);
  auto found = DiagnoseStack(s.os, s.tls, s.stack, s.inputs, nullptr, "");
  bool flagged = false;
  for (const StackFinding& f : found) flagged = flagged || f.finding.code == "curve-needs-build";
  EXPECT_TRUE(flagged);
}

// Issue 26 item 4: KB245030 "applies to Windows Server 2003 and earlier" and
// names RC4, DES, 3DES, RC2, NULL, MD5, SHA and PKCS; the AES, SHA-2,
// Diffie-Hellman and ECDH keys on current Windows are R22 [infer], and the
// legacy-keys step says so.
TEST(StackComponents, LegacyKeyStepsCarryTheirTag) {
  Machine m = Read("ws2019",  // its default list still has DHE suites
                   "cipher.AES 256/256=0;hash.SHA256=0;kex.Diffie-Hellman=0;kex.PKCS=0;hash.SHA=0");
  auto out = ExplainStack(m.os, m.tls, m.stack, m.inputs, {Component::kSchannelClient});
  std::map<std::string, const StackStep*> by_key;
  for (const StackStep& st : out[0].Main().steps) {
    if (st.name != "legacy-keys") continue;
    by_key[st.detail.substr(0, st.detail.find(" = 0"))] = &st;
  }
  for (std::string_view key : {"Ciphers\\AES 256/256\\Enabled", "Hashes\\SHA256\\Enabled",
                               "KeyExchangeAlgorithms\\Diffie-Hellman\\Enabled"}) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(by_key.count(std::string(key)));
    const StackStep& st = *by_key[std::string(key)];
    EXPECT_NE(st.detail.find("[infer]"), std::string::npos) << st.detail;
    EXPECT_TRUE(st.source.starts_with("R22 [infer]")) << st.source;
    EXPECT_NE(st.source.find("Windows Server 2003 and earlier"), std::string::npos);
  }
  for (std::string_view key : {"KeyExchangeAlgorithms\\PKCS\\Enabled", "Hashes\\SHA\\Enabled"}) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(by_key.count(std::string(key)));
    const StackStep& st = *by_key[std::string(key)];
    EXPECT_EQ(st.detail.find("[infer]"), std::string::npos) << st.detail;
    EXPECT_TRUE(st.source.starts_with("R22 (KB245030")) << st.source;
  }
}

TEST(StackComponents, PolicyWhatIfThroughCompile) {
  auto policy = LoadPolicy("modern");
  ASSERT_TRUE(policy.has_value());
  auto compiled = CompilePolicy(*policy, "ws2022");
  ASSERT_TRUE(compiled.has_value());
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(ApplyChangesForWhatIf(mem, compiled->changes));
  auto stack = ReadStack(mem);
  auto in = ReadRegistryInputs(mem);
  ASSERT_TRUE(stack && in);
  auto out = ExplainStack(*FindOs("ws2022"), *FindOsTls("ws2022"), *stack, *in, AllComponents());
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(Join(out[0].Main().protocols), "TLS 1.3,TLS 1.2");
  EXPECT_EQ(out[0].Main().suites.front(), "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(Join(out[2].Main().protocols), "TLS 1.3,TLS 1.2");  // winhttp follows
  EXPECT_EQ(Join(out[4].Main().protocols), "TLS 1.3,TLS 1.2");  // dotnet: system defaults
}

// --- The stack doctor: one case per code -------------------------------------------

struct DoctorCase {
  const char* code;
  const char* os;
  const char* setup;
  const char* component;   // the side that is off, for client-server-mismatch
  const char* fix_prefix;  // "" when no command can fix it
};

// clang-format off
const DoctorCase kDoctorCases[] = {
  {"enabled-ffffffff", "win10-22h2", "cipher.AES 128/128=0xffffffff", "schannel", "secproto policy apply --set \""},
  {"suite-list-wrong-type", "win10-22h2", "polm=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "schannel", "secproto policy apply --set \""},
  {"suite-list-empty", "win10-22h2", "pol=", "schannel", "secproto policy apply --set \""},
  {"suite-list-empty", "win10-22h2", "pol=TLS_AES_128_GCM_SHA256", "schannel", "secproto policy apply --set \""},
  {"protocol-without-suite", "ws2022", "pol=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "schannel-client", "secproto policy apply --set \""},
  {"protocol-without-suite", "win10-22h2", "hash.SHA=0", "schannel-client", "secproto schannel set tls1.1 --disable --side client"},
  {"suites-unknown-to-os", "win10-22h2", "pol=TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "schannel", "secproto policy apply --set \""},
  {"client-server-mismatch", "win10-22h2", "c.tls1.0.e=0", "schannel-client", "secproto schannel set tls1.0 --disable --side both"},
  {"client-server-mismatch", "ws2019", "s.tls1.2.e=0", "schannel-server", "secproto schannel set tls1.2 --enable --side both"},
  {"tls13-unsafe-os", "ws2019", "s.tls1.3.e=1", "schannel-server", "secproto schannel set tls1.3 --disable --side server"},
  {"http2-blocked-suite-first", "ws2019", "pol=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "schannel-server", "secproto policy apply --set \""},
  {"legacy-cipher-enabled", "win10-22h2", "cipher.Triple DES 168=1", "schannel", "secproto policy apply --set \""},
  {"legacy-cipher-enabled", "win10-1607", "", "schannel", "secproto policy apply --set \""},
  {"weak-dh", "win10-22h2", "dhs=1024", "schannel", "secproto policy apply --set \""},
  // No command: copying an edited local list into policy would carry its
  // explicit-only suites along (issue 26 item 9).
  {"local-suite-list-edited", "win10-22h2", "loc=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "schannel", ""},
  {"fips-restricts-suites", "win10-1809", "fips=1", "schannel", "secproto policy apply --set \""},
  {"rdp-needs-kb3080079", "ws2008r2", "s.tls1.0.e=0", "schannel-server", ""},
  {"event-logging-verbose", "win10-22h2", "log=7", "schannel", "secproto policy apply --set \""},
  {"component-without-protocol", "ws2019", "c.ssl3.e=0;c.tls1.0.e=0", "dotnet", "secproto dotnet set"},
};
// clang-format on

std::vector<StackFinding> Doctor(const std::string& os, std::string_view setup,
                                 MemBackend* extra = nullptr) {
  MemBackend local(Architecture::k64Bit);
  MemBackend& mem = extra ? *extra : local;
  Apply(mem, setup);
  auto stack = ReadStack(mem);
  auto in = ReadRegistryInputs(mem);
  EXPECT_TRUE(stack && in);
  return DiagnoseStack(*FindOs(os), *FindOsTls(os), *stack, *in, &mem, "--target mem:");
}

class StackDoctorTable : public ::testing::TestWithParam<DoctorCase> {};

TEST_P(StackDoctorTable, FindsCodeWithEvidenceAndFix) {
  const DoctorCase& c = GetParam();
  std::vector<StackFinding> found = Doctor(c.os, c.setup);
  const StackFinding* f = nullptr;
  for (const StackFinding& x : found) {
    if (!f && x.finding.code == c.code) f = &x;  // the first: errors, then client before server
  }
  ASSERT_NE(f, nullptr) << c.code << " not found on " << c.os << " [" << c.setup << "]";
  EXPECT_EQ(f->component, c.component);
  EXPECT_FALSE(f->finding.evidence.empty());
  EXPECT_TRUE(f->finding.source.starts_with("R")) << f->finding.source;
  if (*c.fix_prefix) {
    ASSERT_FALSE(f->finding.fix_steps.empty());
    EXPECT_TRUE(f->finding.fix_steps[0].starts_with(c.fix_prefix)) << f->finding.fix_steps[0];
    EXPECT_TRUE(f->finding.fix.ends_with("--target mem:")) << f->finding.fix;
  } else {
    EXPECT_TRUE(f->finding.fix_steps.empty());
  }
}

void PrintTo(const DoctorCase& c, std::ostream* out) { *out << c.code << " on " << c.os; }

INSTANTIATE_TEST_SUITE_P(Codes, StackDoctorTable, ::testing::ValuesIn(kDoctorCases));

// Issue 23: .NET without its values offers SSL 3.0 and TLS 1.0 (R27); with
// both off for clients it can connect to nothing. That is an error, not the
// dotnet-strong-crypto warning alone.
TEST(StackDoctor, DotnetWithNoProtocolIsAnError) {
  std::vector<StackFinding> found = Doctor("ws2019", "c.ssl3.e=0;c.tls1.0.e=0");
  const StackFinding* f = nullptr;
  for (const StackFinding& x : found) {
    if (x.finding.code == "component-without-protocol") f = &x;
  }
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->finding.severity, "error");
  EXPECT_EQ(f->component, "dotnet");
  EXPECT_NE(f->finding.message.find(
                "dotnet (v4 64-bit, v4 32-bit, v2 64-bit, v2 32-bit) ends with no usable protocol"),
            std::string::npos)
      << f->finding.message;
  // SystemDefaultTlsVersions makes .NET follow SCHANNEL (TLS 1.1, 1.2 here).
  for (const StackFinding& x : Doctor("ws2019", "c.ssl3.e=0;c.tls1.0.e=0;net4.sdt=1;net2.sdt=1")) {
    EXPECT_NE(x.finding.code, "component-without-protocol") << x.finding.message;
  }
}

TEST(StackDoctor, CleanDefaultsHaveNoStackFinding) {
  for (const char* os : {"win10-22h2", "win11-24h2", "ws2025"}) {
    std::vector<StackFinding> found = Doctor(os, "");
    for (const StackFinding& f : found) ADD_FAILURE() << os << ": " << f.finding.code;
  }
  // Server 2019 and 2022 still enable TLS_RSA_WITH_3DES_EDE_CBC_SHA by default
  // (TLS Cipher Suites in Windows 10 v1809 / Windows Server 2022): only that.
  for (const char* os : {"ws2019", "ws2022"}) {
    std::vector<StackFinding> found = Doctor(os, "");
    ASSERT_EQ(found.size(), 1u) << os;
    EXPECT_EQ(found[0].finding.code, "legacy-cipher-enabled");
    EXPECT_NE(found[0].finding.message.find("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), std::string::npos);
  }
}

TEST(StackDoctor, SuiteListTooLong) {
  std::string list;
  for (const std::string& n : FindOsTls("win10-22h2")->DefaultSuiteOrder()) {
    list += (list.empty() ? "" : ",") + n;
  }
  std::vector<StackFinding> found = Doctor("win10-22h2", "pol=" + list + "," + list);
  bool seen = false;
  for (const StackFinding& f : found) seen |= f.finding.code == "suite-list-too-long";
  EXPECT_TRUE(seen);
}

TEST(StackDoctor, SqlOnlyWhenInstalledAndOld) {
  const std::string base = "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server";
  auto has = [](const std::vector<StackFinding>& v) {
    for (const StackFinding& f : v) {
      if (f.finding.code == "sql-needs-tls12-build") return true;
    }
    return false;
  };
  EXPECT_FALSE(has(Doctor("ws2016", "s.tls1.0.e=0")));
  MemBackend old(Architecture::k64Bit);
  ASSERT_TRUE(old.SetValue(View::k64, kSqlInstancesKey, "MSSQLSERVER",
                           RegValue::String("MSSQL12.MSSQLSERVER")));
  ASSERT_TRUE(old.SetValue(View::k64, base + "\\MSSQL12.MSSQLSERVER\\MSSQLServer\\CurrentVersion",
                           "CurrentVersion", RegValue::String("12.0.2000.8")));
  EXPECT_TRUE(has(Doctor("ws2016", "s.tls1.0.e=0", &old)));
  MemBackend tls10_on(Architecture::k64Bit);
  ASSERT_TRUE(tls10_on.SetValue(View::k64, kSqlInstancesKey, "MSSQLSERVER",
                                RegValue::String("MSSQL12.MSSQLSERVER")));
  EXPECT_FALSE(has(Doctor("ws2016", "", &tls10_on)));
  MemBackend modern(Architecture::k64Bit);
  ASSERT_TRUE(modern.SetValue(View::k64, kSqlInstancesKey, "MSSQLSERVER",
                              RegValue::String("MSSQL13.MSSQLSERVER")));
  ASSERT_TRUE(modern.SetValue(View::k64,
                              base + "\\MSSQL13.MSSQLSERVER\\MSSQLServer\\CurrentVersion",
                              "CurrentVersion", RegValue::String("13.0.1601.5")));
  EXPECT_FALSE(has(Doctor("ws2016", "s.tls1.0.e=0", &modern)));
}

TEST(StackDoctor, RdpClearsWithTheUpdate) {
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(mem.SetValue(
      View::k64,
      std::string(kCbsPackagesKey) + "\\Package_for_KB3080079~31bf3856ad364e35~amd64~~6.1.1.0",
      "Installed", RegValue::Dword(1)));
  for (const StackFinding& f : Doctor("ws2008r2", "s.tls1.0.e=0", &mem)) {
    EXPECT_NE(f.finding.code, "rdp-needs-kb3080079");
  }
}

}  // namespace
}  // namespace secproto
