// The compiled change list: {"format":"secproto-changes", ...}, read from a
// file a user or another tool hands over (secproto/changeset.h).
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "secproto/changeset.h"
#include "util/file.h"

namespace secproto {
namespace {

using Json = nlohmann::json;

Expected<Effect> ParseEffect(std::string_view s) {
  if (s == "next-process") return Effect::kNextProcess;
  if (s == "service-restart") return Effect::kServiceRestart;
  if (s == "reboot") return Effect::kReboot;
  return Fail(Error::Input(
      "unknown effect '" + std::string(s) + "' (next-process, service-restart, reboot)",
      "bad-changes"));
}

}  // namespace

// {"format":"secproto-changes","version":1,"changes":[{"view":"64","key",
// "name","type":4,"data":"01000000"} | {..., "delete":true}, "effect","why"]}
Expected<std::optional<ChangeList>> ReadChangeListFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::optional<ChangeList>();
  SECPROTO_ASSIGN_OR_RETURN(bytes, ReadFileBytes(path));
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  // A file whose "format" is not this one (whatever its type) is not a change list.
  if (j.is_discarded() || !j.is_object() || !j.contains("format") ||
      j["format"] != "secproto-changes") {
    return std::optional<ChangeList>();
  }
  auto bad = [&](const std::string& why) {
    return Fail(Error::Input(path + ": not a valid change list: " + why, "bad-changes"));
  };
  ChangeList c;
  // Every member is read inside the try: a mistyped one is this file's
  // error (exit 2), not an internal one.
  try {
    if (j.value("version", 0) != 1) return bad("unsupported version");
    c.os_id = j.value("os", "");
    for (const Json& x : j.at("changes")) {
      RegChange rc;
      auto view = ParseViewName(x.value("view", "64"));
      if (!view) return bad("view must be 64 or 32");
      rc.view = *view;
      rc.key = x.at("key").get<std::string>();
      rc.name = x.at("name").get<std::string>();
      if (!x.value("delete", false)) {
        RegValue v;
        v.type = x.at("type").get<uint32_t>();
        std::string hex = x.at("data").get<std::string>();
        if (hex.size() % 2) return bad("odd-length data at " + rc.key);
        auto data = HexDecode(hex);
        if (!data) return bad("data at " + rc.key + " is not hex");
        v.data = std::move(*data);
        rc.value = std::move(v);
      }
      SECPROTO_ASSIGN_OR_RETURN(effect, ParseEffect(x.value("effect", "next-process")));
      rc.effect = effect;
      rc.why = x.value("why", "");
      c.changes.push_back(std::move(rc));
    }
  } catch (const std::exception& e) {
    return bad(std::string("a field is missing or has the wrong type (") + e.what() + ")");
  }
  return std::optional<ChangeList>(std::move(c));
}

}  // namespace secproto
