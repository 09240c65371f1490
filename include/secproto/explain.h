// The explain model: what a WinHTTP process really offers on a given OS and
// registry (docs/MODEL.md, rules R1 to R17 with their sources), the OS
// catalog that supplies the built-in defaults, and the doctor's findings.
// Pure code: the only I/O is through a RegistryBackend in ReadRegistryInputs
// and ReadOsFacts.
#ifndef SECPROTO_EXPLAIN_H_
#define SECPROTO_EXPLAIN_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/policy.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"
#include "secproto/setting.h"

namespace secproto {

// --- The OS catalog -----------------------------------------------------------

/// How sure a fact is (the tags of docs/MODEL.md).
enum class Confidence { kDoc, kCode, kInfer, kUnsure };
/// "doc", "code", "infer", "unsure".
std::string_view ConfidenceName(Confidence c);

/// SCHANNEL's client default for one protocol when no key exists (R10).
enum class SchannelDefault : uint8_t { kOn, kOff, kNotSupported };
/// "on", "off", "not-supported".
std::string_view SchannelDefaultName(SchannelDefault d);

/// One row of the OS catalog (src/explain/os_catalog.cc).
struct OsInfo {
  std::string id;            ///< "win10-22h2"
  std::string name;          ///< "Windows 10 22H2"
  uint32_t build = 0;        ///< CurrentBuild, 19045
  bool server = false;       ///< product type: server (true) or workstation
  uint32_t builtin_default = 0;             ///< WinHTTP default when the value is absent (R4)
  bool builtin_default_overridden = false;  ///< set by --builtin-default
  /// SCHANNEL client defaults, indexed by static_cast<size_t>(Protocol).
  std::array<SchannelDefault, kProtocolCount> schannel_client{};
  bool tls13 = false;        ///< TLS 1.3 usable (Windows 11 / Server 2022 on)
  bool ssl2 = false;         ///< SSL 2.0 still in SCHANNEL (removed from 10 1607 / 2016 on)
  /// DefaultSecureProtocols is read only once KB3140245 is installed (7,
  /// 2008 R2, 8, 2012; R5). RegistryInputs::kb3140245 says whether it is.
  bool needs_kb3140245 = false;
  Confidence confidence = Confidence::kDoc;  ///< of the row as a whole (weakest fact)
  std::string source;                        ///< docs/MODEL.md rule ids and Microsoft documents
  std::string unsure;        ///< what is unsure about the row; empty when nothing

