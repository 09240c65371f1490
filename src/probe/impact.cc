// Impact of a protocol change on probed servers (include/secproto/impact.h).

#include "secproto/impact.h"

#include <nlohmann/json.hpp>

namespace secproto {

std::string_view NegotiationStateName(Negotiation::State s) {
  switch (s) {
    case Negotiation::State::kWorks:
      return "works";
    case Negotiation::State::kFails:
      return "fails";
    case Negotiation::State::kUnknown:
      return "unknown";
  }
  return "unknown";
}

ServerOffer OfferFromProbe(const EndpointResult& r) {
  ServerOffer offer;
  offer.endpoint = r.endpoint.ToString();
  offer.ip = r.ip;
  offer.verdicts.fill(Verdict::kInconclusive);
  for (const VersionResult& v : r.versions) {
    offer.verdicts[static_cast<size_t>(v.protocol)] = v.verdict;
  }
  if (!r.Reachable()) {
    std::string why = "unreachable";
    if (!r.versions.empty()) {
      const VersionResult& v = r.versions.front();
      why += " (" + std::string(OutcomeName(v.outcome)) +
             (v.detail.message.empty() ? "" : ": " + v.detail.message) + ")";
    }
    offer.error = why;
  }
  return offer;
}

Expected<ServerOffer> ParseProbeLine(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(Error::Input("not a JSON object (expected a line of `secproto probe --json`)",
                             "bad-probe-results"));
  }
  ServerOffer offer;
  offer.verdicts.fill(Verdict::kInconclusive);
  auto endpoint = j.find("endpoint");
  if (endpoint == j.end() || !endpoint->is_string() || endpoint->get<std::string>().empty()) {
    return Fail(Error::Input("no \"endpoint\" string", "bad-probe-results"));
  }
  offer.endpoint = endpoint->get<std::string>();
  if (auto ip = j.find("ip"); ip != j.end() && ip->is_string()) offer.ip = ip->get<std::string>();
  if (auto err = j.find("error"); err != j.end() && !err->is_null()) {
    offer.error = err->is_string() ? err->get<std::string>() : err->dump();
  }
  auto versions = j.find("versions");
  if (versions == j.end() || !versions->is_object()) {
    if (offer.error.empty()) {
      return Fail(Error::Input("endpoint " + offer.endpoint + " has no \"versions\" object",
                               "bad-probe-results"));
    }
    return offer;
  }
  // An endpoint whose every attempt failed to connect was never reached.
  size_t reported = 0, unreachable = 0;
  std::string_view unreachable_outcome;
  for (const ProtocolInfo& info : AllProtocols()) {
    auto v = versions->find(std::string(info.short_name));
    if (v == versions->end()) continue;
    ++reported;
    if (v->is_object()) {
      auto outcome = v->find("outcome");
      std::optional<Outcome> parsed;
      if (outcome != v->end() && outcome->is_string()) {
        parsed = ParseOutcomeName(outcome->get<std::string>());
      }
      if (parsed == Outcome::kConnectFailed || parsed == Outcome::kResolveFailed) {
        ++unreachable;
        unreachable_outcome = OutcomeName(*parsed);
      }
    }
    if (!v->is_object()) {
      return Fail(Error::Input("endpoint " + offer.endpoint + ": \"" +
                                   std::string(info.short_name) + "\" is not an object",
                               "bad-probe-results"));
    }
    auto verdict = v->find("verdict");
    std::optional<Verdict> parsed;
    if (verdict != v->end() && verdict->is_string())
      parsed = ParseVerdictName(verdict->get<std::string>());
    if (!parsed) {
      return Fail(Error::Input("endpoint " + offer.endpoint + ": \"" +
                                   std::string(info.short_name) +
                                   "\" has no verdict offered/not-offered/inconclusive",
                               "bad-probe-results"));
    }
    offer.verdicts[static_cast<size_t>(info.id)] = *parsed;
  }
  if (offer.error.empty() && reported > 0 && unreachable == reported) {
    offer.error = "unreachable (" + std::string(unreachable_outcome) + ")";
  }
  return offer;
}

Expected<std::vector<ServerOffer>> ParseProbeResults(std::string_view text) {
  std::vector<ServerOffer> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    auto offer = ParseProbeLine(line);
    if (!offer) {
      Error e = offer.error();
      e.message = "line " + std::to_string(line_no) + ": " + e.message;
      return Fail(std::move(e));
    }
    out.push_back(std::move(*offer));
  }
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
  using State = Negotiation::State;
  ImpactReport report;
  report.before = before;
  report.after = after;
  ImpactSummary& s = report.summary;
  for (const ServerOffer& server : servers) {
    EndpointImpact e;
    e.endpoint = server.endpoint;
    e.ip = server.ip;
    e.error = server.error;
    e.before = Negotiate(before, server);
    e.after = Negotiate(after, server);
    e.breaks = e.before.state == State::kWorks && e.after.state == State::kFails;
    e.fixes = e.before.state == State::kFails && e.after.state == State::kWorks;
    e.at_risk = e.before.state == State::kWorks && e.after.state == State::kUnknown;
    e.version_changed = e.before.state == State::kWorks && e.after.state == State::kWorks &&
                        e.before.version != e.after.version;
    ++s.endpoints;
    s.works_before += e.before.state == State::kWorks;
    s.works_after += e.after.state == State::kWorks;
    s.breaks += e.breaks;
    s.fixes += e.fixes;
    s.at_risk += e.at_risk;
    s.version_changed += e.version_changed;
    s.unknown += e.before.state == State::kUnknown || e.after.state == State::kUnknown;
    report.endpoints.push_back(std::move(e));
  }
  return report;
}

}  // namespace secproto
