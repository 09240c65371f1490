// What `secproto --version` prints, and the build facts behind it.
#ifndef SECPROTO_CLI_VERSION_H_
#define SECPROTO_CLI_VERSION_H_

#include <string>

namespace secproto::cli {

/// The release version, "0.1.0".
std::string Version();
/// The git commit the binary was built from ("a650b21", "a650b21-dirty"), or
/// "unknown" when built outside a git checkout.
std::string GitCommit();
/// Whether this build reads and writes offline hives (the hive: target).
bool HasHiveBackend();
/// Three lines: "secproto 0.1.0", "commit a650b21", "hive backend: yes".
std::string VersionText();

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_VERSION_H_
