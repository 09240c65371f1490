// What interrupt.cc needs from the platform (interrupt-posix.cc,
// interrupt-win32.cc). Every function here may run in a signal handler on
// POSIX: async-signal-safe calls only.
#ifndef SECPROTO_UTIL_INTERRUPT_PLATFORM_H_
#define SECPROTO_UTIL_INTERRUPT_PLATFORM_H_

#include <cstddef>

namespace secproto::interrupt_internal {

/// Called by the platform handler for each interrupt. Returns when the
/// interrupt was only recorded (an InterruptPolling or InterruptDeferral is
/// alive); otherwise removes the registered temp files, writes the message
/// and exits kExitInterrupted.
void OnInterrupt();

/// Installs the OS handlers that call OnInterrupt.
void InstallPlatformHandlers();
/// Removes a file; errors are ignored.
void RemoveFileNow(const char* path);
/// Writes `n` bytes to stderr, unbuffered.
void WriteStderrNow(const char* text, size_t n);
/// Ends the process at once with `code`, without running destructors.
[[noreturn]] void ExitNow(int code);

}  // namespace secproto::interrupt_internal

#endif  // SECPROTO_UTIL_INTERRUPT_PLATFORM_H_
