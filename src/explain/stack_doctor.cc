// The stack doctor (docs/MODEL.md "Stack doctor codes"): misconfigurations of
// SCHANNEL, the suite and curve order, the legacy keys and what depends on
// them, each with evidence and the secproto command that clears it.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/strings.h"
#include "secproto/keys.h"
#include "explain/fix_steps.h"
#include "explain/stack_rules.h"
#include "secproto/stack_explain.h"

namespace secproto {
namespace {

std::optional<uint32_t> Dword(const StackValue& v) {
  return v.value ? v.value->AsDword() : std::nullopt;
}

Evidence Ev(const StackValue& v) {
  Evidence e;
  e.key = v.key;
  e.name = v.name;
  e.view = v.key.starts_with("HKLM\\SOFTWARE") ? std::string(ViewName(v.view)) : "";
  if (!v.value) {
    e.value = "missing";
    return e;
  }
  e.type = RegTypeName(v.value->type);
  if (auto d = v.value->AsDword()) {
    e.value = Hex32(*d);
  } else if (v.value->type == kRegSz || v.value->type == kRegMultiSz) {
    std::vector<std::string> items = SplitSuiteValue(*v.value);
    std::string text;
    for (const std::string& s : items) text += (text.empty() ? "" : ",") + s;
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    e.value = "\"" + text + "\" (" + std::to_string(items.size()) + " item(s))";
  } else {
    e.value = "hex:" + v.value->HexData();
  }
  return e;
}

// Said instead of a fix that would not paste safely.
constexpr std::string_view kNoSafeFix =
    " (no fix command is printed: a key name read from the target has a character that cmd, "
    "PowerShell or bash would change (\" % $ ` ! ' or a non-ASCII one); rename or delete that "
    "key with regedit, or write the setting into a policy file (docs/POLICY.md) and run "
    "`secproto policy apply FILE`)";

// The names joined as the Policies value holds them, cut to 1,023 characters
// (R29) by dropping from the end.
std::vector<std::string> FitGpoLimit(std::vector<std::string> names) {
  auto length = [](const std::vector<std::string>& v) {
    size_t n = 0;
    for (const std::string& s : v) n += s.size() + 1;
    return n ? n - 1 : 0;
  };
  while (!names.empty() && length(names) > kMaxSuiteListChars) names.pop_back();
  return names;
}

class StackDoctor {
 public:
  StackDoctor(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
              const RegistryInputs& in, RegistryBackend* backend, std::string_view target_args)
      : os_(os), tls_(tls), st_(stack), in_(in), backend_(backend), target_(target_args) {}

  std::vector<StackFinding> Run() {
    EnabledFfffffff();
    SuiteList();
    CurveNeedsBuild();
    ProtocolWithoutSuite();
    ClientServerMismatch();
    Tls13UnsafeOs();
    Http2();
    LegacyCiphers();
    WeakDh();
    Fips();
    Rdp();
    Sql();
    EventLogging();
    ComponentWithoutProtocol();
    std::stable_sort(out_.begin(), out_.end(), [](const StackFinding& a, const StackFinding& b) {
      auto rank = [](const std::string& s) { return s == "error" ? 0 : s == "warning" ? 1 : 2; };
      return rank(a.finding.severity) < rank(b.finding.severity);
    });
    return std::move(out_);
  }

 private:
  void Add(std::string code, std::string severity, std::string component, std::string message,
           std::vector<Evidence> evidence, std::vector<FixStep> fix, std::string_view source,
           std::vector<std::string> aliases = {}) {
    DoctorFinding f;
    f.code = std::move(code);
    f.severity = std::move(severity);
    // An empty command is a fix PolicyFix refused to print (its changes
    // still go into doctor's one fix, which says how to apply it).
    for (const FixStep& step : fix) {
      if (step.command.empty()) {
        message += kNoSafeFix;
        break;
      }
    }
    f.message = std::move(message);
    f.evidence = std::move(evidence);
    PutFix(f, std::move(fix));
    f.source = std::string(source);
    f.aliases = std::move(aliases);
    out_.push_back({std::move(f), std::move(component)});
  }

  std::string Target() const { return target_.empty() ? "" : " " + target_; }

