#include <chrono>
#include <thread>

#include "secproto/services.h"
#include "util/system.h"

namespace secproto {
namespace {

// Linux has no Windows service manager: every question fails with one reason.
class NoServiceManager : public ServiceManager {
 public:
  Expected<ServiceInfo> Query(std::string_view) override { return Fail(Missing()); }
  Status RequestStop(std::string_view) override { return Fail(Missing()); }
  Status Start(std::string_view) override { return Fail(Missing()); }
  int64_t NowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void SleepMs(int ms) override { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

 private:
  static Error Missing() {
    return Error::Target("no service manager on this system", "no-service-manager");
  }
};

}  // namespace

// Linux has no Windows version to ask.
std::optional<OsVersion> QueryOsVersion() { return std::nullopt; }

std::unique_ptr<ServiceManager> NewSystemServiceManager() {
  return std::make_unique<NoServiceManager>();
}

}  // namespace secproto
