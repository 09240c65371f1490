// The answer parser: classifies what a server sent back to one hello, fed in
// whatever pieces TCP delivers. It keeps only a partial record header, a
// partial alert and the first handshake message (bounded), so a hostile peer
// cannot make it buffer more than kMaxAnswerBytes.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/strings.h"
#include "secproto/probe.h"

namespace secproto {
namespace {

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlertRecord = 21;
constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kHeartbeatRecord = 24;

constexpr uint8_t kHelloRequest = 0;
constexpr uint8_t kServerHello = 2;

constexpr uint8_t kSsl2Error = 0;
constexpr uint8_t kSsl2ServerHello = 4;
constexpr size_t kSsl2ServerHelloFixed = 11;  // type .. connection-id length

// RFC 8446 4.1.3: the random of a HelloRetryRequest is SHA-256("HelloRetryRequest").
constexpr uint8_t kHrrRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
// RFC 8446 4.1.3: the last 8 bytes of a downgraded ServerHello random.
constexpr uint8_t kDowngradePrefix[7] = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

// A TLSPlaintext record holds at most 2^14 bytes; allow the 2048 bytes of
// expansion a TLSCompressed/Ciphertext may have, as receivers do.
constexpr size_t kMaxRecordLength = 16384 + 2048;
// The largest possible ServerHello body: version, random, session id,
// suite, compression, extensions.
constexpr size_t kMaxServerHello = 2 + 32 + 1 + 32 + 2 + 1 + 2 + 65535;
constexpr size_t kMaxWarnings = 8;

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

std::string Printable(std::span<const uint8_t> b) {
  std::string s;
  for (size_t i = 0; i < b.size() && i < 16; ++i) {
    uint8_t c = b[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      s.push_back(static_cast<char>(c));
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      s += hex;
    }
  }
  return s;
}

}  // namespace

AnswerParser::AnswerParser(Protocol asked, bool want_key_exchange)
    : asked_(asked), want_kex_(want_key_exchange && asked != Protocol::kTls13) {}

void AnswerParser::Finish(Outcome o, std::string message) {
  if (done_) return;
  done_ = true;
  outcome_ = o;
  if (!message.empty()) detail_.message = std::move(message);
  // Nothing more is needed; drop the buffers.
  handshake_ = {};
  pending_ = {};
  header_ = {};
  alert_ = {};
  next_ = {};
}

bool AnswerParser::Feed(std::span<const uint8_t> bytes) {
  if (done_ || bytes.empty()) return done_;
  size_t room = kMaxAnswerBytes - std::min(kMaxAnswerBytes, detail_.bytes_read);
  if (bytes.size() > room) {
    // Parse what fits; if that gives no verdict, the answer is too long.
    bytes = bytes.first(room);
  }
  const bool first = detail_.bytes_read == 0;
  detail_.bytes_read += bytes.size();
  if (first) {
    uint8_t b = bytes[0];
    if (b & 0x80) {
      mode_ = Mode::kSsl2;  // an SSLv2 two-byte record header
    } else if (b >= kChangeCipherSpec && b <= kHeartbeatRecord) {
      mode_ = Mode::kTls;
    } else {
      Finish(Outcome::kNonTls, "answer starts with \"" + Printable(bytes) + "\"");
      return true;
    }
  }
  if (mode_ == Mode::kSsl2) {
    // Only the first 2 + 11 bytes matter.
    size_t take = std::min(bytes.size(), 2 + kSsl2ServerHelloFixed -
                                             std::min(pending_.size(), 2 + kSsl2ServerHelloFixed));
    pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
    ParseSsl2();
  } else {
    ParseTlsRecords(bytes);
  }
  if (!done_ && detail_.bytes_read >= kMaxAnswerBytes) {
    Finish(Outcome::kMalformed,
           "no ServerHello within the first " + std::to_string(kMaxAnswerBytes) + " bytes");
  }
  return done_;
}

void AnswerParser::ParseTlsRecords(std::span<const uint8_t> in) {
  size_t pos = 0;
  const size_t n = in.size();
  while (!done_ && pos < n) {
    if (record_left_ == 0) {
      size_t take = std::min<size_t>(5 - header_.size(), n - pos);
      header_.insert(header_.end(), in.begin() + static_cast<long>(pos),
                     in.begin() + static_cast<long>(pos + take));
      pos += take;
      if (header_.size() < 5) break;
      uint8_t h[5];
      std::memcpy(h, header_.data(), 5);
      header_.clear();
      const uint8_t type = h[0];
      const uint8_t major = h[1];
      const size_t len = Be16(&h[3]);
      const bool very_first = records_ == 0;
      ++records_;
      if (type < kChangeCipherSpec || type > kHeartbeatRecord || major != 3) {
        char what[64];
        std::snprintf(what, sizeof what, "record type %u version %u.%u", type, major, h[2]);
        if (very_first) {
          Finish(Outcome::kNonTls, "answer starts with \"" + Printable(h) + "\"");
        } else {
          Finish(Outcome::kMalformed, std::string("unexpected ") + what);
        }
        break;
      }
      if (len == 0 || len > kMaxRecordLength) {
        Finish(Outcome::kMalformed, "record length " + std::to_string(len) + " out of range");
        break;
      }
      if (type != kAlertRecord && type != kHandshakeRecord) {
        Finish(Outcome::kMalformed,
               "record type " + std::to_string(type) + " before the ServerHello");
        break;
      }
      record_type_ = type;
      record_left_ = len;
      continue;
    }
    size_t take = std::min(record_left_, n - pos);
    std::span<const uint8_t> chunk(in.data() + pos, take);
    pos += take;
    record_left_ -= take;
    if (record_type_ == kAlertRecord) {
      for (uint8_t c : chunk) {
        alert_.push_back(c);
        if (alert_.size() < 2) continue;
        const uint8_t level = alert_[0];
        const uint8_t desc = alert_[1];
        alert_.clear();
        if (level == 1 && desc != 0) {
          // A warning (e.g. unrecognized_name) may precede the ServerHello.
          if (detail_.warnings.size() >= kMaxWarnings) {
            Finish(Outcome::kMalformed, "too many warning alerts");
            break;
          }
          detail_.warnings.push_back(desc);
          continue;
        }
        if (level != 1 && level != 2) {
          Finish(Outcome::kMalformed, "alert level " + std::to_string(level));
          break;
        }
        detail_.alert_level = level;
        detail_.alert_description = desc;
        Finish(Outcome::kAlert);
        break;
      }
      if (!done_ && record_left_ == 0 && !alert_.empty()) {
        Finish(Outcome::kMalformed, "alert record of odd length");
      }
    } else {
      OnHandshakeBytes(chunk);
    }
  }
}

void AnswerParser::OnHandshakeBytes(std::span<const uint8_t> bytes) {
  if (after_hello_) return OnHandshakeAfterHello(bytes);
  while (!done_ && !bytes.empty()) {
    if (handshake_.size() < 4) {
      size_t take = std::min<size_t>(4 - handshake_.size(), bytes.size());
      handshake_.insert(handshake_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
      bytes = bytes.subspan(take);
      if (handshake_.size() < 4) return;
      const uint8_t type = handshake_[0];
      const size_t len = (static_cast<size_t>(handshake_[1]) << 16) | Be16(&handshake_[2]);
      if (type == kHelloRequest && len == 0) {
        handshake_.clear();  // a HelloRequest carries nothing; skip it
        continue;
      }
      if (type != kServerHello) {
        Finish(Outcome::kMalformed,
               "handshake message " + std::to_string(type) + " before the ServerHello");
        return;
      }
      if (len > kMaxServerHello || len < 38) {
        Finish(Outcome::kMalformed, "ServerHello length " + std::to_string(len) + " out of range");
        return;
      }
      handshake_.reserve(4 + std::min<size_t>(len, 1024));
    }
    const size_t len = (static_cast<size_t>(handshake_[1]) << 16) | Be16(&handshake_[2]);
    size_t take = std::min(4 + len - handshake_.size(), bytes.size());
    handshake_.insert(handshake_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
    bytes = bytes.subspan(take);
    if (handshake_.size() == 4 + len) {
      std::vector<uint8_t> body(handshake_.begin() + 4, handshake_.end());
      ParseServerHello(body);
      if (after_hello_) OnHandshakeAfterHello(bytes);
      return;
    }
  }
}

void AnswerParser::ParseServerHello(std::span<const uint8_t> b) {
  // version(2) random(32) session_id<0..32> cipher_suite(2) compression(1)
  // [extensions<0..2^16-1>]
  size_t p = 0;
  auto need = [&](size_t k) { return p + k <= b.size(); };
  if (!need(35)) return Finish(Outcome::kMalformed, "ServerHello too short");
  const uint16_t legacy_version = Be16(&b[0]);
  const uint8_t* random = &b[2];
  p = 34;
  const size_t sid_len = b[p++];
  if (sid_len > 32 || !need(sid_len + 3)) {
    return Finish(Outcome::kMalformed, "ServerHello session id out of range");
  }
  p += sid_len;
  detail_.cipher_suite = Be16(&b[p]);
  p += 2;
  p += 1;  // compression method
  std::optional<uint16_t> selected;
  if (p < b.size()) {
    if (!need(2)) return Finish(Outcome::kMalformed, "ServerHello extensions cut short");
    const size_t ext_len = Be16(&b[p]);
    p += 2;
    if (p + ext_len != b.size()) {
      return Finish(Outcome::kMalformed, "ServerHello extensions length mismatch");
    }
    while (p < b.size()) {
      if (!need(4)) return Finish(Outcome::kMalformed, "ServerHello extension cut short");
      const uint16_t type = Be16(&b[p]);
      const size_t len = Be16(&b[p + 2]);
      p += 4;
      if (!need(len)) return Finish(Outcome::kMalformed, "ServerHello extension cut short");
      if (type == 43) {  // supported_versions: the selected version
        if (len != 2) return Finish(Outcome::kMalformed, "bad supported_versions in ServerHello");
        selected = Be16(&b[p]);
      }
      if (type == 51) {  // key_share: the group (HRR: selected_group only)
        if (len < 2) return Finish(Outcome::kMalformed, "bad key_share in ServerHello");
        detail_.group = Be16(&b[p]);
      }
      p += len;
    }
  }
  if ((legacy_version >> 8) != 3) {
    return Finish(Outcome::kMalformed, "ServerHello version " + Hex16(legacy_version));
  }
  const bool hrr = std::memcmp(random, kHrrRandom, 32) == 0;
  if (!hrr && std::memcmp(random + 24, kDowngradePrefix, 7) == 0) {
    if (random[31] == 1) detail_.downgrade_sentinel = "tls1.2";
    if (random[31] == 0) detail_.downgrade_sentinel = "tls1.1";
  }
  const uint16_t version = selected.value_or(legacy_version);
  detail_.server_version = version;
  const uint16_t asked = Info(asked_).wire_version;
  if (hrr) {
    // A HelloRetryRequest names the suite the server picked (RFC 8446 4.1.4).
    if (asked_ == Protocol::kTls13 && version == asked) return Finish(Outcome::kHelloRetryRequest);
    return Finish(version > asked ? Outcome::kHigherVersion : Outcome::kLowerVersion,
                  "HelloRetryRequest for version " + Hex16(version));
  }
  if (version == asked) {
    if (want_kex_) {
      // Read on to the ServerKeyExchange for the curve.
      after_hello_ = true;
      hello_outcome_ = Outcome::kAccepted;
      handshake_ = {};
      return;
    }
    return Finish(Outcome::kAccepted);
  }
  // TLS 1.3 counts only with supported_versions = 0x0304; a 1.2 ServerHello
  // to a 1.3 hello is a lower version, not TLS 1.3.
  Finish(version < asked ? Outcome::kLowerVersion : Outcome::kHigherVersion);
}

void AnswerParser::OnHandshakeAfterHello(std::span<const uint8_t> bytes) {
  // Messages after the ServerHello: Certificate (11), CertificateStatus (22)
  // and others are skipped without being kept; ServerKeyExchange (12) gives
  // the curve of an ECDHE suite (curve_type 3 = named_curve, RFC 8422 5.4);
  // ServerHelloDone (14) means no key exchange message: no group.
  constexpr uint8_t kServerKeyExchange = 12;
  constexpr uint8_t kServerHelloDone = 14;
  while (!done_ && !bytes.empty()) {
    if (skip_left_ > 0) {
      size_t take = std::min(skip_left_, bytes.size());
      skip_left_ -= take;
      bytes = bytes.subspan(take);
      continue;
    }
    const size_t want = next_.size() < 4 ? 4 : 7;
    size_t take = std::min(want - next_.size(), bytes.size());
    next_.insert(next_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
    bytes = bytes.subspan(take);
    if (next_.size() < 4) return;
    const uint8_t type = next_[0];
    const size_t len = (static_cast<size_t>(next_[1]) << 16) | Be16(&next_[2]);
    if (type == kServerHelloDone) return Finish(hello_outcome_);
    if (type == kServerKeyExchange) {
      if (len < 3) return Finish(Outcome::kMalformed, "ServerKeyExchange too short");
      if (next_.size() < 7) continue;
      if (next_[4] == 3) detail_.group = Be16(&next_[5]);
      return Finish(hello_outcome_);
    }
    next_.clear();
    skip_left_ = len;
  }
}

void AnswerParser::ParseSsl2() {
  // Two-byte header (high bit set, 15-bit length), then the message. Only the
  // fixed part of a SERVER-HELLO or an ERROR is needed.
  if (pending_.size() < 3) return;
  const size_t len = (static_cast<size_t>(pending_[0] & 0x7f) << 8) | pending_[1];
  const uint8_t type = pending_[2];
  if (type == kSsl2Error) {
    if (len < 3) return Finish(Outcome::kMalformed, "SSLv2 ERROR too short");
    if (pending_.size() < 5) return;
    detail_.ssl2_error = Be16(&pending_[3]);
    return Finish(Outcome::kAlert);
  }
  if (type != kSsl2ServerHello) {
    return Finish(Outcome::kMalformed, "SSLv2 message type " + std::to_string(type));
  }
  if (len < kSsl2ServerHelloFixed)
    return Finish(Outcome::kMalformed, "SSLv2 SERVER-HELLO too short");
  if (pending_.size() < 2 + kSsl2ServerHelloFixed) return;
  const uint8_t* m = &pending_[2];
  const uint16_t version = Be16(m + 3);
  const uint16_t cert_len = Be16(m + 5);
  const uint16_t specs_len = Be16(m + 7);
  const uint16_t conn_id_len = Be16(m + 9);
  if (kSsl2ServerHelloFixed + cert_len + specs_len + conn_id_len != len || specs_len % 3 != 0) {
    return Finish(Outcome::kMalformed, "SSLv2 SERVER-HELLO lengths do not add up");
  }
  detail_.server_version = version;
  // Zero cipher specs still means the server speaks SSLv2.
  detail_.ssl2_cipher_count = static_cast<uint16_t>(specs_len / 3);
  const uint16_t asked = Info(asked_).wire_version;
  if (version == asked) return Finish(Outcome::kAccepted);
  Finish(version < asked ? Outcome::kLowerVersion : Outcome::kHigherVersion);
}

}  // namespace secproto
