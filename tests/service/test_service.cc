// A Windows service for the end-to-end tests of --restart-services (built by
// the Windows build, registered under Wine by scripts/test.d/50-windows.sh as
// WinRM and WebClient). It appends a "start NAME pid N" line to a log file at
// each start, so a test can count starts ("stop ..." and "stopped ..." lines
// at a stop), and can misbehave on request.
//
//   secproto_test_service.exe --log FILE [--mode-file FILE] [OPTION...]
//
// Options (also read from the mode file, one or more words, at each start and
// at each stop request, so a test can change them while the service runs):
//   refuse-stop        do not accept SERVICE_CONTROL_STOP
//   stop-delay-ms=N    stay stop-pending N ms before stopping
//   fail-start         report SERVICE_STOPPED with a service-specific exit
//                      code (3) instead of running
// On the command line they are written --refuse-stop, --stop-delay-ms N,
// --fail-start.
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
  bool refuse_stop = false;
  int stop_delay_ms = 0;
  bool fail_start = false;
};

std::string g_log;
std::string g_mode_file;
Options g_command_line;
std::string g_name;
SERVICE_STATUS_HANDLE g_handle = nullptr;
HANDLE g_stop = nullptr;
DWORD g_checkpoint = 0;

// Applies words such as "refuse-stop", "--stop-delay-ms", "500",
// "stop-delay-ms=500" to `o`.
void Apply(const std::vector<std::string>& words, Options* o) {
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    while (!w.empty() && w[0] == '-') w.erase(0, 1);
    std::string value;
    if (size_t eq = w.find('='); eq != std::string::npos) {
      value = w.substr(eq + 1);
      w.resize(eq);
    }
    if (w == "refuse-stop") {
      o->refuse_stop = true;
    } else if (w == "fail-start") {
      o->fail_start = true;
    } else if (w == "stop-delay-ms") {
      if (value.empty() && i + 1 < words.size()) value = words[++i];
      o->stop_delay_ms = std::atoi(value.c_str());
    }
  }
}

// The command line's options, overlaid by the mode file's when it exists.
Options Current() {
  Options o = g_command_line;
  if (g_mode_file.empty()) return o;
  FILE* f = std::fopen(g_mode_file.c_str(), "r");
  if (f == nullptr) return o;
  std::vector<std::string> words;
  char word[256];
  while (std::fscanf(f, "%255s", word) == 1) words.emplace_back(word);
  std::fclose(f);
  Apply(words, &o);
  return o;
}

void Report(DWORD state, DWORD accepted, DWORD wait_hint, DWORD win32_exit = NO_ERROR,
            DWORD service_exit = 0) {
  SERVICE_STATUS s{};
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = state;
  s.dwControlsAccepted = accepted;
  s.dwWin32ExitCode = win32_exit;
  s.dwServiceSpecificExitCode = service_exit;
  s.dwWaitHint = wait_hint;
  s.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : ++g_checkpoint;
  SetServiceStatus(g_handle, &s);
}

DWORD WINAPI Handler(DWORD control, DWORD, void*, void*) {
  if (control == SERVICE_CONTROL_INTERROGATE) return NO_ERROR;
  if (control != SERVICE_CONTROL_STOP) return ERROR_CALL_NOT_IMPLEMENTED;
  Options o = Current();
  if (o.refuse_stop) return ERROR_CALL_NOT_IMPLEMENTED;
  Report(SERVICE_STOP_PENDING, 0, static_cast<DWORD>(o.stop_delay_ms) + 2000);
  SetEvent(g_stop);
  return NO_ERROR;
}

void WINAPI ServiceMain(DWORD argc, char** argv) {
  g_name = argc > 0 && argv[0] != nullptr ? argv[0] : "service";
  g_handle = RegisterServiceCtrlHandlerExA(g_name.c_str(), Handler, nullptr);
  if (g_handle == nullptr) return;
  Report(SERVICE_START_PENDING, 0, 3000);
  if (FILE* f = std::fopen(g_log.c_str(), "a")) {
    std::fprintf(f, "start %s pid %lu\n", g_name.c_str(), GetCurrentProcessId());
    std::fclose(f);
  }
  Options o = Current();
  if (o.fail_start) {
    Report(SERVICE_STOPPED, 0, 0, ERROR_SERVICE_SPECIFIC_ERROR, 3);
    return;
  }
  g_stop = CreateEventA(nullptr, TRUE, FALSE, nullptr);
  Report(SERVICE_RUNNING, o.refuse_stop ? 0 : SERVICE_ACCEPT_STOP, 0);
  WaitForSingleObject(g_stop, INFINITE);
  // Stop slowly when asked to: stay stop-pending, with progress.
  int delay = Current().stop_delay_ms;
  if (FILE* f = std::fopen(g_log.c_str(), "a")) {
    std::fprintf(f, "stop %s delay %d ms\n", g_name.c_str(), delay);
    std::fclose(f);
  }
  for (int waited = 0; waited < delay; waited += 500) {
    Sleep(500);
    Report(SERVICE_STOP_PENDING, 0, static_cast<DWORD>(delay - waited) + 2000);
  }
  if (FILE* f = std::fopen(g_log.c_str(), "a")) {
    std::fprintf(f, "stopped %s\n", g_name.c_str());
    std::fclose(f);
  }
  Report(SERVICE_STOPPED, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
      g_log = argv[++i];
    } else if (std::strcmp(argv[i], "--mode-file") == 0 && i + 1 < argc) {
      g_mode_file = argv[++i];
    } else {
      words.emplace_back(argv[i]);
    }
  }
  Apply(words, &g_command_line);
  if (g_log.empty()) {
    std::fprintf(stderr, "usage: %s --log FILE [--mode-file FILE] [options]\n", argv[0]);
    return 2;
  }
  // The name is ignored for a SERVICE_WIN32_OWN_PROCESS service: this one
  // program serves under whatever name it was registered as.
  char name[] = "";
  SERVICE_TABLE_ENTRYA table[] = {{name, ServiceMain}, {nullptr, nullptr}};
  return StartServiceCtrlDispatcherA(table) ? 0 : 1;
}
