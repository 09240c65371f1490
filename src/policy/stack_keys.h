// Keys the stack reading needs beyond those the policy writes
// (include/secproto/policy.h) and those around WinHTTP (src/explain/keys.h).
#ifndef SECPROTO_POLICY_STACK_KEYS_H_
#define SECPROTO_POLICY_STACK_KEYS_H_

#include <string_view>

namespace secproto {

/// The local cipher suite list (`Functions`, REG_MULTI_SZ) and curve list
/// (`EccCurves`) that Windows keeps when no Group Policy order is set
/// (Manage Transport Layer Security (TLS)); editing it directly is unsupported.
inline constexpr std::string_view kSuiteLocalKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002";

}  // namespace secproto

#endif  // SECPROTO_POLICY_STACK_KEYS_H_
