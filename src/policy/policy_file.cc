// The policy file: TOML (toml++) or JSON (nlohmann), one shape for both
// (docs/policy.schema.json). JSON is turned into the same tree as TOML so
// that one reader checks every field; TOML errors carry the line.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/strings.h"
#include "secproto/policy.h"
#include "secproto/suites.h"

namespace secproto {
namespace {

constexpr std::string_view kLegacyCiphers[] = {
    "NULL",       "DES 56/56",  "RC2 40/128",  "RC2 56/128",     "RC2 128/128", "RC4 40/128",
    "RC4 56/128", "RC4 64/128", "RC4 128/128", "Triple DES 168", "AES 128/128", "AES 256/256",
};
constexpr std::string_view kLegacyHashes[] = {"MD5", "SHA", "SHA256", "SHA384", "SHA512"};
constexpr std::string_view kLegacyKeyExchange[] = {"Diffie-Hellman", "PKCS", "ECDH"};

// The origin of a policy made only of --set lines, and how each line's nodes
// are named in errors ("--set \"LINE\"").
constexpr std::string_view kSetOrigin = "--set";

// Reads one policy tree and reports the first problem with its field path
// and, for TOML, its line.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  // Whether a --set line gave the node.
  static bool FromSetLine(const toml::node* node) {
    return node != nullptr && node->source().path &&
           node->source().path->starts_with(std::string(kSetOrigin) + " \"");
  }

  Error Bad(const toml::node* node, std::string_view field, std::string_view what) const {
    std::string where = origin_;
    if (FromSetLine(node)) {
      where = *node->source().path;  // name the line
    } else if (node != nullptr && node->source().begin.line > 0) {
      where += ":" + std::to_string(node->source().begin.line);
    }
    return Error::Input(where + ": " + std::string(field) + ": " + std::string(what), "bad-policy");
  }

  // Every key of `table` must be one of `known`.
  Status OnlyKeys(const toml::table& table, std::string_view prefix,
                  std::span<const std::string_view> known) const {
    for (const auto& [key, node] : table) {
      std::string_view k = key.str();
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      if (k == "reset" && !prefix.empty() && prefix != "policy") continue;  // SectionMode read it
      std::string hint = ClosestName(k, known);
      return Fail(Bad(&node, Join(prefix, k),
                      "unknown field" + (hint.empty() ? "" : "; did you mean '" + hint + "'?")));
    }
    return {};
  }

  static std::string Join(std::string_view prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
  }

  Expected<std::optional<bool>> Bool(const toml::table& t, std::string_view prefix,
                                     std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::optional<bool>();
    if (auto v = n->value_exact<bool>()) return std::optional<bool>(*v);
    return Fail(Bad(n, Join(prefix, key), "must be true or false"));
  }

  Expected<std::optional<int64_t>> Int(const toml::table& t, std::string_view prefix,
                                       std::string_view key, int64_t lo, int64_t hi) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::optional<int64_t>();
    auto v = n->value_exact<int64_t>();
    if (!v) return Fail(Bad(n, Join(prefix, key), "must be an integer"));
    if (*v < lo || *v > hi) {
      return Fail(Bad(n, Join(prefix, key),
                      "must be between " + std::to_string(lo) + " and " + std::to_string(hi)));
    }
    return std::optional<int64_t>(*v);
  }

  Expected<std::optional<std::string>> String(const toml::table& t, std::string_view prefix,
                                              std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::optional<std::string>();
    if (auto v = n->value_exact<std::string>()) return std::optional<std::string>(*v);
    return Fail(Bad(n, Join(prefix, key), "must be a string"));
  }

  Expected<std::optional<std::vector<std::string>>> Strings(const toml::table& t,
                                                            std::string_view prefix,
                                                            std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::optional<std::vector<std::string>>();
    const toml::array* a = n->as_array();
    if (a == nullptr) return Fail(Bad(n, Join(prefix, key), "must be a list of strings"));
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) {
      auto v = (*a)[i].value_exact<std::string>();
      std::string field = Join(prefix, key) + "[" + std::to_string(i) + "]";
      if (!v) return Fail(Bad(&(*a)[i], field, "must be a string"));
      out.push_back(*v);
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }

