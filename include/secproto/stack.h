// What a target's registry says about the whole Windows TLS stack, read raw:
// every value the stack-wide policy manages (docs/POLICY.md), with its type,
// absent when missing. One reading serves `policy capture` (stack to policy
// file), `explain`/`doctor` for the components, and the fleet audit, so that
// they never disagree about what a machine holds.
//
// The struct is a contract between those users: extend it, never rename.
#ifndef SECPROTO_STACK_H_
#define SECPROTO_STACK_H_

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "secproto/error.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"

namespace secproto {

/// A raw value and where it was read, so a finding can cite the exact key.
struct StackValue {
  View view = View::k64;
  std::string key;   ///< logical key, as in registry.h
  std::string name;  ///< value name
  std::optional<RegValue> value;  ///< nullopt: missing (key or value)
};

/// SCHANNEL `Protocols\<name>\Client` or `\Server`.
struct ProtocolSideKeys {
  StackValue enabled;              ///< `Enabled`
  StackValue disabled_by_default;  ///< `DisabledByDefault`
};

/// One legacy algorithm subkey (`Ciphers\RC4 128/128`, `Hashes\SHA`, ...).
struct LegacyKey {
  std::string name;    ///< subkey name as found ("RC4 128/128")
  StackValue enabled;  ///< its `Enabled`
};

/// One .NET Framework key (v4.0.30319 / v2.0.50727, each view).
struct DotnetKeys {
  std::string version;  ///< "v4.0.30319" or "v2.0.50727"
  View view = View::k64;
  StackValue strong_crypto;           ///< `SchUseStrongCrypto`
  StackValue system_default_tls;      ///< `SystemDefaultTlsVersions`
};

/// Which parts of the stack a source shows at all. A full source (a hive, an
/// image, the live registry) shows every part: a value it lacks is not set.
/// A partial source (RegistryBackend::IsPartial(): a .reg file, such as an
/// IIS Crypto backup of SCHANNEL) shows a part only when it holds the key the
/// part lives in, or, for a part that shares its key with another (curves
/// beside the suite order, key sizes in the legacy key exchange keys, event
/// logging in the SCHANNEL key), one of the part's own values.
struct StackCoverage {
  bool partial = false;   ///< read from a partial source
  bool protocols = true;  ///< SCHANNEL\Protocols
  bool suites = true;     ///< the Policies suite order `Functions`
  bool curves = true;     ///< the Policies curve order `EccCurves`
  bool legacy = true;     ///< SCHANNEL\Ciphers, \Hashes or \KeyExchangeAlgorithms
  bool key_sizes = true;  ///< a *MinKeyBitLength value
  bool dotnet = true;     ///< a .NET Framework v4.0.30319 / v2.0.50727 key, either view
  bool fips = true;       ///< Lsa\FipsAlgorithmPolicy
  bool logging = true;    ///< SCHANNEL `EventLogging`
};

struct StackConfig {
  std::string target;       ///< RegistryBackend::Describe()
  bool has_system = false;  ///< the target holds HKLM\SYSTEM (SCHANNEL, local suite list, FIPS)
  bool has_software = false;  ///< the target holds HKLM\SOFTWARE (policy suite order, .NET, WinHTTP)

  /// SCHANNEL protocol keys, indexed by Protocol (kSsl2 ... kTls13).
  std::array<ProtocolSideKeys, kProtocolCount> client{};
  std::array<ProtocolSideKeys, kProtocolCount> server{};

  /// Suite order from Group Policy: SOFTWARE\Policies\...\SSL\00010002 `Functions`
  /// (REG_SZ, comma separated; any other type is ignored by Windows).
  StackValue suites_policy;
  /// The local list: SYSTEM\...\Cryptography\Configuration\Local\SSL\00010002
  /// `Functions` (REG_MULTI_SZ; editing it directly is unsupported).
  StackValue suites_local;
  /// Curve order from Group Policy: the same Policies key, `EccCurves` (REG_MULTI_SZ).
  StackValue curves_policy;
  /// The local curve list, when present (`EccCurves` beside the local `Functions`).
  StackValue curves_local;

  /// Every subkey found under SCHANNEL `Ciphers`, `Hashes`, `KeyExchangeAlgorithms`.
  std::vector<LegacyKey> ciphers;
  std::vector<LegacyKey> hashes;
  std::vector<LegacyKey> key_exchange;

  /// KeyExchangeAlgorithms\Diffie-Hellman and \PKCS key sizes.
  StackValue dh_server_min;   ///< Diffie-Hellman `ServerMinKeyBitLength`
  StackValue dh_client_min;   ///< Diffie-Hellman `ClientMinKeyBitLength`
  StackValue rsa_client_min;  ///< PKCS `ClientMinKeyBitLength`

  /// The four .NET keys: v4 64, v4 32, v2 64, v2 32.
  std::vector<DotnetKeys> dotnet;

  StackValue fips_enabled;   ///< Lsa\FipsAlgorithmPolicy `Enabled`
  StackValue event_logging;  ///< SCHANNEL `EventLogging`

  /// WinHTTP `DefaultSecureProtocols`, [0] 64-bit view, [1] 32-bit view.
  std::array<StackValue, 2> winhttp{};
  /// WinINet machine `SecureProtocols`, [0] 64-bit view, [1] 32-bit view.
  std::array<StackValue, 2> wininet{};
  /// WinINet Group Policy `SecureProtocols` (HKLM\SOFTWARE\Policies, shared).
  StackValue wininet_policy;

  /// What the source shows (all of it, unless it is partial).
  StackCoverage coverage;
};

/// Reads every value above. A root the target lacks leaves its values missing
/// and its has_* flag false (not an error); a read failure is kTarget (exit 3).
/// `coverage` is filled from the keys a partial source holds.
Expected<StackConfig> ReadStack(RegistryBackend& backend);

}  // namespace secproto

#endif  // SECPROTO_STACK_H_
