#include "commands.h"

namespace secproto::cli {

std::span<const CommandEntry> AllCommands() {
  // clang-format off
  static const CommandEntry kCommands[] = {
      {"calc", "Compute a DefaultSecureProtocols value from protocol names", kSetupCalc},
      {"decode", "Decode a DefaultSecureProtocols value into protocol names", kSetupDecode},
      {"profiles", "List the named policies (usable wherever PROTOCOLS is accepted)", kSetupProfiles},
      {"show", "Show DefaultSecureProtocols in every registry view of a target", kSetupShow},
      {"set", "Write DefaultSecureProtocols as REG_DWORD in every view (idempotent)", kSetupSet},
      {"check", "Exit 0 when every view holds exactly this REG_DWORD, 1 otherwise", kSetupCheck},
      {"unset", "Remove DefaultSecureProtocols so the OS default returns", kSetupUnset},
      {"rollback", "Restore exactly the state a backup recorded", kSetupRollback},
      {"explain", "Explain what WinHTTP processes of each bitness will really offer, step by step", kSetupExplain},
      {"doctor", "Find every misconfiguration of WinHTTP's protocols and the settings around it", kSetupDoctor},
      {"os", "The OS catalog behind explain and doctor (secproto os list)", kSetupOs},
      {"schannel", "Enable or disable a protocol in SCHANNEL (Enabled / DisabledByDefault)", kSetupSchannel},
      {"wininet", "Set WinINet's SecureProtocols (machine, policy or user scope)", kSetupWininet},
      {"dotnet", "Set .NET SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 (four keys)", kSetupDotnet},
      {"export", "Write a deployment artifact: reg, ps1, intune, gpp, ansible, dsc", kSetupExport},
      {"hive", "Work with offline registry hive files (hive create PATH)", kSetupHive},
      {"impact", "Which servers a WinHTTP app would stop reaching after a protocol change", kSetupImpact},
      {"policy", "The whole Windows TLS stack as one policy: show, compile, plan, apply, check, recover, capture", kSetupPolicy},
      {"probe", "Probe which SSL/TLS versions servers accept (own hellos, no TLS library)", kSetupProbe},
      {"audit", "Classify a fleet's collected data (.reg exports, hives, show --json) against a policy", kSetupAudit},
      {"__generate", "Print the man page or the bash completion script (used by the build)", kSetupGenerate},
  };
  // clang-format on
  return kCommands;
}

}  // namespace secproto::cli
