// The chain of docs/MODEL.md (R3 to R12): built-in default, registry value,
// app mask, OS support, SCHANNEL. Each step records what it did, why, and the
// rule it applied.
#include <string>

#include "explain/rules.h"
#include "secproto/explain.h"

namespace secproto {
namespace {

std::string Hex(uint32_t v) { return ProtocolSet(v).Hex(); }

std::string SetText(uint32_t v) { return Hex(v) + " (" + ProtocolSet(v).Describe() + ")"; }

std::string TypeText(const RegValue& v) {
  std::string t = RegTypeName(v.type);
  if (v.type == kRegDword) t += " of " + std::to_string(v.data.size()) + " bytes";
  return t;
}

std::string ViewWord(View v) { return v == View::k64 ? "64-bit" : "32-bit"; }

ExplainStep Step(int number, std::string name, uint32_t before, std::string_view source) {
  ExplainStep s;
  s.number = number;
  s.name = std::move(name);
  s.before = before;
  s.after = before;
  s.source = std::string(source);
  return s;
}

// Windows 10 1903 and later shipped an experimental TLS 1.3 that an app's
// WinHttpSetOption mask may reach (R6 [unsure]).
bool MayAcceptTls13Mask(const OsInfo& os) { return !os.tls13 && os.build >= 18362; }

ExplainStep RegistryStep(const OsInfo& os, const RegistryInputs& in, View view, uint32_t before,
                         bool* used) {
  ExplainStep s = Step(2, "registry-value", before, rules::kR3);
  const RegRead& r = in.Dsp(view);
  std::string where = PhysicalKey(view, kWinHttpKey) + "\\" + std::string(kValueName);
  *used = false;
  if (!r.present()) {
    s.outcome = "missing";
    s.detail = where + " is missing: the built-in default stays";
    return s;
  }
  if (r.wrong_type()) {
    s.outcome = "wrong-type";
    s.detail = where + " is " + TypeText(*r.value) +
               ": WinHTTP reads only a REG_DWORD and silently keeps the built-in default (R3)";
    return s;
  }
  uint32_t d = *r.dword();
  if (d == 0) {
    s.outcome = "zero";
    s.detail = where + " is 0: WinHTTP ignores it and keeps the built-in default (R3)";
    return s;
  }
  if (d & ~kKnownBits) {
    s.outcome = "unknown-bits";
    s.detail = where + " is " + Hex(d) + ": " + DescribeUnknownBits(d) +
               "; WinHTTP ignores the whole value and keeps the built-in default (R3)";
    return s;
  }
  if (os.needs_kb3140245 && in.kb3140245 == KbStatus::kMissing) {
    s.outcome = "kb-missing";
    s.source = std::string(rules::kR5);
    s.detail = where + " is " + SetText(d) + ", but KB3140245 is not installed (no " +
               "Package_for_KB3140245~ key under " + in.kb3140245_key + "): " + os.name +
               " does not read the value and keeps the built-in default (R5)";
    return s;
  }
  *used = true;
  s.outcome = "used";
  s.after = d;
  s.detail = where + " is " + SetText(d) + ": it replaces the built-in default";
  if (os.needs_kb3140245) {
    s.notes.push_back(in.kb3140245 == KbStatus::kInstalled
                          ? os.name +
                                " reads this value only once KB3140245 is installed: it is (" +
                                in.kb3140245_key + ", R5)"
                          : os.name +
                                " reads this value only once KB3140245 is installed; the target "
                                "cannot tell, so the model assumes it is (R5)");
  }
  if (!os.tls13 && (d & Info(Protocol::kTls13).bit)) {
    s.notes.push_back(
        "the TLS 1.3 bit is valid in the registry (R3, from a recent "
        "winhttp.dll); whether older builds accept it is unconfirmed [unsure]; "
        "either way " +
        os.name + " cannot use TLS 1.3 (step 4)");
  }
  return s;
}

ExplainStep AppStep(const OsInfo& os, std::optional<uint32_t> app_mask, uint32_t before,
                    bool* used) {
  ExplainStep s = Step(3, "app-mask", before, rules::kR6);
  *used = false;
  if (!app_mask) {
    s.outcome = "none";
    s.detail = "the app does not set WINHTTP_OPTION_SECURE_PROTOCOLS";
    return s;
  }
  uint32_t m = *app_mask;
  if (m == 0) {
    s.outcome = "rejected";
    s.detail = "WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS, 0) fails: the app keeps " +
               SetText(before) + " (R6)";
    return s;
  }
  if ((m & ~os.KnownBits()) == Info(Protocol::kTls13).bit && MayAcceptTls13Mask(os)) {
    // R6 [unsure]: both outcomes are possible; the set keeps the documented
    // one and the note gives the other.
    s.outcome = "rejected";
    s.unsure = true;
    s.detail = "WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS, " + Hex(m) + ") on " + os.name +
               ": the TLS 1.3 bit is unknown before Windows 11 / Server 2022, so the "
               "call fails and the app keeps " +
               SetText(before) + " (R6 [unsure])";
    s.notes.push_back(
        "[unsure] Windows 10 1903 and later builds with experimental TLS 1.3 may "
        "accept the mask: then the app offers " +
        SetText(m) + " instead, before steps 4 and 5");
    return s;
  }
  if (uint32_t bad = m & ~os.KnownBits()) {
    s.outcome = "rejected";
    std::string why = (bad & ~kKnownBits) ? DescribeUnknownBits(m & ~kKnownBits)
                                          : "bit " + Hex(bad) + " (TLS 1.3) is unknown before "
                                            "Windows 11 / Server 2022";
    s.detail = "WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS, " + Hex(m) + ") fails on " +
               os.name + ": " + why + "; the app keeps " + SetText(before) + " (R6)";
    return s;
  }
  *used = true;
  s.outcome = "used";
  s.after = m;
  s.detail = "the app sets " + SetText(m) + ": it wins over the registry (R6)";
  return s;
}

ExplainStep OsStep(const OsInfo& os, uint32_t before) {
  ExplainStep s = Step(4, "os-support", before, rules::kR7);
  std::string removed;
  for (Protocol p : ProtocolSet(before).Protocols()) {
    if (os.Supports(p)) continue;
    s.after &= ~Info(p).bit;
    std::string why = p == Protocol::kTls13 ? "TLS 1.3 needs Windows 11 / Server 2022 or later"
                      : p == Protocol::kSsl2 ? "SSL 2.0 is gone from Windows 10 1607 / Server "
                                               "2016 on"
                                             : std::string(Info(p).name) + " is not supported";
    removed += (removed.empty() ? "" : "; ") + why;
  }
  if (removed.empty()) {
    s.outcome = "unchanged";
    s.detail = os.name + " supports every protocol in the set";
  } else {
    s.outcome = "removed";
    s.detail = "removed " + ProtocolSet(before & ~s.after).Describe() + ": " + removed + " (R7)";
  }
  return s;
}

ExplainStep SchannelStep(const OsInfo& os, const RegistryInputs& in, uint32_t before,
                         const ModelOptions& opt) {
  ExplainStep s = Step(5, "schannel", before, rules::kR9);
  std::string removed;
  if (!in.has_system) {
    s.notes.push_back(in.target == "what-if"
                          ? "what-if: SCHANNEL is assumed at the OS defaults"
                          : "SCHANNEL was not read (the target has no HKLM\\SYSTEM; give "
                            "--system-hive): assumed at the OS defaults");
  }
  for (Protocol p : ProtocolSet(before).Protocols()) {
    const ProtocolInfo& info = Info(p);
    std::string name(info.name);
    std::string key = std::string(kSchannelProtocolsKey) + "\\" + name + "\\Client";
    const SchannelProtocol* sp = in.Schannel(p);
    std::optional<uint32_t> enabled, dbd;
    if (sp) {
      const RegRead& e = sp->client.enabled;
      const RegRead& d = sp->client.disabled_by_default;
      if (e.wrong_type()) {
        s.notes.push_back(name + " Client\\Enabled is " + TypeText(*e.value) +
                          ", not a REG_DWORD: SCHANNEL ignores it and uses its default [infer]");
      } else {
        enabled = e.dword();
      }
      if (d.wrong_type()) {
        s.notes.push_back(name + " Client\\DisabledByDefault is " + TypeText(*d.value) +
                          ", not a REG_DWORD: ignored [infer]");
      } else {
        dbd = d.dword();
      }
    }
    if (enabled && *enabled == 0) {
      s.after &= ~info.bit;
      removed += (removed.empty() ? "" : "; ") + name + " (" + key + "\\Enabled = 0)";
      continue;
    }
    if (enabled && *enabled == 0xFFFFFFFF) {
      s.notes.push_back(name + " Client\\Enabled = 0xFFFFFFFF: enabled (a legacy form; write 1)");
    }
    bool default_off =
        !enabled && os.schannel_client[static_cast<size_t>(p)] == SchannelDefault::kOff;
    if (dbd && *dbd != 0) {
      if (opt.disabled_by_default_removes) {
        s.after &= ~info.bit;
        removed += (removed.empty() ? "" : "; ") + name + " (" + key +
                   "\\DisabledByDefault = " + std::to_string(*dbd) + ", R9)";
        continue;
      }
      s.notes.push_back(name + " Client\\DisabledByDefault = " + std::to_string(*dbd) +
                        ": kept, because --disabled-by-default-keeps models WinHTTP's explicit "
                        "mask as reaching it (R9, other reading [unsure])");
    } else if (default_off && !dbd) {
      if (opt.disabled_by_default_removes) {
        s.after &= ~info.bit;
        removed += (removed.empty() ? "" : "; ") + name + " (off for clients by default on " +
                   os.name + ", " + key + " has no Enabled; R9, R10)";
        continue;
      }
      s.notes.push_back(name + " is off by default in SCHANNEL on " + os.name +
                        ": kept, because --disabled-by-default-keeps models WinHTTP's explicit "
                        "mask as reaching it (R9, other reading [unsure])");
    }
  }
  if (removed.empty()) {
    s.outcome = "unchanged";
    s.detail = "no SCHANNEL client key disables a protocol in the set";
  } else {
    s.outcome = "removed";
    s.detail = "SCHANNEL removes " + removed + " (R8, R9)";
  }
  return s;
}

void Verdict(Explanation& e, Architecture arch) {
  ProtocolSet set(e.effective_value);
  uint32_t ssl = Info(Protocol::kSsl2).bit | Info(Protocol::kSsl3).bit;
  uint32_t legacy = Info(Protocol::kTls10).bit | Info(Protocol::kTls11).bit;
  // On a 32-bit OS the native key serves every (32-bit) process.
  std::string who =
      arch == Architecture::k32Bit ? "WinHTTP processes" : ViewWord(e.view) + " WinHTTP processes";
  if (set.empty()) {
    e.verdict = "fails";
    e.verdict_text = who + " offer no protocol: every HTTPS request fails (R12)";
  } else if (e.effective_value & ssl) {
    e.verdict = "insecure";
    e.verdict_text = who + " can negotiate " + ProtocolSet(e.effective_value & ssl).Describe() +
                     ", which is broken";
  } else if (e.effective_value & legacy) {
    e.verdict = "legacy";
    e.verdict_text = who + " can negotiate deprecated " +
                     ProtocolSet(e.effective_value & legacy).Describe() + " (RFC 8996)";
  } else if (!set.Contains(Protocol::kTls12)) {
    e.verdict = "no-tls12";
    e.verdict_text = who + " offer only " + set.Describe() +
                     ": servers without it (most today) fail";
  } else {
    e.verdict = "good";
    e.verdict_text = who + " offer only " + set.Describe();
  }
}

}  // namespace

Explanation ExplainProcess(const OsInfo& os, const RegistryInputs& in,
                           std::optional<uint32_t> app_mask, View view,
                           const ModelOptions& options) {
  Explanation e;
  e.view = view;

  ExplainStep s1 = Step(1, "builtin-default", 0, rules::kR4);
  s1.after = os.builtin_default;
  s1.detail = os.name + " WinHTTP built-in default: " + SetText(os.builtin_default) +
              (os.builtin_default_overridden ? " (from --builtin-default)"
                                             : " [" + std::string(ConfidenceName(os.confidence)) +
                                                   "]");

  bool reg_used = false, app_used = false;
  ExplainStep s2 = RegistryStep(os, in, view, s1.after, &reg_used);
  ExplainStep s3 = AppStep(os, app_mask, s2.after, &app_used);
  // The other outcome of an [unsure] app step: run steps 4 and 5 on the mask.
  if (s3.unsure && app_mask) {
    uint32_t alt = SchannelStep(os, in, OsStep(os, *app_mask).after, options).after;
    e.alternative_value = alt;
    e.warnings.push_back("[unsure] if " + os.name + " accepts the app's mask " + Hex(*app_mask) +
                         ", " + ViewWord(view) + " processes end with " +
                         (alt ? SetText(alt)
                              : Hex(alt) + " (nothing: every HTTPS request "
                                           "fails)") +
                         " instead (R6)");
  }
  s1.outcome = (reg_used || app_used) ? "replaced" : "used";
  e.source = app_used ? "app" : reg_used ? "registry" : "builtin-default";
  if (app_used && reg_used) s2.notes.push_back("the app's own mask overrides it (step 3)");
  ExplainStep s4 = OsStep(os, s3.after);
  ExplainStep s5 = SchannelStep(os, in, s4.after, options);
  e.effective_value = s5.after;
  e.max_version = ProtocolSet(e.effective_value).Highest();
  e.steps = {std::move(s1), std::move(s2), std::move(s3), std::move(s4), std::move(s5)};
  Verdict(e, in.architecture);

  if (!os.unsure.empty() && !os.builtin_default_overridden) {
    e.warnings.push_back(os.id + " [" + std::string(ConfidenceName(os.confidence)) + "]: " +
                         os.unsure);
  }
  if (os.needs_kb3140245 && in.target != "what-if") {
    if (in.kb3140245 == KbStatus::kMissing) {
      e.warnings.push_back("KB3140245 is not installed: " + os.name +
                           " ignores DefaultSecureProtocols until it is (R5)");
    } else if (in.kb3140245 == KbStatus::kUnknown) {
      e.warnings.push_back(
          "KB3140245: the target cannot show whether it is installed; the "
          "model assumes it is (R5)");
    }
  } else if (os.needs_kb3140245) {
    e.warnings.push_back("KB3140245: " + os.name +
                         " reads DefaultSecureProtocols only once it is installed; the "
                         "what-if assumes it is (R5)");
  }
  if (in.force_default.present()) {
    std::string v = in.force_default.dword() ? Hex(*in.force_default.dword())
                                             : RegTypeName(in.force_default.value->type);
    e.warnings.push_back("ForceDefaultSecureProtocols is present (" + v +
                         "): undocumented, reported but not modelled (R13)");
  }
  return e;
}

std::string_view SchannelReadingName(const ModelOptions& o) {
  return o.disabled_by_default_removes ? "removes" : "keeps";
}

uint32_t RecommendedValue(const OsInfo& os) {
  uint32_t v = Info(Protocol::kTls12).bit;
  if (os.tls13) v |= Info(Protocol::kTls13).bit;
  return v;
}

}  // namespace secproto
