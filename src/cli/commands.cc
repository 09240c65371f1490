#include "commands.h"

namespace secproto::cli {

namespace {

constexpr std::string_view kStack =
    "The whole TLS stack (SCHANNEL, cipher suites, WinHTTP, WinINet, .NET)";
constexpr std::string_view kFleet = "Fleets and servers";
constexpr std::string_view kComponent = "One component at a time (what doctor's fixes write)";
constexpr std::string_view kWinHttpValue =
    "WinHTTP's DefaultSecureProtocols value (where secproto started)";
constexpr std::string_view kHives = "Offline hives";

}  // namespace

std::span<const CommandEntry> AllCommands() {
  // clang-format off
  static const CommandEntry kCommands[] = {
      {"policy", "The whole Windows TLS stack as one policy: show, compile, plan, apply, check, recover, capture", kSetupPolicy, kStack},
      {"explain", "What WinHTTP really offers, step by step; with --component, SCHANNEL client and server, WinINet and .NET too", kSetupExplain, kStack},
      {"doctor", "Find every misconfiguration of the TLS stack, per component, with the command that fixes it", kSetupDoctor, kStack},
      {"verify", "Handshake through this machine's own SCHANNEL (Windows) and compare with what explain predicts", kSetupVerify, kStack},
      {"rollback", "Restore exactly the state a backup recorded (of policy apply, set, schannel ...)", kSetupRollback, kStack},
      {"os", "The OS catalog behind explain, doctor and policy: defaults, suites, curves (secproto os list)", kSetupOs, kStack},
      {"export", "Write a deployment artifact of a policy or a value: reg, ps1, intune, gpp, ansible, dsc", kSetupExport, kFleet},
      {"audit", "Classify a fleet's collected data (.reg exports, hives, show --json) against a policy", kSetupAudit, kFleet},
      {"probe", "Probe which SSL/TLS versions servers accept (own hellos, no TLS library)", kSetupProbe, kFleet},
      {"impact", "Which servers would stop being reachable after a TLS policy or protocol change", kSetupImpact, kFleet},
      {"schannel", "Enable or disable a protocol in SCHANNEL (Enabled / DisabledByDefault)", kSetupSchannel, kComponent},
      {"wininet", "Set WinINet's SecureProtocols (machine, policy or user scope)", kSetupWininet, kComponent},
      {"dotnet", "Set .NET SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 (four keys)", kSetupDotnet, kComponent},
      {"calc", "Compute a DefaultSecureProtocols value from protocol names", kSetupCalc, kWinHttpValue},
      {"decode", "Decode a DefaultSecureProtocols value into protocol names", kSetupDecode, kWinHttpValue},
      {"profiles", "List the named policies (usable wherever PROTOCOLS is accepted)", kSetupProfiles, kWinHttpValue},
      {"show", "Show DefaultSecureProtocols in every registry view of a target", kSetupShow, kWinHttpValue},
      {"set", "Write DefaultSecureProtocols as REG_DWORD in every view (idempotent)", kSetupSet, kWinHttpValue},
      {"check", "Exit 0 when every view holds exactly this REG_DWORD, 1 otherwise", kSetupCheck, kWinHttpValue},
      {"unset", "Remove DefaultSecureProtocols so the OS default returns", kSetupUnset, kWinHttpValue},
      {"hive", "Work with offline registry hive files (hive create PATH)", kSetupHive, kHives},
      {"__generate", "Print the man page or the bash completion script (used by the build)", kSetupGenerate, {}},
  };
  // clang-format on
  return kCommands;
}

std::string_view AppDescription() {
  return "secproto: the Windows TLS stack (SCHANNEL, cipher suites, WinHTTP, WinINet, .NET) as one "
         "policy: compile it per OS, plan, apply atomically, roll back, explain per component, "
         "doctor, export, audit fleets, probe servers";
}

std::string_view AppFooter() {
  return "A first tour, on a mounted Windows volume DIR (scripts/demo builds one):\n"
         "  secproto explain --target image:DIR --component schannel-server,winhttp,dotnet\n"
         "  secproto policy plan modern --target image:DIR\n"
         "  secproto policy apply modern --target image:DIR --backup before.json\n"
         "  secproto policy check modern --target image:DIR\n"
         "  secproto rollback before.json --target image:DIR\n"
         "Templates: secproto policy show --help. Every command: secproto COMMAND --help.";
}

}  // namespace secproto::cli
