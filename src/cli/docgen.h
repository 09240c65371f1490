// The man page and the bash completion script are generated from the CLI11
// command tree the CLI parses with (`secproto __generate man|bash-completion`,
// run at build time), so that every command and flag is written once; the
// list of command paths (`__generate commands`) feeds the test over the
// command table (tests/e2e/write_guarantees.sh).
#ifndef SECPROTO_CLI_DOCGEN_H_
#define SECPROTO_CLI_DOCGEN_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace secproto::cli {

/// Adds completion candidates for the values of an option or positional
/// `name` ("--template", "TEMPLATE") on every command that has one. Values
/// ending in ':' are prefixes (`hive:` then a file name). Options whose CLI11
/// check is an IsMember set need no registration: their set is used.
bool RegisterCompletionValues(std::string name, std::function<std::vector<std::string>()> values);

/// The man page secproto(1) in roff, for the command tree under `root`.
std::string ManPage(const CLI::App& root);
/// Every visible command path under `root` that can be run, top-level and
/// nested ("policy apply"), a command with an ACTION positional once per
/// action ("hive create", "os list"), one per line, in the order of the tree.
std::string CommandList(const CLI::App& root);
/// The set of an option's CLI11 IsMember check ("hive ACTION": create, ...);
/// empty when it has none.
std::vector<std::string> IsMemberChoices(const CLI::Option* o);
/// A bash completion script for the command tree under `root`.
std::string BashCompletion(const CLI::App& root);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_DOCGEN_H_
