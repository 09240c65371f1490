// secproto impact --policy PROTOCOLS [--os ID] [--from PROTOCOLS|--target T]
//                 (ENDPOINT...|-f FILE|--probe-results FILE)
//
// Which servers a WinHTTP application would stop reaching after a change of
// DefaultSecureProtocols. The client side comes from the explain model (OS
// built-in default, registry value, OS support, SCHANNEL); the server side
// from `secproto probe` (run here, or read from its --json output).
#include <iostream>
#include <sstream>

#include "commands.h"
#include "common.h"
#include "impact_probe.h"
#include "impact_tls.h"
#include "policy_arg.h"
#include "secproto/explain.h"
#include "secproto/impact.h"
#include "secproto/protocols.h"
#include "secproto/files.h"

namespace secproto::cli {
namespace {

struct ImpactOptions {
  std::string policy;
  std::string os;
  std::string from;
  std::string view = "64";
  TargetFlags target;
  std::vector<std::string> endpoints;
  std::string endpoints_file;
  std::string probe_results;
  ProbeRunOptions probe;
  std::string tls_policy;       // --tls-policy (cli/impact_tls.h)
  std::string from_tls_policy;  // --from-tls-policy
  std::vector<std::string> tls_sets;  // --set: lines over --tls-policy
};

/// What the client offers in one state, and why.
struct ClientState {
  std::string source;              ///< "from", "target", "builtin-default", "policy"
  std::optional<uint32_t> stored;  ///< the DefaultSecureProtocols value; nullopt: absent
  Explanation explanation;
};

Json VersionJson(const std::optional<Protocol>& p) {
  return p ? Json(std::string(Info(*p).short_name)) : Json(nullptr);
}

Json NegotiationJson(const Negotiation& n) {
  Json j;
  j["works"] = n.state == Negotiation::State::kWorks;
  j["state"] = std::string(NegotiationStateName(n.state));
  j["version"] = VersionJson(n.version);
  j["version_name"] = n.version ? Json(std::string(Info(*n.version).name)) : Json(nullptr);
  j["version_uncertain"] = n.version_uncertain;
  return j;
}

Json ClientJson(const ClientState& c) {
  Json j;
  j["source"] = c.source;
  j["stored"] = c.stored ? ProtocolSetJson(*c.stored) : Json(nullptr);
  j["effective"] = ProtocolSetJson(c.explanation.effective_value);
  j["explain_source"] = c.explanation.source;
  j["verdict"] = c.explanation.verdict;
  Json steps = Json::array();
  for (const ExplainStep& s : c.explanation.steps) {
    steps.push_back(Json{{"name", s.name}, {"outcome", s.outcome}, {"detail", s.detail}});
  }
  j["steps"] = steps;
  j["warnings"] = c.explanation.warnings;
  return j;
}

std::string NegotiationText(const Negotiation& n) {
  switch (n.state) {
    case Negotiation::State::kWorks:
      return std::string(Info(*n.version).name) + (n.version_uncertain ? "+?" : "");
    case Negotiation::State::kFails:
      return "FAILS";
    case Negotiation::State::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string ImpactText(const EndpointImpact& e) {
  if (!e.error.empty()) return "probe failed: " + e.error;
  if (e.breaks) return "BREAKS";
  if (e.at_risk) return "at risk (probe inconclusive)";
  if (e.fixes) return "starts working";
  if (e.version_changed) return "version changes";
  return "";
}

void PrintHuman(const OsInfo& os, const std::string& os_note, const ClientState& before,
                const ClientState& after, const ImpactReport& r) {
  std::cout << "OS: " << os.name << " (" << os.id << ")" << (os_note.empty() ? "" : "; " + os_note)
            << "\n";
  std::cout << "before: " << ProtocolSet(before.explanation.effective_value).Describe() << "  ["
            << before.source << "]\n";
  std::cout << "after:  " << ProtocolSet(after.explanation.effective_value).Describe()
            << "  [policy " << (after.stored ? ProtocolSet(*after.stored).Hex() : "") << "]\n\n";
  size_t width = 8;
  for (const EndpointImpact& e : r.endpoints) width = std::max(width, e.endpoint.size());
  std::ostringstream out;
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d) {
    out << a << std::string(width + 2 - std::min(width + 1, a.size()), ' ') << b
        << std::string(10 - std::min<size_t>(9, b.size()), ' ') << c
        << std::string(10 - std::min<size_t>(9, c.size()), ' ') << d << "\n";
  };
  row("ENDPOINT", "BEFORE", "AFTER", "IMPACT");
  for (const EndpointImpact& e : r.endpoints) {
    row(e.endpoint, NegotiationText(e.before), NegotiationText(e.after), ImpactText(e));
  }
  std::cout << out.str() << "\n";
  const ImpactSummary& s = r.summary;
  std::cout << s.endpoints << " endpoints: " << s.works_before << " work today, " << s.works_after
            << " after; " << s.breaks << " break, " << s.at_risk << " at risk, " << s.fixes
            << " start working, " << s.version_changed << " change version\n";
  for (const EndpointImpact& e : r.endpoints) {
    if (e.breaks) std::cout << "breaks: " << e.endpoint << "\n";
  }
  if (!G().quiet) {
    for (const std::string& w : after.explanation.warnings) std::cout << "note: " << w << "\n";
  }
}

/// The flags of the WinHTTP mode, checked before any I/O: bad usage never
/// probes anything.
struct ImpactSpecs {
  ProtocolSpec policy;
  std::optional<ProtocolSpec> from;
  View view = View::k64;
};

Expected<ImpactSpecs> ParseImpactFlags(const ImpactOptions& o) {
  if (o.policy.empty()) {
    return std::unexpected(Error::Usage(
        "give --policy PROTOCOLS (WinHTTP) or --tls-policy POLICY (the whole stack)", "usage"));
  }
  if (!o.from_tls_policy.empty()) {
    return std::unexpected(Error::Usage("--from-tls-policy goes with --tls-policy", "usage"));
  }
  ImpactSpecs specs;
  auto policy_spec = ParseProtocols(std::vector<std::string>{o.policy});
  if (!policy_spec) return std::unexpected(policy_spec.error());
  specs.policy = *policy_spec;
  if (!o.from.empty()) {
    auto f = ParseProtocols(std::vector<std::string>{o.from});
    if (!f) return std::unexpected(f.error());
    if (f->relative) {
      return std::unexpected(
          Error::Usage("--from takes a full protocol list, not +/- edits", "relative-edit"));
    }
    specs.from = *f;
  }
  int sources = !o.endpoints.empty() + !o.endpoints_file.empty() + !o.probe_results.empty();
  if (sources != 1) {
    return std::unexpected(Error::Usage(
        "give the servers as ENDPOINT arguments, -f FILE or --probe-results FILE (exactly one)",
        "no-endpoints"));
  }
  specs.view = o.view == "32" ? View::k32 : View::k64;
  return specs;
}

/// The OS and the client before and after the change.
struct ImpactClients {
  OsInfo os;
  std::string os_note;
  ClientState before, after;
  std::vector<Warning> warnings;
};

/// Edits on top of the built-in default inherit what it offers: a warning
/// when that keeps an insecure protocol the user did not name.
std::optional<Warning> KeepsInsecureWarning(const OsInfo& os, const ProtocolSpec& spec,
                                            const ClientState& before, uint32_t base,
                                            uint32_t policy) {
  if (!spec.relative) return std::nullopt;
  uint32_t insecure = 0;
  for (Protocol p : {Protocol::kSsl2, Protocol::kSsl3}) insecure |= Info(p).bit;
  uint32_t kept = policy & base & insecure & ~spec.add;
  if (kept == 0) return std::nullopt;
  return Warning{"keeps-insecure",
                 "the edits apply to " +
                     std::string(base == os.builtin_default && before.source != "from"
                                     ? std::string(os.name) + "'s built-in default"
                                     : "the stored value") +
                     " (" + ProtocolSet(base).Describe() + "), so the policy keeps " +
                     ProtocolSet(kept).Describe() +
                     "; give a full list (e.g. tls1.2,tls1.3) to drop it"};
}

/// The registry inputs of today's client: the target's, --from's, or none.
Expected<RegistryInputs> BeforeInputs(RegistryBackend* backend, const ImpactSpecs& specs,
                                      ClientState& before) {
  if (backend) {
    auto in = ReadRegistryInputs(*backend);
    if (!in) return std::unexpected(in.error());
    before.source = "target";
    if (in->architecture == Architecture::k32Bit && specs.view == View::k32) {
      return std::unexpected(Error::Usage(
          "the target is a 32-bit OS: it has no 32-bit view (--view 64)", "no-such-view"));
    }
    before.stored = in->Dsp(specs.view).dword();
    if (specs.from) {
      return std::unexpected(Error::Usage("--from and --target are exclusive", "usage"));
    }
    return std::move(*in);
  }
  if (specs.from) {
    before.source = "from";
    before.stored = specs.from->absolute;
    return WhatIfInputs(RegValue::Dword(specs.from->absolute));
  }
  before.source = "builtin-default";
  return WhatIfInputs(std::nullopt);
}

Expected<ImpactClients> ComputeClients(const ImpactOptions& o, const ImpactSpecs& specs) {
  std::unique_ptr<RegistryBackend> backend;
  if (!o.target.target.empty()) {
    auto b = OpenTargetFromFlags(o.target, /*read_only=*/true);
    if (!b) return std::unexpected(b.error());
    backend = std::move(*b);
  }
  // No OS named and nothing to detect it from is a usage error, as in explain.
  auto resolved = ResolveOs(backend.get(), o.os, "", "impact without --target");
  if (!resolved) return std::unexpected(resolved.error());
  ImpactClients c{resolved->os, resolved->note, {}, {}, {}};
  auto inputs = BeforeInputs(backend.get(), specs, c.before);
  if (!inputs) return std::unexpected(inputs.error());
  c.before.explanation = ExplainProcess(c.os, *inputs, std::nullopt, specs.view);

  // A relative policy edits the value WinHTTP uses today: the stored one when
  // valid, else the built-in default.
  uint32_t base = c.os.builtin_default;
  if (c.before.stored && ProtocolSet(*c.before.stored).IsValid()) base = *c.before.stored;
  uint32_t policy = specs.policy.Apply(base);
  if (auto why = WinHttpIgnoreReason(policy)) {
    return std::unexpected(
        Error::Input("policy " + ProtocolSet(policy).Hex() + ": " + *why, "bad-policy"));
  }
  if (auto w = KeepsInsecureWarning(c.os, specs.policy, c.before, base, policy)) {
    c.warnings.push_back(*w);
  }
  c.after.source = "policy";
  c.after.stored = policy;
  c.after.explanation = ExplainProcess(c.os, WithValueInEveryView(*inputs, RegValue::Dword(policy)),
                                       std::nullopt, specs.view);
  return c;
}

/// The servers: read from --probe-results, or probed now.
Expected<std::vector<ServerOffer>> LoadServers(const ImpactOptions& o) {
  auto results = o.probe_results.empty()
                     ? ProbeImpactEndpoints(o.endpoints, o.endpoints_file, o.probe, false)
                     : ReadProbeResults(o.probe_results);
  if (!results) return std::unexpected(results.error());
  std::vector<ServerOffer> offers;
  offers.reserve(results->size());
  for (const EndpointResult& r : *results) offers.push_back(OfferFromProbe(r));
  return offers;
}

Json EndpointImpactJson(const EndpointImpact& e) {
  Json x;
  x["endpoint"] = e.endpoint;
  x["ip"] = e.ip;
  x["before"] = NegotiationJson(e.before);
  x["after"] = NegotiationJson(e.after);
  x["breaks"] = e.breaks;
  x["fixes"] = e.fixes;
  x["at_risk"] = e.at_risk;
  x["version_changed"] = e.version_changed;
  x["error"] = e.error.empty() ? Json(nullptr) : Json(e.error);
  return x;
}

Json ImpactJson(const ImpactClients& c, View view, const ImpactReport& report,
                size_t probe_failures) {
  Json j;
  j["os"] = Json{{"id", c.os.id}, {"name", c.os.name}, {"note", c.os_note}};
  j["view"] = std::string(ViewName(view));
  j["client"] = Json{{"before", ClientJson(c.before)}, {"after", ClientJson(c.after)}};
  Json eps = Json::array();
  Json breaking = Json::array();
  for (const EndpointImpact& e : report.endpoints) {
    eps.push_back(EndpointImpactJson(e));
    if (e.breaks) breaking.push_back(e.endpoint);
  }
  j["endpoints"] = eps;
  j["breaking"] = breaking;
  j["summary"] = ImpactSummaryJson(report.summary, probe_failures, "version_changed");
  Json w = Json::array();
  for (const Warning& x : c.warnings) w.push_back(Json{{"code", x.code}, {"message", x.message}});
  j["warnings"] = w;
  return j;
}

int Run(const ImpactOptions& o) {
  if (!o.tls_policy.empty()) {
    if (!o.policy.empty() || !o.from.empty()) {
      return ReportError(Error::Usage("--tls-policy excludes --policy and --from", "usage"));
    }
    return RunTlsImpact({o.tls_policy, o.from_tls_policy, o.os, o.target, o.endpoints,
                         o.endpoints_file, o.probe_results, o.probe, o.tls_sets});
  }
  auto specs = ParseImpactFlags(o);
  if (!specs) return ReportError(specs.error());
  auto clients = ComputeClients(o, *specs);
  if (!clients) return ReportError(clients.error());
  auto servers = LoadServers(o);
  if (!servers) return ReportError(servers.error());

  ImpactReport report =
      ComputeImpact(ProtocolSet(clients->before.explanation.effective_value),
                    ProtocolSet(clients->after.explanation.effective_value), *servers);
  size_t probe_failures = 0;
  for (const EndpointImpact& e : report.endpoints) probe_failures += !e.error.empty();

  if (G().json) {
    PrintJson(ImpactJson(*clients, specs->view, report, probe_failures));
  } else {
    PrintHuman(clients->os, clients->os_note, clients->before, clients->after, report);
    for (const Warning& x : clients->warnings) Warn(x.message);
  }
  if (report.summary.breaks > 0) return kExitDrift;
  if (probe_failures > 0) return kExitTarget;
  return kExitOk;
}

}  // namespace

const CommandSetup kSetupImpact = [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<ImpactOptions>();
       app.add_option("--policy", o->policy,
                      "The new DefaultSecureProtocols: tls1.2,tls1.3 | 0x2800 | a profile | "
                      "+/- edits of today's value (--policy=-tls1.0,-tls1.1)");
       CLI::Option* tls_policy =
           app.add_option("--tls-policy", o->tls_policy,
                          "A whole TLS policy (template or file, see `policy show`): versions, "
                          "suites and curves negotiated before and after");
       AddTlsPolicySetOption(app, o->tls_sets, tls_policy);
       app.add_option("--from-tls-policy", o->from_tls_policy,
                      "With --tls-policy: the policy in force today (default: the OS defaults)");
       app.add_option("--os", o->os, "The OS catalog row (see `secproto os list`)");
       auto from = app.add_option("--from", o->from,
                                  "What the app uses today (default: the OS built-in default)");
       AddTargetFlags(app, o->target, TargetUse::kRead);
       if (auto* t = app.get_option_no_throw("--target")) from->excludes(t);
       app.add_option("--view", o->view, "Process bitness: 64 (native) or 32 (Wow6432Node)")
           ->check(CLI::IsMember({"64", "32"}));
       app.add_option("ENDPOINT", o->endpoints, "host, host:port or [v6]:port (port 443)");
       app.add_option("-f,--file", o->endpoints_file, "A file of endpoints, one a line");
       app.add_option("--probe-results", o->probe_results,
                      "Read servers from `secproto probe --json` output instead of probing");
       AddProbeRunFlags(app, o->probe);
       app.footer(
           "Exit: 0 nothing breaks, 1 some endpoint breaks, 2 bad input, 3 probe failure.\n"
           "Examples:\n"
           "  secproto impact --policy tls1.2,tls1.3 --os win10-22h2 -f servers.txt\n"
           "  secproto probe -f servers.txt --json > probe.jsonl\n"
           "  secproto impact --policy=-tls1.0,-tls1.1 --from 0xA80 --os win10-22h2 "
           "--probe-results probe.jsonl\n"
           "  secproto probe -f servers.txt --suites --json > suites.jsonl\n"
           "  secproto impact --tls-policy modern --os win10-22h2 --probe-results suites.jsonl");
       return [o]() -> int { return Run(*o); };
     };

}  // namespace secproto::cli
