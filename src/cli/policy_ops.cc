// secproto policy plan / apply / check / recover, and rollback of a change-set
// backup. A POLICY is a policy file or template (compiled for the target's OS)
// or a compiled change list (ReadChangeListFile, secproto/changeset.h).
#include "policy_ops.h"

#include <filesystem>
#include <iostream>

#include "backup_guard.h"
#include "explain_common.h"
#include "policy_arg.h"
#include "secproto/text.h"
#include "secproto/capture.h"
#include "secproto/changeset.h"
#include "secproto/explain.h"
#include "secproto/policy.h"
#include "secproto/write.h"

namespace secproto::cli {
namespace {

// --- the changes to make ------------------------------------------------------

struct Compiled {
  std::string os_id;  ///< "" for a change list
  std::vector<RegChange> changes;
  std::vector<std::string> notes;
  std::string os_detected;  ///< what the target says when --os models another OS
  std::vector<std::string> warnings;  ///< CompiledPolicy::warnings
};

// "os_what_if": {"modelled", "detected"} when --os differs from the target.
void AddWhatIfJson(Json& j, const Compiled& c) {
  if (c.os_detected.empty()) return;
  j["os_what_if"] = Json{{"modelled", c.os_id}, {"detected", c.os_detected}};
}

Expected<Compiled> Compile(const PolicyArg& policy, const std::string& os_flag,
                           RegistryBackend& backend, OsUse use) {
  SECPROTO_ASSIGN_OR_RETURN(list, ReadChangeListFile(policy.policy));
  if (list && !policy.sets.empty()) {
    return Fail(Error::Usage(
        policy.policy + " is a change list: --set goes with a policy file or a template", "usage"));
  }
  if (list) return Compiled{list->os_id, std::move(list->changes), {}, {}, {}};
  SECPROTO_ASSIGN_OR_RETURN(p, LoadPolicyArg(policy));
  SECPROTO_ASSIGN_OR_RETURN(os, ResolveTargetOs(backend, os_flag, use));
  SECPROTO_ASSIGN_OR_RETURN(cp, CompilePolicy(p, os.os.id));
  // A 32-bit OS has no Wow6432Node view: its copies are not written.
  auto arch = backend.DetectArchitecture();
  if (arch && *arch == Architecture::k32Bit) {
    std::erase_if(cp.changes, [](const RegChange& c) { return c.view == View::k32; });
  }
  std::vector<std::string> notes = std::move(cp.notes);
  if (!os.what_if.empty()) notes.insert(notes.begin(), os.what_if);
  return Compiled{cp.os_id, std::move(cp.changes), std::move(notes), os.detected_id,
                  std::move(cp.warnings)};
}

// --- output ---------------------------------------------------------------------

std::string HiveOf(const std::string& key) {
  std::vector<std::string> parts = SplitKey(key);
  if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM")) return parts[1];
  return parts.empty() ? "" : parts[0];
}

std::string ValueText(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  std::string t = RegTypeName(v->type);
  if (auto d = v->AsDword()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " 0x%08x (%u)", *d, *d);
    return t + buf;
  }
  if (v->type == kRegSz || v->type == kRegExpandSz || v->type == kRegMultiSz) {
    auto s = Utf16LeToUtf8(v->data.data(), v->data.size());
    if (s) {
      std::string text;
      for (char c : *s) text += c == '\0' ? '|' : c;
      while (!text.empty() && text.back() == '|') text.pop_back();
      if (v->type == kRegMultiSz) {
        for (char& c : text) {
          if (c == '|') c = ',';
        }
        return t + " [" + text + "]";
      }
      return t + " \"" + text + "\"";
    }
  }
  return t + " " + v->HexData();
}

Json ChangeJson(const PlannedChange& pc) {
  const RegChange& c = pc.change;
  Json j;
  j["view"] = std::string(ViewName(c.view));
  j["hive"] = HiveOf(c.key);
  j["key"] = c.key;
  j["physical_key"] = PhysicalKey(c.view, c.key);
  j["name"] = c.name;
  j["action"] = pc.action;
  j["key_exists"] = pc.key_exists;
  j["current"] = ValueJson(pc.current);
  j["new"] = ValueJson(c.value);
  j["effect"] = std::string(EffectName(c.effect));
  j["why"] = c.why;
  return j;
}

Json PlanJson(const Plan& plan, bool only_needed) {
  Json list = Json::array();
  for (const PlannedChange& pc : plan.changes) {
    if (!only_needed || pc.needed()) list.push_back(ChangeJson(pc));
  }
  return list;
}

Json EffectJson(const Plan& plan) {
  auto e = plan.strongest_effect();
  return e ? Json(std::string(EffectName(*e))) : Json(nullptr);
}

void PrintPlan(const Plan& plan, std::string_view verb) {
  std::string last_group;
  for (const PlannedChange& pc : plan.changes) {
    if (!pc.needed()) continue;
    std::string group = "  " + HiveOf(pc.change.key) + ", view " +
                        std::string(ViewName(pc.change.view)) + ": " +
                        PhysicalKey(pc.change.view, pc.change.key);
    if (group != last_group) {
      std::cout << group << (pc.key_exists ? "" : "  (key missing)") << "\n";
      last_group = group;
    }
    std::cout << "    " << pc.change.name << ": " << verb << " " << pc.action << ": "
              << ValueText(pc.current) << " -> " << ValueText(pc.change.value) << "  ["
              << EffectName(pc.change.effect) << "]\n";
  }
}

std::string EffectAdvice(const Plan& plan) {
  auto e = plan.strongest_effect();
  if (!e) return "";
  switch (*e) {
    case Effect::kNextProcess:
      return "takes effect in processes started from now on";
    case Effect::kServiceRestart:
      return "takes effect when the services using TLS restart (a reboot is safest)";
    case Effect::kReboot:
      return "takes effect after the next reboot";
  }
  return "";
}

Json Notes(const std::vector<std::string>& notes) { return Json(notes); }

// --- plan / check ---------------------------------------------------------------

struct PlanOptions {
  PolicyArg policy;
  std::string os;
  TargetFlags target;
};

int RunPlanOrCheck(const PlanOptions& o, bool check) {
  auto backend = OpenTargetFromFlags(o.target, /*read_only=*/true);
  if (!backend) return ReportError(backend.error());
  auto compiled = Compile(o.policy, o.os, **backend, OsUse::kModel);
  if (!compiled) return ReportError(compiled.error());
  auto plan = PlanChanges(**backend, compiled->changes);
  if (!plan) return ReportError(plan.error());
  bool needed = plan->changes_anything();
  if (G().json) {
    Json j;
    j["target"] = (*backend)->Describe();
    j["operation"] = check ? "policy-check" : "policy-plan";
    j["policy"] = PolicyLabel(o.policy);
    AddSetsJson(j, o.policy);
    j["os"] = compiled->os_id.empty() ? Json(nullptr) : Json(compiled->os_id);
    AddWhatIfJson(j, *compiled);
    if (check) j["compliant"] = !needed;
    j["changes_needed"] = std::count_if(plan->changes.begin(), plan->changes.end(),
                                        [](const PlannedChange& c) { return c.needed(); });
    j["effect"] = EffectJson(*plan);
    j[check ? "drift" : "changes"] = PlanJson(*plan, check);
    j["notes"] = Notes(compiled->notes);
    j["warnings"] = Notes(compiled->warnings);
    PrintJson(j);
  } else if (!G().quiet) {
    std::cout << (*backend)->Describe() << ": policy " << PolicyLabel(o.policy)
              << (compiled->os_id.empty() ? "" : " for " + compiled->os_id) << "\n";
    for (const std::string& w : compiled->warnings) std::cout << "  warning: " << w << "\n";
    for (const std::string& n : compiled->notes) std::cout << "  note: " << n << "\n";
    if (!needed) {
      std::cout << (check ? "compliant: every value already matches the policy\n"
                          : "nothing to change: the target already matches the policy\n");
    } else {
      if (check) std::cout << "drift: these values differ from the policy\n";
      PrintPlan(*plan, check ? "needs" : "would");
      if (!check) std::cout << "then: " << EffectAdvice(*plan) << "\n";
    }
  }
  return needed ? kExitDrift : kExitOk;
}

// --- apply ---------------------------------------------------------------------------

struct ApplyOptions {
  PolicyArg policy;
  std::string os;
  TargetFlags target;
  std::string backup;
  bool dry_run = false;
  bool force = false;
};

// The JSON answer of `policy apply`.
Json ApplyJson(const ApplyOptions& o, const RegistryBackend& backend, const Compiled& compiled,
               const Plan& plan, const ChangeSetResult& r, bool backup_written) {
  Json j;
  j["target"] = backend.Describe();
  j["operation"] = "policy-apply";
  j["policy"] = PolicyLabel(o.policy);
  AddSetsJson(j, o.policy);
  j["os"] = compiled.os_id.empty() ? Json(nullptr) : Json(compiled.os_id);
  AddWhatIfJson(j, compiled);
  j["dry_run"] = o.dry_run;
  j["changed"] = r.changed;
  j["committed"] = r.committed;
  j["written"] = r.written;
  j["effect"] = EffectJson(plan);
  j["changes"] = PlanJson(plan, true);
  j["backup"] = backup_written ? Json(o.backup) : Json(nullptr);
  j["notes"] = Notes(compiled.notes);
  j["warnings"] = Notes(compiled.warnings);
  return j;
}

int RunApply(const ApplyOptions& o) {
  auto opened = OpenTargetFromFlags(o.target, o.dry_run);
  if (!opened) return ReportError(opened.error());
  std::unique_ptr<RegistryBackend> backend = std::move(*opened);
  if (o.dry_run) backend = NewDryRunBackend(std::move(backend));
  auto compiled =
      Compile(o.policy, o.os, *backend, o.force ? OsUse::kWriteForced : OsUse::kWrite);
  if (!compiled) return ReportError(compiled.error());
  auto plan = PlanChanges(*backend, compiled->changes);
  if (!plan) return ReportError(plan.error());
  ChangeWriteOptions wo;
  wo.backup_path = o.backup;
  wo.dry_run = o.dry_run;
  auto outcome = WriteChangeSet(*backend, *plan, wo);
  if (!outcome) return ReportError(outcome.error());
  const ChangeSetResult* result = &outcome->result;
  if (G().json) {
    PrintJson(ApplyJson(o, *backend, *compiled, *plan, *result, outcome->backup_written));
    return kExitOk;
  }
  if (G().quiet) return kExitOk;
  std::cout << (o.dry_run ? "dry run, nothing written: " : "") << backend->Describe()
            << ": apply policy " << PolicyLabel(o.policy)
            << (compiled->os_id.empty() ? "" : " for " + compiled->os_id) << "\n";
  for (const std::string& w : compiled->warnings) std::cout << "  warning: " << w << "\n";
  for (const std::string& n : compiled->notes) std::cout << "  note: " << n << "\n";
  if (!result->changed) {
    std::cout << "unchanged: the target already matches the policy, nothing was written\n";
    return kExitOk;
  }
  PrintPlan(*plan, o.dry_run ? "would" : "did");
  std::cout << (o.dry_run ? "would write " : "wrote ") << result->written << " value(s); "
            << EffectAdvice(*plan) << "\n";
  if (outcome->backup_written) {
    std::cout << BackupLine(o.backup, true, *backend, HiveFlags(o.target)) << "\n";
  }
  return kExitOk;
}

// --- recover -------------------------------------------------------------------------

int RunRecover(const TargetFlags& target) {
  if (target.target.empty()) {
    return ReportError(
        Error::Usage("policy recover needs --target (image:DIR, or hive:SOFTWARE "
                     "--system-hive SYSTEM)",
                     "no-target"));
  }
  // Opening a hive pair for writing finishes or undoes an interrupted commit.
  TargetOptions opts;
  opts.force_dirty = target.force_dirty;
  opts.system_hive = target.system_hive;
  opts.user_hive = target.user_hive;
  auto opened = OpenTarget(target.target, opts);
  if (!opened) return ReportError(opened.error());
  std::optional<PairRecovery> recovery = (*opened)->Recovery();
  std::vector<std::string> notes;
  if (recovery) notes.push_back(recovery->note);
  std::string action = !recovery ? "none"
                       : recovery->action == PairRecovery::Action::kFinished ? "finished"
                                                                             : "undone";
  if (G().json) {
    PrintJson(Json{{"target", (*opened)->Describe()},
                   {"operation", "policy-recover"},
                   {"action", action},
                   {"notes", Notes(notes)}});
  } else if (!G().quiet) {
    if (notes.empty()) {
      std::cout << (*opened)->Describe() << ": nothing to recover (no interrupted apply)\n";
    }
    for (const std::string& n : notes) std::cout << n << "\n";
  }
  return kExitOk;
}

// --- capture -------------------------------------------------------------------------

struct CaptureFlags {
  TargetFlags target;
  std::string os;
  std::string output;
  std::string format = "toml";
  std::string untouched = "reset";
  bool force = false;
};

Expected<CaptureOptions> CaptureOptionsFromFlags(const CaptureFlags& o) {
  if (o.format != "toml" && o.format != "json") {
    return std::unexpected(Error::Usage("--format must be toml or json", "bad-format"));
  }
  CaptureOptions options;
  options.os_id = o.os;
  if (o.untouched == "reset") {
    options.untouched = Manage::kReset;
  } else if (o.untouched == "leave") {
    options.untouched = Manage::kLeave;
  } else {
    return std::unexpected(Error::Usage("--untouched must be reset or leave", "bad-untouched"));
  }
  if (!o.os.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(os, FindOs(o.os));
    options.os_id = os.id;
  }
  return options;
}

Json CaptureJson(const CaptureFlags& o, const CaptureResult& r) {
  Json j;
  j["target"] = r.target;
  j["operation"] = "policy-capture";
  j["os"] = r.os_id;
  j["os_detected"] = r.os_detected;
  j["captured"] = r.captured_at;
  j["policy"] = Json::parse(PolicyToJson(r.policy));
  j["notes"] = Notes(r.notes);
  j["normalised"] = Json(r.normalised);
  j["compliant"] = r.normalised.empty();
  j["output"] = o.output.empty() ? Json(nullptr) : Json(o.output);
  j["format"] = o.format;
  return j;
}

void PrintCaptureWritten(const CaptureFlags& o, const CaptureResult& r) {
  std::cout << r.target << ": captured for " << r.os_id << " into " << o.output << "\n";
  for (const std::string& n : r.notes) std::cout << "  note: " << n << "\n";
  if (r.normalised.empty()) {
    std::cout << "the target complies with the captured policy as it is\n";
  } else {
    // The whole command: the plan needs the target (and an --os the target
    // does not say) as the capture did.
    std::string plan = "secproto policy plan " + ShellWord(o.output);
    if (!o.target.target.empty()) plan += " --target " + ShellWord(o.target.target);
    if (!o.target.system_hive.empty()) plan += " --system-hive " + ShellWord(o.target.system_hive);
    if (!o.target.user_hive.empty()) plan += " --user-hive " + ShellWord(o.target.user_hive);
    if (!r.os_detected) plan += " --os " + r.os_id;
    std::cout << r.normalised.size()
              << " value(s) are held in another form than the policy writes them; `" << plan
              << "` shows them\n";
  }
}

int RunCapture(const CaptureFlags& o) {
  auto options = CaptureOptionsFromFlags(o);
  if (!options) return ReportError(options.error());
  if (Status s = CheckOutputFile(o.output, OutputOptions{o.force}); !s)
    return ReportError(s.error());
  auto backend = OpenTargetFromFlags(o.target, /*read_only=*/true);
  if (!backend) return ReportError(backend.error());
  auto r = CapturePolicy(**backend, *options);
  if (!r) return ReportError(r.error());
  std::string text = o.format == "json" ? PolicyToJson(r->policy) + "\n" : CaptureToToml(*r);
  if (!o.output.empty()) {
    auto wrote = WriteOutputFile(o.output, text, OutputOptions{o.force});
    if (!wrote) return ReportError(wrote.error());
  }
  if (G().json) {
    PrintJson(CaptureJson(o, *r));
    return kExitOk;
  }
  if (o.output.empty()) {
    std::cout << text;
    return kExitOk;
  }
  if (!G().quiet) PrintCaptureWritten(o, *r);
  return kExitOk;
}

}  // namespace

