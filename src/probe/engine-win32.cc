// The Windows socket layer of the prober (sockets.h): non-blocking winsock
// sockets driven by WSAPoll from one thread. WSAPoll on older Windows builds
// does not report a refused connect; the connect timeout then ends such an
// exchange instead.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

#include "probe/sockets.h"

namespace secproto::sockets {

int LastError() { return ::WSAGetLastError(); }

std::string ErrorText(int err) {
  char buf[256] = {0};
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                           static_cast<DWORD>(err), 0, buf, sizeof buf, nullptr);
  std::string s(buf, n);
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '.')) {
    s.pop_back();
  }
  if (s.empty()) s = "winsock error " + std::to_string(err);
  return s;
}

// getaddrinfo's codes are WSA error codes on Windows.
std::string LookupErrorText(int rc) { return ErrorText(rc); }

bool WouldBlock(int err) {
  return err == WSAEWOULDBLOCK || err == WSAEINPROGRESS || err == WSAEINTR;
}

TransportEnd EndForError(int err) {
  return err == WSAECONNRESET || err == WSAECONNABORTED ? TransportEnd::kReset
                                                        : TransportEnd::kConnectFailed;
}

NativeSocket OpenNonBlocking(int family) {
  SOCKET fd = ::socket(family, SOCK_STREAM, IPPROTO_TCP);
  if (fd == INVALID_SOCKET) return kNoSocket;
  u_long nonblocking = 1;
  ::ioctlsocket(fd, FIONBIO, &nonblocking);
  BOOL one = TRUE;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
  return static_cast<NativeSocket>(fd);
}

long SendSome(NativeSocket s, const uint8_t* data, size_t size) {
  int n = ::send(static_cast<SOCKET>(s), reinterpret_cast<const char*>(data),
                 static_cast<int>(size), 0);
  return n == SOCKET_ERROR ? -1 : n;
}

long RecvSome(NativeSocket s, uint8_t* data, size_t size) {
  int n = ::recv(static_cast<SOCKET>(s), reinterpret_cast<char*>(data), static_cast<int>(size), 0);
  return n == SOCKET_ERROR ? -1 : n;
}

void Close(NativeSocket s, bool abort) {
  if (abort) {
    linger l{};
    l.l_onoff = 1;
    l.l_linger = 0;
    ::setsockopt(static_cast<SOCKET>(s), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l),
                 sizeof l);
  }
  ::closesocket(static_cast<SOCKET>(s));
}

namespace {

class WsaPoller : public Poller {
 public:
  ~WsaPoller() override { ::WSACleanup(); }

  // WSAPoll takes the whole list at each wait; nothing to register.
  Status Add(uint64_t, NativeSocket) override { return {}; }
  void StopWriting(uint64_t, NativeSocket) override {}

  void Wait(const std::vector<Watch>& watches, int wait_ms,
            const std::function<void(uint64_t, Readiness)>& ready) override {
    if (watches.empty()) {
      if (wait_ms > 0) ::Sleep(static_cast<DWORD>(wait_ms));
      return;
    }
    fds_.clear();
    for (const Watch& w : watches) {
      WSAPOLLFD p{};
      p.fd = static_cast<SOCKET>(w.socket);
      p.events = static_cast<SHORT>(POLLRDNORM | (w.want_write ? POLLWRNORM : 0));
      fds_.push_back(p);
    }
    if (::WSAPoll(fds_.data(), static_cast<ULONG>(fds_.size()), wait_ms) <= 0) return;
    for (size_t i = 0; i < fds_.size(); ++i) {
      SHORT e = fds_[i].revents;
      if (e == 0) continue;
      ready(watches[i].id, Readiness{.readable = (e & POLLRDNORM) != 0,
                                     .writable = (e & POLLWRNORM) != 0,
                                     .failed = (e & (POLLERR | POLLHUP)) != 0});
    }
  }

 private:
  std::vector<WSAPOLLFD> fds_;
};

}  // namespace

Expected<std::unique_ptr<Poller>> NewPoller() {
  WSADATA data;
  int rc = ::WSAStartup(MAKEWORD(2, 2), &data);
  if (rc != 0) return Fail(Error::Io("WSAStartup: " + ErrorText(rc), "io"));
  return std::unique_ptr<Poller>(new WsaPoller());
}

}  // namespace secproto::sockets
