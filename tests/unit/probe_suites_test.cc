// probe --suites: hellos with chosen suites and groups, the answer parser's
// key exchange paths, the removal enumeration in the engine against a
// simulated server, the JSON round trip, and impact --tls-policy's
// negotiation (issue 15).
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "probe_util.h"
#include "secproto/impact.h"
#include "secproto/probe.h"

namespace secproto {
namespace {

using probe_test::Bytes;
using probe_test::ParseHello;
using probe_test::Put16;
using probe_test::Record;

std::vector<uint16_t> GroupsOf(const probe_test::ParsedHello& h) {
  std::vector<uint16_t> out;
  auto it = h.extensions.find(10);
  if (it == h.extensions.end()) return out;
  for (size_t i = 2; i + 1 < it->second.size(); i += 2)
    out.push_back(probe_test::Get16(it->second, i));
  return out;
}

Bytes Handshake(uint8_t type, const Bytes& body) {
  Bytes m{type, 0, static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())};
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

// A ServerHello with a key_share (TLS 1.3) or an HRR naming `group`.
Bytes Tls13Hello(uint16_t suite, uint16_t group, bool hrr) {
  Bytes body;
  Put16(body, 0x0303);
  Bytes random = hrr ? probe_test::HrrRandom() : Bytes(32, 0x11);
  body.insert(body.end(), random.begin(), random.end());
  body.push_back(0);
  Put16(body, suite);
  body.push_back(0);
  Bytes ext;
  Put16(ext, 43);
  Put16(ext, 2);
  Put16(ext, 0x0304);
  Put16(ext, 51);
  Put16(ext, hrr ? 2 : 2 + 2 + 32);
  Put16(ext, group);
  if (!hrr) {
    Put16(ext, 32);
    ext.insert(ext.end(), 32, 0x22);
  }
  Put16(body, static_cast<uint16_t>(ext.size()));
  body.insert(body.end(), ext.begin(), ext.end());
  return Record(22, Handshake(2, body));
}

// ServerHello (TLS 1.2) + Certificate + ServerKeyExchange(named curve) + Done.
Bytes Tls12Flight(uint16_t suite, std::optional<uint16_t> curve) {
  Bytes b = Record(22, probe_test::ServerHelloMessage(0x0303, {}, std::nullopt, suite));
  Bytes cert = Handshake(11, Bytes(700, 0x30));
  Bytes rest = cert;
  if (curve) {
    Bytes ske{3, static_cast<uint8_t>(*curve >> 8), static_cast<uint8_t>(*curve), 65};
    ske.insert(ske.end(), 65, 0x04);
    Bytes m = Handshake(12, ske);
    rest.insert(rest.end(), m.begin(), m.end());
  }
  Bytes done = Handshake(14, {});
  rest.insert(rest.end(), done.begin(), done.end());
  Bytes r = Record(22, rest);
  b.insert(b.end(), r.begin(), r.end());
  return b;
}

TEST(ProbeSuitesHello, OffersTheGivenSuitesAndGroups) {
  HelloOptions o;
  o.suites = std::vector<uint16_t>{0xc02f, 0x009c};
  o.groups = std::vector<uint16_t>{0x0018};
  auto h = ParseHello(BuildClientHello(Protocol::kTls12, o));
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.suites, (std::vector<uint16_t>{0xc02f, 0x009c, 0x00ff}));
  EXPECT_EQ(GroupsOf(h), std::vector<uint16_t>{0x0018});
  // TLS 1.3 without X25519 in the groups: an empty key_share list.
  o.suites = std::vector<uint16_t>{0x1302};
  auto h13 = ParseHello(BuildClientHello(Protocol::kTls13, o));
  ASSERT_TRUE(h13.ok);
  ASSERT_TRUE(h13.extensions.count(51));
  EXPECT_EQ(h13.extensions[51], (Bytes{0, 0}));
}

TEST(ProbeSuitesHello, TheSuiteTableFitsOneHelloAndMatchesTheCatalogNames) {
  for (const ProtocolInfo& p : AllProtocols()) {
    EXPECT_LE(ProbeSuitesFor(p.id).size() + 1, 128u) << p.short_name;
  }
  for (const ProbeSuite& s : ProbeSuites()) {
    EXPECT_EQ(SuiteIanaName(s.code), s.iana_name);
    EXPECT_EQ(SuiteFromIanaName(s.iana_name), s.code);
  }
  EXPECT_EQ(SuiteIanaName(0xc0c0), "0xc0c0");
  EXPECT_EQ(SuiteFromIanaName("0xc0c0"), 0xc0c0);
  EXPECT_EQ(GroupIanaName(0x001d), "x25519");
  EXPECT_EQ(GroupIanaName(0x0018), "secp384r1");
  EXPECT_EQ(GroupFromIanaName("ffdhe2048"), 0x0100);
}

TEST(ProbeSuitesAnswer, Tls13KeyShareAndHrrNameTheGroupAndSuite) {
  AnswerParser a(Protocol::kTls13);
  a.Feed(Tls13Hello(0x1302, 0x0017, false));
  ASSERT_TRUE(a.Done());
  EXPECT_EQ(a.outcome(), Outcome::kAccepted);
  EXPECT_EQ(a.detail().group, 0x0017);
  EXPECT_EQ(a.detail().cipher_suite, 0x1302);
  AnswerParser h(Protocol::kTls13);
  h.Feed(Tls13Hello(0x1303, 0x0018, true));
  ASSERT_TRUE(h.Done());
  EXPECT_EQ(h.outcome(), Outcome::kHelloRetryRequest);
  EXPECT_EQ(h.detail().group, 0x0018);
  EXPECT_EQ(h.detail().cipher_suite, 0x1303);
}

TEST(ProbeSuitesAnswer, Tls12ReadsOnToTheServerKeyExchangeWhenAsked) {
  const Bytes flight = Tls12Flight(0xc02f, 0x0018);
  // Whole, and one byte at a time: the same answer.
  for (size_t piece : {flight.size(), size_t{1}}) {
    AnswerParser a(Protocol::kTls12, /*want_key_exchange=*/true);
    for (size_t i = 0; i < flight.size() && !a.Done(); i += piece) {
      a.Feed(std::span(flight).subspan(i, std::min(piece, flight.size() - i)));
    }
    ASSERT_TRUE(a.Done()) << piece;
    EXPECT_EQ(a.outcome(), Outcome::kAccepted);
    EXPECT_EQ(a.detail().group, 0x0018);
  }
  // Without the flag the ServerHello is enough.
  AnswerParser plain(Protocol::kTls12);
  plain.Feed(Record(22, probe_test::ServerHelloMessage(0x0303, {}, std::nullopt, 0xc02f)));
  EXPECT_TRUE(plain.Done());
  EXPECT_FALSE(plain.detail().group);
  // No ServerKeyExchange (RSA key exchange): accepted without a group.
  AnswerParser rsa(Protocol::kTls12, true);
  rsa.Feed(Tls12Flight(0x009c, std::nullopt));
  ASSERT_TRUE(rsa.Done());
  EXPECT_EQ(rsa.outcome(), Outcome::kAccepted);
  EXPECT_FALSE(rsa.detail().group);
  // Cut short after the ServerHello: not done (the engine calls it malformed).
  AnswerParser cut(Protocol::kTls12, true);
  cut.Feed(Record(22, probe_test::ServerHelloMessage(0x0303, {}, std::nullopt, 0xc02f)));
  EXPECT_FALSE(cut.Done());
}

// A simulated server behind the transport seam: it reads each hello and
// answers as a TLS 1.2 + 1.3 server with the given suites, groups and order.
class SimServer : public ProbeTransport {
 public:
  std::vector<uint16_t> suites12{0xc030, 0xc02f, 0x009c, 0x002f};
  std::vector<uint16_t> suites13{0x1302, 0x1301};
  std::vector<uint16_t> groups{0x0018, 0x001d};
  bool server_order = true;
  int flaky_every = 0;  // every n-th exchange is reset
  size_t exchanges = 0;

