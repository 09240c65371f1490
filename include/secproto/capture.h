// `policy capture`: a target's current TLS stack (ReadStack) as a policy file
// that LoadPolicy reads back, so that a machine someone tuned by hand, an
// image, or an IIS Crypto .reg backup becomes a reviewed policy
// (docs/POLICY.md, "Capturing a machine").
#ifndef SECPROTO_CAPTURE_H_
#define SECPROTO_CAPTURE_H_

#include <string>
#include <vector>

#include "secproto/error.h"
#include "secproto/policy.h"
#include "secproto/registry.h"
#include "secproto/stack.h"

namespace secproto {

struct CaptureOptions {
  /// The OS id the stack is read against (its defaults and catalogs); empty:
  /// detected from the target's CurrentVersion (kUsage "no-os" when it cannot be).
  std::string os_id;
  /// What a part the target holds no value of becomes: kReset (default: the
  /// policy removes such overrides elsewhere, so applied to another machine
  /// it reproduces this one) or kLeave (the policy leaves that part alone).
  Manage untouched = Manage::kReset;
  /// The capture time written into the header (UTC, ISO 8601); empty: now.
  std::string captured_at;
};

struct CaptureResult {
  Policy policy;
  std::string target;        ///< RegistryBackend::Describe()
  std::string os_id;         ///< the OS the stack was read against
  bool os_detected = false;  ///< true when detected from the target, false when given
  std::string captured_at;   ///< UTC, ISO 8601
  /// What the reader should know: values not captured and why (unknown suite
  /// names, an ignored REG_MULTI_SZ suite order, Enabled = 0xFFFFFFFF read as
  /// on, partial parts, ...). One sentence each.
  std::vector<std::string> notes;
  /// Values the target holds in another form than the captured policy writes
  /// them (Enabled 0xFFFFFFFF -> 1, a missing DisabledByDefault, ...):
  /// `policy check` of the same target reports exactly these as drift until
  /// the policy is applied. Empty: the target complies with the policy as is.
  std::vector<std::string> normalised;
  /// The sections a partial source (a .reg file: RegistryBackend::IsPartial)
  /// does not show, left alone instead of `reset` ("dotnet", "curves",
  /// "key_sizes", ...; the policy file's section names). Said in `notes` and
  /// in the TOML header too. Empty for hives, images and the live registry.
  std::vector<std::string> not_in_source;
};

/// Reads the stack of `backend` and turns it into a policy. Reads only.
Expected<CaptureResult> CapturePolicy(RegistryBackend& backend, const CaptureOptions& options);

/// The stack as a policy for `os_id` (pure: the catalogs only). `normalised`
/// is left empty: it needs the target (CapturePolicy fills it).
Expected<CaptureResult> CaptureFromStack(const StackConfig& stack, std::string_view os_id,
                                         const CaptureOptions& options = {});

/// The captured policy as TOML, with a comment header saying where and when it
/// was captured and what was noted; LoadPolicy reads it back.
std::string CaptureToToml(const CaptureResult& capture);

}  // namespace secproto

#endif  // SECPROTO_CAPTURE_H_
