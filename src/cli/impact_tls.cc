// `secproto impact --tls-policy POLICY --os ID (ENDPOINT...|-f FILE|--probe-results F)`
// (cli/impact_tls.h). The client before and after comes from the policy
// library and the OS catalog, the servers from `probe --suites`, the verdicts
// from NegotiateTls (include/secproto/impact.h).
#include "impact_tls.h"

#include <iostream>
#include <sstream>

#include "common.h"
#include "secproto/capture.h"
#include "secproto/catalog.h"
#include "secproto/explain.h"
#include "secproto/impact.h"
#include "secproto/policy.h"
#include "secproto/probe.h"
#include "secproto/files.h"

namespace secproto::cli {
namespace {

Expected<std::vector<EndpointResult>> ReadResults(const std::string& path) {
  SECPROTO_ASSIGN_OR_RETURN(out, ReadProbeResults(path));
  if (out.empty()) return Fail(Error::Input(path + ": no probe results", "bad-probe-results"));
  return out;
}

Expected<std::vector<EndpointResult>> Probe(const TlsImpactInput& in) {
  return ProbeImpactEndpoints(in.endpoints, in.endpoints_file, in.probe, /*suites=*/true);
}

Json NamesJson(const std::vector<uint16_t>& list, bool groups) {
  Json a = Json::array();
  for (uint16_t x : list) a.push_back(groups ? GroupIanaName(x) : SuiteIanaName(x));
  return a;
}

Json ClientJson(const ClientTls& c) {
  return Json{{"source", c.source},
              {"protocols", c.protocols.ShortNames()},
              {"suites", NamesJson(c.suites, false)},
              {"groups", NamesJson(c.groups, true)},
              {"notes", c.notes}};
}

Json NegotiationJson(const TlsNegotiation& n) {
  Json j;
  j["works"] = n.state == Negotiation::State::kWorks;
  j["state"] = std::string(NegotiationStateName(n.state));
  j["version"] = n.version ? Json(std::string(Info(*n.version).short_name)) : Json(nullptr);
  j["suite"] = n.suite ? Json(SuiteIanaName(*n.suite)) : Json(nullptr);
  j["group"] = n.group ? Json(GroupIanaName(*n.group)) : Json(nullptr);
  j["failure"] =
      n.failure == TlsFailure::kNone ? Json(nullptr) : Json(std::string(TlsFailureName(n.failure)));
  j["detail"] = n.detail;
  return j;
}

// "TLS 1.2 ECDHE_RSA_WITH_AES_128_GCM_SHA256 x25519", "FAILS", "unknown".
std::string Cell(const TlsNegotiation& n) {
  if (n.state == Negotiation::State::kFails) return "FAILS";
  if (n.state == Negotiation::State::kUnknown) return "unknown";
  std::string s(Info(*n.version).name);
  if (n.suite) {
    std::string name = SuiteIanaName(*n.suite);
    if (name.starts_with("TLS_")) name = name.substr(4);
    s += " " + name;
  }
  if (n.group) s += " " + GroupIanaName(*n.group);
  return s;
}

std::string Pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + "  ";
}

// The client before and after on the OS in use: before is --from-tls-policy,
// the policy captured from --target (policy capture), or the OS defaults.
struct Clients {
  OsInfo os;
  std::string os_note;
  ClientTls before;
  ClientTls after;
};

Expected<Clients> ResolveClients(const TlsImpactInput& in) {
  Clients c;
  SECPROTO_ASSIGN_OR_RETURN(after_policy, LoadPolicy(in.policy, in.sets));
  std::optional<Policy> before_policy;
  if (!in.from_policy.empty()) {
    if (!in.target.target.empty()) {
      return std::unexpected(Error::Usage("--from-tls-policy and --target are exclusive", "usage"));
    }
    SECPROTO_ASSIGN_OR_RETURN(from, LoadPolicy(in.from_policy));
    before_policy = std::move(from);
  }
  std::unique_ptr<RegistryBackend> backend;
  if (!in.target.target.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(opened, OpenTargetFromFlags(in.target, /*read_only=*/true));
    backend = std::move(opened);
  }
  SECPROTO_ASSIGN_OR_RETURN(
      resolved, ResolveOs(backend.get(), in.os, "", "impact --tls-policy without --target"));
  c.os = resolved.os;
  c.os_note = resolved.note;
  if (backend) {
    CaptureOptions co;
    co.os_id = c.os.id;
    SECPROTO_ASSIGN_OR_RETURN(captured, CapturePolicy(*backend, co));
    before_policy = std::move(captured.policy);
  }
  SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(c.os.id));
  c.before = before_policy ? ClientFromPolicy(*before_policy, c.os, tls)
                           : ClientFromOsDefaults(c.os, tls);
  if (backend) c.before.source = "target";
  c.after = ClientFromPolicy(after_policy, c.os, tls);
  return c;
}