  Expected<std::vector<std::string>> Resolve(const std::string&) override {
    return std::vector<std::string>{"10.0.0.1"};
  }
  void Start(const ExchangeRequest& r, ExchangeSink* sink) override {
    queue_.push_back({r.payload, sink});
  }
  size_t Active() const override { return queue_.size(); }
  void Poll(int) override {
    if (queue_.empty()) return;
    auto [payload, sink] = queue_.front();
    queue_.pop_front();
    ++exchanges;
    if (flaky_every && exchanges % static_cast<size_t>(flaky_every) == 0) {
      return sink->OnEnd(TransportEnd::kReset, "reset");
    }
    Bytes answer = Answer(payload);
    if (!answer.empty() && sink->OnData(answer)) return sink->OnEnd(TransportEnd::kDone, "");
    sink->OnEnd(TransportEnd::kClosed, "");
  }

 private:
  std::optional<uint16_t> Pick(const std::vector<uint16_t>& mine,
                               const std::vector<uint16_t>& theirs) const {
    const auto& first = server_order ? mine : theirs;
    const auto& second = server_order ? theirs : mine;
    for (uint16_t x : first) {
      if (std::find(second.begin(), second.end(), x) != second.end()) return x;
    }
    return std::nullopt;
  }
  Bytes Answer(const Bytes& payload) const {
    auto h = ParseHello(payload);
    if (!h.ok || h.ssl2) return probe_test::Alert(2, 70);
    const bool tls13 = h.extensions.count(43) > 0;
    const auto offered_groups = GroupsOf(h);
    if (tls13) {
      auto suite = Pick(suites13, h.suites);
      auto group = Pick(groups, offered_groups);
      if (!suite || !group) return probe_test::Alert(2, 40);
      const bool share = *group == 0x001d && h.extensions[51].size() > 2;
      return Tls13Hello(*suite, *group, !share);
    }
    if (h.client_version != 0x0303) return probe_test::Alert(2, 70);
    auto group = Pick(groups, offered_groups);
    std::vector<uint16_t> usable;
    for (uint16_t s : suites12) {
      if (group || !IsEcdheSuite(s)) usable.push_back(s);
    }
    auto suite = Pick(usable, h.suites);
    if (!suite) return probe_test::Alert(2, 40);
    return Tls12Flight(*suite, IsEcdheSuite(*suite) ? group : std::nullopt);
  }
  std::deque<std::pair<Bytes, ExchangeSink*>> queue_;
};

ProbeOptions SuitesOptions() {
  ProbeOptions o;
  o.retry_delay_ms = 0;
  o.suites = true;
  o.protocols = {Protocol::kTls10, Protocol::kTls12, Protocol::kTls13};
  return o;
}

TEST(ProbeSuitesEngine, EnumeratesSuitesInServerOrderAndGroups) {
  SimServer t;
  std::vector<Endpoint> eps = {{"10.0.0.1", 443}};
  auto r = ProbeEndpoints(eps, SuitesOptions(), {}, &t);
  ASSERT_TRUE(r);
  const EndpointResult& e = r->front();
  const VersionResult* v12 = e.Find(Protocol::kTls12);
  ASSERT_TRUE(v12 && v12->enumerated);
  EXPECT_EQ(v12->suites, t.suites12);
  EXPECT_EQ(v12->order, "server");
  EXPECT_TRUE(v12->suites_complete);
  EXPECT_EQ(v12->groups, t.groups);
  const VersionResult* v13 = e.Find(Protocol::kTls13);
  ASSERT_TRUE(v13 && v13->enumerated);
  EXPECT_EQ(v13->suites, t.suites13);
  std::vector<uint16_t> g13 = v13->groups;
  std::sort(g13.begin(), g13.end());
  EXPECT_EQ(g13, (std::vector<uint16_t>{0x0018, 0x001d}));
  EXPECT_FALSE(e.Find(Protocol::kTls10)->enumerated);
  // Connections: per version probe 1; TLS 1.2 suites 4 (the first came with
  // the version probe) + 1 refusal, groups 2 + 1, order 1; TLS 1.3 suites
  // 1 + 1, groups 1 + 1 (the first came with the version probe), order 1.
  EXPECT_EQ(e.connections, 3 + (3 + 1) + (2 + 1) + 1 + (1 + 1) + (1 + 1) + 1);
  EXPECT_EQ(static_cast<size_t>(e.connections), t.exchanges);
}

TEST(ProbeSuitesEngine, FollowsTheClientOrderAndSurvivesResets) {
  SimServer t;
  t.server_order = false;
  t.flaky_every = 5;
  std::vector<Endpoint> eps = {{"10.0.0.1", 443}};
  auto r = ProbeEndpoints(eps, SuitesOptions(), {}, &t);
  ASSERT_TRUE(r);
  const VersionResult* v12 = r->front().Find(Protocol::kTls12);
  ASSERT_TRUE(v12 && v12->enumerated);
  EXPECT_EQ(v12->order, "client");
  std::vector<uint16_t> got = v12->suites, want = t.suites12;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  // In the client's (our) order: the table order.
  std::vector<uint16_t> ours;
  for (uint16_t s : ProbeSuitesFor(Protocol::kTls12)) {
    if (std::find(want.begin(), want.end(), s) != want.end()) ours.push_back(s);
  }
  EXPECT_EQ(v12->suites, ours);
  EXPECT_TRUE(v12->suites_complete);
}

// Issue 26, post-quantum: no TLS library here speaks ML-KEM, so a responder
// of our own answers each TLS 1.3 hello that lists a hybrid group in
// supported_groups with a HelloRetryRequest naming it (the prober's
// key_share is X25519 alone). The ServerHello / HRR is enough to tell the
// group: the probe names each hybrid the server prefers (docs/PROBE.md).
TEST(ProbeSuitesEngine, NamesEachHybridGroupFromAHelloRetryRequest) {
  for (uint16_t hybrid : {uint16_t{0x11ec}, uint16_t{0x11eb}, uint16_t{0x11ed}}) {
    SimServer t;
    t.groups = {hybrid, 0x001d};
    std::vector<Endpoint> eps = {{"10.0.0.1", 443}};
    auto r = ProbeEndpoints(eps, SuitesOptions(), {}, &t);
    ASSERT_TRUE(r);
    const VersionResult* v13 = r->front().Find(Protocol::kTls13);
    ASSERT_TRUE(v13 && v13->enumerated) << hybrid;
    EXPECT_NE(std::find(v13->groups.begin(), v13->groups.end(), hybrid), v13->groups.end())
        << std::hex << hybrid;
    std::string line = ProbeResultJsonLine(r->front());
    EXPECT_NE(line.find(GroupIanaName(hybrid)), std::string::npos) << line;
  }
  EXPECT_EQ(GroupIanaName(0x11ec), "X25519MLKEM768");
  EXPECT_EQ(GroupIanaName(0x11eb), "SecP256r1MLKEM768");
  EXPECT_EQ(GroupIanaName(0x11ed), "SecP384r1MLKEM1024");
}

TEST(ProbeSuitesJson, RoundTripsSuitesGroupsAndConnections) {
  SimServer t;
  std::vector<Endpoint> eps = {{"10.0.0.1", 443}};
  auto r = ProbeEndpoints(eps, SuitesOptions(), {}, &t);
  ASSERT_TRUE(r);
  std::string line = ProbeResultJsonLine(r->front());
  EXPECT_NE(line.find("\"suites\":[\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\""), std::string::npos)
      << line;
  EXPECT_NE(line.find("\"connections\":"), std::string::npos);
  auto back = ParseProbeResultJsonLine(line);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->connections, r->front().connections);
  EXPECT_EQ(back->Find(Protocol::kTls12)->suites, t.suites12);
  EXPECT_EQ(back->Find(Protocol::kTls12)->groups, t.groups);
  EXPECT_EQ(back->Find(Protocol::kTls12)->order, "server");
}

