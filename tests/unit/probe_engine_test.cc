// Endpoint parsing, the verdict rules, the JSON line, and the engine driven
// through a fake transport (no sockets).
#include <gtest/gtest.h>

#include "secproto/probe.h"
#include "secproto/testing.h"
#include "unit/probe_util.h"

namespace secproto {
namespace {

using probe_test::Bytes;

TEST(ProbeEndpoint, Parses) {
  auto e = ParseEndpoint("example.com");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "example.com");
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->ToString(), "example.com:443");
  EXPECT_FALSE(e->HostIsIp());

  e = ParseEndpoint(" 10.1.2.3:8443 ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "10.1.2.3");
  EXPECT_EQ(e->port, 8443);
  EXPECT_TRUE(e->HostIsIp());

  e = ParseEndpoint("[::1]:4433");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 4433);
  EXPECT_EQ(e->ToString(), "[::1]:4433");

  e = ParseEndpoint("[2001:db8::1]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->port, 443);
  e = ParseEndpoint("2001:db8::1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "2001:db8::1");
  EXPECT_EQ(e->port, 443);
  e = ParseEndpoint("::ffff:192.0.2.1");
  ASSERT_TRUE(e);
  e = ParseEndpoint("my_host-1.corp:1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->port, 1);
}

TEST(ProbeEndpoint, RejectsBadInput) {
  for (const char* bad : {"", "   ", "host:", "host:0", "host:65536", "host:12a", ":443", "[::1",
                          "[::1]x", "[example.com]:443", "https://example.com", "ho st", "a..b",
                          "1:2:3", "[::1]:", "host:443:1", "bad!host"}) {
    auto e = ParseEndpoint(bad);
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_EQ(e.error().kind, ErrorKind::kInput);
      EXPECT_NE(e.error().message.find("endpoint"), std::string::npos);
    }
  }
}

TEST(ProbeEndpoint, ListFileSkipsCommentsAndNamesTheBadLine) {
  auto l = ParseEndpointList("# servers\na.example\n\n  b.example:8443  # web\n[::1]:1\n");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ((*l)[1].port, 8443);
  auto bad = ParseEndpointList("a.example\nb.example:x\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
}

TEST(ProbeVerdict, Rules) {
  auto decide = [](std::vector<Outcome> o, int left, std::optional<uint8_t> alert = std::nullopt) {
    std::vector<AnswerDetail> d(o.size());
    if (alert) d.back().alert_description = *alert;
    return DecideVerdict(Protocol::kTls12, o, d, left);
  };
  EXPECT_EQ(decide({Outcome::kAccepted}, 2), Verdict::kOffered);
  EXPECT_EQ(decide({Outcome::kHelloRetryRequest}, 2), Verdict::kOffered);
  EXPECT_EQ(decide({Outcome::kLowerVersion}, 2), Verdict::kNotOffered);
  EXPECT_EQ(decide({Outcome::kAlert}, 2, 70), Verdict::kNotOffered);
  EXPECT_EQ(decide({Outcome::kAlert}, 2, 40), Verdict::kNotOffered);
  EXPECT_EQ(decide({Outcome::kAlert}, 2, 71), Verdict::kNotOffered);
  // internal_error says nothing about the version: retry, then inconclusive.
  EXPECT_EQ(decide({Outcome::kAlert}, 2, 80), std::nullopt);
  EXPECT_EQ(decide({Outcome::kAlert, Outcome::kAlert}, 0, 80), Verdict::kInconclusive);
  // Resets and closes are retried; believed only when every attempt agrees.
  EXPECT_EQ(decide({Outcome::kReset}, 1), std::nullopt);
  EXPECT_EQ(decide({Outcome::kReset, Outcome::kClose}, 0), Verdict::kNotOffered);
  EXPECT_EQ(decide({Outcome::kTimeout, Outcome::kClose}, 0), Verdict::kInconclusive);
  EXPECT_EQ(decide({Outcome::kTimeout}, 0), Verdict::kInconclusive);
  EXPECT_EQ(decide({Outcome::kConnectFailed}, 0), Verdict::kInconclusive);
  EXPECT_EQ(decide({Outcome::kMalformed}, 0), Verdict::kInconclusive);
  // A flaky first attempt does not stop a later definite answer.
  EXPECT_EQ(decide({Outcome::kReset, Outcome::kAccepted}, 1), Verdict::kOffered);
}

// The engine driven through the shipped fake transport (secproto/testing.h).
using Behaviour = FakeProbeTransport::Behaviour;
using FakeTransport = FakeProbeTransport;

// A "server" that accepts exactly the versions in `offered`.
Behaviour Accepts(ProtocolSet offered, Protocol p) {
  if (offered.Contains(p)) {
    if (p == Protocol::kSsl2) return {TransportEnd::kClosed, probe_test::Ssl2ServerHello(1)};
    if (p == Protocol::kTls13)
      return {TransportEnd::kClosed, probe_test::ServerHello(0x0303, {}, 0x0304)};
    return {TransportEnd::kClosed, probe_test::ServerHello(Info(p).wire_version)};
  }
  return {TransportEnd::kClosed, probe_test::Alert(2, 70)};
}

TEST(ProbeFakeTransport, TellsTheProtocolOfEveryHelloTheLibraryBuilds) {
  for (const ProtocolInfo& p : AllProtocols()) {
    EXPECT_EQ(FakeProbeTransport::ProtocolOf(BuildClientHello(p.id, HelloOptions{})), p.id)
        << p.name;
  }
}

ProbeOptions Fast() {
  ProbeOptions o;
  o.retry_delay_ms = 0;
  return o;
}

TEST(ProbeEngine, VerdictsPerVersionAndOrder) {
  FakeTransport t;
  t.script = [](uint16_t port, Protocol p, int) {
    return Accepts(ProtocolSet(port == 1 ? 0x2800 : 0x0a80), p);
  };
  std::vector<Endpoint> eps = {{"10.0.0.1", 1}, {"10.0.0.2", 2}};
  std::vector<size_t> done_order;
  ProbeCallbacks cb;
  size_t last_done = 0;
  cb.progress = [&](const ProbeProgress& p) { last_done = p.probes_done; };
  cb.endpoint_done = [&](size_t i, const EndpointResult&) { done_order.push_back(i); };
  auto r = ProbeEndpoints(eps, Fast(), cb, &t);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].Offered().bits(), 0x2800u);
  EXPECT_EQ((*r)[1].Offered().bits(), 0x0a80u);
  EXPECT_EQ((*r)[0].versions.size(), AllProtocols().size());
  for (size_t i = 0; i < AllProtocols().size(); ++i) {
    EXPECT_EQ((*r)[0].versions[i].protocol, AllProtocols()[i].id);
  }
  EXPECT_EQ(last_done, 12u);
  EXPECT_EQ(done_order.size(), 2u);
  EXPECT_EQ(t.started().size(), 12u);  // one connection each, no retries needed
}

TEST(ProbeEngine, RetriesFlakyAnswersThenDecides) {
  FakeTransport t;
  t.script = [](uint16_t port, Protocol p, int nth) -> Behaviour {
    if (port == 1) {  // resets on the first attempt, then answers
      if (nth == 1) return {TransportEnd::kReset, {}};
      return Accepts(ProtocolSet(0x0800), p);
    }
    if (port == 2) return {TransportEnd::kReadTimeout, {}};  // silent
    return {TransportEnd::kClosed, {}};                      // closes on everything
  };
  std::vector<Endpoint> eps = {{"10.0.0.1", 1}, {"10.0.0.1", 2}, {"10.0.0.1", 3}};
  ProbeOptions o = Fast();
  o.retries = 2;
  o.protocols = {Protocol::kTls12, Protocol::kTls13};
  auto r = ProbeEndpoints(eps, o, {}, &t);
  ASSERT_TRUE(r);
  const VersionResult* v = (*r)[0].Find(Protocol::kTls12);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->verdict, Verdict::kOffered);
  EXPECT_EQ(v->attempts, 2);
  EXPECT_EQ((*r)[0].Find(Protocol::kTls13)->verdict, Verdict::kNotOffered);
  EXPECT_EQ((*r)[0].Find(Protocol::kSsl2), nullptr);
  for (const VersionResult& x : (*r)[1].versions) {
    EXPECT_EQ(x.verdict, Verdict::kInconclusive);
    EXPECT_EQ(x.outcome, Outcome::kTimeout);
    EXPECT_EQ(x.attempts, 3);
  }
  for (const VersionResult& x : (*r)[2].versions) {
    EXPECT_EQ(x.verdict, Verdict::kNotOffered);
    EXPECT_EQ(x.outcome, Outcome::kClose);
    EXPECT_EQ(x.attempts, 3);
  }
}

