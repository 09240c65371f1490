// The cipher suite and curve tables. Code points: the IANA "TLS Cipher
// Suites" and "TLS Supported Groups" registries, RFC 6101 appendix E for the
// SSL 2.0 cipher kinds; the *_EXPORT1024_* rows are from the expired draft
// "56-bit Export Cipher Suites For TLS" (never registered by IANA). Protocol
// columns: the union of Microsoft's "TLS Cipher Suites in Windows ..." pages.
#include "secproto/suites.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>
#include "core/strings.h"

namespace secproto {
namespace {

// clang-format off
// name, IANA name, code, tls13, ssl2, kex, auth, cipher, mac, aead, http2_blocked, strong, protocols,
// curve-suffixed before Windows 10.
constexpr CipherSuiteInfo kSuites[] = {
    {"SSL_CK_RC4_128_WITH_MD5", "SSL2_RC4_128_WITH_MD5", 0x10080, false, true, KeyExchange::kSsl2, Authentication::kRsa, "RC4-128", "MD5", false, true, false, 0x0008, false},
    {"SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "SSL2_DES_192_EDE3_CBC_WITH_MD5", 0x700C0, false, true, KeyExchange::kSsl2, Authentication::kRsa, "3DES-EDE-CBC", "MD5", false, true, true, 0x0008, false},
    {"SSL_CK_DES_64_CBC_WITH_MD5", "SSL2_DES_64_CBC_WITH_MD5", 0x60040, false, true, KeyExchange::kSsl2, Authentication::kRsa, "DES-CBC", "MD5", false, true, false, 0x0008, false},
    {"SSL_CK_RC4_128_EXPORT40_WITH_MD5", "SSL2_RC4_128_EXPORT40_WITH_MD5", 0x20080, false, true, KeyExchange::kSsl2, Authentication::kRsa, "RC4-40", "MD5", false, true, false, 0x0008, false},
    {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", 0x1302, true, false, KeyExchange::kAny, Authentication::kAny, "AES-256-GCM", "AEAD", true, false, true, 0x2000, false},
    {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", 0x1301, true, false, KeyExchange::kAny, Authentication::kAny, "AES-128-GCM", "AEAD", true, false, true, 0x2000, false},
    {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", 0x1303, true, false, KeyExchange::kAny, Authentication::kAny, "CHACHA20-POLY1305", "AEAD", true, false, true, 0x2000, false},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-256-GCM", "AEAD", true, false, true, 0x0800, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-128-GCM", "AEAD", true, false, true, 0x0800, true},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-256-GCM", "AEAD", true, false, true, 0x0800, true},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-128-GCM", "AEAD", true, false, true, 0x0800, true},
    {"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F, false, false, KeyExchange::kDhe, Authentication::kRsa, "AES-256-GCM", "AEAD", true, false, true, 0x0800, false},
    {"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E, false, false, KeyExchange::kDhe, Authentication::kRsa, "AES-128-GCM", "AEAD", true, false, true, 0x0800, false},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-256-CBC", "SHA384", false, true, true, 0x0800, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-128-CBC", "SHA256", false, true, true, 0x0800, true},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-256-CBC", "SHA384", false, true, true, 0x0800, true},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-128-CBC", "SHA256", false, true, true, 0x0800, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xC00A, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-256-CBC", "SHA1", false, true, true, 0x0A80, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xC009, false, false, KeyExchange::kEcdhe, Authentication::kEcdsa, "AES-128-CBC", "SHA1", false, true, true, 0x0A80, true},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xC014, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-256-CBC", "SHA1", false, true, true, 0x0A80, true},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC013, false, false, KeyExchange::kEcdhe, Authentication::kRsa, "AES-128-CBC", "SHA1", false, true, true, 0x0A80, true},
    {"TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x0039, false, false, KeyExchange::kDhe, Authentication::kRsa, "AES-256-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0033, false, false, KeyExchange::kDhe, Authentication::kRsa, "AES-128-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0x006A, false, false, KeyExchange::kDhe, Authentication::kDss, "AES-256-CBC", "SHA256", false, true, true, 0x0800, false},
    {"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x0040, false, false, KeyExchange::kDhe, Authentication::kDss, "AES-128-CBC", "SHA256", false, true, true, 0x0800, false},
    {"TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0x0038, false, false, KeyExchange::kDhe, Authentication::kDss, "AES-256-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0032, false, false, KeyExchange::kDhe, Authentication::kDss, "AES-128-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", 0x0013, false, false, KeyExchange::kDhe, Authentication::kDss, "3DES-EDE-CBC", "SHA1", false, true, true, 0x0AA0, false},
    {"TLS_DHE_DSS_WITH_DES_CBC_SHA", "TLS_DHE_DSS_WITH_DES_CBC_SHA", 0x0012, false, false, KeyExchange::kDhe, Authentication::kDss, "DES-CBC", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", 0x0063, false, false, KeyExchange::kDhe, Authentication::kDss, "DES-CBC", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009D, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-256-GCM", "AEAD", true, true, true, 0x0800, false},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009C, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-128-GCM", "AEAD", true, true, true, 0x0800, false},
    {"TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003D, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-256-CBC", "SHA256", false, true, true, 0x0800, false},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003C, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-128-CBC", "SHA256", false, true, true, 0x0800, false},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-256-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F, false, false, KeyExchange::kRsa, Authentication::kRsa, "AES-128-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A, false, false, KeyExchange::kRsa, Authentication::kRsa, "3DES-EDE-CBC", "SHA1", false, true, true, 0x0A80, false},
    {"TLS_RSA_WITH_DES_CBC_SHA", "TLS_RSA_WITH_DES_CBC_SHA", 0x0009, false, false, KeyExchange::kRsa, Authentication::kRsa, "DES-CBC", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_RC4_128_SHA", 0x0005, false, false, KeyExchange::kRsa, Authentication::kRsa, "RC4-128", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_RC4_128_MD5", 0x0004, false, false, KeyExchange::kRsa, Authentication::kRsa, "RC4-128", "MD5", false, true, false, 0x0AA0, false},
    {"TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", 0x0064, false, false, KeyExchange::kRsa, Authentication::kRsa, "RC4-56", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", 0x0062, false, false, KeyExchange::kRsa, Authentication::kRsa, "DES-CBC", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003, false, false, KeyExchange::kRsa, Authentication::kRsa, "RC4-40", "MD5", false, true, false, 0x0AA0, false},
    {"TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_NULL_SHA256", 0x003B, false, false, KeyExchange::kRsa, Authentication::kRsa, "NULL", "SHA256", false, true, false, 0x0800, false},
    {"TLS_RSA_WITH_NULL_SHA", "TLS_RSA_WITH_NULL_SHA", 0x0002, false, false, KeyExchange::kRsa, Authentication::kRsa, "NULL", "SHA1", false, true, false, 0x0AA0, false},
    {"TLS_RSA_WITH_NULL_MD5", "TLS_RSA_WITH_NULL_MD5", 0x0001, false, false, KeyExchange::kRsa, Authentication::kRsa, "NULL", "MD5", false, true, false, 0x0AA0, false},
    {"TLS_PSK_WITH_AES_256_GCM_SHA384", "TLS_PSK_WITH_AES_256_GCM_SHA384", 0x00A9, false, false, KeyExchange::kPsk, Authentication::kPsk, "AES-256-GCM", "AEAD", true, true, true, 0x0800, false},
    {"TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_PSK_WITH_AES_128_GCM_SHA256", 0x00A8, false, false, KeyExchange::kPsk, Authentication::kPsk, "AES-128-GCM", "AEAD", true, true, true, 0x0800, false},
    {"TLS_PSK_WITH_AES_256_CBC_SHA384", "TLS_PSK_WITH_AES_256_CBC_SHA384", 0x00AF, false, false, KeyExchange::kPsk, Authentication::kPsk, "AES-256-CBC", "SHA384", false, true, true, 0x0800, false},
    {"TLS_PSK_WITH_AES_128_CBC_SHA256", "TLS_PSK_WITH_AES_128_CBC_SHA256", 0x00AE, false, false, KeyExchange::kPsk, Authentication::kPsk, "AES-128-CBC", "SHA256", false, true, true, 0x0800, false},
    {"TLS_PSK_WITH_NULL_SHA384", "TLS_PSK_WITH_NULL_SHA384", 0x00B1, false, false, KeyExchange::kPsk, Authentication::kPsk, "NULL", "SHA384", false, true, false, 0x0800, false},
    {"TLS_PSK_WITH_NULL_SHA256", "TLS_PSK_WITH_NULL_SHA256", 0x00B0, false, false, KeyExchange::kPsk, Authentication::kPsk, "NULL", "SHA256", false, true, false, 0x0800, false},
};

// Windows name, IANA name, group id, post-quantum. Names as on "TLS Elliptic
// Curves in Windows 10 version 1607 and later" and "TLS Supported Groups in
// Windows 11 versions 24H2, Windows Server 2025, and later".
constexpr CurveInfo kCurves[] = {
    {"curve25519", "x25519", 29, false},
    {"NistP256", "secp256r1", 23, false},
    {"NistP384", "secp384r1", 24, false},
    {"NistP521", "secp521r1", 25, false},
    {"x25519_mlkem768", "X25519MLKEM768", 0x11EC, true},
    {"secp256r1_mlkem768", "SecP256r1MLKEM768", 0x11EB, true},
    {"secp384r1_mlkem1024", "SecP384r1MLKEM1024", 0x11ED, true},
    {"brainpoolP256r1", "brainpoolP256r1", 26, false},
    {"brainpoolP384r1", "brainpoolP384r1", 27, false},
    {"brainpoolP512r1", "brainpoolP512r1", 28, false},
    {"NistP192", "secp192r1", 19, false},
    {"NistP224", "secp224r1", 21, false},
    {"secP160k1", "secp160k1", 15, false},
    {"secP160r1", "secp160r1", 16, false},
    {"secP160r2", "secp160r2", 17, false},
    {"secP192k1", "secp192k1", 18, false},
    {"secP192r1", "secp192r1", 19, false},
    {"secP224k1", "secp224k1", 20, false},
    {"secP224r1", "secp224r1", 21, false},
    {"secP256k1", "secp256k1", 22, false},
    {"secP256r1", "secp256r1", 23, false},
    {"secP384r1", "secp384r1", 24, false},
    {"secP521r1", "secp521r1", 25, false},
};
// clang-format on

std::string DidYouMean(std::string_view word, std::span<const std::string_view> choices) {
  std::string best = ClosestName(word, choices);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

}  // namespace

std::span<const CipherSuiteInfo> AllCipherSuites() { return kSuites; }
std::span<const CurveInfo> AllCurves() { return kCurves; }

std::string_view CurveSuffix(std::string_view name) {
  for (std::string_view s : {"_P256", "_P384", "_P521"}) {
    if (name.size() > s.size() && Lower(name.substr(name.size() - s.size())) == Lower(s)) {
      return name.substr(name.size() - s.size());
    }
  }
  return "";
}

std::string ClosestName(std::string_view word, std::span<const std::string_view> choices) {
  std::string w = Lower(word);
  size_t best = std::string::npos;
  std::string_view best_name;
  for (std::string_view c : choices) {
    size_t d = EditDistance(w, Lower(c));
    if (d < best) {
      best = d;
      best_name = c;
    }
  }
  // Close means at most a third of the word differs.
  if (best_name.empty() || best > std::max<size_t>(2, w.size() / 3)) return "";
  return std::string(best_name);
}

Expected<const CipherSuiteInfo*> FindCipherSuite(std::string_view name) {
  std::string_view base = name.substr(0, name.size() - CurveSuffix(name).size());
  std::string want = Lower(base);
  for (const CipherSuiteInfo& s : kSuites) {
    if (Lower(s.name) == want || Lower(s.iana_name) == want) {
      if (base.size() != name.size() && !s.curve_suffixed_before_win10) break;
      return &s;
    }
  }
  std::vector<std::string_view> names;
  for (const CipherSuiteInfo& s : kSuites) names.push_back(s.name);
  return Fail(
      Error::Input("unknown cipher suite '" + std::string(name) + "'" + DidYouMean(base, names),
                   "unknown-suite"));
}

Expected<const CurveInfo*> FindCurve(std::string_view name) {
  // Exact Windows name, then IANA name ("secp384r1" is NistP384; Windows also
  // lists a distinct "secP384r1"), then any case.
  for (const CurveInfo& c : kCurves) {
    if (c.name == name) return &c;
  }
  std::string want = Lower(name);
  for (const CurveInfo& c : kCurves) {
    if (Lower(c.iana_name) == want) return &c;
  }
  for (const CurveInfo& c : kCurves) {
    if (Lower(c.name) == want) return &c;
  }
  std::vector<std::string_view> names;
  for (const CurveInfo& c : kCurves) names.push_back(c.name);
  return Fail(Error::Input("unknown curve '" + std::string(name) + "'" + DidYouMean(name, names),
                           "unknown-curve"));
}

}  // namespace secproto
