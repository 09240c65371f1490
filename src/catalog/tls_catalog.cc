// The per-OS TLS catalog: which page describes which OS id, the curves per
// Windows generation, and SCHANNEL's server defaults ("Protocols in TLS/SSL
// (Schannel SSP)", the TLS, DTLS and pre-TLS tables, Server column).
#include <algorithm>
#include <cctype>
#include <string>

#include "catalog/suite_pages.h"
#include "secproto/catalog.h"
#include "core/strings.h"

namespace secproto {
namespace {

using S = SchannelDefault;

// The page that describes each OS id of the OS catalog.
struct PageFor {
  std::string_view os_id;
  std::string_view page_key;
};
constexpr PageFor kPageFor[] = {
    {"ws2008", "vista"},
    {"win7", "w7"},
    {"ws2008r2", "w7"},
    {"win8", "w8"},
    {"ws2012", "w8"},
    {"win81", "w81"},
    {"ws2012r2", "w81"},
    {"win10-1507", "w10_1507"},
    {"win10-1511", "w10_1511"},
    {"win10-1607", "w10_1607"},
    {"ws2016", "w10_1607"},
    {"win10-1703", "w10_1703"},
    {"win10-1709", "w10_1709"},
    {"win10-1803", "w10_1803"},
    {"win10-1809", "w10_1809"},
    {"ws2019", "w10_1809"},
    {"win10-1903", "w10_1903"},
    {"win10-1909", "w10_1903"},
    {"win10-2004", "w10_1903"},
    {"win10-20h2", "w10_20h2"},
    {"win10-21h1", "w10_20h2"},
    {"win10-21h2", "w10_20h2"},
    {"win10-22h2", "w10_22h2"},
    {"ws2022", "ws2022"},
    {"win11-21h2", "w11"},
    {"win11-22h2", "w11_22h2"},
    {"win11-23h2", "w11_22h2"},
    {"win11-24h2", "w11_22h2"},
    {"ws2025", "ws2025"},
};

constexpr std::string_view kSchannelPage = "Protocols in TLS/SSL (Schannel SSP)";
constexpr std::string_view kCurves1507 = "TLS Elliptic Curves in Windows 10 version 1507 and 1511";
constexpr std::string_view kCurves1607 = "TLS Elliptic Curves in Windows 10 version 1607 and later";
constexpr std::string_view kGroups24h2 =
    "TLS Supported Groups in Windows 11 versions 24H2, Windows Server 2025, and later";

// Curves not enabled by default, as the 1507 and 1607 pages list them.
constexpr std::string_view kOtherCurves[] = {
    "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "nistP192",  "nistP224",  "nistP521",
    "secP160k1",       "secP160r1",       "secP160r2",       "secP192k1", "secP192r1", "secP224k1",
    "secP224r1",       "secP256k1",       "secP256r1",       "secP384r1", "secP521r1",
};
constexpr std::string_view kPqGroups[] = {"x25519_mlkem768", "secp256r1_mlkem768",
                                          "secp384r1_mlkem1024"};

// The first build of the ML-KEM hybrid groups on this OS's line, from the
// note of "TLS Supported Groups in Windows 11 versions 24H2 and later":
// "26100.8514 for Windows 11 24H2 and 25H2, 28000.2173 for Windows 11 26H2,
// and 29550 for Windows Server 2025". A later client build than the page
// names has them from its first revision (infer).
void SetPqNeeds(OsCurve& c, const OsInfo& os) {
  if (os.server) {
    c.needs_build = 29550;
  } else if (os.build < 28000) {
    c.needs_build = os.build;  // 26100 (24H2), 26200 (25H2)
    c.needs_revision = 8514;
  } else if (os.build == 28000) {
    c.needs_build = 28000;
    c.needs_revision = 2173;
  }
}

const catalog::SuitePage* PageByKey(std::string_view key) {
  for (const catalog::SuitePage& p : catalog::SuitePages()) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

bool FipsSuite(const CipherSuiteInfo& s) {
  return s.cipher.starts_with("AES") && s.kex != KeyExchange::kPsk && s.kex != KeyExchange::kSsl2;
}

void AddSuites(OsTlsInfo& out, std::span<const catalog::PageSuite> rows, bool enabled, bool psk) {
  for (const catalog::PageSuite& r : rows) {
    auto found = FindCipherSuite(r.name);
    if (!found) continue;  // every transcribed name is in the core table (tested)
    OsSuite s;
    s.suite = *found;
    s.windows_name = r.name;
    s.enabled = enabled;
    s.strong = r.strong;
    s.protocols = r.protocols;
    s.explicit_only = r.explicit_only;
    s.psk = psk;
    s.fips = FipsSuite(**found);
    out.suites.push_back(std::move(s));
  }
}

void AddCurve(OsTlsInfo& out, std::string_view name, bool enabled) {
  auto found = FindCurve(name);
  if (!found) return;
  OsCurve c;
  c.curve = *found;
  c.windows_name = name;
  c.enabled = enabled;
  std::string_view iana = (*found)->iana_name;
  c.fips = iana == "secp256r1" || iana == "secp384r1" || iana == "secp521r1";
  // The pages mark only the NIST-named curves as available in FIPS mode.
  if (std::string_view(name).starts_with("secP")) c.fips = false;
  out.curves.push_back(std::move(c));
}

void FillCurves(OsTlsInfo& out, const OsInfo& os) {
  if (os.build < 10240) {
    // Before Windows 10 the curve is part of the suite name; the Windows 7,
    // 8 and 8.1 pages enable _P256 and _P384 suites and support _P521 ones.
    out.curve_order_setting = false;
    AddCurve(out, "NistP256", true);
    AddCurve(out, "NistP384", true);
    // "TLS Cipher Suites in Windows Vista" enables the _P521 suites too.
    bool p521 = std::any_of(out.suites.begin(), out.suites.end(), [](const OsSuite& s) {
      return s.enabled && s.windows_name.ends_with("_P521");
    });
    AddCurve(out, "NistP521", p521);
    out.curves_source = out.suites_source.empty() ? std::string(kSchannelPage)
                                                  : out.suites_source + " (curve suffixes)";
    out.curves_confidence = Confidence::kInfer;
    return;
  }
  out.curve_order_setting = true;
  if (os.build < 14393) {
    AddCurve(out, "NistP256", true);
    AddCurve(out, "NistP384", true);
    for (std::string_view n : kOtherCurves) AddCurve(out, n, false);
    out.curves_source = kCurves1507;
  } else if (os.build < 26100) {
    AddCurve(out, "curve25519", true);
    AddCurve(out, "NistP256", true);
    AddCurve(out, "NistP384", true);
    for (std::string_view n : kOtherCurves) AddCurve(out, n, false);
    out.curves_source = kCurves1607;
  } else {
    AddCurve(out, "curve25519", true);
    AddCurve(out, "nistP256", true);
    AddCurve(out, "nistP384", true);
    for (std::string_view n : kPqGroups) {
      AddCurve(out, n, false);
      SetPqNeeds(out.curves.back(), os);
    }
    for (std::string_view n : kOtherCurves) AddCurve(out, n, false);
    out.curves_source = std::string(kGroups24h2) +
                        " (the ML-KEM groups from build 26100.8514; Server 2025 from 29550)";
  }
  out.curves_confidence = Confidence::kDoc;
}

std::array<SchannelDefault, kProtocolCount> ServerDefaults(const OsInfo& os) {
  // SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3.
  if (os.build < 9200) return {S::kOn, S::kOn, S::kOn, S::kOff, S::kOff, S::kNotSupported};
  if (os.build < 14393) return {S::kOff, S::kOn, S::kOn, S::kOn, S::kOn, S::kNotSupported};
  if (!os.tls13) {
    return {S::kNotSupported, S::kOff, S::kOn, S::kOn, S::kOn, S::kNotSupported};
  }
  return {S::kNotSupported, S::kOff, S::kOn, S::kOn, S::kOn, S::kOn};
}

}  // namespace

std::vector<std::string> OsTlsInfo::DefaultSuiteOrder() const {
  std::vector<std::string> out;
  for (const OsSuite& s : suites) {
    if (s.enabled) out.push_back(s.windows_name);
  }
  return out;
}

std::vector<std::string> OsTlsInfo::DefaultCurveOrder() const {
  std::vector<std::string> out;
  for (const OsCurve& c : curves) {
    if (c.enabled) out.push_back(c.windows_name);
  }
  return out;
}

const OsSuite* OsTlsInfo::FindSuite(const CipherSuiteInfo& suite) const {
  for (const OsSuite& s : suites) {
    if (s.suite == &suite) return &s;
  }
  return nullptr;
}

const OsCurve* OsTlsInfo::FindCurve(const CurveInfo& curve) const {
  for (const OsCurve& c : curves) {
    if (c.curve == &curve) return &c;
  }
  // NistP256 and secP256r1 are one IANA group under two Windows names; a
  // policy naming either matches the one the OS lists.
  return nullptr;
}

Expected<OsTlsInfo> FindOsTls(std::string_view os_id) {
  SECPROTO_ASSIGN_OR_RETURN(os, FindOs(os_id));
  OsTlsInfo out;
  out.os_id = os.id;
  std::string id = Lower(os.id);
  for (const PageFor& p : kPageFor) {
    if (p.os_id != id) continue;
    const catalog::SuitePage* page = PageByKey(p.page_key);
    if (page == nullptr) break;
    out.has_suites = true;
    out.suites_source = page->title;
    out.suites_confidence = Confidence::kDoc;
    AddSuites(out, page->enabled, true, false);
    AddSuites(out, page->supported, false, false);
    AddSuites(out, page->psk, false, true);
    out.curve_suffixes = os.build < 10240;
    if (p.page_key == "ws2022") {
      out.suites_note =
          "The page: TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 and "
          "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 are not enabled by default from Server 2022 "
          "23H2 on";
    }
    if (p.page_key == "w7" || p.page_key == "w8") {
      out.suites_note = "Order as updated by Microsoft Security Advisory 3042058";
    }
    if (p.page_key == "w81") out.suites_note = "Suites and order with update 2919355";
    if (p.page_key == "vista") {
      out.suites_note =
          "\"Cipher Suites in TLS/SSL (Schannel SSP)\" sends Server 2008 and Vista to this page; "
          "it predates the KB4019276 family (TLS 1.1 and 1.2 for Server 2008 SP2), so whether "
          "that update changed the list or its order is not documented. The page has no "
          "SCH_USE_STRONG_CRYPTO column (the Windows 7 page's values are used, infer), and also "
          "lists TLS_RSA_WITH_NULL_MD5 and TLS_RSA_WITH_NULL_SHA as not present by default "
          "(read as used only on request)";
    }
    break;
  }
  if (!out.has_suites) {
    out.suites_note = "Microsoft publishes no per-OS cipher suite page for this OS";
    out.suites_confidence = Confidence::kUnsure;
  }
  FillCurves(out, os);
  out.schannel_server = ServerDefaults(os);
  out.schannel_source = kSchannelPage;
  return out;
}

}  // namespace secproto
