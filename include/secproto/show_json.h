// The JSON shape of `secproto show --json` (README: "JSON shapes"): its
// writer, used by the CLI, beside its reader, used by the fleet audit
// (ReadShowJsonSnapshot in audit.h), so that what one prints the other reads.
#ifndef SECPROTO_SHOW_JSON_H_
#define SECPROTO_SHOW_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "secproto/registry.h"
#include "secproto/setting.h"

namespace secproto {

/// JSON with members in the order written: the shapes are printed for people
/// too, so their order is part of the output.
using OrderedJson = nlohmann::ordered_json;

/// "64-bit", "32-bit", "unknown": the "architecture" member, and the text.
std::string ArchitectureName(Architecture a);

/// A DefaultSecureProtocols-style value: {"value", "hex", "protocols"}.
OrderedJson ProtocolSetJson(uint32_t value);

/// A registry value or its absence: {"value_exists", "type", "type_code",
/// "raw", "value", "hex", "protocols"}; the last three are null unless the
/// value is a 4-byte REG_DWORD.
OrderedJson ValueJson(const std::optional<RegValue>& v);

/// {"code", "severity", "view", "message"}.
OrderedJson FindingJson(const Finding& f);

/// One view: {"key", "physical_key", "key_exists", ValueJson's members...,
/// "used_by_winhttp", "findings"}.
OrderedJson ViewStateJson(const ViewState& vs);

/// The document `show --json` prints: {"target", "architecture", "views":
/// {"64": ..., "32": ...}, "findings", "force_default_secure_protocols"}.
/// ReadShowJsonSnapshot reads it back.
OrderedJson InspectionJson(const Inspection& ins);

}  // namespace secproto

#endif  // SECPROTO_SHOW_JSON_H_
