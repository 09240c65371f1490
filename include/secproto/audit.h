// Fleet audit: classify each machine's collected data (.reg exports, offline
// hives, `secproto show --json` outputs) against a policy. Every input goes
// through Inspect() on a RegistryBackend: .reg files and JSON through a
// read-only snapshot backend filled by a fast reader, hives through
// OpenTarget("hive:PATH"). Nothing here prints; a broken input becomes a
// result (invalid / unreadable), never an error that stops the run.
#ifndef SECPROTO_AUDIT_H_
#define SECPROTO_AUDIT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/registry.h"
#include "secproto/setting.h"

namespace secproto {

/// The class of one machine, in the order the report lists them. See
/// docs/FLEET.md for the precise rules (ClassifyInspection applies them).
enum class MachineClass : uint8_t {
  kCompliant,   ///< every required view holds REG_DWORD == policy
  kDrift,       ///< every required view holds a REG_DWORD, at least one != policy
  kMissing,     ///< no required view holds the value
  kWrongType,   ///< some view holds the value with a type other than a 4-byte REG_DWORD
  kOneView,     ///< some required views hold the value, others do not
  kInvalid,     ///< the input could be read but is not a .reg, hive or show JSON we understand
  kUnreadable,  ///< the input could not be read, or records a failed collection
};
inline constexpr int kMachineClassCount = 7;

/// "compliant", "drift", "missing", "wrong-type", "one-view", "invalid", "unreadable".
std::string_view MachineClassName(MachineClass c);
/// All classes in report order.
std::array<MachineClass, kMachineClassCount> AllMachineClasses();

/// What an input file holds, from its first bytes.
enum class InputKind : uint8_t { kReg, kHive, kShowJson, kUnknown };
/// "reg", "hive", "json", "unknown".
std::string_view InputKindName(InputKind k);
/// Sniffs the kind: a UTF-16LE BOM, "Windows Registry Editor" or "REGEDIT4"
/// is .reg; "regf" is a hive; '{' (after whitespace or a UTF-8 BOM) is JSON.
InputKind SniffInputKind(std::string_view head);

/// The compact record of one machine: what the report needs, nothing more.
struct MachineResult {
  std::string host;   ///< file name without extension
  std::string input;  ///< the path read
  InputKind kind = InputKind::kUnknown;
  MachineClass cls = MachineClass::kUnreadable;
  Architecture architecture = Architecture::kUnknown;
  std::string view64;  ///< "0x00002800", "REG_SZ", "missing", "" (no data)
  std::string view32;  ///< same; "n/a" when the OS has no 32-bit view
  std::string detail;  ///< one line: why this class
};

/// Classifies an inspection against the policy value. Fills cls, view64,
/// view32, architecture and detail; leaves host, input and kind alone.
void ClassifyInspection(const Inspection& ins, uint32_t policy, MachineResult& out);

/// A read-only backend holding what a collected document says about the
/// WinHttp key in each view. Keys other than the WinHttp keys do not exist.
/// Filled by the .reg and JSON readers; Inspect() reads it like any target.
struct SnapshotView {
  bool key_exists = false;
  std::optional<RegValue> value;
  std::optional<RegValue> force_default;  ///< ForceDefaultSecureProtocols (view 64 only)
  /// The values of SOFTWARE\Microsoft\Windows NT\CurrentVersion (view 64
  /// only; CurrentBuild, InstallationType, ...), name and value, so that
  /// ReadOsFacts tells which OS the machine is.
  std::vector<std::pair<std::string, RegValue>> current_version;
};
std::unique_ptr<RegistryBackend> NewSnapshotBackend(std::string describe, Architecture arch,
                                                    SnapshotView v64, SnapshotView v32);

/// How ReadRegSnapshot reads.
struct RegSnapshotOptions {
  /// Accept several exports concatenated with `copy /b` into one file (the
  /// collection step in docs/FLEET.md): a header line starts the next part.
  bool concatenated = true;
};

/// Reads a .reg document with the one .reg grammar (the .reg target's, in
/// its scanning mode: docs/REGFILE.md), keeping only the WinHttp keys' state:
/// the state importing the file onto an empty registry leaves. Architecture:
/// 64-bit when the state holds HKLM\SOFTWARE\WOW6432Node, 32-bit when it
/// holds Windows NT\CurrentVersion without it, otherwise unknown (both views
/// expected). Errors are the .reg target's ("bad-reg-file"), with the line
/// number: "line N: what is wrong".
Expected<std::unique_ptr<RegistryBackend>> ReadRegSnapshot(std::string_view bytes,
                                                           std::string describe,
                                                           const RegSnapshotOptions& options = {});

/// Reads a `secproto show --json` document. A document holding {"error":...}
/// is a kTarget error (the collection failed on that machine).
Expected<std::unique_ptr<RegistryBackend>> ReadShowJsonSnapshot(std::string_view text,
                                                                std::string describe);

/// How .reg inputs are read. kFast: the snapshot reader above, which also
/// accepts several exports concatenated with `copy /b` (the collection step
/// in docs/FLEET.md). kBackend: OpenTarget("reg:PATH", read_only), the full
/// .reg document model; slower, and strict about one document per file.
enum class RegReader : uint8_t { kFast, kBackend };

/// Audits one input file. Never fails: I/O errors give kUnreadable, bad
/// content kInvalid, each with a detail line.
MachineResult AuditFile(const std::string& path, uint32_t policy,
                        RegReader reader = RegReader::kFast);

/// Audits `paths` with up to `jobs` threads (at least one); the results are
/// in the order of `paths`.
std::vector<MachineResult> AuditFiles(const std::vector<std::string>& paths, uint32_t policy,
                                      RegReader reader, unsigned jobs);

/// Audits a document already in memory (`path` names it in the result; the
/// hive backend and RegReader::kBackend open `path` themselves).
MachineResult AuditBytes(const std::string& path, std::string_view bytes, uint32_t policy,
                         RegReader reader = RegReader::kFast);

/// The same, for PROTOCOLS as parsed (ParseProtocols): a profile name given
/// alone (`modern`) is compared, on each input that says its OS (a SOFTWARE
/// hive's CurrentBuild), with the value the template of that name writes
/// there (WinHttpValueForTarget in secproto/policy.h), so that `audit
/// --policy modern` and `policy check modern` agree; the detail of a machine
/// that does not comply says so. REQUIRES: !policy.relative.
MachineResult AuditFile(const std::string& path, const ProtocolSpec& policy,
                        RegReader reader = RegReader::kFast);
std::vector<MachineResult> AuditFiles(const std::vector<std::string>& paths,
                                      const ProtocolSpec& policy, RegReader reader, unsigned jobs);
MachineResult AuditBytes(const std::string& path, std::string_view bytes,
                         const ProtocolSpec& policy, RegReader reader = RegReader::kFast);

/// "host" for a path: the file name without its last extension.
std::string HostFromPath(std::string_view path);

/// Walks inputs lazily: files are returned as given, directories are walked
/// depth-first with each directory's entries sorted by name (hidden entries
/// skipped). A path that does not exist, or a directory that cannot be
/// listed, is returned as is, so that it is reported unreadable. Memory is
/// bounded by the largest directory, not by the fleet.
class InputWalker {
 public:
  explicit InputWalker(std::vector<std::string> inputs);
  /// The next file, or nullopt when the walk is over.
  std::optional<std::string> Next();

