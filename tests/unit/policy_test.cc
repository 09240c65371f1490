// The policy file, templates and compile rules (src/policy).
#include "secproto/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "secproto/setting.h"
#include "secproto/stack_explain.h"
#include "secproto/suites.h"

namespace secproto {
namespace {

Policy Parse(std::string_view text, std::string_view format = "toml") {
  auto p = ParsePolicy(text, format, "test.toml");
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return p ? *p : Policy{};
}

std::string ParseError(std::string_view text, std::string_view format = "toml") {
  auto p = ParsePolicy(text, format, "test.toml");
  EXPECT_FALSE(p);
  if (p) return "";
  EXPECT_EQ(p.error().kind, ErrorKind::kInput);
  EXPECT_EQ(ExitCodeFor(p.error().kind), 2);
  return p.error().message;
}

const RegChange* Find(const CompiledPolicy& c, std::string_view key_tail, std::string_view name,
                      View view = View::k64) {
  for (const RegChange& ch : c.changes) {
    if (ch.view == view && ch.name == name && ch.key.ends_with(key_tail)) return &ch;
  }
  return nullptr;
}

std::string Sz(const RegValue& v) {
  std::string out;
  for (size_t i = 0; i + 1 < v.data.size(); i += 2) {
    if (v.data[i] == 0 && v.data[i + 1] == 0) break;
    out.push_back(static_cast<char>(v.data[i]));
  }
  return out;
}

TEST(PolicyFile, ParsesEverySection) {
  Policy p = Parse(R"(
[policy]
name = "mine"
cites = ["x"]
[protocols]
client = ["TLS 1.2"]
server = ["tls1.2", "TLS 1.3"]
wininet = false
[cipher_suites]
order = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
[curves]
order = ["NistP256"]
[legacy]
hashes = { "MD5" = false }
[key_sizes]
dh_server_min = 3072
[dotnet]
strong_crypto = true
[fips]
enabled = false
[logging]
event_logging = 7
)");
  EXPECT_EQ(p.name, "mine");
  EXPECT_EQ(p.protocols.manage, Manage::kSet);
  EXPECT_EQ(p.protocols.client.bits(), 0x800u);
  EXPECT_EQ(p.protocols.server.bits(), 0x2800u);
  EXPECT_FALSE(p.protocols.wininet);
  EXPECT_TRUE(p.protocols.winhttp);
  EXPECT_FALSE(p.protocols.drop_tls13_on_older_os);
  EXPECT_EQ(p.suites.order.size(), 1u);
  EXPECT_EQ(p.legacy.hashes.at("MD5"), false);
  EXPECT_EQ(p.key_sizes.dh_server_min, 3072u);
  EXPECT_FALSE(p.key_sizes.dh_client_min);
  EXPECT_EQ(p.logging.event_logging, 7u);
  EXPECT_EQ(p.fips.manage, Manage::kSet);
}

TEST(PolicyFile, AbsentSectionsAreLeftAlone) {
  Policy p = Parse("[fips]\nenabled = true\n");
  EXPECT_EQ(p.protocols.manage, Manage::kLeave);
  EXPECT_EQ(p.suites.manage, Manage::kLeave);
  EXPECT_EQ(p.fips.manage, Manage::kSet);
}

TEST(PolicyFile, ErrorsNameLineAndField) {
  EXPECT_EQ(
      ParseError("[protocols]\nclient = [\"TLS 1.2\"]\nserver = [\"TLS 1.5\"]\n").substr(0, 55),
      "test.toml:3: protocols.server[0]: TLS 1.5 is not a prot");
  std::string e = ParseError(
      "[cipher_suites]\norder = [\n  \"TLS_AES_128_GCM_SHA256\",\n  "
      "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265\",\n]\n");
  EXPECT_NE(e.find("test.toml:4: cipher_suites.order[1]: unknown cipher suite"), std::string::npos)
      << e;
  EXPECT_NE(e.find("did you mean 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'"), std::string::npos);
  e = ParseError("[curves]\norder = [\"NistP265\"]\n");
  EXPECT_NE(e.find("test.toml:2: curves.order[0]: unknown curve"), std::string::npos) << e;
  e = ParseError("\n[logging]\nevent_loging = 1\n");
  EXPECT_NE(e.find("test.toml:3: logging.event_loging: unknown field; did you mean "
                   "'event_logging'?"),
            std::string::npos)
      << e;
  e = ParseError("[logging]\nevent_logging = 9\n");
  EXPECT_NE(e.find("logging.event_logging: must be between 0 and 7"), std::string::npos) << e;
  e = ParseError("[legacy]\nciphers = { \"RC4 128/129\" = false }\n");
  EXPECT_NE(e.find("test.toml:2: legacy.ciphers.\"RC4 128/129\": unknown key name; did you mean "
                   "'RC4 128/128'?"),
            std::string::npos)
      << e;
  e = ParseError("[cipher_suites]\norder = []\n");
  EXPECT_NE(e.find("cipher_suites.order: an empty suite list stops all TLS"), std::string::npos)
      << e;
  e = ParseError("[fips]\nreset = true\nenabled = true\n");
  EXPECT_NE(e.find("fips.reset: reset = true must be the section's only field"), std::string::npos)
      << e;
  e = ParseError("[protocols]\nclient = [\"TLS 1.2\"]\n");
  EXPECT_NE(e.find("protocols.server: missing"), std::string::npos) << e;
  e = ParseError("[protocols\n");
  EXPECT_EQ(e.substr(0, 12), "test.toml:1:") << e;
  e = ParseError("[dotnet]\nstrong_crypto = \"yes\"\n");
  EXPECT_NE(e.find("test.toml:2: dotnet.strong_crypto: must be true or false"), std::string::npos)
      << e;
}

TEST(PolicyFile, JsonSameShapeAndErrors) {
  Policy p = Parse(R"({"protocols": {"client": ["TLS 1.2"], "server": ["TLS 1.2"]},
                      "cipher_suites": {"order": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}})",
                   "json");
  EXPECT_EQ(p.protocols.client.bits(), 0x800u);
  std::string e = ParseError(R"({"cipher_suites": {"order": ["TLS_BOGUS"]}})", "json");
  EXPECT_NE(e.find("cipher_suites.order[0]: unknown cipher suite"), std::string::npos) << e;
  e = ParseError("{\"fips\": ", "json");
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
  e = ParseError(R"({"fips": {"enabled": null}})", "json");
  EXPECT_NE(e.find("fips.enabled: null is not allowed"), std::string::npos) << e;
}

