// The doctor: every misconfiguration of WinHTTP's policy and the settings
// around it, with evidence and the secproto command that fixes it.
#include <algorithm>

#include "core/utf16.h"
#include "secproto/explain.h"

namespace secproto {
namespace {

constexpr uint32_t kSslBits = 0x0008 | 0x0020;
constexpr uint32_t kLegacyBits = 0x0080 | 0x0200;

std::string ValueText(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) return ProtocolSet(*d).Hex();
  if ((v->type == kRegSz || v->type == kRegExpandSz) && v->data.size() % 2 == 0) {
    if (auto text = Utf16LeToUtf8(v->data.data(), v->data.size())) {
      while (!text->empty() && text->back() == '\0') text->pop_back();
      return "\"" + *text + "\"";
    }
  }
  return "hex:" + v->HexData();
}

bool Shared(std::string_view key) {
  return !key.starts_with("HKLM\\SOFTWARE\\") || key.starts_with("HKLM\\SOFTWARE\\Policies");
}

Evidence Ev(const RegRead& r) {
  Evidence e;
  e.key = r.key;
  e.name = r.name;
  e.view = Shared(r.key) ? "" : std::string(ViewName(r.view));
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
    if (os_.needs_kb3140245) {
      Add("needs-kb3140245", "warning",
          os_.name + " reads DefaultSecureProtocols only once KB3140245 is installed (the model "
                     "assumes it is): check with `wmic qfe get hotfixid | findstr 3140245` and "
                     "install it from the Microsoft Update Catalog",
          {Ev(in_.Dsp(View::k64))}, "");
    }
    std::stable_sort(out_.begin(), out_.end(), [](const DoctorFinding& a, const DoctorFinding& b) {
      return Rank(a.severity) < Rank(b.severity);
    });
    return std::move(out_);
  }

 private:
  static int Rank(const std::string& s) { return s == "error" ? 0 : s == "warning" ? 1 : 2; }

  void Add(std::string code, std::string severity, std::string message, std::vector<Evidence> ev,
           std::string fix) {
    out_.push_back({std::move(code), std::move(severity), std::move(message), std::move(ev),
                    std::move(fix)});
  }

