// The doctor: every misconfiguration of WinHTTP's policy and the settings
// around it, with evidence and the secproto command that fixes it.
#include <algorithm>

#include "core/strings.h"
#include "secproto/keys.h"
#include "explain/fix_steps.h"
#include "explain/rules.h"
#include "secproto/explain.h"

namespace secproto {
namespace {

constexpr uint32_t kSslBits = ProtocolBits(Protocol::kSsl2, Protocol::kSsl3);
constexpr uint32_t kLegacyBits = ProtocolBits(Protocol::kTls10, Protocol::kTls11);

std::string ValueText(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) return ProtocolSet(*d).Hex();
  if (v->type == kRegSz || v->type == kRegExpandSz) {
    if (auto text = Utf16LeText(v->data)) return "\"" + *text + "\"";
  }
  return "hex:" + v->HexData();
}


Evidence Ev(const RegRead& r) {
  Evidence e;
  e.key = r.key;
  e.name = r.name;
  e.view = IsSharedBetweenViews(r.key) ? "" : std::string(ViewName(r.view));
  e.value = ValueText(r.value);
  e.type = r.value ? RegTypeName(r.value->type) : "";
  return e;
}

// "built-in default", "registry value", "app's own mask".
std::string SourceText(const std::string& source) {
  if (source == "registry") return "registry value";
  if (source == "app") return "app's own mask";
  return "built-in default";
}

std::string ShortNames(uint32_t v) {
  std::string out;
  for (const std::string& n : ProtocolSet(v).ShortNames()) out += (out.empty() ? "" : ",") + n;
  return out;
}

class Doctor {
 public:
  Doctor(const OsInfo& os, const RegistryInputs& in, std::string_view target,
         const ModelOptions& opt)
      : os_(os), in_(in), target_(target), opt_(opt) {
    for (View v : ProcessViews(in.architecture)) {
      explanations_.push_back(ExplainProcess(os, in, std::nullopt, v, opt));
    }
  }

  std::vector<DoctorFinding> Run() {
    SettingFindings();
    EffectiveFindings();
    Tls13Unsupported();
    SchannelFindings();
    WinInetMismatch();
    DotNet();
    SchannelClientOff();
    Kb3140245();
    std::stable_sort(out_.begin(), out_.end(), [](const DoctorFinding& a, const DoctorFinding& b) {
      return Rank(a.severity) < Rank(b.severity);
    });
    return std::move(out_);
  }

 private:
  static int Rank(const std::string& s) { return s == "error" ? 0 : s == "warning" ? 1 : 2; }

  using Steps = std::vector<FixStep>;

  void Add(std::string code, std::string severity, std::string message, std::vector<Evidence> ev,
           Steps fix, std::string_view source) {
    DoctorFinding f;
    f.code = std::move(code);
    f.severity = std::move(severity);
    f.message = std::move(message);
    f.evidence = std::move(ev);
    PutFix(f, std::move(fix));
    f.source = std::string(source);
    out_.push_back(std::move(f));
  }

  std::string Cmd(std::string command) const {
    return target_.empty() ? command : command + " " + target_;
  }
  FixStep SetFix(uint32_t value) const {
    return {Cmd("secproto set " + ShortNames(value)),
            WinHttpValueChanges(value, in_.architecture)};
  }
  FixStep SetFix() const { return SetFix(RecommendedValue(os_)); }
  FixStep SchannelFix(uint32_t protocols, bool enable, std::string_view side) const {
    std::vector<RegChange> changes;
    for (Protocol p : ProtocolSet(protocols).Protocols()) {
      for (RegChange& c : RelatedChanges(
               SchannelWrites(p, side != "server", side != "client", enable), Effect::kReboot)) {
        changes.push_back(std::move(c));
      }
    }
    return {Cmd("secproto schannel set " + ShortNames(protocols) +
                (enable ? " --enable" : " --disable") + " --side " + std::string(side)),
            std::move(changes)};
  }
  FixStep SchannelFix(Protocol p, bool enable, std::string_view side) const {
    return SchannelFix(Info(p).bit, enable, side);
  }