TEST(PolicyFile, TomlAndJsonRoundTrip) {
  for (const std::string& name : TemplateNames()) {
    SCOPED_TRACE(name);
    auto p = LoadPolicy(name);
    ASSERT_TRUE(p) << p.error().message;
    Policy back = Parse(PolicyToToml(*p));
    EXPECT_EQ(PolicyToToml(back), PolicyToToml(*p));
    Policy from_json = Parse(PolicyToJson(*p), "json");
    EXPECT_EQ(PolicyToToml(from_json), PolicyToToml(*p));
  }
}

TEST(PolicyTemplates, ShippedFilesMatchTheBinary) {
  std::vector<std::string> want = {"modern",    "intermediate", "old",
                                   "pci-dss-4", "fips-140",     "os-default"};
  EXPECT_EQ(TemplateNames(), want);
  for (const std::string& name : want) {
    std::filesystem::path file = std::filesystem::path(SECPROTO_SOURCE_DIR) / "policies" / name;
    file += ".toml";
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    ASSERT_TRUE(TemplateText(name));
    EXPECT_EQ(ss.str(), *TemplateText(name)) << name;
    auto p = LoadPolicy(name);
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->cites.empty()) << name;
    EXPECT_EQ(p->origin, "template:" + name);
  }
  auto missing = LoadPolicy("modrn");
  ASSERT_FALSE(missing);
  EXPECT_NE(
      missing.error().message.find("not a template; did you mean 'modern'? (modern, intermediate"),
      std::string::npos);
  // A template name in another case is that template (issue 29).
  auto upper = LoadPolicy("Modern");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->origin, "template:modern");
}

TEST(PolicyCompile, EveryTemplateCompilesForTheIssueOses) {
  for (const std::string& name : TemplateNames()) {
    auto p = LoadPolicy(name);
    ASSERT_TRUE(p);
    for (std::string_view os :
         {"win7", "win81", "win10-22h2", "ws2016", "ws2019", "win11-24h2", "ws2022", "ws2025"}) {
      SCOPED_TRACE(name + " on " + std::string(os));
      auto c = CompilePolicy(*p, os);
      EXPECT_TRUE(c) << c.error().message;
      if (!c) continue;
      EXPECT_FALSE(c->changes.empty());
      for (const RegChange& ch : c->changes) {
        // Enabled is 1 or 0, never 0xFFFFFFFF.
        if (ch.name == "Enabled" && ch.value) {
          EXPECT_LE(*ch.value->AsDword(), 1u);
        }
        // Only HKLM\SOFTWARE keys outside Policies have a 32-bit twin.
        if (ch.view == View::k32) {
          EXPECT_TRUE(ch.key.starts_with("HKLM\\SOFTWARE\\"));
          EXPECT_FALSE(ch.key.starts_with("HKLM\\SOFTWARE\\Policies"));
        }
        EXPECT_FALSE(ch.why.empty());
      }
      const RegChange* f = Find(*c, "SSL\\00010002", "Functions");
      ASSERT_NE(f, nullptr);
      if (name == "os-default") {
        EXPECT_FALSE(f->value);  // deleted: the OS default order returns
      } else {
        ASSERT_TRUE(f->value);
        EXPECT_EQ(f->value->type, kRegSz);
        EXPECT_LE(Sz(*f->value).size(), kMaxSuiteListChars);
      }
      EXPECT_EQ(f->effect, Effect::kReboot);
    }
  }
}

