// Tests of the impact logic over synthetic probe results.

#include "secproto/impact.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace secproto {
namespace {

using State = Negotiation::State;

// A probe line where `offered` are offered, `unsure` inconclusive, the rest not offered.
std::string Line(const std::string& endpoint, uint32_t offered, uint32_t unsure = 0) {
  std::string versions;
  for (const ProtocolInfo& info : AllProtocols()) {
    const char* verdict = (offered & info.bit)  ? "offered"
                          : (unsure & info.bit) ? "inconclusive"
                                                : "not-offered";
    if (!versions.empty()) versions += ",";
    versions += "\"" + std::string(info.short_name) + "\":{\"verdict\":\"" + verdict +
                "\",\"outcome\":\"x\",\"detail\":\"\"}";
  }
  return "{\"endpoint\":\"" + endpoint + "\",\"ip\":\"127.0.0.1\",\"versions\":{" + versions + "}}";
}

ServerOffer Offer(uint32_t offered, uint32_t unsure = 0) {
  auto o = ParseProbeLine(Line("h:443", offered, unsure));
  EXPECT_TRUE(o.has_value());
  return *o;
}

constexpr uint32_t k10 = 0x80, k11 = 0x200, k12 = 0x800, k13 = 0x2000;

struct NegotiateCase {
  const char* name;
  uint32_t client;
  uint32_t server;
  uint32_t server_unsure;
  State state;
  std::optional<Protocol> version;
  bool uncertain;
};

TEST(ImpactTest, NegotiateTable) {
  const NegotiateCase cases[] = {
      {"highest common", k10 | k11 | k12, k10 | k12, 0, State::kWorks, Protocol::kTls12, false},
      {"only 1.3 both", k12 | k13, k13, 0, State::kWorks, Protocol::kTls13, false},
      {"old client new server", k10 | k11, k12 | k13, 0, State::kFails, std::nullopt, false},
      {"new client old server", k12 | k13, k10, 0, State::kFails, std::nullopt, false},
      {"empty client", 0, k12, 0, State::kFails, std::nullopt, false},
      {"inconclusive only", k12, 0, k12, State::kUnknown, std::nullopt, false},
      {"inconclusive above", k12 | k13, k12, k13, State::kWorks, Protocol::kTls12, true},
      {"inconclusive below", k12 | k13, k13, k12, State::kWorks, Protocol::kTls13, false},
      {"unsure not asked", k12, 0, k13, State::kFails, std::nullopt, false},
  };
  for (const NegotiateCase& c : cases) {
    SCOPED_TRACE(c.name);
    Negotiation n = Negotiate(ProtocolSet(c.client), Offer(c.server, c.server_unsure));
    EXPECT_EQ(n.state, c.state);
    EXPECT_EQ(n.version, c.version);
    EXPECT_EQ(n.version_uncertain, c.uncertain);
  }
}

struct ImpactCase {
  const char* name;
  uint32_t before;
  uint32_t after;
  uint32_t server;
  uint32_t server_unsure;
  bool breaks, fixes, at_risk, version_changed;
};

TEST(ImpactTest, ImpactTable) {
  const ImpactCase cases[] = {
      {"drop 1.0 breaks 1.0-only", k10 | k11 | k12, k12, k10, 0, true, false, false, false},
      {"drop 1.0 keeps 1.2", k10 | k11 | k12, k12, k10 | k11 | k12, 0, false, false, false, false},
      {"add 1.3 upgrades", k12, k12 | k13, k12 | k13, 0, false, false, false, true},
      {"add 1.3 fixes 1.3-only", k10 | k11 | k12, k12 | k13, k13, 0, false, true, false, false},
      {"drop 1.1 downgrades", k10 | k11, k10, k10 | k11, 0, false, false, false, true},
      {"after unknown is at risk", k10 | k12, k12, k10, k12, false, false, true, false},
      {"both fail", k10, k11, k12, 0, false, false, false, false},
  };
  for (const ImpactCase& c : cases) {
    SCOPED_TRACE(c.name);
    ServerOffer o = Offer(c.server, c.server_unsure);
    ImpactReport r = ComputeImpact(ProtocolSet(c.before), ProtocolSet(c.after), {&o, 1});
    ASSERT_EQ(r.endpoints.size(), 1u);
    const EndpointImpact& e = r.endpoints[0];
    EXPECT_EQ(e.breaks, c.breaks);
    EXPECT_EQ(e.fixes, c.fixes);
    EXPECT_EQ(e.at_risk, c.at_risk);
    EXPECT_EQ(e.version_changed, c.version_changed);
    EXPECT_EQ(r.summary.breaks, c.breaks ? 1u : 0u);
  }
}

TEST(ImpactTest, SummaryCountsAndOrder) {
  auto servers = ParseProbeResults(Line("a:443", k10) + "\n\n" + Line("b:443", k12 | k13) + "\r\n" +
                                   Line("c:443", k10 | k11 | k12) + "\n" + Line("d:443", 0, k12));
  ASSERT_TRUE(servers.has_value()) << servers.error().message;
  ImpactReport r = ComputeImpact(ProtocolSet(k10 | k11 | k12), ProtocolSet(k12 | k13), *servers);
  ASSERT_EQ(r.endpoints.size(), 4u);
  EXPECT_EQ(r.endpoints[0].endpoint, "a:443");
  EXPECT_EQ(r.endpoints[3].endpoint, "d:443");
  EXPECT_EQ(r.summary.endpoints, 4u);
  EXPECT_EQ(r.summary.works_before, 3u);
  EXPECT_EQ(r.summary.works_after, 2u);
  EXPECT_EQ(r.summary.breaks, 1u);
  EXPECT_EQ(r.summary.version_changed, 1u);  // b: 1.2 -> 1.3
  EXPECT_EQ(r.summary.unknown, 1u);          // d
  EXPECT_EQ(r.endpoints[1].after.version, Protocol::kTls13);
}

TEST(ImpactTest, MissingVersionIsInconclusive) {
  auto o = ParseProbeLine(R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"offered"}}})");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->verdict(Protocol::kTls12), Verdict::kOffered);
  EXPECT_EQ(o->verdict(Protocol::kTls13), Verdict::kInconclusive);
  EXPECT_EQ(Negotiate(ProtocolSet(k13), *o).state, State::kUnknown);
}

