// The per-OS TLS catalog, spot-checked against Microsoft's pages: the counts
// and first suites below are typed from the pages, as an independent
// expectation of the transcription in src/catalog.
#include <gtest/gtest.h>

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
    // Microsoft has a suite page for every version from Windows 7 on (not
    // for Server 2008 SP2).
    EXPECT_EQ(t.has_suites, o.build >= 7601);
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
