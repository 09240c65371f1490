// The parts of a backup entry that the setting's backup (setting.cc) and the
// change-set backup (changeset.cc) write and read alike: the value a write
// replaced. Internal to src/ops.
#ifndef SECPROTO_OPS_BACKUP_JSON_H_
#define SECPROTO_OPS_BACKUP_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto::backup_json {

using Json = nlohmann::ordered_json;

/// Writes "value_existed" into `entry` and, when the value existed, "type",
/// "type_name" and "data" (lower-case hex).
inline void PutValue(Json& entry, const std::optional<RegValue>& value) {
  entry["value_existed"] = value.has_value();
  if (value) {
    entry["type"] = value->type;
    entry["type_name"] = RegTypeName(value->type);
    entry["data"] = value->HexData();
  }
}

/// The leading parts of a key that name its root ("HKLM\\SOFTWARE" is two).
inline size_t RootParts(const std::vector<std::string>& parts) {
  return !parts.empty() && KeyNameEquals(parts[0], "HKLM") ? 2 : 1;
}

/// Appends to `out` the keys on the physical path of `key` that do not exist,
/// shallowest first (a backup's missing_keys: what a rollback removes), each
/// once across calls sharing `seen` (folded names).
inline Status MissingKeys(RegistryBackend& backend, View view, std::string_view key,
                          std::vector<std::string>& out, std::set<std::string>& seen) {
  std::vector<std::string> parts = SplitKey(PhysicalKey(view, key));
  size_t root = RootParts(parts);
  std::string prefix;
  bool missing = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    prefix += (i ? "\\" : "") + parts[i];
    if (i < root) continue;
    if (!missing) {
      SECPROTO_ASSIGN_OR_RETURN(e, backend.KeyExists(View::k64, prefix));
      missing = !e;
    }
    if (missing && seen.insert(Lower(prefix)).second) out.push_back(prefix);
  }
  return {};
}

/// Where an entry of a list of values is: its "view" ("64"/"32"), "key" and
/// "name".
struct Place {
  View view = View::k64;
  std::string key;
  std::string name;
};

/// The Place of `entry`; an unknown view is `bad("unknown view 'X'")`. A
/// missing or mistyped member throws, as in ReadValue.
template <typename Bad>
Expected<Place> ReadPlace(const Json& entry, const Bad& bad) {
  const std::string view = entry.at("view").get<std::string>();
  auto parsed = ParseViewName(view);
  if (!parsed) return bad("unknown view '" + view + "'");
  return Place{*parsed, entry.at("key").get<std::string>(), entry.at("name").get<std::string>()};
}

/// The value PutValue wrote: nullopt when it did not exist. Bad data is
/// `bad("odd-length data")` or `bad("data is not hex")`, where `bad` makes
/// the caller's error (Fail(...)) from a reason. A missing or mistyped member
/// throws nlohmann::json's exceptions, which the callers turn into errors.
template <typename Bad>
Expected<std::optional<RegValue>> ReadValue(const Json& entry, const Bad& bad) {
  if (!entry.at("value_existed").get<bool>()) return std::optional<RegValue>();
  RegValue v;
  v.type = entry.at("type").get<uint32_t>();
  const std::string hex = entry.at("data").get<std::string>();
  if (hex.size() % 2) return bad("odd-length data");
  auto data = HexDecode(hex);
  if (!data) return bad("data is not hex");
  v.data = std::move(*data);
  return std::optional<RegValue>(std::move(v));
}

}  // namespace secproto::backup_json

#endif  // SECPROTO_OPS_BACKUP_JSON_H_
