// policy capture: the stack a target holds (ReadStack) as a policy file
// (docs/POLICY.md, "Capturing a machine").
//
// Each part of the policy becomes `set` when the target holds values for it,
// read for what they mean (Enabled 0xFFFFFFFF is on, a missing protocol key
// is the OS default); the untouched parts become `reset` (or `leave`); a part
// the file cannot express (a suite order Windows ignores, WinHTTP set without
// SCHANNEL keys) is left alone and reported. Then the captured policy is
// compiled for the OS and compared with the target, so that the values it
// would write in another form are listed (`normalised`).
#include "secproto/capture.h"

#include <algorithm>
#include <cctype>

#include "core/strings.h"
#include "secproto/catalog.h"
#include "secproto/changeset.h"
#include "secproto/explain.h"
#include "secproto/suites.h"
#include "util/time.h"

namespace secproto {
namespace {

constexpr std::string_view kManageTls = "Manage Transport Layer Security (TLS)";
constexpr std::string_view kRegistryPage = "Transport Layer Security (TLS) registry settings";

std::string Where(const StackValue& v) {
  std::string s = v.key + " " + v.name;
  if (!IsSharedBetweenViews(v.key)) {
    s += " (" + std::string(ViewName(v.view)) + "-bit view)";
  }
  return s;
}

std::string Shown(const RegValue& v) {
  if (auto d = v.AsDword()) return Hex32(*d);
  return RegTypeName(v.type);
}

// The strings of a REG_SZ (one) or REG_MULTI_SZ (each; no empty tail).
std::vector<std::string> Strings(const RegValue& v) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 1 < v.data.size(); i += 2) {
    if (v.data[i] == 0 && v.data[i + 1] == 0) {
      if (i == start && v.type == kRegMultiSz) break;
      auto s = Utf16LeToUtf8(v.data.data() + start, i - start);
      out.push_back(s ? *s : std::string("?"));
      start = i + 2;
      if (v.type != kRegMultiSz) return out;
    }
  }
  if (start < v.data.size() && v.type != kRegMultiSz) {
    // A REG_SZ without its terminating NUL.
    auto s = Utf16LeToUtf8(v.data.data() + start, v.data.size() - start);
    out.push_back(s ? *s : std::string("?"));
  }
  return out;
}

// The note and header line for the parts a partial source does not show.
std::string NotInSourceText(const std::vector<std::string>& sections) {
  std::string list;
  for (const std::string& n : sections) list += (list.empty() ? "" : ", ") + n;
  return "not in the file, left alone: " + list +
         " (a .reg file shows only the keys it lists; `reset = true` is written only for "
         "parts it shows)";
}

class Capturer {
 public:
  Capturer(const StackConfig& s, const OsInfo& os, const OsTlsInfo& tls, const CaptureOptions& o)
      : s_(s), os_(os), tls_(tls), opt_(o) {}

  CaptureResult Run() {
    out_.target = s_.target;
    out_.os_id = os_.id;
    Policy& p = out_.policy;
    p.name = "captured";
    p.description = "The TLS stack of " + s_.target + " (" + os_.name + ") as secproto read it";
    p.origin = "capture:" + s_.target;
    if (!s_.has_system) {
      Note(s_.target +
           " holds no HKLM\\SYSTEM: SCHANNEL protocols, legacy keys, key sizes, FIPS and "
           "event logging are left out (give the SYSTEM hive: image:DIR or --system-hive)");
    }
    if (!s_.has_software) {
      Note(s_.target +
           " holds no HKLM\\SOFTWARE: the suite and curve order, .NET, WinHTTP and WinINet are "
           "left out");
    }
    Protocols();
    Suites();
    Curves();
    Legacy();
    KeySizes();
    Dotnet();
    Fips();
    Logging();
    if (!out_.not_in_source.empty()) Note(NotInSourceText(out_.not_in_source));
    return std::move(out_);
  }

 private:
  void Note(std::string n) {
    if (std::find(out_.notes.begin(), out_.notes.end(), n) == out_.notes.end()) {
      out_.notes.push_back(std::move(n));
    }
  }