TEST(PolicyCompile, ModernPerOs) {
  Policy p = *LoadPolicy("modern");
  auto w10 = *CompilePolicy(p, "win10-22h2");
  // No TLS 1.3 keys and no TLS 1.3 suites before Windows 11 / Server 2022.
  EXPECT_EQ(Find(w10, "TLS 1.3\\Client", "Enabled"), nullptr);
  std::string list = Sz(*Find(w10, "00010002", "Functions")->value);
  EXPECT_EQ(list,
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  EXPECT_EQ(*Find(w10, "TLS 1.0\\Server", "Enabled")->value, RegValue::Dword(0));
  EXPECT_EQ(*Find(w10, "TLS 1.0\\Server", "DisabledByDefault")->value, RegValue::Dword(1));
  EXPECT_EQ(*Find(w10, "TLS 1.2\\Client", "Enabled")->value, RegValue::Dword(1));
  EXPECT_EQ(Find(w10, "TLS 1.2\\Client", "Enabled")->effect, Effect::kServiceRestart);
  EXPECT_EQ(*Find(w10, "WinHttp", "DefaultSecureProtocols", View::k32)->value,
            RegValue::Dword(0x800));
  const RegChange* curves = Find(w10, "00010002", "EccCurves");
  ASSERT_NE(curves, nullptr);
  EXPECT_EQ(curves->value->type, kRegMultiSz);

  auto w11 = *CompilePolicy(p, "win11-24h2");
  EXPECT_EQ(*Find(w11, "TLS 1.3\\Server", "Enabled")->value, RegValue::Dword(1));
  EXPECT_EQ(*Find(w11, "WinHttp", "DefaultSecureProtocols")->value, RegValue::Dword(0x2800));
  EXPECT_TRUE(Sz(*Find(w11, "00010002", "Functions")->value)
                  .starts_with("TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,"
                               "TLS_CHACHA20_POLY1305_SHA256,"));
  // The 24H2 page writes nistP256 in lower case: the OS's own spelling.
  std::vector<uint8_t> d = Find(w11, "00010002", "EccCurves")->value->data;
  std::string flat;
  for (size_t i = 0; i < d.size(); i += 2) flat.push_back(d[i] ? static_cast<char>(d[i]) : '|');
  // Mozilla 6.0 leads with X25519MLKEM768; 24H2 has it from 26100.8514, so
  // without the target's revision it is kept with a note.
  EXPECT_EQ(flat, "x25519_mlkem768|curve25519|nistP256|nistP384||");

  // Windows 7: suffixed ECDHE names, only the ECDSA GCM suites exist there.
  auto w7 = *CompilePolicy(p, "win7");
  EXPECT_EQ(Sz(*Find(w7, "00010002", "Functions")->value),
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256,"
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384,"
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384");
  EXPECT_EQ(Find(w7, "00010002", "EccCurves"), nullptr);
  bool dropped_note = false;
  for (const std::string& n : w7.notes) {
    dropped_note |= n.starts_with("dropped TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }
  EXPECT_TRUE(dropped_note);
}

// --- Issue 26: Mozilla 6.0, hybrid groups, certificate types --------------------------

std::vector<std::string> Tls12Suites(const Policy& p) {
  std::vector<std::string> out;
  for (const std::string& s : p.suites.order) {
    if (!(*FindCipherSuite(s))->tls13) out.push_back(s);
  }
  return out;
}

TEST(PolicyTemplates, FollowMozillaSixAndOldStaysOnFiveEight) {
  // Mozilla Server Side TLS guidelines 6.0 (ssl-config-generator
  // src/static/guidelines/6.0.json), intermediate: these ECDHE suites, no DHE,
  // groups X25519MLKEM768, X25519, prime256v1, secp384r1. Windows has no TLS
  // 1.2 ChaCha20 suite.
  const std::vector<std::string> aead = {
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"};
  // 5.8's old configuration, ECDHE CBC suites in its order.
  const std::vector<std::string> cbc = {
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"};
  const std::vector<std::string> groups = {"x25519_mlkem768", "curve25519", "NistP256", "NistP384"};
  auto cited = [](const Policy& p, std::string_view what) {
    for (const std::string& c : p.cites) {
      if (c.find(what) != std::string::npos) return true;
    }
    return false;
  };
  Policy modern = *LoadPolicy("modern");
  EXPECT_TRUE(cited(modern, "Mozilla Server Side TLS guidelines 6.0"));
  EXPECT_EQ(Tls12Suites(modern), aead);
  EXPECT_EQ(modern.curves.order, groups);

  Policy inter = *LoadPolicy("intermediate");
  EXPECT_TRUE(cited(inter, "Mozilla Server Side TLS guidelines 6.0"));
  std::vector<std::string> want = aead;
  want.insert(want.end(), cbc.begin(), cbc.end());
  EXPECT_EQ(Tls12Suites(inter), want);
  EXPECT_EQ(inter.curves.order, groups);

  Policy old = *LoadPolicy("old");
  EXPECT_TRUE(cited(old, "Mozilla Server Side TLS guidelines 5.8"));
  EXPECT_FALSE(cited(old, "5.7"));
  // 5.8's old list, less 3DES (no template turns it on).
  std::vector<std::string> want_old = want;
  for (const char* s : {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                        "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
                        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"}) {
    want_old.push_back(s);
  }
  EXPECT_EQ(Tls12Suites(old), want_old);
  EXPECT_EQ(old.curves.order, groups);
  EXPECT_EQ(old.key_sizes.dh_server_min, 2048u);  // 5.8's dh_param_size

  // The Mozilla templates have no DHE suite any more, and no template turns
  // on 3DES, RC4, DES, NULL or export suites.
  for (const std::string& name : TemplateNames()) {
    SCOPED_TRACE(name);
    Policy p = *LoadPolicy(name);
    bool mozilla = name == "modern" || name == "intermediate" || name == "old";
    for (const std::string& s : p.suites.order) {
      const CipherSuiteInfo& info = **FindCipherSuite(s);
      if (mozilla) EXPECT_EQ(std::string(info.name).find("_DHE_"), std::string::npos) << s;
      EXPECT_TRUE(info.strong) << s;
      EXPECT_EQ(std::string(info.cipher).find("3DES"), std::string::npos) << s;
    }
  }
}

TEST(PolicyCompile, HybridGroupOnlyWhereTheBuildHasIt) {
  Policy p = *LoadPolicy("intermediate");
  auto curves = [](const CompiledPolicy& c) {
    const RegChange* e = Find(c, "00010002", "EccCurves");
    std::string flat;
    if (e == nullptr || !e->value) return flat;
    for (size_t i = 0; i < e->value->data.size(); i += 2) {
      flat.push_back(e->value->data[i] ? static_cast<char>(e->value->data[i]) : '|');
    }
    return flat;
  };
  auto noted = [](const CompiledPolicy& c, std::string_view what) {
    for (const std::string& n : c.notes) {
      if (n.find(what) != std::string::npos) return true;
    }
    return false;
  };
  // Windows 11 24H2, revision unknown: kept, with the build it needs.
  auto w24 = *CompilePolicy(p, "win11-24h2");
  EXPECT_EQ(curves(w24), "x25519_mlkem768|curve25519|nistP256|nistP384||");
  EXPECT_TRUE(noted(w24, "curve x25519_mlkem768 is kept: it needs build 26100.8514"));
  // A known older revision drops it; 8514 keeps it without a note.
  CompileOptions older;
  older.update_revision = 8000;
  auto w24old = *CompilePolicy(p, "win11-24h2", older);
  EXPECT_EQ(curves(w24old), "curve25519|nistP256|nistP384||");
  EXPECT_TRUE(noted(w24old, "dropped curve x25519_mlkem768: it needs build 26100.8514"));
  CompileOptions current;
  current.update_revision = 8514;
  auto w24new = *CompilePolicy(p, "win11-24h2", current);
  EXPECT_EQ(curves(w24new), "x25519_mlkem768|curve25519|nistP256|nistP384||");
  EXPECT_FALSE(noted(w24new, "x25519_mlkem768"));
  // Server 2025 (26100) has it only from build 29550.
  auto s25 = *CompilePolicy(p, "ws2025");
  EXPECT_EQ(curves(s25), "curve25519|nistP256|nistP384||");
  EXPECT_TRUE(noted(s25, "dropped curve x25519_mlkem768: it needs build 29550"));
  // Windows 10 has no hybrid group at all.
  auto w10 = *CompilePolicy(p, "win10-22h2");
  EXPECT_EQ(curves(w10), "curve25519|NistP256|NistP384||");
  EXPECT_TRUE(noted(w10, "26100.8514"));

  // An order with no group the OS can use is refused (exit 2).
  Policy pq = Parse("[curves]\norder = [\"x25519_mlkem768\"]\n");
  for (std::string_view os : {"win10-22h2", "ws2025", "win11-24h2"}) {
    SCOPED_TRACE(os);
    auto c = CompilePolicy(pq, os);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "no-curve");
    EXPECT_EQ(ExitCodeFor(c.error().kind), 2);
  }
  EXPECT_NE(CompilePolicy(pq, "win11-24h2").error().message.find("TLS 1.3 only"),
            std::string::npos);
}

TEST(PolicyCompile, CertificateTypesLeftWithoutATls12Suite) {
  // "modern" on Server 2008 R2 keeps the three ECDSA GCM suites of the
  // Windows 7 page: an RSA server has no TLS 1.2 suite.
  auto r2 = *CompilePolicy(*LoadPolicy("modern"), "ws2008r2");
  ASSERT_EQ(r2.warnings.size(), 1u);
  EXPECT_NE(r2.warnings[0].find("RSA certificates"), std::string::npos) << r2.warnings[0];
  std::string list = Sz(*Find(r2, "00010002", "Functions")->value);
  std::vector<std::string> names;
  std::stringstream ss(list);
  for (std::string n; std::getline(ss, n, ',');) names.push_back(n);
  EXPECT_EQ(CertTypesWithoutTls12Suite(names, "ws2008r2"), std::vector<std::string>{"RSA"});
  // The ECDHE_RSA CBC suites of "intermediate" serve RSA there.
  EXPECT_TRUE(CompilePolicy(*LoadPolicy("intermediate"), "ws2008r2")->warnings.empty());
  for (std::string_view os : {"win10-22h2", "ws2022", "win11-24h2"}) {
    EXPECT_TRUE(CompilePolicy(*LoadPolicy("modern"), os)->warnings.empty()) << os;
  }
  // The function alone: RSA only, TLS 1.3 only, an OS without the suite.
  EXPECT_EQ(CertTypesWithoutTls12Suite({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, "win10-22h2"),
            std::vector<std::string>{"ECDSA"});
  EXPECT_EQ(CertTypesWithoutTls12Suite({"TLS_AES_128_GCM_SHA256"}, "ws2022"),
            (std::vector<std::string>{"RSA", "ECDSA"}));
  EXPECT_EQ(CertTypesWithoutTls12Suite({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256"},
                                       "win7"),
            std::vector<std::string>{"RSA"});
  // NULL (used only on request) serves nobody.
  EXPECT_EQ(
      CertTypesWithoutTls12Suite(
          {"TLS_RSA_WITH_NULL_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, "win10-22h2"),
      std::vector<std::string>{"RSA"});
  EXPECT_TRUE(CertTypesWithoutTls12Suite({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
                                         "no-such-os")
                  .empty());
}

TEST(PolicyCompile, Refusals) {
  // TLS 1.3 on an older OS without "drop": refused unless insisted.
  Policy p = Parse(
      "[protocols]\nclient = [\"TLS 1.2\", \"TLS 1.3\"]\nserver = [\"TLS 1.2\"]\n"
      "[cipher_suites]\norder = [\"TLS_AES_128_GCM_SHA256\", "
      "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]\n");
  auto c = CompilePolicy(p, "ws2019");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "tls13-unsupported");
  EXPECT_EQ(ExitCodeFor(c.error().kind), 2);
  CompileOptions insist;
  insist.allow_tls13_on_old_os = true;
  // Insisting keeps the protocol, but the OS's page lists no TLS 1.3 suite, so
  // a suite list leaves TLS 1.3 without one: still refused.
  auto forced = CompilePolicy(p, "ws2019", insist);
  ASSERT_FALSE(forced);
  EXPECT_EQ(forced.error().code, "protocol-without-suite");
  // Without a suite list it is written, with a note.
  Policy protocols_only =
      Parse("[protocols]\nclient = [\"TLS 1.2\", \"TLS 1.3\"]\nserver = [\"TLS 1.2\"]\n");
  forced = CompilePolicy(protocols_only, "ws2019", insist);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(*Find(*forced, "TLS 1.3\\Client", "Enabled")->value, RegValue::Dword(1));
  EXPECT_EQ(*Find(*forced, "TLS 1.3\\Server", "Enabled")->value, RegValue::Dword(0));
  // WinHTTP gets no 0x2000 before Windows 11 / Server 2022.
  EXPECT_EQ(*Find(*forced, "WinHttp", "DefaultSecureProtocols")->value, RegValue::Dword(0x800));
  EXPECT_FALSE(forced->notes.empty());

  // An enabled protocol with no suite.
  p = Parse(
      "[protocols]\nclient = [\"TLS 1.0\", \"TLS 1.2\"]\nserver = [\"TLS 1.2\"]\n"
      "[cipher_suites]\norder = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]\n");
  c = CompilePolicy(p, "win10-22h2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "protocol-without-suite");
  EXPECT_NE(c.error().message.find("TLS 1.0"), std::string::npos);

  // TLS 1.3 enabled (Windows 11) without a TLS 1.3 suite.
  p = Parse(
      "[protocols]\nclient = [\"TLS 1.2\", \"TLS 1.3\"]\nserver = [\"TLS 1.2\", \"TLS 1.3\"]\n"
      "[cipher_suites]\norder = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]\n");
  c = CompilePolicy(p, "win11-24h2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "protocol-without-suite");

  // TLS 1.2 with only TLS 1.3 suites.
  p = Parse(
      "[protocols]\nclient = [\"TLS 1.2\", \"TLS 1.3\"]\nserver = [\"TLS 1.2\", \"TLS 1.3\"]\n"
      "[cipher_suites]\norder = [\"TLS_AES_128_GCM_SHA256\"]\n");
  c = CompilePolicy(p, "ws2022");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("TLS 1.2"), std::string::npos);

  // Nothing left on this OS: only suites Windows 10 lacks.
  p = Parse("[cipher_suites]\norder = [\"TLS_AES_128_GCM_SHA256\"]\n");
  c = CompilePolicy(p, "win10-22h2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "no-suite");

  // Over 1,023 characters: every suite Windows 8.1 has is far more.
  std::string all = "[cipher_suites]\norder = [";
  for (const CipherSuiteInfo& s : AllCipherSuites()) {
    if (!s.tls13 && !s.ssl2) all += "\"" + std::string(s.name) + "\",";
  }
  all += "]\n";
  c = CompilePolicy(Parse(all), "win81");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "suite-list-too-long");
  EXPECT_NE(c.error().message.find("1,023"), std::string::npos);

  // No protocol left for servers.
  p = Parse(
      "[protocols]\nclient = [\"TLS 1.2\"]\nserver = [\"TLS 1.3\"]\n"
      "tls13_on_older_os = \"drop\"\n");
  c = CompilePolicy(p, "win10-22h2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "no-protocol");

  // Unknown OS.
  c = CompilePolicy(p, "win95");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "unknown-os");
}

TEST(PolicyCompile, OsDefaultDeletesEveryOverride) {
  auto c = *CompilePolicy(*LoadPolicy("os-default"), "win10-22h2");
  for (const RegChange& ch : c.changes) EXPECT_FALSE(ch.value) << ch.key << " " << ch.name;
  EXPECT_NE(Find(c, "00010002", "Functions"), nullptr);
  EXPECT_NE(Find(c, "00010002", "EccCurves"), nullptr);
  EXPECT_NE(Find(c, "SSL 3.0\\Server", "DisabledByDefault"), nullptr);
  EXPECT_NE(Find(c, "Ciphers\\RC4 128/128", "Enabled"), nullptr);
  EXPECT_NE(Find(c, "v4.0.30319", "SchUseStrongCrypto", View::k32), nullptr);
  EXPECT_NE(Find(c, "FipsAlgorithmPolicy", "Enabled"), nullptr);
  EXPECT_NE(Find(c, "SCHANNEL", "EventLogging"), nullptr);
}

TEST(PolicyCompile, EffectNames) {
  EXPECT_EQ(EffectName(Effect::kNextProcess), "next-process");
  EXPECT_EQ(EffectName(Effect::kServiceRestart), "service-restart");
  EXPECT_EQ(EffectName(Effect::kReboot), "reboot");
}

// --- Issue 23, trap 3: no component left without a protocol -----------------------

constexpr std::string_view kTls12Only = R"(
[protocols]
client = ["TLS 1.2"]
server = ["TLS 1.2"]
)";

// What a capture of an IIS Crypto backup used to hold: SCHANNEL at TLS 1.2
// only, and `[dotnet] reset = true`. .NET without SystemDefaultTlsVersions
// offers SSL 3.0 and TLS 1.0 (R27), both off: it could connect to nothing.
TEST(PolicyCompile, APolicyLeavingDotnetWithNoProtocolIsRefused) {
  for (std::string_view dotnet :
       {"[dotnet]\nreset = true\n",
        "[dotnet]\nstrong_crypto = false\nsystem_default_tls_versions = false\n"}) {
    SCOPED_TRACE(dotnet);
    Policy p = Parse(std::string(kTls12Only) + std::string(dotnet));
    auto c = CompilePolicy(p, "ws2019");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "component-without-protocol");
    EXPECT_EQ(ExitCodeFor(c.error().kind), 2);
    const std::string& m = c.error().message;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_NE(m.find("policy leaves dotnet (v4 64-bit, v4 32-bit, v2 64-bit, v2 32-bit) with no "
                     "usable protocol"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("system_default_tls_versions = true"), std::string::npos) << m;
  }
  // Strong crypto keeps TLS 1.2 for .NET; a policy without [dotnet] decides
  // nothing about it; protocols.dotnet makes .NET follow SCHANNEL.
  for (std::string_view ok :
       {"[dotnet]\nstrong_crypto = true\nsystem_default_tls_versions = false\n", "",
        "[dotnet]\nreset = true\n[protocols]\nclient = [\"TLS 1.0\", \"TLS 1.2\"]\n"
        "server = [\"TLS 1.2\"]\n"}) {
    SCOPED_TRACE(ok);
    std::string text = std::string(ok).find("[protocols]") != std::string::npos
                           ? std::string(ok)
                           : std::string(kTls12Only) + std::string(ok);
    Policy p = Parse(text);
    auto c = CompilePolicy(p, "ws2019");
    EXPECT_TRUE(c) << c.error().message;
  }
  Policy follows = Parse(std::string(kTls12Only) + "dotnet = true\n");
  EXPECT_TRUE(CompilePolicy(follows, "ws2019"));
}

// --- Issue 23, trap 4: a profile and a template of the same name agree -------------

std::unique_ptr<RegistryBackend> MachineOf(const OsInfo& os) {
  auto b = NewMemBackend(Architecture::k64Bit);
  std::string cv = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
  EXPECT_TRUE(
      b->SetValue(View::k64, cv, "CurrentBuild", RegValue::String(std::to_string(os.build))));
  EXPECT_TRUE(b->SetValue(View::k64, cv, "InstallationType",
                          RegValue::String(os.server ? "Server" : "Client")));
  EXPECT_TRUE(b->Commit());
  return b;
}

TEST(ProfilesAndTemplates, ANameBothAreMeansOneWinHttpValuePerOs) {
  int shared = 0;
  for (const Profile& pr : AllProfiles()) {
    if (!TemplateText(pr.name)) continue;
    ++shared;
    auto policy = LoadPolicy(pr.name);
    ASSERT_TRUE(policy);
    auto spec = ParseProtocols(std::vector<std::string>{std::string(pr.name)});
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->profile, pr.name);
    for (const OsInfo& os : OsCatalog()) {
      SCOPED_TRACE(std::string(pr.name) + " on " + os.id);
      auto compiled = CompilePolicy(*policy, os.id);
      if (!compiled) continue;  // a template some OS cannot hold
      const RegChange* w = Find(*compiled, "WinHttp", "DefaultSecureProtocols");
      ASSERT_NE(w, nullptr);
      ASSERT_TRUE(w->value);
      uint32_t written = *w->value->AsDword();
      EXPECT_EQ(WinHttpValueForOs(ProtocolSet(pr.bits), os), written);
      // The machine after `policy apply NAME` passes `check NAME`...
      auto machine = MachineOf(os);
      auto resolved = WinHttpValueForTarget(*spec, *machine);
      EXPECT_EQ(resolved.value, written);
      EXPECT_EQ(resolved.note.empty(), written == pr.bits) << resolved.note;
      ASSERT_TRUE(ApplyChangesForWhatIf(*machine, compiled->changes));
      auto check = CheckSetting(*machine, resolved.value, {View::k64, View::k32});
      ASSERT_TRUE(check);
      EXPECT_TRUE(check->compliant);
      // ...and one holding what `set NAME` writes there complies with the
      // template's WinHTTP values.
      for (const RegChange& ch : compiled->changes) {
        if (ch.name != "DefaultSecureProtocols") continue;
        EXPECT_EQ(ch.value, RegValue::Dword(resolved.value));
      }
    }
  }
  EXPECT_GE(shared, 1);
}

TEST(ProfilesAndTemplates, OnlyAProfileNameOnAKnownOsIsResolved) {
  auto ws2019 = FindOs("ws2019");
  ASSERT_TRUE(ws2019);
  EXPECT_EQ(WinHttpValueForOs(ProtocolSet(0x2800), *ws2019), 0x800u);
  auto ws2022 = FindOs("ws2022");
  ASSERT_TRUE(ws2022);
  EXPECT_EQ(WinHttpValueForOs(ProtocolSet(0x2800), *ws2022), 0x2800u);

  auto machine = MachineOf(*ws2019);
  auto modern = ParseProtocols(std::vector<std::string>{"modern"});
  ASSERT_TRUE(modern);
  auto r = WinHttpValueForTarget(*modern, *machine);
  EXPECT_EQ(r.value, 0x800u);
  EXPECT_EQ(r.os_id, "ws2019");
  EXPECT_NE(r.note.find("modern on "), std::string::npos) << r.note;
  EXPECT_NE(r.note.find("0x00000800"), std::string::npos) << r.note;
  // Numbers and protocol names mean what they say.
  for (const char* words : {"tls1.2,tls1.3", "0x2800"}) {
    auto spec = ParseProtocols(std::vector<std::string>{words});
    ASSERT_TRUE(spec);
    EXPECT_TRUE(spec->profile.empty());
    EXPECT_EQ(WinHttpValueForTarget(*spec, *machine).value, 0x2800u) << words;
  }
  // A blank hive does not say its OS: the profile's OS-less bits.
  auto blank = NewMemBackend(Architecture::k64Bit);
  auto b = WinHttpValueForTarget(*modern, *blank);
  EXPECT_EQ(b.value, 0x2800u);
  EXPECT_TRUE(b.os_id.empty());
  EXPECT_TRUE(b.note.empty());
}

}  // namespace
}  // namespace secproto

namespace secproto {
namespace {

// Issue 26 item 5: before Windows 10 the Diffie-Hellman minimums exist with
// the update of Microsoft Security Advisory 3174644 [unsure]: written with
// that caveat; the PKCS minimum is read from Windows 10 on: not written.
TEST(PolicyCompile, KeySizesBeforeWindows10) {
  auto p = LoadPolicy("", std::vector<std::string>{"key_sizes.dh_server_min=2048",
                                                   "key_sizes.rsa_client_min=2048"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto c = CompilePolicy(*p, "win7");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  bool dh = false, pkcs = false;
  for (const RegChange& x : c->changes) {
    if (x.key.ends_with("Diffie-Hellman") && x.name == "ServerMinKeyBitLength") {
      dh = true;
      EXPECT_NE(x.why.find("3174644"), std::string::npos) << x.why;
    }
    if (x.key.ends_with("PKCS")) pkcs = true;
  }
  EXPECT_TRUE(dh);
  EXPECT_FALSE(pkcs);
  std::string notes;
  for (const std::string& n : c->notes) notes += n + "\n";
  EXPECT_NE(notes.find("Security Advisory 3174644"), std::string::npos) << notes;
  EXPECT_NE(notes.find("rsa_client_min not written"), std::string::npos) << notes;
  // Windows 10 writes both, citing the registry page.
  auto w10 = CompilePolicy(*p, "win10-22h2");
  ASSERT_TRUE(w10.has_value());
  int written = 0;
  for (const RegChange& x : w10->changes) written += x.name.ends_with("MinKeyBitLength");
  EXPECT_EQ(written, 2);
}

// [registry]: a DWORD under the TLS stack's keys is written as given; any
// other key is refused (exit 2), and the part round-trips through TOML.
TEST(PolicyFile, RegistryPartIsLimitedToTheTlsStack) {
  auto p = LoadPolicy(
      "", std::vector<std::string>{"registry.'HKLM\\SYSTEM\\CurrentControlSet\\Control\\"
                                   "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client'."
                                   "Enabled=1",
                                   "registry.'HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\"
                                   "CurrentVersion\\Internet Settings\\WinHttp'."
                                   "DefaultSecureProtocols=2048"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  ASSERT_EQ(p->registry.values.size(), 2u);
  // TOML tables are read in key order: the WinHttp key comes first.
  const RegistryDword& w = p->registry.values[0].name == "DefaultSecureProtocols"
                               ? p->registry.values[0]
                               : p->registry.values[1];
  EXPECT_EQ(w.view, View::k32);
  EXPECT_EQ(w.key,
            "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp");
  EXPECT_EQ(w.value, 2048u);
  auto back = ParsePolicy(PolicyToToml(*p), "toml", "round-trip");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->registry.values.size(), 2u);
  auto c = CompilePolicy(*p, "ws2019");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->changes.size(), 2u);
  auto bad = LoadPolicy("", std::vector<std::string>{
                                "registry.'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                                "Run'.Evil=1"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "bad-policy");
}

}  // namespace
}  // namespace secproto
