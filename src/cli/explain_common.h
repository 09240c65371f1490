// What `explain` and `doctor` share: the catalog printer and the R9 flags
// (choosing the OS row is the library's ResolveOs, secproto/explain.h).
#ifndef SECPROTO_CLI_EXPLAIN_COMMON_H_
#define SECPROTO_CLI_EXPLAIN_COMMON_H_

#include <string>

#include "common.h"
#include "secproto/explain.h"

namespace secproto::cli {

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

/// One word of a printed command, quoted when it needs it (double quotes
/// where those paste the same into cmd, PowerShell and bash).
std::string ShellWord(const std::string& s);

/// `secproto os list`.
int RunOsList();

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_EXPLAIN_COMMON_H_
