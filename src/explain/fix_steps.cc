#include "explain/fix_steps.h"

#include "secproto/keys.h"

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
