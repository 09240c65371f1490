// The Windows transport: non-blocking winsock sockets driven by WSAPoll from
// one thread. WSAPoll on older Windows builds does not report a refused
// connect; the connect timeout then ends such an exchange instead.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "secproto/probe.h"

namespace secproto {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 16 * 1024;

std::string WsaText(int err) {
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

struct Conn {
  SOCKET fd = INVALID_SOCKET;
  ExchangeSink* sink = nullptr;
  std::vector<uint8_t> out;
  size_t sent = 0;
  bool connected = false;
  Clock::time_point connect_deadline;
  Clock::time_point read_deadline;
  int read_timeout_ms = 0;
};

class PollTransport : public ProbeTransport {
 public:
  PollTransport() = default;
  ~PollTransport() override {
    for (auto& [id, c] : conns_) ::closesocket(c->fd);
    ::WSACleanup();
  }

  Expected<std::vector<std::string>> Resolve(const std::string& host) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      return Fail(Error::Io("cannot resolve " + host + ": " + WsaText(rc), "resolve"));
    }
    std::vector<std::string> out;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      char buf[NI_MAXHOST];
      if (::getnameinfo(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen), buf, sizeof buf, nullptr,
                        0, NI_NUMERICHOST) == 0) {
        std::string s = buf;
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
    }
    ::freeaddrinfo(res);
    return out;
  }

  void Start(const ExchangeRequest& req, ExchangeSink* sink) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string port = std::to_string(req.port);
    int rc = ::getaddrinfo(req.ip.c_str(), port.c_str(), &hints, &res);
    if (rc != 0 || res == nullptr) {
      failed_.push_back({sink, "bad address " + req.ip});
      return;
    }
    SOCKET fd = ::socket(res->ai_family, SOCK_STREAM, IPPROTO_TCP);
    if (fd == INVALID_SOCKET) {
      int err = ::WSAGetLastError();
      ::freeaddrinfo(res);
      failed_.push_back({sink, "socket: " + WsaText(err)});
      return;
    }
    u_long nonblocking = 1;
    ::ioctlsocket(fd, FIONBIO, &nonblocking);
    BOOL one = TRUE;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
    rc = ::connect(fd, res->ai_addr, static_cast<int>(res->ai_addrlen));
    int err = ::WSAGetLastError();
    ::freeaddrinfo(res);
    if (rc != 0 && err != WSAEWOULDBLOCK && err != WSAEINPROGRESS) {
      ::closesocket(fd);
      failed_.push_back({sink, "connect: " + WsaText(err)});
      return;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->sink = sink;
    c->out = req.payload;
    c->connect_deadline = Clock::now() + std::chrono::milliseconds(req.connect_timeout_ms);
    c->read_timeout_ms = req.read_timeout_ms;
    conns_.emplace(next_id_++, std::move(c));
  }

  void Poll(int max_wait_ms) override {
    if (!failed_.empty()) {
      std::vector<Failed> f;
      f.swap(failed_);
      for (Failed& x : f) x.sink->OnEnd(TransportEnd::kConnectFailed, x.message);
      max_wait_ms = 0;
    }
    auto now = Clock::now();
    int wait = std::max(0, max_wait_ms);
    std::vector<WSAPOLLFD> fds;
    std::vector<uint64_t> ids;
    fds.reserve(conns_.size());
    ids.reserve(conns_.size());
    for (auto& [id, c] : conns_) {
      auto deadline = c->connected ? c->read_deadline : c->connect_deadline;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      wait = static_cast<int>(std::clamp<long long>(ms, 0, wait));
      WSAPOLLFD p{};
      p.fd = c->fd;
      p.events = static_cast<SHORT>(POLLRDNORM |
                                    ((!c->connected || c->sent < c->out.size()) ? POLLWRNORM : 0));
      fds.push_back(p);
      ids.push_back(id);
    }
    if (fds.empty()) {
      if (wait > 0) ::Sleep(static_cast<DWORD>(wait));
    } else {
      int n = ::WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), wait);
      if (n > 0) {
        for (size_t i = 0; i < fds.size(); ++i) {
          if (fds[i].revents == 0) continue;
          auto it = conns_.find(ids[i]);
          if (it == conns_.end()) continue;
          HandleEvent(ids[i], *it->second, fds[i].revents);
        }
      }
    }
    now = Clock::now();
    std::vector<std::pair<uint64_t, TransportEnd>> expired;
    for (auto& [id, c] : conns_) {
      if (!c->connected && now >= c->connect_deadline) {
        expired.push_back({id, TransportEnd::kConnectTimeout});
      } else if (c->connected && now >= c->read_deadline) {
        expired.push_back({id, TransportEnd::kReadTimeout});
      }
    }
    for (auto& [id, end] : expired) End(id, end, "");
  }

  size_t Active() const override { return conns_.size() + failed_.size(); }

 private:
  struct Failed {
    ExchangeSink* sink;
    std::string message;
  };

  void HandleEvent(uint64_t id, Conn& c, SHORT revents) {
    if (!c.connected) {
      int err = 0;
      int len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
      if (err != 0) return End(id, TransportEnd::kConnectFailed, "connect: " + WsaText(err));
      if (revents & (POLLERR | POLLHUP)) {
        return End(id, TransportEnd::kConnectFailed, "connect failed");
      }
      if (!(revents & (POLLWRNORM | POLLRDNORM))) return;
      c.connected = true;
      c.read_deadline = Clock::now() + std::chrono::milliseconds(c.read_timeout_ms);
    }
    if (c.sent < c.out.size()) {
      int w = ::send(c.fd, reinterpret_cast<const char*>(c.out.data() + c.sent),
                     static_cast<int>(c.out.size() - c.sent), 0);
      if (w == SOCKET_ERROR) {
        int err = ::WSAGetLastError();
        if (err != WSAEWOULDBLOCK) return End(id, TransportEnd::kReset, "send: " + WsaText(err));
      } else {
        c.sent += static_cast<size_t>(w);
      }
    }
    if (revents & (POLLRDNORM | POLLHUP | POLLERR)) Read(id, c);
  }

  void Read(uint64_t id, Conn& c) {
    std::vector<char> buf(kReadChunk);
    for (int round = 0; round < 8; ++round) {
      int r = ::recv(c.fd, buf.data(), static_cast<int>(buf.size()), 0);
      if (r > 0) {
        std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buf.data()),
                                       static_cast<size_t>(r));
        if (c.sink->OnData(bytes)) return End(id, TransportEnd::kDone, "");
        continue;
      }
      if (r == 0) return End(id, TransportEnd::kClosed, "");
      int err = ::WSAGetLastError();
      if (err == WSAEWOULDBLOCK || err == WSAEINTR) return;
      return End(id, TransportEnd::kReset, "recv: " + WsaText(err));
    }
  }

  void End(uint64_t id, TransportEnd end, const std::string& message) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    std::unique_ptr<Conn> c = std::move(it->second);
    conns_.erase(it);
    // Abort instead of a graceful close: no TIME_WAIT pile-up.
    linger l{};
    l.l_onoff = 1;
    l.l_linger = 0;
    ::setsockopt(c->fd, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l), sizeof l);
    ::closesocket(c->fd);
    c->sink->OnEnd(end, message);
  }

  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::vector<Failed> failed_;
};

}  // namespace

Expected<std::unique_ptr<ProbeTransport>> NewSocketTransport() {
  WSADATA data;
  int rc = ::WSAStartup(MAKEWORD(2, 2), &data);
  if (rc != 0) return Fail(Error::Io("WSAStartup: " + WsaText(rc), "io"));
  return std::unique_ptr<ProbeTransport>(new PollTransport());
}

}  // namespace secproto