  // The `order` list, the only key of [section]: not empty (`empty_why`
  // says why), each name known to `find`, none twice when `refuse_twice`.
  template <typename Find>
  Expected<std::vector<std::string>> Order(const toml::table& t, std::string_view section,
                                           std::string_view empty_why, Find find,
                                           bool refuse_twice) const {
    static constexpr std::string_view kKeys[] = {"order"};
    SECPROTO_TRY(OnlyKeys(t, section, kKeys));
    const std::string field = Join(section, "order");
    SECPROTO_ASSIGN_OR_RETURN(order, Strings(t, section, "order"));
    if (!order) return Fail(Bad(nullptr, field, "missing"));
    const toml::array* a = t.get("order")->as_array();
    if (order->empty()) return Fail(Bad(a, field, empty_why));
    for (size_t i = 0; i < order->size(); ++i) {
      auto found = find((*order)[i]);
      std::string at = field + "[" + std::to_string(i) + "]";
      if (!found) return Fail(Bad(&(*a)[i], at, found.error().message));
      for (size_t j = 0; refuse_twice && j < i; ++j) {
        if ((*order)[j] == (*order)[i]) return Fail(Bad(&(*a)[i], at, "listed twice"));
      }
    }
    return std::move(*order);
  }

  // A section: absent (kLeave), `reset = true` alone (kReset), or values (kSet).
  Expected<Manage> SectionMode(const toml::table& root, std::string_view name,
                               const toml::table** out) const {
    *out = nullptr;
    const toml::node* n = root.get(name);
    if (n == nullptr) return Manage::kLeave;
    const toml::table* t = n->as_table();
    if (t == nullptr) return Fail(Bad(n, name, "must be a table"));
    *out = t;
    SECPROTO_ASSIGN_OR_RETURN(reset, Bool(*t, name, "reset"));
    if (reset.value_or(false)) {
      if (t->size() != 1) {
        // A file's error gives the section's line; a --set reset names its line.
        const toml::node* at = FromSetLine(t->get("reset")) ? t->get("reset") : n;
        return Fail(Bad(at, Join(name, "reset"), "reset = true must be the section's only field"));
      }
      return Manage::kReset;
    }
    if (reset.has_value() && t->size() == 1) {
      return Fail(Bad(n, Join(name, "reset"),
                      "reset = false alone says nothing; remove the section to leave it alone"));
    }
    return Manage::kSet;
  }

  Expected<ProtocolSet> Protocols(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    std::string field = Join("protocols", key);
    if (n == nullptr)
      return Fail(Bad(t.get("client") ? t.get("client") : nullptr, field,
                      "missing (list the enabled protocols, e.g. [\"TLS 1.2\"])"));
    SECPROTO_ASSIGN_OR_RETURN(names, Strings(t, "protocols", key));
    uint32_t bits = 0;
    const toml::array* a = n->as_array();
    for (size_t i = 0; i < names->size(); ++i) {
      auto p = ParseProtocolName((*names)[i]);
      if (!p) {
        return Fail(Bad(&(*a)[i], field + "[" + std::to_string(i) + "]", p.error().message));
      }
      bits |= Info(*p).bit;
    }
    return ProtocolSet(bits);
  }