TEST(ImpactTest, ErrorLineWithoutVersions) {
  auto o = ParseProbeLine(R"({"endpoint":"h:1","error":"cannot resolve h"})");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->error, "cannot resolve h");
  EXPECT_EQ(Negotiate(ProtocolSet(k12), *o).state, State::kUnknown);
}

TEST(ImpactTest, AllConnectFailedIsUnreachable) {
  std::string versions;
  for (const ProtocolInfo& info : AllProtocols()) {
    if (!versions.empty()) versions += ",";
    versions += "\"" + std::string(info.short_name) +
                "\":{\"verdict\":\"inconclusive\",\"outcome\":\"connect-failed\"}";
  }
  auto o = ParseProbeLine("{\"endpoint\":\"h:1\",\"versions\":{" + versions + "}}");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->error, "unreachable (connect-failed)");
  // One version reached: not unreachable.
  auto reached = ParseProbeLine(Line("h:1", k12));
  ASSERT_TRUE(reached.has_value());
  EXPECT_TRUE(reached->error.empty());
}

TEST(ImpactTest, BadInputNamesTheLine) {
  const char* bad[] = {
      "not json",
      "[1,2]",
      R"({"ip":"1.2.3.4","versions":{}})",
      R"({"endpoint":"h:1"})",
      R"({"endpoint":"h:1","versions":{"tls1.2":"offered"}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"yes"}}})",
      R"({"endpoint":"","versions":{}})",
  };
  for (const char* line : bad) {
    SCOPED_TRACE(line);
    auto r = ParseProbeResults(Line("ok:1", k12) + "\n" + line + "\n");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, ErrorKind::kInput);
    EXPECT_EQ(r.error().message.rfind("line 2: ", 0), 0u) << r.error().message;
  }
}

