// Operations on the DefaultSecureProtocols setting of one target: inspect,
// set, check, unset, and roll back from a backup. All of them work through a
// RegistryBackend and are all-or-nothing across views.
#ifndef SECPROTO_SETTING_H_
#define SECPROTO_SETTING_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "secproto/error.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"

namespace secproto {

/// A finding about the stored setting. Codes are shared with `doctor`:
/// "wrong-type", "one-view", "views-differ", "invalid-bits", "zero-value",
/// "force-default-secure-protocols".
struct Finding {
  std::string code;
  std::string severity;  ///< "error", "warning", "info"
  std::string view;      ///< "64", "32", or "" for the whole target
  std::string message;
};

/// The state of the value in one view.
struct ViewState {
  View view = View::k64;
  std::string key;                ///< logical key, kWinHttpKey
  std::string physical_key;       ///< the key as stored in an image (Wow6432Node for 32)
  bool key_exists = false;
  std::optional<RegValue> value;  ///< nullopt when missing
  /// The DWORD when the value is a 4-byte REG_DWORD.
  std::optional<uint32_t> dword() const { return value ? value->AsDword() : std::nullopt; }
  /// Whether WinHTTP in this view uses the value.
  bool UsedByWinHttp() const;
  std::vector<Finding> findings;
};

/// The state of the setting on a target.
struct Inspection {
  std::string target;
  Architecture architecture = Architecture::kUnknown;
  std::vector<View> required_views;  ///< the views a 64-bit / 32-bit OS reads
  std::vector<ViewState> views;      ///< one per required view, 64 first
  std::vector<Finding> findings;     ///< all findings, view ones included
  /// ForceDefaultSecureProtocols, reported not modelled (docs/MODEL.md R13).
  std::optional<RegValue> force_default;
  const ViewState* Find(View v) const;
};

/// Which views to act on.
enum class ViewSelection { kBoth, k64, k32 };
Expected<ViewSelection> ParseViewSelection(std::string_view text);

/// Reads the setting in every view the target's OS has.
Expected<Inspection> Inspect(RegistryBackend& backend);

/// The views a selection means on a target of this architecture; a note says
/// when "both" became "64 only" because the image is 32-bit.
std::vector<View> ResolveViews(ViewSelection sel, Architecture arch, std::string* note);

/// What happened in one view.
struct ViewChange {
  View view = View::k64;
  std::string action;  ///< "unchanged", "created", "updated", "replaced-type", "deleted", "absent", "restored"
  std::optional<RegValue> before;
  std::optional<RegValue> after;
};

/// A backup: everything needed to restore the setting exactly.
struct BackupView {
  View view = View::k64;
  std::string key;                     ///< logical key
  bool key_existed = false;
  std::vector<std::string> missing_keys;  ///< keys on the path that did not exist, deepest last
  std::optional<RegValue> value;       ///< nullopt: the value did not exist
  std::string name;                    ///< the value's name; "" means Backup::value_name
};
struct Backup {
  std::string target;
  std::string machine;  ///< the live machine's name; "" for files and older backups
  std::string created;  ///< UTC, ISO 8601
  std::string value_name = std::string(kValueName);
  std::vector<BackupView> views;
  /// Whether the entries name their own values (a version 2 backup).
  bool HasNamedValues() const;
};
/// Backups are JSON: {"format":"secproto-backup","version":1,"target":...,
/// "created":...,"value_name":...,"views":{"64":{"key":...,"key_existed":...,
/// "missing_keys":[...],"value_existed":...,"type":4,"type_name":"REG_DWORD",
/// "data":"00280000"}}}.
std::string BackupToJson(const Backup& b);
Expected<Backup> BackupFromJson(std::string_view json);
/// Version 2, for the values schannel/wininet/dotnet write: {"format":
/// "secproto-backup","version":2,"target":...,"machine":...,"created":...,
/// "values":[{"view":"64","name":...,"key":...,"key_existed":...,
/// "missing_keys":[...],"value_existed":...,"type":4,...}]}. "machine" (both
/// versions) is the live computer name; older backups have none.
/// Records the current state of the given views.
Expected<Backup> TakeBackup(RegistryBackend& backend, const std::vector<View>& views);

/// One value a write will touch.
struct BackupValueRef {
  View view = View::k64;
  std::string key;   ///< logical key
  std::string name;  ///< value name
};
/// Records the current state of each value (duplicates once).
Expected<Backup> TakeValuesBackup(RegistryBackend& backend,
                                  const std::vector<BackupValueRef>& values);

/// The result of a write operation.
struct ChangeResult {
  std::vector<ViewChange> views;
  bool changed = false;         ///< something was (or, dry run, would be) written
  bool committed = false;       ///< the target was written
  std::string note;             ///< e.g. "32-bit image: set the native view only"
  Backup backup;                ///< the state before the change
  /// When a non-transactional write failed half-way: what compensation did.
  std::string recovery;
};

/// Writes `value` as REG_DWORD in `views`. Writes nothing when every view
/// already holds it. REQUIRES: value valid (checked; kInput otherwise).
/// All-or-nothing: on failure, a transactional target is left untouched, and
/// a live one has the views already written restored from the backup.
Expected<ChangeResult> SetSetting(RegistryBackend& backend, uint32_t value,
                                  const std::vector<View>& views);

/// Removes the value from `views`.
Expected<ChangeResult> UnsetSetting(RegistryBackend& backend, const std::vector<View>& views);

/// The value `+x -y` edits apply to: the valid REG_DWORD that every view in
/// `views` holds. kInput "no-base-value" when a view has none (naming what it
/// holds), "views-differ" when the views disagree.
Expected<uint32_t> EditBase(const Inspection& inspection, const std::vector<View>& views);

/// A `set` (value) or `unset` (no value) of the views, with its backup file.
struct SettingWrite {
  std::optional<uint32_t> value;  ///< nullopt: remove the value
  std::vector<View> views;
  /// The backup file to keep (the library's door: refused when it exists,
  /// written only when something will change and the target is not a dry
  /// run, removed again when a transactional target was left untouched).
  /// "" = none. Takes the place of save_backup/drop_backup.
  std::string backup_path;
  /// Saves the backup file; called only when something will change, after
  /// every view was checked writable and before anything is written. A
  /// failure stops the write. Empty: no backup file is kept.
  std::function<Status(const Backup&)> save_backup;
  /// Called when the write then failed on a transactional target: nothing
  /// was written, so the saved backup describes no change.
  std::function<void()> drop_backup;
};

/// What WriteSetting did.
struct SettingWriteResult {
  ChangeResult change;
  bool backup_saved = false;  ///< save_backup was called and succeeded
};

/// Records the views, checks that each can be written (PrepareWrite), saves
/// the backup, then sets or unsets: the order in which a refusal or a failed
/// backup changes nothing. Writes nothing when every view already matches.
Expected<SettingWriteResult> WriteSetting(RegistryBackend& backend, const SettingWrite& w);

/// "REG_DWORD 0x00002800 (TLS 1.2, TLS 1.3)", "REG_SZ \"0xA80\"", "missing".
std::string DescribeValue(const std::optional<RegValue>& v);

/// Restores exactly what the backup recorded, per view: absence (also of the
/// keys that did not exist), or the original type and raw data.
Expected<ChangeResult> RestoreBackup(RegistryBackend& backend, const Backup& backup);

/// One difference found by check.
struct Difference {
  View view = View::k64;
  std::string message;
};
struct CheckResult {
  bool compliant = false;
  std::vector<Difference> differences;
  Inspection inspection;
};
/// Whether every required view holds exactly `value` as REG_DWORD.
Expected<CheckResult> CheckSetting(RegistryBackend& backend, uint32_t value,
                                   const std::vector<View>& views);

/// A Windows service known to use WinHTTP (KB3140245; docs/MODEL.md R2).
struct WinHttpConsumer {
  std::string_view service;  ///< service name, "WinRM"; empty for applications
  std::string_view display;  ///< "Windows Remote Management (WinRM)"
};
std::span<const WinHttpConsumer> KnownWinHttpConsumers();

}  // namespace secproto

#endif  // SECPROTO_SETTING_H_
