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

/// The flags that choose the reading of docs/MODEL.md rule R9.
struct OsFlags {
  bool removes = false;  ///< --disabled-by-default-removes: the default, kept as a no-op
  bool keeps = false;    ///< --disabled-by-default-keeps: the other reading
  ModelOptions Options() const {
    ModelOptions o;
    o.disabled_by_default_removes = !keeps;
    return o;
  }
};

/// Adds --os, --builtin-default, --disabled-by-default-removes and
/// --disabled-by-default-keeps.
void AddOsFlags(CLI::App& app, std::string& os, std::string& builtin_default, OsFlags& model);

/// One line naming the reading of R9 in force, for human output.
std::string ReadingText(const ModelOptions& o);

/// The flags that select a target, shell-quoted, for fix commands.
std::string TargetArgs(const TargetFlags& flags);

/// `secproto os list`.
int RunOsList();

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_EXPLAIN_COMMON_H_
