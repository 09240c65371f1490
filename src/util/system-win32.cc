#include <windows.h>

#include <memory>

#include "secproto/services.h"
#include "secproto/host.h"
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
  void reset(SC_HANDLE h) {
    if (h_ != nullptr) CloseServiceHandle(h_);
    h_ = h;
  }

 private:
  SC_HANDLE h_;
};

ServiceStatus StatusOf(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED:
      return ServiceStatus::kStopped;
    case SERVICE_START_PENDING:
      return ServiceStatus::kStartPending;
    case SERVICE_STOP_PENDING:
      return ServiceStatus::kStopPending;
    case SERVICE_CONTINUE_PENDING:
      return ServiceStatus::kContinuePending;
    case SERVICE_PAUSE_PENDING:
      return ServiceStatus::kPausePending;
    case SERVICE_PAUSED:
      return ServiceStatus::kPaused;
    default:
      // SERVICE_RUNNING, and any state a later Windows may add: it has a
      // process, which is what matters to a restart.
      return ServiceStatus::kRunning;
  }
}

// The service control manager of this machine. The manager handle is opened
// on first use; each call opens the service with the access it needs.
class Win32ServiceManager : public ServiceManager {
 public:
  Expected<ServiceInfo> Query(std::string_view name) override {
    ScopedSCHandle svc;
    DWORD err = Open(name, SERVICE_QUERY_STATUS, &svc);
    if (err == ERROR_SERVICE_DOES_NOT_EXIST) return ServiceInfo{};
    if (err != ERROR_SUCCESS) return Fail(Win32Error(err, "OpenServiceW", name));
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!QueryServiceStatusEx(svc.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                              sizeof status, &needed)) {
      return Fail(Win32Error(GetLastError(), "QueryServiceStatusEx", name));
    }
    return ServiceInfo{StatusOf(status.dwCurrentState), status.dwWin32ExitCode,
                       status.dwServiceSpecificExitCode};
  }

  Status RequestStop(std::string_view name) override {
    ScopedSCHandle svc;
    DWORD err = Open(name, SERVICE_STOP, &svc);
    if (err != ERROR_SUCCESS) return Fail(Win32Error(err, "OpenServiceW", name));
    SERVICE_STATUS status{};
    if (ControlService(svc.get(), SERVICE_CONTROL_STOP, &status)) return {};
    err = GetLastError();
    if (err == ERROR_SERVICE_NOT_ACTIVE) return {};  // it stopped meanwhile
    Error e = Win32Error(err, "ControlService(stop)", name);
    // The service does not accept a stop now, or at all.
    if (err == ERROR_INVALID_SERVICE_CONTROL || err == ERROR_SERVICE_CANNOT_ACCEPT_CTRL ||
        err == ERROR_CALL_NOT_IMPLEMENTED) {
      e.code = "stop-refused";
    }
    return Fail(std::move(e));
  }

  Status Start(std::string_view name) override {
    ScopedSCHandle svc;
    DWORD err = Open(name, SERVICE_START, &svc);
    if (err != ERROR_SUCCESS) return Fail(Win32Error(err, "OpenServiceW", name));
    if (StartServiceW(svc.get(), 0, nullptr)) return {};
    err = GetLastError();
    // Someone else started it, or it missed the manager's start timeout and
    // may still come up: the caller's wait decides.
    if (err == ERROR_SERVICE_ALREADY_RUNNING || err == ERROR_SERVICE_REQUEST_TIMEOUT) return {};
    Error e = Win32Error(err, "StartServiceW", name);
    if (err == ERROR_SERVICE_DATABASE_LOCKED) e.code = "database-locked";
    return Fail(std::move(e));
  }

 private:
  // Opens the manager (once) and the service; returns the Win32 error.
  DWORD Open(std::string_view name, DWORD access, ScopedSCHandle* svc) {
    if (scm_ == nullptr) {
      scm_ = std::make_unique<ScopedSCHandle>(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
      if (scm_->get() == nullptr) {
        DWORD err = GetLastError();
        scm_.reset();
        return err;
      }
    }
    svc->reset(OpenServiceW(scm_->get(), Widen(name).c_str(), access));
    return svc->get() == nullptr ? GetLastError() : ERROR_SUCCESS;
  }

  std::unique_ptr<ScopedSCHandle> scm_;
};

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

std::unique_ptr<ServiceManager> NewSystemServiceManager() {
  return std::make_unique<Win32ServiceManager>();
}

}  // namespace secproto
