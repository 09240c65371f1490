// The Linux transport: non-blocking sockets driven by one epoll instance.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "secproto/probe.h"

namespace secproto {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes read per readiness event; the parser stops far earlier for any sane
// answer, and kMaxAnswerBytes caps a hostile one.
constexpr size_t kReadChunk = 16 * 1024;

std::string ErrnoText(int err) { return std::strerror(err); }

struct Conn {
  int fd = -1;
  ExchangeSink* sink = nullptr;
  std::vector<uint8_t> out;
  size_t sent = 0;
  bool connected = false;
  Clock::time_point connect_deadline;
  Clock::time_point read_deadline;
  int read_timeout_ms = 0;
};

class EpollTransport : public ProbeTransport {
 public:
  explicit EpollTransport(int epfd) : epfd_(epfd) {}
  ~EpollTransport() override {
    for (auto& [id, c] : conns_) ::close(c->fd);
    ::close(epfd_);
  }

  Expected<std::vector<std::string>> Resolve(const std::string& host) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      return Fail(Error::Io("cannot resolve " + host + ": " + ::gai_strerror(rc), "resolve"));
    }
    std::vector<std::string> out;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      char buf[NI_MAXHOST];
      if (::getnameinfo(a->ai_addr, a->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) ==
          0) {
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
    int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ::freeaddrinfo(res);
      failed_.push_back({sink, "socket: " + ErrnoText(errno)});
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
    int err = errno;
    ::freeaddrinfo(res);
    if (rc != 0 && err != EINPROGRESS) {
      ::close(fd);
      failed_.push_back({sink, "connect: " + ErrnoText(err)});
      return;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->sink = sink;
    c->out = req.payload;
    c->connect_deadline = Clock::now() + std::chrono::milliseconds(req.connect_timeout_ms);
    c->read_timeout_ms = req.read_timeout_ms;
    uint64_t id = next_id_++;
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = id;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      err = errno;
      ::close(fd);
      failed_.push_back({sink, "epoll_ctl: " + ErrnoText(err)});
      return;
    }
    conns_.emplace(id, std::move(c));
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
    for (auto& [id, c] : conns_) {
      auto deadline = c->connected ? c->read_deadline : c->connect_deadline;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      wait = static_cast<int>(std::clamp<long long>(ms, 0, wait));
    }
    epoll_event events[256];
    int n = ::epoll_wait(epfd_, events, 256, wait);
    for (int i = 0; i < n; ++i) {
      auto it = conns_.find(events[i].data.u64);
      if (it == conns_.end()) continue;
      HandleEvent(it->first, *it->second, events[i].events);
    }
    // Deadlines.
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

  void HandleEvent(uint64_t id, Conn& c, uint32_t events) {
    if (!c.connected) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return End(id, TransportEnd::kConnectFailed, "connect: " + ErrnoText(err));
      if (!(events & (EPOLLOUT | EPOLLIN | EPOLLHUP | EPOLLERR))) return;
      c.connected = true;
      c.read_deadline = Clock::now() + std::chrono::milliseconds(c.read_timeout_ms);
    }
    if (c.sent < c.out.size()) {
      ssize_t w = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return End(id, TransportEnd::kReset, "send: " + ErrnoText(errno));
      }
      if (w > 0) c.sent += static_cast<size_t>(w);
      if (c.sent == c.out.size()) {
        c.out = {};
        c.sent = 0;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = id;
        ::epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
      }
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) Read(id, c);
  }

  void Read(uint64_t id, Conn& c) {
    uint8_t buf[kReadChunk];
    for (int round = 0; round < 8; ++round) {
      ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
      if (r > 0) {
        if (c.sink->OnData(std::span<const uint8_t>(buf, static_cast<size_t>(r)))) {
          return End(id, TransportEnd::kDone, "");
        }
        continue;
      }
      if (r == 0) return End(id, TransportEnd::kClosed, "");
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      int err = errno;
      return End(id, err == ECONNRESET ? TransportEnd::kReset : TransportEnd::kReset,
                 "recv: " + ErrnoText(err));
    }
  }

  void End(uint64_t id, TransportEnd end, const std::string& message) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    std::unique_ptr<Conn> c = std::move(it->second);
    conns_.erase(it);
    // Abort rather than close politely: no TIME_WAIT pile-up on our side when
    // probing thousands of endpoints, and the server stops at once.
    linger l{1, 0};
    ::setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(c->fd);
    c->sink->OnEnd(end, message);
  }

  int epfd_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::vector<Failed> failed_;
};

}  // namespace

Expected<std::unique_ptr<ProbeTransport>> NewSocketTransport() {
  int epfd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return Fail(Error::Io("epoll_create1: " + ErrnoText(errno), "io"));
  return std::unique_ptr<ProbeTransport>(new EpollTransport(epfd));
}

}  // namespace secproto
