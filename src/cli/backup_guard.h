// How the CLI speaks of a backup after a write. The rules every backup
// follows (never overwritten, bound to its target) are the library's:
// secproto/write.h.
#ifndef SECPROTO_CLI_BACKUP_GUARD_H_
#define SECPROTO_CLI_BACKUP_GUARD_H_

#include <string>

#include "common.h"
#include "secproto/registry.h"
#include "secproto/write.h"

namespace secproto::cli {

/// The line after a write that took a backup: with `undo:` only when the
/// change was written. `extra` follows --target in the undo command
/// (" --system-hive SYSTEM").
std::string BackupLine(const std::string& path, bool written, const RegistryBackend& backend,
                       const std::string& extra = "");

/// The hive flags an undo command needs beside --target: " --system-hive S
/// --user-hive U" for those given, "" for none.
std::string HiveFlags(const TargetFlags& target);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_BACKUP_GUARD_H_
