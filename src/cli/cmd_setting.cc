// secproto show / set / check / unset / rollback: the setting on one target.
#include <algorithm>
#include <iostream>

#include "backup_guard.h"
#include "cli_text.h"
#include "commands.h"
#include "common.h"
#include "policy_ops.h"
#include "secproto/changeset.h"
#include "secproto/policy.h"
#include "secproto/protocols.h"
#include "secproto/files.h"

namespace secproto::cli {
namespace {

// The command that clears a finding, or "" when there is no single one.
std::string FixFor(const Inspection& ins, const Finding& f) {
  if (f.code != "one-view") return "";
  for (const ViewState& vs : ins.views) {
    if (auto d = vs.dword(); d && ProtocolSet(*d).IsValid()) {
      return "secproto set " + ProtocolSet(*d).Hex() + " --view both --target " + ins.target;
    }
  }
  return "";
}

void PrintInspection(const Inspection& ins) {
  std::cout << ins.target << " (" << ArchitectureName(ins.architecture) << " OS"
            << (ins.architecture == Architecture::kUnknown ? ": both views expected" : "") << ")\n";
  for (const ViewState& vs : ins.views) {
    std::cout << "  view " << ViewName(vs.view) << "  " << vs.physical_key << "\n";
    if (!vs.key_exists) {
      std::cout << "    key missing\n";
      continue;
    }
    std::cout << "    " << DescribeValue(vs.value);
    if (vs.value)
      std::cout << (vs.UsedByWinHttp() ? "  [used by WinHTTP]" : "  [IGNORED by WinHTTP]");
    std::cout << "\n";
  }
  for (const Finding& f : ins.findings) {
    std::cout << "  " << f.severity << ": " << f.code << ": " << f.message << "\n";
    if (std::string fix = FixFor(ins, f); !fix.empty()) std::cout << "    fix: " << fix << "\n";
  }
}

// --- show ---------------------------------------------------------------------

struct ShowOptions {
  TargetFlags target;
};

// --- set / unset ----------------------------------------------------------------

struct WriteOptions {
  std::vector<std::string> protocols;
  TargetFlags target;
  std::string view = "both";
  bool dry_run = false;
  std::string backup;
  bool restart_services = false;
  int restart_timeout = kServiceTimeoutSeconds;
};

// --restart-services is for the machine's own registry only.
Status CheckRestartFlag(bool restart_services, const RegistryBackend& backend) {
  if (restart_services && !IsLiveTarget(backend)) {
    return Fail(Error::Usage("--restart-services needs the live target, not " + backend.Describe(),
                             "restart-not-live"));
  }
  return {};
}

// The value `set` writes: the list, or the edits applied to what the views hold.
Expected<uint32_t> ValueToWrite(const ProtocolSpec& spec, RegistryBackend& backend,
                                const std::vector<View>& views) {
  if (!spec.relative) return WinHttpValueForTarget(spec, backend).value;
  SECPROTO_ASSIGN_OR_RETURN(ins, Inspect(backend));
  SECPROTO_ASSIGN_OR_RETURN(base, EditBase(ins, views));
  return spec.Apply(base);
}

// One view chosen on an OS that has both: say what the other one holds.
Expected<std::string> OtherViewNote(RegistryBackend& backend, const std::vector<View>& views,
                                    Architecture arch) {
  if (views.size() != 1 || arch == Architecture::k32Bit) return std::string();
  SECPROTO_ASSIGN_OR_RETURN(ins, Inspect(backend));
  std::string note;
  for (const ViewState& vs : ins.views) {
    if (vs.view == views.front()) continue;
    note = "view " + std::string(ViewName(vs.view)) + " is left as it was (" +
           (vs.value ? DescribeValue(vs.value) : std::string("no value")) + "); " +
           (vs.view == View::k64 ? "64-bit" : "32-bit") +
           " processes read it (--view both writes both)";
  }
  return note;
}

// The protocol warnings of `value`, worded for the machine when it is known.
std::vector<Warning> SetWarnings(RegistryBackend& backend, uint32_t value) {
  Json os = OsJson(backend);
  std::string machine = MachineName(os);
  bool honours =
      !os.is_null() && WindowsHonoursTls13(os["major"].get<uint32_t>(), os["build"].get<uint32_t>(),
                                           os["product_type"].get<std::string>());
  std::vector<Warning> out;
  for (const Warning& x : WarningsFor(ProtocolSet(value))) {
    if (auto m = MachineWarning(x.code, x.message, machine, honours)) out.push_back({x.code, *m});
  }
  return out;
}

// What a set/unset did, for printing.
struct WriteReport {
  std::optional<uint32_t> value;  // nullopt: unset
  SettingWriteResult written;
  std::vector<Warning> warnings;
  std::string note;
};

int RestartAfter(const WriteOptions& o, bool changed, RegistryBackend& backend, Json* j) {
  return RestartExit(
      MaybeRestart(o.restart_services, o.restart_timeout, changed && !o.dry_run, backend, j));
}

int PrintWriteJson(const WriteOptions& o, RegistryBackend& backend, const WriteReport& r) {
  const ChangeResult& result = r.written.change;
  Json j;
  j["target"] = backend.Describe();
  j["operation"] = r.value ? "set" : "unset";
  if (r.value) Merge(j, ProtocolSetJson(*r.value));
  j["dry_run"] = o.dry_run;
  Merge(j, ChangeJson(result));
  j["backup"] = r.written.backup_saved ? Json(o.backup) : Json(nullptr);
  j["notices"] = backend.Notices();
  j["restart"] = result.changed && !o.dry_run ? RestartJson(backend) : Json::array();
  Json w = Json::array();
  for (const Warning& x : r.warnings) w.push_back(Json{{"code", x.code}, {"message", x.message}});
  j["warnings"] = w;
  std::string failure = MaybeRestart(o.restart_services, o.restart_timeout,
                                     result.changed && !o.dry_run, backend, &j);
  PrintJson(j);
  return RestartExit(failure);
}

int PrintWriteText(const WriteOptions& o, RegistryBackend& backend, const WriteReport& r) {
  const ChangeResult& result = r.written.change;
  std::string what = !r.value ? "remove DefaultSecureProtocols"
                              : "DefaultSecureProtocols = " + ProtocolSet(*r.value).Hex() + " (" +
                                    ProtocolSet(*r.value).Describe() + ")";
  std::cout << (o.dry_run ? "dry run, nothing written: " : "") << backend.Describe() << ": " << what
            << "\n";
  if (!r.note.empty()) std::cout << "  note: " << r.note << "\n";
  for (const ViewChange& c : result.views) {
    std::cout << "  view " << ViewName(c.view) << ": " << ActionWord(c.action, o.dry_run);
    if (c.action != "unchanged" && c.action != "absent" && c.before) {
      std::cout << " (was " << DescribeValue(c.before) << ")";
    }
    std::cout << "\n";
  }
  if (!result.changed) {
    std::cout << (!r.value ? "unchanged: there is no value to remove, nothing was written\n"
                           : "unchanged: the target already holds this, nothing was written\n");
  } else if (!o.dry_run) {
    for (const std::string& line : RestartAdvice(backend)) std::cout << line << "\n";
  }
  for (const Warning& w : r.warnings) Warn(w.message);
  if (!o.backup.empty() && !o.dry_run) {
    std::cout << BackupLine(o.backup, r.written.backup_saved && result.changed, backend,
                            HiveFlags(o.target))
              << "\n";
  }
  return RestartAfter(o, result.changed, backend, nullptr);
}

// Flags into a SettingWrite, one library call, the result into text or JSON.
int RunWrite(const WriteOptions& o, bool unset) {
  auto sel = ParseViewSelection(o.view);
  if (!sel) return ReportError(sel.error());
  std::optional<ProtocolSpec> spec;
  if (!unset) {
    auto parsed = ParseProtocols(o.protocols);
    if (!parsed) return ReportError(parsed.error());
    spec = *parsed;
  }
  auto opened = OpenTargetFromFlags(o.target, /*read_only=*/false, {"HKLM\\SOFTWARE"}, o.dry_run);
  if (!opened) return ReportError(opened.error());
  RegistryBackend& backend = **opened;
  if (auto ok = CheckRestartFlag(o.restart_services, backend); !ok) return ReportError(ok.error());
  auto arch = backend.DetectArchitecture();
  if (!arch) return ReportError(arch.error());
  WriteReport r;
  SettingWrite w;
  w.views = ResolveViews(*sel, *arch, &r.note);
  if (spec) {
    auto value = ValueToWrite(*spec, backend, w.views);
    if (!value) return ReportError(value.error());
    w.value = r.value = *value;
  }
  auto other = OtherViewNote(backend, w.views, *arch);
  if (!other) return ReportError(other.error());
  w.backup_path = o.backup;
  auto written = WriteSetting(backend, w);
  if (!written) return ReportError(written.error());
  r.written = std::move(*written);
  r.written.change.note = r.note;
  if (r.value) r.warnings = SetWarnings(backend, *r.value);
  if (!other->empty()) r.warnings.push_back({"other-view-unchanged", *other});
  if (G().json) return PrintWriteJson(o, backend, r);
  if (G().quiet) return RestartAfter(o, r.written.change.changed, backend, nullptr);
  return PrintWriteText(o, backend, r);
}

void AddWriteFlags(CLI::App& app, WriteOptions& o) {
  AddTargetFlags(app, o.target);
  app.add_option("--view", o.view, "Views to write: both (default), 64 or 32");
  app.add_flag("--dry-run,-n", o.dry_run, "Show what would change, write nothing");
  app.add_option("--backup", o.backup, "Write a JSON backup of the prior state here first");
  app.add_flag("--restart-services", o.restart_services,
               "live: restart the running WinHTTP services after a change (30 s timeout each)");
  app.add_option("--restart-timeout", o.restart_timeout,
                 "Seconds --restart-services waits for each stop and each start (default 30)")
      ->check(CLI::Range(1, 3600));
}

// --- check ------------------------------------------------------------------------

struct CheckOptions {
  std::vector<std::string> protocols;
  TargetFlags target;
  std::string view = "both";
};

// --- rollback -----------------------------------------------------------------------

struct RollbackOptions {
  std::string backup;
  TargetFlags target;
  bool dry_run = false;
  bool restart_services = false;
  bool force = false;
  int restart_timeout = kServiceTimeoutSeconds;
};

// The WinHTTP backup's target, opened for the restore (a dry run wrapped),
// after checking that the backup was taken from it.
Expected<std::unique_ptr<RegistryBackend>> OpenForRollback(const RollbackOptions& o,
                                                           const Backup& backup) {
  std::vector<std::string> roots;
  for (const BackupView& bv : backup.views) {
    std::string r = RootOfKey(bv.key);
    if (!r.empty() && std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
  }
  SECPROTO_ASSIGN_OR_RETURN(backend, OpenTargetFromFlags(o.target, o.dry_run, roots));
  if (!o.force) SECPROTO_TRY(CheckBackupBinding({backup.target, backup.machine}, o.backup, *backend));
  if (o.dry_run) backend = NewDryRunBackend(std::move(backend));
  SECPROTO_TRY(CheckRestartFlag(o.restart_services, *backend));
  return backend;
}

int PrintRollbackText(const RollbackOptions& o, const Backup& backup, const ChangeResult& r,
                      RegistryBackend& backend) {
  std::cout << (o.dry_run ? "dry run, nothing written: " : "") << backend.Describe()
            << ": rollback to " << o.backup << " (taken " << backup.created << " from "
            << backup.target << ")\n";
  for (size_t i = 0; i < r.views.size(); ++i) {
    const ViewChange& c = r.views[i];
    const BackupView& bv = backup.views[i];
    if (!bv.name.empty()) {
      std::cout << "  " << bv.key << "\\" << bv.name;
      if (PhysicalKey(View::k32, bv.key) != bv.key)
        std::cout << " [view " << ViewName(c.view) << "]";
      std::cout << ": " << ActionWord(c.action, o.dry_run) << " -> " << DescribeValue(c.after)
                << "\n";
      continue;
    }
    std::cout << "  view " << ViewName(c.view) << ": " << ActionWord(c.action, o.dry_run) << " -> "
              << DescribeValue(c.after) << "\n";
  }
  if (!r.changed) {
    std::cout << "unchanged: the target already matches the backup\n";
  } else if (!o.dry_run) {
    for (const std::string& line : RestartAdvice(backend)) std::cout << line << "\n";
  }
  return RestartExit(MaybeRestart(o.restart_services, o.restart_timeout, r.changed && !o.dry_run,
                                  backend, nullptr));
}

int RunRollback(const RollbackOptions& o) {
  auto bytes = ReadFileBytes(o.backup);
  if (!bytes) {
    Error e = bytes.error();
    e.kind = ErrorKind::kInput;
    return ReportError(e);
  }
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (IsChangeSetBackup(text))
    return RunChangeSetRollback(o.backup, text, o.target, o.dry_run, o.force);
  auto backup = BackupFromJson(text);
  if (!backup) return ReportError(backup.error());
  auto backend = OpenForRollback(o, *backup);
  if (!backend) return ReportError(backend.error());
  auto r = RestoreBackup(**backend, *backup);
  if (!r) return ReportError(r.error());
  bool changed = r->changed && !o.dry_run;
  if (G().json) {
    Json j;
    j["target"] = (*backend)->Describe();
    j["operation"] = "rollback";
    j["backup"] = o.backup;
    j["backup_target"] = backup->target;
    j["backup_created"] = backup->created;
    j["dry_run"] = o.dry_run;
    Merge(j, ChangeJson(*r));
    j["restart"] = changed ? RestartJson(**backend) : Json::array();
    std::string failure =
        MaybeRestart(o.restart_services, o.restart_timeout, changed, **backend, &j);
    PrintJson(j);
    return RestartExit(failure);
  }
  if (G().quiet) {
    return RestartExit(
        MaybeRestart(o.restart_services, o.restart_timeout, changed, **backend, nullptr));
  }
  return PrintRollbackText(o, *backup, *r, **backend);
}

}  // namespace

const CommandSetup kSetupShow = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<ShowOptions>();
  AddTargetFlags(app, o->target, TargetUse::kRead);
  return [o]() -> int {
    auto backend = OpenTargetFromFlags(o->target, /*read_only=*/true);
    if (!backend) return ReportError(backend.error());
    auto ins = Inspect(**backend);
    if (!ins) return ReportError(ins.error());
    Json os = OsJson(**backend);
    if (G().json) {
      Json j = InspectionJson(*ins);
      j["os"] = os;
      j["notices"] = (*backend)->Notices();
      PrintJson(j);
    } else {
      if (!os.is_null()) std::cout << "OS: " << OsLine(os) << "\n";
      PrintInspection(*ins);
    }
    return kExitOk;
  };
};

const CommandSetup kSetupSet = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<WriteOptions>();
  app.add_option("PROTOCOLS", o->protocols,
                 "tls1.2,tls1.3 | 0x2800 | a profile | edits: +tls1.3 -tls1.0")
      ->required();
  AddWriteFlags(app, *o);
  return [o]() { return RunWrite(*o, false); };
};