EndpointResult Server(std::vector<uint16_t> suites12, std::vector<uint16_t> groups,
                      bool tls13 = false) {
  EndpointResult r;
  r.endpoint = {"10.0.0.9", 443};
  r.ip = "10.0.0.9";
  for (const ProtocolInfo& p : AllProtocols()) {
    VersionResult v;
    v.protocol = p.id;
    v.outcome = Outcome::kAlert;
    v.verdict = Verdict::kNotOffered;
    if (p.id == Protocol::kTls12 || (tls13 && p.id == Protocol::kTls13)) {
      v.verdict = Verdict::kOffered;
      v.outcome = Outcome::kAccepted;
      v.enumerated = true;
      v.suites = p.id == Protocol::kTls13 ? std::vector<uint16_t>{0x1302} : suites12;
      v.groups = groups;
      v.order = "server";
    }
    r.versions.push_back(v);
  }
  return r;
}

TEST(ImpactTls, NamesWhyANegotiationFails) {
  ClientTls c;
  c.protocols = ProtocolSet(Info(Protocol::kTls12).bit);
  c.suites = {0xc030, 0xc02f};
  c.groups = {0x001d, 0x0017};
  // Works: the server's first suite the client offers, a common curve.
  auto ok = NegotiateTls(c, Server({0x009c, 0xc02f}, {0x0017}));
  EXPECT_EQ(ok.state, Negotiation::State::kWorks);
  EXPECT_EQ(ok.suite, 0xc02f);
  EXPECT_EQ(ok.group, 0x0017);
  // Only CBC on the server: no common suite.
  auto cbc = NegotiateTls(c, Server({0x002f, 0x0035}, {0x0017}));
  EXPECT_EQ(cbc.state, Negotiation::State::kFails);
  EXPECT_EQ(cbc.failure, TlsFailure::kNoCommonSuite);
  // P-384 only: the ECDHE suites meet, the curves do not.
  auto p384 = NegotiateTls(c, Server({0xc02f}, {0x0018}));
  EXPECT_EQ(p384.failure, TlsFailure::kNoCommonCurve);
  // TLS 1.3 only on the client: no common version.
  ClientTls c13 = c;
  c13.protocols = ProtocolSet(Info(Protocol::kTls13).bit);
  auto v = NegotiateTls(c13, Server({0xc02f}, {0x0017}));
  EXPECT_EQ(v.failure, TlsFailure::kNoCommonVersion);

  ClientTls before = c;
  before.suites.push_back(0x002f);
  std::vector<EndpointResult> servers = {Server({0x002f}, {0x0017}), Server({0xc02f}, {0x0017})};
  TlsImpactReport rep = ComputeTlsImpact(before, c, servers);
  EXPECT_EQ(rep.summary.breaks, 1u);
  EXPECT_TRUE(rep.endpoints[0].breaks);
  EXPECT_FALSE(rep.endpoints[1].breaks);
}

}  // namespace
}  // namespace secproto
