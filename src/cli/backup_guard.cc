// See backup_guard.h.
#include "cli/backup_guard.h"

namespace secproto::cli {

std::string BackupLine(const std::string& path, bool written, const RegistryBackend& backend,
                       const std::string& extra) {
  if (!written) return "backup: not written, nothing was changed (nothing to undo)";
  return "backup: " + path + " (undo: secproto rollback " + path + " --target " +
         backend.Describe() + extra + ")";
}

}  // namespace secproto::cli
