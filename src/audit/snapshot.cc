// The read-only snapshot backend and the two fast readers that fill it: .reg
// documents (as `reg export` writes them) and `secproto show --json` output.
// Hives go through the hive backend instead (audit.cc).
#include <cctype>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/utf16.h"
#include "secproto/audit.h"
#include "secproto/emit.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

class SnapshotBackend : public RegistryBackend {
 public:
  SnapshotBackend(std::string describe, Architecture arch, SnapshotView v64, SnapshotView v32)
      : describe_(std::move(describe)), arch_(arch), views_{std::move(v64), std::move(v32)} {}

  std::string Describe() const override { return describe_; }
  bool HasRoot(std::string_view root) const override {
    return KeyNameEquals(root, "HKLM\\SOFTWARE");
  }
  Expected<Architecture> DetectArchitecture() override { return arch_; }
  Expected<bool> KeyExists(View view, std::string_view key) override {
    return KeyNameEquals(key, kWinHttpKey) && Get(view).key_exists;
  }
  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override {
    if (!KeyNameEquals(key, kWinHttpKey)) return std::nullopt;
    if (KeyNameEquals(name, kValueName)) return Get(view).value;
    if (KeyNameEquals(name, "ForceDefaultSecureProtocols")) return Get(view).force_default;
    return std::nullopt;
  }
  Expected<std::vector<std::string>> ListSubkeys(View, std::string_view) override {
    return std::vector<std::string>{};
  }
  Status SetValue(View, std::string_view, std::string_view, const RegValue&) override {
    return ReadOnly();
  }
  Status DeleteValue(View, std::string_view, std::string_view) override { return ReadOnly(); }
  Status DeleteKeyIfEmpty(View, std::string_view) override { return ReadOnly(); }
  bool IsTransactional() const override { return true; }
  Status Commit() override { return {}; }

 private:
  const SnapshotView& Get(View v) const { return views_[v == View::k64 ? 0 : 1]; }
  Status ReadOnly() const {
    return Fail(Error::Target(describe_ + " is a collected snapshot: read-only", "read-only"));
  }

  std::string describe_;
  Architecture arch_;
  SnapshotView views_[2];
};

// ---- .reg reader ----

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && KeyNameEquals(s.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Which WinHttp key a section names: 0 native, 1 WOW6432Node, -1 neither.
// Both "HKEY_LOCAL_MACHINE\" and "HKLM\" roots are accepted.
int WinHttpSection(std::string_view key) {
  if (StartsWithNoCase(key, "HKEY_LOCAL_MACHINE\\")) {
    key.remove_prefix(19);
  } else if (StartsWithNoCase(key, "HKLM\\")) {
    key.remove_prefix(5);
  } else {
    return -1;
  }
  static const std::string native = WinHttpSubkey(false);
  static const std::string wow = WinHttpSubkey(true);
  if (KeyNameEquals(key, native)) return 0;
  if (KeyNameEquals(key, wow)) return 1;
  return -1;
}

Expected<std::vector<uint8_t>> ParseHexBytes(std::string_view s, size_t line) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : s) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\\' || c == '\r' || c == '\n') {
      if (hi >= 0) {
        out.push_back(static_cast<uint8_t>(hi));
        hi = -1;
      }
      continue;
    }
    int d = HexDigit(c);
    if (d < 0) {
      return Fail(Error::Input("line " + std::to_string(line) + ": bad hex byte", "bad-reg"));
    }
    if (hi < 0) {
      hi = d;
    } else if (hi < 16) {
      hi = hi * 16 + d;
      out.push_back(static_cast<uint8_t>(hi));
      hi = -1;
    }
  }
  if (hi >= 0) out.push_back(static_cast<uint8_t>(hi));
  return out;
}

// Parses `"name"` or `@` at the start of a value line; returns the name and
// the text after '='.
Expected<std::pair<std::string, std::string_view>> SplitValueLine(std::string_view s, size_t line) {
  auto bad = [&](const char* what) {
    return Fail(Error::Input("line " + std::to_string(line) + ": " + what, "bad-reg"));
  };
  std::string name;
  size_t i = 0;
  if (s[0] == '@') {
    i = 1;
  } else {
    i = 1;
    bool closed = false;
    while (i < s.size()) {
      char c = s[i++];
      if (c == '\\' && i < s.size()) {
        name += s[i++];
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        name += c;
      }
    }
    if (!closed) return bad("unterminated value name");
  }
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i >= s.size() || s[i] != '=') return bad("expected '=' after the value name");
  return std::make_pair(std::move(name), Trim(s.substr(i + 1)));
}

