// The stack model's rules as docs/MODEL.md numbers them (R18 on), each with
// its primary source, for the `source` fields of explain --component and the
// stack doctor codes.
#ifndef SECPROTO_EXPLAIN_STACK_RULES_H_
#define SECPROTO_EXPLAIN_STACK_RULES_H_

#include <string_view>

namespace secproto::stack_rules {

inline constexpr std::string_view kR18 =
    "R18 (Protocols in TLS/SSL (Schannel SSP); Transport Layer Security (TLS) registry settings)";
inline constexpr std::string_view kR19 =
    "R19 (Protocols in TLS/SSL (Schannel SSP), server defaults; Transport Layer Security (TLS) "
    "registry settings)";
inline constexpr std::string_view kR20 =
    "R20 (Manage Transport Layer Security (TLS); Prioritizing Schannel Cipher Suites)";
inline constexpr std::string_view kR21 =
    "R21 (Cipher Suites in TLS/SSL (Schannel SSP) and its per-OS pages)";
inline constexpr std::string_view kR22 =
    "R22 (KB245030; Transport Layer Security (TLS) registry settings)";
/// R22 for the keys KB245030 does not cover (it "applies to Windows Server 2003
/// and earlier"): AES ciphers, the Diffie-Hellman and ECDH key exchange
/// subkeys and the SHA-2 hashes on current Windows.
inline constexpr std::string_view kR22Infer =
    "R22 [infer]: beyond KB245030, which applies to Windows Server 2003 and earlier; Transport "
    "Layer Security (TLS) registry settings says ciphers and hashes \"should be controlled by "
    "configuring the cipher suite order\"";
inline constexpr std::string_view kR23 =
    "R23 (FipsAlgorithmPolicy; NIST SP 800-52 Rev. 2 section 3.3.1) [unsure]";
inline constexpr std::string_view kR24 =
    "R24 (Manage Transport Layer Security (TLS): ECC Curve Order; Policy CSP SSLCurveOrder)";
inline constexpr std::string_view kR25 =
    "R25 (WinHTTP asks SCHANNEL for its system defaults: the client suite list) [infer]";
inline constexpr std::string_view kR26 = "R26 (KB4032720; RFC 7540 section 9.2.2)";
inline constexpr std::string_view kR27 =
    "R27 (Transport Layer Security (TLS) best practices with the .NET Framework)";
inline constexpr std::string_view kR28 =
    "R28 (KB245030; Transport Layer Security (TLS) registry settings: Enabled is 0 or 1)";
inline constexpr std::string_view kR29 =
    "R29 (Manage Transport Layer Security (TLS): the list is limited to 1,023 characters; "
    "AuditTAP #448: a REG_MULTI_SZ there is ignored)";
inline constexpr std::string_view kR30 =
    "R30 (Protocols in TLS/SSL (Schannel SSP): TLS 1.3 on earlier versions \"is not a safe "
    "system configuration\")";
inline constexpr std::string_view kR31 =
    "R31 (KB3080079 for RDP on Server 2008 R2; KB3135244 for SQL Server)";
inline constexpr std::string_view kR32 =
    "R32 (Transport Layer Security (TLS) registry settings: EventLogging, "
    "Diffie-Hellman ServerMinKeyBitLength)";

}  // namespace secproto::stack_rules

#endif  // SECPROTO_EXPLAIN_STACK_RULES_H_