  // Whether SCHANNEL's client side removes p from WinHTTP's set (R8, R9),
  // as step 5 of the model decides it.
  bool ClientOff(Protocol p, bool* only_r9 = nullptr) const {
    const SchannelProtocol* sp = in_.Schannel(p);
    std::optional<uint32_t> enabled, dbd;
    if (sp) {
      enabled = sp->client.enabled.dword();
      dbd = sp->client.disabled_by_default.dword();
    }
    if (only_r9) *only_r9 = true;
    if (enabled == 0u) {
      if (only_r9) *only_r9 = false;
      return true;
    }
    if (dbd && *dbd != 0) return opt_.disabled_by_default_removes;
    bool default_off = os_.schannel_client[static_cast<size_t>(p)] == SchannelDefault::kOff;
    return !enabled && !dbd && default_off && opt_.disabled_by_default_removes;
  }

  // The protocols of `wanted` that this OS supports and SCHANNEL removes.
  uint32_t OffIn(uint32_t wanted) const {
    uint32_t off = 0;
    for (Protocol p : ProtocolSet(wanted).Protocols()) {
      if (os_.Supports(p) && ClientOff(p)) off |= Info(p).bit;
    }
    return off;
  }

  // The commands that bring every process to the recommended set: set the
  // value unless `keep_value` (the processes already ask for TLS 1.2), then
  // enable in SCHANNEL what it would remove of it (R9, R16).
  Steps ReachRecommended(bool keep_value = false) const {
    Steps steps;
    if (!keep_value) steps.push_back(SetFix());
    if (uint32_t off = OffIn(RecommendedValue(os_))) {
      steps.push_back(SchannelFix(off, true, "client"));
    }
    if (steps.empty()) steps.push_back(SetFix());
    return steps;
  }

  std::vector<Evidence> DspEvidence(const std::string& view) const {
    std::vector<Evidence> ev;
    for (View v : ProcessViews(in_.architecture)) {
      if (view.empty() || view == ViewName(v)) ev.push_back(Ev(in_.Dsp(v)));
    }
    return ev;
  }

  // wrong-type, one-view, views-differ, invalid-bits, zero-value, and the
  // info findings of Inspect (not-set, force-default-secure-protocols).
  void SettingFindings() {
    for (const Finding& f : in_.setting_findings) {
      std::vector<Evidence> ev =
          f.code == "one-view" || f.code == "views-differ" ? DspEvidence("") : DspEvidence(f.view);
      Steps fix = ReachRecommended();
      std::string_view source = rules::kR3;
      if (f.code == "force-default-secure-protocols") {
        ev = {Ev(in_.force_default)};
        fix.clear();
        source = rules::kR13;
      } else if (f.code == "one-view" || f.code == "views-differ") {
        source = rules::kR1;
      } else if (f.code == "not-set") {
        source = rules::kR4;
      }
      Add(f.code, f.severity, f.message, std::move(ev), std::move(fix), source);
    }
  }

