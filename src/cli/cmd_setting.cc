// secproto show / set / check / unset / rollback: the setting on one target.
#include <algorithm>
#include <iostream>

#include "cli/backup_guard.h"
#include "cli/cli_text.h"
#include "cli/common.h"
#include "cli/policy_ops.h"
#include "secproto/changeset.h"
#include "secproto/protocols.h"
#include "util/file.h"

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
            << (ins.architecture == Architecture::kUnknown ? ": both views expected" : "")
            << ")\n";
  for (const ViewState& vs : ins.views) {
    std::cout << "  view " << ViewName(vs.view) << "  " << vs.physical_key << "\n";
    if (!vs.key_exists) {
      std::cout << "    key missing\n";
      continue;
    }
    std::cout << "    " << DescribeValue(vs.value);
    if (vs.value) std::cout << (vs.UsedByWinHttp() ? "  [used by WinHTTP]" : "  [IGNORED by WinHTTP]");
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

const bool kShow = RegisterCommand({
    "show", "Show DefaultSecureProtocols in every registry view of a target", 20,
    [](CLI::App& app) -> std::function<int()> {
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
    }});

// --- set / unset ----------------------------------------------------------------

// The hive flags a rollback needs besides --target.
std::string HiveFlags(const TargetFlags& t) {
  std::string out;
  if (!t.system_hive.empty()) out += " --system-hive " + t.system_hive;
  if (!t.user_hive.empty()) out += " --user-hive " + t.user_hive;
  return out;
}

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

// Opens the target (wrapped for a dry run), resolves the views, writes the
// backup file first, then runs `change`. Prints the result.
int RunWrite(const WriteOptions& o, bool unset) {
  auto sel = ParseViewSelection(o.view);
  if (!sel) return ReportError(sel.error());
  std::optional<ProtocolSpec> spec;
  if (!unset) {
    auto parsed = ParseProtocols(o.protocols);
    if (!parsed) return ReportError(parsed.error());
    spec = *parsed;
  }
  // A dry run opens read-only; a file that does not exist yet is previewed
  // as a new document (the dry-run wrapper never commits).
  const std::vector<std::string> roots = {"HKLM\\SOFTWARE"};
  auto opened = OpenTargetFromFlags(o.target, /*read_only=*/o.dry_run, roots);
  if (!opened && o.dry_run && opened.error().code == "not-found") {
    opened = OpenTargetFromFlags(o.target, /*read_only=*/false, roots);
  }
  if (!opened) return ReportError(opened.error());
  std::unique_ptr<RegistryBackend> backend = std::move(*opened);
  if (o.dry_run) backend = NewDryRunBackend(std::move(backend));
  if (auto ok = CheckRestartFlag(o.restart_services, *backend); !ok) return ReportError(ok.error());

  auto arch = backend->DetectArchitecture();
  if (!arch) return ReportError(arch.error());
  std::string note;
  std::vector<View> views = ResolveViews(*sel, *arch, &note);

  uint32_t value = 0;
  if (spec) {
    if (spec->relative) {
      auto ins = Inspect(*backend);
      if (!ins) return ReportError(ins.error());
      std::optional<uint32_t> base;
      for (View v : views) {
        const ViewState* vs = ins->Find(v);
        std::optional<uint32_t> d = vs ? vs->dword() : std::nullopt;
        if (!d || !ProtocolSet(*d).IsValid()) {
          return ReportError(Error::Input(
              "+/- edits need a valid REG_DWORD in every view, and view " +
                  std::string(ViewName(v)) +
                  (vs && vs->value ? " holds " + DescribeValue(vs->value)
                                   : " has no DefaultSecureProtocols value") +
                  "; give the full list instead",
              "no-base-value"));
        }
        if (base && *base != *d) {
          return ReportError(Error::Input(
              "+/- edits need the views to agree, and they differ; give the full list instead",
              "views-differ"));
        }
        base = d;
      }
      value = spec->Apply(*base);
    } else {
      value = spec->absolute;
    }
  }

  // A dry run gives the answer the real run would: an existing backup file
  // and a hive that cannot be written are refused by both.
  if (auto ok = RefuseExistingBackup(o.backup); !ok) return ReportError(ok.error());

  // One view chosen on an OS that has both: say what the other one holds.
  std::string other_view_note;
  if (views.size() == 1 && *arch != Architecture::k32Bit) {
    auto ins = Inspect(*backend);
    if (!ins) return ReportError(ins.error());
    for (const ViewState& vs : ins->views) {
      if (vs.view == views.front()) continue;
      other_view_note = "view " + std::string(ViewName(vs.view)) + " is left as it was (" +
                        (vs.value ? DescribeValue(vs.value) : std::string("no value")) + "); " +
                        (vs.view == View::k64 ? "64-bit" : "32-bit") +
                        " processes read it (--view both writes both)";
    }
  }

  auto backup = TakeBackup(*backend, views);
  if (!backup) return ReportError(backup.error());
  bool would_change = false;
  for (const BackupView& bv : backup->views) {
    would_change =
        would_change || (unset ? bv.value.has_value() : bv.value != RegValue::Dword(value));
  }
  if (would_change) {
    for (View v : views) {
      if (auto ok = backend->PrepareWrite(v, kWinHttpKey); !ok) return ReportError(ok.error());
    }
  }
  bool backup_written = false;
  if (!o.backup.empty() && !o.dry_run && would_change) {
    if (auto ok = WriteBackupFile(o.backup, *backup); !ok) return ReportError(ok.error());
    backup_written = true;
  }
  auto result = unset ? UnsetSetting(*backend, views) : SetSetting(*backend, value, views);
  if (!result) {
    if (backup_written && backend->IsTransactional()) DropBackupFile(o.backup);
    return ReportError(result.error());
  }
  result->note = note;
  if (o.dry_run) result->committed = false;

  std::vector<Warning> warnings;
  if (!unset) {
    Json os = OsJson(*backend);
    std::string machine = MachineName(os);
    bool honours = !os.is_null() && WindowsHonoursTls13(os["major"].get<uint32_t>(),
                                                        os["build"].get<uint32_t>(),
                                                        os["product_type"].get<std::string>());
    for (const Warning& x : WarningsFor(ProtocolSet(value))) {
      if (auto m = MachineWarning(x.code, x.message, machine, honours)) {
        warnings.push_back({x.code, *m});
      }
    }
  }
  if (!other_view_note.empty()) warnings.push_back({"other-view-unchanged", other_view_note});

  if (G().json) {
    Json j;
    j["target"] = backend->Describe();
    j["operation"] = unset ? "unset" : "set";
    if (!unset) {
      Merge(j, ProtocolSetJson(value));
    }
    j["dry_run"] = o.dry_run;
    Merge(j, ChangeJson(*result));
    j["backup"] = backup_written ? Json(o.backup) : Json(nullptr);
    j["notices"] = backend->Notices();
    j["restart"] = result->changed && !o.dry_run ? RestartJson(*backend) : Json::array();
    Json w = Json::array();
    for (const Warning& x : warnings) w.push_back(Json{{"code", x.code}, {"message", x.message}});
    j["warnings"] = w;
    std::string failure = MaybeRestart(o.restart_services, o.restart_timeout,
                                       result->changed && !o.dry_run, *backend, &j);
    PrintJson(j);
    return RestartExit(failure);
  }
  if (G().quiet) {
    return RestartExit(MaybeRestart(o.restart_services, o.restart_timeout,
                                    result->changed && !o.dry_run, *backend, nullptr));
  }
  std::string what = unset ? "remove DefaultSecureProtocols"
                           : "DefaultSecureProtocols = " + ProtocolSet(value).Hex() + " (" +
                                 ProtocolSet(value).Describe() + ")";
  std::cout << (o.dry_run ? "dry run, nothing written: " : "") << backend->Describe() << ": "
            << what << "\n";
  if (!note.empty()) std::cout << "  note: " << note << "\n";
  for (const ViewChange& c : result->views) {
    std::cout << "  view " << ViewName(c.view) << ": " << ActionWord(c.action, o.dry_run);
    if (c.action != "unchanged" && c.action != "absent" && c.before) {
      std::cout << " (was " << DescribeValue(c.before) << ")";
    }
    std::cout << "\n";
  }
  if (!result->changed) {
    std::cout << (unset ? "unchanged: there is no value to remove, nothing was written\n"
                        : "unchanged: the target already holds this, nothing was written\n");
  } else if (!o.dry_run) {
    for (const std::string& line : RestartAdvice(*backend)) std::cout << line << "\n";
  }
  for (const Warning& w : warnings) Warn(w.message);
  if (!o.backup.empty() && !o.dry_run) {
    std::cout << BackupLine(o.backup, backup_written && result->changed, *backend,
                            HiveFlags(o.target))
              << "\n";
  }
  return RestartExit(MaybeRestart(o.restart_services, o.restart_timeout,
                                  result->changed && !o.dry_run, *backend, nullptr));
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

const bool kSet = RegisterCommand({
    "set", "Write DefaultSecureProtocols as REG_DWORD in every view (idempotent)", 21,
    [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<WriteOptions>();
      app.add_option("PROTOCOLS", o->protocols,
                     "tls1.2,tls1.3 | 0x2800 | a profile | edits: +tls1.3 -tls1.0")
          ->required();
      AddWriteFlags(app, *o);
      return [o]() { return RunWrite(*o, false); };
    }});

const bool kUnset = RegisterCommand({
    "unset", "Remove DefaultSecureProtocols so the OS default returns", 23,
    [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<WriteOptions>();
      AddWriteFlags(app, *o);
      return [o]() { return RunWrite(*o, true); };
    }});

// --- check ------------------------------------------------------------------------

struct CheckOptions {
  std::vector<std::string> protocols;
  TargetFlags target;
  std::string view = "both";
};

const bool kCheck = RegisterCommand({
    "check", "Exit 0 when every view holds exactly this REG_DWORD, 1 otherwise", 22,
    [](CLI::App& app) -> std::function<int()> {
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
          return ReportError(Error::Input("cannot check for " + ProtocolSet(spec->absolute).Hex() +
                                              ": " + *why, "ignored-value"));
        }
        auto backend = OpenTargetFromFlags(o->target, true);
        if (!backend) return ReportError(backend.error());
        auto arch = (*backend)->DetectArchitecture();
        if (!arch) return ReportError(arch.error());
        std::vector<View> views = ResolveViews(*sel, *arch, nullptr);
        auto r = CheckSetting(**backend, spec->absolute, views);
        if (!r) return ReportError(r.error());
        if (G().json) {
          Json j;
          j["target"] = (*backend)->Describe();
          Merge(j, ProtocolSetJson(spec->absolute), "expected_");
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
                    << ProtocolSet(spec->absolute).Hex() << " in view"
                    << (views.size() > 1 ? "s 64 and 32" : " " + std::string(ViewName(views[0])))
                    << "\n";
        } else {
          std::cout << "not compliant: " << (*backend)->Describe() << "\n";
          for (const Difference& x : r->differences) std::cout << "  " << x.message << "\n";
        }
        return r->compliant ? kExitOk : kExitDrift;
      };
    }});