const CommandSetup kSetupUnset = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<WriteOptions>();
  AddWriteFlags(app, *o);
  return [o]() { return RunWrite(*o, true); };
};

const CommandSetup kSetupCheck = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<CheckOptions>();
  app.add_option("PROTOCOLS", o->protocols, "The expected protocols or value")->required();
  AddTargetFlags(app, o->target, TargetUse::kRead);
  app.add_option("--view", o->view, "Views to check: both (default), 64 or 32");
  return [o]() -> int {
    auto sel = ParseViewSelection(o->view);
    if (!sel) return ReportError(sel.error());
    auto spec = ParseProtocols(o->protocols);
    if (!spec) return ReportError(spec.error());
    if (spec->relative) {
      return ReportError(Error::Input("check takes a full list, not +/- edits", "relative-edit"));
    }
    if (auto why = WinHttpIgnoreReason(spec->absolute)) {
      return ReportError(Error::Input(
          "cannot check for " + ProtocolSet(spec->absolute).Hex() + ": " + *why, "ignored-value"));
    }
    auto backend = OpenTargetFromFlags(o->target, true);
    if (!backend) return ReportError(backend.error());
    auto arch = (*backend)->DetectArchitecture();
    if (!arch) return ReportError(arch.error());
    std::vector<View> views = ResolveViews(*sel, *arch, nullptr);
    const uint32_t want = WinHttpValueForTarget(*spec, **backend).value;
    auto r = CheckSetting(**backend, want, views);
    if (!r) return ReportError(r.error());
    if (G().json) {
      Json j;
      j["target"] = (*backend)->Describe();
      Merge(j, ProtocolSetJson(want), "expected_");
      j["compliant"] = r->compliant;
      Json views_json = Json::array();
      for (View v : views) views_json.push_back(std::string(ViewName(v)));
      j["views_checked"] = views_json;
      Json d = Json::array();
      for (const Difference& x : r->differences) {
        d.push_back(Json{{"view", std::string(ViewName(x.view))}, {"message", x.message}});
      }
      j["differences"] = d;
      j["state"] = InspectionJson(r->inspection);
      j["notices"] = (*backend)->Notices();
      PrintJson(j);
    } else if (r->compliant) {
      std::cout << "compliant: " << (*backend)->Describe() << " holds "
                << ProtocolSet(want).Hex() << " in view"
                << (views.size() > 1 ? "s 64 and 32" : " " + std::string(ViewName(views[0])))
                << "\n";
    } else {
      std::cout << "not compliant: " << (*backend)->Describe() << "\n";
      for (const Difference& x : r->differences) std::cout << "  " << x.message << "\n";
    }
    return r->compliant ? kExitOk : kExitDrift;
  };
};

const CommandSetup kSetupRollback = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<RollbackOptions>();
  app.add_option("BACKUP", o->backup, "A backup written by set/unset --backup")->required();
  AddTargetFlags(app, o->target);
  app.add_flag("--dry-run,-n", o->dry_run, "Show what would change, write nothing");
  app.add_flag("--restart-services", o->restart_services,
               "live: restart the running WinHTTP services after a change (30 s timeout each)");
  app.add_flag("--force", o->force,
               "Apply a backup taken from another target or machine than --target");
  app.add_option("--restart-timeout", o->restart_timeout,
                 "Seconds --restart-services waits for each stop and each start (default 30)")
      ->check(CLI::Range(1, 3600));
  return [o]() -> int { return RunRollback(*o); };
};

}  // namespace secproto::cli
