// libFuzzer target for the PROTOCOLS parser (src/core/protocols.cc).
// Input: argv words separated by '\n'. Properties checked beyond "no crash":
// an absolute result has no unknown bits, formats to a hex string that parses
// back to the same value, and every protocol name it prints parses back to the
// same protocol.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/protocols.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using secproto::ProtocolSet;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  size_t start = 0;
  while (start <= in.size()) {
    size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    args.emplace_back(in.substr(start, end - start));
    start = end + 1;
  }

  auto spec = secproto::ParseProtocols(args);
  if (spec) {
    if (!spec->relative) {
      Check((spec->absolute & ~secproto::kKnownBits) == 0);
      ProtocolSet set(spec->absolute);
      std::vector<std::string> again{set.Hex()};
      auto reparsed = secproto::ParseProtocols(again);
      Check(reparsed && !reparsed->relative && reparsed->absolute == spec->absolute);
      for (const std::string& name : set.Names()) {
        auto p = secproto::ParseProtocolName(name);
        Check(p && set.Contains(*p));
      }
      (void)set.Describe();
      (void)secproto::WarningsFor(set);
    } else {
      (void)spec->Apply(0x2800);
    }
  } else {
    Check(!spec.error().message.empty());
  }

  auto number = secproto::ParseNumber(in);
  if (number) {
    (void)secproto::WinHttpIgnoreReason(*number);
    (void)secproto::DescribeUnknownBits(*number);
  }
  (void)secproto::ParseProtocolName(in);
  return 0;
}
