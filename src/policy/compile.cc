// Compiles a policy for one OS into registry changes (docs/POLICY.md,
// "Compile rules"). Pure: reads only the catalogs.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "core/strings.h"
#include "secproto/catalog.h"
#include "secproto/keys.h"
#include "secproto/policy.h"
#include "secproto/stack.h"
#include "secproto/stack_explain.h"

namespace secproto {
namespace {

constexpr std::string_view kProtocolsPage = "Protocols in TLS/SSL (Schannel SSP)";
constexpr std::string_view kRegistryPage = "Transport Layer Security (TLS) registry settings";
constexpr std::string_view kManageTls = "Manage Transport Layer Security (TLS)";
constexpr std::string_view kPqFrom =
    "; the ML-KEM hybrid groups need build 26100.8514 (Windows 11 24H2 and 25H2), 28000.2173 "
    "(26H2) or 29550 (Server 2025) (TLS Supported Groups in Windows 11 versions 24H2 and later)";

class Compiler {
 public:
  Compiler(const Policy& p, const OsInfo& os, const OsTlsInfo& tls, const CompileOptions& o)
      : p_(p), os_(os), tls_(tls), opt_(o) {}

  Expected<CompiledPolicy> Run() {
    out_.os_id = os_.id;
    SECPROTO_TRY(Protocols());
    SECPROTO_TRY(Suites());
    SECPROTO_TRY(Curves());
    Legacy();
    KeySizes();
    Dotnet();
    Fips();
    Logging();
    Registry();
    return std::move(out_);
  }

 private:
  void Add(View view, std::string key, std::string name, std::optional<RegValue> value,
           Effect effect, std::string why) {
    out_.changes.push_back(
        RegChange{view, std::move(key), std::move(name), std::move(value), effect, std::move(why)});
  }
  void AddBothViews(const std::string& key, const std::string& name,
                    const std::optional<RegValue>& value, Effect effect, const std::string& why) {
    Add(View::k64, key, name, value, effect, why);
    Add(View::k32, key, name, value, effect, why);
  }

  bool Tls13Allowed() const { return os_.tls13 || opt_.allow_tls13_on_old_os; }

  // The protocols that end up enabled on one side for this OS.
  ProtocolSet Effective(ProtocolSet wanted) const {
    uint32_t bits = 0;
    for (Protocol pr : wanted.Protocols()) {
      if (pr == Protocol::kTls13 ? Tls13Allowed() : os_.Supports(pr)) bits |= Info(pr).bit;
    }
    return ProtocolSet(bits);
  }