  // empty-effective, ssl-enabled, legacy-tls-enabled and the TLS 1.2 part of
  // tls12-disabled: from the model's result per bitness.
  void EffectiveFindings() {
    // Views whose processes end with the same set from the same source get
    // one finding.
    std::vector<std::vector<const Explanation*>> groups;
    for (const Explanation& e : explanations_) {
      bool placed = false;
      for (auto& g : groups) {
        if (g[0]->effective_value == e.effective_value && g[0]->source == e.source) {
          g.push_back(&e);
          placed = true;
        }
      }
      if (!placed) groups.push_back({&e});
    }
    for (const auto& g : groups) {
      const Explanation& e = *g[0];
      std::vector<Evidence> ev;
      std::string who;
      for (const Explanation* x : g) {
        ev.push_back(Ev(in_.Dsp(x->view)));
        who += (who.empty() ? "" : " and ") + std::string(ViewName(x->view)) + "-bit";
      }
      who = in_.architecture == Architecture::k32Bit ? "WinHTTP processes"
                                                     : who + " WinHTTP processes";
      for (const SchannelProtocol& sp : in_.schannel) {
        if (sp.client.enabled.dword() == 0u) ev.push_back(Ev(sp.client.enabled));
      }
      // The set the processes ask for, before SCHANNEL (steps 1 to 4).
      bool asks_tls12 = ProtocolSet(e.steps[3].after).Contains(Protocol::kTls12);
      if (e.effective_value == 0) {
        Add("empty-effective", "error",
            who + " end with no protocol: every HTTPS request they make fails (" +
                e.steps.back().detail + ")",
            ev, ReachRecommended(asks_tls12), rules::kR12);
        continue;
      }
      if (uint32_t ssl = e.effective_value & kSslBits) {
        // Reachable only through an "off" SCHANNEL default is the unsure case.
        bool only_default_off = true;
        for (Protocol p : ProtocolSet(ssl).Protocols()) {
          const SchannelProtocol* sp = in_.Schannel(p);
          bool explicit_on = sp && sp->client.enabled.dword().value_or(0) != 0;
          if (explicit_on || opt_.disabled_by_default_removes ||
              os_.schannel_client[static_cast<size_t>(p)] != SchannelDefault::kOff) {
            only_default_off = false;
          }
        }
        Add("ssl-enabled", only_default_off ? "warning" : "error",
            who + " can negotiate " + ProtocolSet(ssl).Describe() + " (from the " +
                SourceText(e.source) +
                (only_default_off ? "; SCHANNEL has it off by default, which "
                                    "--disabled-by-default-keeps models as not removing it, R9 "
                                    "[unsure])"
                                  : ")"),
            ev, ReachRecommended(), rules::kR7);
      }
      if (uint32_t legacy = e.effective_value & kLegacyBits) {
        Add("legacy-tls-enabled", "warning",
            who + " can negotiate deprecated " + ProtocolSet(legacy).Describe() + " (from the " +
                SourceText(e.source) + "; RFC 8996)",
            ev, ReachRecommended(), rules::kR4);
      }
      if (!ProtocolSet(e.effective_value).Contains(Protocol::kTls12)) {
        Add("tls12-disabled", "error",
            who + " do not offer TLS 1.2 (they offer " + ProtocolSet(e.effective_value).Describe() +
                "): most servers fail",
            ev, ReachRecommended(asks_tls12), rules::kR9);
      }
    }
  }

  void Tls13Unsupported() {
    if (os_.tls13) return;
    uint32_t bit = Info(Protocol::kTls13).bit;
    for (View v : ProcessViews(in_.architecture)) {
      const RegRead& r = in_.Dsp(v);
      auto d = r.dword();
      if (!d || !(*d & bit)) continue;
      uint32_t without = *d & ~bit & kKnownBits;
      Add("tls13-unsupported", "warning",
          "view " + std::string(ViewName(v)) + ": the TLS 1.3 bit is set but " + os_.name +
              " has no TLS 1.3 (Windows 11 / Server 2022 on)",
          {Ev(r)}, {without ? SetFix(without) : SetFix()}, rules::kR7);
    }
  }

  void SchannelFindings() {
    for (const SchannelProtocol& sp : in_.schannel) {
      const ProtocolInfo& info = Info(sp.protocol);
      for (const auto& [side, s] :
           {std::pair<std::string, const SchannelSide*>{"client", &sp.client},
            std::pair<std::string, const SchannelSide*>{"server", &sp.server}}) {
        bool recommend_on = !info.insecure && !info.deprecated;
        for (const RegRead* r : {&s->enabled, &s->disabled_by_default}) {
          if (r->wrong_type()) {
            Add("schannel-wrong-type", "error",
                std::string(info.name) + " " + side + " " + r->name + " is " +
                    RegTypeName(r->value->type) +
                    ", not a REG_DWORD: SCHANNEL ignores it and the admin's intent is lost",
                {Ev(*r)}, {SchannelFix(sp.protocol, recommend_on, side)}, rules::kR11);
          }
        }
        // Enabled = 0xFFFFFFFF is the stack doctor's enabled-ffffffff: one
        // finding for every key that holds it.
        if (sp.protocol == Protocol::kTls12) {
          if (s->enabled.dword() == 0u) {
            Add("tls12-disabled", "error",
                "TLS 1.2 " + side + " is disabled in SCHANNEL (Enabled = 0)" +
                    (side == "client" ? ": WinHTTP, WinINet and .NET cannot use it"
                                      : ": this machine's TLS servers cannot use it"),
                {Ev(s->enabled)}, {SchannelFix(Protocol::kTls12, true, side)}, rules::kR8);
          } else if (s->disabled_by_default.dword().value_or(0) != 0) {
            Add("tls12-disabled", "warning",
                "TLS 1.2 " + side +
                    " has DisabledByDefault = 1: callers that ask for the system default do not "
                    "get TLS 1.2" +
                    (side == "client" ? std::string(", nor does WinHTTP (R9)") : std::string()),
                {Ev(s->disabled_by_default)}, {SchannelFix(Protocol::kTls12, true, side)},
                rules::kR11);
          }
        }
      }
    }
  }

