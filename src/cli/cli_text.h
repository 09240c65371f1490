// Pure text builders of the CLI: help text, suggestions, warnings that name
// the machine, argument rewriting. No I/O, so unit tests can check what a
// Windows build prints while running on Linux.
#ifndef SECPROTO_CLI_CLI_TEXT_H_
#define SECPROTO_CLI_CLI_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/catalog.h"

namespace secproto::cli {

/// The name in `names` closest to `word` (at most 2 edits), or "".
std::string ClosestName(std::string_view word, const std::vector<std::string>& names);

/// The help text of --target, from SupportedTargetSchemes():
/// "Target: hive:PATH ..., reg:PATH ..., live ...".
std::string TargetHelp(const std::vector<std::string>& schemes);

/// Whether a build with these target schemes reads offline hives (and so
/// takes --system-hive, --user-hive and --force-dirty).
bool SchemesHaveHives(const std::vector<std::string>& schemes);

/// A subcommand's help footer for this build: where the build has no hive
/// targets (Windows), an example that names a `hive:`/`image:` target or a
/// --system-hive/--user-hive file is shown on the live registry instead.
std::string AdaptFooter(std::string_view footer, bool hives);

// WindowsName and WindowsHonoursTls13 are the catalog's (secproto/catalog.h).
using ::secproto::WindowsHonoursTls13;
using ::secproto::WindowsName;

/// A warning (code and generic message from WarningsFor) said about the
/// machine `machine` (a WindowsName, "" when the OS is not known): nullopt
/// when the machine is not affected, the generic message when unknown.
std::optional<std::string> MachineWarning(std::string_view code, std::string_view message,
                                          std::string_view machine, bool honours_tls13);

/// Rewrites argv (without argv[0]) so that protocol edits such as
/// "-tls1.0" or "-tls1.0,-tls1.1" are not taken for options: their leading
/// '-' becomes U+2212, which ParseProtocols reads as a minus. `is_edit`
/// tells whether a word parses as protocols. Nothing after "--" changes.
std::vector<std::string> ProtectProtocolEdits(std::vector<std::string> args,
                                              bool (*is_edit)(const std::string&));

/// The verb of a view change, in the future tense for a dry run
/// ("created" -> "would create").
std::string ActionWord(std::string_view action, bool dry_run);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_CLI_TEXT_H_
