// secproto explain / secproto os list: what each WinHTTP process offers, step
// by step, and the OS catalog behind it.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cmd_os_show.h"
#include "commands.h"
#include "explain_common.h"
#include "explain_stack.h"
#include "policy_arg.h"
#include "secproto/explain.h"
#include "secproto/protocols.h"

namespace secproto::cli {
namespace {

Json OsRowJson(const OsInfo& o) {
  Json j;
  AddOsIdentityJson(j, o);
  j["builtin_default_protocols"] = ProtocolSet(o.builtin_default).Names();
  j["builtin_default_overridden"] = o.builtin_default_overridden;
  j["schannel_client_defaults"] = SchannelDefaultsJson(o.schannel_client);
  AddOsFlagsJson(j, o);
  return j;
}

Json StepJson(const ExplainStep& s) {
  Json j;
  j["step"] = s.number;
  j["name"] = s.name;
  j["outcome"] = s.outcome;
  j["before"] = s.before;
  j["after"] = s.after;
  j["after_hex"] = ProtocolSet(s.after).Hex();
  j["after_protocols"] = ProtocolSet(s.after).Names();
  j["detail"] = s.detail;
  j["notes"] = s.notes;
  j["source"] = s.source;
  j["unsure"] = s.unsure;
  return j;
}

Json ExplanationJson(const Explanation& e) {
  Json j;
  j["effective_value"] = e.effective_value;
  j["effective_hex"] = ProtocolSet(e.effective_value).Hex();
  j["effective"] = ProtocolSet(e.effective_value).Names();
  j["max_version"] = e.max_version ? Json(std::string(Info(*e.max_version).name)) : Json(nullptr);
  j["source"] = e.source;
  j["verdict"] = e.verdict;
  j["verdict_text"] = e.verdict_text;
  Json steps = Json::array();
  for (const ExplainStep& s : e.steps) steps.push_back(StepJson(s));
  j["steps"] = steps;
  j["warnings"] = e.warnings;
  j["alternative_effective_value"] =
      e.alternative_value ? Json(*e.alternative_value) : Json(nullptr);
  return j;
}

void PrintOsLine(const ResolvedOs& r) {
  const OsInfo& o = r.os;
  std::cout << "OS: " << o.name << " (" << o.id << ", build " << o.build << ", "
            << o.ProductType() << ", " << r.how << ") [" << ConfidenceName(o.confidence)
            << "]\n";
  if (!r.note.empty()) std::cout << "  note: " << r.note << "\n";
}

void PrintExplanation(const Explanation& e, Architecture arch) {
  if (arch == Architecture::k32Bit) {
    std::cout << "\nprocesses (native key; a 32-bit OS has no Wow6432Node)\n";
  } else {
    std::cout << "\n" << ViewName(e.view) << "-bit processes ("
              << (e.view == View::k64 ? "native key" : "Wow6432Node key") << ")\n";
  }
  for (const ExplainStep& s : e.steps) {
    std::cout << "  " << s.number << ". " << s.name << ": " << s.outcome
              << (s.unsure ? " [unsure]" : "") << " -> " << ProtocolSet(s.after).Hex() << "\n";
    std::cout << "     " << s.detail << "\n";
    for (const std::string& n : s.notes) std::cout << "     note: " << n << "\n";
    std::cout << "     source: " << s.source << "\n";
  }
  std::cout << "  effective: " << ProtocolSet(e.effective_value).Hex() << " "
            << (e.effective_value ? "(" + ProtocolSet(e.effective_value).Describe() + ")"
                                  : ProtocolSet(e.effective_value).Describe())
            << ", max "
            << (e.max_version ? std::string(Info(*e.max_version).name) : "none") << "\n";
  std::cout << "  verdict: " << e.verdict << ": " << e.verdict_text << "\n";
}

// Whether two processes went through the same outcomes to the same set.
bool SameChain(const Explanation& a, const Explanation& b) {
  if (a.effective_value != b.effective_value || a.steps.size() != b.steps.size()) return false;
  for (size_t i = 0; i < a.steps.size(); ++i) {
    if (a.steps[i].outcome != b.steps[i].outcome || a.steps[i].after != b.steps[i].after) {
      return false;
    }
  }
  return true;
}

struct ExplainOptions {
  TargetFlags target;
  std::string os;
  std::string value;
  std::vector<std::string> app_protocols;
  std::string builtin_default;
  OsFlags model;
  std::vector<std::string> components;  // --component (docs/MODEL.md R18 on)
  std::string tls_policy;               // --tls-policy: what-if of a policy
  std::vector<std::string> tls_sets;    // --set: lines over --tls-policy
  bool verbose = false;
};

/// The flags of explain, checked before any I/O.
struct ExplainPlan {
  bool what_if_os = false;  ///< `explain --os ID` alone
  std::vector<Component> components;
  std::optional<uint32_t> app_mask;
  std::optional<RegValue> what_if;  ///< --value; nullopt: missing
};

/// --app-protocols: a raw mask, even 0 or one with unknown bits, is what an
/// app may pass: numbers are taken as given, names through the protocol parser.
Expected<std::optional<uint32_t>> ParseAppMask(const std::vector<std::string>& flags) {
  if (flags.empty()) return std::nullopt;
  if (flags.size() == 1) {
    if (auto n = ParseNumber(flags[0])) return *n;
  }
  auto spec = ParseProtocols(flags);
  if (!spec) return std::unexpected(spec.error());
  if (spec->relative) {
    return std::unexpected(
        Error::Input("--app-protocols takes a full list, not +/- edits", "relative-edit"));
  }
  return spec->absolute;
}

/// --value: a number, protocol names, or "missing".
Expected<std::optional<RegValue>> ParseWhatIfValue(const std::string& value) {
  if (value.empty() || value == "missing") return std::nullopt;
  auto n = ParseNumber(value);
  if (!n) {
    auto spec = ParseProtocols(std::vector<std::string>{value});
    if (!spec || spec->relative) {
      return std::unexpected(
          Error::Input("--value takes a number (0x2800), protocol names, or "
                       "'missing', not '" +
                           value + "'",
                       "bad-value"));
    }
    n = spec->absolute;
  }
  return RegValue::Dword(*n);
}

Expected<ExplainPlan> ParseExplainFlags(const ExplainOptions& o) {
  ExplainPlan plan;
  plan.what_if_os =
      o.target.target.empty() && o.value.empty() && !o.os.empty() && o.tls_policy.empty();
  if (!o.components.empty()) {
    auto parsed = ParseComponents(o.components);
    if (!parsed) return std::unexpected(parsed.error());
    plan.components = *parsed;
  } else if (!o.tls_policy.empty()) {
    plan.components = AllComponents();
  }
  if (!o.tls_policy.empty() && !o.target.target.empty()) {
    return std::unexpected(Error::Usage("--tls-policy is a what-if: give --os ID, not --target",
                                        "policy-with-target"));
  }
  if (o.target.target.empty() && o.value.empty() && !plan.what_if_os && o.tls_policy.empty() &&
      DefaultTarget().empty()) {
    std::string choices;
    for (const std::string& s : SupportedTargetSchemes()) {
      choices += (choices.empty() ? "" : ", ") + s;
    }
    return std::unexpected(Error::Usage(
        "explain needs --target T (one of: " + choices +
            "), or --os ID for the what-if of a machine where nothing is set (with --value V "
            "to set DefaultSecureProtocols)",
        "no-target"));
  }
  auto app_mask = ParseAppMask(o.app_protocols);
  if (!app_mask) return std::unexpected(app_mask.error());
  plan.app_mask = *app_mask;
  auto what_if = ParseWhatIfValue(o.value);
  if (!what_if) return std::unexpected(what_if.error());
  plan.what_if = *what_if;
  return plan;
}

/// What explain reads: the inputs, and the backend they came from (none for
/// a plain what-if).
struct ExplainSource {
  RegistryInputs inputs;
  std::unique_ptr<RegistryBackend> backend;
};

Expected<ExplainSource> ReadExplainSource(const ExplainOptions& o, const ExplainPlan& plan) {
  ExplainSource src;
  if (!o.tls_policy.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(mem, PolicyWhatIf(o.tls_policy, o.tls_sets, o.os));
    src.backend = std::move(mem);
    SECPROTO_ASSIGN_OR_RETURN(read, ReadRegistryInputs(*src.backend));
    src.inputs = std::move(read);
    src.inputs.target = "what-if: " + PolicyLabel({o.tls_policy, o.tls_sets});
    if (!o.value.empty()) {
      for (RegRead& r : src.inputs.dsp) r.value = plan.what_if;
    }
  } else if (plan.what_if_os || (!o.value.empty() && o.target.target.empty())) {
    src.inputs = WhatIfInputs(plan.what_if);
  } else {
    SECPROTO_ASSIGN_OR_RETURN(opened, OpenTargetFromFlags(o.target, /*read_only=*/true));
    src.backend = std::move(opened);
    SECPROTO_ASSIGN_OR_RETURN(read, ReadRegistryInputs(*src.backend));
    src.inputs = std::move(read);
    if (!o.value.empty()) src.inputs = WithValueInEveryView(std::move(src.inputs), plan.what_if);
  }
  return src;
}

/// The model's answer: one chain per process view, and the stack components.
struct ExplainResult {
  ResolvedOs os;
  ModelOptions mo;
  std::vector<Explanation> all;
  std::vector<ComponentExplanation> components;
};

Expected<ExplainResult> RunExplainModel(const ExplainOptions& o, const ExplainPlan& plan,
                                        const ExplainSource& src) {
  SECPROTO_ASSIGN_OR_RETURN(os, ResolveOs(src.backend.get(), o.os, o.builtin_default));
  ExplainResult r{std::move(os), o.model.Options(), {}, {}};
  for (View v : ProcessViews(src.inputs.architecture)) {
    r.all.push_back(ExplainProcess(r.os.os, src.inputs, plan.app_mask, v, r.mo));
  }
  if (!plan.components.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(r.os.os.id));
    SECPROTO_ASSIGN_OR_RETURN(stack, ReadStackOrDefaults(src.backend.get()));
    r.components = ExplainStack(r.os.os, tls, stack, src.inputs, plan.components, r.mo);
  }
  return r;
}

Json ExplainJson(const ExplainPlan& plan, const RegistryInputs& inputs, const ExplainResult& r) {
  Json j;
  Json osj = OsRowJson(r.os.os);
  osj["detected_by"] = r.os.how;
  osj["note"] = r.os.note.empty() ? Json(nullptr) : Json(r.os.note);
  j["os"] = osj;
  if (!r.os.detected_id.empty())
    j["os_what_if"] = Json{{"modelled", r.os.os.id}, {"detected", r.os.detected_id}};
  j["target"] = inputs.target;
  j["architecture"] = ArchitectureName(inputs.architecture);
  j["app_mask"] = plan.app_mask ? Json(*plan.app_mask) : Json(nullptr);
  j["schannel_reading"] = std::string(SchannelReadingName(r.mo));
  Json procs = Json::object();
  for (const Explanation& e : r.all) procs[std::string(ViewName(e.view))] = ExplanationJson(e);
  j["processes"] = procs;
  if (!plan.components.empty()) j["components"] = ComponentsJson(r.components);
  return j;
}

void PrintExplainHuman(const ExplainOptions& o, const ExplainPlan& plan,
                       const RegistryInputs& inputs, const ExplainResult& r) {
  PrintOsLine(r.os);
  std::cout << "Target: " << inputs.target;
  if (!o.value.empty()) std::cout << " (DefaultSecureProtocols = " << o.value << " in every view)";
  if (plan.what_if_os)
    std::cout << " (nothing set: DefaultSecureProtocols missing, SCHANNEL at defaults)";
  if (plan.app_mask) std::cout << "; app mask " << ProtocolSet(*plan.app_mask).Hex();
  std::cout << "\n";
  std::cout << "Model: " << ReadingText(r.mo) << "\n";
  for (size_t i = 0; i < r.all.size(); ++i) {
    const Explanation& e = r.all[i];
    if (i > 0 && SameChain(r.all[0], e)) {
      std::cout << "\n" << ViewName(e.view) << "-bit processes (Wow6432Node key): the same chain, "
                << ProtocolSet(e.effective_value).Hex() << " ("
                << ProtocolSet(e.effective_value).Describe() << ")\n";
      continue;
    }
    PrintExplanation(e, inputs.architecture);
  }
  std::vector<std::string> warnings;
  for (const Explanation& e : r.all) {
    for (const std::string& w : e.warnings) {
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
    }
  }
  if (!warnings.empty()) std::cout << "\n";
  for (const std::string& w : warnings) std::cout << "warning: " << w << "\n";
  PrintComponents(r.components, o.verbose);
}

int RunExplain(const ExplainOptions& o) {
  auto plan = ParseExplainFlags(o);
  if (!plan) return ReportError(plan.error());
  auto src = ReadExplainSource(o, *plan);
  if (!src) return ReportError(src.error());
  auto result = RunExplainModel(o, *plan, *src);
  if (!result) return ReportError(result.error());
  if (G().json) {
    PrintJson(ExplainJson(*plan, src->inputs, *result));
  } else {
    PrintExplainHuman(o, *plan, src->inputs, *result);
  }
  return kExitOk;
}

}  // namespace