TEST(ImpactTest, EmptyInputIsEmptyReport) {
  auto r = ParseProbeResults("\n \n");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->empty());
}

// Every line the tests above feed ParseProbeLine, with the offer it gave
// before impact read lines through ParseProbeResultJsonLine: the one reader
// must keep each of them (written against the old reader, kept as the proof).
TEST(ImpactTest, ProbeLineReaderKeepsEveryOffer) {
  struct Case {
    std::string line;
    std::string endpoint;
    std::string ip;
    uint32_t offered;
    uint32_t not_offered;  // the rest are inconclusive
    std::string error;
  };
  uint32_t all = 0;
  for (const ProtocolInfo& info : AllProtocols()) all |= info.bit;
  std::vector<Case> cases;
  const uint32_t pairs[][2] = {
      {k10 | k12, 0}, {k13, 0},   {k12 | k13, 0}, {k10, 0},        {k12, 0},
      {0, k12},       {k12, k13}, {k13, k12},     {0, k13},        {k10 | k11 | k12, 0},
      {k10 | k11, 0}, {k10, k12}, {0, 0},         {k12 | k13, k10}};
  for (const auto& [offered, unsure] : pairs) {
    for (const char* ep : {"h:443", "a:443", "d:443", "h:1", "ok:1"}) {
      cases.push_back(
          {Line(ep, offered, unsure), ep, "127.0.0.1", offered, all & ~offered & ~unsure, ""});
    }
  }
  cases.push_back(
      {R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"offered"}}})", "h:1", "", k12, 0, ""});
  cases.push_back(
      {R"({"endpoint":"h:1","error":"cannot resolve h"})", "h:1", "", 0, 0, "cannot resolve h"});
  std::string failed;
  for (const ProtocolInfo& info : AllProtocols()) {
    if (!failed.empty()) failed += ",";
    failed += "\"" + std::string(info.short_name) +
              "\":{\"verdict\":\"inconclusive\",\"outcome\":\"connect-failed\"}";
  }
  cases.push_back({"{\"endpoint\":\"h:1\",\"versions\":{" + failed + "}}", "h:1", "", 0, 0,
                   "unreachable (connect-failed)"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    auto o = ParseProbeLine(c.line);
    ASSERT_TRUE(o.has_value()) << o.error().message;
    EXPECT_EQ(o->endpoint, c.endpoint);
    EXPECT_EQ(o->ip, c.ip);
    EXPECT_EQ(o->error, c.error);
    for (const ProtocolInfo& info : AllProtocols()) {
      const Verdict want = (c.offered & info.bit)       ? Verdict::kOffered
                           : (c.not_offered & info.bit) ? Verdict::kNotOffered
                                                        : Verdict::kInconclusive;
      EXPECT_EQ(o->verdict(info.id), want) << info.short_name;
    }
  }
  const char* bad[] = {
      "not json",
      "[1,2]",
      R"({"ip":"1.2.3.4","versions":{}})",
      R"({"endpoint":"h:1"})",
      R"({"endpoint":"h:1","versions":{"tls1.2":"offered"}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"yes"}}})",
      R"({"endpoint":"","versions":{}})",
  };
  for (const char* line : bad) {
    SCOPED_TRACE(line);
    auto o = ParseProbeLine(line);
    ASSERT_FALSE(o.has_value());
    EXPECT_EQ(o.error().kind, ErrorKind::kInput);
    EXPECT_EQ(o.error().code, "bad-probe-results");
  }
}

}  // namespace
}  // namespace secproto
