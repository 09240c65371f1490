// The answer parser on crafted byte streams, split at every byte boundary.
#include <gtest/gtest.h>

#include "secproto/probe.h"
#include "unit/probe_util.h"

namespace secproto {
namespace {

using probe_test::Alert;
using probe_test::Bytes;
using probe_test::HrrRandom;
using probe_test::Record;
using probe_test::ServerHello;
using probe_test::Ssl2ServerHello;

struct Parsed {
  bool done;
  Outcome outcome;
  AnswerDetail detail;
};

Parsed Whole(Protocol asked, const Bytes& b) {
  AnswerParser p(asked);
  p.Feed(b);
  return {p.Done(), p.outcome(), p.detail()};
}

// Feeds `b` split at every boundary and byte by byte; every way must agree
// with the whole-buffer answer. Returns that answer.
Parsed EverySplit(Protocol asked, const Bytes& b) {
  Parsed whole = Whole(asked, b);
  for (size_t k = 0; k <= b.size(); ++k) {
    AnswerParser p(asked);
    p.Feed(std::span(b).first(k));
    p.Feed(std::span(b).subspan(k));
    EXPECT_EQ(p.Done(), whole.done) << "split at " << k;
    if (whole.done) EXPECT_EQ(p.outcome(), whole.outcome) << "split at " << k;
  }
  AnswerParser p(asked);
  for (uint8_t c : b) p.Feed(std::span(&c, 1));
  EXPECT_EQ(p.Done(), whole.done) << "byte by byte";
  if (whole.done) {
    EXPECT_EQ(p.outcome(), whole.outcome) << "byte by byte";
  }
  return whole;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(ProbeAnswer, AcceptedLowerHigher) {
  auto r = EverySplit(Protocol::kTls12, ServerHello(0x0303));
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.server_version, 0x0303);
  EXPECT_EQ(r.detail.cipher_suite, 0xc02f);

  r = EverySplit(Protocol::kTls12, ServerHello(0x0301));
  EXPECT_EQ(r.outcome, Outcome::kLowerVersion);
  EXPECT_EQ(r.detail.server_version, 0x0301);

  r = EverySplit(Protocol::kTls10, ServerHello(0x0303));
  EXPECT_EQ(r.outcome, Outcome::kHigherVersion);

  r = EverySplit(Protocol::kSsl3, ServerHello(0x0300));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
}

TEST(ProbeAnswer, Tls13NeedsSupportedVersions) {
  auto r = EverySplit(Protocol::kTls13, ServerHello(0x0303, {}, 0x0304));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.server_version, 0x0304);
  // A plain TLS 1.2 ServerHello to a 1.3 hello is not TLS 1.3.
  r = EverySplit(Protocol::kTls13, ServerHello(0x0303));
  EXPECT_EQ(r.outcome, Outcome::kLowerVersion);
  EXPECT_EQ(r.detail.server_version, 0x0303);
  // Nor is a ServerHello whose legacy version says 1.3 without the extension.
  r = EverySplit(Protocol::kTls13, ServerHello(0x0304));
  EXPECT_EQ(r.outcome, Outcome::kAccepted) << "legacy 0x0304 names 1.3 itself";
}

TEST(ProbeAnswer, HelloRetryRequest) {
  auto r = EverySplit(Protocol::kTls13, ServerHello(0x0303, HrrRandom(), 0x0304));
  EXPECT_EQ(r.outcome, Outcome::kHelloRetryRequest);
  EXPECT_EQ(r.detail.server_version, 0x0304);
  EXPECT_TRUE(r.detail.downgrade_sentinel.empty());
  // An HRR to a 1.2 hello is the server asking for more than we offered.
  r = EverySplit(Protocol::kTls12, ServerHello(0x0303, HrrRandom(), 0x0304));
  EXPECT_EQ(r.outcome, Outcome::kHigherVersion);
}

TEST(ProbeAnswer, DowngradeSentinel) {
  Bytes random(32, 0x55);
  const char* tag = "DOWNGRD";
  std::copy(tag, tag + 7, random.begin() + 24);
  random[31] = 1;
  auto r = EverySplit(Protocol::kTls12, ServerHello(0x0303, random));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.downgrade_sentinel, "tls1.2");
  random[31] = 0;
  r = EverySplit(Protocol::kTls11, ServerHello(0x0302, random));
  EXPECT_EQ(r.detail.downgrade_sentinel, "tls1.1");
  random[31] = 2;
  r = EverySplit(Protocol::kTls11, ServerHello(0x0302, random));
  EXPECT_TRUE(r.detail.downgrade_sentinel.empty());
}