  // The mode of a part the target holds nothing of: --untouched when the
  // source shows the part (stack.h, StackCoverage), else kLeave, recorded: a
  // .reg backup of SCHANNEL says nothing about .NET, so a capture of it must
  // not remove the .NET values of the machine it is applied to.
  Manage Untouched(bool shown, std::string_view section) {
    if (shown) return opt_.untouched;
    if (std::find(out_.not_in_source.begin(), out_.not_in_source.end(), section) ==
        out_.not_in_source.end()) {
      out_.not_in_source.emplace_back(section);
    }
    return Manage::kLeave;
  }

  // A DWORD read for what SChannel makes of it, or nullopt (missing, or a
  // type SChannel does not read, which is noted).
  std::optional<uint32_t> Dword(const StackValue& v) {
    if (!v.value) return std::nullopt;
    if (auto d = v.value->AsDword()) return d;
    Note(Where(v) + " is " + RegTypeName(v.value->type) +
         ", not REG_DWORD: Windows does not read it; not captured");
    return std::nullopt;
  }

  // --- protocols ---------------------------------------------------------------

  // Whether one side of a protocol is on: DisabledByDefault 1 takes it out of
  // the default set, Enabled says on or off, no value is the OS default.
  bool SideOn(const ProtocolInfo& info, const ProtocolSideKeys& k, bool client, bool& any) {
    auto en = Dword(k.enabled);
    auto dbd = Dword(k.disabled_by_default);
    any = any || en || dbd;
    std::string side = std::string(info.name) + (client ? " Client" : " Server");
    if (en && *en == 0xFFFFFFFF) {
      Note(side +
           ": Enabled 0xFFFFFFFF read as on (any non-zero value is on; the policy writes "
           "1, " +
           std::string(kRegistryPage) + ")");
    }
    SchannelDefault def = client ? os_.schannel_client[static_cast<size_t>(info.id)]
                                 : tls_.schannel_server[static_cast<size_t>(info.id)];
    bool on = en ? *en != 0 : def == SchannelDefault::kOn;
    if (dbd && *dbd != 0 && on) {
      Note(side + ": enabled with DisabledByDefault " + std::to_string(*dbd) +
           " (only applications that ask for it use it): captured as off");
      on = false;
    }
    if (!en && dbd && *dbd == 0 && !on) {
      // DisabledByDefault 0 alone does not enable a protocol the OS has off.
      Note(side + ": DisabledByDefault 0 without Enabled: the OS default (off) applies");
    }
    return on;
  }

  void Protocols() {
    ProtocolsPolicy& pp = out_.policy.protocols;
    pp.drop_tls13_on_older_os = true;
    uint32_t client = 0, server = 0;
    bool any = false;
    for (const ProtocolInfo& info : AllProtocols()) {
      size_t i = static_cast<size_t>(info.id);
      // As compile decides which protocols it writes.
      bool supported = info.id == Protocol::kTls13 ? os_.tls13 : os_.Supports(info.id);
      if (!supported) {
        bool has = s_.client[i].enabled.value || s_.client[i].disabled_by_default.value ||
                   s_.server[i].enabled.value || s_.server[i].disabled_by_default.value;
        if (has) {
          Note(std::string(info.name) + " keys are set, but " + os_.name + " does not have " +
               std::string(info.name) + " (" + tls_.schannel_source + "): not captured");
          unsupported_keys_ = true;
        }
        continue;
      }
      if (SideOn(info, s_.client[i], true, any)) client |= info.bit;
      if (SideOn(info, s_.server[i], false, any)) server |= info.bit;
    }
    bool follow_values = false;
    for (const StackValue& v : s_.winhttp) follow_values = follow_values || v.value.has_value();
    for (const StackValue& v : s_.wininet) follow_values = follow_values || v.value.has_value();
    if (s_.wininet_policy.value) {
      Note("WinINet's Group Policy SecureProtocols (" + Shown(*s_.wininet_policy.value) + " at " +
           Where(s_.wininet_policy) +
           ") overrides the machine value; the policy file does not manage it: not captured");
    }
    if (!any) {
      if (follow_values) {
        Note(
            "WinHTTP DefaultSecureProtocols or WinINet SecureProtocols is set without SCHANNEL "
            "protocol keys; the policy ties them to protocols.client, so [protocols] is left "
            "alone (manage them with `secproto set` and `secproto wininet`)");
        pp.manage = Manage::kLeave;
      } else {
        pp.manage =
            unsupported_keys_ ? Manage::kLeave : Untouched(s_.coverage.protocols, "protocols");
      }
      return;
    }
    if (client == 0 || server == 0) {
      Note(std::string("the target leaves no protocol on for ") +
           (client == 0 ? "clients" : "servers") +
           ": a policy cannot say that (every TLS connection would fail); [protocols] left "
           "alone");
      pp.manage = Manage::kLeave;
      return;
    }
    pp.manage = Manage::kSet;
    pp.client = ProtocolSet(client);
    pp.server = ProtocolSet(server);
    uint32_t mask = client & os_.KnownBits();
    pp.winhttp = Follows(s_.winhttp, mask, "WinHTTP DefaultSecureProtocols", "winhttp");
    pp.wininet = Follows(s_.wininet, mask, "WinINet SecureProtocols", "wininet");
    bool sdtv = true;
    for (const DotnetKeys& d : s_.dotnet) {
      auto v = d.system_default_tls.value ? d.system_default_tls.value->AsDword() : std::nullopt;
      sdtv = sdtv && v && *v == 1;
    }
    pp.dotnet = sdtv;
  }