// Parses value data; nullopt for a deletion ("=-").
Expected<std::optional<RegValue>> ParseData(std::string_view d, size_t line) {
  auto bad = [&](const std::string& what) {
    return Fail(Error::Input("line " + std::to_string(line) + ": " + what, "bad-reg"));
  };
  if (d == "-") return std::optional<RegValue>();
  if (!d.empty() && d[0] == '"') {
    std::string text;
    size_t i = 1;
    bool closed = false;
    while (i < d.size()) {
      char c = d[i++];
      if (c == '\\' && i < d.size()) {
        text += d[i++];
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        text += c;
      }
    }
    if (!closed) return bad("unterminated string");
    return std::optional<RegValue>(RegValue::String(text));
  }
  if (StartsWithNoCase(d, "dword:")) {
    std::string_view h = Trim(d.substr(6));
    if (h.empty() || h.size() > 8) return bad("dword: needs 1 to 8 hex digits");
    uint32_t v = 0;
    for (char c : h) {
      int x = HexDigit(c);
      if (x < 0) return bad("dword: needs hex digits");
      v = v * 16 + static_cast<uint32_t>(x);
    }
    return std::optional<RegValue>(RegValue::Dword(v));
  }
  if (StartsWithNoCase(d, "hex")) {
    uint32_t type = kRegBinary;
    size_t i = 3;
    if (i < d.size() && d[i] == '(') {
      size_t close = d.find(')', i);
      if (close == std::string_view::npos) return bad("hex( without )");
      std::string_view t = d.substr(i + 1, close - i - 1);
      if (t.empty() || t.size() > 8) return bad("bad hex(N) type");
      type = 0;
      for (char c : t) {
        int x = HexDigit(c);
        if (x < 0) return bad("bad hex(N) type");
        type = type * 16 + static_cast<uint32_t>(x);
      }
      i = close + 1;
    }
    if (i >= d.size() || d[i] != ':') return bad("expected ':' after hex");
    SECPROTO_ASSIGN_OR_RETURN(bytes, ParseHexBytes(d.substr(i + 1), line));
    RegValue v;
    v.type = type;
    v.data = std::move(bytes);
    return std::optional<RegValue>(std::move(v));
  }
  return bad("cannot read the value data");
}

}  // namespace

std::unique_ptr<RegistryBackend> NewSnapshotBackend(std::string describe, Architecture arch,
                                                    SnapshotView v64, SnapshotView v32) {
  return std::make_unique<SnapshotBackend>(std::move(describe), arch, std::move(v64),
                                           std::move(v32));
}

Expected<std::unique_ptr<RegistryBackend>> ReadRegSnapshot(std::string_view bytes,
                                                           std::string describe) {
  std::string converted;
  std::string_view text = bytes;
  if (bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0xFF &&
      static_cast<uint8_t>(bytes[1]) == 0xFE) {
    auto utf8 = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(bytes.data()) + 2, bytes.size() - 2);
    if (!utf8) return Fail(Error::Input("broken UTF-16 text", "bad-reg"));
    converted = std::move(*utf8);
    text = converted;
  } else if (bytes.size() >= 2 && bytes[0] != 0 && bytes[1] == 0) {  // UTF-16LE, no BOM
    auto utf8 = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (!utf8) return Fail(Error::Input("broken UTF-16 text", "bad-reg"));
    converted = std::move(*utf8);
    text = converted;
  }
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  SnapshotView views[2];
  bool saw_header = false;
  bool has_wow = false;
  bool has_current_version = false;
  int section = -1;  // WinHttpSection of the current [KEY], -1 for others
  bool in_section = false;
  size_t line_no = 0;
  size_t pos = 0;
  std::string joined;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    while (line.starts_with(kBom)) line = Trim(line.substr(kBom.size()));
    if (line.empty() || line[0] == ';') continue;
    if (line == "Windows Registry Editor Version 5.00" || line == "REGEDIT4") {
      saw_header = true;  // a repeated header starts a concatenated export
      continue;
    }
    if (!saw_header) {
      return Fail(Error::Input("line " + std::to_string(line_no) +
                                   ": not a .reg file (no \"Windows Registry Editor Version "
                                   "5.00\" or \"REGEDIT4\" header)",
                               "bad-reg"));
    }
    if (line[0] == '[') {
      if (line.back() != ']') {
        return Fail(Error::Input("line " + std::to_string(line_no) + ": unterminated [key]",
                                 "bad-reg"));
      }
      std::string_view key = line.substr(1, line.size() - 2);
      bool remove = !key.empty() && key[0] == '-';
      if (remove) key.remove_prefix(1);
      if (StartsWithNoCase(key, "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node") && !remove) has_wow = true;
      if (StartsWithNoCase(key, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion") &&
          !remove) {
        has_current_version = true;
      }
      section = WinHttpSection(key);
      in_section = !remove;
      if (section >= 0) {
        if (remove) {
          views[section] = SnapshotView{};
          section = -1;
        } else {
          views[section].key_exists = true;
        }
      }
      continue;
    }
    if (line[0] != '"' && line[0] != '@') {
      return Fail(Error::Input("line " + std::to_string(line_no) +
                                   ": expected [key], \"name\"=data or a ; comment",
                               "bad-reg"));
    }
    if (!in_section) {
      return Fail(Error::Input("line " + std::to_string(line_no) + ": a value before any [key]",
                               "bad-reg"));
    }
    // Continuation lines: a trailing backslash joins the next line.
    std::string_view full = line;
    if (line.back() == '\\') {
      joined.assign(line.substr(0, line.size() - 1));
      while (pos < text.size()) {
        size_t e = text.find('\n', pos);
        if (e == std::string_view::npos) e = text.size();
        std::string_view next = Trim(text.substr(pos, e - pos));
        pos = e + 1;
        ++line_no;
        bool more = !next.empty() && next.back() == '\\';
        joined.append(more ? next.substr(0, next.size() - 1) : next);
        if (!more) break;
      }
      full = joined;
    }
    if (section < 0) continue;  // only the WinHttp keys matter to the audit
    SECPROTO_ASSIGN_OR_RETURN(split, SplitValueLine(full, line_no));
    bool dsp = KeyNameEquals(split.first, kValueName);
    bool force = section == 0 && KeyNameEquals(split.first, "ForceDefaultSecureProtocols");
    if (!dsp && !force) continue;
    SECPROTO_ASSIGN_OR_RETURN(data, ParseData(split.second, line_no));
    (dsp ? views[section].value : views[section].force_default) = std::move(data);
  }
  if (!saw_header) {
    return Fail(Error::Input("empty file: not a .reg export", "bad-reg"));
  }
  Architecture arch = has_wow ? Architecture::k64Bit
                      : has_current_version ? Architecture::k32Bit
                                            : Architecture::kUnknown;
  return NewSnapshotBackend(std::move(describe), arch, std::move(views[0]), std::move(views[1]));
}

