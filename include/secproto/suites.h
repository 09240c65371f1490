// The cipher suite and curve tables: names (IANA and Windows), code points and
// properties. Pure data and lookups, no I/O. Which suites and curves a given
// Windows version has is per-OS data in secproto/catalog.h.
#ifndef SECPROTO_SUITES_H_
#define SECPROTO_SUITES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "secproto/error.h"

namespace secproto {

/// Key exchange of a cipher suite. kAny: TLS 1.3 suites, where the key
/// exchange is negotiated separately (supported groups).
enum class KeyExchange : uint8_t { kAny, kEcdhe, kDhe, kRsa, kPsk, kSsl2 };
/// Authentication of a cipher suite.
enum class Authentication : uint8_t { kAny, kEcdsa, kRsa, kDss, kPsk };

/// One row of the cipher suite table.
struct CipherSuiteInfo {
  std::string_view name;       ///< the name SChannel uses (IANA name where IANA has one)
  std::string_view iana_name;  ///< IANA registry name; for SSL 2.0 kinds the RFC 6101 / draft name
  uint32_t code;               ///< code point: 0x1301; SSL 2.0 cipher kinds are 3 bytes (0x010080)
  bool tls13;                  ///< a TLS 1.3 suite (usable only with TLS 1.3)
  bool ssl2;                   ///< an SSL 2.0 cipher kind (usable only with SSL 2.0)
  KeyExchange kex;
  Authentication auth;
  std::string_view cipher;     ///< "AES-256-GCM", "3DES-EDE-CBC", "NULL"
  std::string_view mac;        ///< "AEAD" or the HMAC hash: "SHA256", "SHA1", "MD5"
  bool aead;
  /// On RFC 7540 Appendix A's HTTP/2 block list (section 9.2.2): HTTP/2 over
  /// such a suite fails with INADEQUATE_SECURITY.
  bool http2_blocked;
  /// Passes SCH_USE_STRONG_CRYPTO in general (no RC4, DES, export, NULL).
  /// Per-OS exceptions (3DES on Server 2022+) are in the OS catalog.
  bool strong;
  /// Protocol bits (WinHTTP numbering, secproto/protocols.h) the suite can be
  /// negotiated with.
  uint32_t protocols;
  /// Whether Windows before 10 names it with a curve suffix (_P256, _P384, _P521).
  bool curve_suffixed_before_win10;
};

/// The table: every suite any Windows version's SChannel knows.
std::span<const CipherSuiteInfo> AllCipherSuites();

/// The suite named `name` (IANA or Windows name; case-insensitive; a
/// Windows 7/8.1 curve suffix is accepted and ignored), or a kInput error
/// "unknown cipher suite 'X'; did you mean 'Y'?" (code "unknown-suite").
Expected<const CipherSuiteInfo*> FindCipherSuite(std::string_view name);

/// "_P256" from "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256", else "".
std::string_view CurveSuffix(std::string_view windows_name);

/// One row of the curve / supported group table.
struct CurveInfo {
  std::string_view name;       ///< Windows name as the 1607+ page writes it: "curve25519", "NistP256"
  std::string_view iana_name;  ///< "x25519", "secp256r1", "X25519MLKEM768"
  uint16_t group_id;           ///< IANA TLS supported group id
  bool post_quantum;           ///< an ML-KEM hybrid (TLS 1.3 only)
};

/// The curve table.
std::span<const CurveInfo> AllCurves();

/// The curve named `name` (Windows or IANA name, case-insensitive), or a
/// kInput error with a "did you mean" (code "unknown-curve").
Expected<const CurveInfo*> FindCurve(std::string_view name);

/// Strings are compared case-insensitively; the closest of `choices` to
/// `word` by edit distance, or "" when nothing is close.
std::string ClosestName(std::string_view word, std::span<const std::string_view> choices);

}  // namespace secproto

#endif  // SECPROTO_SUITES_H_