  Expected<Policy> Read(const toml::table& root) const {
    Policy p;
    p.origin = origin_;
    static constexpr std::string_view kTop[] = {"policy", "protocols", "cipher_suites",
                                                "curves", "legacy",    "key_sizes",
                                                "dotnet", "fips",      "logging",
                                                "registry"};
    SECPROTO_TRY(OnlyKeys(root, "", kTop));

    if (const toml::node* n = root.get("policy")) {
      const toml::table* t = n->as_table();
      if (t == nullptr) return Fail(Bad(n, "policy", "must be a table"));
      static constexpr std::string_view kKeys[] = {"name", "description", "cites"};
      SECPROTO_TRY(OnlyKeys(*t, "policy", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(name, String(*t, "policy", "name"));
      SECPROTO_ASSIGN_OR_RETURN(desc, String(*t, "policy", "description"));
      SECPROTO_ASSIGN_OR_RETURN(cites, Strings(*t, "policy", "cites"));
      p.name = name.value_or("");
      p.description = desc.value_or("");
      p.cites = cites.value_or(std::vector<std::string>{});
    }

    const toml::table* t = nullptr;
    SECPROTO_ASSIGN_OR_RETURN(pm, SectionMode(root, "protocols", &t));
    p.protocols.manage = pm;
    if (pm == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"client",  "server", "winhttp",
                                                   "wininet", "dotnet", "tls13_on_older_os"};
      SECPROTO_TRY(OnlyKeys(*t, "protocols", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(client, Protocols(*t, "client"));
      SECPROTO_ASSIGN_OR_RETURN(server, Protocols(*t, "server"));
      p.protocols.client = client;
      p.protocols.server = server;
      SECPROTO_ASSIGN_OR_RETURN(winhttp, Bool(*t, "protocols", "winhttp"));
      SECPROTO_ASSIGN_OR_RETURN(wininet, Bool(*t, "protocols", "wininet"));
      SECPROTO_ASSIGN_OR_RETURN(dotnet, Bool(*t, "protocols", "dotnet"));
      p.protocols.winhttp = winhttp.value_or(true);
      p.protocols.wininet = wininet.value_or(true);
      p.protocols.dotnet = dotnet.value_or(true);
      SECPROTO_ASSIGN_OR_RETURN(older, String(*t, "protocols", "tls13_on_older_os"));
      if (older && *older != "drop" && *older != "refuse") {
        return Fail(Bad(t->get("tls13_on_older_os"), "protocols.tls13_on_older_os",
                        "must be \"drop\" or \"refuse\""));
      }
      p.protocols.drop_tls13_on_older_os = older.value_or("refuse") == "drop";
    }

    SECPROTO_ASSIGN_OR_RETURN(sm, SectionMode(root, "cipher_suites", &t));
    p.suites.manage = sm;
    if (sm == Manage::kSet) {
      SECPROTO_ASSIGN_OR_RETURN(
          order, Order(*t, "cipher_suites",
                       "an empty suite list stops all TLS on the machine; use reset = true "
                       "to return to the OS default",
                       FindCipherSuite, /*refuse_twice=*/true));
      p.suites.order = std::move(order);
    }

    SECPROTO_ASSIGN_OR_RETURN(cm, SectionMode(root, "curves", &t));
    p.curves.manage = cm;
    if (cm == Manage::kSet) {
      SECPROTO_ASSIGN_OR_RETURN(
          order,
          Order(*t, "curves", "an empty curve list stops every ECDHE suite; use reset = true",
                FindCurve, /*refuse_twice=*/false));
      p.curves.order = std::move(order);
    }

    SECPROTO_ASSIGN_OR_RETURN(lm, SectionMode(root, "legacy", &t));
    p.legacy.manage = lm;
    if (lm == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"ciphers", "hashes", "key_exchange"};
      SECPROTO_TRY(OnlyKeys(*t, "legacy", kKeys));
      SECPROTO_TRY(LegacyMap(*t, "ciphers", kLegacyCiphers, p.legacy.ciphers));
      SECPROTO_TRY(LegacyMap(*t, "hashes", kLegacyHashes, p.legacy.hashes));
      SECPROTO_TRY(LegacyMap(*t, "key_exchange", kLegacyKeyExchange, p.legacy.key_exchange));
    }

    SECPROTO_ASSIGN_OR_RETURN(km, SectionMode(root, "key_sizes", &t));
    p.key_sizes.manage = km;
    if (km == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"dh_server_min", "dh_client_min",
                                                   "rsa_client_min"};
      SECPROTO_TRY(OnlyKeys(*t, "key_sizes", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(a, Int(*t, "key_sizes", "dh_server_min", 512, 16384));
      SECPROTO_ASSIGN_OR_RETURN(b, Int(*t, "key_sizes", "dh_client_min", 512, 16384));
      SECPROTO_ASSIGN_OR_RETURN(c, Int(*t, "key_sizes", "rsa_client_min", 512, 16384));
      if (a) p.key_sizes.dh_server_min = static_cast<uint32_t>(*a);
      if (b) p.key_sizes.dh_client_min = static_cast<uint32_t>(*b);
      if (c) p.key_sizes.rsa_client_min = static_cast<uint32_t>(*c);
    }

    SECPROTO_ASSIGN_OR_RETURN(dm, SectionMode(root, "dotnet", &t));
    p.dotnet.manage = dm;
    if (dm == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"strong_crypto", "system_default_tls_versions"};
      SECPROTO_TRY(OnlyKeys(*t, "dotnet", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(sc, Bool(*t, "dotnet", "strong_crypto"));
      SECPROTO_ASSIGN_OR_RETURN(sd, Bool(*t, "dotnet", "system_default_tls_versions"));
      p.dotnet.strong_crypto = sc.value_or(true);
      p.dotnet.system_default_tls_versions = sd.value_or(true);
    }

    SECPROTO_ASSIGN_OR_RETURN(fm, SectionMode(root, "fips", &t));
    p.fips.manage = fm;
    if (fm == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"enabled"};
      SECPROTO_TRY(OnlyKeys(*t, "fips", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(e, Bool(*t, "fips", "enabled"));
      if (!e) return Fail(Bad(nullptr, "fips.enabled", "missing"));
      p.fips.enabled = *e;
    }

    SECPROTO_ASSIGN_OR_RETURN(gm, SectionMode(root, "logging", &t));
    p.logging.manage = gm;
    if (gm == Manage::kSet) {
      static constexpr std::string_view kKeys[] = {"event_logging"};
      SECPROTO_TRY(OnlyKeys(*t, "logging", kKeys));
      SECPROTO_ASSIGN_OR_RETURN(e, Int(*t, "logging", "event_logging", 0, 7));
      if (!e) return Fail(Bad(nullptr, "logging.event_logging", "missing"));
      p.logging.event_logging = static_cast<uint32_t>(*e);
    }
    SECPROTO_TRY(Registry(root, p.registry));
    return p;
  }

 private:
  // [registry]: 'KEY' = { Name = DWORD, ... } (or [registry.'KEY'] tables).
  // A key under HKLM\SOFTWARE\Wow6432Node is the 32-bit view of the key
  // without it.
  Status Registry(const toml::table& root, RegistryPolicy& out) const {
    const toml::node* n = root.get("registry");
    if (n == nullptr) return {};
    const toml::table* t = n->as_table();
    if (t == nullptr) return Fail(Bad(n, "registry", "must be a table of 'KEY' = { NAME = DWORD }"));
    constexpr std::string_view kWow = "HKLM\\SOFTWARE\\Wow6432Node\\";
    for (const auto& [key, node] : *t) {
      std::string k(key.str());
      std::string field = "registry.'" + k + "'";
      RegistryDword v;
      v.key = k;
      if (k.size() > kWow.size() && KeyNameEquals(k.substr(0, kWow.size() - 1),
                                                  kWow.substr(0, kWow.size() - 1))) {
        v.view = View::k32;
        v.key = "HKLM\\SOFTWARE\\" + k.substr(kWow.size());
      }
      if (!RegistryKeyAllowed(v.key)) {
        return Fail(Bad(&node, field,
                        "not a key of the TLS stack (SCHANNEL, WinHTTP, WinINet, .NET Framework): "
                        "[registry] writes only there"));
      }
      const toml::table* values = node.as_table();
      if (values == nullptr) return Fail(Bad(&node, field, "must be a table of NAME = DWORD"));
      for (const auto& [name, value] : *values) {
        std::string vf = field + "." + std::string(name.str());
        auto d = value.value_exact<int64_t>();
        if (!d || *d < 0 || *d > 0xFFFFFFFFLL) {
          return Fail(Bad(&value, vf, "must be a DWORD (an integer from 0 to 4294967295)"));
        }
        v.name = std::string(name.str());
        v.value = static_cast<uint32_t>(*d);
        out.values.push_back(v);
      }
    }
    return {};
  }

  Status LegacyMap(const toml::table& t, std::string_view key,
                   std::span<const std::string_view> known,
                   std::map<std::string, bool>& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return {};
    std::string prefix = Join("legacy", key);
    const toml::table* m = n->as_table();
    if (m == nullptr) return Fail(Bad(n, prefix, "must be a table of name = true/false"));
    for (const auto& [name, value] : *m) {
      std::string_view k = name.str();
      std::string field = prefix + ".\"" + std::string(k) + "\"";
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string hint = ClosestName(k, known);
        return Fail(
            Bad(&value, field,
                "unknown key name" + (hint.empty() ? "" : "; did you mean '" + hint + "'?")));
      }
      auto b = value.value_exact<bool>();
      if (!b) return Fail(Bad(&value, field, "must be true or false"));
      out[std::string(k)] = *b;
    }
    return {};
  }

  std::string origin_;
};

// JSON to the TOML tree (no line numbers; fields are named by path).
Expected<toml::table> JsonToToml(const nlohmann::json& j, const std::string& origin,
                                 const std::string& path);

Expected<std::unique_ptr<toml::node>> JsonNode(const nlohmann::json& j, const std::string& origin,
                                               const std::string& path) {
  auto bad = [&](std::string_view what) {
    return Fail(Error::Input(origin + ": " + path + ": " + std::string(what), "bad-policy"));
  };
  if (j.is_boolean()) return std::make_unique<toml::value<bool>>(j.get<bool>());
  if (j.is_number_integer()) return std::make_unique<toml::value<int64_t>>(j.get<int64_t>());
  if (j.is_string()) return std::make_unique<toml::value<std::string>>(j.get<std::string>());
  if (j.is_array()) {
    auto a = std::make_unique<toml::array>();
    for (size_t i = 0; i < j.size(); ++i) {
      SECPROTO_ASSIGN_OR_RETURN(n, JsonNode(j[i], origin, path + "[" + std::to_string(i) + "]"));
      a->push_back(std::move(*n));
    }
    return std::unique_ptr<toml::node>(std::move(a));
  }
  if (j.is_object()) {
    SECPROTO_ASSIGN_OR_RETURN(t, JsonToToml(j, origin, path));
    return std::unique_ptr<toml::node>(std::make_unique<toml::table>(std::move(t)));
  }
  if (j.is_number()) return bad("must be an integer");
  return bad("null is not allowed; leave the field out");
}

Expected<toml::table> JsonToToml(const nlohmann::json& j, const std::string& origin,
                                 const std::string& path) {
  if (!j.is_object()) {
    return Fail(Error::Input(
        origin + ": " + (path.empty() ? "(top)" : path) + ": must be an object", "bad-policy"));
  }
  toml::table t;
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string child = path.empty() ? it.key() : path + "." + it.key();
    SECPROTO_ASSIGN_OR_RETURN(n, JsonNode(it.value(), origin, child));
    t.insert(it.key(), std::move(*n));
  }
  return t;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string List(const std::vector<std::string>& items, bool multiline) {
  if (items.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += multiline ? "\n  " : (i ? " " : "");
    out += Quote(items[i]) + (i + 1 < items.size() || multiline ? "," : "");
  }
  return out + (multiline ? "\n]" : "]");
}

std::vector<std::string> ProtocolNames(ProtocolSet set) { return set.Names(); }

// [registry] grouped by physical key, in first-seen order.
std::vector<std::pair<std::string, std::vector<const RegistryDword*>>> RegistryByKey(
    const RegistryPolicy& r) {
  std::vector<std::pair<std::string, std::vector<const RegistryDword*>>> out;
  for (const RegistryDword& v : r.values) {
    std::string key = PhysicalKey(v.view, v.key);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == key; });
    if (it == out.end()) {
      out.push_back({key, {}});
      it = out.end() - 1;
    }
    it->second.push_back(&v);
  }
  return out;
}

void LegacyToml(std::string& out, std::string_view key, const std::map<std::string, bool>& m) {
  if (m.empty()) return;
  out += std::string(key) + " = {";
  bool first = true;
  for (const auto& [name, on] : m) {
    out += (first ? " " : ", ") + Quote(name) + " = " + (on ? "true" : "false");
    first = false;
  }
  out += " }\n";
}

}  // namespace

std::span<const std::string_view> LegacyCipherNames() { return kLegacyCiphers; }
std::span<const std::string_view> LegacyHashNames() { return kLegacyHashes; }
std::span<const std::string_view> LegacyKeyExchangeNames() { return kLegacyKeyExchange; }

constexpr EnumName<Manage> kManageNames[] = {
    {Manage::kLeave, "leave"},
    {Manage::kSet, "set"},
    {Manage::kReset, "reset"},
};

bool RegistryKeyAllowed(std::string_view logical_key) {
  static constexpr std::string_view kRoots[] = {
      kSchannelKey,     kWinInetKey, kWinInetPolicyKey, kWinInetUserKey, kWinInetUserPolicyKey,
      "HKLM\\SOFTWARE\\Microsoft\\.NETFramework",
  };
  std::vector<std::string> parts = SplitKey(logical_key);
  for (std::string_view root : kRoots) {
    std::vector<std::string> r = SplitKey(root);
    if (parts.size() < r.size()) continue;
    bool match = true;
    for (size_t i = 0; i < r.size() && match; ++i) match = KeyNameEquals(parts[i], r[i]);
    if (match) return true;
  }
  return false;
}

std::string_view ManageName(Manage m) { return NameIn(kManageNames, m, "leave"); }

namespace {

// Policy text as a tree; a JSON file becomes the same tree a TOML file gives.
Expected<toml::table> ParseTree(std::string_view text, std::string_view format,
                                const std::string& where) {
  if (format == "json") {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      // Parse again with exceptions to learn where it broke.
      try {
        nlohmann::json unused = nlohmann::json::parse(text);
        (void)unused;
      } catch (const nlohmann::json::parse_error& e) {
        return Fail(Error::Input(where + ": not valid JSON (byte " + std::to_string(e.byte) + ")",
                                 "bad-policy"));
      }
      return Fail(Error::Input(where + ": not valid JSON", "bad-policy"));
    }
    return JsonToToml(j, where, "");
  }
  try {
    return toml::parse(text, std::string_view(where));
  } catch (const toml::parse_error& e) {
    return Fail(Error::Input(
        where + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()),
        "bad-policy"));
  }
}

