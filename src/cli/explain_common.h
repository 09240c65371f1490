// What `explain` and `doctor` share: choosing the OS row (--os, detection,
// --builtin-default) and the catalog printer.
#ifndef SECPROTO_CLI_EXPLAIN_COMMON_H_
#define SECPROTO_CLI_EXPLAIN_COMMON_H_

#include <string>

#include "cli/common.h"
#include "secproto/explain.h"

namespace secproto::cli {

/// The OS row in use and how it was chosen.
struct ResolvedOs {
  OsInfo os;
  std::string how;   ///< "--os", "detected"
  std::string note;  ///< detection note, or ""
};

/// --os wins; else the OS is detected from the target (backend may be null
/// for a what-if, which then needs --os). --builtin-default replaces the
/// row's WinHTTP default.
Expected<ResolvedOs> ResolveOs(RegistryBackend* backend, const std::string& os_flag,
                               const std::string& builtin_default_flag);

/// Adds --os, --builtin-default and --disabled-by-default-removes.
void AddOsFlags(CLI::App& app, std::string& os, std::string& builtin_default,
                bool& disabled_by_default_removes);

/// The flags that select a target, shell-quoted, for fix commands.
std::string TargetArgs(const TargetFlags& flags);

/// `secproto os list`.
int RunOsList();

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_EXPLAIN_COMMON_H_
