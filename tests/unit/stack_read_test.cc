// ReadStack on the in-memory registry: every value the policy writes is read
// back raw, with its key, view and type; missing stays missing.
#include <gtest/gtest.h>

#include "secproto/policy.h"
#include "secproto/stack.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

const std::string kSch = std::string(kSchannelKey);
const std::string kLocal =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002";

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

TEST(ReadStack, EmptyTargetHasEveryValueMissing) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto s = ReadStack(*b);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->target, "mem:");
  EXPECT_TRUE(s->has_system);
  EXPECT_TRUE(s->has_software);
  for (size_t i = 0; i < kProtocolCount; ++i) {
    EXPECT_FALSE(s->client[i].enabled.value);
    EXPECT_FALSE(s->server[i].disabled_by_default.value);
  }
  EXPECT_EQ(s->client[static_cast<size_t>(Protocol::kTls12)].enabled.key,
            kSch + "\\Protocols\\TLS 1.2\\Client");
  EXPECT_EQ(s->server[static_cast<size_t>(Protocol::kSsl2)].disabled_by_default.key,
            kSch + "\\Protocols\\SSL 2.0\\Server");
  EXPECT_EQ(s->suites_policy.key, std::string(kSuitePolicyKey));
  EXPECT_EQ(s->suites_policy.name, "Functions");
  EXPECT_EQ(s->suites_local.key, kLocal);
  EXPECT_TRUE(s->ciphers.empty());
  EXPECT_TRUE(s->hashes.empty());
  EXPECT_TRUE(s->key_exchange.empty());
  ASSERT_EQ(s->dotnet.size(), 4u);
  EXPECT_EQ(s->dotnet[0].version, "v4.0.30319");
  EXPECT_EQ(s->dotnet[0].view, View::k64);
  EXPECT_EQ(s->dotnet[1].view, View::k32);
  EXPECT_EQ(s->dotnet[2].version, "v2.0.50727");
  EXPECT_EQ(s->dotnet[3].strong_crypto.name, "SchUseStrongCrypto");
  EXPECT_EQ(s->winhttp[1].view, View::k32);
  EXPECT_EQ(s->winhttp[0].name, "DefaultSecureProtocols");
  EXPECT_EQ(s->wininet[0].name, "SecureProtocols");
  EXPECT_FALSE(s->fips_enabled.value);
  EXPECT_EQ(s->event_logging.key, kSch);
}

TEST(ReadStack, ReadsWhatTheCompiledModernTemplateWrites) {
  auto b = NewMemBackend(Architecture::k64Bit);
  auto policy = LoadPolicy("modern");
  ASSERT_TRUE(policy);
  auto compiled = CompilePolicy(*policy, "win11-24h2");
  ASSERT_TRUE(compiled) << compiled.error().message;
  for (const RegChange& c : compiled->changes) {
    if (c.value) {
      ASSERT_TRUE(b->SetValue(c.view, c.key, c.name, *c.value));
    }
  }
  ASSERT_TRUE(b->Commit());
  auto s = ReadStack(*b);
  ASSERT_TRUE(s) << s.error().message;
  // Every value the compiler wrote is found where the struct says it is.
  size_t found = 0;
  auto check = [&](const StackValue& v) {
    for (const RegChange& c : compiled->changes) {
      if (c.view == v.view && KeyNameEquals(c.key, v.key) && c.name == v.name && c.value) {
        EXPECT_EQ(v.value, c.value) << v.key << " " << v.name;
        ++found;
      }
    }
  };
  for (size_t i = 0; i < kProtocolCount; ++i) {
    check(s->client[i].enabled);
    check(s->client[i].disabled_by_default);
    check(s->server[i].enabled);
    check(s->server[i].disabled_by_default);
  }
  check(s->suites_policy);
  check(s->curves_policy);
  for (const auto& group : {s->ciphers, s->hashes, s->key_exchange}) {
    for (const LegacyKey& k : group) check(k.enabled);
  }
  check(s->dh_server_min);
  check(s->dh_client_min);
  check(s->rsa_client_min);
  for (const DotnetKeys& d : s->dotnet) {
    check(d.strong_crypto);
    check(d.system_default_tls);
  }
  check(s->fips_enabled);
  check(s->event_logging);
  for (const StackValue& v : s->winhttp) check(v);
  for (const StackValue& v : s->wininet) check(v);
  size_t written = 0;
  for (const RegChange& c : compiled->changes) written += c.value ? 1 : 0;
  EXPECT_EQ(found, written);
  ASSERT_TRUE(s->suites_policy.value);
  EXPECT_EQ(s->suites_policy.value->type, kRegSz);
  EXPECT_EQ(s->client[static_cast<size_t>(Protocol::kTls13)].enabled.value, RegValue::Dword(1));
  EXPECT_EQ(s->client[static_cast<size_t>(Protocol::kTls10)].enabled.value, RegValue::Dword(0));
}