// A template or a policy file, read but not yet checked.
struct PolicySource {
  std::string text;
  std::string format;  ///< "toml" or "json"
  std::string where;   ///< how errors name it
  std::string origin;  ///< Policy::origin
  std::string name;    ///< Policy::name when the policy gives none
};

PolicySource TemplateSource(const std::string& name, std::string_view text) {
  return PolicySource{std::string(text), "toml", "template " + name, "template:" + name, name};
}

// A template name, then a file; a name that is neither may be a template
// written in another case ("Modern"), else the error names the nearest one.
Expected<PolicySource> ReadPolicySource(std::string_view file_or_template) {
  if (auto text = TemplateText(file_or_template)) {
    return TemplateSource(std::string(file_or_template), *text);
  }
  std::string path(file_or_template);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::vector<std::string> templates = TemplateNames();
    std::string names;
    for (const std::string& n : templates) {
      if (EqualsIgnoreCase(n, path)) return TemplateSource(n, *TemplateText(n));
      names += (names.empty() ? "" : ", ") + n;
    }
    std::vector<std::string_view> choices(templates.begin(), templates.end());
    std::string near = ClosestName(path, choices);
    return Fail(Error::Input("cannot read policy '" + path + "': no such file and not a template" +
                                 (near.empty() ? "" : "; did you mean '" + near + "'?") + " (" +
                                 names + ")",
                             "no-policy"));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string format = path.ends_with(".json") || path.ends_with(".JSON") ? "json" : "toml";
  size_t slash = path.find_last_of("/\\");
  std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
  size_t dot = stem.rfind('.');
  return PolicySource{ss.str(), format, path, path,
                      dot == std::string::npos ? stem : stem.substr(0, dot)};
}

