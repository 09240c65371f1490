// The restart procedure of --restart-services over the ServiceManager seam.

#include "secproto/services.h"

#include <chrono>
#include <thread>

#include "core/strings.h"
#include "secproto/setting.h"

namespace secproto {
namespace {

// How often a wait asks the manager for the state again.
constexpr int kPollMs = 200;
// How long to wait before asking a locked service database again.
constexpr int kLockedRetryMs = 500;

std::string Seconds(int ms) {
  int s = ms / 1000;
  if (s * 1000 == ms) return std::to_string(s) + " s";
  return std::to_string(ms) + " ms";
}

// The outcome of waiting for a service to leave a pending state.
struct Wait {
  bool reached = false;
  std::string last;  // the state seen last, or "" when the query failed
  ServiceInfo info;
  std::string error;  // the query's error message, when it failed
};

// Polls until the service reaches `want`, leaves the pending states for
// another settled state (`gave_up` decides), the query fails or the deadline
// passes.
template <typename GaveUp>
Wait WaitFor(ServiceManager& m, std::string_view name, ServiceStatus want, int64_t deadline,
             GaveUp gave_up) {
  Wait w;
  while (true) {
    auto info = m.Query(name);
    if (!info) {
      w.last.clear();
      w.error = info.error().message;
      return w;
    }
    w.info = *info;
    w.last = std::string(ServiceStatusName(info->status));
    if (info->status == want) {
      w.reached = true;
      return w;
    }
    if (gave_up(info->status) || m.NowMs() >= deadline) return w;
    m.SleepMs(kPollMs);
  }
}

std::string ExitCodeText(const ServiceInfo& info) {
  // ERROR_SERVICE_SPECIFIC_ERROR: the service's own code is the one to show.
  if (info.win32_exit_code == 1066) {
    return "service-specific exit code " + std::to_string(info.service_exit_code);
  }
  return "exit code " + std::to_string(info.win32_exit_code);
}

ServiceRestart RestartOne(ServiceManager& m, const std::string& name, int timeout_ms) {
  ServiceRestart r{name, false, "error", "", ""};
  auto info = m.Query(name);
  if (!info) {
    r.result = info.error().message;
    return r;
  }
  r.final_state = std::string(ServiceStatusName(info->status));
  if (info->status == ServiceStatus::kNotInstalled) {
    r.result = "not installed";
    return r;
  }

  if (info->status != ServiceStatus::kStopped) {
    if (auto sent = m.RequestStop(name); !sent) {
      r.code = sent.error().code == "stop-refused" ? "stop-refused" : "error";
      r.result = "refused to stop: " + sent.error().message;
      return r;
    }
    int64_t deadline = m.NowMs() + timeout_ms;
    Wait w =
        WaitFor(m, name, ServiceStatus::kStopped, deadline, [](ServiceStatus) { return false; });
    r.final_state = w.last;
    if (!w.reached) {
      if (!w.error.empty()) {
        r.result = "stop requested, then " + w.error;
        return r;
      }
      r.code = "stop-timeout";
      r.result = "did not stop within " + Seconds(timeout_ms) + " (still " + w.last + ")";
      return r;
    }
  }

  int64_t deadline = m.NowMs() + timeout_ms;
  while (true) {
    auto started = m.Start(name);
    if (started) break;
    if (started.error().code != "database-locked" || m.NowMs() >= deadline) {
      r.code = "start-failed";
      r.result = "stopped, then failed to start again: " + started.error().message;
      r.final_state = "stopped";
      return r;
    }
    m.SleepMs(kLockedRetryMs);
  }
  // A service that falls back to stopped while starting has failed: waiting
  // longer will not bring it up.
  Wait w = WaitFor(m, name, ServiceStatus::kRunning, deadline,
                   [](ServiceStatus s) { return s == ServiceStatus::kStopped; });
  r.final_state = w.last;
  if (w.reached) {
    r.ok = true;
    r.code = "restarted";
    r.result = "restarted";
  } else if (!w.error.empty()) {
    r.result = "start requested, then " + w.error;
  } else if (w.info.status == ServiceStatus::kStopped) {
    r.code = "start-failed";
    r.result = "stopped, then failed to start again (" + ExitCodeText(w.info) + ")";
  } else {
    r.code = "start-timeout";
    r.result =
        "stopped, then did not start within " + Seconds(timeout_ms) + " (still " + w.last + ")";
  }
  return r;
}

}  // namespace

int64_t ServiceManager::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void ServiceManager::SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

constexpr EnumName<ServiceStatus> kServiceStatusNames[] = {
    {ServiceStatus::kStopped, "stopped"},
    {ServiceStatus::kStartPending, "start-pending"},
    {ServiceStatus::kStopPending, "stop-pending"},
    {ServiceStatus::kRunning, "running"},
    {ServiceStatus::kContinuePending, "continue-pending"},
    {ServiceStatus::kPausePending, "pause-pending"},
    {ServiceStatus::kPaused, "paused"},
    {ServiceStatus::kNotInstalled, "not-installed"},
};

std::string_view ServiceStatusName(ServiceStatus s) {
  return NameIn(kServiceStatusNames, s, "not-installed");
}

bool IsServiceActive(ServiceStatus s) {
  return s == ServiceStatus::kRunning || s == ServiceStatus::kStartPending ||
         s == ServiceStatus::kContinuePending || s == ServiceStatus::kPausePending ||
         s == ServiceStatus::kPaused;
}

std::vector<ServiceState> QueryServices(ServiceManager& manager,
                                        const std::vector<std::string>& names) {
  std::vector<ServiceState> out;
  for (const std::string& name : names) {
    auto info = manager.Query(name);
    if (!info) {
      out.push_back({name, "unknown: " + info.error().message, false});
    } else {
      out.push_back(
          {name, std::string(ServiceStatusName(info->status)), IsServiceActive(info->status)});
    }
  }
  return out;
}

std::vector<ServiceRestart> RestartServices(ServiceManager& manager,
                                            const std::vector<std::string>& names, int timeout_ms) {
  std::vector<ServiceRestart> out;
  for (const std::string& name : names) out.push_back(RestartOne(manager, name, timeout_ms));
  return out;
}

bool RestartReport::ok() const {
  for (const ServiceRestart& r : restarts) {
    if (!r.ok) return false;
  }
  return true;
}

RestartReport RestartActiveServices(ServiceManager& manager,
                                    const std::vector<std::string>& candidates, bool changed,
                                    int timeout_ms) {
  RestartReport report;
  if (!changed) return report;
  report.before = QueryServices(manager, candidates);
  std::vector<std::string> active;
  for (const ServiceState& s : report.before) {
    if (s.active) active.push_back(s.name);
  }
  report.restarts = RestartServices(manager, active, timeout_ms);
  return report;
}

std::vector<std::string> KnownWinHttpServiceNames() {
  std::vector<std::string> names;
  for (const WinHttpConsumer& c : KnownWinHttpConsumers()) {
    if (!c.service.empty()) names.emplace_back(c.service);
  }
  return names;
}

}  // namespace secproto
