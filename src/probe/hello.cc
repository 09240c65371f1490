// Hand-built ClientHellos, one per protocol version (docs/PROBE.md,
// "Edge cases handled"). No TLS library: the bytes are laid out here so that the probe
// sends the same thing on every OS.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "secproto/probe.h"

namespace secproto {
namespace {

// Cipher suites (IANA numbers). Old servers may speak only RC4 or 3DES, so the
// pre-1.2 list keeps them; every list ends with the renegotiation SCSV.
constexpr uint16_t kScsvRenegotiation = 0x00ff;

// The suites themselves are the table in suite_enum.cc (ProbeSuitesFor).

// SSLv2 cipher specs (3 bytes each).
constexpr uint32_t kSsl2Specs[] = {
    0x0700c0,  // DES-192-EDE3-CBC-WITH-MD5
    0x010080,  // RC4-128-WITH-MD5
    0x030080,  // RC2-128-CBC-WITH-MD5
    0x050080,  // IDEA-128-CBC-WITH-MD5
    0x060040,  // DES-64-CBC-WITH-MD5
    0x020080,  // RC4-128-EXPORT40-WITH-MD5
    0x040080,  // RC2-128-CBC-EXPORT40-WITH-MD5
};

// Named groups: X25519 first (our key share), then the NIST curves, X448 and
// the FFDHE groups.
constexpr uint16_t kGroups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102};
constexpr uint16_t kGroupX25519 = 0x001d;

// signature_algorithms: ECDSA, RSA-PSS (rsae and pss), Ed25519/Ed448, RSA
// PKCS#1 with SHA-256/384/512, then SHA-1 for old servers.
constexpr uint16_t kSignatureAlgorithms[] = {
    0x0403, 0x0503, 0x0603,  // ecdsa_secp{256,384,521}r1 sha{256,384,512}
    0x0804, 0x0805, 0x0806,  // rsa_pss_rsae_sha{256,384,512}
    0x0809, 0x080a, 0x080b,  // rsa_pss_pss_sha{256,384,512}
    0x0807, 0x0808,          // ed25519, ed448
    0x0401, 0x0501, 0x0601,  // rsa_pkcs1_sha{256,384,512}
    0x0303, 0x0301,          // ecdsa/rsa sha224
    0x0203, 0x0201,          // ecdsa_sha1, rsa_pkcs1_sha1
};

// Extension numbers.
constexpr uint16_t kExtServerName = 0;
constexpr uint16_t kExtSupportedGroups = 10;
constexpr uint16_t kExtEcPointFormats = 11;
constexpr uint16_t kExtSignatureAlgorithms = 13;
constexpr uint16_t kExtPadding = 21;
constexpr uint16_t kExtExtendedMasterSecret = 23;
constexpr uint16_t kExtSessionTicket = 35;
constexpr uint16_t kExtSupportedVersions = 43;
constexpr uint16_t kExtPskKeyExchangeModes = 45;
constexpr uint16_t kExtKeyShare = 51;

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void U24(uint32_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 16));
    U16(static_cast<uint16_t>(v));
  }
  void Bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  /// Starts a length prefix of `width` bytes; Close() fills it in.
  size_t Open(int width) {
    size_t at = out_.size();
    out_.insert(out_.end(), static_cast<size_t>(width), 0);
    widths_.push_back(width);
    return at;
  }
  void Close(size_t at) {
    int width = widths_.back();
    widths_.pop_back();
    size_t len = out_.size() - at - static_cast<size_t>(width);
    for (int i = width - 1; i >= 0; --i) {
      out_[at + static_cast<size_t>(i)] = static_cast<uint8_t>(len);
      len >>= 8;
    }
  }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  std::vector<uint8_t> out_;
  std::vector<int> widths_;
};

class Entropy {
 public:
  explicit Entropy(const std::vector<uint8_t>& given) : given_(given) {
    if (given_.empty()) {
      std::random_device rd;
      rng_.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
    }
  }
  void Fill(Writer& w, size_t n) {
    for (size_t i = 0; i < n; ++i) w.U8(Next());
  }

 private:
  uint8_t Next() {
    if (!given_.empty()) return given_[pos_++ % given_.size()];
    return static_cast<uint8_t>(rng_());
  }
  const std::vector<uint8_t>& given_;
  size_t pos_ = 0;
  std::mt19937_64 rng_;
};

std::vector<uint16_t> SuitesFor(Protocol p, const HelloOptions& options) {
  std::vector<uint16_t> s = options.suites ? *options.suites : ProbeSuitesFor(p);
  s.push_back(kScsvRenegotiation);
  return s;
}

std::vector<uint8_t> BuildSsl2Hello(const HelloOptions& options) {
  Entropy entropy(options.entropy);
  Writer body;
  body.U8(1);  // CLIENT-HELLO
  body.U16(Info(Protocol::kSsl2).wire_version);
  body.U16(static_cast<uint16_t>(std::size(kSsl2Specs) * 3));
  body.U16(0);   // session id length
  body.U16(16);  // challenge length
  for (uint32_t spec : kSsl2Specs) {
    body.U8(static_cast<uint8_t>(spec >> 16));
    body.U16(static_cast<uint16_t>(spec));
  }
  entropy.Fill(body, 16);
  // Two-byte record header: high bit set, 15-bit length.
  Writer out;
  out.U16(static_cast<uint16_t>(0x8000 | body.size()));
  out.Bytes(body.bytes());
  return std::move(out.bytes());
}

