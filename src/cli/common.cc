#include "common.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli_text.h"
#include "commands.h"
#include "docgen.h"
#include "version.h"
#include "secproto/host.h"
#include "secproto/changeset.h"
#include "secproto/explain.h"
#include "secproto/protocols.h"
#include "secproto/services.h"

namespace secproto::cli {
namespace {

// Every option takes one value (repeat it for more), so that an option never
// swallows the positional arguments after it (`probe --protocols tls1.2
// HOST`); on a build without hive targets, the examples show the live
// registry. Applies to nested subcommands too.
// The target schemes this build can open: the Windows build lists hive: and
// image: only to say they are for the Linux build, so --help leaves them out.
std::vector<std::string> UsableSchemes() {
  std::vector<std::string> out;
  for (const std::string& s : SupportedTargetSchemes()) {
    if (s.find("Linux build only") == std::string::npos) out.push_back(s);
  }
  return out;
}

void TuneSubcommand(CLI::App& app, bool hives) {
  for (CLI::Option* opt : app.get_options()) {
    if (!opt->get_positional() && opt->get_allow_extra_args()) opt->allow_extra_args(false);
  }
  app.footer(AdaptFooter(app.get_footer(), hives));
  for (CLI::App* sub : app.get_subcommands({})) TuneSubcommand(*sub, hives);
}

}  // namespace

Globals& G() {
  static Globals g;
  return g;
}

void Merge(Json& into, const Json& from, const std::string& prefix) {
  for (auto it = from.begin(); it != from.end(); ++it) into[prefix + it.key()] = it.value();
}

void PrintJson(const Json& j) { std::cout << j.dump(2) << "\n"; }

void Warn(const std::string& message) {
  // One label per message: "note: X" is a note, not a warning about a note.
  constexpr std::string_view kNote = "note: ";
  if (message.starts_with(kNote)) return Note(message.substr(kNote.size()));
  if (!G().quiet) std::cerr << "secproto: warning: " << message << "\n";
}

void Note(const std::string& message) {
  static std::vector<std::string> said;
  if (G().quiet || std::find(said.begin(), said.end(), message) != said.end()) return;
  said.push_back(message);
  std::cerr << "secproto: note: " << message << "\n";
}

int ReportError(const Error& e) {
  int code = ExitCodeFor(e.kind);
  std::cerr << "secproto: error: " << e.message << "\n";
  if (G().json) {
    Json j;
    j["error"] = {{"code", e.code}, {"message", e.message}, {"exit_code", code}};
    PrintJson(j);
  }
  return code;
}

namespace {

using Runners = std::map<CLI::App*, std::function<int()>>;

/// `secproto policy plan`: how a chain of commands is named in messages.
std::string CommandPath(const std::vector<CLI::App*>& chain) {
  std::string path = "secproto";
  for (size_t i = 1; i < chain.size(); ++i) path += " " + chain[i]->get_name();
  return path;
}

/// The option `name` ("--target", "-o") of the innermost command of `chain`
/// that has it (unknown options fall through to the parents), or null.
const CLI::Option* FindOption(const std::vector<CLI::App*>& chain, const std::string& name) {
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (const CLI::Option* o = (*it)->get_option_no_throw(name)) {
      if (!o->get_positional() || o->nonpositional()) return o;
    }
  }
  return nullptr;
}

/// Walks the command words of `args` down the command tree into `chain`
/// (the root first): a word where a subcommand is expected ("policy plna")
/// or an ACTION with a fixed set ("hive craete") that is none of them is an
/// error naming the nearest one. Sees --json before the parse.
Status CheckCommandPath(CLI::App& root, const std::vector<std::string>& args,
                        std::vector<CLI::App*>& chain) {
  chain = {&root};
  auto unknown = [&](const std::string& word, const std::vector<std::string>& names) {
    std::string path = CommandPath(chain);
    std::string prefix = chain.size() > 1 ? path.substr(std::string("secproto ").size()) + " " : "";
    std::string near = ClosestName(word, names);
    return Fail(Error::Usage("unknown command " + prefix + word +
                                 (near.empty() ? "" : "; did you mean " + prefix + near + "?") +
                                 " (see " + path + " --help)",
                             "unknown-command"));
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a == "--json") G().json = true;
    if (a.starts_with("-")) {
      // The value of an option that takes one is not a command word.
      const CLI::Option* o = a.find('=') == std::string::npos ? FindOption(chain, a) : nullptr;
      if (o != nullptr && o->get_expected_max() > 0 && o->get_type_size_max() > 0) ++i;
      continue;
    }
    CLI::App* at = chain.back();
    std::vector<CLI::App*> subs = at->get_subcommands({});
    if (!subs.empty()) {
      std::vector<std::string> names;
      CLI::App* next = nullptr;
      for (CLI::App* s : subs) {
        names.push_back(s->get_name());
        if (s->get_name() == a) next = s;
      }
      if (next == nullptr) return unknown(a, names);
      chain.push_back(next);
      continue;
    }
    // A command of its own: only an ACTION with a fixed set is checked.
    for (const CLI::Option* o : at->get_options()) {
      if (!o->get_positional() || o->nonpositional() || o->get_name() != "ACTION") continue;
      std::vector<std::string> actions = IsMemberChoices(o);
      if (!actions.empty() && std::find(actions.begin(), actions.end(), a) == actions.end()) {
        return unknown(a, actions);
      }
    }
    break;
  }
  return {};
}

