#include "cli/common.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "core/utf16.h"
#include "secproto/changeset.h"
#include "secproto/protocols.h"
#include "util/system.h"

namespace secproto::cli {
namespace {

std::vector<Command>& Commands() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace

Globals& G() {
  static Globals g;
  return g;
}

bool RegisterCommand(Command command) {
  Commands().push_back(std::move(command));
  return true;
}

void Merge(Json& into, const Json& from, const std::string& prefix) {
  for (auto it = from.begin(); it != from.end(); ++it) into[prefix + it.key()] = it.value();
}

void PrintJson(const Json& j) { std::cout << j.dump(2) << "\n"; }

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

int Main(int argc, char** argv) {
  CLI::App app{"secproto: compute, apply, explain, deploy and verify the WinHTTP "
               "DefaultSecureProtocols policy",
               "secproto"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("secproto ") + SECPROTO_VERSION);
  app.add_flag("--json", G().json, "Print JSON (stable shapes, see README)");
  app.add_flag("-q,--quiet", G().quiet, "Print only errors (human mode)");

  std::sort(Commands().begin(), Commands().end(),
            [](const Command& a, const Command& b) {
              return a.order != b.order ? a.order < b.order : a.name < b.name;
            });
  std::map<CLI::App*, std::function<int()>> runners;
  for (const Command& c : Commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    sub->fallthrough();
    runners[sub] = c.setup(*sub);
  }
  // "-tls1.0" is a protocol edit, not an option: spell its sign as U+2212,
  // which ParseProtocols reads as a minus, so that CLI11 takes it as a
  // positional in its place.
  std::vector<std::string> args;
  bool after_dashes = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") after_dashes = true;
    if (!after_dashes && a.size() > 2 && a[0] == '-' && a[1] != '-' &&
        ParseProtocols(std::vector<std::string>{a.substr(1)})) {
      a = "\xE2\x88\x92" + a.substr(1);
    }
    args.push_back(a);
  }
  std::reverse(args.begin(), args.end());
  try {
    app.parse(std::move(args));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return ReportError(Error::Usage(e.what() + std::string(" (see secproto --help)"), "usage"));
  }
  // Only the innermost chosen subcommand runs (e.g. `hive create`).
  CLI::App* chosen = &app;
  while (true) {
    auto subs = chosen->get_subcommands();
    if (subs.empty()) break;
    chosen = subs.front();
    if (runners.count(chosen) && chosen->get_subcommands().empty()) break;
  }
  // A command with nested subcommands of its own (`policy apply`) runs
  // through its own runner, which dispatches.
  for (CLI::App* a = chosen; a && !runners.count(a); a = a->get_parent()) chosen = a->get_parent();
  if (!chosen) chosen = &app;
  auto it = runners.find(chosen);
  if (it == runners.end() || !it->second) {
    return ReportError(Error::Usage("choose a subcommand (see secproto --help)"));
  }
  try {
    return it->second();
  } catch (const std::exception& e) {
    return ReportError(Error::Io(std::string("internal error: ") + e.what(), "internal"));
  }
}

void AddTargetFlags(CLI::App& app, TargetFlags& flags) {
  std::string help = "Target: ";
  for (const std::string& s : SupportedTargetSchemes()) help += s + "; ";
  app.add_option("--target", flags.target, help);
  app.add_flag("--force-dirty", flags.force_dirty,
               "Write a dirty hive anyway (its .LOG1/.LOG2 changes are lost)");
  app.add_option("--system-hive", flags.system_hive, "A SYSTEM hive to read SCHANNEL from");
  app.add_option("--user-hive", flags.user_hive, "An NTUSER.DAT hive for HKCU");
}

Expected<std::unique_ptr<RegistryBackend>> OpenTargetFromFlags(const TargetFlags& flags,
                                                              bool read_only) {
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
  auto opened = OpenTarget(spec, opts);
  // A writer that finished or undid an interrupted two-hive commit says so.
  for (const std::string& note : TakeRecoveryNotes()) std::cerr << "secproto: " << note << "\n";
  return opened;
}

std::string ArchitectureName(Architecture a) {
  switch (a) {
    case Architecture::k64Bit:
      return "64-bit";
    case Architecture::k32Bit:
      return "32-bit";
    case Architecture::kUnknown:
      break;
  }
  return "unknown";
}

Json ProtocolSetJson(uint32_t value) {
  ProtocolSet s(value);
  Json j;
  j["value"] = value;
  j["hex"] = s.Hex();
  j["protocols"] = s.Names();
  return j;
}

std::string DescribeValue(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) {
    ProtocolSet s(*d);
    return "REG_DWORD " + s.Hex() + " (" + s.Describe() + ")";
  }
  if ((v->type == kRegSz || v->type == kRegExpandSz) && v->data.size() % 2 == 0) {
    if (auto text = Utf16LeToUtf8(v->data.data(), v->data.size())) {
      while (!text->empty() && text->back() == '\0') text->pop_back();
      return RegTypeName(v->type) + " \"" + *text + "\"";
    }
  }
  return RegTypeName(v->type) + " hex:" + v->HexData();
}

