// secproto os show ID: one OS catalog row in full, with its TLS catalog.
#ifndef SECPROTO_CLI_CMD_OS_SHOW_H_
#define SECPROTO_CLI_CMD_OS_SHOW_H_

#include <array>
#include <string>

#include "common.h"
#include "secproto/explain.h"

namespace secproto::cli {

/// The leading members of an OS object (`explain`'s "os", `os show`): id,
/// name, build, product_type, builtin_default, builtin_default_hex.
void AddOsIdentityJson(Json& j, const OsInfo& os);

/// The OS object's flags and provenance: tls13, ssl2, needs_kb3140245,
/// confidence, source, unsure (null when empty).
void AddOsFlagsJson(Json& j, const OsInfo& os);

/// {"SSL 2.0": "on" | "off" | ..., ...}: one SCHANNEL default per protocol.
Json SchannelDefaultsJson(const std::array<SchannelDefault, kProtocolCount>& d);

/// Prints the row for `id` (text or --json); exit 0, or 2 for an unknown id.
int RunOsShow(const std::string& id);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_CMD_OS_SHOW_H_