const CommandSetup kSetupExplain = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<ExplainOptions>();
      AddTargetFlags(app, o->target, TargetUse::kRead);
      AddOsFlags(app, o->os, o->builtin_default, o->model);
      app.add_option("--value", o->value,
                     "What-if: DefaultSecureProtocols in every view (0x2800, tls1.2,tls1.3, or "
                     "'missing'); needs no target");
      app.add_option("--app-protocols", o->app_protocols,
                     "Model an app that calls WinHttpSetOption with this mask (names or a number)");
      app.add_option("--component", o->components,
                     "Also explain these components (repeat or comma list): schannel-client, "
                     "schannel-server, winhttp, wininet, dotnet");
      CLI::Option* tls_policy = app.add_option(
          "--tls-policy", o->tls_policy,
          "What-if: the stack as POLICY (template or file) compiles on --os ID; shows "
          "every component");
      AddTlsPolicySetOption(app, o->tls_sets, tls_policy);
      app.add_flag("-v,--verbose", o->verbose, "Print each component's steps");
      app.footer(
          "Examples:\n  secproto explain --os ws2019\n"
          "  secproto explain --os win10-22h2 --value 0x2800\n"
          "  secproto explain --target image:/mnt/win --json\n"
          "  secproto explain --os ws2019 --value missing --app-protocols 0x2800\n"
          "  secproto explain --os ws2022 --component schannel-server -v\n"
          "  secproto explain --os win10-22h2 --tls-policy modern --json");
      return [o]() -> int { return RunExplain(*o); };
    };

