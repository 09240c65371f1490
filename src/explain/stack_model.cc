// The stack model (docs/MODEL.md R18 to R27): protocols and cipher suites per
// component, each result with the steps that produced it.
#include <algorithm>
#include <cctype>
#include <functional>

#include "core/strings.h"
#include "secproto/keys.h"
#include "explain/rules.h"
#include "explain/stack_rules.h"
#include "secproto/stack_explain.h"

namespace secproto {
namespace {

std::optional<uint32_t> Dword(const StackValue& v) {
  return v.value ? v.value->AsDword() : std::nullopt;
}

// The protocol names of a bit set, highest first.
std::vector<std::string> ProtocolNamesDesc(uint32_t bits) {
  std::vector<std::string> out = ProtocolSet(bits).Names();
  std::reverse(out.begin(), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out.empty() ? "(none)" : out;
}

// The legacy key's `Enabled` when it is a REG_DWORD.
std::optional<uint32_t> LegacyEnabled(const std::vector<LegacyKey>& keys, std::string_view name) {
  for (const LegacyKey& k : keys) {
    if (Lower(k.name) == Lower(name)) return Dword(k.enabled);
  }
  return std::nullopt;
}

// Whether a legacy `Ciphers\<name>` key covers the suite's bulk cipher (KB245030).
bool CipherKeyCovers(std::string_view key, const CipherSuiteInfo& s) {
  std::string k = Lower(key);
  std::string_view c = s.cipher;
  if (k == "aes 128/128") return c.starts_with("AES-128");
  if (k == "aes 256/256") return c.starts_with("AES-256");
  return !CipherKeyOf(s).empty() && k == Lower(CipherKeyOf(s));
}

}  // namespace

std::string_view CipherKeyOf(const CipherSuiteInfo& s) {
  std::string_view c = s.cipher;
  if (c == "NULL") return "NULL";
  if (c == "DES-CBC" || c == "DES40-CBC") return "DES 56/56";
  if (c == "3DES-EDE-CBC") return "Triple DES 168";
  if (c == "RC4-128") return "RC4 128/128";
  if (c == "RC4-64") return "RC4 64/128";
  if (c == "RC4-56") return "RC4 56/128";
  if (c == "RC4-40") return "RC4 40/128";
  if (c == "RC2-128") return "RC2 128/128";
  if (c == "RC2-56") return "RC2 56/128";
  if (c == "RC2-40") return "RC2 40/128";
  return "";
}

std::vector<std::string> SplitSuiteValue(const RegValue& v) {
  std::vector<std::string> out;
  auto text = Utf16LeToUtf8(v.data.data(), v.data.size());
  if (!text) return out;
  if (v.type == kRegMultiSz) {
    size_t start = 0;
    for (size_t i = 0; i <= text->size(); ++i) {
      if (i == text->size() || (*text)[i] == '\0') {
        std::string item(Trim(std::string_view(*text).substr(start, i - start)));
        if (!item.empty()) out.push_back(item);
        start = i + 1;
      }
    }
    return out;
  }
  std::string t = *text;
  while (!t.empty() && t.back() == '\0') t.pop_back();
  size_t start = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || t[i] == ',') {
      std::string item(Trim(std::string_view(t).substr(start, i - start)));
      if (!item.empty()) out.push_back(item);
      start = i + 1;
    }
  }
  return out;
}

SuiteOrder ResolveSuiteOrder(const OsTlsInfo& tls, const StackConfig& stack) {
  SuiteOrder o;
  const std::optional<RegValue>& pol = stack.suites_policy.value;
  const std::optional<RegValue>& loc = stack.suites_local.value;
  if (pol && pol->type == kRegSz) {
    o.source = "policy";
    o.names = SplitSuiteValue(*pol);
  } else {
    o.policy_wrong_type = pol.has_value();
    if (loc && (loc->type == kRegMultiSz || loc->type == kRegSz)) {
      o.source = "local";
      o.names = SplitSuiteValue(*loc);
    } else {
      o.source = "os-default";
      o.names = tls.DefaultSuiteOrder();
    }
  }
  for (const std::string& n : o.names) {
    auto info = FindCipherSuite(n);
    if (!info || !tls.FindSuite(**info)) o.unknown.push_back(n);
  }
  return o;
}

