// Endpoint parsing for `secproto verify` (secproto/verify.h); the handshake
// itself is verify-win32.cc (SSPI) and verify-posix.cc (refused).
#include <charconv>

#include "secproto/verify.h"

namespace secproto {

std::string VerifyEndpoint::Text() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Expected<VerifyEndpoint> ParseVerifyEndpoint(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Fail(Error::Usage("endpoint '" + text + "': " + why + " (give HOST, HOST:PORT or [IPv6]:PORT)",
                             "bad-endpoint"));
  };
  VerifyEndpoint e;
  std::string port;
  if (text.starts_with("[")) {
    size_t close = text.find(']');
    if (close == std::string::npos) return bad("no closing ]");
    e.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return bad("expected :PORT after ]");
      port = text.substr(close + 2);
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string::npos && text.find(':') != colon) return bad("an IPv6 address goes in [ ]");
    e.host = text.substr(0, colon);
    if (colon != std::string::npos) port = text.substr(colon + 1);
  }
  if (e.host.empty()) return bad("no host");
  if (!port.empty() || text.ends_with(":")) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
      return bad("port must be 1 to 65535");
    }
    e.port = static_cast<uint16_t>(v);
  }
  return e;
}

}  // namespace secproto
