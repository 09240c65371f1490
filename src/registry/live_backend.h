// Test hooks of the live (Win32) backend. The backend itself is reached only
// through OpenTarget("live"); it exists in the Windows build only.
#ifndef SECPROTO_REGISTRY_LIVE_BACKEND_H_
#define SECPROTO_REGISTRY_LIVE_BACKEND_H_

#include <optional>

namespace secproto {

/// The error a write-open of `live` gives when the process token is not
/// elevated: kTarget, code "not-elevated", exit 3.
inline constexpr const char* kNotElevatedMessage =
    "live: writing HKLM needs administrator rights: run from an elevated prompt "
    "(Run as administrator); nothing was written";

#ifdef _WIN32
/// Overrides the token check: nullopt (the default) asks the token; true or
/// false pretend. For tests of the not-elevated path.
void TEST_SetElevatedOverride(std::optional<bool> elevated);
#endif

}  // namespace secproto

#endif  // SECPROTO_REGISTRY_LIVE_BACKEND_H_
