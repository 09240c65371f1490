// The per-OS TLS catalog, spot-checked against Microsoft's pages: the counts
// and first suites below are typed from the pages, as an independent
// expectation of the transcription in src/catalog.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "catalog/suite_pages.h"
#include "secproto/catalog.h"

namespace secproto {
namespace {

OsTlsInfo Tls(std::string_view id) {
  auto t = FindOsTls(id);
  EXPECT_TRUE(t) << id;
  return *t;
}

TEST(TlsCatalog, EveryTranscribedNameIsInTheCoreTable) {
  for (const catalog::SuitePage& p : catalog::SuitePages()) {
    for (auto list : {p.enabled, p.supported, p.psk}) {
      for (const catalog::PageSuite& s : list) EXPECT_TRUE(FindCipherSuite(s.name)) << s.name;
    }
  }
}

TEST(TlsCatalog, EveryOsHasARow) {
  for (const OsInfo& o : OsCatalog()) {
    SCOPED_TRACE(o.id);
    OsTlsInfo t = Tls(o.id);
    // Microsoft has a suite page for every version; Server 2008 SP2 reads
    // "TLS Cipher Suites in Windows Vista".
    EXPECT_TRUE(t.has_suites);
    if (!t.has_suites) {
      EXPECT_FALSE(t.suites_note.empty());
      continue;
    }
    EXPECT_FALSE(t.suites_source.empty());
    EXPECT_FALSE(t.curves_source.empty());
    EXPECT_FALSE(t.DefaultCurveOrder().empty());
    // TLS 1.3 suites exactly where the OS has TLS 1.3.
    bool any13 = false;
    for (const OsSuite& s : t.suites) any13 |= s.suite->tls13;
    EXPECT_EQ(any13, o.tls13);
    EXPECT_EQ(t.schannel_server[static_cast<size_t>(Protocol::kTls13)] == SchannelDefault::kOn,
              o.tls13);
  }
}

TEST(TlsCatalog, CountsAndFirstSuitesPerPage) {
  struct Want {
    std::string_view id;
    size_t enabled;
    std::string_view first;
    std::string_view source;
  };
  const Want wants[] = {
      // "Cipher Suites in TLS/SSL (Schannel SSP)": "Windows Server 2008 and
      // Windows Vista: ... see TLS Cipher Suites in Windows Vista".
      {"ws2008", 24, "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS Cipher Suites in Windows Vista"},
      {"win7", 40, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256", "TLS Cipher Suites in Windows 7"},
      {"win81", 40, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
       "TLS Cipher Suites in Windows 8.1"},
      {"ws2016", 32, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows 10 v1607"},
      {"ws2019", 23, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows 10 v1809"},
      {"win10-1909", 23, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows 10 v1903, v1909, and v2004"},
      {"win10-22h2", 20, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows 10 v22H2"},
      {"ws2022", 25, "TLS_AES_256_GCM_SHA384", "TLS Cipher Suites in Windows Server 2022"},
      {"win11-21h2", 25, "TLS_AES_256_GCM_SHA384", "TLS Cipher Suites in Windows 11"},
      {"win11-24h2", 22, "TLS_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows 11 v22H2 and later"},
      {"ws2025", 22, "TLS_AES_256_GCM_SHA384",
       "TLS Cipher Suites in Windows Server 2025 and later"},
  };
  for (const Want& w : wants) {
    SCOPED_TRACE(w.id);
    OsTlsInfo t = Tls(w.id);
    auto order = t.DefaultSuiteOrder();
    EXPECT_EQ(order.size(), w.enabled);
    ASSERT_FALSE(order.empty());
    EXPECT_EQ(order[0], w.first);
    EXPECT_EQ(t.suites_source, w.source);
  }
}

TEST(TlsCatalog, PageDetails) {
  // Windows 7: ECDHE names carry the curve; _P521 is supported, not enabled.
  OsTlsInfo w7 = Tls("win7");
  EXPECT_TRUE(w7.curve_suffixes);
  EXPECT_FALSE(w7.curve_order_setting);
  const OsSuite* p521 = nullptr;
  for (const OsSuite& s : w7.suites) {
    if (s.windows_name == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521") p521 = &s;
  }
  ASSERT_NE(p521, nullptr);
  EXPECT_FALSE(p521->enabled);
  // Windows 7 has no ECDHE_RSA GCM suite.
  EXPECT_EQ(w7.FindSuite(**FindCipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")), nullptr);
  // ChaCha20 is supported but not enabled on Windows 11.
  OsTlsInfo w11 = Tls("win11-24h2");
  const OsSuite* chacha = w11.FindSuite(**FindCipherSuite("TLS_CHACHA20_POLY1305_SHA256"));
  ASSERT_NE(chacha, nullptr);
  EXPECT_FALSE(chacha->enabled);
  // Server 2022: 3DES is not strong-crypto there.
  OsTlsInfo ws22 = Tls("ws2022");
  const OsSuite* des3 = ws22.FindSuite(**FindCipherSuite("TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
  ASSERT_NE(des3, nullptr);
  EXPECT_FALSE(des3->strong);
  EXPECT_FALSE(ws22.suites_note.empty());
  // PSK suites are listed from 1607 on and marked.
  size_t psk = 0;
  for (const OsSuite& s : Tls("win10-22h2").suites) psk += s.psk;
  EXPECT_EQ(psk, 6u);
}

TEST(TlsCatalog, Server2008FromItsOwnPages) {
  OsTlsInfo t = Tls("ws2008");
  ASSERT_TRUE(t.has_suites);
  EXPECT_EQ(t.suites_confidence, Confidence::kDoc);
  EXPECT_NE(t.suites_note.find("KB4019276"), std::string::npos);
  EXPECT_EQ(t.suites_note.find("no per-OS"), std::string::npos);
  EXPECT_TRUE(t.curve_suffixes);
  // The page's default table, in its order (typed from the page).
  const std::vector<std::string> want = {
      "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_AES_256_CBC_SHA",
      "TLS_RSA_WITH_RC4_128_SHA",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521",
      "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
      "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
      "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
      "TLS_RSA_WITH_RC4_128_MD5",
      "SSL_CK_RC4_128_WITH_MD5",
      "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
      "TLS_RSA_WITH_NULL_MD5",
      "TLS_RSA_WITH_NULL_SHA",
  };
  EXPECT_EQ(t.DefaultSuiteOrder(), want);
  // No GCM and no SHA-2 suite on the page.
  EXPECT_EQ(t.FindSuite(**FindCipherSuite("TLS_RSA_WITH_AES_128_GCM_SHA256")), nullptr);
  // NULL is used only on request.
  EXPECT_TRUE(t.FindSuite(**FindCipherSuite("TLS_RSA_WITH_NULL_SHA"))->explicit_only);
  // The _P521 suites are enabled on this page, so is the curve.
  EXPECT_EQ(t.DefaultCurveOrder(), (std::vector<std::string>{"NistP256", "NistP384", "NistP521"}));
  EXPECT_EQ(Tls("win7").DefaultCurveOrder(), (std::vector<std::string>{"NistP256", "NistP384"}));

  // "Protocols in TLS/SSL (Schannel SSP)", row "Windows Server 2008 with
  // Service Pack 2 (SP2)": TLS 1.0 on, TLS 1.1/1.2 disabled, SSL 2.0 client
  // disabled and server enabled, SSL 3.0 enabled.
  auto os = FindOs("ws2008");
  ASSERT_TRUE(os);
  EXPECT_NE(os->source.find("Windows Server 2008 with Service Pack 2 (SP2)"), std::string::npos);
  EXPECT_EQ(os->source.find("taken from Windows 7"), std::string::npos);
  EXPECT_EQ(os->unsure.find("taken from Windows 7"), std::string::npos);
  using D = SchannelDefault;
  const std::array<D, kProtocolCount> client = {D::kOff, D::kOn,  D::kOn,
                                                D::kOff, D::kOff, D::kNotSupported};
  const std::array<D, kProtocolCount> server = {D::kOn,  D::kOn,  D::kOn,
                                                D::kOff, D::kOff, D::kNotSupported};
  EXPECT_EQ(os->schannel_client, client);
  EXPECT_EQ(t.schannel_server, server);
}

TEST(TlsCatalog, HybridGroupsCarryTheirBuild) {
  // "TLS Supported Groups in Windows 11 versions 24H2 and later": 26100.8514
  // for Windows 11 24H2 and 25H2, 29550 for Windows Server 2025.
  const OsCurve* w = Tls("win11-24h2").FindCurve(**FindCurve("x25519_mlkem768"));
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->enabled);
  EXPECT_EQ(w->needs_build, 26100u);
  EXPECT_EQ(w->needs_revision, 8514u);
  OsTlsInfo s = Tls("ws2025");
  const OsCurve* sv = s.FindCurve(**FindCurve("secp384r1_mlkem1024"));
  ASSERT_NE(sv, nullptr);
  EXPECT_EQ(sv->needs_build, 29550u);
  EXPECT_EQ(sv->needs_revision, 0u);
  // Classical groups need nothing more than the OS.
  EXPECT_EQ(s.FindCurve(**FindCurve("curve25519"))->needs_build, 0u);
}

TEST(TlsCatalog, Curves) {
  EXPECT_EQ(Tls("win10-1511").DefaultCurveOrder(),
            (std::vector<std::string>{"NistP256", "NistP384"}));
  EXPECT_EQ(Tls("ws2019").DefaultCurveOrder(),
            (std::vector<std::string>{"curve25519", "NistP256", "NistP384"}));
  OsTlsInfo w24 = Tls("win11-24h2");
  EXPECT_EQ(w24.DefaultCurveOrder(),
            (std::vector<std::string>{"curve25519", "nistP256", "nistP384"}));
  EXPECT_NE(w24.FindCurve(**FindCurve("x25519_mlkem768")), nullptr);
  EXPECT_EQ(Tls("ws2022").FindCurve(**FindCurve("x25519_mlkem768")), nullptr);
}

TEST(TlsCatalog, ServerDefaults) {
  // "Protocols in TLS/SSL (Schannel SSP)": Server 2008 R2 serves SSL 2.0 and
  // has TLS 1.1/1.2 off; 1607 on SSL 3.0 is off.
  OsTlsInfo r2 = Tls("ws2008r2");
  EXPECT_EQ(r2.schannel_server[static_cast<size_t>(Protocol::kSsl2)], SchannelDefault::kOn);
  EXPECT_EQ(r2.schannel_server[static_cast<size_t>(Protocol::kTls12)], SchannelDefault::kOff);
  OsTlsInfo s16 = Tls("ws2016");
  EXPECT_EQ(s16.schannel_server[static_cast<size_t>(Protocol::kSsl3)], SchannelDefault::kOff);
  EXPECT_EQ(s16.schannel_server[static_cast<size_t>(Protocol::kSsl2)],
            SchannelDefault::kNotSupported);
  EXPECT_EQ(s16.schannel_server[static_cast<size_t>(Protocol::kTls12)], SchannelDefault::kOn);
}

TEST(TlsCatalog, UnknownOs) {
  auto t = FindOsTls("win95");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "unknown-os");
}

}  // namespace
}  // namespace secproto