  Status Protocols() {
    const ProtocolsPolicy& pp = p_.protocols;
    std::string schannel = std::string(kSchannelKey) + "\\Protocols\\";
    if (pp.manage == Manage::kReset) {
      for (const ProtocolInfo& info : AllProtocols()) {
        for (std::string_view side : {"Client", "Server"}) {
          std::string key = schannel + std::string(info.name) + "\\" + std::string(side);
          std::string why = "protocols reset: " + std::string(info.name) + " " + std::string(side) +
                            " back to the OS default (" + std::string(kProtocolsPage) + ")";
          Add(View::k64, key, "Enabled", std::nullopt, Effect::kServiceRestart, why);
          Add(View::k64, key, "DisabledByDefault", std::nullopt, Effect::kServiceRestart, why);
        }
      }
      AddBothViews(std::string(kWinHttpKey), std::string(kValueName), std::nullopt,
                   Effect::kServiceRestart,
                   "protocols reset: WinHTTP built-in default (KB3140245)");
      AddBothViews(std::string(kWinInetKey), "SecureProtocols", std::nullopt, Effect::kNextProcess,
                   "protocols reset: WinINet default");
      return {};
    }
    if (pp.manage != Manage::kSet) return {};

    bool wants13 = pp.client.Contains(Protocol::kTls13) || pp.server.Contains(Protocol::kTls13);
    if (wants13 && !os_.tls13 && !opt_.allow_tls13_on_old_os) {
      if (!pp.drop_tls13_on_older_os) {
        return Fail(Error::Input(
            "policy enables TLS 1.3 but " + os_.name + " has no supported TLS 1.3 (" +
                std::string(kProtocolsPage) +
                ": only Windows 11 / Server 2022 and later); set protocols.tls13_on_older_os = "
                "\"drop\", or pass --allow-tls13-on-old-os to write it anyway",
            "tls13-unsupported"));
      }
      out_.notes.push_back("TLS 1.3 dropped: " + os_.name + " does not support it (" +
                           std::string(kProtocolsPage) + ")");
    }
    if (wants13 && !os_.tls13 && opt_.allow_tls13_on_old_os) {
      out_.notes.push_back("TLS 1.3 written on " + os_.name +
                           " because you insisted; Microsoft: enabling TLS 1.3 on earlier "
                           "versions of Windows is not a safe system configuration");
    }
    client_ = Effective(pp.client);
    server_ = Effective(pp.server);
    if (client_.empty() || server_.empty()) {
      return Fail(Error::Input(std::string("policy leaves no protocol enabled for ") +
                                   (client_.empty() ? "clients" : "servers") + " on " + os_.name +
                                   ": every TLS connection would fail",
                               "no-protocol"));
    }
    for (const ProtocolInfo& info : AllProtocols()) {
      bool supported = info.id == Protocol::kTls13 ? Tls13Allowed() : os_.Supports(info.id);
      if (!supported) continue;
      for (int side = 0; side < 2; ++side) {
        bool on = (side == 0 ? client_ : server_).Contains(info.id);
        std::string side_name = side == 0 ? "Client" : "Server";
        std::string key = schannel + std::string(info.name) + "\\" + side_name;
        std::string why = std::string("protocols.") + (side == 0 ? "client" : "server") + ": " +
                          std::string(info.name) + (on ? " on" : " off") + " (" +
                          std::string(kRegistryPage) + "; Enabled is 1, never 0xFFFFFFFF)";
        Add(View::k64, key, "Enabled", RegValue::Dword(on ? 1 : 0), Effect::kServiceRestart, why);
        Add(View::k64, key, "DisabledByDefault", RegValue::Dword(on ? 0 : 1),
            Effect::kServiceRestart, why);
      }
    }
    // WinHTTP and WinINet take the client set, limited to what WinHTTP
    // accepts on this OS (0x2000 only with real TLS 1.3 support).
    uint32_t mask = WinHttpValueForOs(client_, os_);
    if (pp.winhttp && mask != 0) {
      AddBothViews(std::string(kWinHttpKey), std::string(kValueName), RegValue::Dword(mask),
                   Effect::kServiceRestart,
                   "protocols.winhttp: DefaultSecureProtocols " + ProtocolSet(mask).Hex() +
                       " follows protocols.client (KB3140245; read once per process: restart "
                       "WinRM, WebClient and other WinHTTP services)");
    }
    if (pp.wininet && mask != 0) {
      AddBothViews(std::string(kWinInetKey), "SecureProtocols", RegValue::Dword(mask),
                   Effect::kNextProcess,
                   "protocols.wininet: SecureProtocols " + ProtocolSet(mask).Hex() +
                       " follows protocols.client");
    }
    return {};
  }