uint32_t SchannelSideBits(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
                          bool server) {
  uint32_t bits = 0;
  for (const ProtocolInfo& p : AllProtocols()) {
    size_t i = static_cast<size_t>(p.id);
    SchannelDefault def = server ? tls.schannel_server[i] : os.schannel_client[i];
    if (!os.Supports(p.id) || def == SchannelDefault::kNotSupported) continue;
    const ProtocolSideKeys& k = server ? stack.server[i] : stack.client[i];
    bool on = def == SchannelDefault::kOn;
    std::optional<uint32_t> e = Dword(k.enabled), d = Dword(k.disabled_by_default);
    if (e) on = *e != 0;
    if (d && *d != 0) on = false;
    if (d && *d == 0 && (!e || *e != 0)) on = true;
    if (on) bits |= p.bit;
  }
  return bits;
}

namespace {

struct SuiteChain {
  std::vector<const CipherSuiteInfo*> suites;
  std::vector<StackStep> steps;
};

// Removes the suites `drop` says, recording one step.
void Filter(SuiteChain& c, std::string name, std::string_view source, std::string why,
            const std::function<bool(const CipherSuiteInfo&)>& drop) {
  std::vector<std::string> removed;
  std::vector<const CipherSuiteInfo*> kept;
  for (const CipherSuiteInfo* s : c.suites) {
    if (drop(*s)) {
      removed.push_back(std::string(s->iana_name));
    } else {
      kept.push_back(s);
    }
  }
  c.suites = std::move(kept);
  if (removed.empty()) return;
  c.steps.push_back(
      {std::move(name), "removed",
       why + ": removed " + std::to_string(removed.size()) + " (" + Join(removed) + ")",
       std::string(source)});
}

// R20, R21, R22, R23: the suites SCHANNEL uses for a side whose protocols are `bits`.
SuiteChain SchannelSuites(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
                          uint32_t bits) {
  SuiteChain c;
  if (!tls.has_suites) {
    c.steps.push_back({"suite-order", "unknown",
                       os.name + " has no per-OS suite page: the suite list is not modelled",
                       std::string(stack_rules::kR21)});
    return c;
  }
  SuiteOrder order = ResolveSuiteOrder(tls, stack);
  std::string detail;
  if (order.source == "policy") {
    detail =
        "the Group Policy order (" + std::string(kSuitePolicyKey) +
        "\\Functions, REG_SZ) overrides the local list: " + std::to_string(order.names.size()) +
        " name(s)";
  } else if (order.source == "local") {
    detail = "the local list (" + stack.suites_local.key +
             "\\Functions) in order: " + std::to_string(order.names.size()) + " name(s)";
  } else {
    detail = "no suite order set: the default order of " + tls.suites_source + " (" +
             std::to_string(order.names.size()) + " enabled suites)";
  }
  if (order.policy_wrong_type) {
    detail += "; the Policies Functions value is " + RegTypeName(stack.suites_policy.value->type) +
              ", not REG_SZ: Windows ignores it";
  }
  c.steps.push_back({"suite-order",
                     order.source == "policy"  ? "policy"
                     : order.source == "local" ? "local"
                                               : "os-default",
                     detail, std::string(stack_rules::kR20)});
  std::vector<std::string> skipped;
  for (const std::string& n : order.names) {
    auto info = FindCipherSuite(n);
    const OsSuite* os_suite = info ? tls.FindSuite(**info) : nullptr;
    if (!os_suite) {
      skipped.push_back(n);
      continue;
    }
    if (std::find(c.suites.begin(), c.suites.end(), *info) == c.suites.end()) {
      c.suites.push_back(*info);
    }
  }
  if (!skipped.empty()) {
    c.steps.push_back({"os-suites", "removed",
                       "names " + os.name + " does not have are skipped: " + Join(skipped),
                       std::string(stack_rules::kR21)});
  }
  Filter(c, "explicit-only", stack_rules::kR21,
         "NULL, SSL 2.0 and PSK suites are used only when an application asks for them",
         [&](const CipherSuiteInfo& s) {
           const OsSuite* o = tls.FindSuite(s);
           return o->explicit_only || o->psk || s.ssl2;
         });
  Filter(c, "protocols", stack_rules::kR21,
         "suites no enabled protocol (" + ProtocolSet(bits).Describe() + ") can use",
         [&](const CipherSuiteInfo& s) { return (tls.FindSuite(s)->protocols & bits) == 0; });
  // R22: legacy algorithm keys.
  auto off = [&](const std::vector<LegacyKey>& keys, std::string_view name) {
    std::optional<uint32_t> e = LegacyEnabled(keys, name);
    return e && *e == 0;
  };
  // KB245030 names the RC4, DES, 3DES, RC2 and NULL ciphers, the MD5 and SHA
  // hashes and PKCS; the other keys are read alike on current Windows [infer].
  for (const LegacyKey& k : stack.ciphers) {
    if (!off(stack.ciphers, k.name)) continue;
    bool aes = Lower(k.name).starts_with("aes");
    Filter(c, "legacy-keys", aes ? stack_rules::kR22Infer : stack_rules::kR22,
           "Ciphers\\" + k.name + "\\Enabled = 0" + (aes ? " [infer]" : ""),
           [&](const CipherSuiteInfo& s) { return !s.tls13 && CipherKeyCovers(k.name, s); });
  }
  static const std::pair<std::string_view, std::string_view> kHashMacs[] = {
      {"MD5", "MD5"}, {"SHA", "SHA1"}, {"SHA256", "SHA256"}, {"SHA384", "SHA384"}};
  for (const auto& [key, mac] : kHashMacs) {
    if (!off(stack.hashes, key)) continue;
    bool sha2 = key == "SHA256" || key == "SHA384";
    Filter(c, "legacy-keys", sha2 ? stack_rules::kR22Infer : stack_rules::kR22,
           "Hashes\\" + std::string(key) + "\\Enabled = 0" + (sha2 ? " [infer]" : ""),
           [&](const CipherSuiteInfo& s) { return !s.tls13 && s.mac == mac; });
  }
  static const std::pair<std::string_view, KeyExchange> kKex[] = {
      {"PKCS", KeyExchange::kRsa},
      {"Diffie-Hellman", KeyExchange::kDhe},
      {"ECDH", KeyExchange::kEcdhe}};
  for (const auto& [key, kex] : kKex) {
    if (!off(stack.key_exchange, key)) continue;
    Filter(c, "legacy-keys", kex == KeyExchange::kRsa ? stack_rules::kR22 : stack_rules::kR22Infer,
           "KeyExchangeAlgorithms\\" + std::string(key) + "\\Enabled = 0" +
               (kex == KeyExchange::kRsa ? "" : " [infer]"),
           [&](const CipherSuiteInfo& s) { return s.kex == kex; });
  }
  std::optional<uint32_t> fips = Dword(stack.fips_enabled);
  if (fips && *fips != 0) {
    Filter(c, "fips", stack_rules::kR23,
           "FipsAlgorithmPolicy\\Enabled = " + std::to_string(*fips) +
               ": suites outside NIST SP 800-52 Rev. 2 3.3.1 [unsure]",
           [&](const CipherSuiteInfo& s) { return !tls.FindSuite(s)->fips; });
  }
  return c;
}

// R24: the curve order.
std::vector<std::string> SchannelCurves(const OsInfo& os, const OsTlsInfo& tls,
                                        const StackConfig& stack, std::vector<StackStep>& steps) {
  std::vector<std::string> names;
  std::string from;
  if (!tls.curve_order_setting) {
    names = tls.DefaultCurveOrder();
    from = "the OS reads no curve order (before Windows 10): its fixed order";
  } else if (stack.curves_policy.value && stack.curves_policy.value->type == kRegMultiSz) {
    names = SplitSuiteValue(*stack.curves_policy.value);
    from = "the Group Policy curve order (" + std::string(kSuitePolicyKey) + "\\EccCurves)";
  } else if (stack.curves_local.value && stack.curves_local.value->type == kRegMultiSz) {
    names = SplitSuiteValue(*stack.curves_local.value);
    from = "the local curve order (" + stack.curves_local.key + "\\EccCurves)";
  } else {
    names = tls.DefaultCurveOrder();
    from = "the default order of " + tls.curves_source;
  }
  std::vector<std::string> out, skipped, later, unsure;
  std::optional<uint32_t> fips = Dword(stack.fips_enabled);
  for (const std::string& n : names) {
    auto info = FindCurve(n);
    const OsCurve* c = info ? tls.FindCurve(**info) : nullptr;
    if (!c || (fips && *fips != 0 && !c->fips)) {
      skipped.push_back(n);
      continue;
    }
    // The ML-KEM hybrids exist from a build (and update revision) on ("TLS
    // Supported Groups in Windows 11 versions 24H2 and later").
    if (c->needs_build > os.build) {
      later.push_back(n + " (needs build " + std::to_string(c->needs_build) +
                      (c->needs_revision ? "." + std::to_string(c->needs_revision) : "") + ")");
      continue;
    }
    if (c->needs_build == os.build && c->needs_revision > 0) {
      unsure.push_back(n + " (needs update revision " + std::to_string(c->needs_revision) +
                       " of build " + std::to_string(os.build) + " or later)");
    }
    if (std::find(out.begin(), out.end(), c->windows_name) == out.end()) {
      out.push_back(c->windows_name);
    }
  }
  std::string detail = from + ": " + Join(out);
  if (!skipped.empty()) detail += "; skipped (unknown to the OS, or not FIPS): " + Join(skipped);
  if (!later.empty()) detail += "; skipped: " + Join(later);
  if (!unsure.empty()) {
    detail += "; kept, if the machine has its update [unsure: the model has no update revision]: " +
              Join(unsure);
  }
  steps.push_back({"curves", skipped.empty() && later.empty() ? "used" : "removed", detail,
                   std::string(stack_rules::kR24)});
  return out;
}

std::vector<std::string> IanaNames(const std::vector<const CipherSuiteInfo*>& suites) {
  std::vector<std::string> out;
  for (const CipherSuiteInfo* s : suites) out.push_back(std::string(s->iana_name));
  return out;
}

// R18 / R19: the protocol step of one SCHANNEL side.
StackStep ProtocolStep(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
                       bool server, uint32_t bits) {
  std::vector<std::string> keyed;
  for (const ProtocolInfo& p : AllProtocols()) {
    size_t i = static_cast<size_t>(p.id);
    const ProtocolSideKeys& k = server ? stack.server[i] : stack.client[i];
    std::optional<uint32_t> e = Dword(k.enabled), d = Dword(k.disabled_by_default);
    std::string s;
    if (e) s += "Enabled=" + std::string(*e == 0xFFFFFFFF ? "0xFFFFFFFF" : std::to_string(*e));
    if (d) s += std::string(s.empty() ? "" : " ") + "DisabledByDefault=" + std::to_string(*d);
    if (!s.empty()) keyed.push_back(std::string(p.name) + " " + s);
  }
  std::string detail =
      os.name + " " + (server ? "server" : "client") + " defaults (" + tls.schannel_source + ")";
  detail += keyed.empty() ? ", no key set" : ", keys: " + Join(keyed, "; ");
  detail += ": " + ProtocolSet(bits).Describe();
  if (!stack.has_system) {
    detail += stack.target == "what-if" ? " (what-if: nothing set)"
                                        : " (HKLM\\SYSTEM not read: OS defaults assumed)";
  }
  return {"protocols", keyed.empty() ? "default" : "keys", detail,
          std::string(server ? stack_rules::kR19 : stack_rules::kR18)};
}

ComponentVariant SchannelVariant(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
                                 bool server) {
  ComponentVariant v;
  uint32_t bits = SchannelSideBits(os, tls, stack, server);
  v.protocols = ProtocolNamesDesc(bits);
  v.steps.push_back(ProtocolStep(os, tls, stack, server, bits));
  SuiteChain c = SchannelSuites(os, tls, stack, bits);
  v.suites = IanaNames(c.suites);
  for (StackStep& s : c.steps) v.steps.push_back(std::move(s));
  v.curves = SchannelCurves(os, tls, stack, v.steps);
  if (server) {
    // R28: HTTP/2 block list order (KB4032720).
    bool seen_blocked = false;
    std::string first_blocked;
    for (const CipherSuiteInfo* s : c.suites) {
      if (s->http2_blocked && !seen_blocked) {
        seen_blocked = true;
        first_blocked = std::string(s->iana_name);
      } else if (!s->http2_blocked && seen_blocked) {
        v.steps.push_back({"http2", "warning",
                           first_blocked + " (on RFC 7540's HTTP/2 block list) comes before " +
                               std::string(s->iana_name) +
                               ": an HTTP/2 client may fail with INADEQUATE_SECURITY",
                           std::string(stack_rules::kR26)});
        break;
      }
    }
  }
  return v;
}

// Suites of `client` usable by a protocol in `bits`, order kept (R25).
std::vector<std::string> SuitesFor(const OsTlsInfo& tls, const std::vector<std::string>& client,
                                   uint32_t bits, bool strong_only) {
  std::vector<std::string> out;
  for (const std::string& n : client) {
    auto info = FindCipherSuite(n);
    if (!info) continue;
    const OsSuite* o = tls.FindSuite(**info);
    if (!o || (o->protocols & bits) == 0) continue;
    if (strong_only && !o->strong) continue;
    out.push_back(n);
  }
  return out;
}

uint32_t BitsOfNames(const std::vector<std::string>& names) {
  uint32_t bits = 0;
  for (const ProtocolInfo& p : AllProtocols()) {
    if (std::find(names.begin(), names.end(), std::string(p.name)) != names.end()) bits |= p.bit;
  }
  return bits;
}

ComponentExplanation WinHttp(const OsInfo& os, const OsTlsInfo& tls, const RegistryInputs& in,
                             const ComponentVariant& client, const ModelOptions& opt) {
  ComponentExplanation c{Component::kWinHttp, {}};
  for (View view : ProcessViews(in.architecture)) {
    Explanation e = ExplainProcess(os, in, std::nullopt, view, opt);
    ComponentVariant v;
    v.name = std::string(ViewName(view));
    v.protocols = ProtocolNamesDesc(e.effective_value);
    for (const ExplainStep& s : e.steps) {
      v.steps.push_back({s.name, s.outcome, s.detail, s.source});
    }
    v.suites = SuitesFor(tls, client.suites, e.effective_value, false);
    v.steps.push_back({"suites", "used",
                       "the schannel-client suite list, filtered to suites " +
                           ProtocolSet(e.effective_value).Describe() +
                           " can use: " + std::to_string(v.suites.size()) + " of " +
                           std::to_string(client.suites.size()),
                       std::string(stack_rules::kR25)});
    v.curves = client.curves;
    c.variants.push_back(std::move(v));
  }
  return c;
}

// R14, R27: WinINet scopes. The policy value wins over the machine value;
// the user policy value over the user value.
ComponentExplanation WinInet(const OsInfo& os, const RegistryInputs& in,
                             const ComponentVariant& client) {
  ComponentExplanation c{Component::kWinInet, {}};
  uint32_t schannel = BitsOfNames(client.protocols);
  auto make = [&](const RegRead& r, std::string name) {
    ComponentVariant v;
    v.name = std::move(name);
    std::optional<uint32_t> d = r.dword();
    uint32_t bits = schannel;
    std::string detail;
    if (!r.present()) {
      detail = r.key + "\\SecureProtocols is missing: WinINet uses SCHANNEL's client defaults";
    } else if (!d) {
      detail = r.key + "\\SecureProtocols is " + RegTypeName(r.value->type) +
               ", not a REG_DWORD: ignored, SCHANNEL's client defaults apply [infer]";
    } else {
      bits = *d & schannel;
      detail = r.key + "\\SecureProtocols = " + ProtocolSet(*d).Hex() + " (" +
               ProtocolSet(*d).Describe() + "), limited to what SCHANNEL has on for clients (" +
               ProtocolSet(schannel).Describe() + ")";
    }
    v.protocols = ProtocolNamesDesc(bits);
    v.steps.push_back({"secure-protocols", r.present() ? (d ? "used" : "wrong-type") : "missing",
                       detail, std::string(rules::kR14)});
    v.suites = SuitesFor(*FindOsTls(os.id), client.suites, bits, false);
    return v;
  };
  // in.wininet: HKLM per process view, the HKLM policy, then [user, user policy].
  std::vector<View> views = ProcessViews(in.architecture);
  size_t nv = views.size();
  auto at = [&](size_t i, std::string_view key) {
    if (i < in.wininet.size()) return in.wininet[i];
    RegRead r;  // a what-if: nothing set
    r.key = std::string(key);
    r.name = "SecureProtocols";
    return r;
  };
  RegRead policy = at(nv, kWinInetPolicyKey);
  bool policy_set = policy.dword().has_value();
  std::vector<ComponentVariant> vs;
  if (policy_set) vs.push_back(make(policy, "policy"));
  for (size_t i = 0; i < nv; ++i) {
    ComponentVariant m = make(at(i, kWinInetKey),
                              nv == 1 ? "machine" : "machine-" + std::string(ViewName(views[i])));
    m.in_effect = !policy_set;
    vs.push_back(std::move(m));
  }
  if (in.has_user && in.wininet.size() >= nv + 3) {
    bool user_policy = in.wininet[nv + 2].dword().has_value();
    if (user_policy) vs.push_back(make(in.wininet[nv + 2], "user-policy"));
    ComponentVariant u = make(in.wininet[nv + 1], "user");
    u.in_effect = !user_policy && !policy_set;
    vs.push_back(std::move(u));
  }
  for (ComponentVariant& v : vs) {
    if (!v.in_effect) {
      v.steps.push_back({"scope", "overridden",
                         "a Group Policy SecureProtocols value is set and wins over this scope",
                         std::string(rules::kR14)});
    }
  }
  c.variants = std::move(vs);
  return c;
}

// R15, R27: .NET Framework.
ComponentExplanation Dotnet(const OsInfo& os, const OsTlsInfo& tls, const RegistryInputs& in,
                            const ComponentVariant& client) {
  ComponentExplanation c{Component::kDotnet, {}};
  uint32_t schannel = BitsOfNames(client.protocols);
  // in.dotnet: for v4 then v2, for view 64 then 32: SystemDefaultTlsVersions, SchUseStrongCrypto.
  std::vector<View> views = ProcessViews(in.architecture);
  auto at = [&](size_t i, std::string_view key, std::string_view name) {
    if (i < in.dotnet.size()) return in.dotnet[i];
    RegRead r;  // a what-if: nothing set
    r.key = std::string(key);
    r.name = std::string(name);
    return r;
  };
  size_t i = 0;
  for (size_t k = 0; k < std::size(kDotNetKeys); ++k) {
    std::string_view ver = k == 0 ? "v4" : "v2";
    for (View view : views) {
      RegRead sdt_read = at(i, kDotNetKeys[k], "SystemDefaultTlsVersions");
      RegRead strong_read = at(i + 1, kDotNetKeys[k], "SchUseStrongCrypto");
      const RegRead* sdt = &sdt_read;
      const RegRead* strong = &strong_read;
      i += 2;
      ComponentVariant v;
      v.name = std::string(ver) + "-" + std::string(ViewName(view));
      std::optional<uint32_t> s = sdt ? sdt->dword() : std::nullopt;
      std::optional<uint32_t> st = strong ? strong->dword() : std::nullopt;
      bool system = s && *s == 1;
      bool strong_on = (st && *st == 1) || system;
      uint32_t bits;
      std::string key = sdt ? sdt->key : "";
      if (system) {
        bits = schannel;
        v.steps.push_back({"system-default-tls-versions", "used",
                           key + "\\SystemDefaultTlsVersions = 1: the OS's client protocols (" +
                               ProtocolSet(bits).Describe() + ")",
                           std::string(rules::kR15)});
      } else {
        uint32_t older = strong_on ? (Info(Protocol::kTls10).bit | Info(Protocol::kTls11).bit |
                                      Info(Protocol::kTls12).bit)
                                   : (Info(Protocol::kSsl3).bit | Info(Protocol::kTls10).bit);
        bits = older;
        // SCHANNEL still removes what it has disabled or the OS lacks.
        for (const ProtocolInfo& p : AllProtocols()) {
          if (!(bits & p.bit)) continue;
          size_t pi = static_cast<size_t>(p.id);
          std::optional<uint32_t> e = in.has_system && in.Schannel(p.id)
                                          ? in.Schannel(p.id)->client.enabled.dword()
                                          : std::nullopt;
          if (!os.Supports(p.id) || os.schannel_client[pi] == SchannelDefault::kNotSupported ||
              (e && *e == 0)) {
            bits &= ~p.bit;
          }
        }
        v.steps.push_back(
            {"system-default-tls-versions", s ? "not-one" : "missing",
             key + "\\SystemDefaultTlsVersions is not 1: the framework's hard-coded set " +
                 ProtocolSet(older).Describe() +
                 (strong_on ? " (SchUseStrongCrypto = 1)" : " (no SchUseStrongCrypto)") +
                 ", less what SCHANNEL disables or the OS lacks: " + ProtocolSet(bits).Describe(),
             std::string(stack_rules::kR27)});
      }
      // R27: which apps the line is for. Without SystemDefaultTlsVersions,
      // apps that target .NET Framework 4.7 or later follow the OS anyway;
      // a value of 0 holds them back too.
      std::string apps = views.size() > 1 ? (view == View::k32 ? "32-bit apps" : "64-bit apps")
                                          : std::string("apps");
      if (k != 0) {
        v.applies_to = apps + " on .NET Framework 3.5 and earlier (CLR 2.0)";
      } else if (system || s) {
        v.applies_to = apps + " on .NET Framework 4.x, whatever version they target";
      } else {
        v.applies_to = apps +
                       " on .NET Framework 4.x that target 4.6.2 or earlier; apps that target "
                       "4.7 or later follow the OS (schannel-client)";
      }
      v.protocols = ProtocolNamesDesc(bits);
      v.suites = SuitesFor(tls, client.suites, bits, strong_on);
      v.steps.push_back(
          {"strong-crypto", strong_on ? "on" : "off",
           strong_on ? "strong crypto in force: RC4, DES, export and NULL suites are not offered"
                     : "SchUseStrongCrypto is not 1: the framework may offer weak suites too",
           std::string(rules::kR15)});
      c.variants.push_back(std::move(v));
    }
  }
  return c;
}

}  // namespace

