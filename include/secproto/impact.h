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
/// `error` from EndpointResult::Failure() (the line's "error", or
/// "unreachable (outcome: message)" when no attempt reached the server).
ServerOffer OfferFromProbe(const EndpointResult& result);

/// One line of `secproto probe --json` as an offer:
/// OfferFromProbe(ParseProbeResultJsonLine(line)).
Expected<ServerOffer> ParseProbeLine(std::string_view line);

/// A whole `secproto probe --json` output as offers (ParseProbeResultJsonLines).
/// Errors name the line number.
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

// ---------------------------------------------------------------------------
// The impact of a whole TLS policy (impact --tls-policy): versions, cipher
// suites and curves, from `probe --suites` results (docs/IMPACT.md).

struct OsInfo;
struct OsTlsInfo;
struct Policy;

/// What a Windows TLS client offers: SCHANNEL client protocols, the suite
/// order and the curve order.
struct ClientTls {
  std::string source;  ///< "policy:NAME", "os-default", "target"
  ProtocolSet protocols;
  std::vector<uint16_t> suites;    ///< IANA code points, client order
  std::vector<uint16_t> groups;    ///< IANA group ids, client order
  std::vector<std::string> notes;  ///< what was dropped and why
};

/// The client of the OS defaults: SCHANNEL client protocols on by default,
/// the default enabled suite order and curve order of the OS (the Microsoft
/// pages the catalog cites).
ClientTls ClientFromOsDefaults(const OsInfo& os, const OsTlsInfo& tls);

/// The client of a policy on an OS: each part the policy sets replaces the
/// OS default (protocols.client, suites.order, curves.order); parts it
/// leaves or resets keep the OS default. Suites and curves the OS does not
/// have, and TLS 1.3 before Windows 11 / Server 2022, are dropped with a note.
ClientTls ClientFromPolicy(const Policy& policy, const OsInfo& os, const OsTlsInfo& tls);

/// Why a negotiation fails.
enum class TlsFailure : uint8_t { kNone, kNoCommonVersion, kNoCommonSuite, kNoCommonCurve };
/// "", "no-common-version", "no-common-suite", "no-common-curve".
std::string_view TlsFailureName(TlsFailure f);

/// What a client and a server probed with --suites would negotiate.
struct TlsNegotiation {
  Negotiation::State state = Negotiation::State::kFails;
  std::optional<Protocol> version;
  std::optional<uint16_t> suite;  ///< unset when the server's suites were not probed
  std::optional<uint16_t> group;  ///< for ECDHE and TLS 1.3
  TlsFailure failure = TlsFailure::kNone;
  /// Free text: why it fails, or what is unsure ("suites not probed").
  std::string detail;
};

/// RFC 8446 4.1.1 / RFC 5246 7.4.1: the highest version both offer; then the
/// server's first suite the client offers when the server keeps its own
/// order, else the client's first suite the server accepts (ECDHE suites
/// only with a common curve, RFC 8422 5.1); the group likewise. No fallback
/// to a lower version when the suites or curves do not meet.
TlsNegotiation NegotiateTls(const ClientTls& client, const EndpointResult& server);

/// One endpoint, before and after.
struct TlsEndpointImpact {
  std::string endpoint;
  std::string ip;
  TlsNegotiation before;
  TlsNegotiation after;
  bool breaks = false;   ///< worked before, fails after
  bool fixes = false;    ///< failed before, works after
  bool at_risk = false;  ///< worked before, unknown after
  bool changed = false;  ///< both work, with another version, suite or group
  std::string error;     ///< the server could not be reached
};

struct TlsImpactReport {
  std::vector<TlsEndpointImpact> endpoints;  ///< in input order
  ImpactSummary summary;  ///< version_changed counts any change (version, suite, group)
};

TlsImpactReport ComputeTlsImpact(const ClientTls& before, const ClientTls& after,
                                 std::span<const EndpointResult> servers);

}  // namespace secproto

#endif  // SECPROTO_IMPACT_H_