  // The policy's suites in order, as this OS names them.
  Status Suites() {
    const SuitesPolicy& sp = p_.suites;
    if (sp.manage == Manage::kReset) {
      Add(View::k64, std::string(kSuitePolicyKey), "Functions", std::nullopt, Effect::kReboot,
          "cipher_suites reset: the OS default order returns at the next boot (" +
              std::string(kManageTls) + ")");
      return {};
    }
    if (sp.manage != Manage::kSet) return {};
    if (!tls_.has_suites) {
      return Fail(Error::Input("no cipher suite catalog for " + os_.name + " (" + tls_.suites_note +
                                   "); remove [cipher_suites] for this OS",
                               "no-suite-catalog"));
    }
    std::vector<std::string> names;
    std::vector<const OsSuite*> rows;
    for (const std::string& wanted : sp.order) {
      auto found = FindCipherSuite(wanted);
      if (!found) return Fail(found.error());
      const CipherSuiteInfo& suite = **found;
      if (suite.tls13 && !Tls13Allowed()) {
        out_.notes.push_back("dropped " + std::string(suite.name) + ": a TLS 1.3 suite, and " +
                             os_.name + " has no TLS 1.3");
        continue;
      }
      std::string_view suffix = CurveSuffix(wanted);
      bool any = false;
      for (const OsSuite& s : tls_.suites) {
        if (s.suite != &suite) continue;
        // A suffixed name picks that one; an unsuffixed one on Windows 7/8/8.1
        // takes the OS's enabled-by-default curve variants (_P256, _P384).
        if (!suffix.empty()
                ? !s.windows_name.ends_with(suffix)
                : (tls_.curve_suffixes && suite.curve_suffixed_before_win10 && !s.enabled)) {
          continue;
        }
        if (std::find(names.begin(), names.end(), s.windows_name) != names.end()) continue;
        names.push_back(s.windows_name);
        rows.push_back(&s);
        any = true;
      }
      if (!any) {
        out_.notes.push_back("dropped " + wanted + ": " + os_.name + " does not have it (" +
                             tls_.suites_source + ")");
      }
    }
    if (names.empty()) {
      return Fail(Error::Input("no suite of the policy exists on " + os_.name +
                                   ": an empty list stops all TLS on the machine",
                               "no-suite"));
    }
    // Every enabled protocol needs a suite it can negotiate (PSK and
    // explicit-only suites do not count).
    ProtocolSet enabled(client_.bits() | server_.bits());
    if (p_.protocols.manage != Manage::kSet) {
      uint32_t bits = 0;
      for (const ProtocolInfo& info : AllProtocols()) {
        if (os_.schannel_client[static_cast<size_t>(info.id)] == SchannelDefault::kOn) {
          bits |= info.bit;
        }
      }
      enabled = ProtocolSet(bits);
    }
    for (Protocol pr : enabled.Protocols()) {
      bool has = std::any_of(rows.begin(), rows.end(), [&](const OsSuite* s) {
        return !s->psk && !s->explicit_only && (s->protocols & Info(pr).bit) != 0;
      });
      if (has) continue;
      std::string msg = std::string(Info(pr).name) +
                        " is enabled but no suite of the policy works "
                        "with it on " +
                        os_.name;
      if (p_.protocols.manage == Manage::kSet) {
        return Fail(Error::Input("policy leaves a protocol without a suite: " + msg +
                                     "; add a suite for it or turn it off",
                                 "protocol-without-suite"));
      }
      out_.notes.push_back(msg + " (an OS default; set [protocols] to turn it off)");
    }
    std::string joined;
    for (const std::string& n : names) joined += (joined.empty() ? "" : ",") + n;
    if (joined.size() > kMaxSuiteListChars) {
      return Fail(Error::Input("the suite list for " + os_.name + " is " +
                                   std::to_string(joined.size()) +
                                   " characters; the SSL Cipher Suite Order policy holds at most "
                                   "1,023 (" +
                                   std::string(kManageTls) + "): list fewer suites",
                               "suite-list-too-long"));
    }
    Add(View::k64, std::string(kSuitePolicyKey), "Functions", RegValue::String(joined),
        Effect::kReboot,
        "cipher_suites.order: " + std::to_string(names.size()) +
            " suites as one comma-separated REG_SZ (a REG_MULTI_SZ there is ignored); next "
            "boot (" +
            std::string(kManageTls) + ")");
    if (enabled.Contains(Protocol::kTls12)) {
      std::vector<std::string> left = CertTypesWithoutTls12Suite(names, os_.id);
      if (!left.empty() && left.size() < 2) {
        out_.warnings.push_back(
            "no suite of the policy serves " + left[0] + " certificates with TLS 1.2 on " +
            os_.name + ": a server with an " + left[0] +
            " certificate fails every TLS 1.2 handshake; add a suite for it that the OS has "
            "(`secproto os show " +
            os_.id + "`)");
      }
    }
    const OsSuite* blocked = nullptr;
    for (const OsSuite* s : rows) {
      if (s->suite->http2_blocked && blocked == nullptr) blocked = s;
      if (!s->suite->http2_blocked && blocked != nullptr) {
        out_.notes.push_back(blocked->windows_name +
                             " is on the HTTP/2 block list (RFC 7540 9.2.2) but comes before " +
                             s->windows_name +
                             "; KB4032720: block-listed suites must appear at "
                             "the bottom, or HTTP/2 fails with INADEQUATE_SECURITY");
        break;
      }
    }
    return {};
  }