  // R9: protocols that WinHTTP asks for, or that the doctor recommends, and
  // that SCHANNEL has off for clients by its OS default or by
  // DisabledByDefault=1. Enabled=0 is left to empty-effective and
  // tls12-disabled.
  void SchannelClientOff() {
    uint32_t asked = RecommendedValue(os_);
    for (const Explanation& e : explanations_) asked |= e.steps[3].after;
    asked &= ~kSslBits;
    uint32_t off = 0;
    std::vector<Evidence> ev;
    std::string why;
    for (Protocol p : ProtocolSet(asked).Protocols()) {
      if (!os_.Supports(p)) continue;
      const SchannelProtocol* sp = in_.Schannel(p);
      std::optional<uint32_t> enabled, dbd;
      if (sp) {
        enabled = sp->client.enabled.dword();
        dbd = sp->client.disabled_by_default.dword();
      }
      if (enabled == 0u) continue;
      bool by_dbd = dbd && *dbd != 0;
      bool by_default =
          !enabled && !dbd && os_.schannel_client[static_cast<size_t>(p)] == SchannelDefault::kOff;
      if (!by_dbd && !by_default) continue;
      off |= Info(p).bit;
      std::string key =
          std::string(kSchannelProtocolsKey) + "\\" + std::string(Info(p).name) + "\\Client";
      if (sp) {
        ev.push_back(Ev(sp->client.enabled));
        ev.push_back(Ev(sp->client.disabled_by_default));
      } else {
        Evidence x;
        x.key = key;
        x.name = "Enabled";
        x.value = "missing";
        ev.push_back(std::move(x));
      }
      why += (why.empty() ? "" : "; ") + std::string(Info(p).name) +
             (by_dbd ? ": DisabledByDefault = " + std::to_string(*dbd)
                     : ": off by default on " + os_.name + ", no Enabled value");
    }
    if (!off) return;
    bool removes = opt_.disabled_by_default_removes;
    Add("schannel-client-off", removes ? "error" : "warning",
        ProtocolSet(off).Describe() + (ProtocolSet(off).Protocols().size() > 1 ? " are" : " is") +
            " off for clients in SCHANNEL (" + why + ")" +
            (removes ? ": WinHTTP cannot use " +
                           std::string(ProtocolSet(off).Protocols().size() > 1 ? "them" : "it") +
                           " (R9); enable the Client keys as Easy Fix 51044 does (R16)"
                     : ": --disabled-by-default-keeps models WinHTTP as still reaching it (R9 "
                       "[unsure]); enable the Client keys as Easy Fix 51044 does (R16)"),
        std::move(ev), {SchannelFix(off, true, "client")}, rules::kR9);
  }

  // R5: KB3140245 on the releases that need it.
  void Kb3140245() {
    if (!os_.needs_kb3140245) return;
    Evidence x;
    x.key = in_.kb3140245_key.empty() ? std::string(kCbsPackagesKey) : in_.kb3140245_key;
    x.name = "Package_for_KB3140245~*";
    switch (in_.kb3140245) {
      case KbStatus::kInstalled:
        return;
      case KbStatus::kMissing:
        x.value = "missing";
        Add("needs-kb3140245", "error",
            "KB3140245 is not installed (no Package_for_KB3140245~ key among the installed "
            "packages): " +
                os_.name +
                " ignores DefaultSecureProtocols until it is; install it from the Microsoft "
                "Update Catalog",
            {std::move(x)}, {}, rules::kR5);
        return;
      case KbStatus::kUnknown:
        x.value = "unknown";
        Add("needs-kb3140245", "warning",
            os_.name +
                " reads DefaultSecureProtocols only once KB3140245 is installed, and this "
                "target cannot show installed updates (the model assumes it is): check "
                "with `wmic qfe get hotfixid | findstr 3140245` or "
                "`Get-HotFix KB3140245`, and install it from the Microsoft Update Catalog",
            {std::move(x)}, {}, rules::kR5);
        return;
    }
  }

