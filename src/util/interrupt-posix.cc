// SIGINT and SIGTERM (interrupt_platform.h). The handler calls only
// async-signal-safe functions: unlink(2), write(2), _exit(2).
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "secproto/interrupt.h"
#include "util/interrupt_platform.h"

namespace secproto::interrupt_internal {
namespace {

extern "C" void OnSignal(int) {
  int saved = errno;
  OnInterrupt();
  errno = saved;
}

}  // namespace

void InstallPlatformHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  // Blocking the other signal while one is handled keeps one handler at a
  // time; SA_RESTART keeps plain reads and writes from failing with EINTR.
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void RemoveFileNow(const char* path) { unlink(path); }

void WriteStderrNow(const char* text, size_t n) {
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, text, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

void ExitNow(int code) { _exit(code); }

}  // namespace secproto::interrupt_internal
