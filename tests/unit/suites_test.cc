// The cipher suite and curve tables (src/core/suites.cc).
#include "secproto/suites.h"

#include <gtest/gtest.h>

#include <set>

namespace secproto {
namespace {

TEST(Suites, NamesAndCodesAreUnique) {
  std::set<std::string_view> names;
  std::set<uint32_t> codes;
  for (const CipherSuiteInfo& s : AllCipherSuites()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_TRUE(codes.insert(s.code).second) << s.name;
    EXPECT_NE(s.protocols, 0u) << s.name;
  }
  EXPECT_EQ(names.size(), 52u);
}

TEST(Suites, CodePointsFromTheIanaRegistry) {
  // Independent expectations from the IANA TLS Cipher Suites registry.
  EXPECT_EQ((*FindCipherSuite("TLS_AES_128_GCM_SHA256"))->code, 0x1301u);
  EXPECT_EQ((*FindCipherSuite("TLS_CHACHA20_POLY1305_SHA256"))->code, 0x1303u);
  EXPECT_EQ((*FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))->code, 0xC030u);
  EXPECT_EQ((*FindCipherSuite("TLS_RSA_WITH_3DES_EDE_CBC_SHA"))->code, 0x000Au);
  EXPECT_EQ((*FindCipherSuite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"))->code, 0x009Eu);
}

TEST(Suites, Properties) {
  const CipherSuiteInfo* aes13 = *FindCipherSuite("TLS_AES_256_GCM_SHA384");
  EXPECT_TRUE(aes13->tls13);
  EXPECT_EQ(aes13->protocols, 0x2000u);
  EXPECT_FALSE(aes13->http2_blocked);
  const CipherSuiteInfo* cbc = *FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
  EXPECT_FALSE(cbc->tls13);
  EXPECT_TRUE(cbc->http2_blocked);  // RFC 7540 Appendix A: CBC
  EXPECT_EQ(cbc->kex, KeyExchange::kEcdhe);
  EXPECT_TRUE(cbc->curve_suffixed_before_win10);
  const CipherSuiteInfo* rsagcm = *FindCipherSuite("TLS_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_TRUE(rsagcm->aead);
  EXPECT_TRUE(rsagcm->http2_blocked);  // RSA key exchange is block-listed
  EXPECT_FALSE((*FindCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))->http2_blocked);
  EXPECT_FALSE((*FindCipherSuite("TLS_RSA_WITH_RC4_128_SHA"))->strong);
  EXPECT_FALSE((*FindCipherSuite("TLS_RSA_WITH_NULL_SHA256"))->strong);
  EXPECT_TRUE((*FindCipherSuite("TLS_RSA_WITH_AES_128_CBC_SHA"))->strong);
}

TEST(Suites, ParseByNameSuffixAndCase) {
  auto s = FindCipherSuite("tls_ecdhe_ecdsa_with_aes_128_gcm_sha256_P256");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->name, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(CurveSuffix("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384"), "_P384");
  EXPECT_EQ(CurveSuffix("TLS_RSA_WITH_AES_128_CBC_SHA"), "");
  // A suffix only belongs on ECDHE suites.
  EXPECT_FALSE(FindCipherSuite("TLS_RSA_WITH_AES_128_CBC_SHA_P256"));
}

TEST(Suites, UnknownNameSuggests) {
  auto s = FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "unknown-suite");
  EXPECT_NE(s.error().message.find("did you mean 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'"),
            std::string::npos)
      << s.error().message;
  EXPECT_EQ(FindCipherSuite("banana").error().message, "unknown cipher suite 'banana'");
}

TEST(Curves, NamesIdsAndSuggestions) {
  EXPECT_EQ((*FindCurve("curve25519"))->group_id, 29);
  EXPECT_EQ((*FindCurve("nistp256"))->group_id, 23);
  EXPECT_EQ((*FindCurve("secp384r1"))->name, "NistP384");  // IANA name finds the NIST row
  EXPECT_EQ((*FindCurve("x25519"))->name, "curve25519");
  EXPECT_TRUE((*FindCurve("x25519_mlkem768"))->post_quantum);
  EXPECT_EQ((*FindCurve("x25519_mlkem768"))->group_id, 0x11EC);
  auto c = FindCurve("NistP265");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "unknown-curve");
  EXPECT_NE(c.error().message.find("did you mean"), std::string::npos);
}

}  // namespace
}  // namespace secproto