 private:
  struct Frame {
    std::vector<std::string> paths;
    size_t next = 0;
    bool top = false;
  };
  std::vector<Frame> stack_;
};

/// Every file InputWalker returns, in its order.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs);

/// Counts per class.
struct AuditSummary {
  uint32_t policy = 0;
  uint64_t total = 0;
  std::array<uint64_t, kMachineClassCount> counts{};
  void Add(const MachineResult& r) {
    ++total;
    ++counts[static_cast<int>(r.cls)];
  }
  uint64_t Count(MachineClass c) const { return counts[static_cast<int>(c)]; }
};

/// One machine as a JSON object, on one line: {"host","input","kind","class",
/// "architecture","view64","view32","detail"}.
std::string MachineJson(const MachineResult& r);
/// The summary as a JSON object: {"policy":{"value","hex","protocols"},
/// "total":N,"compliant":N,"drift":N,...} (every class, report order).
std::string SummaryJson(const AuditSummary& s);

/// CSV (RFC 4180, CRLF): the header line, then one line per machine with
/// host,class,kind,architecture,view64,view32,detail,input.
std::string CsvHeader();
std::string CsvRow(const MachineResult& r);

/// The HTML report: one self-contained page (inline CSS, JS and SVG, no
/// network) with a summary chart and a sortable, filterable table of
/// `machines`. Opening it with the fragment #selfcheck runs a check of
/// sorting and filtering that sets <body data-selfcheck="ok"> (for tests).
std::string HtmlReport(const AuditSummary& s, const std::vector<MachineResult>& machines);

}  // namespace secproto

#endif  // SECPROTO_AUDIT_H_
