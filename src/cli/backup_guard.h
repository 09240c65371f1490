// The rules every --backup and rollback follows (issue 18): a backup file
// that exists is never overwritten, `undo:` is printed only when the backup
// can undo something, and a backup is applied only to the target it came
// from (unless --force).
#ifndef SECPROTO_CLI_BACKUP_GUARD_H_
#define SECPROTO_CLI_BACKUP_GUARD_H_

#include <string>

#include "secproto/error.h"
#include "secproto/registry.h"
#include "secproto/setting.h"

namespace secproto::cli {

/// kUsage ("backup-exists") when `path` exists: the file may be the only way
/// back to the state before an earlier change.
Status RefuseExistingBackup(const std::string& path);

/// Writes the backup file; kIo ("backup-failed") when that fails, so that
/// nothing is changed.
Status WriteBackupFile(const std::string& path, const Backup& backup);

/// Removes a backup file written for a change that then failed on a
/// transactional target (which is left as it was).
void DropBackupFile(const std::string& path);

/// kUsage ("backup-target-mismatch") naming both when the backup was taken
/// from another target than `backend` (paths compared after resolving them;
/// live compares the machine names when the backup recorded one).
Status CheckBackupTarget(const Backup& backup, const std::string& backup_path,
                         const RegistryBackend& backend);

/// The line after a write that took a backup: with `undo:` only when the
/// change was written. `extra` follows --target in the undo command
/// (" --system-hive SYSTEM").
std::string BackupLine(const std::string& path, bool written, const RegistryBackend& backend,
                       const std::string& extra = "");

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_BACKUP_GUARD_H_
