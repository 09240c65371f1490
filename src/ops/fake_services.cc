// FakeServiceManager (secproto/testing.h): scripted services on a virtual
// clock.
#include <stdexcept>

#include "secproto/testing.h"

namespace secproto {

void FakeServiceManager::Add(std::string name, Service service) {
  services_[std::move(name)] = Entry{std::move(service), 0, 0, 0};
}

const FakeServiceManager::Service& FakeServiceManager::service(std::string_view name) const {
  auto it = services_.find(name);
  if (it == services_.end()) throw std::out_of_range("no fake service " + std::string(name));
  return it->second.service;
}

std::vector<std::string> FakeServiceManager::actions() const {
  std::vector<std::string> out;
  for (const std::string& line : log_) {
    if (!line.starts_with("query ")) out.push_back(line);
  }
  return out;
}

FakeServiceManager::Entry* FakeServiceManager::Find(std::string_view name) {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : &it->second;
}

void FakeServiceManager::Settle(Entry& e) {
  if (e.due_ms < 0 || now_ms_ < e.due_ms) return;
  Service& s = e.service;
  if (s.status == ServiceStatus::kStopPending) {
    s.status = ServiceStatus::kStopped;
  } else if (s.status == ServiceStatus::kStartPending) {
    if (s.fail_start) {
      s.status = ServiceStatus::kStopped;
      e.win32_exit_code = 1066;  // ERROR_SERVICE_SPECIFIC_ERROR
      e.service_exit_code = 1;
    } else {
      s.status = ServiceStatus::kRunning;
    }
  }
}

FakeServiceManager::Entry* FakeServiceManager::Enter(std::string_view verb, std::string_view name) {
  log_.push_back(std::string(verb) + " " + std::string(name));
  Entry* e = Find(name);
  if (e != nullptr) Settle(*e);
  return e;
}

Expected<ServiceInfo> FakeServiceManager::Query(std::string_view name) {
  Entry* e = Enter("query", name);
  if (e == nullptr) return ServiceInfo{};
  return ServiceInfo{e->service.status, e->win32_exit_code, e->service_exit_code};
}

Status FakeServiceManager::RequestStop(std::string_view name) {
  Entry* e = Enter("stop", name);
  if (e == nullptr) return Fail(Error::Target("fake: no service " + std::string(name)));
  Service& s = e->service;
  if (s.refuse_stop) {
    return Fail(
        Error::Target("fake: " + std::string(name) + " does not accept a stop", "stop-refused"));
  }
  if (s.status == ServiceStatus::kStopped) return {};
  if (s.status == ServiceStatus::kStopPending || s.status == ServiceStatus::kStartPending) {
    return Fail(
        Error::Target("fake: " + std::string(name) + " cannot accept a stop now", "stop-refused"));
  }
  s.status = ServiceStatus::kStopPending;
  ++s.stops;
  e->due_ms = s.stop_ms < 0 ? -1 : now_ms_ + s.stop_ms;
  Settle(*e);
  return {};
}

Status FakeServiceManager::Start(std::string_view name) {
  Entry* e = Enter("start", name);
  if (e == nullptr) return Fail(Error::Target("fake: no service " + std::string(name)));
  Service& s = e->service;
  if (!s.start_error.empty() && s.start_errors > 0) {
    --s.start_errors;
    return Fail(Error::Target("fake: " + std::string(name) + " cannot start: " + s.start_error,
                              s.start_error));
  }
  if (s.status != ServiceStatus::kStopped) {
    return Fail(Error::Target("fake: " + std::string(name) + " is already running"));
  }
  s.status = ServiceStatus::kStartPending;
  ++s.starts;
  e->win32_exit_code = 0;
  e->service_exit_code = 0;
  e->due_ms = s.start_ms < 0 ? -1 : now_ms_ + s.start_ms;
  Settle(*e);
  return {};
}

}  // namespace secproto
