#include "secproto/services.h"
#include "secproto/host.h"

namespace secproto {
namespace {

// Linux has no Windows service manager: every question fails with one reason.
class NoServiceManager : public ServiceManager {
 public:
  Expected<ServiceInfo> Query(std::string_view) override { return Fail(Missing()); }
  Status RequestStop(std::string_view) override { return Fail(Missing()); }
  Status Start(std::string_view) override { return Fail(Missing()); }

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
