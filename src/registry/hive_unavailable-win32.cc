// The Windows build has no hive backend (hivex is Linux-only). The scheme is
// still registered so that `--target hive:...` gets one clear line instead of
// "unknown target".
#include "secproto/registry.h"

namespace secproto {
namespace {

// hivex does not exist for Windows: say so instead of "unknown target".
const bool kHiveRegistered = RegisterTargetScheme(
    "hive", "hive:PATH (offline hives: Linux build only)",
    [](std::string_view, const TargetOptions&) -> Expected<std::unique_ptr<RegistryBackend>> {
      return Fail(Error::Usage(
          "hive: targets need the Linux build (libhivex); on Windows use live or reg:",
          "hive-unavailable"));
    });

}  // namespace
}  // namespace secproto