TEST(ProbeAnswer, Alerts) {
  auto r = EverySplit(Protocol::kTls10, Alert(2, 70));
  EXPECT_EQ(r.outcome, Outcome::kAlert);
  EXPECT_EQ(r.detail.alert_description, 70);
  EXPECT_EQ(r.detail.alert_level, 2);
  EXPECT_EQ(AlertName(70), "protocol_version");
  EXPECT_EQ(AlertName(40), "handshake_failure");
  EXPECT_EQ(AlertName(71), "insufficient_security");
  r = EverySplit(Protocol::kTls10, Alert(2, 40, 0x0301));
  EXPECT_EQ(r.detail.alert_description, 40);
  r = EverySplit(Protocol::kTls10, Alert(2, 71, 0x0300));
  EXPECT_EQ(r.detail.alert_description, 71);
}

TEST(ProbeAnswer, WarningAlertBeforeServerHelloIsSkipped) {
  auto r = EverySplit(Protocol::kTls12, Cat({Alert(1, 112), ServerHello(0x0303)}));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  ASSERT_EQ(r.detail.warnings.size(), 1u);
  EXPECT_EQ(r.detail.warnings[0], 112);
  // A warning alone is not an answer yet.
  r = EverySplit(Protocol::kTls12, Alert(1, 112));
  EXPECT_FALSE(r.done);
  // Two alerts in one record: warning then fatal.
  r = EverySplit(Protocol::kTls12, Record(21, {1, 112, 2, 40}));
  EXPECT_EQ(r.outcome, Outcome::kAlert);
  EXPECT_EQ(r.detail.alert_description, 40);
}

TEST(ProbeAnswer, ServerHelloAcrossRecords) {
  Bytes msg = probe_test::ServerHelloMessage(0x0303, {}, 0x0304);
  Bytes split = Cat({Record(22, Bytes(msg.begin(), msg.begin() + 3)),
                     Record(22, Bytes(msg.begin() + 3, msg.begin() + 40)),
                     Record(22, Bytes(msg.begin() + 40, msg.end()))});
  auto r = EverySplit(Protocol::kTls13, split);
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.server_version, 0x0304);
}

TEST(ProbeAnswer, Ssl2ServerHelloEvenWithZeroCiphers) {
  auto r = EverySplit(Protocol::kSsl2, Ssl2ServerHello(0));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.ssl2_cipher_count, 0);
  r = EverySplit(Protocol::kSsl2, Ssl2ServerHello(3));
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.detail.ssl2_cipher_count, 3);
  // An SSLv2 answer to a TLS hello is a lower version.
  r = EverySplit(Protocol::kTls10, Ssl2ServerHello(2));
  EXPECT_EQ(r.outcome, Outcome::kLowerVersion);
  // An SSLv2 ERROR.
  r = EverySplit(Protocol::kSsl2, Bytes{0x80, 0x03, 0x00, 0x00, 0x01});
  EXPECT_EQ(r.outcome, Outcome::kAlert);
  EXPECT_EQ(r.detail.ssl2_error, 1);
  // A TLS alert to the SSLv2 hello.
  r = EverySplit(Protocol::kSsl2, Alert(2, 70, 0x0301));
  EXPECT_EQ(r.outcome, Outcome::kAlert);
}

