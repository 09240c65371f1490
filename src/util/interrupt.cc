// The platform-independent half of secproto/interrupt.h: the table of temp
// files, the counters of pollers and deferrals, and what an interrupt does.
// Everything OnInterrupt touches is a lock-free atomic or a fixed buffer, so
// that it may run inside a POSIX signal handler (signal-safety(7)).
#include "secproto/interrupt.h"

#include <atomic>
#include <cstring>

#include "util/interrupt_platform.h"

namespace secproto {
namespace {

static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<const char*>::is_always_lock_free);

// Temp files and lock files alive at once: a few per hive and output file.
constexpr int kSlots = 64;
constexpr size_t kMaxPath = 1024;
constexpr size_t kMaxMessage = 512;

// A slot is free (0), being written or emptied (1), or names a file (2).
struct Slot {
  std::atomic<int> state{0};
  char path[kMaxPath];
};

Slot g_slots[kSlots];
std::atomic<int> g_pending{0};
std::atomic<int> g_polling{0};
std::atomic<int> g_deferrals{0};
std::atomic<bool> g_installed{false};

constexpr char kDefaultMessage[] = "secproto: interrupted\n";
// Two buffers so that a new message is written beside the one a handler
// may be reading, then published by one pointer store.
char g_message_buf[2][kMaxMessage + 1];
std::atomic<int> g_message_next{0};
std::atomic<const char*> g_message{kDefaultMessage};

// Removes every registered file, writes the message and exits 130.
[[noreturn]] void ExitInterrupted() {
  for (Slot& s : g_slots) {
    if (s.state.load() == 2) interrupt_internal::RemoveFileNow(s.path);
  }
  const char* m = g_message.load();
  interrupt_internal::WriteStderrNow(m, std::strlen(m));
  interrupt_internal::ExitNow(kExitInterrupted);
}

}  // namespace

namespace interrupt_internal {

void OnInterrupt() {
  // Inside a deferral every interrupt waits for its end; while polling only
  // the first one does, a second one exits at once.
  if (g_deferrals.load() > 0) {
    g_pending.fetch_add(1);
    return;
  }
  if (g_polling.load() > 0 && g_pending.exchange(1) == 0) return;
  ExitInterrupted();
}

}  // namespace interrupt_internal

void InstallInterruptHandlers() {
  if (g_installed.exchange(true)) return;
  interrupt_internal::InstallPlatformHandlers();
}

bool Interrupted() { return g_pending.load() > 0; }

bool TakeDeferredInterrupt() { return g_pending.exchange(0) > 0; }

void SetInterruptMessage(const char* line) {
  char* buf = g_message_buf[g_message_next.fetch_add(1) & 1];
  size_t n = std::strlen(line);
  if (n > kMaxMessage - 1) n = kMaxMessage - 1;
  std::memcpy(buf, line, n);
  buf[n] = '\n';
  buf[n + 1] = '\0';
  g_message.store(buf);
}

int RegisterTempPath(const char* path) {
  size_t n = std::strlen(path);
  if (n >= kMaxPath) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (!g_slots[i].state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_slots[i].path, path, n + 1);
    g_slots[i].state.store(2);
    return i;
  }
  return -1;
}

void UnregisterTempPath(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].state.store(0);
}

InterruptPolling::InterruptPolling() { g_polling.fetch_add(1); }
InterruptPolling::~InterruptPolling() { g_polling.fetch_sub(1); }

InterruptDeferral::InterruptDeferral() { g_deferrals.fetch_add(1); }

// An interrupt that lands between the decrement and the check finds no
// deferral and exits by itself, with the same message.
InterruptDeferral::~InterruptDeferral() {
  if (g_deferrals.fetch_sub(1) == 1 && g_polling.load() == 0 && g_pending.load() > 0) {
    ExitInterrupted();
  }
}

}  // namespace secproto