void Extension(Writer& w, uint16_t type, const std::function<void(Writer&)>& fill) {
  w.U16(type);
  size_t at = w.Open(2);
  fill(w);
  w.Close(at);
}

}  // namespace

std::vector<uint8_t> BuildClientHello(Protocol p, const HelloOptions& options) {
  if (p == Protocol::kSsl2) return BuildSsl2Hello(options);
  Entropy entropy(options.entropy);
  const bool tls13 = p == Protocol::kTls13;
  const uint16_t version = tls13 ? Info(Protocol::kTls12).wire_version : Info(p).wire_version;

  Writer hs;  // the ClientHello body
  hs.U16(version);
  entropy.Fill(hs, 32);  // random
  if (tls13) {
    hs.U8(32);  // a session id, as browsers send for middlebox compatibility
    entropy.Fill(hs, 32);
  } else {
    hs.U8(0);
  }
  std::vector<uint16_t> suites = SuitesFor(p, options);
  hs.U16(static_cast<uint16_t>(suites.size() * 2));
  for (uint16_t s : suites) hs.U16(s);
  hs.U8(1);  // compression methods: null only
  hs.U8(0);

  // SSL 3.0 servers predate extensions; some choke on them.
  if (p != Protocol::kSsl3) {
    size_t ext_at = hs.Open(2);
    if (!options.server_name.empty() && !IsIpLiteral(options.server_name)) {
      Extension(hs, kExtServerName, [&](Writer& w) {
        size_t list = w.Open(2);
        w.U8(0);  // host_name
        size_t name = w.Open(2);
        w.Bytes(std::span(reinterpret_cast<const uint8_t*>(options.server_name.data()),
                          options.server_name.size()));
        w.Close(name);
        w.Close(list);
      });
    }
    Extension(hs, kExtSupportedGroups, [&](Writer& w) {
      size_t list = w.Open(2);
      if (options.groups) {
        for (uint16_t g : *options.groups) w.U16(g);
      } else {
        for (uint16_t g : kGroups) w.U16(g);
      }
      w.Close(list);
    });
    Extension(hs, kExtEcPointFormats, [&](Writer& w) {
      w.U8(3);
      w.U8(0);  // uncompressed
      w.U8(1);  // ansiX962_compressed_prime
      w.U8(2);  // ansiX962_compressed_char2
    });
    // signature_algorithms exists from TLS 1.2 on; older hellos must not send it.
    if (p == Protocol::kTls12 || tls13) {
      Extension(hs, kExtSignatureAlgorithms, [&](Writer& w) {
        size_t list = w.Open(2);
        for (uint16_t a : kSignatureAlgorithms) w.U16(a);
        w.Close(list);
      });
    }
    Extension(hs, kExtSessionTicket, [](Writer&) {});
    Extension(hs, kExtExtendedMasterSecret, [](Writer&) {});
    if (tls13) {
      Extension(hs, kExtSupportedVersions, [&](Writer& w) {
        w.U8(2);
        w.U16(Info(Protocol::kTls13).wire_version);
      });
      Extension(hs, kExtPskKeyExchangeModes, [](Writer& w) {
        w.U8(1);
        w.U8(1);  // psk_dhe_ke
      });
      const bool x25519 = !options.groups ||
                          std::find(options.groups->begin(), options.groups->end(), kGroupX25519) !=
                              options.groups->end();
      Extension(hs, kExtKeyShare, [&](Writer& w) {
        size_t list = w.Open(2);
        if (x25519) {
          w.U16(kGroupX25519);
          w.U16(32);
          // Any 32 bytes are a valid-shaped X25519 public key; we never
          // finish the handshake, so no private key is needed.
          entropy.Fill(w, 32);
        }
        w.Close(list);
      });
    }
    // Keep the ClientHello out of 256-511 bytes, with or without the 5-byte
    // record header: some F5 devices hang on such hellos (RFC 7685). 4 is
    // the handshake header.
    size_t message_len = 4 + hs.size();
    if (message_len + 5 >= 256 && message_len <= 511) {
      size_t pad = 512 - message_len;
      pad = pad >= 4 ? pad - 4 : 0;
      Extension(hs, kExtPadding, [&](Writer& w) {
        for (size_t i = 0; i < pad; ++i) w.U8(0);
      });
    }
    hs.Close(ext_at);
  }

  Writer out;
  out.U8(22);  // handshake record
  out.U16(p == Protocol::kSsl3 ? Info(Protocol::kSsl3).wire_version
                               : Info(Protocol::kTls10).wire_version);
  size_t rec = out.Open(2);
  out.U8(1);  // client_hello
  size_t msg = out.Open(3);
  out.Bytes(hs.bytes());
  out.Close(msg);
  out.Close(rec);
  return std::move(out.bytes());
}

}  // namespace secproto