  // Whether a value pair (both views) holds what protocols.client makes it.
  bool Follows(const std::array<StackValue, 2>& views, uint32_t mask, std::string_view what,
               std::string_view field) {
    bool all = true, none = true;
    for (const StackValue& v : views) {
      if (v.value) none = false;
      auto d = v.value ? v.value->AsDword() : std::nullopt;
      if (v.view == View::k32 && !v.value && arch32_) continue;
      all = all && d && *d == mask;
    }
    if (all) return true;
    if (none) {
      Note(std::string(what) + " is not set: captured " + std::string(field) +
           " = false (its built-in default stays)");
    } else {
      std::string vals;
      for (const StackValue& v : views) {
        vals += (vals.empty() ? "" : ", ") + std::string(ViewName(v.view)) + "-bit " +
                (v.value ? Shown(*v.value) : std::string("missing"));
      }
      Note(std::string(what) + " (" + vals + ") does not follow the client protocols (" +
           ProtocolSet(mask).Hex() + "): captured " + std::string(field) +
           " = false, so the policy leaves it alone");
    }
    return false;
  }

  // --- suites and curves -----------------------------------------------------------

  void Suites() {
    SuitesPolicy& sp = out_.policy.suites;
    if (!s_.has_software) {
      sp.manage = Manage::kLeave;
      return;
    }
    const StackValue& f = s_.suites_policy;
    if (!f.value) {
      sp.manage = Untouched(s_.coverage.suites, "cipher_suites");
      if (s_.suites_local.value) {
        size_t n = Strings(*s_.suites_local.value).size();
        Note("no Group Policy suite order: the local list (" + std::to_string(n) + " suites, " +
             s_.suites_local.key +
             ") applies; the policy file writes only the Group Policy "
             "order, so it is not captured (" +
             std::string(kManageTls) + ")");
      }
      return;
    }
    if (f.value->type != kRegSz) {
      size_t n = f.value->type == kRegMultiSz ? Strings(*f.value).size() : 0;
      Note(Where(f) + " is " + RegTypeName(f.value->type) +
           (n ? " (" + std::to_string(n) + " suites)" : std::string()) +
           ": Windows ignores it (the order must be one comma-separated REG_SZ, " +
           std::string(kManageTls) +
           "), so the local list or the OS default order is in effect; not captured. "
           "[cipher_suites] reset = true removes it, or set an order");
      sp.manage = Manage::kLeave;
      return;
    }
    std::vector<std::string> names = Strings(*f.value);
    std::string joined = names.empty() ? "" : names[0];
    std::vector<std::string> order;
    for (size_t pos = 0; pos <= joined.size();) {
      size_t comma = joined.find(',', pos);
      if (comma == std::string::npos) comma = joined.size();
      std::string name(Trim(joined.substr(pos, comma - pos)));
      pos = comma + 1;
      if (name.empty()) continue;
      auto suite = FindCipherSuite(name);
      if (!suite) {
        Note("cipher suite '" + name + "' in " + Where(f) +
             " is not a suite secproto knows (Windows skips names it does not have): not "
             "captured");
        continue;
      }
      if (std::find(order.begin(), order.end(), name) != order.end()) {
        Note("cipher suite " + name + " is listed twice in " + Where(f) +
             ": captured once, at its first place");
        continue;
      }
      if ((*suite)->tls13 && !os_.tls13) {
        Note("cipher suite " + name + " is a TLS 1.3 suite and " + os_.name +
             " has no TLS 1.3: kept, in its place; compile drops it for " + os_.id);
      } else if (tls_.has_suites && tls_.FindSuite(**suite) == nullptr) {
        Note("cipher suite " + name + " is not in " + os_.name + "'s catalog (" +
             tls_.suites_source + "): kept, in its place; compile drops it for " + os_.id);
      }
      order.push_back(name);
    }
    if (order.empty()) {
      Note(Where(f) + " holds no suite secproto knows" +
           (joined.empty() ? std::string(" (it is empty: all TLS stops)") : std::string()) +
           "; a policy cannot say that: [cipher_suites] left alone");
      sp.manage = Manage::kLeave;
      return;
    }
    sp.manage = Manage::kSet;
    sp.order = std::move(order);
  }

