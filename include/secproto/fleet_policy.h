// The stack-wide policy for fleets (docs/FLEET.md, "Whole-stack policy"):
// one policy compiled for the fleet's OS mix into one list of registry
// values, the deployment artifacts of every engine (reg, ps1, Intune, GPP,
// Ansible, DSC), the collection scripts that bring back exactly the keys the
// audit reads, and the per-machine audit of collected files against it.
// Emitters are pure: they return file contents and never touch the disk.
#ifndef SECPROTO_FLEET_POLICY_H_
#define SECPROTO_FLEET_POLICY_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "secproto/audit.h"
#include "secproto/emit.h"
#include "secproto/error.h"
#include "secproto/policy.h"
#include "secproto/registry.h"

namespace secproto {

/// The formats of `export --tls-policy`.
enum class PolicyExportFormat {
  kReg,
  kPs1,
  kIntune,
  kGpp,
  kAnsible,
  kDsc,
  kCollectPs1,
  kCollectAnsible
};
/// "reg", "ps1", "intune", "gpp", "ansible", "dsc", "collect-ps1", "collect-ansible".
std::string_view PolicyExportFormatName(PolicyExportFormat f);
/// Parses a --format argument (case-insensitive); a kUsage error lists them.
Expected<PolicyExportFormat> ParsePolicyExportFormat(std::string_view text);

/// The parts of the stack an audit reports on.
enum class AuditComponent : uint8_t {
  kSchannelClient,  ///< SCHANNEL Protocols\<name>\Client
  kSchannelServer,  ///< SCHANNEL Protocols\<name>\Server
  kSuites,          ///< the Policies suite order (Functions)
  kCurves,          ///< the Policies curve order (EccCurves)
  kDotnet,          ///< .NET Framework SchUseStrongCrypto / SystemDefaultTlsVersions
  kWinHttp,         ///< WinHTTP DefaultSecureProtocols
  kWinInet,         ///< WinINet SecureProtocols
  kOther,           ///< legacy algorithm keys, key sizes, FIPS, EventLogging
};
inline constexpr int kAuditComponentCount = 8;
/// "schannel-client", "schannel-server", "suites", "curves", "dotnet",
/// "winhttp", "wininet", "other".
std::string_view AuditComponentName(AuditComponent c);
/// The component a logical key and value name belong to.
AuditComponent ComponentOf(std::string_view key, std::string_view name);

/// One value of the fleet policy.
struct FleetItem {
  View view = View::k64;
  std::string key;                ///< logical key (registry.h)
  std::string name;               ///< value name
  std::optional<RegValue> value;  ///< nullopt: delete the value
  Effect effect = Effect::kReboot;
  std::string why;
  /// The OS ids of the mix whose compiled policy holds this value; empty when
  /// every OS of the mix does.
  std::vector<std::string> only_on;
};

/// The policy compiled for an OS mix.
struct FleetPolicy {
  std::string policy;               ///< as the user named it ("modern", a path)
  std::vector<std::string> os_ids;  ///< the mix, in the order given
  std::vector<FleetItem> items;     ///< in compile order, one per view/key/name
  std::vector<std::string> notes;   ///< per OS: "win7: dropped ..."; merge notes
  bool unset = false;               ///< the items delete the policy's values
  /// Whether any item needs a reboot (Effect::kReboot).
  bool NeedsReboot() const;
};

/// Compiles `policy` for each OS of `os_ids` and merges the results (rules in
/// docs/FLEET.md): values every OS agrees on are written once; a suite or
/// curve list is the union in policy order (an OS skips the names it lacks);
/// a value only some OSes compile is written for all when it does not turn on
/// a protocol another OS of the mix does not support. Refuses (kInput, exit
/// 2, code "os-mix-conflict") a value the OSes need different data for, and a
/// protocol enabled for one OS that another does not support, naming both.
/// `unset`: every item becomes a deletion of that value.
Expected<FleetPolicy> CompileFleetPolicy(const Policy& policy, std::string policy_name,
                                         const std::vector<std::string>& os_ids, bool unset);

struct PolicyExportOptions {
  bool fixed_ids = false;   ///< gpp: fixed uids and time (golden tests)
  bool gpo_backup = false;  ///< gpp: a GPO backup tree with README.txt
};

/// Builds the artifact of `format` for the fleet policy.
Expected<Artifact> EmitFleetPolicy(PolicyExportFormat format, const FleetPolicy& fp,
                                   const PolicyExportOptions& options = {});

/// The keys a collection must export for the audit of `fp` (physical, short
/// root, no key below another of the list), and the OS facts key.
std::vector<std::string> CollectKeys(const FleetPolicy& fp);

// ---- audit --------------------------------------------------------------------

/// A component's verdict on one machine.
enum class ComponentVerdict : uint8_t { kNotManaged, kOk, kDrift };
/// "n/a", "ok", "drift".
std::string_view ComponentVerdictName(ComponentVerdict v);

/// One machine against the whole policy.
struct PolicyMachineResult {
  MachineResult base;     ///< host, input, kind, class (compliant, drift, invalid, unreadable)
  std::string os_id;      ///< the OS the policy was compiled for
  std::string os_source;  ///< "collected" (CurrentBuild) or "--os"
  std::array<ComponentVerdict, kAuditComponentCount> components{};
  /// One line per value that differs: "HKLM\\...\\TLS 1.2\\Client\\Enabled: 0x00000000,
  /// policy 0x00000001".
  std::vector<std::string> drift;
  /// The component of each line of `drift`, in the same order.
  std::vector<AuditComponent> drift_components;
};

/// Audits collected files against a policy. Thread-safe: AuditFile may run on
/// several threads; each OS is compiled once.
class PolicyAuditor {
 public:
  /// `default_os`: the OS for machines whose file holds no CurrentBuild (may
  /// be empty: then such a machine is unreadable).
  PolicyAuditor(Policy policy, std::string policy_name, std::string default_os);
  PolicyMachineResult AuditFile(const std::string& path);
  /// AuditFile of each of `paths` with up to `jobs` threads (at least one);
  /// the results are in the order of `paths`.
  std::vector<PolicyMachineResult> AuditFiles(const std::vector<std::string>& paths, unsigned jobs);
  PolicyMachineResult AuditBytes(const std::string& path, std::string_view bytes);
  /// Compiles for the default OS now, so that a bad --os or a policy that
  /// does not compile for it is a usage error before any input is read.
  Status Check();

