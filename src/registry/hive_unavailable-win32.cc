// The Windows build has no hive backend (hivex is Linux-only). The hive: and
// image: schemes are still registered so that `--target hive:...` gets one
// clear line instead of "unknown target".
#include "registry/regf.h"
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

// image:DIR reads the hives of a mounted volume through the same backend.
const bool kImageRegistered = RegisterTargetScheme(
    "image", "image:DIR (mounted Windows volumes: Linux build only)",
    [](std::string_view, const TargetOptions&) -> Expected<std::unique_ptr<RegistryBackend>> {
      return Fail(Error::Usage(
          "image: targets need the Linux build (libhivex); on Windows use live or reg:",
          "hive-unavailable"));
    });

}  // namespace

Status CreateBlankSystemHiveFile(const std::string&, bool) {
  return Fail(
      Error::Usage("hive create --system needs the Linux build (libhivex)", "hive-unavailable"));
}

}  // namespace secproto