  void Curves() {
    CurvesPolicy& cp = out_.policy.curves;
    if (!s_.has_software) {
      cp.manage = Manage::kLeave;
      return;
    }
    const StackValue& c = s_.curves_policy;
    if (!c.value) {
      cp.manage = Untouched(s_.coverage.curves, "curves");
      return;
    }
    if (!tls_.curve_order_setting) {
      Note(Where(c) + " is set, but " + os_.name +
           " has no ECC curve order setting (the curve is part of the suite name there): not "
           "captured");
      cp.manage = Manage::kLeave;
      return;
    }
    if (c.value->type != kRegMultiSz) {
      Note(Where(c) + " is " + RegTypeName(c.value->type) +
           ", not REG_MULTI_SZ (one curve per line, " + std::string(kManageTls) +
           "): not captured");
      cp.manage = Manage::kLeave;
      return;
    }
    std::vector<std::string> order;
    for (const std::string& raw : Strings(*c.value)) {
      std::string name(Trim(raw));
      if (name.empty()) continue;
      auto curve = FindCurve(name);
      if (!curve) {
        Note("curve '" + name + "' in " + Where(c) +
             " is not a curve secproto knows: not "
             "captured");
        continue;
      }
      if (std::find(order.begin(), order.end(), name) != order.end()) continue;
      if (tls_.FindCurve(**curve) == nullptr) {
        Note("curve " + name + " is not in " + os_.name + "'s catalog (" + tls_.curves_source +
             "): kept, in its place; compile drops it for " + os_.id);
      }
      order.push_back(name);
    }
    if (order.empty()) {
      Note(Where(c) + " holds no curve secproto knows: [curves] left alone");
      cp.manage = Manage::kLeave;
      return;
    }
    cp.manage = Manage::kSet;
    cp.order = std::move(order);
  }

  // --- legacy keys, key sizes ------------------------------------------------------

  // Returns whether the group holds a known key with an Enabled value that
  // could not be captured.
  bool LegacyGroup(std::string_view folder, const std::vector<LegacyKey>& found,
                   std::span<const std::string_view> known, std::map<std::string, bool>& out) {
    bool uncaptured = false;
    for (const LegacyKey& k : found) {
      auto canon = std::find_if(known.begin(), known.end(),
                                [&](std::string_view n) { return KeyNameEquals(n, k.name); });
      if (canon == known.end()) {
        if (k.enabled.value) {
          Note("SCHANNEL\\" + std::string(folder) + "\\" + k.name +
               " is not a key name the policy knows (KB245030): not captured");
        }
        continue;
      }
      if (!k.enabled.value) continue;
      auto d = Dword(k.enabled);
      if (!d) {
        uncaptured = true;
        continue;
      }
      if (*d == 0xFFFFFFFF) {
        Note("SCHANNEL\\" + std::string(folder) + "\\" + k.name +
             ": Enabled 0xFFFFFFFF read as on (the policy writes 1)");
      }
      out[std::string(*canon)] = *d != 0;
    }
    return uncaptured;
  }

