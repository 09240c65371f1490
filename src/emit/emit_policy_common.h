// Shared by the whole-stack policy emitters (emit_policy*.cc). Internal.
#ifndef SECPROTO_EMIT_EMIT_POLICY_COMMON_H_
#define SECPROTO_EMIT_EMIT_POLICY_COMMON_H_

#include <string>
#include <string_view>
#include <vector>

#include "emit/emit_text.h"
#include "secproto/fleet_policy.h"

namespace secproto::policy_emit {

using emit_internal::Comment;
using emit_internal::PsBlockComment;
using emit_internal::RegBytes;
using emit_internal::RegFileHead;
using emit_internal::WrapHeader;

/// The text of a REG_SZ (without its NUL), or "" for another type.
std::string SzText(const RegValue& v);
/// The strings of a REG_MULTI_SZ.
std::vector<std::string> MultiSzItems(const RegValue& v);

/// How the deployment tools name a value's type.
struct TypeNames {
  std::string_view ps;       ///< PowerShell RegistryValueKind: "DWord", "String", "MultiString"
  std::string_view dsc;      ///< DSC Registry ValueType: "Dword", "String", "MultiString"
  std::string_view ansible;  ///< ansible.windows.win_regedit type: "dword", "string", "multistring"
};
/// The names of the value's type: REG_MULTI_SZ, REG_SZ, else REG_DWORD.
const TypeNames& TypeNamesOf(const RegValue& v);
/// A single-quoted scalar as PowerShell and YAML both read it: the text is
/// literal (backslashes too) and a quote is doubled.
std::string SingleQuote(std::string_view s);
/// "REG_DWORD", "REG_SZ", "REG_MULTI_SZ".
std::string TypeName(const RegValue& v);
/// The value as people read it: "0x00000001 (1)", "\"a,b\"", "[a, b]".
std::string ValueText(const RegValue& v);

/// The physical key without the HKLM root: "SYSTEM\\...", "SOFTWARE\\WOW6432Node\\...".
std::string SubkeyOf(const FleetItem& item);
/// Whether the item is the WOW6432Node twin (absent on 32-bit Windows).
bool IsWow(const FleetItem& item);

/// Header lines (no comment markers), wrapped at 76 columns: policy, OS mix,
/// value counts, reboot, notes, `apply`, the command that regenerates it.
std::vector<std::string> PolicyHeader(const FleetPolicy& fp, PolicyExportFormat format,
                                      const std::vector<std::string>& apply);
/// The reboot sentence: which components need one, or that none does.
std::string RebootLine(const FleetPolicy& fp);
/// "secproto export --tls-policy modern --format reg --os-mix a,b [--unset]".
std::string RegenerateCommand(const FleetPolicy& fp, PolicyExportFormat format);

// Per-format emitters.
Artifact EmitPolicyReg(const FleetPolicy& fp);
Artifact EmitPolicyPs1(const FleetPolicy& fp);
Artifact EmitPolicyIntune(const FleetPolicy& fp);
Artifact EmitPolicyDsc(const FleetPolicy& fp);
Artifact EmitPolicyGpp(const FleetPolicy& fp, const PolicyExportOptions& o);
Artifact EmitPolicyAnsible(const FleetPolicy& fp);
Artifact EmitCollectPs1(const FleetPolicy& fp);
Artifact EmitCollectAnsible(const FleetPolicy& fp);
/// The PowerShell collection body shared by collect-ps1 and collect-ansible:
/// writes one combined .reg to $OutFile.
std::string CollectPsBody(const FleetPolicy& fp);

}  // namespace secproto::policy_emit

#endif  // SECPROTO_EMIT_EMIT_POLICY_COMMON_H_
