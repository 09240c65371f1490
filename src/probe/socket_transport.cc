// The prober's transport core, the same on every OS (sockets.h): the
// connection table, name resolution, the queue of exchanges that failed to
// start, the wait computation, the deadline sweep and how an exchange ends.
// The OS parts are the hooks in engine-posix.cc and engine-win32.cc.
//
// getaddrinfo, getnameinfo, connect and getsockopt are the same BSD socket
// calls on both systems; only their header differs.
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <sys/socket.h>
#endif

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "probe/sockets.h"

namespace secproto::sockets {
namespace {

#ifdef _WIN32
using OsSocket = SOCKET;
#else
using OsSocket = int;
#endif

using Clock = std::chrono::steady_clock;

// Bytes read per readiness event; the parser stops far earlier for any sane
// answer, and kMaxAnswerBytes caps a hostile one.
constexpr size_t kReadChunk = 16 * 1024;
// Reads per readiness event before other sockets get their turn.
constexpr int kReadRounds = 8;

// Owns a getaddrinfo() result.
struct AddrInfoFree {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoFree>;

struct Conn {
  ScopedSocket socket;
  ExchangeSink* sink = nullptr;
  std::vector<uint8_t> out;
  size_t sent = 0;
  bool connected = false;
  Clock::time_point connect_deadline;
  Clock::time_point read_deadline;
  int read_timeout_ms = 0;
};

class SocketTransport : public ProbeTransport {
 public:
  explicit SocketTransport(std::unique_ptr<Poller> poller) : poller_(std::move(poller)) {}

  Expected<std::vector<std::string>> Resolve(const std::string& host) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      return Fail(Error::Io("cannot resolve " + host + ": " + LookupErrorText(rc), "resolve"));
    }
    AddrInfoList list(res);
    std::vector<std::string> out;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      char buf[NI_MAXHOST];
      if (::getnameinfo(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen), buf, sizeof buf, nullptr,
                        0, NI_NUMERICHOST) == 0) {
        std::string s = buf;
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
    }
    return out;
  }

  void Start(const ExchangeRequest& req, ExchangeSink* sink) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string port = std::to_string(req.port);
    if (::getaddrinfo(req.ip.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
      failed_.push_back({sink, "bad address " + req.ip});
      return;
    }
    AddrInfoList list(res);
    auto c = std::make_unique<Conn>();
    c->socket = ScopedSocket(OpenNonBlocking(res->ai_family));
    if (!c->socket) {
      failed_.push_back({sink, "socket: " + ErrorText(LastError())});
      return;
    }
    int rc = ::connect(static_cast<OsSocket>(c->socket.get()), res->ai_addr,
                       static_cast<socklen_t>(res->ai_addrlen));
    if (rc != 0) {
      int err = LastError();
      if (!WouldBlock(err)) {
        failed_.push_back({sink, "connect: " + ErrorText(err)});
        return;
      }
    }
    uint64_t id = next_id_++;
    if (Status added = poller_->Add(id, c->socket.get()); !added) {
      failed_.push_back({sink, added.error().message});
      return;
    }
    c->sink = sink;
    c->out = req.payload;
    c->connect_deadline = Clock::now() + std::chrono::milliseconds(req.connect_timeout_ms);
    c->read_timeout_ms = req.read_timeout_ms;
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
    watches_.clear();
    for (auto& [id, c] : conns_) {
      auto deadline = c->connected ? c->read_deadline : c->connect_deadline;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      wait = static_cast<int>(std::clamp<long long>(ms, 0, wait));
      watches_.push_back({id, c->socket.get(), !c->connected || c->sent < c->out.size()});
    }
    poller_->Wait(watches_, wait, [this](uint64_t id, Readiness r) {
      auto it = conns_.find(id);
      if (it != conns_.end()) HandleEvent(id, *it->second, r);
    });
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

  void HandleEvent(uint64_t id, Conn& c, Readiness r) {
    if (!c.connected) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(static_cast<OsSocket>(c.socket.get()), SOL_SOCKET, SO_ERROR,
                   reinterpret_cast<char*>(&err), &len);
      if (err != 0) return End(id, TransportEnd::kConnectFailed, "connect: " + ErrorText(err));
      // WSAPoll on older Windows reports a refused connect as a bare hang-up.
      if (r.failed) return End(id, TransportEnd::kConnectFailed, "connect failed");
      if (!r.readable && !r.writable) return;
      c.connected = true;
      c.read_deadline = Clock::now() + std::chrono::milliseconds(c.read_timeout_ms);
    }
    if (c.sent < c.out.size()) {
      long w = SendSome(c.socket.get(), c.out.data() + c.sent, c.out.size() - c.sent);
      if (w < 0) {
        int err = LastError();
        if (!WouldBlock(err)) return End(id, EndForError(err), "send: " + ErrorText(err));
      } else {
        c.sent += static_cast<size_t>(w);
      }
      if (c.sent == c.out.size()) {
        c.out = {};
        c.sent = 0;
        poller_->StopWriting(id, c.socket.get());
      }
    }
    if (r.readable || r.failed) Read(id, c);
  }

  void Read(uint64_t id, Conn& c) {
    for (int round = 0; round < kReadRounds; ++round) {
      long n = RecvSome(c.socket.get(), buf_.data(), buf_.size());
      if (n > 0) {
        if (c.sink->OnData(std::span<const uint8_t>(buf_.data(), static_cast<size_t>(n)))) {
          return End(id, TransportEnd::kDone, "");
        }
        continue;
      }
      if (n == 0) return End(id, TransportEnd::kClosed, "");
      int err = LastError();
      if (WouldBlock(err)) return;
      return End(id, EndForError(err), "recv: " + ErrorText(err));
    }
  }

  void End(uint64_t id, TransportEnd end, const std::string& message) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    std::unique_ptr<Conn> c = std::move(it->second);
    conns_.erase(it);
    c->socket.Reset(/*abort=*/true);
    c->sink->OnEnd(end, message);
  }

  // Declared first: destroyed after the sockets it waits on.
  std::unique_ptr<Poller> poller_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::vector<Failed> failed_;
  std::vector<Watch> watches_;
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(kReadChunk);
};

}  // namespace

std::unique_ptr<ProbeTransport> NewTransportOver(std::unique_ptr<Poller> poller) {
  return std::make_unique<SocketTransport>(std::move(poller));
}

}  // namespace secproto::sockets

namespace secproto {

Expected<std::unique_ptr<ProbeTransport>> NewSocketTransport() {
  SECPROTO_ASSIGN_OR_RETURN(poller, sockets::NewPoller());
  return sockets::NewTransportOver(std::move(poller));
}

}  // namespace secproto
