// secproto doctor: every misconfiguration of WinHTTP's policy and the
// settings around it, with evidence and the command that fixes it.
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/explain_common.h"
#include "cli/explain_stack.h"
#include "secproto/explain.h"

namespace secproto::cli {
namespace {

Json EvidenceJson(const Evidence& e) {
  return Json{{"key", e.key},
              {"name", e.name},
              {"view", e.view.empty() ? Json(nullptr) : Json(e.view)},
              {"value", e.value},
              {"type", e.type.empty() ? Json(nullptr) : Json(e.type)}};
}

std::string EvidenceText(const Evidence& e) {
  std::string s = e.key + "\\" + e.name;
  if (!e.view.empty()) s += " [view " + e.view + "]";
  s += " = " + e.value;
  if (!e.type.empty() && e.type != "REG_DWORD") s += " (" + e.type + ")";
  return s;
}

struct DoctorOptions {
  TargetFlags target;
  std::string os;
  std::string builtin_default;
  OsFlags model;
};

int RunDoctor(const DoctorOptions& o) {
  auto opened = OpenTargetFromFlags(o.target, /*read_only=*/true);
  if (!opened) return ReportError(opened.error());
  RegistryBackend& backend = **opened;
  auto inputs = ReadRegistryInputs(backend);
  if (!inputs) return ReportError(inputs.error());
  auto os = ResolveOs(&backend, o.os, o.builtin_default);
  if (!os) return ReportError(os.error());
  ModelOptions mo = o.model.Options();
  std::vector<DoctorFinding> findings = Diagnose(os->os, *inputs, TargetArgs(o.target), mo);
  // The whole stack (docs/MODEL.md "Stack doctor codes"), grouped by component.
  auto stack_found = DiagnoseTargetStack(os->os, *inputs, backend, TargetArgs(o.target));
  if (!stack_found) return ReportError(stack_found.error());
  std::vector<std::string> components;
  for (const DoctorFinding& f : findings) components.push_back(ComponentOfFinding(f));
  size_t model_findings = findings.size();
  std::stable_sort(stack_found->begin(), stack_found->end(),
                   [](const StackFinding& a, const StackFinding& b) {
                     return a.component < b.component;
                   });
  for (StackFinding& f : *stack_found) {
    findings.push_back(std::move(f.finding));
    components.push_back(f.component);
  }

  int errors = 0, warnings = 0, infos = 0;
  for (const DoctorFinding& f : findings) {
    (f.severity == "error" ? errors : f.severity == "warning" ? warnings : infos)++;
  }
  if (G().json) {
    Json j;
    j["os"] = {{"id", os->os.id},
               {"name", os->os.name},
               {"build", os->os.build},
               {"product_type", std::string(os->os.ProductType())},
               {"detected_by", os->how},
               {"confidence", std::string(ConfidenceName(os->os.confidence))},
               {"note", os->note.empty() ? Json(nullptr) : Json(os->note)}};
    j["target"] = inputs->target;
    j["architecture"] = ArchitectureName(inputs->architecture);
    j["schannel_read"] = inputs->has_system;
    j["user_hive_read"] = inputs->has_user;
    j["kb3140245"] =
        os->os.needs_kb3140245 ? Json(std::string(KbStatusName(inputs->kb3140245))) : Json(nullptr);
    j["schannel_reading"] = std::string(SchannelReadingName(mo));
    j["notices"] = backend.Notices();
    Json arr = Json::array();
    for (size_t i = 0; i < findings.size(); ++i) {
      const DoctorFinding& f = findings[i];
      Json ev = Json::array();
      for (const Evidence& e : f.evidence) ev.push_back(EvidenceJson(e));
      arr.push_back(Json{{"code", f.code},
                         {"severity", f.severity},
                         {"message", f.message},
                         {"evidence", ev},
                         {"fix", f.fix.empty() ? Json(nullptr) : Json(f.fix)},
                         {"fix_steps", f.fix_steps},
                         {"source", f.source},
                         {"component", components[i]}});
    }
    j["findings"] = arr;
    j["summary"] = {{"errors", errors}, {"warnings", warnings}, {"info", infos}};
    PrintJson(j);
  } else {
    std::cout << "OS: " << os->os.name << " (" << os->os.id << ", " << os->how << ") ["
              << ConfidenceName(os->os.confidence) << "]\n";
    if (!os->note.empty()) std::cout << "  note: " << os->note << "\n";
    std::cout << "Target: " << inputs->target << " ("
              << (inputs->architecture == Architecture::kUnknown
                      ? std::string("OS bitness not known: both views checked")
                      : ArchitectureName(inputs->architecture) + " OS")
              << ")\n";
    if (!inputs->has_system) {
      std::cout << "  SCHANNEL not read: the target has no HKLM\\SYSTEM (give --system-hive)\n";
    }
    std::cout << "Model: " << ReadingText(mo) << "\n";
    // Each finding, then one block of the commands that clear them, in the
    // order of the findings (errors first), each command once.
    std::vector<std::string> steps;
    for (size_t i = 0; i < findings.size(); ++i) {
      const DoctorFinding& f = findings[i];
      if (i >= model_findings && (i == model_findings || components[i] != components[i - 1])) {
        std::cout << "\n[" << components[i] << "]\n";
      }
      std::cout << "\n" << f.severity << ": " << f.code << ": " << f.message << "\n";
      for (const Evidence& e : f.evidence) std::cout << "  evidence: " << EvidenceText(e) << "\n";
      if (!f.source.empty()) std::cout << "  source: " << f.source << "\n";
      for (const std::string& step : f.fix_steps) {
        if (std::find(steps.begin(), steps.end(), step) == steps.end()) steps.push_back(step);
      }
    }
    std::cout << "\n" << errors << " error(s), " << warnings << " warning(s), " << infos
              << " info\n";
    if (!steps.empty()) {
      std::cout << "\nNext steps:\n";
      for (const std::string& step : steps) std::cout << "  " << step << "\n";
    }
  }
  return errors > 0 ? kExitDrift : kExitOk;
}

}  // namespace

const CommandSetup kSetupDoctor = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<DoctorOptions>();
      AddTargetFlags(app, o->target, TargetUse::kRead);
      AddOsFlags(app, o->os, o->builtin_default, o->model);
      app.footer("Exit 0: no errors; 1: errors found; 2: bad usage; 3: target unreadable.\n"
                 "Example:\n  secproto doctor --target image:/mnt/win --json");
      return [o]() -> int { return RunDoctor(*o); };
    };

}  // namespace secproto::cli
