// Impact of a whole TLS policy on servers probed with `probe --suites`:
// the version, cipher suite and group a client and a server settle on, and
// which endpoints break (include/secproto/impact.h, docs/IMPACT.md).
#include <algorithm>

#include "core/strings.h"
#include "probe/impact_count.h"
#include "secproto/impact.h"
#include "secproto/suites.h"

namespace secproto {
namespace {

bool Has(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Whether the suite needs an (EC)DHE group: TLS 1.3 always (RFC 8446 4.2.8),
// below only ECDHE suites (RFC 8422 5.1; finite-field DHE suites carry their
// own parameters).
bool NeedsGroup(Protocol version, uint16_t suite) {
  return version == Protocol::kTls13 || IsEcdheSuite(suite);
}

// Whether a client suite can be used with `version`: TLS 1.3 suites only
// with TLS 1.3 and the others never with it; below, the protocol bits of
// the suite table (or, for a suite the prober knows but the table lacks,
// the prober's own classification).
bool SuiteFits(uint16_t suite, Protocol version) {
  const bool tls13_suite = (suite >> 8) == 0x13;
  if (version == Protocol::kTls13) return tls13_suite;
  if (tls13_suite) return false;
  for (const CipherSuiteInfo& s : AllCipherSuites()) {
    if (!s.ssl2 && s.code == suite) return (s.protocols & Info(version).bit) != 0;
  }
  for (const ProbeSuite& s : ProbeSuites()) {
    if (s.code != suite) continue;
    return s.kind == ProbeSuite::Kind::kLegacy || version == Protocol::kTls12;
  }
  return false;
}

std::string Names(const std::vector<uint16_t>& list, bool groups) {
  std::string s;
  for (size_t i = 0; i < list.size() && i < 4; ++i) {
    s += (i ? ", " : "") + (groups ? GroupIanaName(list[i]) : SuiteIanaName(list[i]));
  }
  if (list.size() > 4) s += ", ...";
  return s.empty() ? "none" : s;
}

}  // namespace

constexpr EnumName<TlsFailure> kTlsFailureNames[] = {
    {TlsFailure::kNone, ""},
    {TlsFailure::kNoCommonVersion, "no-common-version"},
    {TlsFailure::kNoCommonSuite, "no-common-suite"},
    {TlsFailure::kNoCommonCurve, "no-common-curve"},
};

std::string_view TlsFailureName(TlsFailure f) { return NameIn(kTlsFailureNames, f); }

TlsNegotiation NegotiateTls(const ClientTls& client, const EndpointResult& server) {
  TlsNegotiation n;
  // The version: the highest the client offers that the server accepts. A
  // higher one left inconclusive makes the answer unknown.
  std::optional<Protocol> version;
  bool unsure_above = false;
  std::vector<Protocol> client_versions = client.protocols.Protocols();
  std::sort(client_versions.rbegin(), client_versions.rend());
  for (Protocol p : client_versions) {
    const VersionResult* v = server.Find(p);
    if (v == nullptr || v->verdict == Verdict::kInconclusive) {
      unsure_above = true;
      continue;
    }
    if (v->verdict == Verdict::kOffered) {
      version = p;
      break;
    }
  }
  if (!version) {
    n.state = unsure_above ? Negotiation::State::kUnknown : Negotiation::State::kFails;
    n.failure = unsure_above ? TlsFailure::kNone : TlsFailure::kNoCommonVersion;
    n.detail =
        "client offers " + client.protocols.Describe() + ", server " + server.Offered().Describe();
    return n;
  }
  n.version = version;
  const VersionResult& v = *server.Find(*version);
  if (!v.enumerated) {
    n.state = unsure_above ? Negotiation::State::kUnknown : Negotiation::State::kWorks;
    n.detail = "the server's suites were not probed (probe --suites)";
    return n;
  }
  std::vector<uint16_t> client_suites;
  for (uint16_t s : client.suites) {
    if (SuiteFits(s, *version)) client_suites.push_back(s);
  }
  std::vector<uint16_t> common_groups;
  for (uint16_t g : (v.order == "server" ? v.groups : client.groups)) {
    if (Has(v.order == "server" ? client.groups : v.groups, g)) common_groups.push_back(g);
  }
  // Suites in the order of whoever decides; a suite that needs a group only
  // when a group is in common.
  const std::vector<uint16_t>& first = v.order == "server" ? v.suites : client_suites;
  const std::vector<uint16_t>& second = v.order == "server" ? client_suites : v.suites;
  bool common_needing_group = false;
  for (uint16_t s : first) {
    if (!Has(second, s)) continue;
    if (NeedsGroup(*version, s) && common_groups.empty()) {
      common_needing_group = true;
      continue;
    }
    n.suite = s;
    break;
  }
  if (!n.suite) {
    n.state = Negotiation::State::kFails;
    if (common_needing_group) {
      n.failure = TlsFailure::kNoCommonCurve;
      n.detail = std::string(Info(*version).name) + ": client curves " +
                 Names(client.groups, true) + ", server " + Names(v.groups, true);
    } else {
      n.failure = TlsFailure::kNoCommonSuite;
      n.detail = std::string(Info(*version).name) + ": server suites " + Names(v.suites, false);
    }
    if (!v.suites_complete || !v.groups_complete) {
      n.state = Negotiation::State::kUnknown;
      n.detail += " (the server's lists are incomplete)";
    }
    return n;
  }
  if (NeedsGroup(*version, *n.suite)) n.group = common_groups.front();
  n.state = unsure_above ? Negotiation::State::kUnknown : Negotiation::State::kWorks;
  if (unsure_above) n.detail = "a higher version the client offers was inconclusive";
  return n;
}

TlsImpactReport ComputeTlsImpact(const ClientTls& before, const ClientTls& after,
                                 std::span<const EndpointResult> servers) {
  TlsImpactReport r;
  using State = Negotiation::State;
  for (const EndpointResult& s : servers) {
    TlsEndpointImpact e;
    e.endpoint = s.endpoint.ToString();
    e.ip = s.ip;
    if (!s.Reachable()) {
      e.error = s.Failure();
      e.before.state = e.after.state = State::kUnknown;
    } else {
      e.before = NegotiateTls(before, s);
      e.after = NegotiateTls(after, s);
    }
    CountTransition(r.summary, e,
                    e.before.version != e.after.version || e.before.suite != e.after.suite ||
                        e.before.group != e.after.group,
                    e.changed);
    r.endpoints.push_back(std::move(e));
  }
  return r;
}

}  // namespace secproto
