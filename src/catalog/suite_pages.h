// The rows of Microsoft's "TLS Cipher Suites in Windows ..." pages, one
// SuitePage per page, as transcribed in suite_pages.cc. Internal to the
// catalog; everything else reads secproto/catalog.h.
#ifndef SECPROTO_CATALOG_SUITE_PAGES_H_
#define SECPROTO_CATALOG_SUITE_PAGES_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace secproto::catalog {

/// One row of a page's table.
struct PageSuite {
  std::string_view name;  ///< as the page writes it (with _P256 ... before Windows 10)
  bool strong;            ///< "Allowed by SCH_USE_STRONG_CRYPTO"
  uint32_t protocols;     ///< "TLS/SSL Protocol versions" as WinHTTP protocol bits
  bool explicit_only;     ///< "Only used when application explicitly requests"
};

/// One page.
struct SuitePage {
  std::string_view key;                  ///< "w10_22h2"
  std::string_view title;                ///< the page title
  std::span<const PageSuite> enabled;    ///< enabled by default, in priority order
  std::span<const PageSuite> supported;  ///< supported, not enabled by default
  std::span<const PageSuite> psk;        ///< PSK suites (used only when an app asks for PSK)
};

/// Every transcribed page.
std::span<const SuitePage> SuitePages();

}  // namespace secproto::catalog

#endif  // SECPROTO_CATALOG_SUITE_PAGES_H_
