// secproto doctor: every misconfiguration of WinHTTP's policy and the
// settings around it, with evidence and the command that fixes it.
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "explain_common.h"
#include "explain_stack.h"
#include "secproto/doctor.h"
#include "secproto/explain.h"
#include "secproto/write.h"

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
  std::string fix_file;  ///< --fix-file: the one fix as a policy file
  bool force = false;    ///< replace an existing --fix-file
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
  DoctorFix fix;             ///< the one change that clears every fixable finding
  std::string fix_file;      ///< where --fix-file wrote it ("" when not written)
  std::string fix_command;   ///< the one command Next steps prints ("" when none)
};

// The fix file: the policy with a header that says where it came from.
std::string FixFileText(const DoctorReport& r) {
  std::string out = "# The one fix secproto doctor computed for " + r.inputs.target + " (" +
                    r.os.os.id + ").\n# It clears: ";
  for (size_t i = 0; i < r.fix.clears.size(); ++i) out += (i ? ", " : "") + r.fix.clears[i];
  out += "\n# Review it with `secproto policy plan FILE`, apply it with `secproto policy apply FILE`.\n";
  return out + PolicyToToml(r.fix.policy);
}

Expected<DoctorReport> RunDiagnosis(const DoctorOptions& o) {
  // A --fix-file that exists is refused before any work (write.h).
  SECPROTO_TRY(CheckOutputFile(o.fix_file, OutputOptions{o.force}));
  SECPROTO_ASSIGN_OR_RETURN(opened, OpenTargetFromFlags(o.target, /*read_only=*/true));
  RegistryBackend& backend = *opened;
  SECPROTO_ASSIGN_OR_RETURN(inputs, ReadRegistryInputs(backend));
  SECPROTO_ASSIGN_OR_RETURN(os, ResolveOs(&backend, o.os, o.builtin_default));
  DoctorReport r;
  r.os = std::move(os);
  r.inputs = std::move(inputs);
  r.mo = o.model.Options();
  std::string args = TargetArgs(o.target);
  SECPROTO_ASSIGN_OR_RETURN(all, DiagnoseTarget(r.os.os, backend, args, r.mo));
  r.findings = std::move(all.findings);
  r.components = std::move(all.components);
  r.model_findings = all.model_findings;
  for (const DoctorFinding& f : r.findings) {
    (f.severity == "error" ? r.errors : f.severity == "warning" ? r.warnings : r.infos)++;
  }
  // The findings stand on their own: a one fix that cannot be computed is
  // said in Next steps, not an error of doctor.
  auto fix = ComputeDoctorFix(r.os.os, backend, args, r.mo);
  if (fix) {
    r.fix = std::move(*fix);
  } else {
    r.fix.unavailable = fix.error().message;
  }
  r.fix_command = r.fix.command;
  bool can_write =
      !r.fix.changes.empty() && r.fix.weakens.empty() && r.fix.unavailable.empty();
  if (!o.fix_file.empty() && !can_write) {
    Note(o.fix_file + " not written: there is no one fix to write (see Next steps)");
  }
  if (!o.fix_file.empty() && can_write) {
    SECPROTO_TRY(WriteOutputFile(o.fix_file, FixFileText(r), OutputOptions{o.force}));
    r.fix_file = o.fix_file;
    r.fix_command = "secproto policy apply " + ShellWord(o.fix_file) + " --os " + r.os.os.id +
                    (args.empty() ? "" : " " + args);
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
                       {"component", r.components[i]},
                       {"aliases", f.aliases}});
  }
  j["findings"] = arr;
  Json changes = Json::array();
  for (const PlannedChange& pc : r.fix.changes) {
    changes.push_back(Json{{"view", std::string(ViewName(pc.change.view))},
                           {"key", pc.change.key},
                           {"name", pc.change.name},
                           {"action", pc.action},
                           {"current", ValueJson(pc.current)},
                           {"new", ValueJson(pc.change.value)},
                           {"why", pc.change.why}});
  }
  Json left = Json::array();
  for (const DoctorFinding& f : r.fix.left) left.push_back(f.code);
  j["fix"] = {{"command", r.fix_command.empty() ? Json(nullptr) : Json(r.fix_command)},
              {"file", r.fix_file.empty() ? Json(nullptr) : Json(r.fix_file)},
              {"set", r.fix.set_lines},
              {"changes", changes},
              {"clears", r.fix.clears},
              {"left", left},
              {"weakens", r.fix.weakens},
              {"unavailable", r.fix.unavailable.empty() ? Json(nullptr) : Json(r.fix.unavailable)},
              {"rounds", r.fix.rounds},
              {"converged", r.fix.converged}};
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