  // `secproto policy apply --set "KEY=VALUE" ...` (docs/POLICY.md "--set"):
  // one command that pastes unchanged into cmd, PowerShell and bash. `names`
  // are the key names read from the target that the lines hold; "" when a
  // line would not paste safely (Add says what to do instead).
  FixStep PolicyFix(const std::vector<std::string>& set_lines,
                    const std::vector<std::string>& names = {}) const {
    FixStep step{"", PolicySetChanges(set_lines, os_, in_.architecture)};
    for (const std::string& n : names) {
      if (n.find('\'') != std::string::npos) return step;
    }
    std::string cmd = "secproto policy apply";
    for (const std::string& l : set_lines) {
      if (!PastesInDoubleQuotes(l)) return step;
      cmd += " --set \"" + l + "\"";
    }
    step.command = cmd + " --os " + os_.id + Target();
    return step;
  }
  FixStep SuiteOrderFix(const std::vector<std::string>& names) const {
    std::vector<std::string> fit = FitGpoLimit(names);
    if (fit.empty()) return ResetSuites();
    return PolicyFix({"cipher_suites.order=" + TomlArray(fit)});
  }
  // Back to the OS default order, unless that default holds weak suites
  // (RC4, 3DES, ...): then the default order without them, so that the fix
  // never brings one in.
  FixStep ResetSuites() const {
    std::vector<std::string> safe;
    bool weak = false;
    for (const std::string& n : tls_.DefaultSuiteOrder()) {
      auto info = FindCipherSuite(n);
      if (info && WeakSuite(**info)) {
        weak = true;
        continue;
      }
      safe.push_back(n);
    }
    if (!weak || safe.empty()) return PolicyFix({"cipher_suites.reset=true"});
    return PolicyFix({"cipher_suites.order=" + TomlArray(FitGpoLimit(safe))});
  }
  FixStep TemplateFix(std::string_view name) const {
    FixStep step{"secproto policy apply " + std::string(name) + " --os " + os_.id + Target(), {}};
    if (auto p = LoadPolicy(name)) {
      if (auto c = CompilePolicy(*p, os_.id)) step.changes = std::move(c->changes);
    }
    if (in_.architecture == Architecture::k32Bit) {
      std::erase_if(step.changes, [](const RegChange& x) { return x.view == View::k32; });
    }
    return step;
  }
  FixStep SchannelFix(Protocol p, bool enable, std::string_view side) const {
    bool client = side != "server", server = side != "client";
    return {"secproto schannel set " + std::string(Info(p).short_name) +
                (enable ? " --enable" : " --disable") + " --side " + std::string(side) + Target(),
            RelatedChanges(SchannelWrites(p, client, server, enable), Effect::kReboot)};
  }