/// After a failed parse: the first --option of `args` that no command of
/// `chain` has is an error naming the nearest one it has.
Status CheckOptionNames(const std::vector<CLI::App*>& chain, const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") break;
    if (!a.starts_with("--") || a.size() < 3) continue;
    std::string name = a.substr(0, a.find('='));
    if (FindOption(chain, name) != nullptr) continue;
    std::vector<std::string> names;
    for (const CLI::App* app : chain) {
      for (const CLI::Option* o : app->get_options()) {
        if (o->get_group().empty()) continue;  // hidden
        for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
      }
    }
    std::string near = ClosestName(name, names);
    return Fail(Error::Usage("unknown option " + name +
                                 (near.empty() ? "" : "; did you mean " + near + "?") + " (see " +
                                 CommandPath(chain) + " --help)",
                             "unknown-option"));
  }
  return {};
}

/// The runner of the command parsed: only the innermost chosen subcommand
/// runs (e.g. `hive create`); a command with CLI11 subcommands of its own
/// (`policy show`) runs through its runner, which asks which subcommand was
/// parsed. Null when none was chosen.
const std::function<int()>* ChosenRunner(CLI::App& app, const Runners& runners) {
  CLI::App* chosen = &app;
  while (true) {
    auto subs = chosen->get_subcommands();
    if (subs.empty()) break;
    chosen = subs.front();
    if (runners.count(chosen) && chosen->get_subcommands().empty()) break;
  }
  auto it = runners.find(chosen);
  while (it == runners.end() && chosen->get_parent() != nullptr && chosen->get_parent() != &app) {
    chosen = chosen->get_parent();
    it = runners.find(chosen);
  }
  if (it == runners.end() || !it->second) return nullptr;
  return &it->second;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{std::string(AppDescription()), "secproto"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", VersionText());
  app.add_flag("--json", G().json, "Print JSON (stable shapes, see README)");
  app.add_flag("-q,--quiet", G().quiet,
               "Print only results and errors: no warnings, notes, advice or progress");

  Runners runners;
  bool hives = SchemesHaveHives(UsableSchemes());
  for (const CommandEntry& c : AllCommands()) {
    CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.help));
    sub->fallthrough();
    runners[sub] = c.setup(*sub);
    // After the setup, so that a command's own subcommands keep CLI11's
    // "Subcommands" heading and a command that hides itself stays hidden.
    if (!c.group.empty()) sub->group(std::string(c.group));
    TuneSubcommand(*sub, hives);
  }
  app.footer(std::string(AppFooter()));  // after the subcommands, which would inherit it
  // "-tls1.0" and "-tls1.0,-tls1.1" are protocol edits, not options.
  std::vector<std::string> args = ProtectProtocolEdits(
      std::vector<std::string>(argv + std::min(argc, 1), argv + argc), [](const std::string& a) {
        return ParseProtocols(std::vector<std::string>{a}).has_value();
      });
  std::vector<CLI::App*> chain;
  if (Status s = CheckCommandPath(app, args, chain); !s) return ReportError(s.error());
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(std::move(reversed));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (Status s = CheckOptionNames(chain, args); !s) return ReportError(s.error());
    // `secproto policy` alone: name the commands it has.
    if (chain.size() > 1 && !chain.back()->get_subcommands({}).empty()) {
      std::string subs;
      for (const CLI::App* sub : chain.back()->get_subcommands({})) {
        if (!sub->get_group().empty()) subs += (subs.empty() ? "" : ", ") + sub->get_name();
      }
      std::string path = CommandPath(chain);
      return ReportError(Error::Usage(
          path + " needs a command: " + subs + " (see " + path + " --help)", "usage"));
    }
    return ReportError(Error::Usage(e.what() + std::string(" (see secproto --help)"), "usage"));
  }
  const std::function<int()>* run = ChosenRunner(app, runners);
  if (run == nullptr) {
    return ReportError(Error::Usage("choose a subcommand (see secproto --help)"));
  }
  try {
    return (*run)();
  } catch (const std::exception& e) {
    return ReportError(Error::Io(std::string("internal error: ") + e.what(), "internal"));
  }
}