  std::string SetFix(uint32_t value) const {
    return "secproto set " + ShortNames(value) + " " + target_;
  }
  std::string SetFix() const { return SetFix(RecommendedValue(os_)); }
  std::string SchannelFix(Protocol p, bool enable, std::string_view side) const {
    return "secproto schannel set " + std::string(Info(p).short_name) +
           (enable ? " --enable" : " --disable") + " --side " + std::string(side) + " " + target_;
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
      std::string fix = SetFix();
      if (f.code == "force-default-secure-protocols") {
        ev = {Ev(in_.force_default)};
        fix = "";
      }
      Add(f.code, f.severity, f.message, std::move(ev), std::move(fix));
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
      if (e.effective_value == 0) {
        const SchannelProtocol* tls12 = in_.Schannel(Protocol::kTls12);
        bool schannel_off = tls12 && tls12->client.enabled.dword() == 0u;
        Add("empty-effective", "error",
            who + " end with no protocol: every HTTPS request they make fails (" +
                e.steps.back().detail + ")",
            ev, schannel_off ? SchannelFix(Protocol::kTls12, true, "client") : SetFix());
        continue;
      }
      if (uint32_t ssl = e.effective_value & kSslBits) {
        // Reachable only through an "off" SCHANNEL default is the unsure case.
        bool only_default_off = true;
        for (Protocol p : ProtocolSet(ssl).Protocols()) {
          const SchannelProtocol* sp = in_.Schannel(p);
          bool explicit_on = sp && sp->client.enabled.dword().value_or(0) != 0;
          if (explicit_on ||
              os_.schannel_client[static_cast<size_t>(p)] != SchannelDefault::kOff) {
            only_default_off = false;
          }
        }
        Add("ssl-enabled", only_default_off ? "warning" : "error",
            who + " can negotiate " + ProtocolSet(ssl).Describe() + " (from the " + SourceText(e.source) +
                (only_default_off ? "; SCHANNEL has it off by default, which is modelled as not "
                                    "removing it [unsure])"
                                  : ")"),
            ev, SetFix());
      }
      if (uint32_t legacy = e.effective_value & kLegacyBits) {
        Add("legacy-tls-enabled", "warning",
            who + " can negotiate deprecated " + ProtocolSet(legacy).Describe() + " (from the " +
                SourceText(e.source) + ")",
            ev, SetFix());
      }
      if (!ProtocolSet(e.effective_value).Contains(Protocol::kTls12)) {
        Add("tls12-disabled", "error",
            who + " do not offer TLS 1.2 (they offer " + ProtocolSet(e.effective_value).Describe() +
                "): most servers fail",
            ev, SetFix());
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
          {Ev(r)}, without ? SetFix(without) : SetFix());
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
                {Ev(*r)}, SchannelFix(sp.protocol, recommend_on, side));
          }
        }
        if (s->enabled.dword() == 0xFFFFFFFFu) {
          Add("schannel-legacy-enabled-value", "warning",
              std::string(info.name) + " " + side +
                  " Enabled is 0xFFFFFFFF: a legacy form of 'enabled' that audits flag; write 1",
              {Ev(s->enabled)}, SchannelFix(sp.protocol, true, side));
        }
        if (sp.protocol == Protocol::kTls12) {
          if (s->enabled.dword() == 0u) {
            Add("tls12-disabled", "error",
                "TLS 1.2 " + side + " is disabled in SCHANNEL (Enabled = 0)" +
                    (side == "client" ? ": WinHTTP, WinINet and .NET cannot use it"
                                      : ": this machine's TLS servers cannot use it"),
                {Ev(s->enabled)}, SchannelFix(Protocol::kTls12, true, side));
          } else if (s->disabled_by_default.dword().value_or(0) != 0) {
            Add("tls12-disabled", "warning",
                "TLS 1.2 " + side +
                    " has DisabledByDefault = 1: callers that ask for the system default do not "
                    "get TLS 1.2 (WinHTTP passes an explicit mask and is modelled as unaffected)",
                {Ev(s->disabled_by_default)}, SchannelFix(Protocol::kTls12, true, side));
          }
        }
      }
    }
  }

  // WinINet's SecureProtocols against WinHTTP's DefaultSecureProtocols.
  void WinInetMismatch() {
    std::optional<uint32_t> winhttp = in_.Dsp(View::k64).dword();
    if (winhttp && !ProtocolSet(*winhttp).IsValid()) winhttp.reset();
    uint32_t reference = winhttp.value_or(os_.builtin_default);
    std::string ref_text = winhttp ? "DefaultSecureProtocols " + ProtocolSet(*winhttp).Hex()
                                   : "WinHTTP's built-in default " + ProtocolSet(reference).Hex();
    for (const RegRead& r : in_.wininet) {
      if (!r.present()) continue;
      bool policy = r.key.find("\\Policies\\") != std::string::npos;
      bool user = r.key.starts_with("HKCU");
      std::string scope = policy ? "policy" : user ? "user" : "machine";
      std::string fix = "secproto wininet set " + ShortNames(RecommendedValue(os_)) + " --scope " +
                        scope + " " + target_;
      std::string where = "WinINet SecureProtocols (" + scope +
                          (scope == "machine" ? ", view " + std::string(ViewName(r.view)) : "") +
                          ")";
      if (r.wrong_type()) {
        Add("wininet-mismatch", "warning",
            where + " is " + RegTypeName(r.value->type) + ", not a REG_DWORD; WinINet ignores it",
            {Ev(r)}, fix);
        continue;
      }
      if (*r.dword() != reference) {
        Add("wininet-mismatch", "warning",
            where + " is " + ProtocolSet(*r.dword()).Hex() + " (" +
                ProtocolSet(*r.dword()).Describe() + ") but " + ref_text +
                ": WinINet apps (Office, IE mode) and WinHTTP apps offer different protocols",
            {Ev(r), Ev(in_.Dsp(View::k64))}, fix);
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
        std::move(ev), "secproto dotnet set " + target_);
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