  void Legacy() {
    LegacyPolicy& lp = out_.policy.legacy;
    if (!s_.has_system) {
      lp.manage = Manage::kLeave;
      return;
    }
    bool bad = LegacyGroup("Ciphers", s_.ciphers, LegacyCipherNames(), lp.ciphers);
    bad = LegacyGroup("Hashes", s_.hashes, LegacyHashNames(), lp.hashes) || bad;
    bad = LegacyGroup("KeyExchangeAlgorithms", s_.key_exchange, LegacyKeyExchangeNames(),
                      lp.key_exchange) ||
          bad;
    if (!lp.ciphers.empty() || !lp.hashes.empty() || !lp.key_exchange.empty()) {
      lp.manage = Manage::kSet;
    } else {
      lp.manage = bad ? Manage::kLeave : Untouched(s_.coverage.legacy, "legacy");
    }
  }

  void KeySizes() {
    KeySizesPolicy& kp = out_.policy.key_sizes;
    if (!s_.has_system) {
      kp.manage = Manage::kLeave;
      return;
    }
    bool present = false, bad = false;
    auto take = [&](const StackValue& v, std::optional<uint32_t>& field) {
      if (!v.value) return;
      present = true;
      auto d = Dword(v);
      if (!d) {
        bad = true;
        return;
      }
      if (*d < 512 || *d > 16384) {
        Note(Where(v) + " is " + std::to_string(*d) +
             " bits, outside what a policy accepts (512-16384): not captured");
        bad = true;
        return;
      }
      field = *d;
    };
    take(s_.dh_server_min, kp.dh_server_min);
    take(s_.dh_client_min, kp.dh_client_min);
    take(s_.rsa_client_min, kp.rsa_client_min);
    if (kp.dh_server_min || kp.dh_client_min || kp.rsa_client_min) {
      kp.manage = Manage::kSet;
    } else {
      kp.manage = present || bad ? Manage::kLeave : Untouched(s_.coverage.key_sizes, "key_sizes");
    }
  }

  // --- .NET, FIPS, logging -----------------------------------------------------------

  void Dotnet() {
    DotnetPolicy& dp = out_.policy.dotnet;
    if (!s_.has_software) {
      dp.manage = Manage::kLeave;
      return;
    }
    int present = 0, expected = 0;
    std::vector<uint32_t> sc, sd;
    for (const DotnetKeys& d : s_.dotnet) {
      if (d.view == View::k32 && arch32_) continue;
      expected += 2;
      if (d.strong_crypto.value) ++present;
      if (d.system_default_tls.value) ++present;
      if (auto v = Dword(d.strong_crypto)) sc.push_back(*v);
      if (auto v = Dword(d.system_default_tls)) sd.push_back(*v);
    }
    if (present == 0) {
      dp.manage = Untouched(s_.coverage.dotnet, "dotnet");
      return;
    }
    dp.manage = Manage::kSet;
    auto pick = [&](const std::vector<uint32_t>& vals, std::string_view name) {
      if (vals.empty()) {
        Note(".NET " + std::string(name) +
             " is not set in any of the four keys: captured as true (the policy's default)");
        return true;
      }
      bool first = vals[0] != 0;
      bool mixed =
          std::any_of(vals.begin(), vals.end(), [&](uint32_t v) { return (v != 0) != first; });
      if (mixed) {
        Note(".NET " + std::string(name) + " differs between the keys: captured as " +
             (first ? "true" : "false") + " (the v4.0.30319 64-bit key first)");
      }
      return first;
    };
    dp.strong_crypto = pick(sc, "SchUseStrongCrypto");
    dp.system_default_tls_versions = pick(sd, "SystemDefaultTlsVersions");
    if (present < expected) {
      Note(".NET: " + std::to_string(present) + " of the " + std::to_string(expected) +
           " values are set; the policy writes all of them (v4.0.30319 and v2.0.50727, both "
           "views)");
    }
  }

