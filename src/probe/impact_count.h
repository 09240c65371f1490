// What one endpoint's move from the client before to the client after means,
// and its count in the summary: one rule for the protocol impact (impact.cc)
// and the TLS policy impact (impact_policy.cc). Internal to src/probe.
#ifndef SECPROTO_PROBE_IMPACT_COUNT_H_
#define SECPROTO_PROBE_IMPACT_COUNT_H_

#include "secproto/impact.h"

namespace secproto {

/// An endpoint's flags (include/secproto/impact.h, EndpointImpact).
struct Transition {
  bool breaks = false;   ///< worked before, fails after
  bool fixes = false;    ///< failed before, works after
  bool at_risk = false;  ///< worked before, unknown after
  bool changed = false;  ///< works both times, and `differs`
};

/// The flags of an endpoint whose negotiation goes from `before` to `after`
/// (`differs`: the two settle on something else, when both work), counted
/// into `summary`.
inline Transition CountTransition(ImpactSummary& summary, Negotiation::State before,
                                  Negotiation::State after, bool differs) {
  using State = Negotiation::State;
  Transition t;
  t.breaks = before == State::kWorks && after == State::kFails;
  t.fixes = before == State::kFails && after == State::kWorks;
  t.at_risk = before == State::kWorks && after == State::kUnknown;
  t.changed = before == State::kWorks && after == State::kWorks && differs;
  ++summary.endpoints;
  summary.works_before += before == State::kWorks;
  summary.works_after += after == State::kWorks;
  summary.breaks += t.breaks;
  summary.fixes += t.fixes;
  summary.at_risk += t.at_risk;
  summary.version_changed += t.changed;
  summary.unknown += before == State::kUnknown || after == State::kUnknown;
  return t;
}

}  // namespace secproto

#endif  // SECPROTO_PROBE_IMPACT_COUNT_H_