  Status Curves() {
    const CurvesPolicy& cp = p_.curves;
    if (cp.manage == Manage::kReset) {
      if (tls_.curve_order_setting) {
        Add(View::k64, std::string(kSuitePolicyKey), "EccCurves", std::nullopt, Effect::kReboot,
            "curves reset: the OS default curve order returns at the next boot (" +
                std::string(kManageTls) + ")");
      }
      return {};
    }
    if (cp.manage != Manage::kSet) return {};
    if (!tls_.curve_order_setting) {
      out_.notes.push_back("curves not written: " + os_.name +
                           " has no ECC curve order setting; the curve is part of the suite "
                           "name there (_P256, _P384)");
      return {};
    }
    std::vector<std::string> names;
    bool classical = false;  // a group every protocol with ECDHE can use
    for (const std::string& wanted : cp.order) {
      auto found = FindCurve(wanted);
      if (!found) return Fail(found.error());
      const OsCurve* c = tls_.FindCurve(**found);
      if (c == nullptr) {
        out_.notes.push_back("dropped curve " + wanted + ": " + os_.name + " does not have it (" +
                             tls_.curves_source + ")" +
                             ((*found)->post_quantum ? std::string(kPqFrom) : std::string()));
        continue;
      }
      if (!Available(*c, wanted)) continue;
      if (std::find(names.begin(), names.end(), c->windows_name) == names.end()) {
        names.push_back(c->windows_name);
        classical |= !c->curve->post_quantum;
      }
    }
    if (names.empty()) {
      return Fail(Error::Input(
          "no curve of the policy exists on " + os_.name + ": every ECDHE suite would fail",
          "no-curve"));
    }
    if (!classical) {
      return Fail(Error::Input(
          "the curve order keeps only ML-KEM hybrid groups on " + os_.name +
              ": they work with TLS 1.3 only, and only with peers that have them, so every "
              "TLS 1.2 ECDHE suite and every other peer would fail; add curve25519, NistP256 "
              "or NistP384 after them",
          "no-curve"));
    }
    Add(View::k64, std::string(kSuitePolicyKey), "EccCurves", RegValue::MultiString(names),
        Effect::kReboot,
        "curves.order: one curve per line (REG_MULTI_SZ); next boot (" + std::string(kManageTls) +
            ")");
    return {};
  }

