// See backup_guard.h.
#include "cli/backup_guard.h"

#include <filesystem>

#include "util/file.h"

namespace secproto::cli {
namespace {

// "hive:/a/b/../SOFTWARE" and "hive:SOFTWARE" name one file when resolved.
std::string Normalised(const std::string& target) {
  size_t colon = target.find(':');
  if (colon == std::string::npos || colon < 2) return target;
  std::string scheme = target.substr(0, colon);
  std::string rest = target.substr(colon + 1);
  if (rest.empty()) return target;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(rest, ec);
  if (ec) return target;
  return scheme + ":" + p.string();
}

}  // namespace

Status RefuseExistingBackup(const std::string& path) {
  if (path.empty()) return {};
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Fail(Error::Usage("the backup file " + path +
                                 " already exists and may be the only way back to the state "
                                 "before an earlier change; secproto never overwrites a backup: "
                                 "give a new name, or move that file away",
                             "backup-exists"));
  }
  return {};
}

Status WriteBackupFile(const std::string& path, const Backup& backup) {
  auto wrote = WriteFileAtomically(path, BackupToJson(backup));
  if (!wrote) {
    return Fail(
        Error::Io("cannot write the backup, so nothing was changed: " + wrote.error().message,
                  "backup-failed"));
  }
  return {};
}

void DropBackupFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

Status CheckBackupTarget(const Backup& backup, const std::string& backup_path,
                         const RegistryBackend& backend) {
  std::string now = backend.Describe();
  if (!backup.target.empty() && Normalised(backup.target) != Normalised(now)) {
    return Fail(Error::Usage("the backup " + backup_path + " was taken from " + backup.target +
                                 ", not from " + now + "; give --target " + backup.target +
                                 ", or pass --force to apply it to " + now + " anyway",
                             "backup-target-mismatch"));
  }
  std::string machine = backend.MachineName();
  if (!backup.machine.empty() && !machine.empty() && backup.machine != machine) {
    return Fail(Error::Usage("the backup " + backup_path + " was taken on the machine " +
                                 backup.machine + ", and this is " + machine +
                                 "; pass --force to apply it here anyway",
                             "backup-target-mismatch"));
  }
  return {};
}

std::string BackupLine(const std::string& path, bool written, const RegistryBackend& backend,
                       const std::string& extra) {
  if (!written) return "backup: not written, nothing was changed (nothing to undo)";
  return "backup: " + path + " (undo: secproto rollback " + path + " --target " +
         backend.Describe() + extra + ")";
}

}  // namespace secproto::cli