// --- rollback -----------------------------------------------------------------------

struct RollbackOptions {
  std::string backup;
  TargetFlags target;
  bool dry_run = false;
  bool restart_services = false;
  bool force = false;
  int restart_timeout = kServiceTimeoutSeconds;
};

const bool kRollback = RegisterCommand({
    "rollback", "Restore exactly the state a backup recorded", 24,
    [](CLI::App& app) -> std::function<int()> {
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
      return [o]() -> int {
        auto bytes = ReadFileBytes(o->backup);
        if (!bytes) {
          Error e = bytes.error();
          e.kind = ErrorKind::kInput;
          return ReportError(e);
        }
        std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
        if (IsChangeSetBackup(text)) {
          return RunChangeSetRollback(o->backup, text, o->target, o->dry_run);
        }
        auto backup = BackupFromJson(text);
        if (!backup) return ReportError(backup.error());
        std::vector<std::string> roots;
        for (const BackupView& bv : backup->views) {
          std::string r = RootOfKey(bv.key);
          if (!r.empty() && std::find(roots.begin(), roots.end(), r) == roots.end())
            roots.push_back(r);
        }
        auto opened = OpenTargetFromFlags(o->target, o->dry_run, roots);
        if (!opened) return ReportError(opened.error());
        std::unique_ptr<RegistryBackend> backend = std::move(*opened);
        if (!o->force) {
          if (auto ok = CheckBackupTarget(*backup, o->backup, *backend); !ok) {
            return ReportError(ok.error());
          }
        }
        if (o->dry_run) backend = NewDryRunBackend(std::move(backend));
        if (auto ok = CheckRestartFlag(o->restart_services, *backend); !ok) {
          return ReportError(ok.error());
        }
        auto r = RestoreBackup(*backend, *backup);
        if (!r) return ReportError(r.error());
        if (o->dry_run) r->committed = false;
        if (G().json) {
          Json j;
          j["target"] = backend->Describe();
          j["operation"] = "rollback";
          j["backup"] = o->backup;
          j["backup_target"] = backup->target;
          j["backup_created"] = backup->created;
          j["dry_run"] = o->dry_run;
          Merge(j, ChangeJson(*r));
          j["restart"] = r->changed && !o->dry_run ? RestartJson(*backend) : Json::array();
          std::string failure = MaybeRestart(o->restart_services, o->restart_timeout,
                                             r->changed && !o->dry_run, *backend, &j);
          PrintJson(j);
          return RestartExit(failure);
        }
        if (G().quiet) {
          return RestartExit(MaybeRestart(o->restart_services, o->restart_timeout,
                                          r->changed && !o->dry_run, *backend, nullptr));
        }
        std::cout << (o->dry_run ? "dry run, nothing written: " : "") << backend->Describe()
                  << ": rollback to " << o->backup << " (taken " << backup->created << " from "
                  << backup->target << ")\n";
        for (size_t i = 0; i < r->views.size(); ++i) {
          const ViewChange& c = r->views[i];
          const BackupView& bv = backup->views[i];
          if (!bv.name.empty()) {
            std::cout << "  " << bv.key << "\\" << bv.name;
            if (PhysicalKey(View::k32, bv.key) != bv.key)
              std::cout << " [view " << ViewName(c.view) << "]";
            std::cout << ": " << ActionWord(c.action, o->dry_run) << " -> " << DescribeValue(c.after) << "\n";
            continue;
          }
          std::cout << "  view " << ViewName(c.view) << ": " << ActionWord(c.action, o->dry_run) << " -> "
                    << DescribeValue(c.after) << "\n";
        }
        if (!r->changed) {
          std::cout << "unchanged: the target already matches the backup\n";
        } else if (!o->dry_run) {
          for (const std::string& line : RestartAdvice(*backend)) std::cout << line << "\n";
        }
        return RestartExit(MaybeRestart(o->restart_services, o->restart_timeout,
                                        r->changed && !o->dry_run, *backend, nullptr));
      };
    }});

}  // namespace
}  // namespace secproto::cli