namespace {

struct OsOptions {
  std::string action;
  std::string id;
};

}  // namespace

const CommandSetup kSetupOs = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<OsOptions>();
      app.add_option("ACTION", o->action,
                     "list: print the catalog (--json for every field); show ID: one row in full")
          ->required()
          ->check(CLI::IsMember({"list", "show"}));
      app.add_option("ID", o->id, "OS id for show");
      return [o]() -> int {
        if (o->action == "show") {
          if (o->id.empty()) return ReportError(Error::Usage("os show needs an OS id"));
          return RunOsShow(o->id);
        }
        return RunOsList();
      };
    };

int RunOsList() {
  if (G().json) {
    Json rows = Json::array();
    for (const OsInfo& o : OsCatalog()) rows.push_back(OsRowJson(o));
    PrintJson(Json{{"os", rows}, {"schannel_reading", "removes"}});
    return kExitOk;
  }
  std::printf("%-11s %-6s %-11s %-10s %-5s %-4s %-3s %-7s %s\n", "ID", "BUILD", "TYPE", "DEFAULT",
              "TLS13", "SSL2", "KB", "CONF", "SCHANNEL CLIENT (SSL2 SSL3 1.0 1.1 1.2 1.3)");
  for (const OsInfo& o : OsCatalog()) {
    std::string sc;
    for (SchannelDefault d : o.schannel_client) {
      sc += (sc.empty() ? "" : " ") +
            std::string(d == SchannelDefault::kOn ? "on" : d == SchannelDefault::kOff ? "off" : "n/s");
    }
    std::printf("%-11s %-6u %-11s %-10s %-5s %-4s %-3s %-7s %s\n", o.id.c_str(), o.build,
                std::string(o.ProductType()).c_str(), ProtocolSet(o.builtin_default).Hex().c_str(),
                o.tls13 ? "yes" : "no", o.ssl2 ? "yes" : "no", o.needs_kb3140245 ? "yes" : "-",
                std::string(ConfidenceName(o.confidence)).c_str(), sc.c_str());
  }
  std::printf("\nRows marked unsure: the fact is conflicting or unconfirmed (docs/MODEL.md); "
              "override the WinHTTP default with --builtin-default, the OS with --os.\n");
  std::printf(
      "SCHANNEL client \"off\" (by default or DisabledByDefault=1) removes the protocol "
      "from WinHTTP on every OS (rule R9); --disabled-by-default-keeps models the other "
      "reading.\n");
  return kExitOk;
}

}  // namespace secproto::cli