 private:
  Expected<std::shared_ptr<const FleetPolicy>> For(const std::string& os_id);
  /// The policy of an OS with each item's lookup key and component, made once.
  struct Prepared;
  Expected<std::shared_ptr<const Prepared>> PreparedFor(const std::string& os_id);
  std::map<std::string, std::shared_ptr<const Prepared>> prepared_;
  Policy policy_;
  std::string policy_name_;
  std::string default_os_;
  std::mutex mu_;
  std::map<std::string, Expected<std::shared_ptr<const FleetPolicy>>> cache_;
  /// Folded physical keys, and key + '\n' + name, that some OS's policy names.
  std::unordered_set<std::string> tracked_keys_;
  std::unordered_set<std::string> tracked_slots_;
};

/// Counts per component across machines: ok, drift, not managed.
struct ComponentSummary {
  std::array<std::array<uint64_t, 3>, kAuditComponentCount> counts{};
  void Add(const PolicyMachineResult& r) {
    for (int c = 0; c < kAuditComponentCount; ++c) ++counts[c][static_cast<int>(r.components[c])];
  }
};

/// The machine as one JSON object: MachineJson's fields plus "os",
/// "os_source", "components" {name: "ok"|"drift"|"n/a"} and "drift" [lines].
std::string PolicyMachineJson(const PolicyMachineResult& r);
/// {"schannel-client":{"ok":N,"drift":N,"n/a":N}, ...}
std::string ComponentSummaryJson(const ComponentSummary& s);
/// CSV: CsvHeader's columns, then os and one column per component, then drift.
std::string PolicyCsvHeader();
std::string PolicyCsvRow(const PolicyMachineResult& r);
/// The --html report of a fleet audit, gathered while the audit streams, in
/// memory that does not grow with the fleet: the N worst machines (most
/// drifting components first, unreadable and invalid inputs before all; ties
/// in input order), and the drift grouped by the line that drifts (key\name,
/// what the machines hold, what the policy says), with unreadable and invalid
/// inputs grouped by their detail. At most `max_groups` groups are kept (first
/// come); lines past that are counted, not grouped. Group texts are cut at
/// kGroupTextMax bytes (a hash of the whole line tells groups apart).
class PolicyReportDigest {
 public:
  static constexpr size_t kDefaultWorst = 100;
  static constexpr size_t kDefaultMaxGroups = 1000;
  static constexpr size_t kGroupTextMax = 400;
  explicit PolicyReportDigest(size_t worst = kDefaultWorst,
                              size_t max_groups = kDefaultMaxGroups);
  void Add(const PolicyMachineResult& r);

  /// One machine of the worst-N table.
  struct Row {
    int score = 0;           ///< drifting components, +100 unreadable/invalid
    size_t lines = 0;        ///< drift lines
    uint64_t seq = 0;        ///< input order
    std::string host, os_id, detail;
    MachineClass cls = MachineClass::kCompliant;
    std::array<ComponentVerdict, kAuditComponentCount> components{};
  };
  /// One group: the machines whose result holds this line.
  struct Group {
    std::string label;  ///< a component name, or "invalid" / "unreadable"
    std::string text;   ///< the line (cut at kGroupTextMax)
    uint64_t machines = 0;
  };
  /// The kept rows, worst first.
  std::vector<Row> Worst() const;
  /// The groups, most machines first.
  std::vector<Group> Groups() const;
  uint64_t left_out_lines() const { return left_out_lines_; }
  uint64_t left_out_machines() const { return left_out_machines_; }
  size_t worst_limit() const { return worst_; }
  size_t max_groups() const { return max_groups_; }

 private:
  bool Count(std::string_view label, std::string_view text);
  size_t worst_;
  size_t max_groups_;
  uint64_t seq_ = 0;
  std::vector<Row> heap_;  ///< min-heap: the least bad kept row on top
  std::unordered_map<uint64_t, Group> groups_;
  uint64_t left_out_lines_ = 0;
  uint64_t left_out_machines_ = 0;
};

/// The HTML report: the classes, compliance per component across the fleet,
/// the drift grouped by value, and the digest's worst machines. `csv_link`,
/// when not empty, is the href of the full list (the --csv file).
std::string PolicyHtmlReport(const std::string& policy_name, const AuditSummary& s,
                             const ComponentSummary& cs, const PolicyReportDigest& digest,
                             const std::string& csv_link = "");

}  // namespace secproto

#endif  // SECPROTO_FLEET_POLICY_H_
