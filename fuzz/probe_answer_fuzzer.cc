// libFuzzer target for the TLS answer parser (src/probe/answer.cc).
// Input: byte 0 picks the version asked for (low 7 bits) and whether the
// parser reads on to the ServerKeyExchange for the curve (high bit, as
// `probe --suites` does for groups), byte 1 seeds how the rest is cut into
// TCP-like pieces; the rest is the server's answer. Properties checked
// beyond "no crash": the verdict does not depend on how the bytes were cut,
// the parser never claims to have read more than kMaxAnswerBytes, and input
// after a verdict changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "secproto/probe.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using secproto::AnswerParser;
  if (size < 2) return 0;
  auto protocols = secproto::AllProtocols();
  const secproto::Protocol asked = protocols[(data[0] & 0x7f) % protocols.size()].id;
  const bool want_kex = (data[0] & 0x80) != 0;
  uint32_t seed = data[1] | 1u;
  std::span<const uint8_t> answer(data + 2, size - 2);

  AnswerParser whole(asked, want_kex);
  whole.Feed(answer);

  AnswerParser pieces(asked, want_kex);
  size_t pos = 0;
  while (pos < answer.size()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 16) % 97;
    n = std::min(n, answer.size() - pos);
    pieces.Feed(answer.subspan(pos, n));
    pos += n;
  }

  Check(whole.Done() == pieces.Done());
  if (whole.Done()) {
    Check(whole.outcome() == pieces.outcome());
    Check(whole.detail().server_version == pieces.detail().server_version);
    Check(whole.detail().alert_description == pieces.detail().alert_description);
    Check(whole.detail().downgrade_sentinel == pieces.detail().downgrade_sentinel);
    Check(whole.detail().cipher_suite == pieces.detail().cipher_suite);
    Check(whole.detail().group == pieces.detail().group);
    const size_t before = whole.detail().bytes_read;
    const auto outcome = whole.outcome();
    whole.Feed(answer);
    Check(whole.detail().bytes_read == before && whole.outcome() == outcome);
  }
  Check(whole.detail().bytes_read <= secproto::kMaxAnswerBytes);
  Check(pieces.detail().bytes_read <= secproto::kMaxAnswerBytes);
  return 0;
}
