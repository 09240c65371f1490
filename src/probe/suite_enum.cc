// The cipher suites and groups the prober offers, with their IANA names, and
// the removal enumeration of `probe --suites` (docs/PROBE.md, "Cipher suites
// and groups"): offer everything, note the server's choice, offer the rest
// again, until the server refuses. The names are those of the IANA "TLS Cipher
// Suites" and "TLS Supported Groups" registries.
#include <algorithm>
#include <cstdio>

#include "core/strings.h"
#include "secproto/probe.h"
#include "secproto/suites.h"

namespace secproto {
namespace {

using Kind = ProbeSuite::Kind;

// In the order offered: the strongest first, so that a server following the
// client's order picks a modern suite. TLS 1.3 suites, then suites that need
// TLS 1.2 (AEAD or SHA-2 MAC, RFC 5246), then those of SSL 3.0 to TLS 1.1.
// At most 128 suites in one hello (some servers reject longer lists).
constexpr ProbeSuite kSuites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", Kind::kTls13},
    {0x1302, "TLS_AES_256_GCM_SHA384", Kind::kTls13},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", Kind::kTls13},
    {0x1304, "TLS_AES_128_CCM_SHA256", Kind::kTls13},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", Kind::kTls13},
    // TLS 1.2: ECDHE AES-GCM, ChaCha20-Poly1305, DHE AES-GCM, AES-CCM.
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Kind::kTls12},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Kind::kTls12},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Kind::kTls12},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", Kind::kTls12},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", Kind::kTls12},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", Kind::kTls12},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", Kind::kTls12},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", Kind::kTls12},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", Kind::kTls12},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", Kind::kTls12},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", Kind::kTls12},
    // TLS 1.2: ARIA-GCM (RFC 6209).
    {0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", Kind::kTls12},
    {0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", Kind::kTls12},
    {0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", Kind::kTls12},
    {0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", Kind::kTls12},
    {0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", Kind::kTls12},
    {0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", Kind::kTls12},
    {0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", Kind::kTls12},
    {0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", Kind::kTls12},
    // TLS 1.2: CBC with SHA-2 MACs.
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Kind::kTls12},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Kind::kTls12},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Kind::kTls12},
    {0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", Kind::kTls12},
    {0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    {0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Kind::kTls12},
    {0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", Kind::kTls12},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", Kind::kTls12},
    {0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", Kind::kTls12},
    {0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    {0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    // TLS 1.2: RSA key exchange.
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", Kind::kTls12},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", Kind::kTls12},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM", Kind::kTls12},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM", Kind::kTls12},
    {0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", Kind::kTls12},
    {0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", Kind::kTls12},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", Kind::kTls12},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", Kind::kTls12},
    {0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    // TLS 1.2: anonymous and NULL (test servers only).
    {0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", Kind::kTls12},
    {0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", Kind::kTls12},
    {0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", Kind::kTls12},
    {0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", Kind::kTls12},
    {0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", Kind::kTls12},
    {0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", Kind::kTls12},
    {0x003b, "TLS_RSA_WITH_NULL_SHA256", Kind::kTls12},
    // SSL 3.0 to TLS 1.2: CBC and RC4 suites with SHA-1 or MD5 MACs.
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", Kind::kLegacy},
    {0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", Kind::kLegacy},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", Kind::kLegacy},
    {0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", Kind::kLegacy},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", Kind::kLegacy},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", Kind::kLegacy},
    {0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", Kind::kLegacy},
    {0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", Kind::kLegacy},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", Kind::kLegacy},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", Kind::kLegacy},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", Kind::kLegacy},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", Kind::kLegacy},
    {0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", Kind::kLegacy},
    {0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", Kind::kLegacy},
    {0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", Kind::kLegacy},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA", Kind::kLegacy},
    {0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", Kind::kLegacy},
    {0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", Kind::kLegacy},
    {0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", Kind::kLegacy},
    {0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", Kind::kLegacy},
    {0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", Kind::kLegacy},
    {0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", Kind::kLegacy},
    {0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", Kind::kLegacy},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Kind::kLegacy},
    // Anonymous and NULL suites (some test servers).
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Kind::kLegacy},
    {0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", Kind::kLegacy},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", Kind::kLegacy},
    {0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", Kind::kLegacy},
    {0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", Kind::kLegacy},
    {0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", Kind::kLegacy},
    {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", Kind::kLegacy},
    {0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", Kind::kLegacy},
    {0xc015, "TLS_ECDH_anon_WITH_NULL_SHA", Kind::kLegacy},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", Kind::kLegacy},
    {0x0001, "TLS_RSA_WITH_NULL_MD5", Kind::kLegacy},
};

// Named groups, in the order offered: X25519 first (the key share sent), the
// NIST curves, X448, the FFDHE groups of RFC 7919, brainpool (RFC 8734 for
// TLS 1.3, RFC 7027 below), the ML-KEM hybrids, and the older curves of
// RFC 4492 that SChannel still names.
constexpr uint16_t kGroups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101,
                                0x0102, 0x0103, 0x0104, 0x001f, 0x0020, 0x0021, 0x001a,
                                0x001b, 0x001c, 0x11ec, 0x11eb, 0x11ed, 0x0016, 0x0015,
                                0x0014, 0x0013, 0x0012, 0x0011, 0x0010, 0x000f};

constexpr std::pair<uint16_t, std::string_view> kGroupNames[] = {
    {0x001d, "x25519"},
    {0x001e, "x448"},
    {0x0100, "ffdhe2048"},
    {0x0101, "ffdhe3072"},
    {0x0102, "ffdhe4096"},
    {0x0103, "ffdhe6144"},
    {0x0104, "ffdhe8192"},
    {0x001f, "brainpoolP256r1tls13"},
    {0x0020, "brainpoolP384r1tls13"},
    {0x0021, "brainpoolP512r1tls13"},
};

bool Has(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

std::span<const ProbeSuite> ProbeSuites() { return kSuites; }

std::vector<uint16_t> ProbeSuitesFor(Protocol p) {
  std::vector<uint16_t> out;
  if (p == Protocol::kSsl2) return out;
  for (const ProbeSuite& s : kSuites) {
    if (s.kind == Kind::kTls13 && p != Protocol::kTls13) continue;
    if (s.kind == Kind::kTls12 && p != Protocol::kTls12 && p != Protocol::kTls13) continue;
    out.push_back(s.code);
  }
  return out;
}

std::span<const uint16_t> ProbeGroups() { return kGroups; }

std::string SuiteIanaName(uint16_t code) {
  for (const ProbeSuite& s : kSuites) {
    if (s.code == code) return std::string(s.iana_name);
  }
  for (const CipherSuiteInfo& s : AllCipherSuites()) {
    if (!s.ssl2 && s.code == code) return std::string(s.iana_name);
  }
  return Hex16(code);
}

std::string GroupIanaName(uint16_t id) {
  for (const auto& [k, n] : kGroupNames) {
    if (k == id) return std::string(n);
  }
  for (const CurveInfo& c : AllCurves()) {
    if (c.group_id == id) return std::string(c.iana_name);
  }
  return Hex16(id);
}

std::optional<uint16_t> SuiteFromIanaName(std::string_view name) {
  for (const ProbeSuite& s : kSuites) {
    if (s.iana_name == name) return s.code;
  }
  for (const CipherSuiteInfo& s : AllCipherSuites()) {
    if (!s.ssl2 && s.iana_name == name) return static_cast<uint16_t>(s.code);
  }
  return ParseHex16(name);
}

std::optional<uint16_t> GroupFromIanaName(std::string_view name) {
  for (const auto& [k, n] : kGroupNames) {
    if (n == name) return k;
  }
  for (const CurveInfo& c : AllCurves()) {
    if (c.iana_name == name) return c.group_id;
  }
  return ParseHex16(name);
}

bool IsEcdheSuite(uint16_t code) {
  for (const ProbeSuite& s : kSuites) {
    if (s.code == code) return s.iana_name.starts_with("TLS_ECDHE_");
  }
  return false;
}

std::optional<HelloOptions> NextEnumerationHello(EnumerationStep step, Protocol p,
                                                 const std::vector<uint16_t>& found_suites,
                                                 const std::vector<uint16_t>& found_groups) {
  HelloOptions h;
  switch (step) {
    case EnumerationStep::kSuites: {
      std::vector<uint16_t> offer;
      for (uint16_t s : ProbeSuitesFor(p)) {
        if (p == Protocol::kTls13 && !(s >> 8 == 0x13)) continue;
        if (!Has(found_suites, s)) offer.push_back(s);
      }
      if (offer.empty()) return std::nullopt;
      h.suites = std::move(offer);
      return h;
    }
    case EnumerationStep::kGroups: {
      if (p == Protocol::kSsl2 || p == Protocol::kSsl3) return std::nullopt;  // no extensions
      std::vector<uint16_t> offer;
      for (uint16_t g : kGroups) {
        if (!Has(found_groups, g)) offer.push_back(g);
      }
      if (offer.empty()) return std::nullopt;
      h.groups = std::move(offer);
      if (p == Protocol::kTls13) {
        std::vector<uint16_t> suites;
        for (uint16_t s : ProbeSuitesFor(p)) {
          if (s >> 8 == 0x13) suites.push_back(s);
        }
        h.suites = std::move(suites);
      } else {
        // Only ECDHE suites, so that the server's answer names a curve in
        // its ServerKeyExchange or refuses.
        std::vector<uint16_t> suites;
        for (uint16_t s : ProbeSuitesFor(p)) {
          if (IsEcdheSuite(s)) suites.push_back(s);
        }
        h.suites = std::move(suites);
      }
      return h;
    }
    case EnumerationStep::kOrder: {
      // The first two suites found, the other way round: a server that keeps
      // its own order still picks the first.
      if (found_suites.size() < 2) return std::nullopt;
      h.suites = std::vector<uint16_t>{found_suites[1], found_suites[0]};
      return h;
    }
  }
  return std::nullopt;
}

}  // namespace secproto
