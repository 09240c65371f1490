// Deployment artifacts for the DefaultSecureProtocols setting: a .reg file, a
// PowerShell script, an Intune Remediation, Group Policy Preferences XML, an
// Ansible playbook or role, and a DSC configuration. Every artifact covers
// both registry views, writes an explicit REG_DWORD, creates the key when it
// is missing, and starts with a comment naming the policy, the value, the
// secproto version and how to apply it. Emitters are pure: they return file
// contents and never touch the disk.
#ifndef SECPROTO_EMIT_H_
#define SECPROTO_EMIT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"

namespace secproto {

/// The artifact formats of `secproto export`.
enum class ExportFormat { kReg, kPs1, kIntune, kGpp, kAnsible, kDsc };

/// "reg", "ps1", "intune", "gpp", "ansible", "dsc".
std::string_view ExportFormatName(ExportFormat f);

/// Parses a --format argument (case-insensitive); a kUsage error lists the
/// formats.
Expected<ExportFormat> ParseExportFormat(std::string_view text);

/// What to emit.
struct ExportOptions {
  /// The DefaultSecureProtocols value. REQUIRES: valid (non-zero, known bits)
  /// unless `unset`; Emit checks and returns kInput otherwise.
  uint32_t value = 0;
  /// The policy as the user named it ("modern", "tls1.2,tls1.3"), for the
  /// header comment. May be empty.
  std::string policy;
  /// Remove the value instead of setting it.
  bool unset = false;
  /// gpp: lay out a GPO backup tree (Machine/Preferences/Registry/Registry.xml).
  bool gpo_backup = false;
  /// ansible: a role layout instead of a single playbook.
  bool ansible_role = false;
  /// Also write the SCHANNEL client keys of the value's protocols (TLS 1.0 to
  /// 1.2; never SSL, nor TLS 1.3) with Enabled=1 and DisabledByDefault=0, as
  /// Microsoft's Easy Fix 51044 does for KB3140245: Windows 7 / Server 2008 R2
  /// have TLS 1.1 and 1.2 off for clients, and WinHTTP cannot use them until
  /// then (docs/MODEL.md R9, R16). REQUIRES: !unset.
  bool with_schannel = false;
  /// gpp: derive uids from the item index and use a fixed "changed" time, so
  /// that output is byte-identical across runs (golden tests).
  bool fixed_ids = false;
};

/// One file of an artifact. `path` is relative to the output location and
/// uses '/' separators; it is empty for a single-file artifact.
struct ArtifactFile {
  std::string path;
  std::string content;  ///< exact bytes (UTF-16LE for .reg)
};

/// The files of an artifact. `is_directory` is true when the artifact is a
/// folder (intune, gpp --gpo-backup, ansible --role); then every file has a
/// non-empty path.
struct Artifact {
  bool is_directory = false;
  std::vector<ArtifactFile> files;
};

/// Builds the artifact. Deterministic for the same options, except the GPP
/// uids and "changed" timestamps when !fixed_ids.
Expected<Artifact> Emit(ExportFormat format, const ExportOptions& options);

/// The registry key of one view as Windows tools spell it, for emitters:
/// "SOFTWARE\\Microsoft\\...\\WinHttp" (native, view 64) or
/// "SOFTWARE\\WOW6432Node\\Microsoft\\...\\WinHttp" (view 32), without root.
std::string WinHttpSubkey(bool wow6432node);

/// Escapes text for an XML attribute value or element content.
std::string XmlEscape(std::string_view text);

/// A random RFC 4122 version-4 GUID in braces, upper-case: "{1B2C...}".
std::string NewGuid();

}  // namespace secproto

#endif  // SECPROTO_EMIT_H_
