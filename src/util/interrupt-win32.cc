// Ctrl-C, Ctrl-Break and console close (interrupt_platform.h). Windows runs
// a console control handler on a thread of its own, so it may wait; on
// console close, logoff and shutdown the process ends when the handler
// returns, so it waits there for a deferral or a polling command to finish.
#include <stdlib.h>
#include <windows.h>

#include "secproto/interrupt.h"
#include "util/interrupt_platform.h"

namespace secproto::interrupt_internal {
namespace {

BOOL WINAPI OnConsoleEvent(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
      OnInterrupt();
      return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      OnInterrupt();
      // Recorded only: give the main thread the time Windows allows (about
      // 5 s on close) to finish its step and exit by itself.
      for (int i = 0; i < 90; ++i) Sleep(50);
      return TRUE;
    default:
      return FALSE;
  }
}

}  // namespace

void InstallPlatformHandlers() { SetConsoleCtrlHandler(OnConsoleEvent, TRUE); }

// Paths are UTF-8; DeleteFileA would read them in the ANSI code page.
void RemoveFileNow(const char* path) {
  wchar_t wide[1024];
  int n = MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, 1024);
  if (n > 0) {
    DeleteFileW(wide);
  } else {
    DeleteFileA(path);
  }
}

void WriteStderrNow(const char* text, size_t n) {
  HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
  if (h == nullptr || h == INVALID_HANDLE_VALUE) return;
  DWORD written = 0;
  WriteFile(h, text, static_cast<DWORD>(n), &written, nullptr);
}

void ExitNow(int code) { _exit(code); }

}  // namespace secproto::interrupt_internal