void AddPolicyOpsSubcommands(CLI::App& policy, std::vector<PolicySubcommand>& out) {
  auto add_plan = [&](const char* name, const char* help, bool check) {
    auto o = std::make_shared<PlanOptions>();
    CLI::App* sub = policy.add_subcommand(name, help);
    AddPolicyArg(*sub, o->policy, "A policy file, a template name, or a change list");
    sub->add_option("--os", o->os, "The OS id to compile for (default: detected from the target)");
    AddTargetFlags(*sub, o->target);
    out.push_back({sub, [o, check]() { return RunPlanOrCheck(*o, check); }});
  };
  add_plan("plan",
           "Every value the policy would change on the target, per hive and view, and what each "
           "needs to take effect (exit 1 when something would change)",
           false);
  add_plan("check", "Exit 0 when the target complies with the policy, 1 with the drifting values",
           true);

  auto a = std::make_shared<ApplyOptions>();
  CLI::App* apply = policy.add_subcommand(
      "apply", "Write the policy to the target as one change (idempotent, all-or-nothing)");
  AddPolicyArg(*apply, a->policy, "A policy file, a template name, or a change list");
  apply->add_option("--os", a->os, "The OS id to compile for (default: detected from the target)");
  AddTargetFlags(*apply, a->target);
  apply->add_option(
      "--backup", a->backup,
      "Write a backup of every value it touches here first (undo: secproto rollback)");
  apply->add_flag("--dry-run,-n", a->dry_run, "Show what would change, write nothing");
  apply->add_flag("--force", a->force,
                  "Write for an --os other than the one the target says it is");
  out.push_back({apply, [a]() { return RunApply(*a); }});

  auto r = std::make_shared<TargetFlags>();
  CLI::App* recover = policy.add_subcommand(
      "recover", "Finish or undo an apply to an image's SOFTWARE+SYSTEM pair that was interrupted");
  AddTargetFlags(*recover, *r);
  out.push_back({recover, [r]() { return RunRecover(*r); }});

  auto c = std::make_shared<CaptureFlags>();
  CLI::App* capture = policy.add_subcommand(
      "capture",
      "Write the target's current TLS stack as a policy file (live, image, hive, or an IIS "
      "Crypto .reg backup through reg:)");
  AddTargetFlags(*capture, c->target, TargetUse::kRead);
  capture->add_option("--os", c->os,
                      "The OS id to read the stack against (default: detected from the target)");
  capture->add_option("-o,--output", c->output,
                      "Write the policy to this file (atomically; refuses an existing file)");
  capture->add_option("--format", c->format, "toml (default, with a comment header) or json");
  capture->add_option("--untouched", c->untouched,
                      "What a part the target does not override becomes: reset (default) or "
                      "leave");
  capture->add_flag("--force", c->force, "Replace an existing -o file");
  capture->footer(
      "Examples:\n  secproto policy capture --target image:/mnt/win -o win.toml\n"
      "  secproto policy capture --target reg:iiscrypto-backup.reg --os ws2019 -o ws2019.toml");
  out.push_back({capture, [c]() { return RunCapture(*c); }});
}