Json ValueJson(const std::optional<RegValue>& v) {
  Json j;
  j["value_exists"] = v.has_value();
  j["type"] = v ? Json(RegTypeName(v->type)) : Json(nullptr);
  j["type_code"] = v ? Json(v->type) : Json(nullptr);
  j["raw"] = v ? Json(v->HexData()) : Json(nullptr);
  auto d = v ? v->AsDword() : std::nullopt;
  j["value"] = d ? Json(*d) : Json(nullptr);
  j["hex"] = d ? Json(ProtocolSet(*d).Hex()) : Json(nullptr);
  j["protocols"] = d ? Json(ProtocolSet(*d).Names()) : Json(nullptr);
  return j;
}

Json FindingJson(const Finding& f) {
  return Json{{"code", f.code}, {"severity", f.severity}, {"view", f.view}, {"message", f.message}};
}

Json ViewStateJson(const ViewState& vs) {
  Json j;
  j["key"] = vs.key;
  j["physical_key"] = vs.physical_key;
  j["key_exists"] = vs.key_exists;
  Merge(j, ValueJson(vs.value));
  j["used_by_winhttp"] = vs.UsedByWinHttp();
  Json f = Json::array();
  for (const Finding& x : vs.findings) f.push_back(FindingJson(x));
  j["findings"] = f;
  return j;
}

Json InspectionJson(const Inspection& ins) {
  Json j;
  j["target"] = ins.target;
  j["architecture"] = ArchitectureName(ins.architecture);
  Json views = Json::object();
  for (const ViewState& vs : ins.views) views[std::string(ViewName(vs.view))] = ViewStateJson(vs);
  j["views"] = views;
  Json f = Json::array();
  for (const Finding& x : ins.findings) f.push_back(FindingJson(x));
  j["findings"] = f;
  j["force_default_secure_protocols"] = ins.force_default ? ValueJson(ins.force_default) : Json(nullptr);
  return j;
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

bool IsLiveTarget(const RegistryBackend& backend) { return backend.Describe() == "live"; }

namespace {

std::vector<std::string> KnownServiceNames() {
  std::vector<std::string> names;
  for (const WinHttpConsumer& c : KnownWinHttpConsumers()) {
    if (!c.service.empty()) names.emplace_back(c.service);
  }
  return names;
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

std::optional<std::string> RegistryText(RegistryBackend& backend, std::string_view name) {
  auto v = backend.GetValue(View::k64, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", name);
  if (!v || !*v || ((*v)->type != kRegSz && (*v)->type != kRegExpandSz)) return std::nullopt;
  auto text = Utf16LeToUtf8((*v)->data.data(), (*v)->data.size() & ~size_t{1});
  if (!text) return std::nullopt;
  while (!text->empty() && text->back() == '\0') text->pop_back();
  if (text->empty()) return std::nullopt;
  return text;
}

}  // namespace

std::vector<std::string> RestartAdvice(const RegistryBackend& backend) {
  if (IsLiveTarget(backend)) {
    std::vector<std::string> names = KnownServiceNames();
    std::vector<std::string> running;
    for (const ServiceState& s : QueryServices(names)) {
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
    return {"after `reg import` on the machine, restart the WinHTTP users (WinRM, WebClient, "
            "iphlpsvc, wuauserv, Office, .NET WinHttpHandler apps) or reboot"};
  }
  return {"offline image: the change takes effect when Windows next starts from it"};
}

Json RestartJson(const RegistryBackend& backend) {
  Json j = Json::array();
  bool live = IsLiveTarget(backend);
  if (!live && !backend.Describe().starts_with("reg:")) return j;
  std::vector<ServiceState> states = live ? QueryServices(KnownServiceNames()) : std::vector<ServiceState>{};
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
  auto product = RegistryText(backend, "ProductName");
  j["product_name"] = product ? Json(*product) : Json(nullptr);
  auto display = RegistryText(backend, "DisplayVersion");
  if (!display) display = RegistryText(backend, "ReleaseId");
  j["display_version"] = display ? Json(*display) : Json(nullptr);
  return j;
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

Json RestartRunningServices(const RegistryBackend& backend, bool* all_ok) {
  *all_ok = true;
  Json j = Json::array();
  if (!IsLiveTarget(backend)) return j;
  std::vector<std::string> running;
  for (const ServiceState& s : QueryServices(KnownServiceNames())) {
    if (IsRunning(s.state)) running.push_back(s.name);
  }
  if (running.empty() && !G().json && !G().quiet) {
    std::cout << "restart-services: no known WinHTTP service is running\n";
  }
  for (const ServiceRestart& r : RestartServices(running, kServiceTimeoutMs)) {
    if (!r.ok) *all_ok = false;
    if (!G().json && (!G().quiet || !r.ok)) {
      std::cout << "restart-services: " << r.name << ": " << r.result << "\n";
    }
    j.push_back(Json{{"service", r.name}, {"ok", r.ok}, {"result", r.result}});
  }
  return j;
}

}  // namespace secproto::cli
