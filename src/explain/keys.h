// Registry keys of the settings around WinHTTP (docs/MODEL.md R5, R14, R15), shared by
// the reader (inputs.cc) and the fix writers (related.cc).
#ifndef SECPROTO_EXPLAIN_KEYS_H_
#define SECPROTO_EXPLAIN_KEYS_H_

#include <string_view>

namespace secproto {

/// WinINet SecureProtocols: machine (both views), Group Policy, and user.
inline constexpr std::string_view kWinInetKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetPolicyKey =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetUserKey =
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetUserPolicyKey =
    "HKCU\\Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
/// Installed updates: one Package_for_KB<n>~<token>~<arch>~~<version> subkey
/// per package (R5).
inline constexpr std::string_view kCbsPackagesKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages";
/// The .NET keys holding SystemDefaultTlsVersions and SchUseStrongCrypto
/// (each in both views: four keys).
inline constexpr std::string_view kDotNetKeys[] = {
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
};

}  // namespace secproto

#endif  // SECPROTO_EXPLAIN_KEYS_H_
