// The prober against real servers on loopback: openssl s_server instances
// started with known version sets (the ground truth), and small hostile or
// old-fashioned fakes written here.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "secproto/probe.h"
#include "unit/probe_util.h"

extern char** environ;

namespace secproto {
namespace {

using probe_test::Bytes;

// ---------------------------------------------------------------------------
// openssl s_server instances

bool HaveOpenssl() { return std::system("openssl version >/dev/null 2>&1") == 0; }

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A temporary key and certificate, made once per test binary run.
class CertDir {
 public:
  CertDir() {
    char tmpl[] = "/tmp/secproto-probe-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    if (d == nullptr) return;
    dir_ = d;
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir_ +
                      "/key.pem -out " + dir_ +
                      "/cert.pem -days 2 -subj /CN=localhost >/dev/null 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  ~CertDir() {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }
  bool ok() const { return ok_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

class SServer {
 public:
  SServer(const CertDir& certs, std::vector<std::string> flags) : port_(FreePort()) {
    std::vector<std::string> args = {"openssl",  "s_server",   "-quiet",
                                     "-www",     "-accept",    "127.0.0.1:" + std::to_string(port_),
                                     "-cert",    certs.cert(), "-key",
                                     certs.key()};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "openssl", &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~SServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  /// Waits until the server accepts connections (up to ~10 s).
  bool WaitReady() const {
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      if (CanConnect(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

ProtocolSet Set(std::initializer_list<Protocol> ps) {
  uint32_t bits = 0;
  for (Protocol p : ps) bits |= Info(p).bit;
  return ProtocolSet(bits);
}

std::string Describe(const EndpointResult& r) {
  std::string s;
  for (const VersionResult& v : r.versions) {
    s += std::string(Info(v.protocol).short_name) + "=" + std::string(VerdictName(v.verdict)) +
         "/" + std::string(OutcomeName(v.outcome)) + " ";
  }
  return s;
}

TEST(ProbeIntegration, OpensslServersGroundTruth) {
  if (!HaveOpenssl()) GTEST_SKIP() << "openssl not installed";
  CertDir certs;
  ASSERT_TRUE(certs.ok());
  const std::string legacy = "DEFAULT:@SECLEVEL=0";
  struct Case {
    std::string name;
    std::vector<std::string> flags;
    ProtocolSet expect;
  };
  using P = Protocol;
  std::vector<Case> cases = {
      {"tls1.0 only", {"-tls1", "-cipher", legacy}, Set({P::kTls10})},
      {"tls1.0-1.2",
       {"-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2", "-cipher", legacy},
       Set({P::kTls10, P::kTls11, P::kTls12})},
      {"tls1.1+1.2",
       {"-min_protocol", "TLSv1.1", "-max_protocol", "TLSv1.2", "-cipher", legacy},
       Set({P::kTls11, P::kTls12})},
      {"tls1.2 only", {"-tls1_2"}, Set({P::kTls12})},
      {"tls1.2+1.3",
       {"-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3"},
       Set({P::kTls12, P::kTls13})},
      {"tls1.3 only", {"-tls1_3"}, Set({P::kTls13})},
      {"tls1.3 HRR", {"-tls1_3", "-groups", "P-256"}, Set({P::kTls13})},
  };
  std::vector<std::unique_ptr<SServer>> servers;
  std::vector<Endpoint> eps;
  for (const Case& c : cases) {
    servers.push_back(std::make_unique<SServer>(certs, c.flags));
    eps.push_back({"127.0.0.1", servers.back()->port()});
  }
  for (size_t i = 0; i < servers.size(); ++i) {
    ASSERT_TRUE(servers[i]->WaitReady()) << cases[i].name;
  }
  ProbeOptions o;
  o.read_timeout_ms = 5000;
  o.retries = 1;
  auto r = ProbeEndpoints(eps, o);
  ASSERT_TRUE(r);
  for (size_t i = 0; i < cases.size(); ++i) {
    const EndpointResult& res = (*r)[i];
    EXPECT_EQ(res.Offered(), cases[i].expect) << cases[i].name << ": " << Describe(res);
    for (const VersionResult& v : res.versions) {
      EXPECT_NE(v.verdict, Verdict::kInconclusive) << cases[i].name << ": " << Describe(res);
    }
  }
  // The HRR server proves TLS 1.3 with a HelloRetryRequest.
  EXPECT_EQ((*r)[6].Find(Protocol::kTls13)->outcome, Outcome::kHelloRetryRequest);
  EXPECT_EQ((*r)[5].Find(Protocol::kTls13)->outcome, Outcome::kAccepted);
  // Refusals come as protocol_version alerts from OpenSSL.
  const VersionResult* t10 = (*r)[3].Find(Protocol::kTls10);
  EXPECT_EQ(t10->outcome, Outcome::kAlert);
  EXPECT_EQ(t10->detail.alert_description, 70);
  // A 1.3-capable server marks a 1.2 answer with the downgrade sentinel.
  EXPECT_EQ((*r)[4].Find(Protocol::kTls12)->detail.downgrade_sentinel, "tls1.2");
}

// ---------------------------------------------------------------------------
// In-process fake servers

// Reads one ClientHello (TLS record or SSLv2 record) from `fd`, or returns
// empty on EOF/timeout.
Bytes ReadHello(int fd) {
  Bytes b;
  auto read_n = [&](size_t n) {
    while (b.size() < n) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 3000) <= 0) return false;
      uint8_t buf[4096];
      ssize_t r = ::recv(fd, buf, std::min(sizeof buf, n - b.size()), 0);
      if (r <= 0) return false;
      b.insert(b.end(), buf, buf + r);
    }
    return true;
  };
  if (!read_n(2)) return {};
  size_t total = (b[0] & 0x80) ? 2 + (((b[0] & 0x7f) << 8) | b[1]) : 0;
  if (total == 0) {
    if (!read_n(5)) return {};
    total = 5 + ((b[3] << 8) | b[4]);
  }
  if (!read_n(total)) return {};
  return b;
}

bool SendAll(int fd, const Bytes& b) {
  size_t off = 0;
  while (off < b.size()) {
    ssize_t w = ::send(fd, b.data() + off, b.size() - off, MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += static_cast<size_t>(w);
  }
  return true;
}

/// The version a hello asks for (SSL 2.0 for a v2 record; TLS 1.3 when it has
/// supported_versions).
Protocol Asked(const Bytes& hello) {
  auto h = probe_test::ParseHello(hello);
  if (h.ssl2) return Protocol::kSsl2;
  if (h.extensions.count(43)) return Protocol::kTls13;
  for (const ProtocolInfo& p : AllProtocols()) {
    if (p.id != Protocol::kSsl2 && p.wire_version == h.client_version) return p.id;
  }
  return Protocol::kTls12;
}

class FakeServer {
 public:
  /// `handler` runs on its own thread per connection; it should return soon
  /// after stopping() turns true.
  using Handler = std::function<void(FakeServer& s, int fd, const Bytes& hello)>;

  explicit FakeServer(Handler handler, bool ipv6 = false) : handler_(std::move(handler)) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ipv6) {
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_loopback;
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
      socklen_t len = sizeof a;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
      port_ = ntohs(a.sin6_port);
    } else {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
      socklen_t len = sizeof a;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
      port_ = ntohs(a.sin_port);
    }
    if (::listen(fd_, 64) != 0) {
      port_ = 0;
      return;
    }
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~FakeServer() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (std::thread& t : workers_) t.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  bool stopping() const { return stop_; }
  int connections() const { return connections_; }

  /// Sleeps up to `ms`, returning early (false) when stopping.
  bool Nap(int ms) {
    for (int i = 0; i < ms / 10; ++i) {
      if (stop_) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !stop_;
  }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      workers_.emplace_back([this, c] {
        Bytes hello = ReadHello(c);
        if (!hello.empty()) handler_(*this, c, hello);
        ::close(c);
      });
    }
  }

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

Bytes HelloFor(Protocol p) {
  if (p == Protocol::kTls13) return probe_test::ServerHello(0x0303, {}, 0x0304);
  return probe_test::ServerHello(Info(p).wire_version);
}

ProbeOptions Short() {
  ProbeOptions o;
  o.connect_timeout_ms = 2000;
  o.read_timeout_ms = 1500;
  o.retries = 1;
  o.retry_delay_ms = 10;
  return o;
}

TEST(ProbeIntegration, OldAndOddServers) {
  // Accepts TLS 1.0-1.2 but closes on any hello above 1.2.
  FakeServer intolerant([](FakeServer&, int fd, const Bytes& hello) {
    Protocol p = Asked(hello);
    if (p == Protocol::kTls13) return;  // just close
    if (p == Protocol::kSsl2 || p == Protocol::kSsl3) {
      SendAll(fd, probe_test::Alert(2, 70));
      return;
    }
    SendAll(fd, HelloFor(p));
  });
  // Answers a 1.3 hello with a plain TLS 1.2 ServerHello.
  FakeServer plain12([](FakeServer&, int fd, const Bytes& hello) {
    Protocol p = Asked(hello);
    if (p == Protocol::kTls12 || p == Protocol::kTls13) {
      SendAll(fd, probe_test::ServerHello(0x0303));
    } else {
      SendAll(fd, probe_test::Alert(2, 70));
    }
  });
  // SSLv2 only: an SSLv2 SERVER-HELLO with zero ciphers to everything.
  FakeServer ssl2(
      [](FakeServer&, int fd, const Bytes&) { SendAll(fd, probe_test::Ssl2ServerHello(0)); });
  // SSLv3 only: a 3.0 ServerHello to every TLS hello, nothing to SSLv2.
  FakeServer ssl3([](FakeServer&, int fd, const Bytes& hello) {
    if (Asked(hello) == Protocol::kSsl2) return;
    SendAll(fd, probe_test::ServerHello(0x0300));
  });
  // A warning alert, then a ServerHello, in one byte per segment.
  FakeServer warner([](FakeServer& s, int fd, const Bytes& hello) {
    Protocol p = Asked(hello);
    Bytes answer = probe_test::Alert(1, 112);
    Bytes sh = p == Protocol::kTls12 ? HelloFor(p) : probe_test::Alert(2, 40);
    answer.insert(answer.end(), sh.begin(), sh.end());
    for (uint8_t c : answer) {
      if (!SendAll(fd, Bytes{c}) || s.stopping()) return;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::vector<Endpoint> eps = {{"127.0.0.1", intolerant.port()},
                               {"127.0.0.1", plain12.port()},
                               {"127.0.0.1", ssl2.port()},
                               {"127.0.0.1", ssl3.port()},
                               {"127.0.0.1", warner.port()}};
  auto r = ProbeEndpoints(eps, Short());
  ASSERT_TRUE(r);
  using P = Protocol;
  EXPECT_EQ((*r)[0].Offered(), Set({P::kTls10, P::kTls11, P::kTls12})) << Describe((*r)[0]);
  EXPECT_EQ((*r)[0].Find(P::kTls13)->verdict, Verdict::kNotOffered);
  EXPECT_EQ((*r)[0].Find(P::kTls13)->outcome, Outcome::kClose);
  EXPECT_EQ((*r)[0].Find(P::kTls13)->attempts, 2) << "a close is retried before it is believed";

  EXPECT_EQ((*r)[1].Offered(), Set({P::kTls12})) << Describe((*r)[1]);
  EXPECT_EQ((*r)[1].Find(P::kTls13)->outcome, Outcome::kLowerVersion);

  EXPECT_EQ((*r)[2].Offered(), Set({P::kSsl2})) << Describe((*r)[2]);
  EXPECT_EQ((*r)[2].Find(P::kSsl2)->detail.ssl2_cipher_count, 0);
  EXPECT_EQ((*r)[2].Find(P::kTls12)->outcome, Outcome::kLowerVersion);

  EXPECT_EQ((*r)[3].Offered(), Set({P::kSsl3})) << Describe((*r)[3]);
  EXPECT_EQ((*r)[3].Find(P::kTls10)->outcome, Outcome::kLowerVersion);

  EXPECT_EQ((*r)[4].Offered(), Set({P::kTls12})) << Describe((*r)[4]);
  EXPECT_EQ((*r)[4].Find(P::kTls12)->detail.warnings, std::vector<uint8_t>{112});
  EXPECT_EQ((*r)[4].Find(P::kTls11)->detail.alert_description, 40);
}

TEST(ProbeIntegration, HostileServersNeverHangOrGrow) {
  // Reads the hello and never answers.
  FakeServer silent([](FakeServer& s, int, const Bytes&) { s.Nap(5000); });
  // A valid ServerHello at one byte per second.
  FakeServer slow([](FakeServer& s, int fd, const Bytes& hello) {
    for (uint8_t c : HelloFor(Asked(hello))) {
      if (!SendAll(fd, Bytes{c}) || !s.Nap(1000)) return;
    }
  });
  // Garbage.
  FakeServer garbage([](FakeServer&, int fd, const Bytes&) {
    Bytes junk;
    for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<uint8_t>(0x9e ^ (i * 37)));
    junk[0] = 0x47;  // not a record type
    SendAll(fd, junk);
  });
  // A handshake record announcing a 16 MB ServerHello, then a trickle.
  FakeServer huge([](FakeServer& s, int fd, const Bytes&) {
    if (!SendAll(fd, Bytes{22, 3, 3, 0x40, 0x00, 2, 0xff, 0xff, 0xff})) return;
    while (SendAll(fd, Bytes(64, 0)) && s.Nap(50)) {
    }
  });
  // A flood of empty HelloRequests at full speed (megabytes if let).
  FakeServer flood([](FakeServer& s, int fd, const Bytes&) {
    Bytes rec = probe_test::Record(22, Bytes(16384, 0));
    for (int i = 0; i < 1000 && !s.stopping(); ++i) {
      if (!SendAll(fd, rec)) return;
    }
  });
  // Resets every connection.
  FakeServer resetter([](FakeServer&, int fd, const Bytes&) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  });
  std::vector<Endpoint> eps = {{"127.0.0.1", silent.port()},  {"127.0.0.1", slow.port()},
                               {"127.0.0.1", garbage.port()}, {"127.0.0.1", huge.port()},
                               {"127.0.0.1", flood.port()},   {"127.0.0.1", resetter.port()}};
  ProbeOptions o = Short();
  o.protocols = {Protocol::kTls12, Protocol::kTls13};
  auto r = ProbeEndpoints(eps, o);
  ASSERT_TRUE(r);
  for (const VersionResult& v : (*r)[0].versions) {
    EXPECT_EQ(v.verdict, Verdict::kInconclusive);
    EXPECT_EQ(v.outcome, Outcome::kTimeout);
    EXPECT_EQ(v.attempts, 2);
  }
  for (const VersionResult& v : (*r)[1].versions) {
    EXPECT_EQ(v.verdict, Verdict::kInconclusive) << Describe((*r)[1]);
    EXPECT_EQ(v.outcome, Outcome::kTimeout);
    EXPECT_GT(v.detail.bytes_read, 0u);
    EXPECT_LT(v.detail.bytes_read, 10u);
  }
  for (const VersionResult& v : (*r)[2].versions) {
    EXPECT_EQ(v.outcome, Outcome::kNonTls) << Describe((*r)[2]);
    EXPECT_EQ(v.verdict, Verdict::kNotOffered);
  }
  for (const VersionResult& v : (*r)[3].versions) {
    EXPECT_EQ(v.outcome, Outcome::kMalformed) << Describe((*r)[3]);
    EXPECT_EQ(v.verdict, Verdict::kInconclusive);
    EXPECT_LE(v.detail.bytes_read, kMaxAnswerBytes);
  }
  for (const VersionResult& v : (*r)[4].versions) {
    EXPECT_EQ(v.outcome, Outcome::kMalformed) << Describe((*r)[4]);
    EXPECT_LE(v.detail.bytes_read, kMaxAnswerBytes);
    EXPECT_GT(v.detail.bytes_read, kMaxAnswerBytes / 2);
  }
  for (const VersionResult& v : (*r)[5].versions) {
    EXPECT_EQ(v.outcome, Outcome::kReset) << Describe((*r)[5]);
    EXPECT_EQ(v.verdict, Verdict::kNotOffered);
    EXPECT_EQ(v.attempts, 2);
  }
}

TEST(ProbeIntegration, RefusedPortAndIpv6) {
  FakeServer v6(
      [](FakeServer&, int fd, const Bytes& hello) {
        Protocol p = Asked(hello);
        SendAll(fd, p == Protocol::kTls12 ? HelloFor(p) : probe_test::Alert(2, 70));
      },
      /*ipv6=*/true);
  std::vector<Endpoint> eps = {{"127.0.0.1", FreePort()}};
  if (v6.port() != 0) eps.push_back({"::1", v6.port()});
  ProbeOptions o = Short();
  o.protocols = {Protocol::kTls12};
  auto r = ProbeEndpoints(eps, o);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].versions[0].outcome, Outcome::kConnectFailed);
  EXPECT_EQ((*r)[0].versions[0].verdict, Verdict::kInconclusive);
  EXPECT_FALSE((*r)[0].Reachable());
  if (v6.port() != 0) {
    EXPECT_EQ((*r)[1].ip, "::1");
    EXPECT_EQ((*r)[1].Offered(), ProtocolSet(Info(Protocol::kTls12).bit)) << Describe((*r)[1]);
  }
}

TEST(ProbeCli, JsonLinesAndExitCodes) {
  FakeServer server([](FakeServer&, int fd, const Bytes& hello) {
    Protocol p = Asked(hello);
    SendAll(fd, p == Protocol::kTls12 ? HelloFor(p) : probe_test::Alert(2, 70));
  });
  std::string out_file = "/tmp/secproto-probe-cli-" + std::to_string(::getpid());
  std::string cmd = std::string(SECPROTO_BINARY) +
                    " probe --json --timeout 2000 127.0.0.1:" + std::to_string(server.port()) +
                    " > " + out_file;
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  FILE* f = std::fopen(out_file.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char line[8192] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, f), nullptr);
  std::fclose(f);
  std::remove(out_file.c_str());
  auto parsed = ParseProbeResultJsonLine(line);
  ASSERT_TRUE(parsed) << line;
  EXPECT_EQ(parsed->endpoint.port, server.port());
  EXPECT_EQ(parsed->Offered(), ProtocolSet(Info(Protocol::kTls12).bit));
  std::string s = line;
  for (const ProtocolInfo& p : AllProtocols()) {
    EXPECT_NE(s.find("\"" + std::string(p.short_name) + "\":{\"verdict\""), std::string::npos);
  }

  rc = std::system((std::string(SECPROTO_BINARY) + " probe bad:host:x 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  rc = std::system((std::string(SECPROTO_BINARY) + " probe 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  rc = std::system((std::string(SECPROTO_BINARY) + " probe --retries 0 --timeout 500 127.0.0.1:" +
                    std::to_string(FreePort()) + " >/dev/null 2>&1")
                       .c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 3);
}

}  // namespace
}  // namespace secproto