  // The listed names the OS has (order kept, duplicates dropped).
  std::vector<std::string> Known(const std::vector<std::string>& names) const {
    std::vector<std::string> out;
    for (const std::string& n : names) {
      auto info = FindCipherSuite(n);
      if (!info || !tls_.FindSuite(**info)) continue;
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
    return out;
  }

  // One finding for every `Enabled` = 0xFFFFFFFF (KB245030's legacy form
  // of "on"), protocol and algorithm keys alike, with one command: 1 where
  // the key stays on, 0 for what a fix may only take away (SSL 2.0/3.0,
  // RC4, DES, 3DES, NULL, RC2, MD5), which legacy-cipher-enabled and
  // ssl-enabled ask for too.
  void EnabledFfffffff() {
    std::vector<Evidence> evidence;
    std::vector<std::string> lines, names;
    bool protocol_keys = false;
    for (const ProtocolInfo& p : AllProtocols()) {
      size_t i = static_cast<size_t>(p.id);
      for (const StackValue* v : {&st_.client[i].enabled, &st_.server[i].enabled}) {
        if (Dword(*v) != 0xFFFFFFFFu) continue;
        protocol_keys = true;
        evidence.push_back(Ev(*v));
        bool off = p.id == Protocol::kSsl2 || p.id == Protocol::kSsl3;
        lines.push_back("registry.'" + v->key + "'.Enabled=" + (off ? "0" : "1"));
      }
    }
    for (const auto* list : {&st_.ciphers, &st_.hashes, &st_.key_exchange}) {
      std::string section = list == &st_.ciphers  ? "ciphers"
                            : list == &st_.hashes ? "hashes"
                                                  : "key_exchange";
      for (const LegacyKey& k : *list) {
        if (Dword(k.enabled) != 0xFFFFFFFFu) continue;
        evidence.push_back(Ev(k.enabled));
        lines.push_back("legacy." + section + ".'" + k.name + "'=" +
                        (WeakAlgorithmKey(k.name) ? "false" : "true"));
        names.push_back(k.name);
      }
    }
    if (evidence.empty()) return;
    std::string keys;
    for (const Evidence& e : evidence) {
      std::string key = e.key;
      if (key.starts_with(kSchannelKey)) key = key.substr(kSchannelKey.size() + 1);
      keys += (keys.empty() ? "" : ", ") + key;
    }
    Add("enabled-ffffffff", "warning", "schannel",
        std::to_string(evidence.size()) + " SCHANNEL Enabled value(s) are 0xFFFFFFFF, the legacy "
            "form of 'on' (KB245030) that audits flag: " + keys +
            "; the fix writes 1, or 0 where the key is SSL 2.0/3.0, RC4, DES, 3DES, NULL or MD5",
        evidence, {PolicyFix(lines, names)}, stack_rules::kR28,
        protocol_keys ? std::vector<std::string>{"schannel-legacy-enabled-value"}
                      : std::vector<std::string>{});
  }

  void SuiteList() {
    if (!tls_.has_suites) return;
    SuiteOrder order = ResolveSuiteOrder(tls_, st_);
    const std::optional<RegValue>& pol = st_.suites_policy.value;
    if (order.policy_wrong_type) {
      std::vector<std::string> names = Known(SplitSuiteValue(*pol));
      Add("suite-list-wrong-type", "error", "schannel",
          "the Group Policy suite order is " + RegTypeName(pol->type) +
              ", not REG_SZ: Windows ignores it, so the order you meant is not in force",
          {Ev(st_.suites_policy)}, {SuiteOrderFix(names)}, stack_rules::kR29);
    }
    if (order.source == "policy" || order.source == "local") {
      if (order.names.empty()) {
        Add("suite-list-empty", "error", "schannel",
            std::string("the ") + (order.source == "policy" ? "Group Policy" : "local") +
                " suite list is empty: TLS stops working for everything on the machine",
            {Ev(order.source == "policy" ? st_.suites_policy : st_.suites_local)},
            {ResetSuites()},
            stack_rules::kR20);
      } else if (order.unknown.size() == order.names.size()) {
        Add("suite-list-empty", "error", "schannel",
            "no name in the suite list is a suite " + os_.name +
                " has: SCHANNEL skips them all and TLS stops working",
            {Ev(order.source == "policy" ? st_.suites_policy : st_.suites_local)},
            {ResetSuites()}, stack_rules::kR21);
      } else if (!order.unknown.empty() &&
                 !(order.source == "local" && StockLocalList(order.names))) {
        std::string list;
        for (const std::string& n : order.unknown) list += (list.empty() ? "" : ", ") + n;
        Add("suites-unknown-to-os", "warning", "schannel",
            std::to_string(order.unknown.size()) + " listed suite(s) " + os_.name +
                " does not have, silently skipped: " + list,
            {Ev(order.source == "policy" ? st_.suites_policy : st_.suites_local)},
            {SuiteOrderFix(Known(order.names))}, stack_rules::kR21);
      }
    }
    if (pol && pol->type == kRegSz) {
      auto text = Utf16LeToUtf8(pol->data.data(), pol->data.size());
      std::string t = text ? *text : "";
      while (!t.empty() && t.back() == '\0') t.pop_back();
      if (t.size() > kMaxSuiteListChars) {
        Add("suite-list-too-long", "warning", "schannel",
            "the Group Policy suite order is " + std::to_string(t.size()) +
                " characters, over the 1,023 the \"SSL Cipher Suite Order\" policy holds; "
                "whether Windows reads a longer value is not documented",
            {Ev(st_.suites_policy)}, {SuiteOrderFix(Known(order.names))}, stack_rules::kR29);
      }
    }
    CertTypeWithoutSuite(order);
    if (order.source == "local" && !order.names.empty() && !StockLocalList(order.names)) {
      Add("local-suite-list-edited", "warning", "schannel",
          "the local suite list is not a list " + os_.name +
              " writes itself (every suite it knows, in its order, explicit-only ones "
              "included) and is in force: editing it directly is not supported and servicing "
              "updates may reset it. Restore it with Enable-TlsCipherSuite / "
              "Disable-TlsCipherSuite, or set the order you want through the Group Policy "
              "value (cipher_suites.order in a policy; `secproto os show " +
              os_.id + "` lists the default order); no command is printed, since copying "
              "this list into policy would carry its explicit-only suites with it",
          {Ev(st_.suites_local)}, {}, stack_rules::kR20);
    }
  }

  // A Group Policy curve order naming a group this build does not have yet
  // (the ML-KEM hybrids, "TLS Supported Groups in Windows 11 versions 24H2
  // and later"): SCHANNEL skips it. The fix keeps the other groups.
  void CurveNeedsBuild() {
    const std::optional<RegValue>& v = st_.curves_policy.value;
    if (!tls_.curve_order_setting || !v || v->type != kRegMultiSz) return;
    std::vector<std::string> keep, later;
    for (const std::string& n : SplitSuiteValue(*v)) {
      auto info = FindCurve(n);
      const OsCurve* c = info ? tls_.FindCurve(**info) : nullptr;
      if (c && c->needs_build > os_.build) {
        later.push_back(n + " (needs build " + std::to_string(c->needs_build) +
                        (c->needs_revision ? "." + std::to_string(c->needs_revision) : "") + ")");
      } else {
        keep.push_back(n);
      }
    }
    if (later.empty()) return;
    std::string list;
    for (const std::string& l : later) list += (list.empty() ? "" : ", ") + l;
    Add("curve-needs-build", "warning", "schannel",
        "the Group Policy curve order names groups " + os_.name + " does not have yet, "
            "skipped by SCHANNEL: " + list,
        {Ev(st_.curves_policy)},
        {keep.empty() ? PolicyFix({"curves.reset=true"})
                      : PolicyFix({"curves.order=" + TomlArray(keep)})},
        stack_rules::kR24);
  }

  // A configured order that leaves RSA or ECDSA certificates with no TLS 1.2
  // suite (CertTypesWithoutTls12Suite): a TLS server with such a certificate
  // accepts no TLS 1.2 client. The fix keeps the order and adds, at its end,
  // the OS default suites that serve the type (none of them weak).
  void CertTypeWithoutSuite(const SuiteOrder& order) {
    if (order.source == "os-default" || order.names.empty()) return;
    std::vector<std::string> names = Known(order.names);
    if (names.empty()) return;  // suite-list-empty says it
    std::vector<std::string> missing = CertTypesWithoutTls12Suite(names, os_.id);
    if (missing.empty()) return;
    std::vector<std::string> fixed = names;
    for (const OsSuite& s : tls_.suites) {
      if (!s.enabled || s.explicit_only || s.psk || s.suite->tls13 || WeakSuite(*s.suite) ||
          (s.protocols & Info(Protocol::kTls12).bit) == 0) {
        continue;
      }
      std::string type = s.suite->auth == Authentication::kRsa     ? "RSA"
                         : s.suite->auth == Authentication::kEcdsa ? "ECDSA"
                                                                   : "";
      if (std::find(missing.begin(), missing.end(), type) == missing.end()) continue;
      bool listed = false;
      for (const std::string& n : fixed) listed = listed || Lower(n) == Lower(s.windows_name);
      if (!listed) fixed.push_back(s.windows_name);
    }
    std::string types;
    for (const std::string& t : missing) types += (types.empty() ? "" : " and ") + t;
    Add("cert-type-without-suite", "warning", "schannel-server",
        "the suite order in force leaves " + types +
            " certificates without a TLS 1.2 suite: a server of this machine with such a "
            "certificate accepts no TLS 1.2 client",
        {Ev(order.source == "policy" ? st_.suites_policy : st_.suites_local)},
        {SuiteOrderFix(fixed)}, stack_rules::kR21);
  }

  // Whether a local `Functions` list is one Windows wrote itself (R20, Manage
  // Transport Layer Security (TLS)): on real machines it holds every suite
  // the build knows in the build's order, explicit-only ones (NULL, PSK)
  // included, and also names no enabled default can use: the TLS 1.3 suites
  // on Windows 10 (before TLS 1.3 is on), the SSL 2.0 `SSL_CK_` kinds on
  // Windows 7 and 8.1. So: every name is the OS's or such a stock extra, and
  // every default suite is listed, in its default order [infer]. One list
  // per OS id: a build whose update level wrote another order (Windows 7
  // before the 2014-2015 suite-order updates) reads as edited.
  bool StockLocalList(const std::vector<std::string>& names) const {
    std::vector<std::string> defaults;
    for (const std::string& d : tls_.DefaultSuiteOrder()) defaults.push_back(Lower(d));
    size_t next = 0;  // position in `defaults` of the next default suite expected
    for (const std::string& n : names) {
      if (!StockName(n)) return false;
      std::string l = Lower(n);
      auto at = std::find(defaults.begin(), defaults.end(), l);
      if (at == defaults.end()) continue;
      size_t i = static_cast<size_t>(at - defaults.begin());
      if (i < next) return false;  // a default suite moved up
      next = i + 1;
      defaults[i].clear();  // seen
    }
    // Windows writes every suite the build knows: a default suite missing is
    // an edit.
    return std::all_of(defaults.begin(), defaults.end(),
                       [](const std::string& d) { return d.empty(); });
  }

  // A name Windows itself puts in this OS's local list.
  bool StockName(const std::string& n) const {
    for (const OsSuite& s : tls_.suites) {
      if (Lower(s.windows_name) == Lower(n)) return true;
    }
    auto info = FindCipherSuite(n);
    if (!info) return false;
    if (tls_.FindSuite(**info)) return true;
    bool win10 = os_.build >= 10240 && !os_.tls13;
    bool before10 = os_.build < 10240;
    return (win10 && (*info)->tls13) || (before10 && (*info)->ssl2);
  }

  void ProtocolWithoutSuite() {
    if (!tls_.has_suites) return;
    std::vector<ComponentExplanation> sides =
        ExplainStack(os_, tls_, st_, in_, {Component::kSchannelClient, Component::kSchannelServer});
    SuiteOrder order = ResolveSuiteOrder(tls_, st_);
    for (const ComponentExplanation& c : sides) {
      const ComponentVariant& v = c.Main();
      if (v.suites.empty()) continue;  // suite-list-empty says it
      bool server = c.component == Component::kSchannelServer;
      for (const std::string& pname : v.protocols) {
        auto p = ParseProtocolName(pname);
        // SSL 2.0 has its own cipher kinds, used only when an application asks (R21).
        if (!p || *p == Protocol::kSsl2) continue;
        bool any = false;
        for (const std::string& s : v.suites) {
          auto info = FindCipherSuite(s);
          const OsSuite* o = info ? tls_.FindSuite(**info) : nullptr;
          if (o && (o->protocols & Info(*p).bit)) any = true;
        }
        if (any) continue;
        bool modern = *p == Protocol::kTls12 || *p == Protocol::kTls13;
        FixStep fix = modern && order.source != "os-default"
                          ? ResetSuites()
                          : SchannelFix(*p, false, server ? "server" : "client");
        size_t i = static_cast<size_t>(*p);
        const StackValue& ev = server ? st_.server[i].enabled : st_.client[i].enabled;
        std::vector<Evidence> evidence = {Ev(ev)};
        if (order.source == "policy") evidence.push_back(Ev(st_.suites_policy));
        if (order.source == "local") evidence.push_back(Ev(st_.suites_local));
        Add("protocol-without-suite", modern ? "error" : "warning",
            std::string(ComponentName(c.component)),
            pname + " is on for " + (server ? "servers" : "clients") +
                " but no suite left in the list works with it: it cannot be negotiated",
            evidence, {fix}, stack_rules::kR21);
      }
    }
  }

  void ClientServerMismatch() {
    if (!st_.has_system) return;
    uint32_t client = SchannelSideBits(os_, tls_, st_, false);
    uint32_t server = SchannelSideBits(os_, tls_, st_, true);
    for (const ProtocolInfo& p : AllProtocols()) {
      size_t i = static_cast<size_t>(p.id);
      bool keyed = st_.client[i].enabled.value || st_.server[i].enabled.value ||
                   st_.client[i].disabled_by_default.value ||
                   st_.server[i].disabled_by_default.value;
      if (!keyed || ((client ^ server) & p.bit) == 0) continue;
      if (p.id == Protocol::kTls13 && !os_.tls13) continue;  // tls13-unsafe-os says it
      bool modern = p.id == Protocol::kTls12 || p.id == Protocol::kTls13;
      Add("client-server-mismatch", "warning",
          (client & p.bit) ? "schannel-server" : "schannel-client",
          std::string(p.name) + " is " + ((client & p.bit) ? "on" : "off") + " for clients but " +
              ((server & p.bit) ? "on" : "off") + " for servers",
          {Ev(st_.client[i].enabled), Ev(st_.client[i].disabled_by_default),
           Ev(st_.server[i].enabled), Ev(st_.server[i].disabled_by_default)},
          {SchannelFix(p.id, modern, "both")}, stack_rules::kR19);
    }
  }

  void Tls13UnsafeOs() {
    if (os_.tls13) return;
    size_t i = static_cast<size_t>(Protocol::kTls13);
    for (bool server : {false, true}) {
      const StackValue& e = server ? st_.server[i].enabled : st_.client[i].enabled;
      std::optional<uint32_t> v = Dword(e);
      if (!v || *v == 0) continue;
      std::string side = server ? "server" : "client";
      Add("tls13-unsafe-os", "error", "schannel-" + side,
          "TLS 1.3 is forced on for " + side + "s on " + os_.name +
              ": before Windows 11 / Server 2022 this \"is not a safe system configuration\"",
          {Ev(e)}, {SchannelFix(Protocol::kTls13, false, side)}, stack_rules::kR30);
    }
  }

  void Http2() {
    if (!tls_.has_suites || os_.build < 10240) return;  // HTTP/2 in HTTP.sys from Windows 10
    std::vector<ComponentExplanation> c =
        ExplainStack(os_, tls_, st_, in_, {Component::kSchannelServer});
    const std::vector<std::string>& suites = c[0].Main().suites;
    std::string first_blocked;
    for (const std::string& n : suites) {
      const CipherSuiteInfo* s = *FindCipherSuite(n);
      if (s->http2_blocked) {
        if (first_blocked.empty()) first_blocked = n;
        continue;
      }
      if (first_blocked.empty()) continue;
      // Reorder: the listed names, those not on the block list first.
      SuiteOrder order = ResolveSuiteOrder(tls_, st_);
      std::vector<std::string> good, bad;
      for (const std::string& m : Known(order.names)) {
        (FindCipherSuite(m).value()->http2_blocked ? bad : good).push_back(m);
      }
      good.insert(good.end(), bad.begin(), bad.end());
      Add("http2-blocked-suite-first", "warning", "schannel-server",
          first_blocked + " (on RFC 7540's HTTP/2 block list) is preferred over " + n +
              ": IIS/HTTP.sys over HTTP/2 may fail with INADEQUATE_SECURITY; block-listed suites "
              "must be at the bottom (KB4032720)",
          {Ev(order.source == "policy"  ? st_.suites_policy
              : order.source == "local" ? st_.suites_local
                                        : st_.suites_policy)},
          {SuiteOrderFix(good)}, stack_rules::kR26);
      return;
    }
  }

  // Weak bulk ciphers (R22, KB245030): each weak `Ciphers\` key that is on,
  // and each suite still offered or accepted with such a cipher, named with
  // the key that removes it (CipherKeyOf: RC4 56/128 for the 56-bit export
  // suite, Triple DES 168 for 3DES, ...). The fix turns those keys off.
  void LegacyCiphers() {
    static const std::string_view kLegacy[] = {
        "NULL",       "DES 56/56",  "Triple DES 168", "RC4 40/128",  "RC4 56/128",
        "RC4 64/128", "RC4 128/128", "RC2 40/128",    "RC2 56/128",  "RC2 128/128",
    };
    std::vector<std::string> keys;
    std::vector<Evidence> evidence;
    auto add_key = [&](std::string_view name) {
      for (const std::string& k : keys) {
        if (Lower(k) == Lower(name)) return;
      }
      keys.push_back(std::string(name));
      for (const LegacyKey& k : st_.ciphers) {
        if (Lower(k.name) == Lower(name)) {
          evidence.push_back(Ev(k.enabled));
          return;
        }
      }
      StackValue v;  // not set: on by default
      v.key = std::string(kSchannelKey) + "\\Ciphers\\" + std::string(name);
      v.name = "Enabled";
      evidence.push_back(Ev(v));
    };
    for (const LegacyKey& k : st_.ciphers) {
      std::optional<uint32_t> e = Dword(k.enabled);
      for (std::string_view l : kLegacy) {
        if (Lower(k.name) == Lower(l) && e && *e != 0) add_key(l);
      }
    }
    // Suites with those ciphers still in use (client or server), each with
    // the key that removes it.
    std::vector<std::string> suites;
    if (tls_.has_suites) {
      std::vector<ComponentExplanation> sides = ExplainStack(
          os_, tls_, st_, in_, {Component::kSchannelClient, Component::kSchannelServer});
      for (const ComponentExplanation& c : sides) {
        for (const std::string& n : c.Main().suites) {
          const CipherSuiteInfo* s = *FindCipherSuite(n);
          std::string_view key = CipherKeyOf(*s);
          if (key.empty()) continue;
          std::string shown = n + " (" + std::string(key) + ")";
          if (std::find(suites.begin(), suites.end(), shown) == suites.end()) {
            suites.push_back(shown);
          }
          add_key(key);
        }
      }
    }
    if (keys.empty()) return;
    std::vector<std::string> sets;
    for (const std::string& k : keys) sets.push_back("legacy.ciphers.'" + k + "'=false");
    std::string on;
    for (const std::string& k : keys) on += (on.empty() ? "" : ", ") + k;
    std::string msg = "legacy ciphers are on (" + on + ")";
    if (!suites.empty()) {
      std::string list;
      for (const std::string& s : suites) list += (list.empty() ? "" : ", ") + s;
      msg += ": " + std::to_string(suites.size()) +
             " suite(s) still offered or accepted, each with the key that removes it: " + list;
    }
    Add("legacy-cipher-enabled", "warning", "schannel", msg, evidence, {PolicyFix(sets, keys)},
        stack_rules::kR22);
  }

  void WeakDh() {
    std::vector<Evidence> evidence;
    std::vector<std::string> lines;
    for (auto [v, field] : {std::pair{&st_.dh_server_min, "dh_server_min"},
                            std::pair{&st_.dh_client_min, "dh_client_min"}}) {
      std::optional<uint32_t> d = Dword(*v);
      if (!d || *d >= 2048) continue;
      evidence.push_back(Ev(*v));
      lines.push_back("key_sizes." + std::string(field) + "=2048");
    }
    if (evidence.empty()) return;
    Add("weak-dh", "warning", "schannel",
        std::string("a Diffie-Hellman minimum key size is below 2048 bits") +
            (os_.build < 10240 ? " (" + os_.name +
                                     " reads these values only once the update of Microsoft "
                                     "Security Advisory 3174644 is installed [unsure])"
                               : ""),
        evidence, {PolicyFix(lines)}, stack_rules::kR32);
  }

  void Fips() {
    std::optional<uint32_t> f = Dword(st_.fips_enabled);
    if (!f || *f == 0 || !tls_.has_suites) return;
    SuiteOrder order = ResolveSuiteOrder(tls_, st_);
    std::vector<std::string> kept, dropped;
    for (const std::string& n : Known(order.names)) {
      const OsSuite* o = tls_.FindSuite(*FindCipherSuite(n).value());
      (o->fips ? kept : dropped).push_back(n);
    }
    if (dropped.empty()) return;
    std::string list;
    for (const std::string& s : dropped) list += (list.empty() ? "" : ", ") + s;
    Add("fips-restricts-suites", "info", "schannel",
        "FIPS mode is on: " + std::to_string(dropped.size()) +
            " listed suite(s) outside NIST SP 800-52 Rev. 2 may not be used [unsure]: " + list,
        {Ev(st_.fips_enabled)},
        {kept.empty() ? TemplateFix("fips-140") : SuiteOrderFix(kept)},
        stack_rules::kR23);
  }

  bool PackageInstalled(std::string_view kb) const {
    if (!backend_) return false;
    auto subkeys = backend_->ListSubkeys(View::k64, kCbsPackagesKey);
    if (!subkeys) return false;
    std::string prefix = "package_for_" + Lower(kb);
    for (const std::string& s : *subkeys) {
      if (Lower(s).starts_with(prefix)) return true;
    }
    return false;
  }

  bool ServerTls10Off() const {
    return (SchannelSideBits(os_, tls_, st_, true) & Info(Protocol::kTls10).bit) == 0;
  }

  void Rdp() {
    // KB3080079: "Update to add RDS support for TLS 1.1 and TLS 1.2 in
    // Windows 7 or Windows Server 2008 R2".
    if ((os_.id != "ws2008r2" && os_.id != "win7") || !st_.has_system || !ServerTls10Off()) return;
    if (PackageInstalled("KB3080079")) return;
    size_t i = static_cast<size_t>(Protocol::kTls10);
    Add("rdp-needs-kb3080079", "error", "schannel-server",
        "TLS 1.0 is off for servers on " + os_.name + " and KB3080079 is not installed: Remote "
        "Desktop needs it to accept TLS 1.1/1.2; install KB3080079 (no registry change fixes "
        "this)",
        {Ev(st_.server[i].enabled), Ev(st_.server[i].disabled_by_default)}, {}, stack_rules::kR31);
  }

  void Sql() {
    if (!backend_ || !st_.has_system || !ServerTls10Off()) return;
    auto exists = backend_->KeyExists(View::k64, kSqlInstancesKey);
    if (!exists || !*exists) return;
    std::vector<Evidence> old;
    std::string base = std::string(kSqlServerKey) + "\\";
    // Instance ids are the subkeys "MSSQL<major>.<name>" ("MSSQL13.MSSQLSERVER").
    auto ids = backend_->ListSubkeys(View::k64, base.substr(0, base.size() - 1));
    if (!ids) return;
    bool any_instance = false;
    for (const std::string& inst : *ids) {
      if (!Lower(inst).starts_with("mssql") || inst.find('.') == std::string::npos) continue;
      any_instance = true;
      StackValue ver;
      ver.key = base + inst + "\\MSSQLServer\\CurrentVersion";
      ver.name = "CurrentVersion";
      if (auto v = backend_->GetValue(View::k64, ver.key, ver.name); v && *v) ver.value = **v;
      std::string vtext;
      if (ver.value) {
        auto t = Utf16LeToUtf8(ver.value->data.data(), ver.value->data.size());
        vtext = t ? *t : "";
      }
      // SQL Server 2016 (13.x) and later speak TLS 1.2 in every build (KB3135244).
      int major = std::atoi(vtext.c_str());
      if (major >= 13) continue;
      old.push_back(Ev(ver));
    }
    if (old.empty()) {
      StackValue key;
      key.key = std::string(kSqlInstancesKey);
      key.name = "(key)";
      if (!any_instance) old.push_back(Ev(key));  // the version is unknown
    }
    if (old.empty()) return;
    Add("sql-needs-tls12-build", "warning", "schannel-server",
        "SQL Server is installed in a version before 2016 and TLS 1.0 is off for servers: the "
        "instance needs a build with TLS 1.2 support (KB3135244) or it stops accepting "
        "connections; install that update",
        old, {}, stack_rules::kR31);
  }

  void EventLogging() {
    std::optional<uint32_t> v = Dword(st_.event_logging);
    if (!v || *v <= 1) return;
    Add("event-logging-verbose", "info", "schannel",
        "SCHANNEL EventLogging is " + std::to_string(*v) +
            ": more than errors are logged to the System log (1 is the default; reboot to apply)",
        {Ev(st_.event_logging)}, {PolicyFix({"logging.event_logging=1"})}, stack_rules::kR32);
  }

  // A component with no protocol left cannot make or accept any TLS
  // connection (R15, R27 for .NET: without SystemDefaultTlsVersions = 1 it
  // offers its own older set, less what SCHANNEL disables). WinHTTP has
  // `empty-effective`; a side of SCHANNEL with none takes every client
  // component with it, so those are not repeated.
  void ComponentWithoutProtocol() {
    std::vector<Component> which = {Component::kSchannelClient, Component::kSchannelServer,
                                    Component::kWinInet, Component::kDotnet};
    bool client_none = false;
    for (const ComponentExplanation& c : ExplainStack(os_, tls_, st_, in_, which)) {
      std::string names, why;
      for (const ComponentVariant& v : c.variants) {
        if (!v.in_effect || !v.protocols.empty()) continue;
        std::string label = v.name;
        if (label.ends_with("-64") || label.ends_with("-32")) {
          label = label.substr(0, label.size() - 3) + " " + label.substr(label.size() - 2) + "-bit";
        }
        if (!label.empty()) names += (names.empty() ? "" : ", ") + label;
        for (const StackStep& st : v.steps) {
          if (why.empty() && st.name == "system-default-tls-versions") {
            size_t at = st.detail.find("SystemDefaultTlsVersions");
            why = at == std::string::npos ? st.detail : st.detail.substr(at);
          }
        }
        if (names.empty() && why.empty()) why = "none of its protocols is on";
      }
      bool none = !names.empty() || !why.empty();
      if (!none) continue;
      if (c.component == Component::kSchannelClient) client_none = true;
      if (client_none && c.component != Component::kSchannelClient &&
          c.component != Component::kSchannelServer) {
        continue;
      }
      std::string component(ComponentName(c.component));
      std::vector<Evidence> ev;
      std::vector<FixStep> fix;
      if (c.component == Component::kDotnet) {
        for (const DotnetKeys& d : st_.dotnet) {
          ev.push_back(Ev(d.system_default_tls));
          ev.push_back(Ev(d.strong_crypto));
        }
        fix.push_back({"secproto dotnet set" + Target(),
                       RelatedChanges(DotNetWrites(in_.architecture), Effect::kNextProcess)});
      } else if (c.component == Component::kWinInet) {
        for (const StackValue& v : st_.wininet) ev.push_back(Ev(v));
      }
      for (size_t i = 0; i < kProtocolCount; ++i) {
        const ProtocolSideKeys& k =
            c.component == Component::kSchannelServer ? st_.server[i] : st_.client[i];
        if (Dword(k.enabled) == 0u) ev.push_back(Ev(k.enabled));
      }
      Add("component-without-protocol", "error", component,
          component + (names.empty() ? "" : " (" + names + ")") +
              " ends with no usable protocol: it can make no TLS connection" +
              (why.empty() ? "" : " (" + why + ")"),
          std::move(ev), std::move(fix),
          c.component == Component::kDotnet ? stack_rules::kR27 : stack_rules::kR19);
    }
  }

  const OsInfo& os_;
  const OsTlsInfo& tls_;
  const StackConfig& st_;
  const RegistryInputs& in_;
  RegistryBackend* backend_;
  std::string target_;
  std::vector<StackFinding> out_;
};

}  // namespace

std::vector<StackFinding> DiagnoseStack(const OsInfo& os, const OsTlsInfo& tls,
                                        const StackConfig& stack, const RegistryInputs& inputs,
                                        RegistryBackend* backend, std::string_view target_args) {
  return StackDoctor(os, tls, stack, inputs, backend, target_args).Run();
}

}  // namespace secproto
