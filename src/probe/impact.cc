// Impact of a protocol change on probed servers (include/secproto/impact.h).

#include "secproto/impact.h"

#include "core/strings.h"
#include "probe/impact_count.h"

namespace secproto {

constexpr EnumName<Negotiation::State> kNegotiationStateNames[] = {
    {Negotiation::State::kWorks, "works"},
    {Negotiation::State::kFails, "fails"},
    {Negotiation::State::kUnknown, "unknown"},
};

std::string_view NegotiationStateName(Negotiation::State s) {
  return NameIn(kNegotiationStateNames, s, "unknown");
}

ServerOffer OfferFromProbe(const EndpointResult& r) {
  ServerOffer offer;
  offer.endpoint = r.endpoint.ToString();
  offer.ip = r.ip;
  offer.verdicts.fill(Verdict::kInconclusive);
  for (const VersionResult& v : r.versions) {
    offer.verdicts[static_cast<size_t>(v.protocol)] = v.verdict;
  }
  offer.error = r.Failure();
  return offer;
}

Expected<ServerOffer> ParseProbeLine(std::string_view line) {
  SECPROTO_ASSIGN_OR_RETURN(result, ParseProbeResultJsonLine(line));
  return OfferFromProbe(result);
}

Expected<std::vector<ServerOffer>> ParseProbeResults(std::string_view text) {
  SECPROTO_ASSIGN_OR_RETURN(results, ParseProbeResultJsonLines(text));
  std::vector<ServerOffer> out;
  out.reserve(results.size());
  for (const EndpointResult& r : results) out.push_back(OfferFromProbe(r));
  return out;
}

Negotiation Negotiate(ProtocolSet client, const ServerOffer& server) {
  Negotiation n;
  bool inconclusive_above = false;
  std::vector<Protocol> protocols = client.Protocols();
  // Highest first: the first offered one is what the two settle on.
  for (auto it = protocols.rbegin(); it != protocols.rend(); ++it) {
    switch (server.verdict(*it)) {
      case Verdict::kOffered:
        n.state = Negotiation::State::kWorks;
        n.version = *it;
        n.version_uncertain = inconclusive_above;
        return n;
      case Verdict::kInconclusive:
        inconclusive_above = true;
        break;
      case Verdict::kNotOffered:
        break;
    }
  }
  n.state = inconclusive_above ? Negotiation::State::kUnknown : Negotiation::State::kFails;
  return n;
}

ImpactReport ComputeImpact(ProtocolSet before, ProtocolSet after,
                           std::span<const ServerOffer> servers) {
  ImpactReport report;
  report.before = before;
  report.after = after;
  for (const ServerOffer& server : servers) {
    EndpointImpact e;
    e.endpoint = server.endpoint;
    e.ip = server.ip;
    e.error = server.error;
    e.before = Negotiate(before, server);
    e.after = Negotiate(after, server);
    CountTransition(report.summary, e, e.before.version != e.after.version, e.version_changed);
    report.endpoints.push_back(std::move(e));
  }
  return report;
}

}  // namespace secproto
