// relay: a delaying TCP relay for benchmarks, loopback only.
//
// Listens on many addresses and forwards each accepted connection to a
// backend, holding every chunk of data for a fixed one-way delay in each
// direction (so --delay-ms 10 adds 20 ms of round-trip time to every exchange
// of data). The kernel completes the client's TCP handshake at once, so the
// TCP handshake itself is not delayed; everything after it is.
//
// Usage:
//   relay --delay-ms MS --map FILE [--stats FILE]
// FILE has one "LISTEN_IP:PORT BACKEND_IP:PORT" per line. Both addresses must
// be IPv4 loopback (127.0.0.0/8): the relay refuses anything else.
// On SIGUSR1 and on exit (SIGINT, SIGTERM) the relay writes per-listener
// accept counts to the stats file (one "LISTEN_IP:PORT ACCEPTS" per line,
// then "total ACCEPTS"), atomically (temp file + rename).
//
// Design: one thread, epoll. Because the delay is the same for every chunk,
// the release times of chunks are non-decreasing in arrival order, so one
// FIFO serves as the timer queue. Each relayed direction keeps a byte budget
// (kMaxQueued); above it the relay stops reading that side (backpressure).
// Connection ends (EOF, reset) are relayed as delayed events too.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunk = 16384;
constexpr size_t kMaxQueued = 1 << 20;

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_dump = 0;

void OnStop(int) { g_stop = 1; }
void OnDump(int) { g_dump = 1; }

bool ParseAddr(const std::string& text, sockaddr_in* out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  char* end = nullptr;
  long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) return false;
  std::memset(out, 0, sizeof(*out));
  out->sin_family = AF_INET;
  out->sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &out->sin_addr) != 1) return false;
  // Loopback only: 127.0.0.0/8.
  return (ntohl(out->sin_addr.s_addr) >> 24) == 127;
}

struct Listener {
  int fd = -1;
  std::string name;
  sockaddr_in backend{};
  uint64_t accepts = 0;
};

// One relayed direction: bytes read from `from`, written to `to` after the delay.
struct Direction {
  std::string ready;          // released, waiting to be written
  size_t queued = 0;          // bytes read and not yet written (delayed + ready)
  bool eof_released = false;  // the peer's EOF has passed the delay
  bool reset_released = false;
  bool read_closed = false;  // no more reads from `from`
  bool write_shut = false;
};

struct Conn {
  uint64_t id = 0;
  int client = -1;
  int server = -1;
  bool server_connected = false;
  Direction up;    // client -> server
  Direction down;  // server -> client
};

enum class EventKind { kData, kEof, kReset };

struct Delayed {
  Clock::time_point due;
  uint64_t conn;
  bool up;
  EventKind kind;
  std::string data;
};

// epoll user data is a key into tags_: which listener or connection side.
struct Tag {
  enum Kind : uint8_t { kListener, kClient, kServer } kind;
  uint64_t index;  // listener index or connection id
};

class Relay {
 public:
  Relay(std::chrono::milliseconds delay) : delay_(delay) { ep_ = epoll_create1(EPOLL_CLOEXEC); }

  bool AddListener(const std::string& listen_at, const std::string& backend) {
    Listener l;
    sockaddr_in la{};
    if (!ParseAddr(listen_at, &la) || !ParseAddr(backend, &l.backend)) {
      std::fprintf(stderr, "relay: not a loopback IPv4 address pair: %s %s\n", listen_at.c_str(),
                   backend.c_str());
      return false;
    }
    l.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(l.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(l.fd, reinterpret_cast<sockaddr*>(&la), sizeof(la)) != 0 || listen(l.fd, 1024) != 0) {
      std::fprintf(stderr, "relay: cannot listen on %s: %s\n", listen_at.c_str(),
                   std::strerror(errno));
      close(l.fd);
      return false;
    }
    l.name = listen_at;
    listeners_.push_back(l);
    Watch(l.fd, EPOLLIN, Tag{Tag::kListener, listeners_.size() - 1});
    return true;
  }