void AddTargetFlags(CLI::App& app, TargetFlags& flags, TargetUse use) {
  std::vector<std::string> schemes = UsableSchemes();
  bool hives = SchemesHaveHives(schemes);
  app.add_option("--target", flags.target, TargetHelp(schemes));
  // Flags this build or command cannot use stay accepted (and get their one
  // clear error) but are not listed in --help.
  auto* dirty = app.add_flag("--force-dirty", flags.force_dirty,
                             "Write a dirty hive anyway (its .LOG1/.LOG2 changes are lost)");
  if (!hives || use == TargetUse::kRead) dirty->group("");
  auto* system = app.add_option("--system-hive", flags.system_hive,
                                "A SYSTEM hive to read SCHANNEL from");
  auto* user = app.add_option("--user-hive", flags.user_hive, "An NTUSER.DAT hive for HKCU");
  if (!hives) {
    system->group("");
    user->group("");
  }
}

Expected<std::unique_ptr<RegistryBackend>> OpenTargetFromFlags(
    const TargetFlags& flags, bool read_only, const std::vector<std::string>& write_roots,
    bool dry_run) {
  std::string spec = flags.target.empty() ? DefaultTarget() : flags.target;
  if (spec.empty()) {
    std::string choices;
    for (const std::string& s : SupportedTargetSchemes()) choices += (choices.empty() ? "" : ", ") + s;
    return Fail(Error::Usage("no --target given; choose one of: " + choices, "no-target"));
  }
  TargetOptions opts;
  opts.read_only = read_only;
  opts.force_dirty = flags.force_dirty;
  opts.system_hive = flags.system_hive;
  opts.user_hive = flags.user_hive;
  opts.write_roots = write_roots;
  opts.dry_run = dry_run;
  auto opened = OpenTarget(spec, opts);
  // A dirty hive is read as it is on disk: say so on every read (once per
  // process: a command may open its target twice).
  if (opened) {
    for (const std::string& n : (*opened)->Notices()) Note(n);
  }
  // A writer that finished or undid an interrupted two-hive commit says so.
  if (opened) {
    if (auto r = (*opened)->Recovery()) std::cerr << "secproto: " << r->note << "\n";
  }
  return opened;
}

Json ChangeJson(const ChangeResult& r) {
  Json j;
  j["changed"] = r.changed;
  j["committed"] = r.committed;
  Json views = Json::object();
  for (const ViewChange& c : r.views) {
    Json v;
    v["action"] = c.action;
    v["before"] = ValueJson(c.before);
    v["after"] = ValueJson(c.after);
    views[std::string(ViewName(c.view))] = v;
  }
  j["views"] = views;
  j["note"] = r.note.empty() ? Json(nullptr) : Json(r.note);
  return j;
}

bool IsLiveTarget(const RegistryBackend& backend) { return backend.IsLive(); }

