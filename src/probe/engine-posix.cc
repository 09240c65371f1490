// The Linux socket layer of the prober (sockets.h): non-blocking sockets
// driven by one epoll instance.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "probe/sockets.h"

namespace secproto::sockets {

int LastError() { return errno; }

std::string ErrorText(int err) { return std::strerror(err); }

std::string LookupErrorText(int rc) { return ::gai_strerror(rc); }

bool WouldBlock(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == EINPROGRESS;
}

TransportEnd EndForError(int err) {
  return err == ECONNRESET || err == ECONNABORTED || err == EPIPE ? TransportEnd::kReset
                                                                  : TransportEnd::kConnectFailed;
}

NativeSocket OpenNonBlocking(int family) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return kNoSocket;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

long SendSome(NativeSocket s, const uint8_t* data, size_t size) {
  return ::send(static_cast<int>(s), data, size, MSG_NOSIGNAL);
}

long RecvSome(NativeSocket s, uint8_t* data, size_t size) {
  return ::recv(static_cast<int>(s), data, size, 0);
}

void Close(NativeSocket s, bool abort) {
  if (abort) {
    linger l{1, 0};
    ::setsockopt(static_cast<int>(s), SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  ::close(static_cast<int>(s));
}

namespace {

class EpollPoller : public Poller {
 public:
  explicit EpollPoller(int epfd) : epfd_(epfd) {}
  ~EpollPoller() override { ::close(epfd_); }

  Status Add(uint64_t id, NativeSocket s) override {
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = id;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, static_cast<int>(s), &ev) != 0) {
      return Fail(Error::Io("epoll_ctl: " + ErrorText(errno), "io"));
    }
    return {};
  }

  void StopWriting(uint64_t id, NativeSocket s) override {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = id;
    ::epoll_ctl(epfd_, EPOLL_CTL_MOD, static_cast<int>(s), &ev);
  }

  // epoll keeps the registrations itself; `watches` is not needed.
  void Wait(const std::vector<Watch>&, int wait_ms,
            const std::function<void(uint64_t, Readiness)>& ready) override {
    epoll_event events[256];
    int n = ::epoll_wait(epfd_, events, 256, wait_ms);
    for (int i = 0; i < n; ++i) {
      uint32_t e = events[i].events;
      ready(events[i].data.u64, Readiness{.readable = (e & (EPOLLIN | EPOLLRDHUP)) != 0,
                                          .writable = (e & EPOLLOUT) != 0,
                                          .failed = (e & (EPOLLHUP | EPOLLERR)) != 0});
    }
  }

 private:
  int epfd_;
};

}  // namespace

Expected<std::unique_ptr<Poller>> NewPoller() {
  int epfd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return Fail(Error::Io("epoll_create1: " + ErrorText(errno), "io"));
  return std::unique_ptr<Poller>(new EpollPoller(epfd));
}

}  // namespace secproto::sockets
