// The protocol table and ProtocolSet: the one place that knows which bit is
// which protocol (winhttp.h WINHTTP_FLAG_SECURE_PROTOCOL_*). Everything else, from the
// parser to the emitters and the prober, reads this table.
#ifndef SECPROTO_PROTOCOLS_H_
#define SECPROTO_PROTOCOLS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/keys.h"

namespace secproto {

/// The six protocols WinHTTP knows, oldest first.
enum class Protocol : uint8_t { kSsl2, kSsl3, kTls10, kTls11, kTls12, kTls13 };
/// How many protocols the table has (arrays indexed by Protocol).
inline constexpr size_t kProtocolCount = static_cast<size_t>(Protocol::kTls13) + 1;

/// One row of the protocol table.
struct ProtocolInfo {
  Protocol id;
  uint32_t bit;                   ///< WINHTTP_FLAG_SECURE_PROTOCOL_* (= SP_PROT_*_CLIENT)
  std::string_view name;          ///< display name and SCHANNEL key name, "TLS 1.2"
  std::string_view short_name;    ///< CLI and JSON key, "tls1.2"
  std::string_view flag_name;     ///< SDK constant, "WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2"
  uint16_t wire_version;          ///< on-the-wire version, 0x0303 for TLS 1.2; 0x0002 for SSL 2.0
  uint32_t dotnet_value;          ///< .NET SecurityProtocolType value (a different numbering!)
  bool insecure;                  ///< SSL 2.0, SSL 3.0: broken
  bool deprecated;                ///< TLS 1.0, TLS 1.1: deprecated (RFC 8996)
};

/// The table, oldest protocol first.
std::span<const ProtocolInfo> AllProtocols();

/// The row for `p`.
const ProtocolInfo& Info(Protocol p);

/// WINHTTP_FLAG_SECURE_PROTOCOL_* of `p` (winhttp.h), equal to SP_PROT_*_CLIENT
/// (schannel.h): the client bits are every other bit from 0x8, oldest
/// protocol lowest. The protocol table's `bit` column is this.
constexpr uint32_t ProtocolBit(Protocol p) { return 0x8u << (2 * static_cast<unsigned>(p)); }

/// The bits of protocols `first` to `last`, both included.
constexpr uint32_t ProtocolBits(Protocol first, Protocol last) {
  uint32_t bits = 0;
  for (auto p = static_cast<unsigned>(first); p <= static_cast<unsigned>(last); ++p) {
    bits |= ProtocolBit(static_cast<Protocol>(p));
  }
  return bits;
}

/// Every known bit together: 0x2AA8.
inline constexpr uint32_t kKnownBits = ProtocolBits(Protocol::kSsl2, Protocol::kTls13);

/// WINHTTP_FLAG_SECURE_PROTOCOL_ALL from the SDK: SSL2|SSL3|TLS1.0 only (0xA8).
inline constexpr uint32_t kWinHttpFlagAll = ProtocolBits(Protocol::kSsl2, Protocol::kTls10);
static_assert(kKnownBits == 0x2AA8 && kWinHttpFlagAll == 0xA8);

// The registry location of the setting (kWinHttpKey, kValueName; docs/MODEL.md
// R1) is in keys.h.

/// A set of protocols as the DefaultSecureProtocols bitmask. May hold unknown
/// bits (a value read from a registry); IsValid tells whether WinHTTP uses it.
class ProtocolSet {
 public:
  constexpr ProtocolSet() = default;
  constexpr explicit ProtocolSet(uint32_t bits) : bits_(bits) {}

  uint32_t bits() const { return bits_; }
  uint32_t unknown_bits() const { return bits_ & ~kKnownBits; }
  bool Contains(Protocol p) const { return (bits_ & Info(p).bit) != 0; }
  bool empty() const { return bits_ == 0; }
  /// Whether WinHTTP would use this value (non-zero, no unknown bits).
  bool IsValid() const { return bits_ != 0 && unknown_bits() == 0; }

  /// The protocols in the set, oldest first.
  std::vector<Protocol> Protocols() const;
  /// The highest protocol in the set, if any.
  std::optional<Protocol> Highest() const;
  /// "0x00002800".
  std::string Hex() const;
  /// Display names, oldest first: {"TLS 1.2", "TLS 1.3"}.
  std::vector<std::string> Names() const;
  /// Short names, oldest first: {"tls1.2", "tls1.3"}.
  std::vector<std::string> ShortNames() const;
  /// "TLS 1.2, TLS 1.3", or "(none)".
  std::string Describe() const;

  friend bool operator==(ProtocolSet, ProtocolSet) = default;

 private:
  uint32_t bits_ = 0;
};

/// Why WinHTTP would ignore a stored value, or nullopt when it uses it
/// (docs/MODEL.md R3). The text is one sentence for humans.
std::optional<std::string> WinHttpIgnoreReason(uint32_t value);

/// Human explanation of unknown bits: which bits, and a hint when the value
/// looks like a .NET SecurityProtocolType number. Empty when none.
std::string DescribeUnknownBits(uint32_t value);

/// A warning about a set, with a stable code for JSON.
struct Warning {
  std::string code;     ///< "insecure", "deprecated", "ignored", "flag-all", "tls13-os", "no-tls12"
  std::string message;
};

/// Advice about a set an admin is about to deploy: insecure or deprecated
/// protocols, values WinHTTP ignores, the 0xA8 trap, TLS 1.3 OS support.
std::vector<Warning> WarningsFor(ProtocolSet set);

/// A parsed PROTOCOLS argument. Either absolute (`tls1.2,tls1.3`, `0x2800`) or
/// relative to the stored value (`+tls1.3 -tls1.0`).
struct ProtocolSpec {
  bool relative = false;
  uint32_t absolute = 0;  ///< when !relative
  uint32_t add = 0;       ///< when relative
  uint32_t remove = 0;    ///< when relative
  /// The profile name ("modern") when the words were exactly one profile,
  /// else empty. A profile may stand for another value on a known OS
  /// (WinHttpValueForTarget in secproto/policy.h).
  std::string_view profile;

  /// The resulting value. REQUIRES: base given when relative.
  uint32_t Apply(uint32_t base) const {
    return relative ? ((base | add) & ~remove) : absolute;
  }
};

/// Resolves a named profile ("modern", "tls12", ...) to its bits, or nullopt.
/// Profiles are accepted anywhere PROTOCOLS is. Registered by the profile table.
struct Profile {
  std::string_view name;
  uint32_t bits;
  std::string_view description;
};
std::span<const Profile> AllProfiles();

/// Parses PROTOCOLS arguments: names and aliases (case-insensitive, separated
/// by commas or spaces, several argv words allowed), numbers (0x2800, 10240),
/// profile names, or +/- edits. Unknown names get a suggestion; unknown bits
/// are rejected and named. The result may be 0 (the caller decides).
Expected<ProtocolSpec> ParseProtocols(std::span<const std::string> args);

/// Parses one protocol name or alias ("TLS 1.2", "tls12", "TLS1.2", "SSL3.0").
Expected<Protocol> ParseProtocolName(std::string_view name);

/// Parses a number as written in decimal or 0x-hex. Rejects > 32 bits.
Expected<uint32_t> ParseNumber(std::string_view text);

}  // namespace secproto

#endif  // SECPROTO_PROTOCOLS_H_
