// The stack model: what every TLS component of a Windows machine offers
// (clients) or accepts (servers), protocols and cipher suites in order, each
// with the chain of steps that produced it (docs/MODEL.md R18 to R27), and the
// stack doctor's findings. Pure code: it reads a StackConfig (secproto/stack.h)
// and the RegistryInputs of the WinHTTP model (secproto/explain.h).
#ifndef SECPROTO_STACK_EXPLAIN_H_
#define SECPROTO_STACK_EXPLAIN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/catalog.h"
#include "secproto/error.h"
#include "secproto/explain.h"
#include "secproto/policy.h"
#include "secproto/protocols.h"
#include "secproto/stack.h"

namespace secproto {

/// The components `explain --component` names.
enum class Component { kSchannelClient, kSchannelServer, kWinHttp, kWinInet, kDotnet };
/// "schannel-client", "schannel-server", "winhttp", "wininet", "dotnet".
std::string_view ComponentName(Component c);
/// Every component, in the order above.
std::vector<Component> AllComponents();
/// Parses names (each item may be a comma list); kUsage "unknown-component"
/// naming the valid ones otherwise. Duplicates are dropped; order is kept.
Expected<std::vector<Component>> ParseComponents(const std::vector<std::string>& items);

/// One step of a component's chain.
struct StackStep {
  std::string name;     ///< "protocols", "suite-order", "os-suites", "legacy-keys", ...
  std::string outcome;  ///< "used", "removed", "unchanged", "ignored", ...
  std::string detail;   ///< one or two sentences, with the reason
  std::string source;   ///< the docs/MODEL.md rule and its primary source
};

/// What one variant of a component (a bitness, a scope, a .NET version)
/// offers or accepts.
struct ComponentVariant {
  std::string name;  ///< "" for single-variant components; "64", "32", "machine-64", "v4-64" ...
  std::vector<std::string> protocols;  ///< protocol names, highest first
  std::vector<std::string> suites;     ///< IANA names, in the order offered / preferred
  std::vector<std::string> curves;     ///< Windows curve names in order (SCHANNEL only)
  std::vector<StackStep> steps;
  bool in_effect = true;  ///< false: a scope overridden by a higher one (WinINet)
  /// Which processes the line describes, when a variant is not for every
  /// process of its view (.NET: the runtime and target version); "" for all.
  std::string applies_to;
};

/// One component: its variants; the first is the one shown first (the
/// 64-bit view, the scope in effect, .NET 4 64-bit).
struct ComponentExplanation {
  Component component = Component::kSchannelClient;
  std::vector<ComponentVariant> variants;
  const ComponentVariant& Main() const { return variants.front(); }
};

/// The suite order SCHANNEL uses, before the protocol filters: where it
/// came from and what was skipped.
struct SuiteOrder {
  std::string source;                ///< "policy", "local", "os-default"
  std::vector<std::string> names;    ///< as listed (Windows names)
  std::vector<std::string> unknown;  ///< listed names the OS lacks (skipped by SCHANNEL)
  bool policy_wrong_type = false;    ///< a Policies `Functions` that is not REG_SZ (ignored)
};

/// The names of a suite or curve list value: a REG_SZ split at commas, a
/// REG_MULTI_SZ at NULs; blanks trimmed, empty items dropped.
std::vector<std::string> SplitSuiteValue(const RegValue& v);

/// The SCHANNEL `Ciphers\` key that governs the suite's bulk cipher
/// (KB245030): "RC4 56/128" for TLS_RSA_EXPORT1024_WITH_RC4_56_SHA, "RC4
/// 40/128" for the 40-bit export suites, "Triple DES 168", "DES 56/56",
/// "NULL"; "" for the ciphers it leaves to the suite order (AES).
std::string_view CipherKeyOf(const CipherSuiteInfo& s);

/// The suite order in force (R20): a REG_SZ policy `Functions`, else the
/// local `Functions`, else the OS default order.
SuiteOrder ResolveSuiteOrder(const OsTlsInfo& tls, const StackConfig& stack);

/// Protocols SCHANNEL has on by default for one side, as protocol bits
/// (R18, R19): OS default overridden by `Enabled` / `DisabledByDefault`.
uint32_t SchannelSideBits(const OsInfo& os, const OsTlsInfo& tls, const StackConfig& stack,
                          bool server);

/// Every requested component for the machine. `inputs` supplies the WinHTTP
/// chain, WinINet and .NET reads; `stack` the SCHANNEL and suite settings.
std::vector<ComponentExplanation> ExplainStack(const OsInfo& os, const OsTlsInfo& tls,
                                               const StackConfig& stack,
                                               const RegistryInputs& inputs,
                                               const std::vector<Component>& components,
                                               const ModelOptions& options = {});

/// Applies a compiled policy's changes to a registry (for `explain --tls-policy`).
/// REQUIRES: the backend is writable (a mem backend).
Status ApplyChangesForWhatIf(RegistryBackend& backend, const std::vector<RegChange>& changes);

// --- The stack doctor -----------------------------------------------------------

/// The stack findings (codes of docs/MODEL.md "Stack doctor codes"), each
/// with `component` set. `target_args` as for Diagnose; `os_args` the
/// `--os ID` flag to pass to `policy apply` ("" when the target says it).
struct StackFinding {
  DoctorFinding finding;
  std::string
      component;  ///< "schannel-client", "schannel-server", "winhttp", "wininet", "dotnet", "stack"
};
std::vector<StackFinding> DiagnoseStack(const OsInfo& os, const OsTlsInfo& tls,
                                        const StackConfig& stack, const RegistryInputs& inputs,
                                        RegistryBackend* backend, std::string_view target_args);

}  // namespace secproto

#endif  // SECPROTO_STACK_EXPLAIN_H_
