// secproto policy: the Windows TLS stack as one policy. This file registers
// the command; plan/apply/check/recover live in policy_ops.cc.
#include "cli/common.h"
#include "cli/policy_ops.h"

namespace secproto::cli {
namespace {

const bool kPolicy = RegisterCommand(
    {"policy", "The whole Windows TLS stack as one policy: plan, apply, check, recover", 30,
     [](CLI::App& app) -> std::function<int()> {
       auto subs = std::make_shared<std::vector<PolicySubcommand>>();
       AddPolicyOpsSubcommands(app, *subs);
       app.require_subcommand(1);
       return [subs]() -> int {
         for (const PolicySubcommand& s : *subs) {
           if (s.app->parsed()) return s.run();
         }
         return kExitUsage;
       };
     }});

}  // namespace
}  // namespace secproto::cli
