#include <windows.h>

#include <chrono>
#include <thread>

#include "util/system.h"
#include "util/win32.h"

namespace secproto {
namespace {

// Owns a service-manager handle.
class ScopedSCHandle {
 public:
  explicit ScopedSCHandle(SC_HANDLE h = nullptr) : h_(h) {}
  ~ScopedSCHandle() {
    if (h_ != nullptr) CloseServiceHandle(h_);
  }
  ScopedSCHandle(const ScopedSCHandle&) = delete;
  ScopedSCHandle& operator=(const ScopedSCHandle&) = delete;
  SC_HANDLE get() const { return h_; }

 private:
  SC_HANDLE h_;
};

std::string StateName(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED:
      return "stopped";
    case SERVICE_START_PENDING:
      return "start-pending";
    case SERVICE_STOP_PENDING:
      return "stop-pending";
    case SERVICE_RUNNING:
      return "running";
    case SERVICE_CONTINUE_PENDING:
      return "continue-pending";
    case SERVICE_PAUSE_PENDING:
      return "pause-pending";
    case SERVICE_PAUSED:
      return "paused";
    default:
      return "state " + std::to_string(state);
  }
}

bool QueryState(SC_HANDLE service, DWORD* state) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                            sizeof status, &needed)) {
    return false;
  }
  *state = status.dwCurrentState;
  return true;
}

// Polls until the service reaches `want` or the deadline passes.
bool WaitForState(SC_HANDLE service, DWORD want, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    DWORD state = 0;
    if (!QueryState(service, &state)) return false;
    if (state == want) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

std::optional<OsVersion> QueryOsVersion() {
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOEXW*);
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return std::nullopt;
  auto fn = reinterpret_cast<RtlGetVersionFn>(
      reinterpret_cast<void*>(GetProcAddress(ntdll, "RtlGetVersion")));
  if (fn == nullptr) return std::nullopt;
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  if (fn(&info) != 0) return std::nullopt;
  OsVersion v;
  v.major = info.dwMajorVersion;
  v.minor = info.dwMinorVersion;
  v.build = info.dwBuildNumber;
  switch (info.wProductType) {
    case VER_NT_WORKSTATION:
      v.product_type = "workstation";
      break;
    case VER_NT_DOMAIN_CONTROLLER:
      v.product_type = "domain-controller";
      break;
    case VER_NT_SERVER:
      v.product_type = "server";
      break;
    default:
      v.product_type = "unknown";
  }
  return v;
}

std::vector<ServiceState> QueryServices(const std::vector<std::string>& names) {
  std::vector<ServiceState> out;
  ScopedSCHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  for (const std::string& name : names) {
    ServiceState s{name, ""};
    if (scm.get() == nullptr) {
      s.state = "unknown: " + Win32ErrorText(GetLastError());
    } else {
      ScopedSCHandle svc(OpenServiceW(scm.get(), Widen(name).c_str(), SERVICE_QUERY_STATUS));
      DWORD state = 0;
      if (svc.get() == nullptr) {
        DWORD err = GetLastError();
        s.state = err == ERROR_SERVICE_DOES_NOT_EXIST ? "not-installed"
                                                      : "unknown: " + Win32ErrorText(err);
      } else if (!QueryState(svc.get(), &state)) {
        s.state = "unknown: " + Win32ErrorText(GetLastError());
      } else {
        s.state = StateName(state);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ServiceRestart> RestartServices(const std::vector<std::string>& names, int timeout_ms) {
  std::vector<ServiceRestart> out;
  ScopedSCHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  DWORD scm_error = scm.get() == nullptr ? GetLastError() : 0;
  std::string seconds = std::to_string(timeout_ms / 1000) + " s";
  for (const std::string& name : names) {
    ServiceRestart r{name, false, ""};
    if (scm.get() == nullptr) {
      r.result = Win32Error(scm_error, "OpenSCManagerW", "").message;
      out.push_back(std::move(r));
      continue;
    }
    ScopedSCHandle svc(OpenServiceW(scm.get(), Widen(name).c_str(),
                                    SERVICE_QUERY_STATUS | SERVICE_STOP | SERVICE_START));
    if (svc.get() == nullptr) {
      r.result = Win32Error(GetLastError(), "OpenServiceW", name).message;
      out.push_back(std::move(r));
      continue;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    DWORD state = 0;
    if (QueryState(svc.get(), &state) && state != SERVICE_STOPPED) {
      SERVICE_STATUS status{};
      if (!ControlService(svc.get(), SERVICE_CONTROL_STOP, &status) &&
          GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
        r.result = Win32Error(GetLastError(), "ControlService(stop)", name).message;
        out.push_back(std::move(r));
        continue;
      }
      if (!WaitForState(svc.get(), SERVICE_STOPPED, deadline)) {
        r.result = "timed out stopping after " + seconds;
        out.push_back(std::move(r));
        continue;
      }
    }
    if (!StartServiceW(svc.get(), 0, nullptr) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
      r.result = Win32Error(GetLastError(), "StartServiceW", name).message;
      out.push_back(std::move(r));
      continue;
    }
    deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (!WaitForState(svc.get(), SERVICE_RUNNING, deadline)) {
      r.result = "timed out starting after " + seconds;
    } else {
      r.ok = true;
      r.result = "restarted";
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace secproto