  void Run(const std::string& stats_path) {
    std::vector<epoll_event> events(512);
    while (!g_stop) {
      if (g_dump) {
        g_dump = 0;
        DumpStats(stats_path);
      }
      int timeout = -1;
      if (!timers_.empty()) {
        auto left =
            std::chrono::ceil<std::chrono::milliseconds>(timers_.front().due - Clock::now());
        timeout = left.count() < 0 ? 0 : static_cast<int>(left.count());
      }
      int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), timeout);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        Tag tag = tags_[events[i].data.u64];
        HandleEvent(tag, events[i].events);
      }
      ReleaseDue();
    }
    DumpStats(stats_path);
  }

 private:
  void Watch(int fd, uint32_t mask, Tag tag) {
    uint64_t key = next_key_++;
    tags_[key] = tag;
    fd_key_[fd] = key;
    epoll_event ev{};
    ev.events = mask;
    ev.data.u64 = key;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }
  void Modify(int fd, uint32_t mask) {
    auto it = fd_key_.find(fd);
    if (it == fd_key_.end()) return;  // no longer watched (hung up)
    epoll_event ev{};
    ev.events = mask;
    ev.data.u64 = it->second;
    epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev);
  }
  void Unwatch(int fd) {
    auto it = fd_key_.find(fd);
    if (it == fd_key_.end()) return;
    epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    tags_.erase(it->second);
    fd_key_.erase(it);
  }

  void HandleEvent(Tag tag, uint32_t ev) {
    if (tag.kind == Tag::kListener) {
      Accept(tag.index);
      return;
    }
    auto it = conns_.find(tag.index);
    if (it == conns_.end()) return;
    Conn& c = *it->second;
    bool is_client = tag.kind == Tag::kClient;
    if (!is_client && !c.server_connected) {
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(c.server, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0 || (ev & (EPOLLERR | EPOLLHUP))) {
        // Backend refused: reset the client after the delay, as a real server would.
        c.up.read_closed = c.down.read_closed = true;
        Schedule(c.id, /*up=*/false, EventKind::kReset, {});
        Unwatch(c.server);
        close(c.server);
        c.server = -1;
        UpdateInterest(c);
        return;
      }
      c.server_connected = true;
    }
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) ReadSide(c, is_client);
    if ((ev & (EPOLLHUP | EPOLLERR)) && (is_client ? c.up : c.down).read_closed) {
      // epoll reports a hang-up on every wait whatever the mask: stop watching
      // this side until the delayed end reaches the other side.
      Unwatch(is_client ? c.client : c.server);
    }
    if (conns_.count(tag.index) && (ev & EPOLLOUT)) {
      Flush(c, /*up=*/!is_client);
    }
    if (conns_.count(tag.index)) {
      UpdateInterest(c);
      MaybeFinish(c);
    }
  }

  void Accept(uint64_t li) {
    Listener& l = listeners_[li];
    for (;;) {
      int fd = accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      ++l.accepts;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      auto c = std::make_unique<Conn>();
      c->id = next_conn_++;
      c->client = fd;
      c->server = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      setsockopt(c->server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      int rc = connect(c->server, reinterpret_cast<sockaddr*>(&l.backend), sizeof(l.backend));
      if (rc != 0 && errno != EINPROGRESS) {
        close(c->server);
        linger lg{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd);
        continue;
      }
      c->server_connected = rc == 0;
      Watch(c->client, EPOLLIN, Tag{Tag::kClient, c->id});
      Watch(c->server, EPOLLIN | EPOLLOUT, Tag{Tag::kServer, c->id});
      conns_[c->id] = std::move(c);
    }
  }

  // Reads what `from` has and schedules it.
  void ReadSide(Conn& c, bool from_client) {
    Direction& d = from_client ? c.up : c.down;
    int fd = from_client ? c.client : c.server;
    if (d.read_closed || fd < 0) return;
    char buf[kChunk];
    while (d.queued < kMaxQueued) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        d.queued += static_cast<size_t>(n);
        Schedule(c.id, from_client, EventKind::kData, std::string(buf, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0) {
        d.read_closed = true;
        Schedule(c.id, from_client, EventKind::kEof, {});
        return;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      // A reset (or another error): pass a reset on after the delay.
      d.read_closed = true;
      Schedule(c.id, from_client, EventKind::kReset, {});
      return;
    }
  }

  void Schedule(uint64_t conn, bool up, EventKind kind, std::string data) {
    timers_.push_back(Delayed{Clock::now() + delay_, conn, up, kind, std::move(data)});
  }

  void ReleaseDue() {
    auto now = Clock::now();
    while (!timers_.empty() && timers_.front().due <= now) {
      Delayed e = std::move(timers_.front());
      timers_.pop_front();
      auto it = conns_.find(e.conn);
      if (it == conns_.end()) continue;
      Conn& c = *it->second;
      Direction& d = e.up ? c.up : c.down;
      switch (e.kind) {
        case EventKind::kData:
          d.ready += e.data;
          break;
        case EventKind::kEof:
          d.eof_released = true;
          break;
        case EventKind::kReset:
          d.reset_released = true;
          break;
      }
      Flush(c, e.up);
      if (conns_.count(e.conn)) {
        UpdateInterest(c);
        MaybeFinish(c);
      }
    }
  }

  // Writes released bytes of one direction; applies released EOF or reset.
  void Flush(Conn& c, bool up) {
    Direction& d = up ? c.up : c.down;
    int to = up ? c.server : c.client;
    if (to < 0) {
      d.queued -= d.ready.size();
      d.ready.clear();
      return;
    }
    if (up && !c.server_connected) return;
    while (!d.ready.empty()) {
      ssize_t n = send(to, d.ready.data(), d.ready.size(), MSG_NOSIGNAL);
      if (n > 0) {
        d.ready.erase(0, static_cast<size_t>(n));
        d.queued -= static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      // The receiver is gone: drop the connection.
      Finish(c, /*reset=*/true);
      return;
    }
    if (d.reset_released) {
      Finish(c, /*reset=*/true);
      return;
    }
    if (d.eof_released && !d.write_shut) {
      shutdown(to, SHUT_WR);
      d.write_shut = true;
    }
  }

  void UpdateInterest(Conn& c) {
    if (c.client >= 0) {
      uint32_t m = 0;
      if (!c.up.read_closed && c.up.queued < kMaxQueued) m |= EPOLLIN;
      if (!c.down.ready.empty()) m |= EPOLLOUT;
      Modify(c.client, m);
    }
    if (c.server >= 0) {
      uint32_t m = 0;
      if (!c.down.read_closed && c.down.queued < kMaxQueued) m |= EPOLLIN;
      if (!c.server_connected || !c.up.ready.empty()) m |= EPOLLOUT;
      Modify(c.server, m);
    }
  }

  void MaybeFinish(Conn& c) {
    bool up_done = c.up.write_shut || c.server < 0;
    bool down_done = c.down.write_shut;
    if (up_done && down_done && c.up.ready.empty() && c.down.ready.empty()) Finish(c, false);
  }

  void Finish(Conn& c, bool reset) {
    uint64_t id = c.id;
    for (int fd : {c.client, c.server}) {
      if (fd < 0) continue;
      if (reset) {
        linger lg{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
      }
      Unwatch(fd);
      close(fd);
    }
    conns_.erase(id);
  }

  void DumpStats(const std::string& path) {
    if (path.empty()) return;
    std::ostringstream out;
    uint64_t total = 0;
    for (const Listener& l : listeners_) {
      out << l.name << ' ' << l.accepts << '\n';
      total += l.accepts;
    }
    out << "total " << total << '\n';
    std::string tmp = path + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << out.str();
    }
    std::rename(tmp.c_str(), path.c_str());
  }

  std::chrono::milliseconds delay_;
  int ep_ = -1;
  std::vector<Listener> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<uint64_t, Tag> tags_;
  std::unordered_map<int, uint64_t> fd_key_;
  std::deque<Delayed> timers_;
  uint64_t next_key_ = 1;
  uint64_t next_conn_ = 1;
};

int Usage() {
  std::fprintf(stderr, "usage: relay --delay-ms MS --map FILE [--stats FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long delay_ms = -1;
  std::string map_path, stats_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    if (a == "--delay-ms") {
      char* end = nullptr;
      delay_ms = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || delay_ms < 0 || delay_ms > 60000) return Usage();
    } else if (a == "--map") {
      map_path = argv[++i];
    } else if (a == "--stats") {
      stats_path = argv[++i];
    } else {
      return Usage();
    }
  }
  if (delay_ms < 0 || map_path.empty()) return Usage();

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = OnDump;
  sigaction(SIGUSR1, &sa, nullptr);

  Relay relay{std::chrono::milliseconds(delay_ms)};
  std::ifstream map(map_path);
  if (!map) {
    std::fprintf(stderr, "relay: cannot read %s\n", map_path.c_str());
    return 2;
  }
  std::string listen, backend;
  int count = 0;
  while (map >> listen >> backend) {
    if (!relay.AddListener(listen, backend)) return 2;
    ++count;
  }
  if (count == 0) {
    std::fprintf(stderr, "relay: %s has no mappings\n", map_path.c_str());
    return 2;
  }
  std::fprintf(stderr, "relay: %d listeners, %ld ms each way\n", count, delay_ms);
  relay.Run(stats_path);
  return 0;
}
