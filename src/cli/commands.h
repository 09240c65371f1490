// The table of secproto's subcommands, in the order --help, the man page and
// the completion list them (as ninja's kTools), with the groups --help shows
// them under and the words that open and close `secproto --help`. Each
// cmd_*.cc file defines the setups of its commands; this table alone names,
// groups and orders them.
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
  /// The heading --help lists it under (groups appear in table order); empty
  /// leaves the command's own choice (CLI11's "Subcommands", or hidden).
  std::string_view group;
};

/// Every subcommand, in order.
std::span<const CommandEntry> AllCommands();

/// What secproto is: the first line of `secproto --help` and the man page's
/// NAME line.
std::string_view AppDescription();

/// The end of `secproto --help`: the first commands to run.
std::string_view AppFooter();

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
extern const CommandSetup kSetupVerify;  ///< verify (cmd_verify.cc)
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
