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

/// A subcommand: `setup` adds its flags to `app` and returns the function that
/// runs it after parsing, returning the exit code.
struct Command {
  std::string name;
  std::string help;
  int order = 100;  ///< position in --help
  std::function<std::function<int()>(CLI::App& app)> setup;
};
/// Called from a static initialiser in each cmd_*.cc file.
bool RegisterCommand(Command command);

/// Runs the CLI. main() calls only this.
int Main(int argc, char** argv);

/// Prints an error (one line on stderr; in --json mode also
/// {"error":{"code","message","exit_code"}} on stdout) and returns its exit code.
int ReportError(const Error& e);

/// Copies every member of `from` into `into`, names prefixed by `prefix`.
void Merge(Json& into, const Json& from, const std::string& prefix = "");

/// Prints a JSON document on stdout.
void PrintJson(const Json& j);

/// The --target flags shared by every command that reads or writes a target.
struct TargetFlags {
  std::string target;
  bool force_dirty = false;
  std::string system_hive;
  std::string user_hive;
};
/// Adds --target, --force-dirty, --system-hive, --user-hive.
void AddTargetFlags(CLI::App& app, TargetFlags& flags);
/// Opens the target; a missing --target uses the platform default (live on
/// Windows) or is a usage error naming the choices.
Expected<std::unique_ptr<RegistryBackend>> OpenTargetFromFlags(const TargetFlags& flags,
                                                              bool read_only);
/// The default target of this platform, or "" when there is none.
std::string DefaultTarget();

/// JSON shapes (README: "JSON shapes"). The `show --json` ones (ValueJson,
/// InspectionJson, ProtocolSetJson, ArchitectureName ...) are the library's,
/// beside their reader: secproto/show_json.h.
Json ChangeJson(const ChangeResult& r);

/// "REG_DWORD 0x00002800 (TLS 1.2, TLS 1.3)", "REG_SZ \"0xA80\"", "missing".
std::string DescribeValue(const std::optional<RegValue>& v);

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
///  "product_name","display_version"} (the last two from the registry,
/// null when missing).
Json OsJson(RegistryBackend& backend);
/// "Windows 10.0 build 19045 (workstation), Windows 10 Pro 22H2", from OsJson.
std::string OsLine(const Json& os);

/// --restart-services: restarts the known WinHTTP services that are running
/// (live only), prints one line per service in human mode, and returns
/// [{"service","ok","result"}]. `*all_ok` is false when one failed.
Json RestartRunningServices(const RegistryBackend& backend, bool* all_ok);
/// How long --restart-services waits for each stop and each start.
inline constexpr int kServiceTimeoutMs = 30000;

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_COMMON_H_
