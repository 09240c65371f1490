// The ClientHello builder: sizes, versions, extensions, SNI rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "secproto/probe.h"
#include "unit/probe_util.h"

namespace secproto {
namespace {

using probe_test::Bytes;
using probe_test::ParseHello;

bool Has(const std::vector<uint16_t>& v, uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::vector<uint16_t> List16(const Bytes& data, size_t prefix) {
  std::vector<uint16_t> out;
  for (size_t i = prefix; i + 1 < data.size(); i += 2) out.push_back(probe_test::Get16(data, i));
  return out;
}

TEST(ProbeHello, EveryTlsHelloParsesAndCarriesItsVersion) {
  for (const ProtocolInfo& p : AllProtocols()) {
    if (p.id == Protocol::kSsl2) continue;
    auto h = ParseHello(BuildClientHello(p.id, {}));
    ASSERT_TRUE(h.ok) << p.short_name;
    EXPECT_FALSE(h.ssl2);
    if (p.id == Protocol::kSsl3) {
      EXPECT_EQ(h.record_version, 0x0300);
      EXPECT_EQ(h.client_version, 0x0300);
      EXPECT_TRUE(h.extensions.empty());
    } else if (p.id == Protocol::kTls13) {
      EXPECT_EQ(h.record_version, 0x0301);
      EXPECT_EQ(h.client_version, 0x0303);
    } else {
      EXPECT_EQ(h.record_version, 0x0301);
      EXPECT_EQ(h.client_version, p.wire_version);
    }
    EXPECT_LE(h.suites.size(), 128u) << p.short_name;
    EXPECT_TRUE(Has(h.suites, 0x00ff)) << "renegotiation SCSV in " << p.short_name;
  }
}

TEST(ProbeHello, NeverBetween256And511BytesWhateverTheServerName) {
  for (const ProtocolInfo& p : AllProtocols()) {
    for (size_t n = 0; n <= 300; ++n) {
      HelloOptions o;
      if (n > 0) o.server_name = std::string(n, 'a');
      Bytes hello = BuildClientHello(p.id, o);
      auto h = ParseHello(hello);
      ASSERT_TRUE(h.ok) << p.short_name << " name length " << n;
      EXPECT_FALSE(h.handshake_length >= 256 && h.handshake_length <= 511)
          << p.short_name << " handshake " << h.handshake_length << " name length " << n;
      EXPECT_FALSE(hello.size() >= 256 && hello.size() <= 511)
          << p.short_name << " record " << hello.size() << " name length " << n;
    }
  }
}

TEST(ProbeHello, Tls13OffersOnly13WithX25519KeyShare) {
  auto h = ParseHello(BuildClientHello(Protocol::kTls13, {}));
  ASSERT_TRUE(h.ok);
  ASSERT_TRUE(h.extensions.count(43));
  EXPECT_EQ(h.extensions[43], (Bytes{2, 0x03, 0x04}));
  ASSERT_TRUE(h.extensions.count(51));  // key_share
  const Bytes& ks = h.extensions[51];
  ASSERT_EQ(ks.size(), 2u + 4 + 32);
  EXPECT_EQ(probe_test::Get16(ks, 0), 36);
  EXPECT_EQ(probe_test::Get16(ks, 2), 0x001d);
  EXPECT_EQ(probe_test::Get16(ks, 4), 32);
  ASSERT_TRUE(h.extensions.count(45));  // psk_key_exchange_modes
  EXPECT_EQ(h.extensions[45], (Bytes{1, 1}));
  EXPECT_EQ(h.session_id_length, 32u);
  EXPECT_TRUE(Has(h.suites, 0x1301));
  EXPECT_TRUE(Has(h.suites, 0x1302));
  // Groups list X25519 and P-256 so a P-256-only server answers with an HRR.
  auto groups = List16(h.extensions[10], 2);
  EXPECT_TRUE(Has(groups, 0x001d));
  EXPECT_TRUE(Has(groups, 0x0017));
  auto sigalgs = List16(h.extensions[13], 2);
  for (uint16_t a : {0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403}) {
    EXPECT_TRUE(Has(sigalgs, a)) << std::hex << a;
  }
}

TEST(ProbeHello, LegacyHellosCarryOldCiphersAndCurves) {
  for (Protocol p : {Protocol::kTls10, Protocol::kTls11, Protocol::kTls12}) {
    auto h = ParseHello(BuildClientHello(p, {}));
    ASSERT_TRUE(h.ok);
    EXPECT_TRUE(Has(h.suites, 0x000a)) << "3DES";
    EXPECT_TRUE(Has(h.suites, 0x0005)) << "RC4";
    EXPECT_TRUE(Has(h.suites, 0x002f)) << "AES128-SHA";
    EXPECT_FALSE(Has(h.suites, 0x1301)) << "no TLS 1.3 suites below 1.3";
    EXPECT_TRUE(h.extensions.count(10)) << "supported_groups";
    EXPECT_TRUE(h.extensions.count(11)) << "ec_point_formats";
    EXPECT_FALSE(h.extensions.count(43)) << "no supported_versions below 1.3";
    EXPECT_EQ(h.extensions.count(13), p == Protocol::kTls12 ? 1u : 0u) << "signature_algorithms";
  }
  auto h12 = ParseHello(BuildClientHello(Protocol::kTls12, {}));
  EXPECT_TRUE(Has(h12.suites, 0xc02f));
  EXPECT_TRUE(Has(h12.suites, 0xc030));
}

TEST(ProbeHello, SniOnlyForHostNames) {
  HelloOptions name;
  name.server_name = "example.com";
  auto h = ParseHello(BuildClientHello(Protocol::kTls12, name));
  ASSERT_TRUE(h.extensions.count(0));
  const Bytes& sni = h.extensions[0];
  ASSERT_GE(sni.size(), 5u);
  EXPECT_EQ(std::string(sni.begin() + 5, sni.end()), "example.com");
  for (const char* ip : {"192.0.2.1", "::1", "2001:db8::5", "fe80::1%eth0"}) {
    HelloOptions o;
    o.server_name = ip;
    for (const ProtocolInfo& p : AllProtocols()) {
      Bytes hello = BuildClientHello(p.id, o);
      auto parsed = ParseHello(hello);
      EXPECT_FALSE(parsed.extensions.count(0)) << ip << " " << p.short_name;
      std::string all(hello.begin(), hello.end());
      EXPECT_EQ(all.find(ip), std::string::npos) << ip << " " << p.short_name;
    }
  }
}

TEST(ProbeHello, Ssl2HelloUsesTheV2RecordFormat) {
  Bytes hello = BuildClientHello(Protocol::kSsl2, {});
  auto h = ParseHello(hello);
  ASSERT_TRUE(h.ok);
  EXPECT_TRUE(h.ssl2);
  EXPECT_EQ(h.client_version, 0x0002);
  EXPECT_GE(h.suites.size(), 3u);
  EXPECT_LT(hello.size(), 256u);
}

TEST(ProbeHello, EntropyMakesTheHelloDeterministic) {
  HelloOptions o;
  o.entropy = Bytes(32, 7);
  EXPECT_EQ(BuildClientHello(Protocol::kTls13, o), BuildClientHello(Protocol::kTls13, o));
  EXPECT_NE(BuildClientHello(Protocol::kTls13, {}), BuildClientHello(Protocol::kTls13, {}));
}

}  // namespace
}  // namespace secproto
