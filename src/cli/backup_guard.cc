// See backup_guard.h.
#include "backup_guard.h"

namespace secproto::cli {

std::string BackupLine(const std::string& path, bool written, const RegistryBackend& backend,
                       const std::string& extra) {
  if (!written) return "backup: not written, nothing was changed (nothing to undo)";
  return "backup: " + path + " (undo: secproto rollback " + path + " --target " +
         backend.Describe() + extra + ")";
}

std::string HiveFlags(const TargetFlags& target) {
  std::string extra;
  if (!target.system_hive.empty()) extra += " --system-hive " + target.system_hive;
  if (!target.user_hive.empty()) extra += " --user-hive " + target.user_hive;
  return extra;
}

}  // namespace secproto::cli
