// `secproto verify`: real TLS handshakes through the machine's own SCHANNEL
// (SSPI InitializeSecurityContext with the system default protocols, as
// WinHTTP, .NET and RDP clients use it), to set beside what `explain`
// predicts for the machine. Windows only: elsewhere the call is kUsage
// "needs-windows".
#ifndef SECPROTO_VERIFY_H_
#define SECPROTO_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "secproto/error.h"

namespace secproto {

/// One endpoint: "host:port", "[v6]:port" or "host" (port 443).
struct VerifyEndpoint {
  std::string host;
  uint16_t port = 443;
  std::string Text() const;
};
/// Parses an endpoint (kUsage "bad-endpoint" naming it otherwise).
Expected<VerifyEndpoint> ParseVerifyEndpoint(const std::string& text);

/// What one handshake through SCHANNEL gave.
struct HandshakeResult {
  bool connected = false;  ///< the TCP connection was made
  bool handshake = false;  ///< the TLS handshake completed
  uint32_t protocol = 0;   ///< the protocol bit (WinHTTP numbering, SP_PROT_*_CLIENT): 0x800 = TLS 1.2
  std::string cipher;      ///< "AES-256", from SECPKG_ATTR_CONNECTION_INFO's aiCipher
  uint32_t cipher_bits = 0;
  std::string hash;        ///< "SHA-384", "AEAD" ...
  std::string exchange;    ///< "ECDHE", "DHE", "RSA"
  std::string suite;       ///< the IANA suite name when SCHANNEL tells it (SECPKG_ATTR_CIPHER_INFO); "" otherwise
  uint32_t status = 0;     ///< the SECURITY_STATUS or socket error when it failed
  std::string error;       ///< one sentence when it failed
};

/// Whether this build can handshake through SCHANNEL (Windows).
bool HaveSchannelClient();

/// One handshake, client side, with the system default protocols and the
/// server certificate not validated (verify checks what SCHANNEL
/// negotiates, not trust). A failure to connect or to handshake is a result,
/// not an error; kUsage "needs-windows" off Windows.
Expected<HandshakeResult> SchannelHandshake(const VerifyEndpoint& endpoint, int timeout_ms);

}  // namespace secproto

#endif  // SECPROTO_VERIFY_H_