  // Whether a group the OS lists is there on the build compiled for: a group
  // that needs a later build is dropped, one that needs a later update
  // revision of this build is dropped when the revision is known to be
  // older, else kept with a note.
  bool Available(const OsCurve& c, const std::string& wanted) {
    if (c.needs_build == 0) return true;
    std::string needs = "build " + std::to_string(c.needs_build) +
                        (c.needs_revision ? "." + std::to_string(c.needs_revision) : "");
    if (c.needs_build > os_.build) {
      out_.notes.push_back("dropped curve " + wanted + ": it needs " + needs + " and " + os_.name +
                           " is build " + std::to_string(os_.build) + " (" + tls_.curves_source +
                           ")");
      return false;
    }
    if (c.needs_build < os_.build || c.needs_revision == 0) return true;
    if (opt_.update_revision && *opt_.update_revision < c.needs_revision) {
      out_.notes.push_back("dropped curve " + wanted + ": it needs " + needs +
                           " and the target is " + std::to_string(os_.build) + "." +
                           std::to_string(*opt_.update_revision) + " (" + tls_.curves_source + ")");
      return false;
    }
    if (!opt_.update_revision) {
      out_.notes.push_back("curve " + wanted + " is kept: it needs " + needs +
                           " or later, and an earlier revision of " + os_.name +
                           " does not have the group (" + tls_.curves_source + ")");
    }
    return true;
  }

  void LegacyGroup(std::string_view folder, std::span<const std::string_view> known,
                   const std::map<std::string, bool>& set, std::string_view field) {
    std::string base = std::string(kSchannelKey) + "\\" + std::string(folder) + "\\";
    if (p_.legacy.manage == Manage::kReset) {
      for (std::string_view n : known) {
        Add(View::k64, base + std::string(n), "Enabled", std::nullopt, Effect::kReboot,
            "legacy reset: " + std::string(folder) + "\\" + std::string(n) +
                " back to the OS default (KB245030)");
      }
      return;
    }
    for (const auto& [name, on] : set) {
      Add(View::k64, base + name, "Enabled", RegValue::Dword(on ? 1 : 0), Effect::kReboot,
          "legacy." + std::string(field) + ": " + name + (on ? " on" : " off") +
              " (KB245030; Enabled is 1, never 0xFFFFFFFF)");
    }
  }

  void Legacy() {
    if (p_.legacy.manage == Manage::kLeave) return;
    LegacyGroup("Ciphers", LegacyCipherNames(), p_.legacy.ciphers, "ciphers");
    LegacyGroup("Hashes", LegacyHashNames(), p_.legacy.hashes, "hashes");
    LegacyGroup("KeyExchangeAlgorithms", LegacyKeyExchangeNames(), p_.legacy.key_exchange,
                "key_exchange");
    if (p_.legacy.manage == Manage::kSet) {
      auto sha = p_.legacy.hashes.find("SHA");
      if (sha != p_.legacy.hashes.end() && !sha->second) {
        out_.notes.push_back("legacy.hashes SHA off disables every *_SHA (CBC-SHA1) suite");
      }
      auto pkcs = p_.legacy.key_exchange.find("PKCS");
      if (pkcs != p_.legacy.key_exchange.end() && !pkcs->second) {
        out_.notes.push_back("legacy.key_exchange PKCS off disables every TLS_RSA_* suite");
      }
    }
  }