  /// "workstation" or "server".
  std::string_view ProductType() const { return server ? "server" : "workstation"; }
  /// The bits WinHttpSetOption accepts on this OS: 0x2AA8 with TLS 1.3, else 0x0AA8.
  uint32_t KnownBits() const { return tls13 ? kKnownBits : (kKnownBits & ~Info(Protocol::kTls13).bit); }
  /// Whether SCHANNEL on this OS implements the protocol at all.
  bool Supports(Protocol p) const;
};

/// The catalog, oldest first; ids are unique.
std::span<const OsInfo> OsCatalog();

/// The row with this id (case-insensitive), or a kUsage error listing the ids.
Expected<OsInfo> FindOs(std::string_view id);

/// What SOFTWARE\Microsoft\Windows NT\CurrentVersion says (empty when absent).
struct OsFacts {
  std::string current_build;      ///< "19045"
  std::string installation_type;  ///< "Client", "Server", "Server Core"
  std::string product_name;       ///< "Windows 10 Pro"
  std::string display_version;    ///< "22H2"
  std::string release_id;         ///< "2009" (what builds before 20H2 have instead of display_version)
  std::string service_pack;       ///< CSDVersion, "Service Pack 1"
};

/// Reads OsFacts from the target. A missing key gives empty facts, not an error.
Expected<OsFacts> ReadOsFacts(RegistryBackend& backend);

/// The detected row and how it was found.
struct OsDetection {
  OsInfo os;
  bool exact = false;   ///< the build and product type are in the catalog
  std::string note;     ///< e.g. "build 19046 is not in the catalog; using win10-22h2 (nearest older)"
};

/// Maps facts to a catalog row: exact build and product type, or else the
/// nearest older build of the same product type (with a note). A kInput error
/// (code "unknown-os") when there is no usable CurrentBuild: use --os.
Expected<OsDetection> DetectOs(const OsFacts& facts);

// --- Reading the machine ------------------------------------------------------

/// One registry value as read, with its type checked by the reader.
struct RegRead {
  View view = View::k64;
  std::string key;                ///< logical key
  std::string name;               ///< value name
  std::optional<RegValue> value;  ///< nullopt: key or value missing
  /// The DWORD when the value is a 4-byte REG_DWORD.
  std::optional<uint32_t> dword() const { return value ? value->AsDword() : std::nullopt; }
  bool present() const { return value.has_value(); }
  /// Present but not a 4-byte REG_DWORD.
  bool wrong_type() const { return value && !value->AsDword(); }
};

/// SCHANNEL Protocols\<name>\Client or \Server.
struct SchannelSide {
  RegRead enabled;
  RegRead disabled_by_default;
};
struct SchannelProtocol {
  Protocol protocol = Protocol::kTls12;
  SchannelSide client;
  SchannelSide server;
};

/// Whether KB3140245 is installed (R5), from the Component Based Servicing
/// package keys.
enum class KbStatus { kInstalled, kMissing, kUnknown };
/// "installed", "missing", "unknown".
std::string_view KbStatusName(KbStatus s);

/// Everything the model and the doctor read from a machine.
struct RegistryInputs {
  std::string target;               ///< backend Describe(), or "what-if"
  Architecture architecture = Architecture::kUnknown;
  /// DefaultSecureProtocols per view: [0] = 64 (native), [1] = 32 (Wow6432Node).
  std::array<RegRead, 2> dsp;
  /// The Inspect() findings for the setting (wrong-type, one-view, ...).
  std::vector<Finding> setting_findings;
  RegRead force_default;            ///< ForceDefaultSecureProtocols (reported only)
  bool has_system = false;          ///< SCHANNEL was read (HKLM\SYSTEM present)
  std::vector<SchannelProtocol> schannel;  ///< table order; empty without SYSTEM
  /// WinINet SecureProtocols: HKLM 64, HKLM 32, the HKLM Policies value,
  /// then, when the target has HKCU, the user value and the user Policies
  /// value, which wins over the user value (R14; view k64 for shared keys).
  std::vector<RegRead> wininet;
  bool has_user = false;            ///< HKCU was read
  /// .NET: for each of v4.0.30319 and v2.0.50727 in views 64 and 32,
  /// SystemDefaultTlsVersions then SchUseStrongCrypto (8 reads).
  std::vector<RegRead> dotnet;
  /// KB3140245: kUnknown on a .reg target (it holds only what was written) or
  /// when the servicing Packages key is absent.
  KbStatus kb3140245 = KbStatus::kUnknown;
  /// The key that shows the status: the Package_for_KB3140245~ key found, or
  /// the Packages key searched; "" when unknown.
  std::string kb3140245_key;

