// secproto os show ID: one OS catalog row in full, with its TLS catalog.
#ifndef SECPROTO_CLI_CMD_OS_SHOW_H_
#define SECPROTO_CLI_CMD_OS_SHOW_H_

#include <string>

namespace secproto::cli {

/// Prints the row for `id` (text or --json); exit 0, or 2 for an unknown id.
int RunOsShow(const std::string& id);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_CMD_OS_SHOW_H_