TEST(ProbeEngine, RespectsGlobalAndPerAddressCaps) {
  FakeTransport t;
  t.script = [](uint16_t, Protocol p, int) { return Accepts(ProtocolSet(0x0800), p); };
  std::vector<Endpoint> eps;
  for (uint16_t i = 1; i <= 20; ++i) eps.push_back({"10.0.0." + std::to_string(i % 4), i});
  ProbeOptions o = Fast();
  o.concurrency = 10;
  o.per_ip_limit = 3;
  auto r = ProbeEndpoints(eps, o, {}, &t);
  ASSERT_TRUE(r);
  EXPECT_LE(t.max_active(), 10u);
  EXPECT_GE(t.max_active(), 9u) << "the caps should still let work overlap";
  for (const auto& [ip, n] : t.max_per_ip()) EXPECT_LE(n, 3) << ip;
  EXPECT_EQ(r->size(), 20u);
}

TEST(ProbeEngine, SniForNamesOnlyAndResolveFailures) {
  FakeTransport t;
  t.names["good.example"] = {"192.0.2.7"};
  t.script = [](uint16_t, Protocol p, int) { return Accepts(ProtocolSet(0x0800), p); };
  std::vector<Endpoint> eps = {{"good.example", 443}, {"192.0.2.8", 443}, {"nowhere.example", 443}};
  ProbeOptions o = Fast();
  o.protocols = {Protocol::kTls12};
  auto r = ProbeEndpoints(eps, o, {}, &t);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].ip, "192.0.2.7");
  EXPECT_EQ((*r)[2].ip, "");
  EXPECT_EQ((*r)[2].versions[0].outcome, Outcome::kResolveFailed);
  EXPECT_FALSE((*r)[2].Reachable());
  EXPECT_TRUE((*r)[0].Reachable());
  ASSERT_EQ(t.started().size(), 2u);
  for (const ExchangeRequest& req : t.started()) {
    auto h = probe_test::ParseHello(req.payload);
    EXPECT_EQ(h.extensions.count(0), req.ip == "192.0.2.7" ? 1u : 0u) << req.ip;
  }
}