Json TlsImpactJson(const Clients& c, const TlsImpactReport& report, size_t probe_failures) {
  Json j;
  j["os"] = Json{{"id", c.os.id}, {"name", c.os.name}, {"note", c.os_note}};
  j["client"] = Json{{"before", ClientJson(c.before)}, {"after", ClientJson(c.after)}};
  Json eps = Json::array();
  Json breaking = Json::array();
  for (const TlsEndpointImpact& e : report.endpoints) {
    eps.push_back(Json{{"endpoint", e.endpoint},
                       {"ip", e.ip},
                       {"before", NegotiationJson(e.before)},
                       {"after", NegotiationJson(e.after)},
                       {"breaks", e.breaks},
                       {"fixes", e.fixes},
                       {"at_risk", e.at_risk},
                       {"changed", e.changed},
                       {"error", e.error.empty() ? Json(nullptr) : Json(e.error)}});
    if (e.breaks) breaking.push_back(e.endpoint);
  }
  j["endpoints"] = eps;
  j["breaking"] = breaking;
  j["summary"] = ImpactSummaryJson(report.summary, probe_failures, "changed");
  return j;
}

void PrintTlsImpactTable(const TlsImpactReport& report) {
  size_t ew = 8, bw = 6;
  for (const TlsEndpointImpact& e : report.endpoints) {
    ew = std::max(ew, e.endpoint.size());
    bw = std::max(bw, Cell(e.before).size());
  }
  std::cout << Pad("ENDPOINT", ew) << Pad("BEFORE", bw) << "AFTER\n";
  for (const TlsEndpointImpact& e : report.endpoints) {
    std::cout << Pad(e.endpoint, ew) << Pad(Cell(e.before), bw) << Cell(e.after) << "\n";
  }
}

void PrintTlsImpactHuman(const Clients& c, const TlsImpactReport& report) {
  const ClientTls& before = c.before;
  const ClientTls& after = c.after;
  std::cout << "OS: " << c.os.name << " (" << c.os.id << ")"
            << (c.os_note.empty() ? "" : "; " + c.os_note) << "\n";
  std::cout << "before: " << before.source << "  " << before.protocols.Describe() << ", "
            << before.suites.size() << " suites, " << before.groups.size() << " curves\n";
  std::cout << "after:  " << after.source << "  " << after.protocols.Describe() << ", "
            << after.suites.size() << " suites, " << after.groups.size() << " curves\n\n";
  PrintTlsImpactTable(report);
  const ImpactSummary& s = report.summary;
  std::cout << "\n"
            << s.endpoints << " endpoints: " << s.works_before << " work today, " << s.works_after
            << " after; " << s.breaks << " break, " << s.at_risk << " at risk, " << s.fixes
            << " start working, " << s.version_changed << " change\n";
  for (const TlsEndpointImpact& e : report.endpoints) {
    if (e.breaks) {
      std::cout << "breaks: " << e.endpoint << ": " << TlsFailureName(e.after.failure) << " ("
                << e.after.detail << ")\n";
    } else if (!e.error.empty()) {
      std::cout << "probe failed: " << e.endpoint << ": " << e.error << "\n";
    }
  }
  if (!G().quiet) {
    for (const std::string& n : after.notes) std::cout << "note: " << n << "\n";
  }
}

}  // namespace

int RunTlsImpact(const TlsImpactInput& in) {
  int sources = !in.endpoints.empty() + !in.endpoints_file.empty() + !in.probe_results.empty();
  if (sources != 1) {
    return ReportError(Error::Usage(
        "give the servers as ENDPOINT arguments, -f FILE or --probe-results FILE (exactly one)",
        "no-endpoints"));
  }
  auto clients = ResolveClients(in);
  if (!clients) return ReportError(clients.error());
  auto servers = in.probe_results.empty() ? Probe(in) : ReadResults(in.probe_results);
  if (!servers) return ReportError(servers.error());
  TlsImpactReport report = ComputeTlsImpact(clients->before, clients->after, *servers);
  size_t probe_failures = 0;
  for (const TlsEndpointImpact& e : report.endpoints) probe_failures += !e.error.empty();

  if (G().json) {
    PrintJson(TlsImpactJson(*clients, report, probe_failures));
  } else {
    PrintTlsImpactHuman(*clients, report);
  }
  if (report.summary.breaks > 0) return kExitDrift;
  if (probe_failures > 0) return kExitTarget;
  return kExitOk;
}

}  // namespace secproto::cli
