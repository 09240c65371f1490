// RegistryBackend: the one interface to a registry, live or offline. Backends
// live in src/registry/ behind OpenTarget(); this header shows only the
// interface, the value types, and the shipped fakes.
#ifndef SECPROTO_REGISTRY_H_
#define SECPROTO_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"

namespace secproto {

/// Registry view. k64 is the native key; k32 is what a 32-bit process on
/// 64-bit Windows sees (the Wow6432Node key). On a 32-bit OS only k64 exists.
enum class View { k64, k32 };

/// "64" or "32", as used in JSON and in --view.
std::string_view ViewName(View v);
/// Inverse of ViewName: "64" or "32"; nullopt for other text.
std::optional<View> ParseViewName(std::string_view name);

/// Registry value types (winnt.h REG_*).
enum RegType : uint32_t {
  kRegNone = 0,
  kRegSz = 1,
  kRegExpandSz = 2,
  kRegBinary = 3,
  kRegDword = 4,
  kRegDwordBigEndian = 5,
  kRegLink = 6,
  kRegMultiSz = 7,
  kRegResourceList = 8,
  kRegFullResourceDescriptor = 9,
  kRegResourceRequirementsList = 10,
  kRegQword = 11,
};

/// "REG_DWORD", or "REG_0x1234" for a type with no name.
std::string RegTypeName(uint32_t type);

/// A value as stored: its type and raw bytes.
struct RegValue {
  uint32_t type = kRegNone;
  std::vector<uint8_t> data;

  static RegValue Dword(uint32_t v);
  /// A REG_SZ from UTF-8 text, stored as UTF-16LE with a terminating NUL.
  static RegValue String(std::string_view utf8);
  /// A REG_MULTI_SZ from UTF-8 strings: each stored as UTF-16LE with its NUL,
  /// then one more NUL (an empty list is that NUL alone).
  static RegValue MultiString(std::span<const std::string> items);
  /// The DWORD when the type is REG_DWORD and the data is exactly 4 bytes.
  std::optional<uint32_t> AsDword() const;
  /// Lower-case hex of the raw bytes, "00280000".
  std::string HexData() const;

  friend bool operator==(const RegValue&, const RegValue&) = default;
};

/// What the target says about the OS bitness.
enum class Architecture { kUnknown, k64Bit, k32Bit };

/// An interrupted two-hive commit that opening a target for writing found
/// and dealt with (the intent journal, docs/SAFETY.md): finished when the
/// journal was complete, undone when it stopped before its journal.
struct PairRecovery {
  enum class Action { kFinished, kUndone };
  Action action = Action::kFinished;
  std::string note;  ///< one sentence for the user
};

/// Logical key paths start with the root: "HKLM\\SOFTWARE\\...",
/// "HKLM\\SYSTEM\\CurrentControlSet\\...", "HKCU\\...". Keys compare
/// case-insensitively. The view only redirects HKLM\SOFTWARE (except
/// HKLM\SOFTWARE\Policies, which is shared); every other root ignores it.
///
/// A missing key or value is a normal result (nullopt / false), not an error.
/// A root the target does not hold (no SYSTEM hive given, say) is an error of
/// kind kTarget with code "no-such-root"; ask HasRoot first.
///
/// Writes may be buffered: IsTransactional() backends (hive, .reg, mem) keep
/// every change in memory until Commit(), which replaces the target atomically;
/// a backend dropped without Commit() changes nothing. Non-transactional
/// backends (live) apply each write at once and Commit() is a no-op.
class RegistryBackend {
 public:
  virtual ~RegistryBackend() = default;

  /// The target as the user wrote it, "hive:/mnt/SOFTWARE".
  virtual std::string Describe() const = 0;

  /// Whether the target holds this root ("HKLM\\SOFTWARE", "HKLM\\SYSTEM", "HKCU").
  virtual bool HasRoot(std::string_view root) const = 0;

  /// The bitness of the OS the target belongs to, as far as it can tell.
  virtual Expected<Architecture> DetectArchitecture() = 0;

  virtual Expected<bool> KeyExists(View view, std::string_view key) = 0;

  /// The value, or nullopt when the key or the value is missing.
  virtual Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                                     std::string_view name) = 0;

  /// Names of the direct subkeys (empty when the key is missing).
  virtual Expected<std::vector<std::string>> ListSubkeys(View view, std::string_view key) = 0;

  /// Sets a value, creating missing keys and replacing a value of any type.
  virtual Status SetValue(View view, std::string_view key, std::string_view name,
                          const RegValue& value) = 0;

  /// Deletes a value. A missing key or value is success.
  virtual Status DeleteValue(View view, std::string_view key, std::string_view name) = 0;

