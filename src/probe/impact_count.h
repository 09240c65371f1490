// What one endpoint's move from the client before to the client after means,
// and its count in the summary: one rule for the protocol impact (impact.cc)
// and the TLS policy impact (impact_policy.cc). Internal to src/probe.
#ifndef SECPROTO_PROBE_IMPACT_COUNT_H_
#define SECPROTO_PROBE_IMPACT_COUNT_H_

#include "secproto/impact.h"

namespace secproto {

/// Sets e.breaks, e.fixes, e.at_risk and `changed` (both work, and `differs`:
/// they settle on something else) from e.before.state and e.after.state, and
/// counts the endpoint into `summary`. `Impact` is EndpointImpact or
/// TlsEndpointImpact.
template <typename Impact>
void CountTransition(ImpactSummary& summary, Impact& e, bool differs, bool& changed) {
  using State = Negotiation::State;
  const State before = e.before.state, after = e.after.state;
  e.breaks = before == State::kWorks && after == State::kFails;
  e.fixes = before == State::kFails && after == State::kWorks;
  e.at_risk = before == State::kWorks && after == State::kUnknown;
  changed = before == State::kWorks && after == State::kWorks && differs;
  ++summary.endpoints;
  summary.works_before += before == State::kWorks;
  summary.works_after += after == State::kWorks;
  summary.breaks += e.breaks;
  summary.fixes += e.fixes;
  summary.at_risk += e.at_risk;
  summary.version_changed += changed;
  summary.unknown += before == State::kUnknown || after == State::kUnknown;
}

}  // namespace secproto

#endif  // SECPROTO_PROBE_IMPACT_COUNT_H_
