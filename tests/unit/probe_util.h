// Test helpers for the prober: hand-made server answers and a ClientHello
// reader, shared by the parser, hello and integration tests.
#ifndef SECPROTO_TESTS_UNIT_PROBE_UTIL_H_
#define SECPROTO_TESTS_UNIT_PROBE_UTIL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "secproto/probe.h"

namespace secproto::probe_test {

using Bytes = std::vector<uint8_t>;

inline void Put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

/// A TLS record of `type` around `payload`.
inline Bytes Record(uint8_t type, const Bytes& payload, uint16_t version = 0x0303) {
  Bytes b{type};
  Put16(b, version);
  Put16(b, static_cast<uint16_t>(payload.size()));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes Alert(uint8_t level, uint8_t desc, uint16_t version = 0x0303) {
  return Record(21, {level, desc}, version);
}

/// The HelloRetryRequest random (SHA-256 of "HelloRetryRequest").
inline Bytes HrrRandom() {
  return {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
          0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
          0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
}

/// A ServerHello handshake message (type + 24-bit length + body).
inline Bytes ServerHelloMessage(uint16_t version, Bytes random = {},
                                std::optional<uint16_t> supported_version = std::nullopt,
                                uint16_t cipher = 0xc02f) {
  if (random.empty()) random.assign(32, 0x42);
  Bytes body;
  Put16(body, version);
  body.insert(body.end(), random.begin(), random.end());
  body.push_back(0);  // session id
  Put16(body, cipher);
  body.push_back(0);  // compression
  Bytes ext;
  Put16(ext, 0xff01);  // renegotiation_info
  Put16(ext, 1);
  ext.push_back(0);
  if (supported_version) {
    Put16(ext, 43);
    Put16(ext, 2);
    Put16(ext, *supported_version);
  }
  Put16(body, static_cast<uint16_t>(ext.size()));
  body.insert(body.end(), ext.begin(), ext.end());
  Bytes msg{2, 0, static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())};
  msg.insert(msg.end(), body.begin(), body.end());
  return msg;
}

/// A full ServerHello record, followed by a certificate-ish record that the
/// parser must not need.
inline Bytes ServerHello(uint16_t version, Bytes random = {},
                         std::optional<uint16_t> supported_version = std::nullopt) {
  Bytes b = Record(22, ServerHelloMessage(version, std::move(random), supported_version));
  Bytes tail = Record(22, Bytes(300, 0x0b));
  b.insert(b.end(), tail.begin(), tail.end());
  return b;
}

/// An SSLv2 SERVER-HELLO with `ciphers` cipher specs and a small certificate.
inline Bytes Ssl2ServerHello(uint16_t ciphers, uint16_t version = 0x0002) {
  Bytes cert(20, 0x30);
  Bytes conn_id(16, 0x11);
  Bytes m{4, 0, 1};
  Put16(m, version);
  Put16(m, static_cast<uint16_t>(cert.size()));
  Put16(m, static_cast<uint16_t>(ciphers * 3));
  Put16(m, static_cast<uint16_t>(conn_id.size()));
  m.insert(m.end(), cert.begin(), cert.end());
  for (uint16_t i = 0; i < ciphers; ++i) {
    m.push_back(0x01);
    m.push_back(0x00);
    m.push_back(0x80);
  }
  m.insert(m.end(), conn_id.begin(), conn_id.end());
  Bytes b;
  Put16(b, static_cast<uint16_t>(0x8000 | m.size()));
  b.insert(b.end(), m.begin(), m.end());
  return b;
}

/// What a ClientHello says, read back by an independent little parser.
struct ParsedHello {
  bool ssl2 = false;
  uint16_t record_version = 0;
  size_t record_length = 0;
  size_t handshake_length = 0;  // the ClientHello message, header included
  uint16_t client_version = 0;
  size_t session_id_length = 0;
  std::vector<uint16_t> suites;          // TLS, or SSLv2 specs' low 16 bits
  std::map<uint16_t, Bytes> extensions;  // type -> data
  std::vector<uint16_t> extension_order;
  bool ok = false;
};

inline uint16_t Get16(const Bytes& b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

inline ParsedHello ParseHello(const Bytes& b) {
  ParsedHello h;
  if (b.size() < 5) return h;
  if (b[0] & 0x80) {
    h.ssl2 = true;
    h.record_length = ((b[0] & 0x7f) << 8) | b[1];
    if (b.size() != 2 + h.record_length || b[2] != 1) return h;
    h.client_version = Get16(b, 3);
    size_t specs = Get16(b, 5), sid = Get16(b, 7), challenge = Get16(b, 9);
    if (11 + specs + sid + challenge != b.size() || specs % 3) return h;
    for (size_t i = 0; i < specs; i += 3) h.suites.push_back(Get16(b, 11 + i + 1));
    h.ok = true;
    return h;
  }
  if (b[0] != 22) return h;
  h.record_version = Get16(b, 1);
  h.record_length = Get16(b, 3);
  if (b.size() != 5 + h.record_length || b[5] != 1) return h;
  size_t len = (static_cast<size_t>(b[6]) << 16) | Get16(b, 7);
  h.handshake_length = 4 + len;
  if (h.handshake_length != h.record_length) return h;
  size_t p = 9;
  h.client_version = Get16(b, p);
  p += 2 + 32;
  h.session_id_length = b[p];
  p += 1 + h.session_id_length;
  size_t suites = Get16(b, p);
  p += 2;
  for (size_t i = 0; i < suites; i += 2) h.suites.push_back(Get16(b, p + i));
  p += suites;
  size_t comp = b[p];
  p += 1 + comp;
  if (p == b.size()) {
    h.ok = true;
    return h;
  }
  size_t ext_len = Get16(b, p);
  p += 2;
  if (p + ext_len != b.size()) return h;
  while (p < b.size()) {
    uint16_t type = Get16(b, p);
    size_t l = Get16(b, p + 2);
    p += 4;
    if (p + l > b.size()) return h;
    h.extensions[type] =
        Bytes(b.begin() + static_cast<long>(p), b.begin() + static_cast<long>(p + l));
    h.extension_order.push_back(type);
    p += l;
  }
  h.ok = true;
  return h;
}

}  // namespace secproto::probe_test

#endif  // SECPROTO_TESTS_UNIT_PROBE_UTIL_H_
