#include "explain/fix_steps.h"

#include "core/strings.h"
#include "secproto/keys.h"
#include "secproto/stack_explain.h"

namespace secproto {

std::vector<RegChange> WinHttpValueChanges(uint32_t value, Architecture arch) {
  std::vector<RegChange> out;
  for (View v : ProcessViews(arch)) {
    out.push_back(RegChange{v, std::string(kWinHttpKey), std::string(kValueName),
                            RegValue::Dword(value), Effect::kServiceRestart,
                            "DefaultSecureProtocols " + ProtocolSet(value).Hex()});
  }
  return out;
}

std::vector<RegChange> RelatedChanges(const std::vector<RelatedWrite>& writes, Effect effect) {
  std::vector<RegChange> out;
  for (const RelatedWrite& w : writes) {
    out.push_back(RegChange{w.view, w.key, w.name, RegValue::Dword(w.value), effect,
                            w.name + " = " + std::to_string(w.value)});
  }
  return out;
}

std::vector<RegChange> PolicySetChanges(const std::vector<std::string>& lines,
                                        const OsInfo& os, Architecture arch) {
  auto p = LoadPolicy("", lines);
  if (!p) return {};
  auto c = CompilePolicy(*p, os.id);
  if (!c) return {};
  if (arch == Architecture::k32Bit) {
    std::erase_if(c->changes, [](const RegChange& x) { return x.view == View::k32; });
  }
  return std::move(c->changes);
}

bool WeakSuite(const CipherSuiteInfo& s) {
  return !CipherKeyOf(s).empty() || s.name.find("EXPORT") != std::string_view::npos ||
         s.name.find("_anon_") != std::string_view::npos;
}

bool WeakAlgorithmKey(std::string_view name) {
  std::string l = Lower(name);
  return l == "md5" || l == "null" || l.starts_with("rc4") || l.starts_with("rc2") ||
         l.starts_with("des") || l.starts_with("triple des");
}

std::string TomlArray(const std::vector<std::string>& names) {
  std::string s = "[";
  for (const std::string& n : names) s += (s.size() > 1 ? ", " : "") + ("'" + n + "'");
  return s + "]";
}

void PutFix(DoctorFinding& f, std::vector<FixStep> steps) {
  f.fix.clear();
  f.fix_steps.clear();
  f.fix_changes.clear();
  for (FixStep& s : steps) {
    if (!s.command.empty()) {
      f.fix += (f.fix.empty() ? "" : " && ") + s.command;
      f.fix_steps.push_back(s.command);
    }
    for (RegChange& c : s.changes) f.fix_changes.push_back(std::move(c));
  }
}

}  // namespace secproto
