// The probing half of `secproto impact`: runs the prober over the endpoints
// and reduces its results to what the impact model needs.
#ifndef SECPROTO_CLI_IMPACT_PROBE_H_
#define SECPROTO_CLI_IMPACT_PROBE_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "secproto/error.h"
#include "secproto/impact.h"

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
/// probes them. Bad endpoints are kInput errors; a prober that cannot run is
/// kIo. Unreachable servers are offers with `error` set.
Expected<std::vector<ServerOffer>> ProbeForImpact(const std::vector<std::string>& endpoints,
                                                  const std::string& file,
                                                  const ProbeRunOptions& options);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_IMPACT_PROBE_H_