/// Each finding, then Next steps: the one command that clears every
/// finding a registry change clears, then what only an update or a product
/// clears.
void PrintDoctorHuman(const DoctorReport& r) {
  PrintDoctorHeader(r);
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const DoctorFinding& f = r.findings[i];
    if (i >= r.model_findings &&
        (i == r.model_findings || r.components[i] != r.components[i - 1])) {
      std::cout << "\n[" << r.components[i] << "]\n";
    }
    std::cout << "\n" << f.severity << ": " << f.code << ": " << f.message << "\n";
    for (const Evidence& e : f.evidence) std::cout << "  evidence: " << EvidenceText(e) << "\n";
    if (!f.source.empty()) std::cout << "  source: " << f.source << "\n";
  }
  std::cout << "\n"
            << r.errors << " error(s), " << r.warnings << " warning(s), " << r.infos << " info\n";
  const DoctorFix& fix = r.fix;
  if (fix.changes.empty() && fix.left.empty() && fix.unavailable.empty()) return;
  std::cout << "\nNext steps:\n";
  if (!fix.unavailable.empty()) {
    std::cout << "  No one fix (" << fix.unavailable << "); each finding's own commands:\n";
    std::vector<std::string> steps;
    for (const DoctorFinding& f : r.findings) {
      for (const std::string& step : f.fix_steps) {
        if (std::find(steps.begin(), steps.end(), step) == steps.end()) steps.push_back(step);
      }
    }
    for (const std::string& step : steps) std::cout << "  " << step << "\n";
  } else if (!fix.weakens.empty()) {
    std::cout << "  No fix is printed: clearing these findings would weaken the machine (";
    for (size_t i = 0; i < fix.weakens.size(); ++i) std::cout << (i ? "; " : "") << fix.weakens[i];
    std::cout << "). Decide each by hand.\n";
  } else if (!fix.changes.empty()) {
    std::cout << "  One change clears " << fix.clears.size() << " finding code(s) ("
              << fix.changes.size() << " value(s)"
              << (fix.converged ? "" : "; some findings remain after it, see below") << "):\n";
    if (!r.fix_command.empty()) {
      std::cout << "  " << r.fix_command << "\n";
    } else {
      std::cout << "  (a value name would not paste into a shell: write it with --fix-file FILE "
                   "and run `secproto policy apply FILE`)\n";
    }
    if (r.fix_file.empty()) {
      std::cout << "  To review it first: add --fix-file FILE to write it as a policy file, then "
                   "`secproto policy plan FILE`.\n";
    } else {
      std::cout << "  Written to " << r.fix_file << " (review: `secproto policy plan "
                << ShellWord(r.fix_file) << " --os " << r.os.os.id << "`).\n";
    }
  }
  bool header = false;
  for (const DoctorFinding& f : fix.left) {
    if (!header) {
      std::cout << "  Not cleared by a registry change:\n";
      header = true;
    }
    std::cout << "  - " << f.code << ": "
              << (f.fix_changes.empty() ? f.message : "still there after the fix: " + f.message)
              << "\n";
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
      app.add_option("--fix-file", o->fix_file,
                     "Write the one fix as a policy file to review, then apply with "
                     "`secproto policy apply FILE`");
      app.add_flag("--force", o->force, "Replace an existing --fix-file");
      app.footer("Exit 0: no errors; 1: errors found; 2: bad usage; 3: target unreadable.\n"
                 "Example:\n  secproto doctor --target image:/mnt/win --fix-file fix.toml");
      return [o]() -> int { return RunDoctor(*o); };
    };

}  // namespace secproto::cli