  /// Deletes a key that has no values and no subkeys. A missing key is
  /// success; a non-empty key is left alone and is success too.
  virtual Status DeleteKeyIfEmpty(View view, std::string_view key) = 0;

  /// Checks that a write under `key` can be made, before anything is
  /// written (a backup file included), so that a refusal changes nothing.
  /// A hive backend checks the hive that holds `key` (writable, not dirty)
  /// and, unless opened read-only, locks it and opens it for writing; a
  /// target opened read-only (a dry run) gives the same answer and writes
  /// nothing. Writes call it themselves; calling it first is optional.
  virtual Status PrepareWrite(View view, std::string_view key) {
    (void)view;
    (void)key;
    return {};
  }

  /// What a reader should know about the target, one sentence each: a dirty
  /// hive whose .LOG1/.LOG2 changes this read does not see. Empty when none.
  virtual std::vector<std::string> Notices() const { return {}; }

  /// The machine the target is ("" when it is a file): the live backend's
  /// computer name, recorded in backups and compared on rollback.
  virtual std::string MachineName() const { return ""; }

  /// Whether the target is this machine's live registry.
  virtual bool IsLive() const { return false; }

  /// What opening this target for writing did about a two-hive commit that
  /// an earlier process left unfinished (nullopt: there was none).
  virtual std::optional<PairRecovery> Recovery() const { return std::nullopt; }

  /// Whether the target is a fragment of a registry that holds only the keys
  /// it lists (a .reg file): a key it lacks says nothing about the machine it
  /// came from, where a hive or a live registry lacking it means "not set".
  /// Readers that turn "missing" into "at the OS default" (policy capture)
  /// ask this first.
  virtual bool IsPartial() const { return false; }

  /// See the class comment.
  virtual bool IsTransactional() const = 0;

  /// Whether writes and Commit() never reach the target (the --dry-run
  /// wrapper): results then say "committed": false.
  virtual bool IsDryRun() const { return false; }

  /// Makes buffered writes durable, atomically. A no-op when nothing changed:
  /// the target's bytes stay identical.
  virtual Status Commit() = 0;
};

/// Forwards every call to another backend; override what you change
/// (leveldb's EnvWrapper). Owns the wrapped backend.
class RegistryBackendWrapper : public RegistryBackend {
 public:
  explicit RegistryBackendWrapper(std::unique_ptr<RegistryBackend> target)
      : target_(std::move(target)) {}
  RegistryBackend* target() const { return target_.get(); }

  std::string Describe() const override { return target_->Describe(); }
  bool HasRoot(std::string_view root) const override { return target_->HasRoot(root); }
  Expected<Architecture> DetectArchitecture() override { return target_->DetectArchitecture(); }
  Expected<bool> KeyExists(View v, std::string_view k) override { return target_->KeyExists(v, k); }
  Expected<std::optional<RegValue>> GetValue(View v, std::string_view k,
                                             std::string_view n) override {
    return target_->GetValue(v, k, n);
  }
  Expected<std::vector<std::string>> ListSubkeys(View v, std::string_view k) override {
    return target_->ListSubkeys(v, k);
  }
  Status SetValue(View v, std::string_view k, std::string_view n, const RegValue& val) override {
    return target_->SetValue(v, k, n, val);
  }
  Status DeleteValue(View v, std::string_view k, std::string_view n) override {
    return target_->DeleteValue(v, k, n);
  }
  Status DeleteKeyIfEmpty(View v, std::string_view k) override {
    return target_->DeleteKeyIfEmpty(v, k);
  }
  Status PrepareWrite(View v, std::string_view k) override { return target_->PrepareWrite(v, k); }
  std::vector<std::string> Notices() const override { return target_->Notices(); }
  std::string MachineName() const override { return target_->MachineName(); }
  bool IsPartial() const override { return target_->IsPartial(); }
  bool IsTransactional() const override { return target_->IsTransactional(); }
  bool IsLive() const override { return target_->IsLive(); }
  std::optional<PairRecovery> Recovery() const override { return target_->Recovery(); }
  bool IsDryRun() const override { return target_->IsDryRun(); }
  Status Commit() override { return target_->Commit(); }

 private:
  std::unique_ptr<RegistryBackend> target_;
};

/// Options for opening a target.
struct TargetOptions {
  bool read_only = false;     ///< open for reading only (show, check, explain)
  bool force_dirty = false;   ///< write a dirty hive anyway (--force-dirty)
  std::string system_hive;    ///< --system-hive PATH: a SYSTEM hive beside a SOFTWARE hive
  std::string user_hive;      ///< --user-hive PATH: an NTUSER.DAT for HKCU
  /// The roots the command will write ("HKLM\\SOFTWARE", "HKLM\\SYSTEM",
  /// "HKCU"). A hive backend checks (writable, not dirty) and, unless
  /// read_only, locks the hives of these roots when it opens them, so a dry
  /// run gives the real run's answer; the other hives are only read and
  /// never refused for being dirty (a write there later checks and locks
  /// then, see PrepareWrite). Empty: decide at the first write.
  std::vector<std::string> write_roots;
  /// A preview (--dry-run): the target is opened read-only and wrapped in
  /// NewDryRunBackend, so writes are seen by later reads and never reach it;
  /// a file that does not exist yet is previewed as a new document. A dry
  /// run gives the real run's answer to everything but the final commit.
  bool dry_run = false;
};