constexpr EnumName<Component> kComponentNames[] = {
    {Component::kSchannelClient, "schannel-client"},
    {Component::kSchannelServer, "schannel-server"},
    {Component::kWinHttp, "winhttp"},
    {Component::kWinInet, "wininet"},
    {Component::kDotnet, "dotnet"},
};

std::string_view ComponentName(Component c) { return NameIn(kComponentNames, c); }

std::vector<Component> AllComponents() {
  return {Component::kSchannelClient, Component::kSchannelServer, Component::kWinHttp,
          Component::kWinInet, Component::kDotnet};
}

Expected<std::vector<Component>> ParseComponents(const std::vector<std::string>& items) {
  std::vector<Component> out;
  for (const std::string& item : items) {
    size_t start = 0;
    for (size_t i = 0; i <= item.size(); ++i) {
      if (i != item.size() && item[i] != ',') continue;
      std::string name(Trim(std::string_view(item).substr(start, i - start)));
      start = i + 1;
      if (name.empty()) continue;
      const std::optional<Component> found = ValueIn(kComponentNames, name);
      if (!found) {
        return Fail(Error::Usage("unknown component '" + name +
                                     "' (schannel-client, schannel-server, winhttp, wininet, "
                                     "dotnet)",
                                 "unknown-component"));
      }
      if (std::find(out.begin(), out.end(), *found) == out.end()) out.push_back(*found);
    }
  }
  return out;
}