Expected<std::unique_ptr<RegistryBackend>> ReadShowJsonSnapshot(std::string_view text,
                                                                std::string describe) {
  using Json = nlohmann::json;
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(Error::Input("not valid JSON", "bad-json"));
  }
  if (auto e = j.find("error"); e != j.end()) {
    std::string msg = "collection failed";
    if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
      msg += ": " + (*e)["message"].get<std::string>();
    }
    return Fail(Error::Target(msg, "collection-failed"));
  }
  auto views = j.find("views");
  if (views == j.end() || !views->is_object()) {
    return Fail(Error::Input("JSON without \"views\": not `secproto show --json` output", "bad-json"));
  }
  Architecture arch = Architecture::kUnknown;
  if (auto a = j.find("architecture"); a != j.end() && a->is_string()) {
    if (*a == "64-bit") arch = Architecture::k64Bit;
    if (*a == "32-bit") arch = Architecture::k32Bit;
  }
  auto read_value = [](const Json& v) -> Expected<std::optional<RegValue>> {
    if (!v.is_object()) return Fail(Error::Input("a view is not an object", "bad-json"));
    auto exists = v.find("value_exists");
    if (exists == v.end() || !exists->is_boolean()) {
      return Fail(Error::Input("a view has no value_exists", "bad-json"));
    }
    if (!exists->get<bool>()) return std::optional<RegValue>();
    auto type = v.find("type_code");
    auto raw = v.find("raw");
    if (type == v.end() || !type->is_number_unsigned() || raw == v.end() || !raw->is_string()) {
      return Fail(Error::Input("a view has no type_code or raw", "bad-json"));
    }
    const std::string& hex = raw->get_ref<const std::string&>();
    if (hex.size() % 2 != 0) return Fail(Error::Input("raw has an odd number of digits", "bad-json"));
    RegValue out;
    out.type = type->get<uint32_t>();
    for (size_t i = 0; i < hex.size(); i += 2) {
      int a = HexDigit(hex[i]);
      int b = HexDigit(hex[i + 1]);
      if (a < 0 || b < 0) return Fail(Error::Input("raw is not hex", "bad-json"));
      out.data.push_back(static_cast<uint8_t>(a * 16 + b));
    }
    return std::optional<RegValue>(std::move(out));
  };
  SnapshotView sv[2];
  bool any = false;
  for (int i = 0; i < 2; ++i) {
    auto v = views->find(i == 0 ? "64" : "32");
    if (v == views->end()) continue;
    any = true;
    SECPROTO_ASSIGN_OR_RETURN(value, read_value(*v));
    sv[i].value = std::move(value);
    auto ke = v->find("key_exists");
    sv[i].key_exists = (ke != v->end() && ke->is_boolean() && ke->get<bool>()) || sv[i].value;
  }
  if (!any) return Fail(Error::Input("\"views\" holds neither \"64\" nor \"32\"", "bad-json"));
  if (auto f = j.find("force_default_secure_protocols"); f != j.end() && f->is_object()) {
    SECPROTO_ASSIGN_OR_RETURN(force, read_value(*f));
    sv[0].force_default = std::move(force);
  }
  // A 64-bit OS always has both views; a show of a 32-bit OS lists only "64".
  return NewSnapshotBackend(std::move(describe), arch, std::move(sv[0]), std::move(sv[1]));
}

}  // namespace secproto
