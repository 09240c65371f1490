// The `secproto policy` command group. Each subcommand (show, compile here;
// more in other files) registers itself with RegisterPolicySubcommand from a
// static initialiser; the top-level commands are listed in commands.cc.
#ifndef SECPROTO_CLI_CMD_POLICY_H_
#define SECPROTO_CLI_CMD_POLICY_H_

#include <nlohmann/json.hpp>

#include "common.h"
#include "secproto/policy.h"

namespace secproto::cli {

/// Adds a subcommand under `secproto policy`; same contract as Command.
bool RegisterPolicySubcommand(Command command);

/// JSON shape of one registry change: {"view","key","name","action","type",
/// "data","value","effect","why"} (README: "JSON shapes").
Json RegChangeJson(const RegChange& c);
/// The value as text: "dword:0x00000001", "sz:...", "multi_sz:[a, b]", "(delete)".
std::string RegChangeValueText(const RegChange& c);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_CMD_POLICY_H_
