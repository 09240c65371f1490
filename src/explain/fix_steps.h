// A doctor finding's fix as two things: the secproto command an admin runs
// for that finding alone, and the registry changes that command makes, so
// that doctor can merge every finding's changes into one fix
// (src/explain/doctor_fix.cc).
#ifndef SECPROTO_EXPLAIN_FIX_STEPS_H_
#define SECPROTO_EXPLAIN_FIX_STEPS_H_

#include <string>
#include <vector>

#include "secproto/explain.h"
#include "secproto/policy.h"
#include "secproto/suites.h"

namespace secproto {

struct FixStep {
  std::string command;  ///< "" when it would not paste safely (the finding says why)
  std::vector<RegChange> changes;
};

/// What `secproto set VALUE` writes: DefaultSecureProtocols in each view of
/// the OS.
std::vector<RegChange> WinHttpValueChanges(uint32_t value, Architecture arch);
/// The REG_DWORDs of `schannel set`, `wininet set`, `dotnet set` as changes.
std::vector<RegChange> RelatedChanges(const std::vector<RelatedWrite>& writes, Effect effect);
/// What `policy apply --set LINE... --os OS` writes on a target whose OS has
/// `arch` (no 32-bit view on a 32-bit OS); empty when the lines do not compile.
std::vector<RegChange> PolicySetChanges(const std::vector<std::string>& lines,
                                        const OsInfo& os, Architecture arch);
/// A suite a fix must never bring in: RC4, DES, 3DES, NULL, RC2 (a
/// Ciphers\ key governs it, CipherKeyOf), export or anonymous.
bool WeakSuite(const CipherSuiteInfo& s);
/// A Ciphers\ or Hashes\ key a fix may only turn off: NULL, DES, Triple
/// DES, RC2, RC4, MD5.
bool WeakAlgorithmKey(std::string_view name);
/// A TOML array of literal strings ('...'), the form a --set line pastes in.
std::string TomlArray(const std::vector<std::string>& names);

/// The finding's fix: commands into fix_steps and fix, changes into
/// fix_changes.
void PutFix(DoctorFinding& f, std::vector<FixStep> steps);

}  // namespace secproto

#endif  // SECPROTO_EXPLAIN_FIX_STEPS_H_
