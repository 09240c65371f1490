// The probe's result line: ProbeResultJsonLine and its one reader,
// ParseProbeResultJsonLine(s) (include/secproto/probe.h), which both impact
// commands use.

#include <gtest/gtest.h>

#include <string>

#include "secproto/probe.h"

namespace secproto {
namespace {

// A result with every field the line carries set to something other than
// its default.
EndpointResult Full() {
  EndpointResult r;
  r.endpoint = {"example.test", 8443};
  r.ip = "192.0.2.7";
  r.connections = 17;
  VersionResult a;
  a.protocol = Protocol::kTls12;
  a.verdict = Verdict::kOffered;
  a.outcome = Outcome::kAccepted;
  a.attempts = 2;
  a.detail.server_version = 0x0303;
  a.detail.cipher_suite = 0xc02f;
  a.detail.group = 0x001d;
  a.detail.downgrade_sentinel = "tls1.1";
  a.detail.warnings = {112};
  a.detail.message = "note";
  a.detail.bytes_read = 1234;
  a.enumerated = true;
  a.suites = {0xc02f, 0xc030, 0x009c};
  a.groups = {0x001d, 0x0017};
  a.order = "server";
  a.suites_complete = false;
  a.groups_complete = true;
  VersionResult b;
  b.protocol = Protocol::kTls10;
  b.verdict = Verdict::kNotOffered;
  b.outcome = Outcome::kAlert;
  b.attempts = 1;
  b.detail.alert_level = 1;
  b.detail.alert_description = 70;
  b.detail.bytes_read = 7;
  VersionResult c;
  c.protocol = Protocol::kSsl2;
  c.verdict = Verdict::kNotOffered;
  c.outcome = Outcome::kAlert;
  c.attempts = 3;
  c.detail.ssl2_error = 1;
  c.detail.ssl2_cipher_count = 0;
  r.versions = {c, b, a};
  return r;
}

void ExpectSame(const EndpointResult& got, const EndpointResult& want) {
  EXPECT_EQ(got.endpoint, want.endpoint);
  EXPECT_EQ(got.ip, want.ip);
  EXPECT_EQ(got.connections, want.connections);
  EXPECT_EQ(got.error, want.error);
  ASSERT_EQ(got.versions.size(), want.versions.size());
  for (size_t i = 0; i < want.versions.size(); ++i) {
    const VersionResult& g = got.versions[i];
    const VersionResult& w = want.versions[i];
    SCOPED_TRACE(Info(w.protocol).short_name);
    EXPECT_EQ(g.protocol, w.protocol);
    EXPECT_EQ(g.verdict, w.verdict);
    EXPECT_EQ(g.outcome, w.outcome);
    EXPECT_EQ(g.attempts, w.attempts);
    EXPECT_EQ(g.detail.server_version, w.detail.server_version);
    EXPECT_EQ(g.detail.cipher_suite, w.detail.cipher_suite);
    EXPECT_EQ(g.detail.group, w.detail.group);
    EXPECT_EQ(g.detail.alert_level, w.detail.alert_level);
    EXPECT_EQ(g.detail.alert_description, w.detail.alert_description);
    EXPECT_EQ(g.detail.ssl2_error, w.detail.ssl2_error);
    EXPECT_EQ(g.detail.ssl2_cipher_count, w.detail.ssl2_cipher_count);
    EXPECT_EQ(g.detail.downgrade_sentinel, w.detail.downgrade_sentinel);
    EXPECT_EQ(g.detail.warnings, w.detail.warnings);
    EXPECT_EQ(g.detail.message, w.detail.message);
    EXPECT_EQ(g.detail.bytes_read, w.detail.bytes_read);
    EXPECT_EQ(g.enumerated, w.enumerated);
    EXPECT_EQ(g.suites, w.suites);
    EXPECT_EQ(g.groups, w.groups);
    EXPECT_EQ(g.order, w.order);
    EXPECT_EQ(g.suites_complete, w.suites_complete);
    EXPECT_EQ(g.groups_complete, w.groups_complete);
  }
}

TEST(ProbeResultJson, EveryFieldRoundTrips) {
  const EndpointResult r = Full();
  const std::string line = ProbeResultJsonLine(r);
  EXPECT_EQ(line.find("\"error\""), std::string::npos) << "no error member unless set: " << line;
  auto back = ParseProbeResultJsonLine(line);
  ASSERT_TRUE(back) << back.error().message;
  ExpectSame(*back, r);
  EXPECT_EQ(ProbeResultJsonLine(*back), line);
}

TEST(ProbeResultJson, ErrorMemberRoundTrips) {
  EndpointResult r = Full();
  r.error = "cannot resolve example.test";
  const std::string line = ProbeResultJsonLine(r);
  auto back = ParseProbeResultJsonLine(line);
  ASSERT_TRUE(back) << back.error().message;
  ExpectSame(*back, r);
  EXPECT_EQ(back->Failure(), "cannot resolve example.test");
  EXPECT_EQ(ProbeResultJsonLine(*back), line);
}

TEST(ProbeResultJson, EveryOutcomeAndVerdictNameRoundTrips) {
  for (int i = 0; i <= static_cast<int>(Outcome::kUnknown); ++i) {
    const Outcome o = static_cast<Outcome>(i);
    SCOPED_TRACE(OutcomeName(o));
    EndpointResult r;
    r.endpoint = {"h", 1};
    VersionResult v;
    v.outcome = o;
    for (Verdict verdict : {Verdict::kOffered, Verdict::kNotOffered, Verdict::kInconclusive}) {
      v.verdict = verdict;
      r.versions = {v};
      auto back = ParseProbeResultJsonLine(ProbeResultJsonLine(r));
      ASSERT_TRUE(back) << back.error().message;
      ExpectSame(*back, r);
    }
  }
}

// What the impact command's own reader accepted before there was one reader.
TEST(ProbeResultJson, AcceptsWhatImpactAccepted) {
  auto no_outcome =
      ParseProbeResultJsonLine(R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"offered"}}})");
  ASSERT_TRUE(no_outcome) << no_outcome.error().message;
  ASSERT_EQ(no_outcome->versions.size(), 1u);
  EXPECT_EQ(no_outcome->versions[0].outcome, Outcome::kUnknown);
  EXPECT_TRUE(no_outcome->Reachable());
  EXPECT_EQ(no_outcome->Failure(), "");

  auto newer = ParseProbeResultJsonLine(
      R"({"endpoint":"h:1","versions":{"tls1.3":{"verdict":"inconclusive","outcome":"x","detail":""}}})");
  ASSERT_TRUE(newer) << newer.error().message;
  EXPECT_EQ(newer->versions[0].outcome, Outcome::kUnknown);

  auto error_only = ParseProbeResultJsonLine(R"({"endpoint":"h:1","error":"cannot resolve h"})");
  ASSERT_TRUE(error_only) << error_only.error().message;
  EXPECT_TRUE(error_only->versions.empty());
  EXPECT_EQ(error_only->error, "cannot resolve h");
  EXPECT_EQ(error_only->Failure(), "cannot resolve h");

  auto failed = ParseProbeResultJsonLine(
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"inconclusive","outcome":"connect-failed","detail":{"message":"Connection refused"}}}})");
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_EQ(failed->Failure(), "unreachable (connect-failed: Connection refused)");
}

