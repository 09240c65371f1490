// Impact of a protocol change on the servers a WinHTTP application talks to:
// which endpoints work before and after, at which version, and which break.
// Pure logic over probe results (what each server offers) and the sets the
// client offers before and after; no I/O.
#ifndef SECPROTO_IMPACT_H_
#define SECPROTO_IMPACT_H_

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/probe.h"
#include "secproto/protocols.h"

namespace secproto {

/// What one server offers, as `secproto probe --json` reports it.
struct ServerOffer {
  std::string endpoint;  ///< "host:port"
  std::string ip;        ///< the address probed; may be empty
  /// Indexed by Protocol. A version the probe did not report is inconclusive.
  std::array<Verdict, kProtocolCount> verdicts{};
  /// Why the probe could not reach the server at all (an "error" member in
  /// the line, or every version's outcome connect-failed / resolve-failed);
  /// empty when it was reached.
  std::string error;

  Verdict verdict(Protocol p) const { return verdicts[static_cast<size_t>(p)]; }
};

/// What the prober found, as impact needs it: each version's verdict, and
/// `error` "unreachable (outcome: message)" when no attempt reached the server.
ServerOffer OfferFromProbe(const EndpointResult& result);

/// Parses one line of `secproto probe --json`:
/// {"endpoint":...,"ip":...,"versions":{"ssl2":{"verdict":...},...}}.
/// Unknown members are ignored; a bad verdict or a missing endpoint is kInput.
Expected<ServerOffer> ParseProbeLine(std::string_view line);

/// Parses a whole `secproto probe --json` output: one object per non-empty
/// line. Errors name the line number.
Expected<std::vector<ServerOffer>> ParseProbeResults(std::string_view text);

/// Whether a client offering `client` can talk to a server, and at which version.
struct Negotiation {
  enum class State {
    kWorks,    ///< a version both sides offer exists
    kFails,    ///< no version in common, and the probe was sure of each
    kUnknown,  ///< no version proven in common, but one the client offers is inconclusive
  };
  State state = State::kFails;
  /// The highest version both sides offer (when kWorks).
  std::optional<Protocol> version;
  /// kWorks, but a higher version the client offers was inconclusive on the
  /// server: the negotiated version may be higher than `version`.
  bool version_uncertain = false;
};

/// "works", "fails", "unknown".
std::string_view NegotiationStateName(Negotiation::State s);

/// The highest version in `client` that the server offers (RFC 8446 section
/// 4.1.3: a client and a server settle on the highest version both support).
Negotiation Negotiate(ProtocolSet client, const ServerOffer& server);

/// The impact of moving a client from `before` to `after` on one server.
struct EndpointImpact {
  std::string endpoint;
  std::string ip;
  Negotiation before;
  Negotiation after;
  bool breaks = false;  ///< worked before, fails after
  bool fixes = false;   ///< failed before, works after
  /// Worked before; after the change the result is unknown (inconclusive probe).
  bool at_risk = false;
  bool version_changed = false;  ///< both work, at different versions
  std::string error;             ///< copied from the probe (unreachable server)
};

/// Counts over all endpoints.
struct ImpactSummary {
  size_t endpoints = 0;
  size_t works_before = 0;
  size_t works_after = 0;
  size_t breaks = 0;
  size_t fixes = 0;
  size_t at_risk = 0;
  size_t version_changed = 0;
  size_t unknown = 0;  ///< endpoints whose before or after state is unknown
};

/// The whole report.
struct ImpactReport {
  ProtocolSet before;                     ///< what the client offers today
  ProtocolSet after;                      ///< what it offers after the change
  std::vector<EndpointImpact> endpoints;  ///< in input order
  ImpactSummary summary;
};

/// Computes the impact of moving from `before` to `after` on every server.
/// The sets are what the client really offers (after OS support, SCHANNEL and
/// the registry have been applied by the caller).
ImpactReport ComputeImpact(ProtocolSet before, ProtocolSet after,
                           std::span<const ServerOffer> servers);

}  // namespace secproto

#endif  // SECPROTO_IMPACT_H_
