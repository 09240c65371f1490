// secproto doctor: every misconfiguration of WinHTTP's policy and the
// settings around it, with evidence and the command that fixes it.
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "explain_common.h"
#include "explain_stack.h"
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

/// Everything doctor found on a target: the model's findings first, then the
/// whole stack's (docs/MODEL.md "Stack doctor codes"), grouped by component.
struct DoctorReport {
  ResolvedOs os;
  RegistryInputs inputs;
  ModelOptions mo;
  std::vector<DoctorFinding> findings;
  std::vector<std::string> components;  ///< per finding
  size_t model_findings = 0;            ///< the first ones, from the model
  std::vector<std::string> notices;     ///< the backend's
  int errors = 0, warnings = 0, infos = 0;
};

/// Appends the stack's findings, sorted by component (stable), after the
/// model's.
void AddStackFindings(std::vector<StackFinding> stack, DoctorReport& r) {
  std::stable_sort(stack.begin(), stack.end(), [](const StackFinding& a, const StackFinding& b) {
    return a.component < b.component;
  });
  for (StackFinding& f : stack) {
    r.findings.push_back(std::move(f.finding));
    r.components.push_back(f.component);
  }
}

Expected<DoctorReport> RunDiagnosis(const DoctorOptions& o) {
  SECPROTO_ASSIGN_OR_RETURN(opened, OpenTargetFromFlags(o.target, /*read_only=*/true));
  RegistryBackend& backend = *opened;
  SECPROTO_ASSIGN_OR_RETURN(inputs, ReadRegistryInputs(backend));
  SECPROTO_ASSIGN_OR_RETURN(os, ResolveOs(&backend, o.os, o.builtin_default));
  DoctorReport r{std::move(os), std::move(inputs), o.model.Options(), {}, {}, 0, {}};
  r.findings = Diagnose(r.os.os, r.inputs, TargetArgs(o.target), r.mo);
  SECPROTO_ASSIGN_OR_RETURN(stack,
                            DiagnoseTargetStack(r.os.os, r.inputs, backend, TargetArgs(o.target)));
  for (const DoctorFinding& f : r.findings) r.components.push_back(ComponentOfFinding(f));
  r.model_findings = r.findings.size();
  AddStackFindings(std::move(stack), r);
  for (const DoctorFinding& f : r.findings) {
    (f.severity == "error" ? r.errors : f.severity == "warning" ? r.warnings : r.infos)++;
  }
  r.notices = backend.Notices();
  return r;
}

Json DoctorJson(const DoctorReport& r) {
  const OsInfo& os = r.os.os;
  Json j;
  j["os"] = {{"id", os.id},
             {"name", os.name},
             {"build", os.build},
             {"product_type", std::string(os.ProductType())},
             {"detected_by", r.os.how},
             {"confidence", std::string(ConfidenceName(os.confidence))},
             {"note", r.os.note.empty() ? Json(nullptr) : Json(r.os.note)}};
  if (!r.os.detected_id.empty())
    j["os_what_if"] = Json{{"modelled", os.id}, {"detected", r.os.detected_id}};
  j["target"] = r.inputs.target;
  j["architecture"] = ArchitectureName(r.inputs.architecture);
  j["schannel_read"] = r.inputs.has_system;
  j["user_hive_read"] = r.inputs.has_user;
  j["kb3140245"] =
      os.needs_kb3140245 ? Json(std::string(KbStatusName(r.inputs.kb3140245))) : Json(nullptr);
  j["schannel_reading"] = std::string(SchannelReadingName(r.mo));
  j["notices"] = r.notices;
  Json arr = Json::array();
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const DoctorFinding& f = r.findings[i];
    Json ev = Json::array();
    for (const Evidence& e : f.evidence) ev.push_back(EvidenceJson(e));
    arr.push_back(Json{{"code", f.code},
                       {"severity", f.severity},
                       {"message", f.message},
                       {"evidence", ev},
                       {"fix", f.fix.empty() ? Json(nullptr) : Json(f.fix)},
                       {"fix_steps", f.fix_steps},
                       {"source", f.source},
                       {"component", r.components[i]}});
  }
  j["findings"] = arr;
  j["summary"] = {{"errors", r.errors}, {"warnings", r.warnings}, {"info", r.infos}};
  return j;
}

void PrintDoctorHeader(const DoctorReport& r) {
  std::cout << "OS: " << r.os.os.name << " (" << r.os.os.id << ", " << r.os.how << ") ["
            << ConfidenceName(r.os.os.confidence) << "]\n";
  if (!r.os.note.empty()) std::cout << "  note: " << r.os.note << "\n";
  std::cout << "Target: " << r.inputs.target << " ("
            << (r.inputs.architecture == Architecture::kUnknown
                    ? std::string("OS bitness not known: both views checked")
                    : ArchitectureName(r.inputs.architecture) + " OS")
            << ")\n";
  if (!r.inputs.has_system) {
    std::cout << "  SCHANNEL not read: the target has no HKLM\\SYSTEM (give --system-hive)\n";
  }
  std::cout << "Model: " << ReadingText(r.mo) << "\n";
}

/// Each finding, then one block of the commands that clear them, in the
/// order of the findings (errors first), each command once.
void PrintDoctorHuman(const DoctorReport& r) {
  PrintDoctorHeader(r);
  std::vector<std::string> steps;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const DoctorFinding& f = r.findings[i];
    if (i >= r.model_findings &&
        (i == r.model_findings || r.components[i] != r.components[i - 1])) {
      std::cout << "\n[" << r.components[i] << "]\n";
    }
    std::cout << "\n" << f.severity << ": " << f.code << ": " << f.message << "\n";
    for (const Evidence& e : f.evidence) std::cout << "  evidence: " << EvidenceText(e) << "\n";
    if (!f.source.empty()) std::cout << "  source: " << f.source << "\n";
    for (const std::string& step : f.fix_steps) {
      if (std::find(steps.begin(), steps.end(), step) == steps.end()) steps.push_back(step);
    }
  }
  std::cout << "\n"
            << r.errors << " error(s), " << r.warnings << " warning(s), " << r.infos << " info\n";
  if (!steps.empty()) {
    std::cout << "\nNext steps:\n";
    for (const std::string& step : steps) std::cout << "  " << step << "\n";
  }
}

int RunDoctor(const DoctorOptions& o) {
  auto report = RunDiagnosis(o);
  if (!report) return ReportError(report.error());
  if (G().json) {
    PrintJson(DoctorJson(*report));
  } else {
    PrintDoctorHuman(*report);
  }
  return report->errors > 0 ? kExitDrift : kExitOk;
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