// `line` with each bare word of its value (after the first '=') quoted, as
// TOML wants strings: "order=[TLS_AES_128_GCM_SHA256]" gives
// "order=['TLS_AES_128_GCM_SHA256']". Words that TOML reads without quotes
// (true, false, inf, nan, numbers) and quoted strings are kept. "" when
// nothing needed quotes.
std::string QuoteBareWords(std::string_view line) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return "";
  std::string out(line.substr(0, eq + 1));
  bool quoted_any = false;
  size_t i = eq + 1;
  while (i < line.size()) {
    char c = line[i];
    if (c == '"' || c == '\'') {  // a string: copied up to its closing quote
      size_t end = line.find(c, i + 1);
      while (c == '"' && end != std::string_view::npos && line[end - 1] == '\\') {
        end = line.find(c, end + 1);
      }
      end = end == std::string_view::npos ? line.size() : end + 1;
      out += line.substr(i, end - i);
      i = end;
      continue;
    }
    if (std::string_view("[]{},= \t").find(c) != std::string_view::npos) {
      out += c;
      ++i;
      continue;
    }
    size_t end = line.find_first_of("[]{},= \t\"'", i);
    if (end == std::string_view::npos) end = line.size();
    std::string_view word = line.substr(i, end - i);
    bool keep = word == "true" || word == "false" || word == "inf" || word == "nan" ||
                std::isdigit(static_cast<unsigned char>(word[0])) || word[0] == '+' ||
                word[0] == '-';
    if (keep) {
      out += word;
    } else {
      out += "'" + std::string(word) + "'";
      quoted_any = true;
    }
    i = end;
  }
  return quoted_any ? out : "";
}

