// secproto schannel set / wininet set / dotnet set: the fixes doctor
// prints for the settings around WinHTTP.
#include <algorithm>
#include <iostream>

#include "backup_guard.h"
#include "commands.h"
#include "common.h"
#include "secproto/changeset.h"
#include "secproto/explain.h"
#include "secproto/write.h"

namespace secproto::cli {
namespace {

struct RelatedOptions {
  TargetFlags target;
  std::string action;
  std::vector<std::string> args;
  bool enable = false;
  bool disable = false;
  std::string side = "client";
  std::string scope = "machine";
  std::string backup;
};

// The [view N] label, only where views exist: HKLM\SOFTWARE outside
// Policies. SYSTEM, HKCU and the policy key have one view.
std::string ViewLabel(const RelatedWrite& w) {
  if (PhysicalKey(View::k32, w.key) == w.key) return "";
  return " [view " + std::string(ViewName(w.view)) + "]";
}

int Apply(const RelatedOptions& o, const std::vector<RelatedWrite>& writes) {
  std::vector<std::string> roots;
  for (const RelatedWrite& w : writes) {
    std::string r = RootOfKey(w.key);
    if (!r.empty() && std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
  }
  auto opened = OpenTargetFromFlags(o.target, /*read_only=*/false, roots);
  if (!opened) return ReportError(opened.error());
  RegistryBackend& backend = **opened;
  // The writes are one change set: planned, backed up, applied
  // all-or-nothing through the library's one door.
  std::vector<RegChange> changes;
  for (const RelatedWrite& w : writes) {
    RegChange c;
    c.view = w.view;
    c.key = w.key;
    c.name = w.name;
    c.value = RegValue::Dword(w.value);
    changes.push_back(std::move(c));
  }
  auto plan = PlanChanges(backend, changes);
  if (!plan) return ReportError(plan.error());
  ChangeWriteOptions wo;
  wo.backup_path = o.backup;
  auto outcome = WriteChangeSet(backend, *plan, wo);
  if (!outcome) return ReportError(outcome.error());
  int changed = outcome->result.written;
  bool backup_written = outcome->backup_written;
  std::string extra = HiveFlags(o.target);
  if (G().json) {
    Json w = Json::array();
    for (const RelatedWrite& x : writes) {
      w.push_back(Json{{"view", std::string(ViewName(x.view))},
                       {"key", x.key},
                       {"name", x.name},
                       {"value", x.value}});
    }
    PrintJson(Json{{"target", backend.Describe()},
                   {"changed", changed},
                   {"writes", w},
                   {"backup", backup_written ? Json(o.backup) : Json(nullptr)},
                   {"notices", backend.Notices()}});
  } else if (!G().quiet) {
    for (const RelatedWrite& x : writes) {
      std::cout << x.key << "\\" << x.name << ViewLabel(x) << " = " << x.value << " (REG_DWORD)\n";
    }
    std::cout << changed << " value(s) changed\n";
    if (!o.backup.empty())
      std::cout << BackupLine(o.backup, backup_written, backend, extra) << "\n";
  }
  return kExitOk;
}

// `schannel set` protocols: one or more arguments, each a name or a
// comma-separated list ("tls1.1,tls1.2", "TLS 1.2"); duplicates dropped.
Expected<std::vector<Protocol>> SchannelProtocolList(const std::vector<std::string>& args) {
  std::vector<Protocol> out;
  for (const std::string& arg : args) {
    size_t start = 0;
    while (start <= arg.size()) {
      size_t comma = arg.find(',', start);
      std::string item =
          arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? arg.size() + 1 : comma + 1;
      if (item.find_first_not_of(' ') == std::string::npos) continue;
      SECPROTO_ASSIGN_OR_RETURN(p, ParseProtocolName(item));
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
  }
  if (out.empty()) {
    return Fail(Error::Usage("schannel set takes protocols, e.g. tls1.2 or tls1.1,tls1.2"));
  }
  return out;
}

Expected<Architecture> Arch(const TargetFlags& flags) {
  auto opened = OpenTargetFromFlags(flags, /*read_only=*/true);
  if (!opened) return Fail(opened.error());
  return (*opened)->DetectArchitecture();
}

void AddSetAction(CLI::App& app, RelatedOptions& o, const std::string& args_help) {
  app.add_option("ACTION", o.action, "set")->required()->check(CLI::IsMember({"set"}));
  if (!args_help.empty()) app.add_option("ARGS", o.args, args_help);
  AddTargetFlags(app, o.target);
  app.add_option("--backup", o.backup,
                 "Write a JSON backup of the values before the change here first (undo: "
                 "secproto rollback FILE)");
}

}  // namespace

const CommandSetup kSetupSchannel = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<RelatedOptions>();
      AddSetAction(app, *o, "The protocols: tls1.2, tls1.1,tls1.2, \"TLS 1.0\", ...");
      app.add_flag("--enable", o->enable, "Enabled=1, DisabledByDefault=0");
      app.add_flag("--disable", o->disable, "Enabled=0, DisabledByDefault=1");
      app.add_option("--side", o->side, "client (default), server or both");
      app.footer("Example:\n  secproto schannel set tls1.0 --disable --side both --target "
                 "hive:SOFTWARE --system-hive SYSTEM");
      return [o]() -> int {
        auto protocols = SchannelProtocolList(o->args);
        if (!protocols) return ReportError(protocols.error());
        if (o->enable == o->disable) {
          return ReportError(Error::Usage("give exactly one of --enable or --disable"));
        }
        if (o->side != "client" && o->side != "server" && o->side != "both") {
          return ReportError(Error::Usage("--side takes client, server or both", "bad-side"));
        }
        std::vector<RelatedWrite> writes;
        for (Protocol p : *protocols) {
          for (RelatedWrite& w :
               SchannelWrites(p, o->side != "server", o->side != "client", o->enable)) {
            writes.push_back(std::move(w));
          }
        }
        return Apply(*o, writes);
      };
    };

const CommandSetup kSetupWininet = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<RelatedOptions>();
      AddSetAction(app, *o, "The protocols: tls1.2,tls1.3 or 0x2800");
      app.add_option("--scope", o->scope,
                     "machine (default, HKLM in every view), policy, user or user-policy");
      return [o]() -> int {
        auto spec = ParseProtocols(o->args);
        if (!spec) return ReportError(spec.error());
        if (spec->relative || !ProtocolSet(spec->absolute).IsValid()) {
          return ReportError(Error::Input("wininet set takes a full, non-empty protocol list"));
        }
        WinInetScope scope;
        if (o->scope == "machine") {
          scope = WinInetScope::kMachine;
        } else if (o->scope == "policy") {
          scope = WinInetScope::kPolicy;
        } else if (o->scope == "user") {
          scope = WinInetScope::kUser;
        } else if (o->scope == "user-policy") {
          scope = WinInetScope::kUserPolicy;
        } else {
          return ReportError(
              Error::Usage("--scope takes machine, policy, user or user-policy", "bad-scope"));
        }
        auto arch = Arch(o->target);
        if (!arch) return ReportError(arch.error());
        return Apply(*o, WinInetWrites(spec->absolute, scope, *arch));
      };
    };

const CommandSetup kSetupDotnet = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<RelatedOptions>();
      AddSetAction(app, *o, "");
      return [o]() -> int {
        auto arch = Arch(o->target);
        if (!arch) return ReportError(arch.error());
        return Apply(*o, DotNetWrites(*arch));
      };
    };

}  // namespace secproto::cli