TEST(ProbeAnswer, NonTlsAndGarbage) {
  std::string http = "HTTP/1.1 400 Bad Request\r\n\r\n";
  auto r = EverySplit(Protocol::kTls12, Bytes(http.begin(), http.end()));
  EXPECT_EQ(r.outcome, Outcome::kNonTls);
  EXPECT_NE(r.detail.message.find("HTTP/1.1"), std::string::npos);
  std::string ssh = "SSH-2.0-OpenSSH_9.2\r\n";
  r = EverySplit(Protocol::kTls13, Bytes(ssh.begin(), ssh.end()));
  EXPECT_EQ(r.outcome, Outcome::kNonTls);
  // Right first byte, wrong version byte.
  r = EverySplit(Protocol::kTls12, Bytes{22, 0x47, 0x45, 0x00, 0x10});
  EXPECT_EQ(r.outcome, Outcome::kNonTls);
  // Application data before a ServerHello.
  r = EverySplit(Protocol::kTls12, Record(23, Bytes(10, 1)));
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  // A Certificate where the ServerHello belongs.
  r = EverySplit(Protocol::kTls12, Record(22, {11, 0, 0, 3, 0, 0, 0}));
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  // A truncated ServerHello body with a consistent header.
  r = EverySplit(Protocol::kTls12, Record(22, {2, 0, 0, 2, 3, 3}));
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  // Empty record.
  r = EverySplit(Protocol::kTls12, Bytes{22, 3, 3, 0, 0});
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
}

TEST(ProbeAnswer, HugeRecordHeadersAreRejectedAtOnce) {
  // A record claiming 65535 bytes is over the 2^14+2048 limit.
  auto r = EverySplit(Protocol::kTls12, Bytes{22, 3, 3, 0xff, 0xff, 2, 0});
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  // A 16 MB handshake message inside a legal record.
  Bytes huge = {22, 3, 3, 0x40, 0x00, 2, 0xff, 0xff, 0xff};
  r = EverySplit(Protocol::kTls12, huge);
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  EXPECT_LT(r.detail.bytes_read, 100u);
}

TEST(ProbeAnswer, EndlessWarningsOrHandshakeStopAtTheCap) {
  // Endless HelloRequests: empty handshake messages the parser skips.
  AnswerParser p(Protocol::kTls12);
  Bytes hr = Record(22, Bytes(16000, 0));  // 4000 HelloRequests
  size_t fed = 0;
  while (!p.Done() && fed < 10 * kMaxAnswerBytes) {
    p.Feed(hr);
    fed += hr.size();
  }
  ASSERT_TRUE(p.Done());
  EXPECT_EQ(p.outcome(), Outcome::kMalformed);
  EXPECT_LE(p.detail().bytes_read, kMaxAnswerBytes);

  AnswerParser w(Protocol::kTls12);
  for (int i = 0; i < 20 && !w.Done(); ++i) w.Feed(Alert(1, 112));
  EXPECT_EQ(w.outcome(), Outcome::kMalformed);
}

TEST(ProbeAnswer, InputAfterDoneIsIgnored) {
  AnswerParser p(Protocol::kTls12);
  EXPECT_TRUE(p.Feed(Alert(2, 40)));
  size_t before = p.detail().bytes_read;
  EXPECT_TRUE(p.Feed(ServerHello(0x0303)));
  EXPECT_EQ(p.outcome(), Outcome::kAlert);
  EXPECT_EQ(p.detail().bytes_read, before);
}

TEST(ProbeAnswer, EveryPrefixOfAServerHelloIsUndecided) {
  Bytes b = Record(22, probe_test::ServerHelloMessage(0x0303));
  for (size_t k = 0; k < b.size(); ++k) {
    AnswerParser p(Protocol::kTls12);
    p.Feed(std::span(b).first(k));
    EXPECT_FALSE(p.Done()) << k;
  }
}

}  // namespace
}  // namespace secproto