  void KeySizes() {
    const KeySizesPolicy& k = p_.key_sizes;
    if (k.manage == Manage::kLeave) return;
    std::string dh = std::string(kSchannelKey) + "\\KeyExchangeAlgorithms\\Diffie-Hellman";
    std::string pkcs = std::string(kSchannelKey) + "\\KeyExchangeAlgorithms\\PKCS";
    std::string src = " (" + std::string(kRegistryPage) + ")";
    if (k.manage == Manage::kReset) {
      Add(View::k64, dh, "ServerMinKeyBitLength", std::nullopt, Effect::kReboot,
          "key_sizes reset" + src);
      Add(View::k64, dh, "ClientMinKeyBitLength", std::nullopt, Effect::kReboot,
          "key_sizes reset" + src);
      Add(View::k64, pkcs, "ClientMinKeyBitLength", std::nullopt, Effect::kReboot,
          "key_sizes reset" + src);
      return;
    }
    // Before Windows 10 the Diffie-Hellman values exist once the update of
    // Security Advisory 3174644 is installed ("All versions of Windows 10
    // support the new DH modulus settings"); whether a machine has it, the
    // registry cannot show [unsure]. The PKCS value is read from Windows 10 on.
    bool before10 = os_.build < 10240;
    std::string advisory =
        before10 ? " (Microsoft Security Advisory 3174644: read on " + os_.name +
                       " only with its update installed [unsure])"
                 : src;
    auto put = [&](const std::string& key, const char* name, std::optional<uint32_t> v,
                   const char* field, const std::string& why) {
      if (!v) return;
      Add(View::k64, key, name, RegValue::Dword(*v), Effect::kReboot,
          std::string("key_sizes.") + field + ": " + std::to_string(*v) + " bits" + why);
    };
    put(dh, "ServerMinKeyBitLength", k.dh_server_min, "dh_server_min", advisory);
    put(dh, "ClientMinKeyBitLength", k.dh_client_min, "dh_client_min", advisory);
    if (before10 && (k.dh_server_min || k.dh_client_min)) {
      out_.notes.push_back("key_sizes: " + os_.name +
                           " reads the Diffie-Hellman minimums only once the update of "
                           "Microsoft Security Advisory 3174644 is installed [unsure]");
    }
    if (before10 && k.rsa_client_min) {
      out_.notes.push_back("key_sizes.rsa_client_min not written: PKCS ClientMinKeyBitLength is "
                           "read from Windows 10 1507 / Server 2016 on" + src);
    } else {
      put(pkcs, "ClientMinKeyBitLength", k.rsa_client_min, "rsa_client_min", src);
    }
  }

  void Dotnet() {
    const DotnetPolicy& d = p_.dotnet;
    std::optional<RegValue> strong, sys;
    std::string why;
    if (d.manage == Manage::kReset) {
      why =
          "dotnet reset: .NET Framework defaults return (Transport Layer Security (TLS) best "
          "practices with the .NET Framework)";
    } else if (d.manage == Manage::kSet) {
      strong = RegValue::Dword(d.strong_crypto ? 1 : 0);
      sys = RegValue::Dword(d.system_default_tls_versions ? 1 : 0);
      why = "dotnet: SchUseStrongCrypto " + std::to_string(d.strong_crypto ? 1 : 0) +
            ", SystemDefaultTlsVersions " + std::to_string(d.system_default_tls_versions ? 1 : 0) +
            " in both views (read when a .NET process starts)";
    } else if (p_.protocols.manage == Manage::kSet && p_.protocols.dotnet) {
      sys = RegValue::Dword(1);
      why = "protocols.dotnet: SystemDefaultTlsVersions 1 so .NET Framework follows SCHANNEL";
    } else {
      return;
    }
    for (std::string_view key : kDotNetKeys) {
      if (d.manage != Manage::kLeave) {
        AddBothViews(std::string(key), "SchUseStrongCrypto", strong, Effect::kNextProcess, why);
      }
      AddBothViews(std::string(key), "SystemDefaultTlsVersions", sys, Effect::kNextProcess, why);
    }
  }

  void Fips() {
    if (p_.fips.manage == Manage::kLeave) return;
    std::optional<RegValue> v;
    std::string why = "fips reset: FIPS mode back to the OS default (off)";
    if (p_.fips.manage == Manage::kSet) {
      v = RegValue::Dword(p_.fips.enabled ? 1 : 0);
      why = std::string("fips.enabled: ") + (p_.fips.enabled ? "on" : "off") +
            "; when SChannel applies it is not documented: reboot";
    }
    Add(View::k64, std::string(kFipsKey), "Enabled", v, Effect::kReboot, why);
  }

  // [registry]: each value as given, after every other part.
  void Registry() {
    for (const RegistryDword& v : p_.registry.values) {
      std::vector<std::string> parts = SplitKey(v.key);
      bool schannel = parts.size() > 1 && KeyNameEquals(parts[1], "SYSTEM");
      bool winhttp = !parts.empty() && KeyNameEquals(parts.back(), "WinHttp");
      Effect effect = schannel  ? Effect::kReboot
                      : winhttp ? Effect::kServiceRestart
                                : Effect::kNextProcess;
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08x", v.value);
      Add(v.view, v.key, v.name, RegValue::Dword(v.value), effect,
          "registry: " + v.name + " = " + hex);
    }
  }