std::vector<ComponentExplanation> ExplainStack(const OsInfo& os, const OsTlsInfo& tls,
                                               const StackConfig& stack,
                                               const RegistryInputs& inputs,
                                               const std::vector<Component>& components,
                                               const ModelOptions& options) {
  ComponentVariant client = SchannelVariant(os, tls, stack, false);
  std::vector<ComponentExplanation> out;
  for (Component c : components) {
    switch (c) {
      case Component::kSchannelClient:
        out.push_back({c, {client}});
        break;
      case Component::kSchannelServer:
        out.push_back({c, {SchannelVariant(os, tls, stack, true)}});
        break;
      case Component::kWinHttp:
        out.push_back(WinHttp(os, tls, inputs, client, options));
        break;
      case Component::kWinInet:
        out.push_back(WinInet(os, inputs, client));
        break;
      case Component::kDotnet:
        out.push_back(Dotnet(os, tls, inputs, client));
        break;
    }
  }
  return out;
}

Status ApplyChangesForWhatIf(RegistryBackend& backend, const std::vector<RegChange>& changes) {
  for (const RegChange& c : changes) {
    if (c.value) {
      SECPROTO_TRY(backend.SetValue(c.view, c.key, c.name, *c.value));
    } else {
      SECPROTO_TRY(backend.DeleteValue(c.view, c.key, c.name));
    }
  }
  return backend.Commit();
}

}  // namespace secproto
