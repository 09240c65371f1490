// Per-OS TLS facts as data: the cipher suites each Windows version has, their
// default order, the curves and their default order, and SCHANNEL's server
// defaults beside the client defaults of the OS catalog (secproto/explain.h).
// Each part names its source (a Microsoft page title) and its confidence.
#ifndef SECPROTO_CATALOG_H_
#define SECPROTO_CATALOG_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/explain.h"
#include "secproto/suites.h"

namespace secproto {

/// One cipher suite as one OS has it.
struct OsSuite {
  const CipherSuiteInfo* suite = nullptr;  ///< the core table's row
  std::string windows_name;                ///< as this OS names it: "..._P256" on Windows 7/8/8.1
  bool enabled = false;                    ///< in the default enabled list
  bool strong = false;                     ///< allowed by SCH_USE_STRONG_CRYPTO on this OS
  uint32_t protocols = 0;                  ///< protocol bits the page gives for this OS
  bool explicit_only = false;  ///< used only when an application asks for it (NULL, SSL 2.0)
  bool psk = false;            ///< a PSK suite (used only when an application asks for PSK)
  /// Approved for FIPS mode per NIST SP 800-52 Rev. 2 section 3.3.1 (AES with
  /// SHA-1/SHA-2, non-export): Microsoft's pages dropped their FIPS column as
  /// "misleading" and point there. Confidence: infer.
  bool fips = false;
};

/// One curve / supported group as one OS has it.
struct OsCurve {
  const CurveInfo* curve = nullptr;
  std::string windows_name;  ///< as this OS's page writes it ("NistP256", "nistP256")
  bool enabled = false;      ///< in the default order
  bool fips = false;         ///< "Available in FIPS mode" on the page
  /// The build and update revision (UBR) the group needs when the OS row's
  /// own build does not have it from the start: the ML-KEM hybrids need
  /// 26100.8514 (Windows 11 24H2, 25H2), 28000.2173 (26H2) and 29550 (Server),
  /// "TLS Supported Groups in Windows 11 versions 24H2 and later". 0: every
  /// build of the row has it; needs_revision 0: every revision of needs_build.
  uint32_t needs_build = 0;
  uint32_t needs_revision = 0;
};

/// The TLS catalog row of one OS id.
struct OsTlsInfo {
  std::string os_id;

  /// False for an OS with no Microsoft per-OS suite page (none today; Server
  /// 2008 SP2 reads "TLS Cipher Suites in Windows Vista"): the suite lists
  /// are empty and compile refuses to write a suite order.
  bool has_suites = false;
  std::vector<OsSuite> suites;  ///< enabled ones first in default order, then the rest
  std::string suites_source;    ///< "TLS Cipher Suites in Windows 10 v22H2"
  Confidence suites_confidence = Confidence::kDoc;
  std::string suites_note;  ///< e.g. the Server 2022 23H2 change; empty when none
  /// Whether the OS names ECDHE suites with a curve suffix (Windows 7, 8, 8.1).
  bool curve_suffixes = false;

  /// Whether the OS reads an ECC curve order (EccCurves), Windows 10 on.
  bool curve_order_setting = false;
  std::vector<OsCurve> curves;  ///< enabled ones first in default order, then the rest
  std::string curves_source;
  Confidence curves_confidence = Confidence::kDoc;

  /// SCHANNEL server defaults when no key exists, indexed by Protocol.
  std::array<SchannelDefault, kProtocolCount> schannel_server{};
  std::string schannel_source;  ///< "Protocols in TLS/SSL (Schannel SSP)"

  /// The default enabled suites' Windows names in order.
  std::vector<std::string> DefaultSuiteOrder() const;
  /// The default curve order.
  std::vector<std::string> DefaultCurveOrder() const;
  /// The OS's row for a core suite, or nullptr when the OS lacks it. On an
  /// OS with curve suffixes the unsuffixed base is found through any suffix.
  const OsSuite* FindSuite(const CipherSuiteInfo& suite) const;
  /// The OS's row for a curve, or nullptr.
  const OsCurve* FindCurve(const CurveInfo& curve) const;
};

/// The TLS row for an OS id of the OS catalog (kUsage "unknown-os" otherwise).
Expected<OsTlsInfo> FindOsTls(std::string_view os_id);

/// The running Windows as a person names it: "Windows 7 SP1", "Windows Server
/// 2019", "Windows 11". `product_type` is "workstation", "server" or
/// "domain-controller"; `service_pack` the CSDVersion text ("Service Pack 1")
/// or "".
std::string WindowsName(uint32_t major, uint32_t minor, uint32_t build,
                        std::string_view product_type, std::string_view service_pack);

/// Whether that Windows honours TLS 1.3 in WinHTTP (Windows 11, build 22000,
/// and Windows Server 2022, build 20348, or later).
bool WindowsHonoursTls13(uint32_t major, uint32_t build, std::string_view product_type);

}  // namespace secproto

#endif  // SECPROTO_CATALOG_H_
