// What every subcommand shares: registration, the --json switch, target
// flags, error reporting and JSON shapes of library results. The CLI is the
// only place that prints and picks exit codes.
#ifndef SECPROTO_CLI_COMMON_H_
#define SECPROTO_CLI_COMMON_H_

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "secproto/error.h"
#include "secproto/registry.h"
#include "secproto/setting.h"
#include "secproto/show_json.h"

namespace secproto::cli {

using Json = nlohmann::ordered_json;

/// Exit codes, documented in the README.
enum ExitCode : int { kExitOk = 0, kExitDrift = 1, kExitUsage = 2, kExitTarget = 3 };

/// Global switches, set before a subcommand runs.
struct Globals {
  bool json = false;
  bool quiet = false;
};
Globals& G();

/// What a subcommand does at start-up: adds its flags to `app` and returns
/// the function that runs it after parsing, returning the exit code. The
/// top-level table is in commands.cc.
using CommandSetup = std::function<int()> (*)(CLI::App& app);

/// A subcommand of a command group (`policy show`, ...): as CommandSetup,
/// with its name, help and position in the group's --help.
struct Command {
  std::string name;
  std::string help;
  int order = 100;  ///< position in the group's --help
  std::function<std::function<int()>(CLI::App& app)> setup;
};

/// Runs the CLI. main() calls only this.
int Main(int argc, char** argv);

/// Prints an error (one line on stderr; in --json mode also
/// {"error":{"code","message","exit_code"}} on stdout) and returns its exit code.
int ReportError(const Error& e);

/// Copies every member of `from` into `into`, names prefixed by `prefix`.
void Merge(Json& into, const Json& from, const std::string& prefix = "");

/// Prints "secproto: warning: MESSAGE" on stderr unless -q. Every command
/// prints its warnings through this (--json puts them in the document).
/// A message that starts with "note: " is a Note, under that one label.
void Warn(const std::string& message);

/// Prints "secproto: note: MESSAGE" on stderr unless -q, once per process:
/// the same note said for several OSes, targets or opens is printed once.
void Note(const std::string& message);

/// Prints a JSON document on stdout.
void PrintJson(const Json& j);

/// The --target flags shared by every command that reads or writes a target.
struct TargetFlags {
  std::string target;
  bool force_dirty = false;
  std::string system_hive;
  std::string user_hive;
};
/// Whether a command writes its target (--force-dirty is listed only then).
enum class TargetUse { kWrite, kRead };
/// Adds --target, --force-dirty, --system-hive, --user-hive.
void AddTargetFlags(CLI::App& app, TargetFlags& flags, TargetUse use = TargetUse::kWrite);
/// Opens the target; a missing --target uses the platform default (live on
/// Windows) or is a usage error naming the choices.
/// `write_roots`: the roots the command will write (TargetOptions).
/// `dry_run`: a preview (TargetOptions::dry_run).
Expected<std::unique_ptr<RegistryBackend>> OpenTargetFromFlags(
    const TargetFlags& flags, bool read_only, const std::vector<std::string>& write_roots = {},
    bool dry_run = false);
/// The default target of this platform, or "" when there is none.
std::string DefaultTarget();

/// JSON shapes (README: "JSON shapes"). The `show --json` ones (ValueJson,
/// InspectionJson, ProtocolSetJson, ArchitectureName ...) are the library's,
/// beside their reader: secproto/show_json.h.
Json ChangeJson(const ChangeResult& r);

/// The human lines that say what to restart after a change on this target.
/// On live they name the known WinHTTP services the service manager reports
/// running.
std::vector<std::string> RestartAdvice(const RegistryBackend& backend);
/// The JSON list of services to restart after a change: [{"service",
/// "display"}], on live also "state" ("running", "stopped", "not-installed",
/// null for applications) and "running" (bool).
Json RestartJson(const RegistryBackend& backend);

/// Whether the target is this machine's registry (also under --dry-run).
bool IsLiveTarget(const RegistryBackend& backend);

/// The running OS of a live target, null for any other target:
/// {"name":"Windows","major","minor","build","product_type",
///  "product_name","display_version","service_pack"} (the last three from
/// the registry, null when missing).
Json OsJson(RegistryBackend& backend);
/// "Windows 7 SP1", "Windows Server 2019" from OsJson, "" for null: how
/// warnings name this machine.
std::string MachineName(const Json& os);
/// "Windows 10.0 build 19045 (workstation), Windows 10 Pro 22H2", from OsJson.
std::string OsLine(const Json& os);

/// --restart-services after a change on `backend` (live only; nothing when
/// `asked` or `changed` is false): restarts the known WinHTTP services that
/// are running, waiting up to `timeout_s` for each stop and each start, and
/// prints "restart-services: NAME: restarted" per success in human mode.
/// With `json` set, adds "services_restarted" ([{"service","ok","result",
/// "code","state"}]), each "restart" entry's "restart_outcome" and
/// "restart_result", and on failure "error". Returns "" when every restart
/// succeeded, else the one-line failure for RestartExit.
std::string MaybeRestart(bool asked, int timeout_s, bool changed, const RegistryBackend& backend,
                         Json* json);
/// 0 after MaybeRestart's "", else prints the failure line ("the value is
/// written; the restart failed: WinRM: did not stop within 30 s (still
/// stop-pending)") on stderr and returns 3.
int RestartExit(const std::string& failure);
/// How long --restart-services waits by default for each stop and each start.
inline constexpr int kServiceTimeoutSeconds = 30;

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_COMMON_H_
