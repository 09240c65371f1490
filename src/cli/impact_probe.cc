// The probing half of `secproto impact` (cli/impact_probe.h).
#include "impact_probe.h"

#include "secproto/probe.h"
#include "secproto/files.h"

namespace secproto::cli {
namespace {

// `parse` over the text of the file at `path`; its errors start with "PATH: ".
template <typename T>
Expected<T> ParseFile(const std::string& path, Expected<T> (*parse)(std::string_view)) {
  SECPROTO_ASSIGN_OR_RETURN(bytes, ReadFileBytes(path));
  auto parsed = parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!parsed) {
    Error e = parsed.error();
    e.message = path + ": " + e.message;
    return Fail(std::move(e));
  }
  return parsed;
}

}  // namespace

void AddProbeRunFlags(CLI::App& app, ProbeRunOptions& o) {
  app.add_option("--concurrency", o.concurrency, "Probe connections open at once (default 256)")
      ->check(CLI::Range(1, 65536));
  app.add_option("--per-ip", o.per_ip, "Probe connections open at once to one address (default 8)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--timeout", o.timeout_ms, "Probe read timeout in ms (default 5000)")
      ->check(CLI::Range(1, 600000));
  app.add_option("--connect-timeout", o.connect_timeout_ms,
                 "Probe connect timeout in ms (default 3000)")
      ->check(CLI::Range(1, 600000));
  app.add_option("--retries", o.retries, "Extra probe attempts for unsure answers (default 2)")
      ->check(CLI::Range(0, 10));
  app.add_flag("--no-sni", o.no_sni, "Never send SNI (it is never sent for IP addresses)");
}

Expected<std::vector<EndpointResult>> ProbeImpactEndpoints(const std::vector<std::string>& args,
                                                           const std::string& file,
                                                           const ProbeRunOptions& o, bool suites) {
  std::vector<Endpoint> endpoints;
  if (!file.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(list, ParseFile(file, ParseEndpointList));
    endpoints = std::move(list);
  } else {
    for (const std::string& a : args) {
      SECPROTO_ASSIGN_OR_RETURN(ep, ParseEndpoint(a));
      endpoints.push_back(std::move(ep));
    }
  }
  if (endpoints.empty()) return Fail(Error::Input("no endpoints to probe", "no-endpoints"));

  ProbeOptions po;
  po.concurrency = o.concurrency;
  po.per_ip_limit = o.per_ip;
  po.read_timeout_ms = o.timeout_ms;
  po.connect_timeout_ms = o.connect_timeout_ms;
  po.retries = o.retries;
  po.send_sni = !o.no_sni;
  po.suites = suites;
  return ProbeEndpoints(endpoints, po);
}

Json ImpactSummaryJson(const ImpactSummary& s, size_t probe_failures,
                       std::string_view changed_name) {
  return Json{{"endpoints", s.endpoints},
              {"works_before", s.works_before},
              {"works_after", s.works_after},
              {"breaks", s.breaks},
              {"fixes", s.fixes},
              {"at_risk", s.at_risk},
              {std::string(changed_name), s.version_changed},
              {"unknown", s.unknown},
              {"probe_failures", probe_failures}};
}

Expected<std::vector<EndpointResult>> ReadProbeResults(const std::string& path) {
  return ParseFile(path, ParseProbeResultJsonLines);
}

}  // namespace secproto::cli