  void Logging() {
    if (p_.logging.manage == Manage::kLeave) return;
    std::optional<RegValue> v;
    std::string why = "logging reset: EventLogging back to the OS default";
    if (p_.logging.manage == Manage::kSet) {
      v = RegValue::Dword(p_.logging.event_logging);
      why = "logging.event_logging: " + std::to_string(p_.logging.event_logging) + " (" +
            std::string(kRegistryPage) + "; reboot)";
    }
    Add(View::k64, std::string(kSchannelKey), "EventLogging", v, Effect::kReboot, why);
  }

  const Policy& p_;
  const OsInfo& os_;
  const OsTlsInfo& tls_;
  const CompileOptions& opt_;
  CompiledPolicy out_;
  ProtocolSet client_, server_;
};

// The components a compiled policy decides by itself, on any machine: .NET
// when it writes the .NET values, WinINet when it writes SecureProtocols.
// (WinHTTP also depends on KB3140245 on older systems, which a policy does
// not decide; SCHANNEL's own sides are checked by Protocols().)
std::vector<Component> DecidedComponents(const Policy& p) {
  std::vector<Component> out;
  bool protocols_set = p.protocols.manage == Manage::kSet;
  if (p.dotnet.manage != Manage::kLeave || (protocols_set && p.protocols.dotnet)) {
    out.push_back(Component::kDotnet);
  }
  if (protocols_set && p.protocols.wininet) out.push_back(Component::kWinInet);
  return out;
}

// "v4-64" -> "v4 64-bit"; "machine-64" -> "machine 64-bit".
std::string VariantLabel(std::string_view name) {
  if (name.empty()) return "";
  std::string s(name);
  if (s.ends_with("-64") || s.ends_with("-32")) {
    s = s.substr(0, s.size() - 3) + " " + s.substr(s.size() - 2) + "-bit";
  }
  return s;
}

// Refuses a policy that leaves a component it decides with no protocol
// (kInput "component-without-protocol"): the policy's changes are played on
// a registry holding nothing else and read with the stack model
// (docs/MODEL.md R15, R27), so the verdict is the one `explain` gives.
Status CheckComponentsKeepAProtocol(const Policy& p, const OsInfo& os, const OsTlsInfo& tls,
                                    const CompiledPolicy& compiled) {
  std::vector<Component> decided = DecidedComponents(p);
  if (decided.empty()) return {};
  std::unique_ptr<RegistryBackend> mem = NewMemBackend(Architecture::k64Bit);
  SECPROTO_TRY(ApplyChangesForWhatIf(*mem, compiled.changes));
  SECPROTO_ASSIGN_OR_RETURN(stack, ReadStack(*mem));
  SECPROTO_ASSIGN_OR_RETURN(inputs, ReadRegistryInputs(*mem));
  for (const ComponentExplanation& c : ExplainStack(os, tls, stack, inputs, decided)) {
    std::string empty;
    const ComponentVariant* first = nullptr;
    for (const ComponentVariant& v : c.variants) {
      if (!v.in_effect || !v.protocols.empty()) continue;
      if (!first) first = &v;
      empty += (empty.empty() ? "" : ", ") + VariantLabel(v.name);
    }
    if (!first) continue;
    std::string why;
    for (const StackStep& st : first->steps) {
      if (st.name != "system-default-tls-versions" && st.name != "secure-protocols") continue;
      why = st.detail;
      // The step names the key; the sentence needs only the value.
      if (size_t at = why.find("SystemDefaultTlsVersions"); at != std::string::npos) {
        why = why.substr(at);
      }
    }
    std::string component(ComponentName(c.component));
    std::string fix = c.component == Component::kDotnet
                          ? "set [dotnet] system_default_tls_versions = true, or leave [dotnet] "
                            "out of the policy"
                          : "keep a protocol " + component + " can use in protocols.client";
    return Fail(Error::Input("policy leaves " + component +
                                 (empty.empty() ? std::string() : " (" + empty + ")") +
                                 " with no usable protocol on " + os.name +
                                 (why.empty() ? std::string() : ": " + why) + "; " + fix,
                             "component-without-protocol"));
  }
  return {};
}

}  // namespace

uint32_t WinHttpValueForOs(ProtocolSet wanted, const OsInfo& os) {
  uint32_t bits = 0;
  for (Protocol pr : wanted.Protocols()) {
    if (pr == Protocol::kTls13 ? os.tls13 : os.Supports(pr)) bits |= Info(pr).bit;
  }
  return bits & os.KnownBits();
}

std::vector<std::string> CertTypesWithoutTls12Suite(const std::vector<std::string>& suite_names,
                                                    std::string_view os_id) {
  std::optional<OsTlsInfo> tls;
  if (auto t = FindOsTls(os_id); t && t->has_suites) tls = std::move(*t);
  const uint32_t tls12 = Info(Protocol::kTls12).bit;
  bool rsa = false;
  bool ecdsa = false;
  for (const std::string& name : suite_names) {
    auto found = FindCipherSuite(name);
    if (!found) continue;
    const CipherSuiteInfo& suite = **found;
    if (suite.tls13 || suite.ssl2 || suite.kex == KeyExchange::kPsk || suite.cipher == "NULL") {
      continue;
    }
    uint32_t protocols = suite.protocols;
    if (tls) {
      const OsSuite* row = tls->FindSuite(suite);
      if (row == nullptr || row->psk || row->explicit_only) continue;
      protocols = row->protocols;
    }
    if ((protocols & tls12) == 0) continue;
    rsa |= suite.auth == Authentication::kRsa;
    ecdsa |= suite.auth == Authentication::kEcdsa;
  }
  std::vector<std::string> out;
  if (!rsa) out.push_back("RSA");
  if (!ecdsa) out.push_back("ECDSA");
  return out;
}

constexpr EnumName<Effect> kEffectNames[] = {
    {Effect::kNextProcess, "next-process"},
    {Effect::kServiceRestart, "service-restart"},
    {Effect::kReboot, "reboot"},
};

std::string_view EffectName(Effect e) { return NameIn(kEffectNames, e, "reboot"); }

Expected<CompiledPolicy> CompilePolicy(const Policy& policy, std::string_view os_id,
                                       const CompileOptions& options) {
  SECPROTO_ASSIGN_OR_RETURN(os, FindOs(os_id));
  SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(os.id));
  SECPROTO_ASSIGN_OR_RETURN(compiled, Compiler(policy, os, tls, options).Run());
  SECPROTO_TRY(CheckComponentsKeepAProtocol(policy, os, tls, compiled));
  return compiled;
}

WinHttpTargetValue WinHttpValueForTarget(const ProtocolSpec& spec, RegistryBackend& backend) {
  WinHttpTargetValue out;
  out.value = spec.absolute;
  if (spec.relative || spec.profile.empty()) return out;
  auto facts = ReadOsFacts(backend);
  if (!facts) return out;
  auto det = DetectOs(*facts);
  if (!det) return out;
  out.os_id = det->os.id;
  out.value = WinHttpValueForOs(ProtocolSet(spec.absolute), det->os);
  if (out.value != spec.absolute) {
    out.note = std::string(spec.profile) + " on " + det->os.name + " (" +
               std::string(backend.Describe()) + " says so) is " + ProtocolSet(out.value).Hex() +
               ", what `policy apply " + std::string(spec.profile) +
               "` writes there: WinHTTP on it has no " +
               ProtocolSet(spec.absolute & ~out.value).Describe();
  }
  return out;
}

}  // namespace secproto