// One --set line as a tree: one dotted key and its value, the nodes named
// `--set "LINE"` so that errors point at the line.
Expected<toml::table> ParseSetLine(const std::string& line) {
  std::string shown;  // the line, its breaks written as \n so the error stays one line
  for (char c : line) {
    shown += c == '\n' ? std::string("\\n") : c == '\r' ? "\\r" : std::string(1, c);
  }
  std::string where = std::string(kSetOrigin) + " \"" + shown + "\"";
  auto bad = [&](std::string_view what) {
    return Fail(Error::Input(where + ": " + std::string(what), "bad-policy"));
  };
  if (line.find_first_of("\r\n") != std::string::npos) {
    return bad("one KEY=VALUE per --set, without line breaks");
  }
  toml::table t;
  try {
    t = toml::parse(line, std::string_view(where));
  } catch (const toml::parse_error& e) {
    // A bare word where TOML wants a string ("order=[TLS_AES_128_GCM_SHA256]"
    // reads as a broken `true`): say so, with the line that parses.
    std::string fixed = QuoteBareWords(line);
    bool fixed_parses = false;
    if (!fixed.empty()) {
      try {
        static_cast<void>(toml::parse(fixed));
        fixed_parses = true;
      } catch (const toml::parse_error&) {
      }
    }
    if (fixed_parses) {
      return bad("strings need quotes in TOML; write --set \"" + fixed + "\"");
    }
    return bad(std::string(e.description()) +
               " (give KEY=VALUE in TOML, e.g. key_sizes.dh_server_min=2048)");
  }
  // A chain of tables made by the dotted key, ending in the value.
  const toml::table* level = &t;
  while (true) {
    if (level->size() != 1) {
      return bad("give one KEY=VALUE, e.g. key_sizes.dh_server_min=2048");
    }
    const toml::table* next = level->begin()->second.as_table();
    if (next == nullptr || next->is_inline()) break;
    level = next;
  }
  return t;
}

