// The stack-wide TLS policy: one file (TOML or JSON, docs/policy.schema.json)
// that says what SCHANNEL's protocols, the cipher suite order, the curve
// order, the legacy algorithm keys, key sizes, .NET strong crypto, FIPS and
// event logging should be; the templates shipped in the binary; and the
// compiler that turns a policy into the registry changes for one OS
// (docs/POLICY.md).
#ifndef SECPROTO_POLICY_H_
#define SECPROTO_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/keys.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"

namespace secproto {

// The keys the policy writes (kSchannelKey, kSuitePolicyKey, kFipsKey) are in
// keys.h.
/// The GPO "SSL Cipher Suite Order" limit on the comma-joined list (manage-tls).
inline constexpr size_t kMaxSuiteListChars = 1023;

/// What a change needs before processes see it.
enum class Effect { kNextProcess, kServiceRestart, kReboot };
/// "next-process", "service-restart", "reboot".
std::string_view EffectName(Effect e);

/// One value to write or delete.
struct RegChange {
  /// k32 only for the Wow6432Node twin of an HKLM\SOFTWARE key.
  View view = View::k64;
  /// Logical key, as in registry.h, e.g. kSchannelKey + "\\Protocols\\TLS 1.0\\Client".
  std::string key;
  std::string name;               ///< value name
  std::optional<RegValue> value;  ///< nullopt: delete the value
  Effect effect = Effect::kReboot;
  std::string why;  ///< "protocols.client: TLS 1.0 off (Protocols in TLS/SSL (Schannel SSP))"
};

/// What a policy does with one part of the stack.
enum class Manage : uint8_t {
  kLeave,  ///< the part is absent from the policy: its values are not touched
  kSet,    ///< write the values the policy gives
  kReset,  ///< delete the overrides so the OS default returns
};
/// "leave", "set", "reset".
std::string_view ManageName(Manage m);

/// SCHANNEL protocols, client and server (Protocols\<name>\Client|Server).
struct ProtocolsPolicy {
  Manage manage = Manage::kLeave;
  ProtocolSet client;  ///< enabled for clients; every other protocol the OS has is turned off
  ProtocolSet server;  ///< enabled for servers
  /// Whether WinHTTP's DefaultSecureProtocols, WinINet's SecureProtocols (HKLM,
  /// both views) and .NET's SystemDefaultTlsVersions follow `client`.
  bool winhttp = true;
  bool wininet = true;
  bool dotnet = true;
  /// On an OS without TLS 1.3 (before Windows 11 / Server 2022): false
  /// ("refuse", the default) makes compile fail when TLS 1.3 is enabled;
  /// true ("drop") drops TLS 1.3 and its suites there with a note. The
  /// templates say "drop" so that one file serves every OS.
  bool drop_tls13_on_older_os = false;
};

/// The Policies suite order (SSL\00010002 `Functions`).
struct SuitesPolicy {
  Manage manage = Manage::kLeave;
  std::vector<std::string> order;  ///< IANA names (or Windows names), best first
};

/// The Policies curve order (SSL\00010002 `EccCurves`).
struct CurvesPolicy {
  Manage manage = Manage::kLeave;
  std::vector<std::string> order;  ///< Windows curve names, best first
};

/// Legacy SCHANNEL Ciphers\, Hashes\, KeyExchangeAlgorithms\ keys (KB245030).
struct LegacyPolicy {
  Manage manage = Manage::kLeave;
  /// Key name ("RC4 128/128", "SHA", "PKCS") to Enabled. Only the listed keys
  /// are written; kReset deletes `Enabled` under every known key.
  std::map<std::string, bool> ciphers;
  std::map<std::string, bool> hashes;
  std::map<std::string, bool> key_exchange;
};

/// Minimum key sizes (KeyExchangeAlgorithms\Diffie-Hellman and \PKCS).
struct KeySizesPolicy {
  Manage manage = Manage::kLeave;
  std::optional<uint32_t> dh_server_min;   ///< Diffie-Hellman ServerMinKeyBitLength
  std::optional<uint32_t> dh_client_min;   ///< Diffie-Hellman ClientMinKeyBitLength
  std::optional<uint32_t> rsa_client_min;  ///< PKCS ClientMinKeyBitLength
};

/// .NET Framework SchUseStrongCrypto / SystemDefaultTlsVersions (four keys).
struct DotnetPolicy {
  Manage manage = Manage::kLeave;
  bool strong_crypto = true;
  bool system_default_tls_versions = true;
};

/// Lsa\FipsAlgorithmPolicy `Enabled`.
struct FipsPolicy {
  Manage manage = Manage::kLeave;
  bool enabled = false;
};

/// SCHANNEL `EventLogging`.
struct LoggingPolicy {
  Manage manage = Manage::kLeave;
  uint32_t event_logging = 1;  ///< 1 errors ... 7 everything
};

/// One REG_DWORD that no other part names (docs/POLICY.md "[registry]"):
/// what doctor's one fix writes for a single SCHANNEL protocol key, WinHTTP's
/// DefaultSecureProtocols or WinINet's SecureProtocols. Only keys of the TLS
/// stack are accepted (RegistryKeyAllowed).
struct RegistryDword {
  View view = View::k64;  ///< k32: the Wow6432Node twin of an HKLM\SOFTWARE key
  std::string key;        ///< logical key
  std::string name;
  uint32_t value = 0;
};

/// Raw values, written as given after every other part.
struct RegistryPolicy {
  std::vector<RegistryDword> values;
};

/// Whether `[registry]` may write under the logical key: SCHANNEL, WinHTTP,
/// WinINet (machine, user and their Group Policy keys) and .NET Framework.
bool RegistryKeyAllowed(std::string_view logical_key);

/// A parsed policy. Every part defaults to kLeave.
struct Policy {
  std::string name;  ///< template name or file stem
  std::string description;
  std::vector<std::string> cites;  ///< what the policy follows
  std::string origin;              ///< "template:modern" or the file path
  ProtocolsPolicy protocols;
  SuitesPolicy suites;
  CurvesPolicy curves;
  LegacyPolicy legacy;
  KeySizesPolicy key_sizes;
  DotnetPolicy dotnet;
  FipsPolicy fips;
  LoggingPolicy logging;
  RegistryPolicy registry;
};

/// A template name ("modern") or a path to a .toml / .json file. Errors are
/// kInput (exit 2) and name the file, the line and the field.
Expected<Policy> LoadPolicy(std::string_view file_or_template);
/// LoadPolicy with `--set KEY=VALUE` lines (docs/POLICY.md "--set"): each
/// line is one TOML key/value with a dotted key ("key_sizes.dh_server_min=2048",
/// "legacy.ciphers.'RC4 128/128'=false"). An empty `file_or_template` gives a
/// policy of the lines alone; else each line replaces that one key of the
/// policy (tables the dotted key names are merged, any other value, an inline
/// table too, replaces). The result is checked as a policy file is; an error a
/// line caused names it (`--set "LINE": ...`, kInput, exit 2). No lines: as
/// LoadPolicy(file_or_template).
Expected<Policy> LoadPolicy(std::string_view file_or_template, std::span<const std::string> sets);
/// Parses policy text; `format` is "toml" or "json", `origin` names it in errors.
Expected<Policy> ParsePolicy(std::string_view text, std::string_view format,
                             std::string_view origin);
/// The shipped templates: modern, intermediate, old, pci-dss-4, fips-140, os-default.
std::vector<std::string> TemplateNames();
/// The TOML text of a template, or nullopt.
std::optional<std::string_view> TemplateText(std::string_view name);

struct CompileOptions {
  /// Keep TLS 1.3 (protocol and suites) on an OS before Windows 11 / Server 2022.
  bool allow_tls13_on_old_os = false;
  /// The target's update build revision (UBR), when known. A group that needs
  /// a later revision of the OS's build (OsCurve::needs_revision) is dropped
  /// with a note; unknown (nullopt), it is kept with a note naming the build.
  std::optional<uint32_t> update_revision;
};

struct CompiledPolicy {
  std::string os_id;
  std::vector<RegChange> changes;
  std::vector<std::string> notes;  ///< dropped suites, caveats
  /// What the policy leaves broken although it compiles: certificate types
  /// left without a TLS 1.2 suite (CertTypesWithoutTls12Suite).
  std::vector<std::string> warnings;
};

/// The registry changes that put `policy` on `os_id`. Refuses (kInput, exit 2)
/// a suite list over 1,023 characters, an enabled protocol without a suite,
/// an empty suite list, TLS 1.3 before Windows 11 / Server 2022 (unless
/// allowed), an unknown OS id (kUsage), and a policy that leaves a component
/// it decides (.NET when it writes the .NET values, WinINet when it writes
/// SecureProtocols) with no usable protocol ("component-without-protocol").
Expected<CompiledPolicy> CompilePolicy(const Policy& policy, std::string_view os_id,
                                       const CompileOptions& options = {});

struct OsInfo;

/// The server certificate types ("RSA", "ECDSA") that none of `suite_names`
/// (IANA or Windows names, "_P256" suffixes allowed; unknown names are
/// skipped) serves at TLS 1.2 on `os_id`: a suite counts when the OS's page
/// lists it with TLS 1.2 (the core table when the OS has no suite page) and
/// it is neither PSK nor used only on request (NULL). TLS 1.3 suites do not
/// count: they serve TLS 1.3 clients only. Empty when both types are served.
/// An unknown `os_id` reads the core table alone. E.g. `modern` on ws2008r2
/// keeps three ECDSA suites: {"RSA"}.
std::vector<std::string> CertTypesWithoutTls12Suite(const std::vector<std::string>& suite_names,
                                                    std::string_view os_id);

/// The DefaultSecureProtocols value `wanted` stands for on `os`: its
/// protocols the OS has, as WinHTTP accepts them there (0x2000 only with TLS
/// 1.3 support). What the compiler writes for protocols.winhttp (and
/// wininet), and what a profile name means on a target whose OS is known.
uint32_t WinHttpValueForOs(ProtocolSet wanted, const OsInfo& os);

/// What PROTOCOLS stand for as the WinHTTP value of one target.
struct WinHttpTargetValue {
  uint32_t value = 0;  ///< the value to write or expect
  std::string os_id;   ///< the OS the target says it is; "" when not resolved per OS
  /// When the value differs from the profile's OS-less bits, one sentence
  /// saying why ("modern on Windows Server 2019 ... is 0x00000800 ..."); "" otherwise.
  std::string note;
};

/// The WinHTTP value PROTOCOLS stand for on `backend`: a profile name given
/// alone (`modern`, ProtocolSpec::profile) means, on a target that says which
/// OS it is (CurrentBuild), WinHttpValueForOs of its bits, the value
/// `policy apply` of the template of the same name writes there; so `check
/// modern`, `audit --policy modern` and `policy check modern` agree. Numbers,
/// protocol names, +/- edits and targets that do not say their OS (a blank
/// hive) keep spec.absolute. Never fails: an unreadable OS is "not known".
WinHttpTargetValue WinHttpValueForTarget(const ProtocolSpec& spec, RegistryBackend& backend);

/// The policy as TOML that LoadPolicy reads back to an equal policy.
std::string PolicyToToml(const Policy& policy);
/// The policy as JSON text in the schema's shape.
std::string PolicyToJson(const Policy& policy);

/// The legacy SCHANNEL algorithm key names a policy may set (KB245030).
std::span<const std::string_view> LegacyCipherNames();
std::span<const std::string_view> LegacyHashNames();
std::span<const std::string_view> LegacyKeyExchangeNames();

}  // namespace secproto

#endif  // SECPROTO_POLICY_H_
