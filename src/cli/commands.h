// The table of secproto's subcommands, in the order --help, the man page and
// the completion list them (as ninja's kTools). Each cmd_*.cc file defines
// the setups of its commands; this table alone names and orders them.
#ifndef SECPROTO_CLI_COMMANDS_H_
#define SECPROTO_CLI_COMMANDS_H_

#include <span>
#include <string_view>

#include "common.h"

namespace secproto::cli {

/// One top-level subcommand.
struct CommandEntry {
  std::string_view name;
  std::string_view help;
  CommandSetup setup;
};

/// Every subcommand, in order.
std::span<const CommandEntry> AllCommands();

extern const CommandSetup kSetupCalc;  ///< calc (cmd_calc.cc)
extern const CommandSetup kSetupDecode;  ///< decode (cmd_calc.cc)
extern const CommandSetup kSetupProfiles;  ///< profiles (cmd_profiles.cc)
extern const CommandSetup kSetupShow;  ///< show (cmd_setting.cc)
extern const CommandSetup kSetupSet;  ///< set (cmd_setting.cc)
extern const CommandSetup kSetupCheck;  ///< check (cmd_setting.cc)
extern const CommandSetup kSetupUnset;  ///< unset (cmd_setting.cc)
extern const CommandSetup kSetupRollback;  ///< rollback (cmd_setting.cc)
extern const CommandSetup kSetupExplain;  ///< explain (cmd_explain.cc)
extern const CommandSetup kSetupDoctor;  ///< doctor (cmd_doctor.cc)
extern const CommandSetup kSetupOs;  ///< os (cmd_explain.cc)
extern const CommandSetup kSetupSchannel;  ///< schannel (cmd_related.cc)
extern const CommandSetup kSetupWininet;  ///< wininet (cmd_related.cc)
extern const CommandSetup kSetupDotnet;  ///< dotnet (cmd_related.cc)
extern const CommandSetup kSetupExport;  ///< export (cmd_export.cc)
extern const CommandSetup kSetupHive;  ///< hive (cmd_hive.cc)
extern const CommandSetup kSetupImpact;  ///< impact (cmd_impact.cc)
extern const CommandSetup kSetupPolicy;  ///< policy (cmd_policy.cc)
extern const CommandSetup kSetupProbe;  ///< probe (cmd_probe.cc)
extern const CommandSetup kSetupAudit;  ///< audit (cmd_audit.cc)
extern const CommandSetup kSetupGenerate;  ///< __generate (docgen.cc)

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_COMMANDS_H_
