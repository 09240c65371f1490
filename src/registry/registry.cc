// Shared registry helpers and the target-scheme factory.
#include <cctype>
#include <cstdio>
#include <map>
#include <mutex>

#include "core/strings.h"
#include "secproto/registry.h"

namespace secproto {

std::string_view ViewName(View v) { return v == View::k64 ? "64" : "32"; }

std::optional<View> ParseViewName(std::string_view name) {
  if (name == "64") return View::k64;
  if (name == "32") return View::k32;
  return std::nullopt;
}

std::string RegTypeName(uint32_t type) {
  static const char* const kNames[] = {
      "REG_NONE",          "REG_SZ",        "REG_EXPAND_SZ",
      "REG_BINARY",        "REG_DWORD",     "REG_DWORD_BIG_ENDIAN",
      "REG_LINK",          "REG_MULTI_SZ",  "REG_RESOURCE_LIST",
      "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD"};
  if (type < std::size(kNames)) return kNames[type];
  char buf[32];
  std::snprintf(buf, sizeof buf, "REG_0x%X", type);
  return buf;
}

RegValue RegValue::Dword(uint32_t v) {
  return RegValue{kRegDword,
                  {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                   static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)}};
}

RegValue RegValue::String(std::string_view utf8) {
  RegValue v{kRegSz, Utf8ToUtf16Le(utf8)};
  v.data.push_back(0);
  v.data.push_back(0);
  return v;
}

RegValue RegValue::MultiString(std::span<const std::string> items) {
  RegValue v{kRegMultiSz, {}};
  for (const std::string& s : items) {
    std::vector<uint8_t> u = Utf8ToUtf16Le(s);
    v.data.insert(v.data.end(), u.begin(), u.end());
    v.data.push_back(0);
    v.data.push_back(0);
  }
  v.data.push_back(0);
  v.data.push_back(0);
  return v;
}

std::optional<uint32_t> RegValue::AsDword() const {
  if (type != kRegDword || data.size() != 4) return std::nullopt;
  return static_cast<uint32_t>(data[0]) | (static_cast<uint32_t>(data[1]) << 8) |
         (static_cast<uint32_t>(data[2]) << 16) | (static_cast<uint32_t>(data[3]) << 24);
}

std::string RegValue::HexData() const {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool KeyNameEquals(std::string_view a, std::string_view b) { return EqualsIgnoreCase(a, b); }

std::vector<std::string> SplitKey(std::string_view key) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('\\', start);
    if (end == std::string_view::npos) end = key.size();
    if (end > start) out.emplace_back(key.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsSharedBetweenViews(std::string_view logical_key) {
  std::vector<std::string> parts = SplitKey(logical_key);
  if (parts.size() < 2 || !KeyNameEquals(parts[0], "HKLM") || !KeyNameEquals(parts[1], "SOFTWARE")) {
    return true;
  }
  return parts.size() > 2 &&
         (KeyNameEquals(parts[2], "Policies") || KeyNameEquals(parts[2], "Wow6432Node"));
}

std::string PhysicalKey(View view, std::string_view logical) {
  std::vector<std::string> parts = SplitKey(logical);
  bool redirect = view == View::k32 && !IsSharedBetweenViews(logical);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '\\';
    out += parts[i];
    if (redirect && i == 1) out += "\\Wow6432Node";
  }
  return out;
}

std::string RootOfKey(std::string_view key) {
  std::vector<std::string> parts = SplitKey(key);
  if (!parts.empty() &&
      (KeyNameEquals(parts[0], "HKCU") || KeyNameEquals(parts[0], "HKEY_CURRENT_USER"))) {
    return "HKCU";
  }
  if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM")) {
    if (KeyNameEquals(parts[1], "SOFTWARE")) return "HKLM\\SOFTWARE";
    if (KeyNameEquals(parts[1], "SYSTEM")) return "HKLM\\SYSTEM";
  }
  return "";
}

Architecture ArchitectureFromSoftwareKeys(bool has_current_version, bool has_wow6432node) {
  if (has_wow6432node) return Architecture::k64Bit;
  if (has_current_version) return Architecture::k32Bit;
  return Architecture::kUnknown;
}

namespace {

struct Scheme {
  std::string help;
  TargetOpener opener;
};

std::map<std::string, Scheme>& Schemes() {
  static std::map<std::string, Scheme> schemes;
  return schemes;
}

}  // namespace

bool RegisterTargetScheme(std::string scheme, std::string help, TargetOpener opener) {
  Schemes()[std::move(scheme)] = Scheme{std::move(help), std::move(opener)};
  return true;
}

std::vector<std::string> SupportedTargetSchemes() {
  std::vector<std::string> out;
  for (const auto& [name, s] : Schemes()) out.push_back(s.help);
  return out;
}

Expected<std::unique_ptr<RegistryBackend>> OpenTarget(std::string_view spec,
                                                      const TargetOptions& options) {
  std::string choices;
  for (const auto& [name, s] : Schemes()) {
    if (!choices.empty()) choices += ", ";
    choices += s.help;
  }
  size_t colon = spec.find(':');
  std::string scheme(spec.substr(0, colon));
  std::string_view rest = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  // A Windows drive letter ("C:\\x") is not a scheme.
  auto it = scheme.size() > 1 ? Schemes().find(scheme) : Schemes().end();
  if (it == Schemes().end() && (colon == std::string_view::npos || colon == 1) && !spec.empty()) {
    // A bare path: say which scheme it most likely needs.
    std::string path(spec);
    std::string guess = Lower(path).ends_with(".reg") ? "reg:" : "hive:";
    if (Schemes().count(guess.substr(0, guess.size() - 1))) {
      return Fail(Error::Usage("unknown target '" + path + "'; did you mean " + guess + path +
                                   "? (targets: " + choices + ")",
                               "bad-target"));
    }
  }
  if (it == Schemes().end()) {
    return Fail(Error::Usage("unknown target '" + std::string(spec) + "'; use one of: " + choices,
                             "bad-target"));
  }
  if (!options.dry_run) return it->second.opener(rest, options);
  TargetOptions preview = options;
  preview.dry_run = false;
  preview.read_only = true;
  auto opened = it->second.opener(rest, preview);
  if (!opened && opened.error().code == "not-found") {
    // Nothing to read yet: open it as a writer would (a new document) and
    // let the dry-run wrapper keep every write away from the disk.
    preview.read_only = false;
    opened = it->second.opener(rest, preview);
  }
  if (!opened) return opened;
  return NewDryRunBackend(std::move(*opened));
}

}  // namespace secproto
