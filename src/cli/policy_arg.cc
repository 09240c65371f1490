#include "policy_arg.h"

#include <memory>

namespace secproto::cli {

CLI::Option* AddSetOption(CLI::App& app, std::vector<std::string>& sets, const std::string& help,
                          CLI::Option* needs) {
  CLI::Option* o = app.add_option("--set", sets, help);
  o->allow_extra_args(false)->type_name("KEY=VALUE");
  if (needs != nullptr) o->needs(needs);
  return o;
}

void AddTlsPolicySetOption(CLI::App& app, std::vector<std::string>& sets, CLI::Option* tls_policy) {
  AddSetOption(app, sets, "KEY=VALUE: one TOML key over --tls-policy (repeatable; docs/POLICY.md)",
               tls_policy);
}

void AddPolicyArg(CLI::App& app, PolicyArg& arg, const std::string& help) {
  CLI::Option* policy = app.add_option("POLICY", arg.policy, help);
  CLI::Option* sets =
      AddSetOption(app, arg.sets,
                   "KEY=VALUE: one TOML key over POLICY, e.g. "
                   "\"cipher_suites.order=['TLS_AES_128_GCM_SHA256']\" "
                   "(repeatable; without POLICY the policy is the --set lines alone)");
  // POLICY is optional only when --set gives the policy; without both, the
  // error is the one a required positional gives.
  app.parse_complete_callback([policy, sets]() {
    if (policy->count() == 0 && sets->count() == 0) throw CLI::RequiredError(policy->get_name());
  });
}

Expected<Policy> LoadPolicyArg(const PolicyArg& arg) { return LoadPolicy(arg.policy, arg.sets); }

std::string PolicyLabel(const PolicyArg& arg) {
  if (arg.sets.empty()) return arg.policy;
  return arg.policy.empty() ? std::string("--set") : arg.policy + " with --set";
}

void AddSetsJson(Json& j, const PolicyArg& arg) {
  if (!arg.sets.empty()) j["set"] = arg.sets;
}

}  // namespace secproto::cli