  const RegRead& Dsp(View v) const { return dsp[v == View::k64 ? 0 : 1]; }
  /// The SCHANNEL entry for p, or nullptr when SCHANNEL was not read.
  const SchannelProtocol* Schannel(Protocol p) const;
};

/// Reads everything above through the backend. Roots the target lacks (no
/// SYSTEM hive, no user hive) are skipped and flagged, not errors.
Expected<RegistryInputs> ReadRegistryInputs(RegistryBackend& backend);

/// The OS row in use and how it was chosen.
struct ResolvedOs {
  OsInfo os;
  std::string how;   ///< "--os", "detected"
  std::string note;  ///< detection note, or ""
  /// When --os names another OS than the target says it is: the detected id,
  /// and the sentence every command prints ("modelled as X; the target says
  /// it is Y"). Empty otherwise.
  std::string detected_id;
  std::string what_if;
};

/// What a command does with the OS it resolves: model it (explain, doctor,
/// plan, check: another OS is a what-if, said so), or write for it (a
/// different --os than the target says is refused unless forced).
enum class OsUse { kModel, kWrite, kWriteForced };

/// The one rule for --os against a target (issue 23): --os wins when the
/// target does not say which OS it is, or says the same. When the target says
/// it is another OS (an exact CurrentBuild/InstallationType match in the
/// catalog), kModel resolves to --os with `what_if` set, kWrite fails with
/// kUsage "os-mismatch" naming both, and kWriteForced writes for --os with
/// `what_if` set. Without --os the detected OS is used; with neither, kUsage
/// "no-os".
Expected<ResolvedOs> ResolveTargetOs(RegistryBackend& backend, const std::string& os_flag,
                                     OsUse use);

/// The OS a command models (explain, doctor, impact): `os_id` (--os) wins;
/// else the OS is detected from the target. With neither (backend null, no
/// id) a kUsage error "no-os" says that `what` needs --os. A non-empty
/// `builtin_default` (--builtin-default: a mask or protocol list) replaces
/// the row's WinHTTP default (kInput "bad-builtin-default" when it is not one).
Expected<ResolvedOs> ResolveOs(RegistryBackend* backend, const std::string& os_id,
                               const std::string& builtin_default,
                               std::string_view what = "a what-if --value");

/// `inputs` with DefaultSecureProtocols replaced by `value` in every view
/// (nullopt: missing), as a what-if on a real target sees it.
RegistryInputs WithValueInEveryView(RegistryInputs inputs, std::optional<RegValue> value);

/// A what-if with no target: `value` stands for DefaultSecureProtocols in
/// both views (nullopt: missing), nothing else is set, SCHANNEL at defaults.
RegistryInputs WhatIfInputs(std::optional<RegValue> value,
                            Architecture arch = Architecture::k64Bit);

/// The views whose processes exist: 64 and 32, or only 64 on a 32-bit OS.
std::vector<View> ProcessViews(Architecture arch);

// --- The model ------------------------------------------------------------------

/// Knobs for the rules docs/MODEL.md marks unsure.
struct ModelOptions {
  /// R9: a protocol SCHANNEL has off for clients (an "off" OS default, or
  /// DisabledByDefault=1) is removed from WinHTTP's set (KB3140245 for
  /// Windows 7, modelled on every OS). false models the other reading
  /// (--disabled-by-default-keeps): such protocols stay.
  bool disabled_by_default_removes = true;
};

/// "removes" or "keeps": which reading of R9 is in force.
std::string_view SchannelReadingName(const ModelOptions& o);

/// One step of the chain.
struct ExplainStep {
  int number = 0;            ///< 1..5
  std::string name;          ///< "builtin-default", "registry-value", "app-mask", "os-support", "schannel"
  /// builtin-default: "used" | "replaced"; registry-value: "used" | "missing" |
  /// "wrong-type" | "zero" | "unknown-bits";
  /// app-mask: "none" | "used" | "rejected"; os-support, schannel: "removed" | "unchanged".
  std::string outcome;
  uint32_t before = 0;       ///< the set entering the step
  uint32_t after = 0;        ///< the set leaving it
  std::string detail;        ///< one or two sentences for humans, with the reason
  std::vector<std::string> notes;  ///< reported facts that do not change the set
  std::string source;              ///< the docs/MODEL.md rule and its primary source
  bool unsure = false;             ///< the outcome rests on an [unsure] rule (see notes)
};

/// What a process of one bitness offers.
struct Explanation {
  View view = View::k64;
  std::vector<ExplainStep> steps;
  std::string source;        ///< where the mask came from: "builtin-default", "registry", "app"
  uint32_t effective_value = 0;
  std::optional<Protocol> max_version;
  /// "fails" (nothing left: every HTTPS call fails), "insecure" (SSL
  /// reachable), "legacy" (TLS 1.0/1.1 reachable), "no-tls12" (only TLS 1.3),
  /// "good" (TLS 1.2 and/or 1.3 only).
  std::string verdict;
  std::string verdict_text;  ///< one sentence
  std::vector<std::string> warnings;  ///< unsure catalog facts, KB3140245, ForceDefaultSecureProtocols
  /// When an [unsure] step has a second possible outcome (an app mask with
  /// TLS 1.3 on Windows 10 1903+, R6): the set the process would end with.
  std::optional<uint32_t> alternative_value;
};

/// Runs the chain for a process of view `view`. `app_mask`: the mask the app
/// passes to WinHttpSetOption, or nullopt when it does not set one.
Explanation ExplainProcess(const OsInfo& os, const RegistryInputs& inputs,
                           std::optional<uint32_t> app_mask, View view,
                           const ModelOptions& options = {});

// --- The doctor -----------------------------------------------------------------

/// Where a finding comes from.
struct Evidence {
  std::string key;    ///< logical key
  std::string name;   ///< value name
  std::string view;   ///< "64", "32", or "" for shared keys
  std::string value;  ///< as DescribeValue-like text: "0x00002800", "\"0xA80\"", "missing"
  std::string type;   ///< "REG_DWORD", "REG_SZ", "" when missing
};

/// A doctor finding.
struct DoctorFinding {
  std::string code;      ///< see docs/MODEL.md: wrong-type, one-view, ..., needs-kb3140245
  std::string severity;  ///< "error", "warning", "info"
  std::string message;
  std::vector<Evidence> evidence;
  /// The secproto commands that clear it, in order; empty when none can.
  std::vector<std::string> fix_steps;
  std::string fix;     ///< fix_steps joined with " && "; "" when nothing to run
  std::string source;  ///< the docs/MODEL.md rule and its primary source
  /// What fix_steps write, as registry changes: what doctor merges into its
  /// one fix (secproto/doctor.h). Empty when no registry change clears it.
  std::vector<RegChange> fix_changes;
  /// Other codes the same condition was reported under before (JSON "aliases").
  std::vector<std::string> aliases;
};

/// Every finding on the machine, errors first. `target_args` are the flags
/// that select the target as they go into the fix commands, already quoted
/// for a shell: "--target image:/mnt/win".
std::vector<DoctorFinding> Diagnose(const OsInfo& os, const RegistryInputs& inputs,
                                    std::string_view target_args,
                                    const ModelOptions& options = {});

/// The value doctor recommends on this OS: TLS 1.2 + 1.3 where TLS 1.3 is
/// usable, else TLS 1.2.
uint32_t RecommendedValue(const OsInfo& os);

// --- Fixes for the related settings ------------------------------------------------

/// One REG_DWORD a fix writes.
struct RelatedWrite {
  View view = View::k64;
  std::string key;   ///< logical key
  std::string name;
  uint32_t value = 0;
};

/// `secproto schannel set`: Enabled (1/0) and DisabledByDefault (0/1) of
/// Protocols\<name>\Client and/or \Server.
std::vector<RelatedWrite> SchannelWrites(Protocol p, bool client, bool server, bool enable);

/// Where `secproto wininet set` writes SecureProtocols.
enum class WinInetScope { kMachine, kPolicy, kUser, kUserPolicy };
/// "machine" (HKLM, every view of the OS), "policy" (the Group Policy value),
/// "user" (HKCU) or "user-policy" (the User Configuration policy value).
std::vector<RelatedWrite> WinInetWrites(uint32_t value, WinInetScope scope, Architecture arch);

/// `secproto dotnet set`: SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1
/// in the four .NET keys (two on a 32-bit OS).
std::vector<RelatedWrite> DotNetWrites(Architecture arch);

/// Writes every value as REG_DWORD (skipping those already equal) and
/// commits. A transactional target is all-or-nothing. Returns how many values
/// changed.
Expected<int> ApplyWrites(RegistryBackend& backend, const std::vector<RelatedWrite>& writes);

}  // namespace secproto

#endif  // SECPROTO_EXPLAIN_H_
