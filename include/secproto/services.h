// The service manager seam: what --restart-services asks of Windows' service
// control manager, as an interface with a shipped fake (secproto/testing.h).
// The restart procedure itself (which services, in which order, how long to
// wait, what counts as a failure) is portable code over this interface.
#ifndef SECPROTO_SERVICES_H_
#define SECPROTO_SERVICES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"

namespace secproto {

/// A service's state (SERVICE_STATUS.dwCurrentState), plus "not installed".
enum class ServiceStatus {
  kStopped,
  kStartPending,
  kStopPending,
  kRunning,
  kContinuePending,
  kPausePending,
  kPaused,
  kNotInstalled,
};

/// "stopped", "start-pending", "stop-pending", "running", "continue-pending",
/// "pause-pending", "paused", "not-installed".
std::string_view ServiceStatusName(ServiceStatus s);

/// Whether a service in this state has a process that holds WinHTTP's value:
/// running, start-pending, continue-pending, pause-pending or paused.
bool IsServiceActive(ServiceStatus s);

/// What the service manager reports about one service.
struct ServiceInfo {
  ServiceStatus status = ServiceStatus::kNotInstalled;
  /// SERVICE_STATUS.dwWin32ExitCode and dwServiceSpecificExitCode: why a
  /// service stopped (0 when it stopped cleanly or has not stopped).
  uint32_t win32_exit_code = 0;
  uint32_t service_exit_code = 0;
};

/// The calls --restart-services makes. The Windows implementation talks to the
/// service control manager; FakeServiceManager (secproto/testing.h) scripts
/// services and a virtual clock.
class ServiceManager {
 public:
  virtual ~ServiceManager() = default;

  /// The service's state; status kNotInstalled when no such service exists.
  /// An error when the manager cannot be asked (the message names why).
  virtual Expected<ServiceInfo> Query(std::string_view name) = 0;
  /// Sends SERVICE_CONTROL_STOP. Success means the service accepted the
  /// request, not that it has stopped. An error when the service refuses
  /// (code "stop-refused"), or the request cannot be delivered.
  virtual Status RequestStop(std::string_view name) = 0;
  /// Asks the manager to start a stopped service. Success means the manager
  /// launched it, not that it runs; code "database-locked" is worth a retry.
  virtual Status Start(std::string_view name) = 0;

  /// A monotonic clock in milliseconds and a sleep on it: the waits of the
  /// restart procedure are measured with these, so a fake can make time pass
  /// without waiting. By default the steady clock and a real sleep.
  virtual int64_t NowMs();
  virtual void SleepMs(int ms);
};

/// This machine's service manager. On systems without one every Query fails
/// with "no service manager on this system".
std::unique_ptr<ServiceManager> NewSystemServiceManager();

/// A service's state as text, for output.
struct ServiceState {
  std::string name;
  /// A ServiceStatusName(), or "unknown: <why>" when the query failed.
  std::string state;
  /// IsServiceActive() of the state (false when the query failed).
  bool active = false;
};

/// The state of each named service, in order.
std::vector<ServiceState> QueryServices(ServiceManager& manager,
                                        const std::vector<std::string>& names);

/// What restarting one service did.
struct ServiceRestart {
  std::string name;
  bool ok = false;
  /// "restarted", "stop-refused", "stop-timeout", "start-failed",
  /// "start-timeout", or "error" (the manager could not be asked).
  std::string code;
  /// "restarted", or why not, naming the wait: "did not stop within 30 s
  /// (still stop-pending)".
  std::string result;
  /// The state seen last ("running" after a restart, "stop-pending" after a
  /// stop that timed out), "" when it could not be read.
  std::string final_state;
};

/// Stops then starts each named service, in order, waiting up to
/// `timeout_ms` for the stop and again for the start. A service that is
/// already stopped is only started. One result per name; a failure does not
/// stop the services after it from being restarted.
std::vector<ServiceRestart> RestartServices(ServiceManager& manager,
                                            const std::vector<std::string>& names, int timeout_ms);

/// What --restart-services did after a change.
struct RestartReport {
  /// The state of every candidate before anything was restarted.
  std::vector<ServiceState> before;
  /// One result per candidate that was active, in the candidates' order.
  std::vector<ServiceRestart> restarts;
  /// Whether every restart succeeded (true when nothing needed one).
  bool ok() const;
};

/// --restart-services: when `changed`, restarts those of `candidates` that
/// are active (IsServiceActive), in order; a service that is stopped or not
/// installed is left alone. When the value did not change nothing is
/// queried or restarted.
RestartReport RestartActiveServices(ServiceManager& manager,
                                    const std::vector<std::string>& candidates, bool changed,
                                    int timeout_ms);

/// The service names of KnownWinHttpConsumers() (applications left out), in
/// the table's order: the candidates of --restart-services.
std::vector<std::string> KnownWinHttpServiceNames();

}  // namespace secproto

#endif  // SECPROTO_SERVICES_H_