namespace {

std::vector<std::string> KnownServiceNames() { return KnownWinHttpServiceNames(); }

// This machine's service manager, opened on first use.
ServiceManager& SystemServices() {
  static std::unique_ptr<ServiceManager> manager = NewSystemServiceManager();
  return *manager;
}

bool IsRunning(const std::string& state) {
  return state == "running" || state == "start-pending" || state == "continue-pending" ||
         state == "paused" || state == "pause-pending";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> RestartAdvice(const RegistryBackend& backend) {
  if (IsLiveTarget(backend)) {
    std::vector<std::string> names = KnownServiceNames();
    std::vector<std::string> running;
    for (const ServiceState& s : QueryServices(SystemServices(), names)) {
      if (IsRunning(s.state)) running.push_back(s.name);
    }
    if (running.empty()) {
      return {"WinHTTP reads the value once per process; no known WinHTTP service is running "
              "(checked " + JoinNames(names) + "): restart Office and .NET applications that use "
              "WinHttpHandler, or reboot"};
    }
    return {"WinHTTP reads the value once per process: restart these or reboot: " +
                JoinNames(running) + " (--restart-services does it); also restart Office and "
                ".NET applications that use WinHttpHandler"};
  }
  if (backend.Describe().starts_with("reg:")) {
    return {"after `reg import` on the machine, restart the WinHTTP users (" +
            JoinNames(KnownServiceNames()) + ", Office, .NET WinHttpHandler apps) or reboot"};
  }
  return {"offline image: the change takes effect when Windows next starts from it"};
}

Json RestartJson(const RegistryBackend& backend) {
  Json j = Json::array();
  bool live = IsLiveTarget(backend);
  if (!live && !backend.Describe().starts_with("reg:")) return j;
  std::vector<ServiceState> states =
      live ? QueryServices(SystemServices(), KnownServiceNames()) : std::vector<ServiceState>{};
  for (const WinHttpConsumer& c : KnownWinHttpConsumers()) {
    Json item{{"service", c.service.empty() ? Json(nullptr) : Json(std::string(c.service))},
              {"display", std::string(c.display)}};
    if (live) {
      const ServiceState* found = nullptr;
      for (const ServiceState& s : states) {
        if (s.name == c.service) found = &s;
      }
      item["state"] = found ? Json(found->state) : Json(nullptr);
      item["running"] = found != nullptr && IsRunning(found->state);
    }
    j.push_back(item);
  }
  return j;
}

Json OsJson(RegistryBackend& backend) {
  if (!IsLiveTarget(backend)) return Json(nullptr);
  std::optional<OsVersion> v = QueryOsVersion();
  if (!v) return Json(nullptr);
  Json j;
  j["name"] = "Windows";
  j["major"] = v->major;
  j["minor"] = v->minor;
  j["build"] = v->build;
  j["product_type"] = v->product_type;
  OsFacts facts = ReadOsFacts(backend).value_or(OsFacts{});
  auto text = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  j["product_name"] = text(facts.product_name);
  j["display_version"] =
      text(facts.display_version.empty() ? facts.release_id : facts.display_version);
  j["service_pack"] = text(facts.service_pack);
  return j;
}

std::string MachineName(const Json& os) {
  if (os.is_null()) return "";
  return WindowsName(os["major"].get<uint32_t>(), os["minor"].get<uint32_t>(),
                     os["build"].get<uint32_t>(), os["product_type"].get<std::string>(),
                     os.contains("service_pack") && os["service_pack"].is_string()
                         ? os["service_pack"].get<std::string>()
                         : std::string());
}

std::string OsLine(const Json& os) {
  if (os.is_null()) return "";
  std::string line = "Windows " + std::to_string(os["major"].get<uint32_t>()) + "." +
                     std::to_string(os["minor"].get<uint32_t>()) + " build " +
                     std::to_string(os["build"].get<uint32_t>()) + " (" +
                     os["product_type"].get<std::string>() + ")";
  if (os["product_name"].is_string()) line += ", " + os["product_name"].get<std::string>();
  if (os["display_version"].is_string()) line += " " + os["display_version"].get<std::string>();
  return line;
}

std::string MaybeRestart(bool asked, int timeout_s, bool changed, const RegistryBackend& backend,
                         Json* json) {
  if (json != nullptr) (*json)["services_restarted"] = Json::array();
  if (!asked || !changed || !IsLiveTarget(backend)) return "";
  RestartReport report =
      RestartActiveServices(SystemServices(), KnownServiceNames(), true, timeout_s * 1000);
  std::string failure;
  for (const ServiceRestart& r : report.restarts) {
    if (!r.ok) failure += (failure.empty() ? "" : "; ") + r.name + ": " + r.result;
  }
  if (!failure.empty()) failure = "the value is written; the restart failed: " + failure;
  if (json == nullptr) {
    if (G().quiet) return failure;
    if (report.restarts.empty()) {
      std::cout << "restart-services: no known WinHTTP service is running\n";
    }
    // A failure is told once, in the error line.
    for (const ServiceRestart& r : report.restarts) {
      if (r.ok) std::cout << "restart-services: " << r.name << ": " << r.result << "\n";
    }
    return failure;
  }
  Json& j = *json;
  for (const ServiceRestart& r : report.restarts) {
    j["services_restarted"].push_back(
        Json{{"service", r.name},
             {"ok", r.ok},
             {"result", r.result},
             {"code", r.code},
             {"state", r.final_state.empty() ? Json(nullptr) : Json(r.final_state)}});
  }
  if (j.contains("restart") && j["restart"].is_array()) {
    for (Json& item : j["restart"]) {
      item["restart_outcome"] = nullptr;
      item["restart_result"] = nullptr;
      for (const ServiceRestart& r : report.restarts) {
        if (item["service"] == r.name) {
          item["restart_outcome"] = r.code;
          item["restart_result"] = r.result;
        }
      }
    }
  }
  if (!failure.empty()) {
    j["error"] = {{"code", "restart-failed"},
                  {"message", failure},
                  {"exit_code", ExitCodeFor(ErrorKind::kTarget)}};
  }
  return failure;
}

int RestartExit(const std::string& failure) {
  if (failure.empty()) return kExitOk;
  // With --json the error is already part of the printed document.
  std::cerr << "secproto: error: " << failure << "\n";
  return ExitCodeFor(ErrorKind::kTarget);
}

}  // namespace secproto::cli