  // The DWORD of the one SYSTEM value a section captures, or nullopt with
  // `manage` set: kLeave without a SYSTEM hive or for a value that is not a
  // DWORD, Untouched() when the value is not there.
  std::optional<uint32_t> SystemDword(const StackValue& v, bool shown, std::string_view section,
                                      Manage& manage) {
    if (!s_.has_system) {
      manage = Manage::kLeave;
      return std::nullopt;
    }
    if (!v.value) {
      manage = Untouched(shown, section);
      return std::nullopt;
    }
    auto d = Dword(v);
    if (!d) manage = Manage::kLeave;
    return d;
  }

  void Fips() {
    FipsPolicy& fp = out_.policy.fips;
    auto d = SystemDword(s_.fips_enabled, s_.coverage.fips, "fips", fp.manage);
    if (!d) return;
    fp.manage = Manage::kSet;
    fp.enabled = *d != 0;
  }

  void Logging() {
    LoggingPolicy& lp = out_.policy.logging;
    auto d = SystemDword(s_.event_logging, s_.coverage.logging, "logging", lp.manage);
    if (!d) return;
    if (*d > 7) {
      Note(Where(s_.event_logging) + " is " + std::to_string(*d) + ", outside 0-7: not captured");
      lp.manage = Manage::kLeave;
      return;
    }
    lp.manage = Manage::kSet;
    lp.event_logging = *d;
  }

 public:
  bool arch32_ = false;

 private:
  const StackConfig& s_;
  const OsInfo& os_;
  const OsTlsInfo& tls_;
  const CaptureOptions& opt_;
  CaptureResult out_;
  bool unsupported_keys_ = false;
};

Expected<CaptureResult> Capture(const StackConfig& stack, std::string_view os_id,
                                const CaptureOptions& options, bool arch32) {
  SECPROTO_ASSIGN_OR_RETURN(os, FindOs(os_id));
  SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(os.id));
  Capturer c(stack, os, tls, options);
  c.arch32_ = arch32;
  CaptureResult r = c.Run();
  r.captured_at =
      options.captured_at.empty() ? FormatUtcNow("%Y-%m-%dT%H:%M:%SZ") : options.captured_at;
  // A captured stack a policy cannot hold as it is (an enabled protocol
  // without a suite, a list over 1,023 characters, ...) leaves the parts the
  // compiler refuses alone, and says why.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto compiled = CompilePolicy(r.policy, os.id);
    if (compiled) break;
    const std::string& code = compiled.error().code;
    std::string part;
    if (r.policy.suites.manage == Manage::kSet &&
        (code == "protocol-without-suite" || code == "no-suite" || code == "suite-list-too-long" ||
         code == "no-suite-catalog")) {
      r.policy.suites.manage = Manage::kLeave;
      part = "[cipher_suites]";
    } else if (r.policy.dotnet.manage != Manage::kLeave && code == "component-without-protocol") {
      r.policy.dotnet.manage = Manage::kLeave;
      part = "[dotnet]";
    } else if (r.policy.curves.manage == Manage::kSet && code == "no-curve") {
      r.policy.curves.manage = Manage::kLeave;
      part = "[curves]";
    } else if (r.policy.protocols.manage == Manage::kSet) {
      r.policy.protocols.manage = Manage::kLeave;
      part = "[protocols]";
    } else {
      return Fail(compiled.error());
    }
    r.notes.push_back("the captured stack does not compile for " + os.id + " (" +
                      compiled.error().message + "): " + part + " left alone");
  }
  return r;
}

}  // namespace

Expected<CaptureResult> CaptureFromStack(const StackConfig& stack, std::string_view os_id,
                                         const CaptureOptions& options) {
  SECPROTO_ASSIGN_OR_RETURN(r, Capture(stack, os_id, options, false));
  r.os_detected = false;
  return r;
}

