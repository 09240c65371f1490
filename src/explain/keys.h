// Registry keys of the settings around WinHTTP (FACTS section 7), shared by
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
/// The .NET keys holding SystemDefaultTlsVersions and SchUseStrongCrypto
/// (each in both views: four keys).
inline constexpr std::string_view kDotNetKeys[] = {
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
};

}  // namespace secproto

#endif  // SECPROTO_EXPLAIN_KEYS_H_
