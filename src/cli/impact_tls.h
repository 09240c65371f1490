// `secproto impact --tls-policy`: the impact of a whole TLS policy (versions,
// cipher suites, curves) on servers probed with `probe --suites`.
#ifndef SECPROTO_CLI_IMPACT_TLS_H_
#define SECPROTO_CLI_IMPACT_TLS_H_

#include <string>
#include <vector>

#include "common.h"
#include "impact_probe.h"

namespace secproto::cli {

struct TlsImpactInput {
  std::string policy;       ///< --tls-policy: template name or file
  std::string from_policy;  ///< --from-tls-policy; empty: the OS defaults
  std::string os;           ///< --os
  /// --target: the policy in force today is captured from it (policy capture),
  /// and the OS detected from it unless --os is given.
  TargetFlags target;
  std::vector<std::string> endpoints;
  std::string endpoints_file;
  std::string probe_results;
  ProbeRunOptions probe;
  /// --set: lines over --tls-policy
  std::vector<std::string> sets;
};

/// Runs the command; returns the exit code (0 nothing breaks, 1 something
/// breaks, 2 bad input, 3 probe failure).
int RunTlsImpact(const TlsImpactInput& in);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_IMPACT_TLS_H_
