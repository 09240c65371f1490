// The one door for every write secproto makes (issue 23). Every command that
// changes a registry target or writes an output file goes through these
// calls, so that every command keeps the same promises:
//  - a write is all-or-nothing, across views and hives;
//  - a backup is bound to its target and machine, refused elsewhere unless
//    forced, and never overwritten;
//  - an existing output file is kept unless forced (kUsage "output-exists",
//    exit 2); a missing folder is the same error for every command, output
//    or target (kTarget "no-folder", exit 3);
//  - a dry run changes no byte; a read-only target is refused;
//  - SIGINT/SIGTERM leave no temp file and nothing half-written (see
//    secproto/interrupt.h).
#ifndef SECPROTO_WRITE_H_
#define SECPROTO_WRITE_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/changeset.h"
#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto {

// --- output files ------------------------------------------------------------------

/// How a command may treat the file it writes.
struct OutputOptions {
  bool force = false;  ///< replace an existing file (--force)
};

/// Checked before any work is done: the folder exists (kTarget "no-folder"),
/// the path is not a folder (kUsage "output-is-folder"), and the file does not
/// exist unless `force` (kUsage "output-exists"). Empty `path`: nothing to check.
Status CheckOutputFile(const std::string& path, const OutputOptions& options);

/// CheckOutputFile, then writes `data` atomically (temp file beside it, fsync,
/// rename). An interrupt before the rename leaves no temp file and the old
/// file as it was.
Status WriteOutputFile(const std::string& path, std::string_view data,
                       const OutputOptions& options);

/// An output written as it goes (audit --csv, --html): a temp file beside the
/// target that Publish() renames over it. Destroyed or interrupted before
/// Publish(), it leaves no temp file and the old file as it was.
class OutputStream {
 public:
  /// CheckOutputFile, then opens the temp file.
  static Expected<std::unique_ptr<OutputStream>> Open(const std::string& path,
                                                      const OutputOptions& options);
  virtual ~OutputStream() = default;
  virtual std::ostream& out() = 0;
  virtual const std::string& path() const = 0;
  /// Flushes, closes and renames the temp file over the target.
  virtual Status Publish() = 0;
};

// --- registry changes ---------------------------------------------------------------

/// Where a backup may be restored: the target it was taken from, and the
/// machine when it recorded one.
struct BackupBinding {
  std::string target;   ///< Describe() of the backend it was taken from
  std::string machine;  ///< the live machine's name; "" for files
};

/// kUsage "backup-target-mismatch" naming both when `binding` is not this
/// backend (paths compared after resolving them; a live machine by name).
Status CheckBackupBinding(const BackupBinding& binding, const std::string& backup_path,
                          const RegistryBackend& backend);

/// kUsage "backup-exists" when `path` exists: a backup may be the only way
/// back, and is never overwritten.
Status RefuseExistingBackup(const std::string& path);

/// What a change set write should do beside the changes.
struct ChangeWriteOptions {
  std::string backup_path;  ///< "" = keep no backup file
  bool dry_run = false;     ///< plan and report, write no byte (backend already wrapped)
};

/// What WriteChangeSet did.
struct WriteOutcome {
  ChangeSetResult result;
  bool backup_written = false;  ///< the backup file exists and describes the change
};

/// The one call for a change set: refuses an existing backup file, checks
/// every touched key is writable, writes the backup (bound to the target)
/// only when something will change, applies all-or-nothing, and removes the
/// backup again when a transactional target was left untouched by a failure.
/// A dry run writes neither the target nor the backup.
Expected<WriteOutcome> WriteChangeSet(RegistryBackend& backend, const Plan& plan,
                                      const ChangeWriteOptions& options);

/// Restores a change-set backup after checking it is bound to this target
/// (unless `force`).
Expected<ChangeSetResult> RestoreChangeSet(RegistryBackend& backend, const ChangeSetBackup& backup,
                                           const std::string& backup_path, bool force);

}  // namespace secproto

#endif  // SECPROTO_WRITE_H_
