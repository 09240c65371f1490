// Every registry key and value name secproto reads or writes, in one place.
// Paths are logical (registry.h): "HKLM\\SOFTWARE\\..." names the native key,
// and the 32-bit view of a key under HKLM\SOFTWARE is its Wow6432Node twin
// unless IsSharedBetweenViews (registry.h) says otherwise.
#ifndef SECPROTO_KEYS_H_
#define SECPROTO_KEYS_H_

#include <string_view>

namespace secproto {

// ---- Windows version (read by OS detection and `show`) ----

/// CurrentBuild, InstallationType, ProductName, DisplayVersion, ReleaseId,
/// CSDVersion. Its presence also tells a Windows SOFTWARE hive.
inline constexpr std::string_view kCurrentVersionKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
/// Exists on 64-bit Windows only (the 32-bit view's root).
inline constexpr std::string_view kWow6432NodeKey = "HKLM\\SOFTWARE\\Wow6432Node";

// ---- WinHTTP (docs/MODEL.md R1, R3) ----

/// The key of DefaultSecureProtocols (KB3140245).
inline constexpr std::string_view kWinHttpKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
/// The value the `set` family writes.
inline constexpr std::string_view kValueName = "DefaultSecureProtocols";
/// Beside kValueName in the native key only (R3).
inline constexpr std::string_view kForceDefaultValue = "ForceDefaultSecureProtocols";

// ---- WinINet (R14) ----

/// WinINet SecureProtocols: machine (both views), Group Policy, and user.
inline constexpr std::string_view kWinInetKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetPolicyKey =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetUserKey =
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kWinInetUserPolicyKey =
    "HKCU\\Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kSecureProtocolsValue = "SecureProtocols";

// ---- Installed updates (R5) ----

/// One Package_for_KB<n>~<token>~<arch>~~<version> subkey per package.
inline constexpr std::string_view kCbsPackagesKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages";

// ---- .NET Framework (R15) ----

/// The .NET keys holding SystemDefaultTlsVersions and SchUseStrongCrypto
/// (each in both views: four keys).
inline constexpr std::string_view kDotNetKeys[] = {
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
    "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
};
inline constexpr std::string_view kSystemDefaultTlsVersionsValue = "SystemDefaultTlsVersions";
inline constexpr std::string_view kSchUseStrongCryptoValue = "SchUseStrongCrypto";

// ---- SCHANNEL and the policies beside it ----

inline constexpr std::string_view kSchannelKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL";
/// Protocols\<name>\Client and \Server below it (R9).
inline constexpr std::string_view kSchannelProtocolsKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols";
/// The Group Policy "SSL Cipher Suite Order" (Functions).
inline constexpr std::string_view kSuitePolicyKey =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002";
/// "System cryptography: Use FIPS compliant algorithms" (Enabled).
/// The local cipher suite list (`Functions`, REG_MULTI_SZ) and curve list
/// (`EccCurves`) that Windows keeps when no Group Policy order is set
/// (Manage Transport Layer Security (TLS)); editing it directly is unsupported.
inline constexpr std::string_view kSuiteLocalKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002";
/// SQL Server's key; the instances key under it means SQL Server is installed
/// (its subkeys "MSSQL<major>.<name>" are the instances).
inline constexpr std::string_view kSqlServerKey = "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server";
inline constexpr std::string_view kSqlInstancesKey =
    "HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL";
inline constexpr std::string_view kFipsKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy";
/// The on/off pair of a SCHANNEL protocol key (and Enabled of kFipsKey).
inline constexpr std::string_view kEnabledValue = "Enabled";
inline constexpr std::string_view kDisabledByDefaultValue = "DisabledByDefault";

}  // namespace secproto

#endif  // SECPROTO_KEYS_H_