// Puts `from` over `into`: a table the dotted key made is merged key by key;
// any other value (an inline table too) replaces what `into` had there.
void Overlay(toml::table& into, toml::table& from) {
  for (auto&& [key, node] : from) {
    toml::table* sub = node.as_table();
    toml::node* have = into.get(key.str());
    if (sub != nullptr && !sub->is_inline() && have != nullptr && have->is_table()) {
      Overlay(*have->as_table(), *sub);
      continue;
    }
    // Moved, not copied: a copy would lose the node's source (the --set line).
    into.insert_or_assign(key, std::move(node));
  }
}

}  // namespace

Expected<Policy> ParsePolicy(std::string_view text, std::string_view format,
                             std::string_view origin) {
  std::string where(origin);
  SECPROTO_ASSIGN_OR_RETURN(root, ParseTree(text, format, where));
  return Reader(where).Read(root);
}

Expected<Policy> LoadPolicy(std::string_view file_or_template) {
  return LoadPolicy(file_or_template, {});
}

Expected<Policy> LoadPolicy(std::string_view file_or_template, std::span<const std::string> sets) {
  PolicySource src{"", "toml", std::string(kSetOrigin), std::string(kSetOrigin),
                   std::string(kSetOrigin)};
  toml::table root;
  // --set lines alone make a policy; otherwise POLICY is read (and an empty
  // one is its usual "cannot read" error).
  if (!file_or_template.empty() || sets.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(read, ReadPolicySource(file_or_template));
    src = std::move(read);
    SECPROTO_ASSIGN_OR_RETURN(tree, ParseTree(src.text, src.format, src.where));
    root = std::move(tree);
    if (!sets.empty()) src.origin += " with --set";
  }
  for (const std::string& line : sets) {
    SECPROTO_ASSIGN_OR_RETURN(set, ParseSetLine(line));
    Overlay(root, set);
  }
  SECPROTO_ASSIGN_OR_RETURN(p, Reader(src.where).Read(root));
  p.origin = src.origin;
  if (p.name.empty()) p.name = src.name;
  return p;
}

std::string PolicyToToml(const Policy& p) {
  std::string out;
  out += "[policy]\n";
  out += "name = " + Quote(p.name) + "\n";
  if (!p.description.empty()) out += "description = " + Quote(p.description) + "\n";
  if (!p.cites.empty()) out += "cites = " + List(p.cites, true) + "\n";
  auto reset = [&](std::string_view section) {
    out += "\n[" + std::string(section) + "]\nreset = true\n";
  };
  if (p.protocols.manage == Manage::kReset) reset("protocols");
  if (p.protocols.manage == Manage::kSet) {
    out += "\n[protocols]\n";
    out += "client = " + List(ProtocolNames(p.protocols.client), false) + "\n";
    out += "server = " + List(ProtocolNames(p.protocols.server), false) + "\n";
    out += std::string("winhttp = ") + (p.protocols.winhttp ? "true" : "false") + "\n";
    out += std::string("wininet = ") + (p.protocols.wininet ? "true" : "false") + "\n";
    out += std::string("dotnet = ") + (p.protocols.dotnet ? "true" : "false") + "\n";
    out += std::string("tls13_on_older_os = ") +
           (p.protocols.drop_tls13_on_older_os ? "\"drop\"" : "\"refuse\"") + "\n";
  }
  if (p.suites.manage == Manage::kReset) reset("cipher_suites");
  if (p.suites.manage == Manage::kSet) {
    out += "\n[cipher_suites]\norder = " + List(p.suites.order, true) + "\n";
  }
  if (p.curves.manage == Manage::kReset) reset("curves");
  if (p.curves.manage == Manage::kSet) {
    out += "\n[curves]\norder = " + List(p.curves.order, false) + "\n";
  }
  if (p.legacy.manage == Manage::kReset) reset("legacy");
  if (p.legacy.manage == Manage::kSet) {
    out += "\n[legacy]\n";
    LegacyToml(out, "ciphers", p.legacy.ciphers);
    LegacyToml(out, "hashes", p.legacy.hashes);
    LegacyToml(out, "key_exchange", p.legacy.key_exchange);
  }
  if (p.key_sizes.manage == Manage::kReset) reset("key_sizes");
  if (p.key_sizes.manage == Manage::kSet) {
    out += "\n[key_sizes]\n";
    if (p.key_sizes.dh_server_min) {
      out += "dh_server_min = " + std::to_string(*p.key_sizes.dh_server_min) + "\n";
    }
    if (p.key_sizes.dh_client_min) {
      out += "dh_client_min = " + std::to_string(*p.key_sizes.dh_client_min) + "\n";
    }
    if (p.key_sizes.rsa_client_min) {
      out += "rsa_client_min = " + std::to_string(*p.key_sizes.rsa_client_min) + "\n";
    }
  }
  if (p.dotnet.manage == Manage::kReset) reset("dotnet");
  if (p.dotnet.manage == Manage::kSet) {
    out += "\n[dotnet]\n";
    out += std::string("strong_crypto = ") + (p.dotnet.strong_crypto ? "true" : "false") + "\n";
    out += std::string("system_default_tls_versions = ") +
           (p.dotnet.system_default_tls_versions ? "true" : "false") + "\n";
  }
  if (p.fips.manage == Manage::kReset) reset("fips");
  if (p.fips.manage == Manage::kSet) {
    out += std::string("\n[fips]\nenabled = ") + (p.fips.enabled ? "true" : "false") + "\n";
  }
  if (p.logging.manage == Manage::kReset) reset("logging");
  if (p.logging.manage == Manage::kSet) {
    out += "\n[logging]\nevent_logging = " + std::to_string(p.logging.event_logging) + "\n";
  }
  for (const auto& [key, values] : RegistryByKey(p.registry)) {
    out += "\n[registry.'" + key + "']\n";
    for (const RegistryDword* v : values) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08x", v->value);
      out += Quote(v->name) + " = " + std::to_string(v->value) + "  # " + hex + "\n";
    }
  }
  return out;
}

