// The model's rules as docs/MODEL.md numbers them, each with its primary
// source, for the `source` fields of explain and doctor. One place, so that
// output, JSON and docs cite the same ids.
#ifndef SECPROTO_EXPLAIN_RULES_H_
#define SECPROTO_EXPLAIN_RULES_H_

#include <string_view>

namespace secproto::rules {

inline constexpr std::string_view kR1 = "R1 (KB3140245; Registry Redirector)";
inline constexpr std::string_view kR2 =
    "R2 (winhttp.dll; Configure secure protocol options for WinHTTP)";
inline constexpr std::string_view kR3 = "R3 (value handling seen in winhttp.dll)";
inline constexpr std::string_view kR4 =
    "R4 (KB3140245; WINHTTP_OPTION_SECURE_PROTOCOLS in Option Flags; KB5017811)";
inline constexpr std::string_view kR5 = "R5 (KB3140245; Component Based Servicing package keys)";
inline constexpr std::string_view kR6 =
    "R6 (Option Flags: \"If an application does not call WinHttpSetOption\"; dotnet/runtime "
    "WinHttpHandler)";
inline constexpr std::string_view kR7 = "R7 (Protocols in TLS/SSL (Schannel SSP))";
inline constexpr std::string_view kR8 =
    "R8 (KB3140245: \"overruled by SCHANNEL disabled protocols\")";
inline constexpr std::string_view kR9 =
    "R9 (KB3140245: Schannel \"be configured to support TLS 1.1 and 1.2\"; Easy Fix 51044)";
inline constexpr std::string_view kR10 = "R10 (Protocols in TLS/SSL (Schannel SSP))";
inline constexpr std::string_view kR11 = "R11 (Transport Layer Security (TLS) registry settings)";
inline constexpr std::string_view kR12 = "R12 (follows from R3 to R9)";
inline constexpr std::string_view kR13 = "R13 (seen in winhttp.dll; undocumented)";
inline constexpr std::string_view kR14 =
    "R14 (inetres.admx \"Turn off encryption support\", Computer and User Configuration)";
inline constexpr std::string_view kR15 =
    "R15 (Transport Layer Security (TLS) best practices with the .NET Framework)";
inline constexpr std::string_view kR16 = "R16 (KB3140245, Easy Fix 51044)";
inline constexpr std::string_view kR17 = "R17 (secproto's own rule)";

}  // namespace secproto::rules

#endif  // SECPROTO_EXPLAIN_RULES_H_
