// The probing half of `secproto impact` (with and without --tls-policy):
// runs the prober over the endpoints, or reads its saved results.
#ifndef SECPROTO_CLI_IMPACT_PROBE_H_
#define SECPROTO_CLI_IMPACT_PROBE_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common.h"
#include "secproto/error.h"
#include "secproto/impact.h"
#include "secproto/probe.h"

namespace secproto::cli {

/// The prober flags `impact` shares with `probe`.
struct ProbeRunOptions {
  int concurrency = 256;
  int per_ip = 8;
  int timeout_ms = 5000;
  int connect_timeout_ms = 3000;
  int retries = 2;
  bool no_sni = false;
};

/// Adds --concurrency, --per-ip, --timeout, --connect-timeout, --retries, --no-sni.
void AddProbeRunFlags(CLI::App& app, ProbeRunOptions& options);

/// Parses the endpoints (arguments, or the lines of `file` when not empty) and
/// probes them, enumerating suites and groups when `suites` (probe --suites).
/// Bad endpoints are kInput errors; a prober that cannot run is kIo.
/// Unreachable servers are results (EndpointResult::Failure()).
Expected<std::vector<EndpointResult>> ProbeImpactEndpoints(
    const std::vector<std::string>& endpoints, const std::string& file,
    const ProbeRunOptions& options, bool suites);

/// The "summary" object of both impact reports' --json; `changed_name` is
/// the member counting summary.version_changed ("version_changed" for
/// impact --policy, "changed" for --tls-policy).
Json ImpactSummaryJson(const ImpactSummary& summary, size_t probe_failures,
                       std::string_view changed_name);

/// The results of a saved `secproto probe --json` output (--probe-results):
/// ParseProbeResultJsonLines, errors prefixed with "PATH: ".
Expected<std::vector<EndpointResult>> ReadProbeResults(const std::string& path);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_IMPACT_PROBE_H_