TEST(ProbeResultJson, RejectsWhatNoOneAccepted) {
  const char* bad[] = {
      "not json",
      "[1,2]",
      "{}",
      R"({"ip":"1.2.3.4","versions":{}})",
      R"({"endpoint":"h:1"})",
      R"({"endpoint":"","versions":{}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":"offered"}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"yes"}}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":{"outcome":"accepted"}}})",
  };
  for (const char* line : bad) {
    SCOPED_TRACE(line);
    auto r = ParseProbeResultJsonLine(line);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kInput);
    EXPECT_EQ(r.error().code, "bad-probe-results");
  }
}

// Optional members of the wrong type are ignored, never thrown on (a
// hand-edited results file must give a result or a kInput error).
TEST(ProbeResultJson, MistypedOptionalMembersAreIgnored) {
  const char* lines[] = {
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"not-offered","outcome":"alert",)"
      R"("detail":{"alert":40,"alert_level":5}}}})",
      R"({"endpoint":"h:1","versions":{"tls1.2":{"verdict":"not-offered","outcome":"alert",)"
      R"("detail":{"alert":40,"alert_level":null,"version":7,"cipher":[],"group":1,)"
      R"("warnings":"x","message":2,"bytes":"9","attempts":-1,"ssl2_error":"e"}}}})",
      R"({"endpoint":"h:1","ip":5,"connections":"many","versions":{"tls1.2":)"
      R"({"verdict":"offered","outcome":7,"detail":[]}}})",
  };
  for (const char* line : lines) {
    SCOPED_TRACE(line);
    auto r = ParseProbeResultJsonLine(line);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->versions.size(), 1u);
  }
  auto fatal = ParseProbeResultJsonLine(lines[0]);
  ASSERT_TRUE(fatal);
  EXPECT_EQ(fatal->versions[0].detail.alert_level, 2);
}

TEST(ProbeResultJson, LinesNameTheBadLine) {
  const std::string good = ProbeResultJsonLine(Full());
  auto all = ParseProbeResultJsonLines("\n" + good + "\r\n  \n" + good + "\n");
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 2u);
  auto bad = ParseProbeResultJsonLines(good + "\n\n{\"endpoint\":\"h:1\"}\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("line 3: ", 0), 0u) << bad.error().message;
  auto none = ParseProbeResultJsonLines(" \n\n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace secproto