TEST(ProbeEngine, RejectsBadOptions) {
  FakeTransport t;
  std::vector<Endpoint> eps = {{"10.0.0.1", 1}};
  ProbeOptions o;
  o.concurrency = 0;
  EXPECT_FALSE(ProbeEndpoints(eps, o, {}, &t));
  o = ProbeOptions{};
  o.retries = -1;
  EXPECT_FALSE(ProbeEndpoints(eps, o, {}, &t));
}

TEST(ProbeJson, LineRoundTrips) {
  EndpointResult r;
  r.endpoint = {"::1", 4433};
  r.ip = "::1";
  VersionResult a;
  a.protocol = Protocol::kTls12;
  a.verdict = Verdict::kOffered;
  a.outcome = Outcome::kAccepted;
  a.detail.server_version = 0x0303;
  a.detail.cipher_suite = 0xc02f;
  a.detail.downgrade_sentinel = "tls1.2";
  a.attempts = 1;
  VersionResult b;
  b.protocol = Protocol::kTls10;
  b.verdict = Verdict::kNotOffered;
  b.outcome = Outcome::kAlert;
  b.detail.alert_level = 2;
  b.detail.alert_description = 70;
  b.attempts = 1;
  r.versions = {b, a};
  std::string line = ProbeResultJsonLine(r);
  EXPECT_NE(line.find("\"endpoint\":\"[::1]:4433\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"tls1.2\":{\"verdict\":\"offered\",\"outcome\":\"accepted\",\"detail\":{"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"alert_name\":\"protocol_version\""), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = ParseProbeResultJsonLine(line);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->endpoint, r.endpoint);
  EXPECT_EQ(back->Offered().bits(), 0x0800u);
  ASSERT_NE(back->Find(Protocol::kTls10), nullptr);
  EXPECT_EQ(back->Find(Protocol::kTls10)->detail.alert_description, 70);
  EXPECT_EQ(back->Find(Protocol::kTls12)->detail.server_version, 0x0303);
  EXPECT_EQ(back->Find(Protocol::kTls12)->detail.downgrade_sentinel, "tls1.2");
  EXPECT_FALSE(ParseProbeResultJsonLine("{}"));
  EXPECT_FALSE(ParseProbeResultJsonLine("not json"));
}

}  // namespace
}  // namespace secproto
