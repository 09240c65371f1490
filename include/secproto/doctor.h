// doctor's one fix (docs/MODEL.md "One fix"): every finding on a target,
// and the single change that clears every finding a registry change can
// clear, computed by applying the findings' fixes to a copy of the target in
// memory until no fixable finding is left, and checked never to weaken it.
#ifndef SECPROTO_DOCTOR_H_
#define SECPROTO_DOCTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "secproto/changeset.h"
#include "secproto/explain.h"
#include "secproto/policy.h"
#include "secproto/registry.h"
#include "secproto/stack_explain.h"

namespace secproto {

/// Every finding on a target: the WinHTTP model's (Diagnose), then the
/// stack's (DiagnoseStack) grouped by component; each with its component.
struct TargetFindings {
  std::vector<DoctorFinding> findings;
  std::vector<std::string> components;  ///< per finding
  size_t model_findings = 0;            ///< the first ones, from the WinHTTP model
};
Expected<TargetFindings> DiagnoseTarget(const OsInfo& os, RegistryBackend& backend,
                                        std::string_view target_args,
                                        const ModelOptions& options = {});

/// The component a WinHTTP-model finding belongs to ("winhttp", "wininet",
/// "dotnet", "schannel-client", "schannel-server").
std::string ComponentOfFinding(const DoctorFinding& f);

/// The one fix.
struct DoctorFix {
  /// The fix as a policy ([registry] holds what no other part names); what
  /// `--fix-file` writes.
  Policy policy;
  /// The same as `policy apply --set` lines.
  std::vector<std::string> set_lines;
  /// `secproto policy apply --set ... --os ID TARGET`; "" when there is
  /// nothing to write, when a line would not paste into a shell (then the
  /// fix file is the way), or when the fix would weaken the machine.
  std::string command;
  /// What applying the policy writes on the target as it is now.
  std::vector<PlannedChange> changes;
  /// The codes of the findings it clears, each once, in finding order.
  std::vector<std::string> clears;
  /// The findings still there after it: updates, products, and anything the
  /// fix could not clear.
  std::vector<DoctorFinding> left;
  /// What the fix would weaken ("TLS 1.0 for clients", "suite
  /// TLS_RSA_WITH_3DES_EDE_CBC_SHA for servers"); non-empty: no command.
  std::vector<std::string> weakens;
  /// Why there is no one fix although findings have one ("" otherwise).
  std::string unavailable;
  int rounds = 0;          ///< fix rounds the simulation took
  bool converged = false;  ///< no finding with a registry fix is left after it
};

/// Computes the one fix for the findings of `backend` (read only: it is
/// never written). `target_args` as for Diagnose.
Expected<DoctorFix> ComputeDoctorFix(const OsInfo& os, RegistryBackend& backend,
                                     std::string_view target_args,
                                     const ModelOptions& options = {});

}  // namespace secproto

#endif  // SECPROTO_DOCTOR_H_