TEST(ReadStack, ReadsRawTypesLegacySubkeysAndTheLocalList) {
  auto b = NewMemBackend(Architecture::k64Bit);
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\Protocols\\TLS 1.2\\Server", "Enabled",
                          RegValue::Dword(0xFFFFFFFF)));
  ASSERT_TRUE(b->SetValue(View::k64, std::string(kSuitePolicyKey), "Functions",
                          Multi({"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"})));
  ASSERT_TRUE(b->SetValue(View::k64, kLocal, "Functions", Multi({"TLS_AES_128_GCM_SHA256"})));
  ASSERT_TRUE(b->SetValue(View::k64, kLocal, "EccCurves", Multi({"NistP256"})));
  ASSERT_TRUE(
      b->SetValue(View::k64, kSch + "\\Ciphers\\RC4 128/128", "Enabled", RegValue::Dword(0)));
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\Ciphers\\AES 256/256", "Enabled",
                          RegValue::Dword(0xFFFFFFFF)));
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\Ciphers\\Made Up 1/1", "Other", RegValue::Dword(7)));
  ASSERT_TRUE(b->SetValue(View::k64, kSch + "\\KeyExchangeAlgorithms\\Diffie-Hellman",
                          "ServerMinKeyBitLength", RegValue::Dword(2048)));
  ASSERT_TRUE(b->SetValue(View::k32, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
                          "SchUseStrongCrypto", RegValue::String("1")));
  ASSERT_TRUE(b->SetValue(View::k64,
                          "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion"
                          "\\Internet Settings",
                          "SecureProtocols", RegValue::Dword(0xA80)));
  ASSERT_TRUE(b->Commit());
  auto s = ReadStack(*b);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server[static_cast<size_t>(Protocol::kTls12)].enabled.value,
            RegValue::Dword(0xFFFFFFFF));
  ASSERT_TRUE(s->suites_policy.value);
  EXPECT_EQ(s->suites_policy.value->type, kRegMultiSz);  // raw: not interpreted
  EXPECT_EQ(s->suites_local.value, Multi({"TLS_AES_128_GCM_SHA256"}));
  EXPECT_EQ(s->curves_local.value, Multi({"NistP256"}));
  ASSERT_EQ(s->ciphers.size(), 3u);
  std::map<std::string, std::optional<RegValue>> ciphers;
  for (const LegacyKey& k : s->ciphers) ciphers[k.name] = k.enabled.value;
  EXPECT_EQ(ciphers["RC4 128/128"], RegValue::Dword(0));
  EXPECT_EQ(ciphers["AES 256/256"], RegValue::Dword(0xFFFFFFFF));
  EXPECT_FALSE(ciphers["Made Up 1/1"]);  // found, no Enabled
  ASSERT_EQ(s->key_exchange.size(), 1u);
  EXPECT_EQ(s->key_exchange[0].name, "Diffie-Hellman");
  EXPECT_FALSE(s->key_exchange[0].enabled.value);
  EXPECT_EQ(s->dh_server_min.value, RegValue::Dword(2048));
  EXPECT_EQ(s->dotnet[3].strong_crypto.value, RegValue::String("1"));
  EXPECT_FALSE(s->dotnet[2].strong_crypto.value);
  EXPECT_EQ(s->wininet_policy.value, RegValue::Dword(0xA80));
}

TEST(ReadStack, AReadFailureIsATargetError) {
  for (int n : {1, 5, 40}) {
    auto b =
        NewFaultInjectingBackend(NewMemBackend(Architecture::k64Bit), FaultPlan{.fail_read = n});
    auto s = ReadStack(*b);
    ASSERT_FALSE(s) << n;
    EXPECT_EQ(s.error().kind, ErrorKind::kTarget);
    EXPECT_EQ(ExitCodeFor(s.error().kind), 3);
  }
}

}  // namespace
}  // namespace secproto
