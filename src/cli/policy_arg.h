// The POLICY argument of the `policy` commands: a template name or a policy
// file, and `--set KEY=VALUE` lines over it (docs/POLICY.md "--set"). POLICY
// may be left out when --set is given.
#ifndef SECPROTO_CLI_POLICY_ARG_H_
#define SECPROTO_CLI_POLICY_ARG_H_

#include <string>
#include <vector>

#include "common.h"
#include "secproto/policy.h"

namespace secproto::cli {

struct PolicyArg {
  std::string policy;             ///< template name or file; "" with --set only
  std::vector<std::string> sets;  ///< --set lines, in order
};

/// Adds `--set KEY=VALUE` (repeatable, one line per flag) to `app`; `help`
/// says what the lines go over. With `needs`, --set is refused without it.
CLI::Option* AddSetOption(CLI::App& app, std::vector<std::string>& sets, const std::string& help,
                          CLI::Option* needs = nullptr);

/// Adds `--set` over a `--tls-policy` option (explain, export, audit,
/// impact): refused without it.
void AddTlsPolicySetOption(CLI::App& app, std::vector<std::string>& sets, CLI::Option* tls_policy);

/// Adds the POLICY positional (`help` describes it) and --set to `app`.
/// Parsing fails with CLI11's "POLICY is required" when both are missing.
void AddPolicyArg(CLI::App& app, PolicyArg& arg, const std::string& help);

/// LoadPolicy(arg.policy, arg.sets).
Expected<Policy> LoadPolicyArg(const PolicyArg& arg);

/// How output names the policy: POLICY as given; "--set" when there is no
/// POLICY; "POLICY with --set" when both are given.
std::string PolicyLabel(const PolicyArg& arg);

/// Adds "set": [lines] to a JSON answer when --set was given.
void AddSetsJson(Json& j, const PolicyArg& arg);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_POLICY_ARG_H_
