// `secproto verify` on Windows: one TLS client handshake through SCHANNEL
// (SSPI), the way WinHTTP, .NET and RDP clients make it: credentials with
// grbitEnabledProtocols = 0 (the system defaults of SCHANNEL's client side,
// "Protocols in TLS/SSL (Schannel SSP)"), InitializeSecurityContext until
// SEC_E_OK, then SECPKG_ATTR_CONNECTION_INFO for what was negotiated.
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
// winsock2 first.
#include <windows.h>
#include <wincrypt.h>
#include <schannel.h>
#include <security.h>
#include <sspi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "secproto/verify.h"

namespace secproto {
namespace {

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string AlgName(ALG_ID id, uint32_t bits) {
  switch (id) {
    case CALG_AES_128: return "AES-128";
    case CALG_AES_256: return "AES-256";
    case CALG_AES: return "AES-" + std::to_string(bits);
    case CALG_3DES: return "3DES";
    case CALG_DES: return "DES";
    case CALG_RC4: return "RC4-" + std::to_string(bits);
    case CALG_RC2: return "RC2-" + std::to_string(bits);
    case CALG_MD5: return "MD5";
    case CALG_SHA1: return "SHA-1";
    case CALG_SHA_256: return "SHA-256";
    case CALG_SHA_384: return "SHA-384";
    case CALG_SHA_512: return "SHA-512";
    case CALG_RSA_KEYX: return "RSA";
    case CALG_DH_EPHEM: return "DHE";
    case CALG_ECDH_EPHEM: return "ECDHE";
    case CALG_ECDH: return "ECDH";
    case 0: return "";
    default: return Hex(id);
  }
}

// A socket closed on every way out.
class Socket {
 public:
  ~Socket() {
    if (s_ != INVALID_SOCKET) closesocket(s_);
  }
  SOCKET s_ = INVALID_SOCKET;
};

bool SendAll(SOCKET s, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    int sent = send(s, p, static_cast<int>(n), 0);
    if (sent <= 0) return false;
    p += sent;
    n -= static_cast<size_t>(sent);
  }
  return true;
}

std::wstring Widen(const std::string& s) {
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

}  // namespace

bool HaveSchannelClient() { return true; }

Expected<HandshakeResult> SchannelHandshake(const VerifyEndpoint& endpoint, int timeout_ms) {
  HandshakeResult r;
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
    return Fail(Error::Io("WSAStartup failed", "winsock"));
  }
  // Balances the WSAStartup on every way out (after the socket closes).
  struct WinsockUser {
    ~WinsockUser() { WSACleanup(); }
  } winsock;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  std::string port = std::to_string(endpoint.port);
  if (int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    r.status = static_cast<uint32_t>(rc);
    r.error = "cannot resolve " + endpoint.host + " (" + Hex(r.status) + ")";
    return r;
  }
  Socket sock;
  DWORD tmo = static_cast<DWORD>(timeout_ms);
  for (addrinfo* a = res; a != nullptr && !r.connected; a = a->ai_next) {
    SOCKET s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (s == INVALID_SOCKET) continue;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&tmo), sizeof tmo);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, reinterpret_cast<const char*>(&tmo), sizeof tmo);
    if (connect(s, a->ai_addr, static_cast<int>(a->ai_addrlen)) == 0) {
      sock.s_ = s;
      r.connected = true;
    } else {
      r.status = static_cast<uint32_t>(WSAGetLastError());
      closesocket(s);
    }
  }
  freeaddrinfo(res);
  if (!r.connected) {
    r.error = "TCP connect to " + endpoint.Text() + " failed (WSA error " +
              std::to_string(r.status) + ")";
    return r;
  }

  SCHANNEL_CRED cred{};
  cred.dwVersion = SCHANNEL_CRED_VERSION;
  cred.grbitEnabledProtocols = 0;  // the system defaults
  cred.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
  CredHandle hcred;
  TimeStamp expiry;
  SECURITY_STATUS st = AcquireCredentialsHandleW(nullptr, const_cast<wchar_t*>(UNISP_NAME_W),
                                                 SECPKG_CRED_OUTBOUND, nullptr, &cred, nullptr,
                                                 nullptr, &hcred, &expiry);
  if (st != SEC_E_OK) {
    r.status = static_cast<uint32_t>(st);
    r.error = "AcquireCredentialsHandle failed (" + Hex(r.status) + ")";
    return r;
  }
  const DWORD want = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                     ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM | ISC_REQ_MANUAL_CRED_VALIDATION;
  std::wstring target = Widen(endpoint.host);
  CtxtHandle ctx;
  bool have_ctx = false;
  DWORD got = 0;
  std::vector<char> in;
  bool need_more = false;
  for (int step = 0; step < 64; ++step) {
    if (have_ctx && (in.empty() || need_more)) {
      char buf[16384];
      int n = recv(sock.s_, buf, sizeof buf, 0);
      if (n <= 0) {
        r.status = n == 0 ? 0 : static_cast<uint32_t>(WSAGetLastError());
        r.error = n == 0 ? "the server closed the connection during the handshake"
                         : "receive failed during the handshake (WSA error " +
                               std::to_string(r.status) + ")";
        break;
      }
      in.insert(in.end(), buf, buf + n);
    }
    SecBuffer in_bufs[2] = {{static_cast<unsigned long>(in.size()), SECBUFFER_TOKEN, in.data()},
                            {0, SECBUFFER_EMPTY, nullptr}};
    SecBufferDesc in_desc{SECBUFFER_VERSION, 2, in_bufs};
    SecBuffer out_buf{0, SECBUFFER_TOKEN, nullptr};
    SecBufferDesc out_desc{SECBUFFER_VERSION, 1, &out_buf};
    st = InitializeSecurityContextW(&hcred, have_ctx ? &ctx : nullptr, target.data(), want, 0, 0,
                                    have_ctx ? &in_desc : nullptr, 0, have_ctx ? nullptr : &ctx,
                                    &out_desc, &got, &expiry);
    have_ctx = true;
    need_more = st == SEC_E_INCOMPLETE_MESSAGE;
    if (need_more) continue;
    if (out_buf.cbBuffer > 0 && out_buf.pvBuffer != nullptr) {
      bool sent = SendAll(sock.s_, out_buf.pvBuffer, out_buf.cbBuffer);
      FreeContextBuffer(out_buf.pvBuffer);
      if (!sent) {
        r.error = "send failed during the handshake";
        break;
      }
    }
    if (st == SEC_E_OK) {
      r.handshake = true;
      break;
    }
    if (st != SEC_I_CONTINUE_NEEDED && st != SEC_I_INCOMPLETE_CREDENTIALS) {
      r.status = static_cast<uint32_t>(st);
      r.error = "SCHANNEL refused the handshake (" + Hex(r.status) +
                (st == SEC_E_ALGORITHM_MISMATCH
                     ? ", SEC_E_ALGORITHM_MISMATCH: no protocol or suite in common)"
                     : st == SEC_E_INTERNAL_ERROR ? ", SEC_E_INTERNAL_ERROR)"
                                                  : ")");
      break;
    }
    if (in_bufs[1].BufferType == SECBUFFER_EXTRA && in_bufs[1].cbBuffer > 0) {
      in.erase(in.begin(), in.end() - in_bufs[1].cbBuffer);
    } else {
      in.clear();
    }
  }
  if (r.handshake) {
    SecPkgContext_ConnectionInfo info{};
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_CONNECTION_INFO, &info) == SEC_E_OK) {
      // SP_PROT_*_CLIENT bits are WinHTTP's numbering (0x800 = TLS 1.2).
      r.protocol = info.dwProtocol;
      r.cipher_bits = info.dwCipherStrength;
      r.cipher = AlgName(info.aiCipher, info.dwCipherStrength);
      r.hash = info.aiHash == 0 ? "AEAD" : AlgName(info.aiHash, 0);
      r.exchange = AlgName(info.aiExch, 0);
    }
  }
  if (have_ctx) DeleteSecurityContext(&ctx);
  FreeCredentialsHandle(&hcred);
  if (!r.handshake && r.error.empty()) r.error = "the handshake did not complete";
  return r;
}

}  // namespace secproto