Expected<CaptureResult> CapturePolicy(RegistryBackend& backend, const CaptureOptions& options) {
  std::string os_id = options.os_id;
  std::string detect_note;
  bool detected = false;
  if (os_id.empty()) {
    auto facts = ReadOsFacts(backend);
    if (facts) {
      auto det = DetectOs(*facts);
      if (det) {
        os_id = det->os.id;
        detect_note = det->note;
        detected = true;
      }
    }
    if (os_id.empty()) {
      return Fail(Error::Usage(
          backend.Describe() +
              " does not say which Windows it is (no usable CurrentBuild under "
              "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion); pass --os ID (see `secproto os "
              "list`)",
          "no-os"));
    }
  }
  SECPROTO_ASSIGN_OR_RETURN(stack, ReadStack(backend));
  auto arch = backend.DetectArchitecture();
  bool arch32 = arch && *arch == Architecture::k32Bit;
  SECPROTO_ASSIGN_OR_RETURN(r, Capture(stack, os_id, options, arch32));
  r.os_detected = detected;
  if (!detect_note.empty()) r.notes.insert(r.notes.begin(), detect_note);
  // What `policy check` of this target would report: the values the policy
  // writes in another form than the target holds them.
  SECPROTO_ASSIGN_OR_RETURN(compiled, CompilePolicy(r.policy, r.os_id));
  if (arch32) {
    std::erase_if(compiled.changes, [](const RegChange& c) { return c.view == View::k32; });
  }
  SECPROTO_ASSIGN_OR_RETURN(plan, PlanChanges(backend, compiled.changes));
  for (const PlannedChange& pc : plan.changes) {
    if (!pc.needed()) continue;
    std::string line = pc.change.key + " " + pc.change.name;
    if (!IsSharedBetweenViews(pc.change.key)) {
      line += " (" + std::string(ViewName(pc.change.view)) + "-bit view)";
    }
    auto text = [](const std::optional<RegValue>& v) -> std::string {
      if (!v) return "missing";
      if (auto d = v->AsDword()) return "REG_DWORD " + Hex32(*d);
      if (v->type == kRegSz || v->type == kRegMultiSz) {
        std::vector<std::string> items = Strings(*v);
        size_t n = items.size();
        if (v->type == kRegSz && n == 1) n = std::count(items[0].begin(), items[0].end(), ',') + 1;
        return RegTypeName(v->type) + " (" + std::to_string(n) + " names)";
      }
      return RegTypeName(v->type);
    };
    r.normalised.push_back(line + ": " + text(pc.current) + " -> " + text(pc.change.value));
  }
  for (const std::string& n : compiled.notes) {
    std::string note = "compile for " + r.os_id + ": " + n;
    if (std::find(r.notes.begin(), r.notes.end(), note) == r.notes.end()) r.notes.push_back(note);
  }
  return r;
}

namespace {

// A comment line holds no line break or other control character: a name read
// from the target (an unknown suite, a key name) is shown escaped.
std::string CommentText(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string CaptureToToml(const CaptureResult& c) {
  std::string out;
  out += "# Captured by secproto " SECPROTO_VERSION " from " + CommentText(c.target) + "\n";
  out += "# at " + c.captured_at + ", read against " + c.os_id +
         (c.os_detected ? " (detected from the target)" : " (given with --os)") + ".\n";
  out += "# A section is what the target holds; `reset = true` marks a part the target does not\n";
  out += "# override, so that applied elsewhere the policy returns it to the OS default there.\n";
  out += "# A section that is absent is left alone (docs/POLICY.md, \"Capturing a machine\").\n";
  if (!c.not_in_source.empty()) {
    out += "# " + CommentText(c.target) + " is a partial source; " +
           CommentText(NotInSourceText(c.not_in_source)) + ".\n";
  }
  if (c.notes.empty()) {
    out += "# Notes: none.\n";
  } else {
    out += "# Notes:\n";
    for (const std::string& n : c.notes) out += "#   - " + CommentText(n) + "\n";
  }
  if (c.normalised.empty()) {
    out += "# The target complies with this policy as it is (`secproto policy check`).\n";
  } else {
    out += "# Until it is applied, `secproto policy check` of the target reports " +
           std::to_string(c.normalised.size()) +
           " value(s) that this policy writes in another form:\n";
    for (const std::string& n : c.normalised) out += "#   - " + CommentText(n) + "\n";
  }
  out += "\n";
  out += PolicyToToml(c.policy);
  return out;
}

}  // namespace secproto
