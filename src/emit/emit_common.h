// Shared by the emitters: the header comment every artifact carries and the
// facts each one needs (keys of both views, restart advice). Internal.
#ifndef SECPROTO_EMIT_EMIT_COMMON_H_
#define SECPROTO_EMIT_EMIT_COMMON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emit/emit_text.h"
#include "secproto/emit.h"

namespace secproto::emit_internal {

/// The two physical keys, native first, without the HKLM root.
struct ViewKey {
  std::string view;    ///< "64" or "32"
  std::string subkey;  ///< "SOFTWARE\\..."
  std::string who;     ///< "64-bit processes (native key)"
};
std::vector<ViewKey> ViewKeys();

/// One SCHANNEL client key of --with-schannel, below HKLM.
struct SchannelKey {
  std::string protocol;  ///< "TLS 1.2"
  std::string id;        ///< "Tls12", for resource and task names
  std::string subkey;    ///< "SYSTEM\\CurrentControlSet\\...\\TLS 1.2\\Client"
};
/// The keys to write, empty unless with_schannel; each gets both values.
std::vector<SchannelKey> SchannelKeys(const ExportOptions& o);
/// Enabled=1 and DisabledByDefault=0, in write order.
inline constexpr std::pair<std::string_view, uint32_t> kSchannelValues[] = {
    {"Enabled", 1}, {"DisabledByDefault", 0}};

/// "modern = 0x00002800 (TLS 1.2, TLS 1.3)", or the removal sentence.
std::string PolicyLine(const ExportOptions& o);

/// The header lines (no comment markers): policy, value, keys, type,
/// `apply` (how to apply, may be several lines), restart advice, version
/// and the command that regenerates the artifact.
std::vector<std::string> HeaderLines(const ExportOptions& o, ExportFormat format,
                                     const std::vector<std::string>& apply);

/// "0x00002800".
std::string Hex(uint32_t v);
/// "00002800".
std::string Hex8(uint32_t v);

/// The services to restart, "WinRM, WebClient, iphlpsvc, wuauserv".
std::string RestartServices();

// Per-format emitters (emit_*.cc).
Artifact EmitReg(const ExportOptions& o);
Artifact EmitPs1(const ExportOptions& o);
Artifact EmitIntune(const ExportOptions& o);
Artifact EmitDsc(const ExportOptions& o);
Artifact EmitGpp(const ExportOptions& o);
Artifact EmitAnsible(const ExportOptions& o);

/// The PowerShell remediation script shared by ps1 and intune.
std::string Ps1Script(const ExportOptions& o, ExportFormat format,
                      const std::vector<std::string>& apply);

}  // namespace secproto::emit_internal

#endif  // SECPROTO_EMIT_EMIT_COMMON_H_
