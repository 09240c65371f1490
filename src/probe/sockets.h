// The prober's socket layer: what differs between the OS transports
// (engine-posix.cc: epoll; engine-win32.cc: WSAPoll), as small hooks under
// one core (socket_transport.cc) that holds the connection table, name
// resolution, the wait computation, the deadline sweep and how an exchange
// ends. Private to src/probe.
#ifndef SECPROTO_PROBE_SOCKETS_H_
#define SECPROTO_PROBE_SOCKETS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "secproto/probe.h"

namespace secproto::sockets {

/// A socket of this OS: a file descriptor, or a winsock SOCKET (an unsigned
/// pointer-sized value whose INVALID_SOCKET is all ones, i.e. -1 here).
using NativeSocket = std::intptr_t;
inline constexpr NativeSocket kNoSocket = -1;

// ---- Per-OS hooks (engine-posix.cc, engine-win32.cc) ------------------------

/// The error of the last failed socket call: errno, WSAGetLastError().
int LastError();
/// One line of text for a socket error code.
std::string ErrorText(int err);
/// One line of text for a getaddrinfo() failure code.
std::string LookupErrorText(int rc);
/// Whether a failed connect, send or recv only means "not yet".
bool WouldBlock(int err);
/// How a send or recv failure ends an exchange: kReset when the peer reset or
/// aborted the connection; kConnectFailed for any other socket error (a route
/// or a timer of the network failing says nothing about the server's TLS).
TransportEnd EndForError(int err);
/// A new non-blocking TCP socket of address `family` with TCP_NODELAY, or
/// kNoSocket (LastError() says why).
NativeSocket OpenNonBlocking(int family);
/// Sends or receives what it can without blocking: bytes moved, or -1
/// (LastError() says why); recv returns 0 at the peer's EOF.
long SendSome(NativeSocket s, const uint8_t* data, size_t size);
long RecvSome(NativeSocket s, uint8_t* data, size_t size);
/// Closes a socket. `abort`: reset the connection (SO_LINGER 0) instead of a
/// graceful close: no TIME_WAIT pile-up when probing thousands of endpoints,
/// and the server stops at once.
void Close(NativeSocket s, bool abort);

/// What a wait found on one socket.
struct Readiness {
  bool readable = false;  ///< data, EOF or a half-close to read
  bool writable = false;
  bool failed = false;  ///< an error or a hang-up
};

/// One socket to wait on.
struct Watch {
  uint64_t id;
  NativeSocket socket;
  bool want_write;  ///< still connecting or sending
};

/// The OS's readiness wait (epoll, WSAPoll). Owns what the OS needs for it
/// (the epoll descriptor; winsock's WSAStartup).
class Poller {
 public:
  virtual ~Poller() = default;
  /// Registers a new socket, connecting, under `id`.
  virtual Status Add(uint64_t id, NativeSocket s) = 0;
  /// The socket has sent everything: wait for reads only.
  virtual void StopWriting(uint64_t id, NativeSocket s) = 0;
  /// Waits up to `wait_ms` and calls `ready` for each socket with events.
  /// `watches` lists every registered socket.
  virtual void Wait(const std::vector<Watch>& watches, int wait_ms,
                    const std::function<void(uint64_t id, Readiness)>& ready) = 0;
};

/// This OS's poller, or an Io error.
Expected<std::unique_ptr<Poller>> NewPoller();

// ---- Shared -----------------------------------------------------------------

/// Owns a socket: closes it (gracefully) when destroyed. Move-only.
class ScopedSocket {
 public:
  ScopedSocket() = default;
  explicit ScopedSocket(NativeSocket s) : s_(s) {}
  ScopedSocket(ScopedSocket&& o) noexcept : s_(std::exchange(o.s_, kNoSocket)) {}
  ScopedSocket& operator=(ScopedSocket&& o) noexcept {
    if (this != &o) {
      Reset(false);
      s_ = std::exchange(o.s_, kNoSocket);
    }
    return *this;
  }
  ScopedSocket(const ScopedSocket&) = delete;
  ScopedSocket& operator=(const ScopedSocket&) = delete;
  ~ScopedSocket() { Reset(false); }

  NativeSocket get() const { return s_; }
  explicit operator bool() const { return s_ != kNoSocket; }
  /// Closes now; `abort` as in Close().
  void Reset(bool abort) {
    if (s_ != kNoSocket) Close(std::exchange(s_, kNoSocket), abort);
  }

 private:
  NativeSocket s_ = kNoSocket;
};

/// The transport over a poller: every ProbeTransport method, for any OS.
std::unique_ptr<ProbeTransport> NewTransportOver(std::unique_ptr<Poller> poller);

}  // namespace secproto::sockets

#endif  // SECPROTO_PROBE_SOCKETS_H_