int RunChangeSetRollback(const std::string& backup_path, std::string_view backup_text,
                         const TargetFlags& target, bool dry_run, bool force) {
  auto backup = ChangeSetBackupFromJson(backup_text);
  if (!backup) return ReportError(backup.error());
  auto opened = OpenTargetFromFlags(target, dry_run);
  if (!opened) return ReportError(opened.error());
  std::unique_ptr<RegistryBackend> backend = std::move(*opened);
  if (dry_run) backend = NewDryRunBackend(std::move(backend));
  auto r = RestoreChangeSet(*backend, *backup, backup_path, force);
  if (!r) return ReportError(r.error());
  if (G().json) {
    Json j;
    j["target"] = backend->Describe();
    j["operation"] = "rollback";
    j["kind"] = "changeset";
    j["backup"] = backup_path;
    j["backup_target"] = backup->target;
    j["backup_created"] = backup->created;
    j["dry_run"] = dry_run;
    j["changed"] = r->changed;
    j["committed"] = r->committed;
    j["written"] = r->written;
    j["keys_removed"] = r->keys_removed;
    j["changes"] = PlanJson(r->plan, true);
    PrintJson(j);
    return kExitOk;
  }
  if (G().quiet) return kExitOk;
  std::cout << (dry_run ? "dry run, nothing written: " : "") << backend->Describe()
            << ": rollback to " << backup_path << " (taken " << backup->created << " from "
            << backup->target << ")\n";
  if (!r->changed) {
    std::cout << "unchanged: the target already matches the backup\n";
    return kExitOk;
  }
  PrintPlan(r->plan, dry_run ? "would" : "did");
  std::cout << (dry_run ? "would restore " : "restored ") << r->written << " value(s), "
            << (dry_run ? "would remove " : "removed ") << r->keys_removed
            << " key(s) the apply had created\n";
  return kExitOk;
}

}  // namespace secproto::cli
