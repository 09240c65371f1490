// `policy plan / apply / check / recover`: a compiled policy (a list of
// registry changes) against one target. cmd_policy.cc adds these to the
// `policy` command; `rollback` hands change-set backups to RunChangeSetRollback.
#ifndef SECPROTO_CLI_POLICY_OPS_H_
#define SECPROTO_CLI_POLICY_OPS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common.h"

namespace secproto::cli {

/// A subcommand of `policy` and what runs it when it was the one parsed.
struct PolicySubcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// Adds plan, apply, check and recover to the `policy` app.
void AddPolicyOpsSubcommands(CLI::App& policy, std::vector<PolicySubcommand>& out);

/// `secproto rollback BACKUP` for a change-set backup (IsChangeSetBackup).
int RunChangeSetRollback(const std::string& backup_path, std::string_view backup_text,
                         const TargetFlags& target, bool dry_run, bool force);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_POLICY_OPS_H_