  // WinINet's SecureProtocols against WinHTTP's DefaultSecureProtocols.
  void WinInetMismatch() {
    std::optional<uint32_t> winhttp = in_.Dsp(View::k64).dword();
    if (winhttp && !ProtocolSet(*winhttp).IsValid()) winhttp.reset();
    uint32_t reference = winhttp.value_or(os_.builtin_default);
    std::string ref_text = winhttp ? "DefaultSecureProtocols " + ProtocolSet(*winhttp).Hex()
                                   : "WinHTTP's built-in default " + ProtocolSet(reference).Hex();
    uint32_t rec = RecommendedValue(os_);
    // The user Policies value wins over the user value (R14).
    bool user_policy = false;
    for (const RegRead& r : in_.wininet) {
      if (r.key.starts_with("HKCU") && r.key.find("\\Policies\\") != std::string::npos &&
          r.present()) {
        user_policy = true;
      }
    }
    for (const RegRead& r : in_.wininet) {
      if (!r.present()) continue;
      bool policy = r.key.find("\\Policies\\") != std::string::npos;
      bool user = r.key.starts_with("HKCU");
      if (user && !policy && user_policy) continue;  // not in force
      std::string scope = policy ? (user ? "user-policy" : "policy") : user ? "user" : "machine";
      // Both sides end at the recommended value: WinHTTP first when it is
      // elsewhere, so that the fix clears the finding.
      Steps fix;
      if (reference != rec) fix.push_back(SetFix());
      WinInetScope ws = scope == "policy"        ? WinInetScope::kPolicy
                        : scope == "user"        ? WinInetScope::kUser
                        : scope == "user-policy" ? WinInetScope::kUserPolicy
                                                 : WinInetScope::kMachine;
      fix.push_back({Cmd("secproto wininet set " + ShortNames(rec) + " --scope " + scope),
                     RelatedChanges(WinInetWrites(rec, ws, in_.architecture),
                                    Effect::kNextProcess)});
      std::string where = "WinINet SecureProtocols (" + scope +
                          (scope == "machine" ? ", view " + std::string(ViewName(r.view)) : "") +
                          ")";
      if (r.wrong_type()) {
        Add("wininet-mismatch", "warning",
            where + " is " + RegTypeName(r.value->type) + ", not a REG_DWORD; WinINet ignores it",
            {Ev(r)}, fix, rules::kR14);
        continue;
      }
      if (*r.dword() != reference) {
        Add("wininet-mismatch", "warning",
            where + " is " + ProtocolSet(*r.dword()).Hex() + " (" +
                ProtocolSet(*r.dword()).Describe() + ") but " + ref_text +
                ": WinINet apps (Office, IE mode) and WinHTTP apps offer different protocols",
            {Ev(r), Ev(in_.Dsp(View::k64))}, fix, rules::kR14);
      }
    }
  }

  void DotNet() {
    if (in_.dotnet.empty()) return;
    std::vector<Evidence> ev;
    for (const RegRead& r : in_.dotnet) {
      if (r.dword() != 1u) ev.push_back(Ev(r));
    }
    if (ev.empty()) return;
    size_t bad = ev.size();
    Add("dotnet-strong-crypto", "warning",
        std::to_string(bad) + " of " + std::to_string(in_.dotnet.size()) +
            " .NET values (SystemDefaultTlsVersions, SchUseStrongCrypto) are missing or not 1: "
            ".NET Framework apps may not use the OS TLS defaults or TLS 1.2",
        std::move(ev),
        {{Cmd("secproto dotnet set"),
          RelatedChanges(DotNetWrites(in_.architecture), Effect::kNextProcess)}},
        rules::kR15);
  }

  const OsInfo& os_;
  const RegistryInputs& in_;
  std::string target_;
  ModelOptions opt_;
  std::vector<Explanation> explanations_;
  std::vector<DoctorFinding> out_;
};

}  // namespace

std::vector<DoctorFinding> Diagnose(const OsInfo& os, const RegistryInputs& inputs,
                                    std::string_view target_args, const ModelOptions& options) {
  return Doctor(os, inputs, target_args, options).Run();
}

}  // namespace secproto