std::string PolicyToJson(const Policy& p) {
  nlohmann::ordered_json j;
  j["policy"] = {{"name", p.name}};
  if (!p.description.empty()) j["policy"]["description"] = p.description;
  if (!p.cites.empty()) j["policy"]["cites"] = p.cites;
  auto reset = nlohmann::ordered_json{{"reset", true}};
  if (p.protocols.manage == Manage::kReset) j["protocols"] = reset;
  if (p.protocols.manage == Manage::kSet) {
    j["protocols"] = {
        {"client", ProtocolNames(p.protocols.client)},
        {"server", ProtocolNames(p.protocols.server)},
        {"winhttp", p.protocols.winhttp},
        {"wininet", p.protocols.wininet},
        {"dotnet", p.protocols.dotnet},
        {"tls13_on_older_os", p.protocols.drop_tls13_on_older_os ? "drop" : "refuse"}};
  }
  if (p.suites.manage == Manage::kReset) j["cipher_suites"] = reset;
  if (p.suites.manage == Manage::kSet) j["cipher_suites"] = {{"order", p.suites.order}};
  if (p.curves.manage == Manage::kReset) j["curves"] = reset;
  if (p.curves.manage == Manage::kSet) j["curves"] = {{"order", p.curves.order}};
  if (p.legacy.manage == Manage::kReset) j["legacy"] = reset;
  if (p.legacy.manage == Manage::kSet) {
    j["legacy"] = nlohmann::ordered_json::object();
    if (!p.legacy.ciphers.empty()) j["legacy"]["ciphers"] = p.legacy.ciphers;
    if (!p.legacy.hashes.empty()) j["legacy"]["hashes"] = p.legacy.hashes;
    if (!p.legacy.key_exchange.empty()) j["legacy"]["key_exchange"] = p.legacy.key_exchange;
  }
  if (p.key_sizes.manage == Manage::kReset) j["key_sizes"] = reset;
  if (p.key_sizes.manage == Manage::kSet) {
    j["key_sizes"] = nlohmann::ordered_json::object();
    if (p.key_sizes.dh_server_min) j["key_sizes"]["dh_server_min"] = *p.key_sizes.dh_server_min;
    if (p.key_sizes.dh_client_min) j["key_sizes"]["dh_client_min"] = *p.key_sizes.dh_client_min;
    if (p.key_sizes.rsa_client_min) j["key_sizes"]["rsa_client_min"] = *p.key_sizes.rsa_client_min;
  }
  if (p.dotnet.manage == Manage::kReset) j["dotnet"] = reset;
  if (p.dotnet.manage == Manage::kSet) {
    j["dotnet"] = {{"strong_crypto", p.dotnet.strong_crypto},
                   {"system_default_tls_versions", p.dotnet.system_default_tls_versions}};
  }
  if (p.fips.manage == Manage::kReset) j["fips"] = reset;
  if (p.fips.manage == Manage::kSet) j["fips"] = {{"enabled", p.fips.enabled}};
  if (p.logging.manage == Manage::kReset) j["logging"] = reset;
  if (p.logging.manage == Manage::kSet) j["logging"] = {{"event_logging", p.logging.event_logging}};
  for (const auto& [key, values] : RegistryByKey(p.registry)) {
    for (const RegistryDword* v : values) j["registry"][key][v->name] = v->value;
  }
  return j.dump(2);
}

}  // namespace secproto
