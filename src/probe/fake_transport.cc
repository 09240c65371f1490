// The scripted prober transport that ships for tests (secproto/testing.h).
#include <algorithm>

#include "secproto/testing.h"

namespace secproto {

Expected<std::vector<std::string>> FakeProbeTransport::Resolve(const std::string& host) {
  auto it = names.find(host);
  if (it == names.end()) return Fail(Error::Io("cannot resolve " + host, "resolve"));
  return it->second;
}

void FakeProbeTransport::Start(const ExchangeRequest& request, ExchangeSink* sink) {
  started_.push_back(request);
  queue_.push_back({request, sink});
  int& n = active_per_ip_[request.ip];
  ++n;
  max_per_ip_[request.ip] = std::max(max_per_ip_[request.ip], n);
  max_active_ = std::max(max_active_, queue_.size());
}

void FakeProbeTransport::Poll(int) {
  if (queue_.empty()) return;
  auto [request, sink] = queue_.front();
  queue_.pop_front();
  --active_per_ip_[request.ip];
  Protocol p = ProtocolOf(request.payload);
  int nth = ++count_[{request.port, p}];
  Behaviour b = script(request.port, p, nth);
  if (!b.data.empty() && sink->OnData(b.data)) {
    sink->OnEnd(TransportEnd::kDone, "");
    return;
  }
  sink->OnEnd(b.end, "");
}

Protocol FakeProbeTransport::ProtocolOf(std::span<const uint8_t> b) {
  auto u16 = [&](size_t i) { return static_cast<uint16_t>((b[i] << 8) | b[i + 1]); };
  // SSL 2.0: a two-byte record header with the high bit set, CLIENT-HELLO.
  if (b.size() >= 3 && (b[0] & 0x80) && b[2] == 1) return Protocol::kSsl2;
  // TLS: record header (5), handshake header (4), client_version, random.
  size_t p = 5 + 4;
  if (b.size() < p + 2 + 32 + 1 || b[0] != 22 || b[5] != 1) return Protocol::kTls12;
  const uint16_t client_version = u16(p);
  p += 2 + 32;
  p += 1 + b[p];  // session id
  if (p + 2 > b.size()) return Protocol::kTls12;
  p += 2 + u16(p);  // cipher suites
  if (p + 1 > b.size()) return Protocol::kTls12;
  p += 1 + b[p];  // compression methods
  if (p + 2 <= b.size()) {
    const size_t end = std::min(b.size(), p + 2 + u16(p));
    for (p += 2; p + 4 <= end; p += 4 + u16(p + 2)) {
      if (u16(p) == 43) return Protocol::kTls13;  // supported_versions
    }
  }
  for (const ProtocolInfo& info : AllProtocols()) {
    if (info.id != Protocol::kSsl2 && info.wire_version == client_version) return info.id;
  }
  return Protocol::kTls12;
}

}  // namespace secproto
