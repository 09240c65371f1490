// secproto policy: the stack-wide TLS policy. `policy show NAME|FILE` prints
// a template or policy file; `policy compile POLICY --os ID` prints the
// registry changes it makes on that OS (docs/POLICY.md).
#include "cmd_policy.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "commands.h"
#include "policy_arg.h"
#include "policy_ops.h"
#include "secproto/text.h"

namespace secproto::cli {
namespace {

std::vector<Command>& Subcommands() {
  static std::vector<Command> subs;
  return subs;
}

std::string Utf16Text(const std::vector<uint8_t>& data, size_t begin, size_t end) {
  auto s = Utf16LeToUtf8(data.data() + begin, end - begin);
  return s ? *s : std::string("?");
}

// The strings of a REG_SZ (one) or REG_MULTI_SZ (each, no empty tail).
std::vector<std::string> Strings(const RegValue& v) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 1 < v.data.size(); i += 2) {
    if (v.data[i] == 0 && v.data[i + 1] == 0) {
      if (i == start) break;
      out.push_back(Utf16Text(v.data, start, i));
      start = i + 2;
      if (v.type == kRegSz) break;
    }
  }
  return out;
}

}  // namespace

const CommandSetup kSetupPolicy = [](CLI::App& app) -> std::function<int()> {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::pair<CLI::App*, std::function<int()>>>>();
  std::vector<Command> subs = Subcommands();
  std::sort(subs.begin(), subs.end(),
            [](const Command& a, const Command& b) { return a.order < b.order; });
  for (const Command& c : subs) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    runs->emplace_back(sub, c.setup(*sub));
  }
  std::vector<PolicySubcommand> ops;
  AddPolicyOpsSubcommands(app, ops);
  for (PolicySubcommand& s : ops) runs->emplace_back(s.app, std::move(s.run));
  app.footer(
      "Templates: modern, intermediate, old, pci-dss-4, fips-140, os-default "
      "(docs/POLICY.md).\nExamples:\n  secproto policy show modern\n"
      "  secproto policy compile modern --os win10-22h2 --json");
  return [runs]() -> int {
    for (auto& [sub, run] : *runs) {
      if (sub->parsed()) return run();
    }
    return kExitUsage;
  };
};

