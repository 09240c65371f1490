// SIGINT/SIGTERM (Ctrl-C, Ctrl-Break and console close on Windows) for
// every command, in one place (issue 23):
//  - by default an interrupt removes every registered temp file, prints
//    "secproto: interrupted" and exits 130 at once;
//  - a long command that reports what it finished (probe, audit) holds an
//    InterruptPolling while it works: an interrupt then only sets the flag,
//    the command stops, prints its finished results and exits 130; a second
//    interrupt exits at once as above;
//  - a step that must not be cut in two (the renames of a two-hive commit)
//    holds an InterruptDeferral: the interrupt is remembered and acted on
//    when the deferral ends, or by the caller through Interrupted().
#ifndef SECPROTO_INTERRUPT_H_
#define SECPROTO_INTERRUPT_H_

namespace secproto {

/// Installs the handlers (idempotent). main() calls it first.
void InstallInterruptHandlers();

/// Whether an interrupt arrived (and was not acted on by exiting).
bool Interrupted();

/// Takes a deferred (or polled) interrupt: true when one was pending, which is
/// then cleared, so that the end of a deferral does not exit for it. A caller
/// that takes it reports the interrupt itself and exits kExitInterrupted.
bool TakeDeferredInterrupt();

/// The line an exit by interrupt writes to stderr from now on, instead of
/// "secproto: interrupted" (a newline is added; at most 511 bytes are kept).
/// Set once a change is complete, so that a later interrupt says so.
void SetInterruptMessage(const char* line);

/// Registers a temp file the handler removes before exiting. Returns a slot
/// for UnregisterTempPath; -1 when the table is full (the file is then not
/// removed by the handler, only by its owner).
int RegisterTempPath(const char* path);
void UnregisterTempPath(int slot);

/// While alive, an interrupt sets the flag only (see above).
class InterruptPolling {
 public:
  InterruptPolling();
  ~InterruptPolling();
  InterruptPolling(const InterruptPolling&) = delete;
  InterruptPolling& operator=(const InterruptPolling&) = delete;
};

/// While alive, an interrupt is deferred; when the last deferral ends and no
/// InterruptPolling is alive, a deferred interrupt exits as the default does,
/// unless the caller took it with TakeDeferredInterrupt() first.
class InterruptDeferral {
 public:
  InterruptDeferral();
  ~InterruptDeferral();
  InterruptDeferral(const InterruptDeferral&) = delete;
  InterruptDeferral& operator=(const InterruptDeferral&) = delete;
};

/// Exit code for an interrupted command.
inline constexpr int kExitInterrupted = 130;

}  // namespace secproto

#endif  // SECPROTO_INTERRUPT_H_
