// A list of registry changes applied to one target as one change: planned
// (a diff against the target), applied all-or-nothing and idempotently, and
// recorded in one backup that `secproto rollback` restores exactly. The
// changes (RegChange, Effect) come from CompilePolicy (secproto/policy.h).
#ifndef SECPROTO_CHANGESET_H_
#define SECPROTO_CHANGESET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/policy.h"
#include "secproto/registry.h"

namespace secproto {

/// One change compared with the target.
struct PlannedChange {
  RegChange change;
  bool key_exists = false;
  std::optional<RegValue> current;  ///< nullopt: the value is missing
  /// "unchanged", "create", "update", "replace-type", "delete", "absent".
  std::string action;
  bool needed() const { return action != "unchanged" && action != "absent"; }
};

/// The diff of a change list against a target, in list order.
struct Plan {
  std::string target;
  std::vector<PlannedChange> changes;
  /// Whether anything would be written.
  bool changes_anything() const;
  /// The strongest effect among the needed changes (nullopt: none needed).
  std::optional<Effect> strongest_effect() const;
};

/// Compares each change with the target. Reads only. Later duplicates of the
/// same view/key/name override earlier ones (only the last is kept).
Expected<Plan> PlanChanges(RegistryBackend& backend, const std::vector<RegChange>& changes);

/// One value's state before a change set, enough to restore it exactly.
struct ChangeSetEntry {
  View view = View::k64;
  std::string key;  ///< logical key
  std::string name;
  std::optional<RegValue> value;  ///< nullopt: the value did not exist
  /// What the change that replaced it needed to take effect, which restoring
  /// it needs too; nullopt in backups that predate it (then EffectOfValue).
  std::optional<Effect> effect = std::nullopt;
};

/// What a write of `name` under the logical key `key` needs to take effect,
/// as policy compile assigns it: SCHANNEL protocols and WinHTTP's
/// DefaultSecureProtocols a service restart, WinINet and .NET values the
/// next process, the rest of SYSTEM and the suite order policy a reboot.
Effect EffectOfValue(std::string_view key, std::string_view name);

/// A backup of every value a change set touches, and the keys it created.
/// JSON: {"format":"secproto-backup","version":2,"kind":"changeset",
/// "target","machine","created","values":[{"view","key","name","value_existed",
/// "type","type_name","data","effect"}],"created_keys":["HKLM\\...physical", ...]}
/// ("effect", as in a change list, is absent in backups written before it).
/// (created_keys deepest last; physical paths as an image stores them).
struct ChangeSetBackup {
  std::string target;   ///< Describe() of the target it was taken from
  std::string machine;  ///< the live machine's name ("machine" in JSON); "" for files
  std::string created;  ///< UTC, ISO 8601
  std::vector<ChangeSetEntry> values;
  std::vector<std::string> created_keys;
};
std::string ChangeSetBackupToJson(const ChangeSetBackup& b);
Expected<ChangeSetBackup> ChangeSetBackupFromJson(std::string_view json);
/// Whether a backup file's text is a change-set backup (version 2), so that
/// `rollback` can dispatch; false for today's WinHTTP backups and junk.
bool IsChangeSetBackup(std::string_view json);

/// Records the state of every value the needed changes of `plan` touch, and
/// the keys that writing them would create.
Expected<ChangeSetBackup> TakeChangeSetBackup(RegistryBackend& backend, const Plan& plan);

/// What an apply or a restore did.
struct ChangeSetResult {
  Plan plan;
  ChangeSetBackup backup;
  int written = 0;         ///< values set or deleted
  int keys_removed = 0;    ///< keys a restore removed
  bool changed = false;    ///< something was (dry run: would be) written
  bool committed = false;  ///< the target was written
  std::string recovery;    ///< what compensation did after a failed live write
};

/// Applies the needed changes of a plan made on this backend. Nothing is
/// written (and nothing committed) when no change is needed: the target
/// stays byte-identical. All-or-nothing: a transactional backend commits once,
/// and a failure before the commit leaves it untouched; on a
/// non-transactional backend a failed write restores what was already written
/// and removes the keys created.
Expected<ChangeSetResult> ApplyPlan(RegistryBackend& backend, const Plan& plan);

/// Writes the needed changes of `plan` (made on this backend) in order,
/// without committing; returns how many were written. All-or-nothing on a
/// non-transactional backend: when a write fails, the values already written
/// and the failed one are put back as the plan found them and the keys in
/// `before.created_keys` removed (RestoreChangeSetBackup); the error names the
/// value and says what that compensation did. `before` is
/// TakeChangeSetBackup(backend, plan). Every all-or-nothing write of secproto
/// (apply, set's and policy's rollback) goes through this.
Expected<int> WritePlan(RegistryBackend& backend, const Plan& plan, const ChangeSetBackup& before);

/// The plan that puts each entry back as it records: one PlannedChange per
/// entry, in order (no de-duplication). Reads only.
Expected<Plan> PlanRestore(RegistryBackend& backend, const std::vector<ChangeSetEntry>& entries);

/// Plans and applies in one call.
Expected<ChangeSetResult> ApplyChanges(RegistryBackend& backend,
                                       const std::vector<RegChange>& changes);

/// Restores exactly what the backup recorded: values with their type and raw
/// bytes, absence, and removes the keys the change created (when empty).
/// Commits once; writes nothing when the target already matches.
Expected<ChangeSetResult> RestoreChangeSetBackup(RegistryBackend& backend,
                                                 const ChangeSetBackup& backup);

/// A compiled change list, the file `policy compile --format changes` writes:
/// {"format":"secproto-changes","version":1,"os":ID,"changes":[{"view":"64",
/// "key","name","type":4,"data":"01000000"} | {..., "delete":true},
/// "effect","why"]}.
struct ChangeList {
  std::string os_id;  ///< "" when the list names none
  std::vector<RegChange> changes;
};
/// Reads `path` as a change list: nullopt when it is not a regular file or
/// its "format" is not secproto-changes (so it may be a policy file); kInput
/// "bad-changes" naming the path when it claims to be one and is malformed.
Expected<std::optional<ChangeList>> ReadChangeListFile(const std::string& path);

}  // namespace secproto

#endif  // SECPROTO_CHANGESET_H_