namespace {

struct ShowOptions {
  PolicyArg policy;
};

int RunShow(const ShowOptions& o) {
  auto p = LoadPolicyArg(o.policy);
  if (!p) return ReportError(p.error());
  if (G().json) {
    Json j;
    j["origin"] = p->origin;
    j["policy"] = Json::parse(PolicyToJson(*p));
    AddSetsJson(j, o.policy);
    PrintJson(j);
    return kExitOk;
  }
  // A template as written ("Modern" names the template modern).
  constexpr std::string_view kTemplate = "template:";
  auto text = p->origin.starts_with(kTemplate)
                  ? TemplateText(std::string_view(p->origin).substr(kTemplate.size()))
                  : std::nullopt;
  if (text && o.policy.sets.empty()) {
    std::cout << *text;
  } else {
    std::cout << "# " << p->origin << " as secproto reads it\n" << PolicyToToml(*p);
  }
  return kExitOk;
}

const bool kShow = RegisterPolicySubcommand(
    {"show", "Print a template or a policy file (TOML; --json in the schema's shape)", 10,
     [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<ShowOptions>();
       AddPolicyArg(app, o->policy, "template name or policy file (.toml, .json)");
       app.footer(
           "Examples:\n  secproto policy show modern > my-policy.toml\n"
           "  secproto policy show modern --set key_sizes.dh_server_min=3072");
       return [o]() -> int { return RunShow(*o); };
     }});

struct CompileOpts {
  PolicyArg policy;
  std::string os;
  bool allow_tls13 = false;
};

int RunCompile(const CompileOpts& o) {
  auto p = LoadPolicyArg(o.policy);
  if (!p) return ReportError(p.error());
  CompileOptions options;
  options.allow_tls13_on_old_os = o.allow_tls13;
  auto c = CompilePolicy(*p, o.os, options);
  if (!c) return ReportError(c.error());
  if (G().json) {
    Json j;
    j["policy"] = p->name;
    j["origin"] = p->origin;
    j["os"] = c->os_id;
    Json changes = Json::array();
    for (const RegChange& ch : c->changes) changes.push_back(RegChangeJson(ch));
    j["changes"] = changes;
    j["notes"] = c->notes;
    j["warnings"] = c->warnings;
    AddSetsJson(j, o.policy);
    PrintJson(j);
    return kExitOk;
  }
  std::printf("Policy %s compiled for %s: %zu registry changes\n", p->name.c_str(),
              c->os_id.c_str(), c->changes.size());
  for (const RegChange& ch : c->changes) {
    std::printf("\n  [%s] %s\n    %s = %s\n    effect: %s; %s\n",
                std::string(ViewName(ch.view)).c_str(), ch.key.c_str(), ch.name.c_str(),
                RegChangeValueText(ch).c_str(), std::string(EffectName(ch.effect)).c_str(),
                ch.why.c_str());
  }
  if (!c->warnings.empty()) std::printf("\nWarnings:\n");
  for (const std::string& w : c->warnings) std::printf("  - %s\n", w.c_str());
  if (!c->notes.empty()) std::printf("\nNotes:\n");
  for (const std::string& n : c->notes) std::printf("  - %s\n", n.c_str());
  return kExitOk;
}

const bool kCompile = RegisterPolicySubcommand(
    {"compile", "Print the registry changes a policy makes on one OS (no target is touched)", 20,
     [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<CompileOpts>();
       AddPolicyArg(app, o->policy, "template name or policy file (.toml, .json)");
       app.add_option("--os", o->os, "OS id from `secproto os list`")->required();
       app.add_flag("--allow-tls13-on-old-os", o->allow_tls13,
                    "write TLS 1.3 before Windows 11 / Server 2022 (not a safe configuration)");
       app.footer("Example:\n  secproto policy compile intermediate --os ws2019 --json");
       return [o]() -> int { return RunCompile(*o); };
     }});

}  // namespace

bool RegisterPolicySubcommand(Command command) {
  Subcommands().push_back(std::move(command));
  return true;
}

std::string RegChangeValueText(const RegChange& c) {
  if (!c.value) return "(delete)";
  const RegValue& v = *c.value;
  if (auto d = v.AsDword()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "dword:0x%08x (%u)", *d, *d);
    return buf;
  }
  if (v.type == kRegSz) {
    auto s = Strings(v);
    return "sz:\"" + (s.empty() ? std::string() : s[0]) + "\"";
  }
  if (v.type == kRegMultiSz) {
    std::string out = "multi_sz:[";
    bool first = true;
    for (const std::string& s : Strings(v)) {
      out += (first ? "" : ", ") + s;
      first = false;
    }
    return out + "]";
  }
  return RegTypeName(v.type) + ":" + v.HexData();
}

Json RegChangeJson(const RegChange& c) {
  Json j;
  j["view"] = std::string(ViewName(c.view));
  j["key"] = c.key;
  j["name"] = c.name;
  j["action"] = c.value ? "set" : "delete";
  if (c.value) {
    j["type"] = RegTypeName(c.value->type);
    j["data"] = c.value->HexData();
    if (auto d = c.value->AsDword()) {
      j["value"] = *d;
    } else if (c.value->type == kRegSz) {
      auto s = Strings(*c.value);
      j["value"] = s.empty() ? std::string() : s[0];
    } else if (c.value->type == kRegMultiSz) {
      j["value"] = Strings(*c.value);
    }
  }
  j["effect"] = std::string(EffectName(c.effect));
  j["why"] = c.why;
  return j;
}

}  // namespace secproto::cli