/// The root of a logical key: "HKLM\\SOFTWARE", "HKLM\\SYSTEM", "HKCU", or "".
std::string RootOfKey(std::string_view key);

/// Opens a target from its --target string: "hive:PATH", "reg:PATH", "mem:",
/// "image:DIR", "live". Unknown schemes are kUsage errors that list the
/// schemes this build supports.
Expected<std::unique_ptr<RegistryBackend>> OpenTarget(std::string_view spec,
                                                      const TargetOptions& options = {});

/// The schemes this build supports, for help and error text.
std::vector<std::string> SupportedTargetSchemes();

/// Registers a target scheme ("hive") with its opener. Backends call this
/// from a static initialiser in their own .cc file.
using TargetOpener = std::function<Expected<std::unique_ptr<RegistryBackend>>(
    std::string_view rest, const TargetOptions& options)>;
bool RegisterTargetScheme(std::string scheme, std::string help, TargetOpener opener);

/// Maps a logical key to the physical key an offline image stores it at:
/// for View::k32, "HKLM\\SOFTWARE\\X" becomes "HKLM\\SOFTWARE\\Wow6432Node\\X"
/// (HKLM\SOFTWARE\Policies is shared and stays). Other roots are unchanged.
std::string PhysicalKey(View view, std::string_view logical_key);

/// Whether both views see the same key at `logical_key`: true outside
/// HKLM\SOFTWARE, and under HKLM\SOFTWARE\Policies (shared, not redirected:
/// "Registry Keys Affected by WOW64") and HKLM\SOFTWARE\Wow6432Node itself.
/// Key names compare case-insensitively, as the registry does.
bool IsSharedBetweenViews(std::string_view logical_key);

/// The rule for an offline SOFTWARE hive (issue 2): a hive that has
/// Microsoft\Windows NT\CurrentVersion but no Wow6432Node is a 32-bit OS; one
/// with Wow6432Node is 64-bit; anything else (a blank hive) is unknown.
Architecture ArchitectureFromSoftwareKeys(bool has_current_version, bool has_wow6432node);

/// Splits "A\\B\\C" into {"A","B","C"}, dropping empty parts.
std::vector<std::string> SplitKey(std::string_view key);

/// Case-insensitive (ASCII) equality, as the registry compares key names.
bool KeyNameEquals(std::string_view a, std::string_view b);

/// An in-memory registry holding HKLM\SOFTWARE, HKLM\SYSTEM and HKCU. The
/// fake that ships: tests and `mem:` use it. Transactional: Commit() counts.
class MemBackend;
std::unique_ptr<RegistryBackend> NewMemBackend(Architecture arch = Architecture::kUnknown);

/// When the fault-injecting wrapper fails.
struct FaultPlan {
  int fail_write = 0;      ///< fail the Nth write (SetValue/DeleteValue/DeleteKeyIfEmpty), 1-based; 0 = never
  bool fail_commit = false;
  int fail_read = 0;       ///< fail the Nth read (GetValue/KeyExists/ListSubkeys), 1-based; 0 = never
};

/// Wraps a backend and fails the operations the plan names with kIo errors.
std::unique_ptr<RegistryBackend> NewFaultInjectingBackend(std::unique_ptr<RegistryBackend> target,
                                                          FaultPlan plan);

/// Wraps a backend so that writes land in an overlay: reads see them, the
/// target never does, and Commit() discards them. For --dry-run.
std::unique_ptr<RegistryBackend> NewDryRunBackend(std::unique_ptr<RegistryBackend> target);

// --- new hive files ---------------------------------------------------------------

/// Writes a new empty hive (root "ROOT") at `path`, atomically. An existing
/// file is refused (kInput, "exists") unless `overwrite`; a directory always is.
Status CreateEmptyHiveFile(const std::string& path, bool overwrite);

/// Writes a blank SYSTEM hive at `path`: Select\\Current=1 (and Default,
/// LastKnownGood) and an empty ControlSet001\\Control, base block file name
/// "SYSTEM", so that it works as --system-hive. Needs hivex: the Windows
/// build returns a kUsage error ("hive-unavailable").
Status CreateBlankSystemHiveFile(const std::string& path, bool overwrite);

}  // namespace secproto

#endif  // SECPROTO_REGISTRY_H_
