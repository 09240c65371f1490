// The OS catalog: one table, one row per Windows release, every row with its
// source and confidence (docs/MODEL.md rules R4, R5 and R10).
#include <algorithm>
#include <cctype>
#include <charconv>

#include "secproto/explain.h"
#include "core/strings.h"
#include "secproto/text.h"

namespace secproto {
namespace {

using S = SchannelDefault;
constexpr S kOn = S::kOn;
constexpr S kOff = S::kOff;
constexpr S kNs = S::kNotSupported;

// SCHANNEL client defaults (R10, "Protocols in TLS/SSL (Schannel SSP)"), SSL2 SSL3 TLS1.0 TLS1.1
// TLS1.2 TLS1.3.
// Windows 7 / 2008 R2, and the row "Windows Server 2008 with Service Pack 2 (SP2)".
constexpr std::array<S, kProtocolCount> kSchannel7 = {kOff, kOn, kOn, kOff, kOff, kNs};
constexpr std::array<S, kProtocolCount> kSchannel8 = {kOff, kOn, kOn, kOn, kOn, kNs};
constexpr std::array<S, kProtocolCount> kSchannel1607 = {kNs, kOff, kOn, kOn, kOn, kNs};
constexpr std::array<S, kProtocolCount> kSchannel11 = {kNs, kOff, kOn, kOn, kOn, kOn};

// Built-in defaults (R4).
constexpr uint32_t kDefaultLegacy = 0x00A0;  // SSL 3.0 + TLS 1.0
constexpr uint32_t kDefault81 = 0x0AA0;      // SSL 3.0 + TLS 1.0 - 1.2
constexpr uint32_t kDefault11 = 0x2800;      // TLS 1.2 + TLS 1.3

// Why a row is unsure, printed as a warning by explain (docs/MODEL.md, rules
// R4 and R5).
constexpr std::string_view kUnsureKb5017811 =
    "WinHTTP default 0xAA0 is Microsoft's documented value; KB5017811 (which lists Windows 10 "
    "20H2, 21H1, 21H2, LTSC 2019 and Server 2019) turns TLS 1.0/1.1 off for WinHTTP from the "
    "September 2022 preview update without stating the mask (R4 [unsure]); override with "
    "--builtin-default";
// Windows 10 22H2 shares the servicing branch of 20H2 - 21H2 and came after
// KB5017811 (R4).
constexpr std::string_view kUnsure22h2 =
    "WinHTTP default 0xAA0 is what \"Option Flags\" gives for Windows 10; \"TLS 1.0 and TLS 1.1 "
    "deprecation in Windows\" says TLS 1.0 and 1.1 \"have already been disabled by ... WinHTTP "
    "and WinINet API surfaces\" (a link to KB5017811, which lists 20H2, 21H1 and 21H2, the "
    "releases before 22H2 on its servicing branch) without stating the mask (R4 [unsure]); "
    "override with --builtin-default 0xA00 for the other reading";
constexpr std::string_view kUnsureServer2022 =
    "WinHTTP default 0x2800 was seen in a recent winhttp.dll; Microsoft's Option Flags page "
    "names only Windows 11 (R4 [code] + [infer]); override with --builtin-default";
constexpr std::string_view kUnsureWin8 =
    "KB3140245 lists Windows 7 SP1, Server 2008 R2 SP1 and Server 2012; Windows 8 (not 8.1) left "
    "support in January 2016, so whether an update brought it the value is unconfirmed "
    "(R5 [unsure]); the model treats it like Server 2012";
constexpr std::string_view kUnsure2008 =
    "Server 2008 SP2 reads DefaultSecureProtocols only after its TLS 1.1/1.2 update (the "
    "KB4019276 family) (R4 [unsure]); the SCHANNEL row \"Windows Server 2008 with Service Pack 2 "
    "(SP2)\" gives TLS 1.1 and 1.2 as disabled, which holds with that update (before it, the "
    "\"Windows Vista/Windows Server 2008\" row's \"Not supported\"); override with "
    "--builtin-default";

constexpr std::string_view kSrc7 = "R4, R5 (KB3140245), R10 (Protocols in TLS/SSL (Schannel SSP))";
constexpr std::string_view kSrc2008 =
    "R4 (KB4019276), R10 (Protocols in TLS/SSL (Schannel SSP), row \"Windows Server 2008 with "
    "Service Pack 2 (SP2)\")";
constexpr std::string_view kSrc81 =
    "R4 (KB3140245; WINHTTP_OPTION_SECURE_PROTOCOLS in Option Flags), R10 (Protocols in TLS/SSL "
    "(Schannel SSP))";
constexpr std::string_view kSrc10 =
    "R4 (KB3140245; WINHTTP_OPTION_SECURE_PROTOCOLS in Option Flags), R10 (Protocols in TLS/SSL "
    "(Schannel SSP))";
constexpr std::string_view kSrc10Kb =
    "R4 (KB3140245, KB5017811), R10 (Protocols in TLS/SSL (Schannel SSP))";
constexpr std::string_view kSrc22h2 =
    "R4 (KB3140245; WINHTTP_OPTION_SECURE_PROTOCOLS in Option Flags; TLS 1.0 and TLS 1.1 "
    "deprecation in Windows), R10 (Protocols in TLS/SSL (Schannel SSP))";
constexpr std::string_view kSrc11 =
    "R4 (Option Flags: \"Windows 11. By default, only TLS1.2 and TLS1.3 are enabled\"), R10 "
    "(Protocols in TLS/SSL (Schannel SSP))";
constexpr std::string_view kSrc2022 =
    "R4 (a recent winhttp.dll; Option Flags names only Windows 11), R10 (Protocols in TLS/SSL "
    "(Schannel SSP))";

struct Row {
  std::string_view id;
  std::string_view name;
  uint32_t build;
  bool server;
  uint32_t builtin_default;
  const std::array<S, kProtocolCount>* schannel;
  bool tls13;
  bool ssl2;
  bool needs_kb;
  Confidence confidence;
  std::string_view source;
  std::string_view unsure;
};

// The catalog. Oldest build first; for one build, workstation first.
constexpr Row kRows[] = {
    {"ws2008", "Windows Server 2008 SP2", 6002, true, kDefaultLegacy, &kSchannel7, false, true,
     false, Confidence::kUnsure, kSrc2008, kUnsure2008},
    {"win7", "Windows 7 SP1", 7601, false, kDefaultLegacy, &kSchannel7, false, true, true,
     Confidence::kDoc, kSrc7, ""},
    {"ws2008r2", "Windows Server 2008 R2 SP1", 7601, true, kDefaultLegacy, &kSchannel7, false, true,
     true, Confidence::kDoc, kSrc7, ""},
    {"win8", "Windows 8", 9200, false, kDefaultLegacy, &kSchannel8, false, true, true,
     Confidence::kUnsure, kSrc7, kUnsureWin8},
    {"ws2012", "Windows Server 2012", 9200, true, kDefaultLegacy, &kSchannel8, false, true, true,
     Confidence::kDoc, kSrc7, ""},
    {"win81", "Windows 8.1", 9600, false, kDefault81, &kSchannel8, false, true, false,
     Confidence::kDoc, kSrc81, ""},
    {"ws2012r2", "Windows Server 2012 R2", 9600, true, kDefault81, &kSchannel8, false, true, false,
     Confidence::kDoc, kSrc81, ""},
    {"win10-1507", "Windows 10 1507", 10240, false, kDefault81, &kSchannel8, false, true, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1511", "Windows 10 1511", 10586, false, kDefault81, &kSchannel8, false, true, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1607", "Windows 10 1607", 14393, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"ws2016", "Windows Server 2016", 14393, true, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1703", "Windows 10 1703", 15063, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1709", "Windows 10 1709", 16299, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1803", "Windows 10 1803", 17134, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1809", "Windows 10 1809 / LTSC 2019", 17763, false, kDefault81, &kSchannel1607, false,
     false, false, Confidence::kUnsure, kSrc10Kb, kUnsureKb5017811},
    {"ws2019", "Windows Server 2019", 17763, true, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kUnsure, kSrc10Kb, kUnsureKb5017811},
    {"win10-1903", "Windows 10 1903", 18362, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-1909", "Windows 10 1909", 18363, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-2004", "Windows 10 2004", 19041, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kDoc, kSrc10, ""},
    {"win10-20h2", "Windows 10 20H2", 19042, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kUnsure, kSrc10Kb, kUnsureKb5017811},
    {"win10-21h1", "Windows 10 21H1", 19043, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kUnsure, kSrc10Kb, kUnsureKb5017811},
    {"win10-21h2", "Windows 10 21H2", 19044, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kUnsure, kSrc10Kb, kUnsureKb5017811},
    {"win10-22h2", "Windows 10 22H2", 19045, false, kDefault81, &kSchannel1607, false, false, false,
     Confidence::kUnsure, kSrc22h2, kUnsure22h2},
    {"ws2022", "Windows Server 2022", 20348, true, kDefault11, &kSchannel11, true, false, false,
     Confidence::kInfer, kSrc2022, kUnsureServer2022},
    {"win11-21h2", "Windows 11 21H2", 22000, false, kDefault11, &kSchannel11, true, false, false,
     Confidence::kDoc, kSrc11, ""},
    {"win11-22h2", "Windows 11 22H2", 22621, false, kDefault11, &kSchannel11, true, false, false,
     Confidence::kDoc, kSrc11, ""},
    {"win11-23h2", "Windows 11 23H2", 22631, false, kDefault11, &kSchannel11, true, false, false,
     Confidence::kDoc, kSrc11, ""},
    {"win11-24h2", "Windows 11 24H2", 26100, false, kDefault11, &kSchannel11, true, false, false,
     Confidence::kDoc, kSrc11, ""},
    {"ws2025", "Windows Server 2025", 26100, true, kDefault11, &kSchannel11, true, false, false,
     Confidence::kInfer, kSrc2022, kUnsureServer2022},
};

std::vector<OsInfo> BuildCatalog() {
  std::vector<OsInfo> out;
  for (const Row& r : kRows) {
    OsInfo o;
    o.id = r.id;
    o.name = r.name;
    o.build = r.build;
    o.server = r.server;
    o.builtin_default = r.builtin_default;
    o.schannel_client = *r.schannel;
    o.tls13 = r.tls13;
    o.ssl2 = r.ssl2;
    o.needs_kb3140245 = r.needs_kb;
    o.confidence = r.confidence;
    o.source = r.source;
    o.unsure = r.unsure;
    out.push_back(std::move(o));
  }
  return out;
}

// A REG_SZ / REG_EXPAND_SZ as UTF-8, or "" (also for broken UTF-16).
std::string StringValue(const std::optional<RegValue>& v) {
  if (!v || (v->type != kRegSz && v->type != kRegExpandSz)) return "";
  return Utf16LeString(v->data).value_or("");
}

}  // namespace

constexpr EnumName<Confidence> kConfidenceNames[] = {
    {Confidence::kDoc, "doc"},
    {Confidence::kCode, "code"},
    {Confidence::kInfer, "infer"},
    {Confidence::kUnsure, "unsure"},
};

std::string_view ConfidenceName(Confidence c) { return NameIn(kConfidenceNames, c, "unsure"); }

constexpr EnumName<SchannelDefault> kSchannelDefaultNames[] = {
    {SchannelDefault::kOn, "on"},
    {SchannelDefault::kOff, "off"},
    {SchannelDefault::kNotSupported, "not-supported"},
};

std::string_view SchannelDefaultName(SchannelDefault d) {
  return NameIn(kSchannelDefaultNames, d, "not-supported");
}

bool OsInfo::Supports(Protocol p) const {
  if (p == Protocol::kTls13) return tls13;
  if (p == Protocol::kSsl2) return ssl2;
  return schannel_client[static_cast<size_t>(p)] != SchannelDefault::kNotSupported;
}

std::span<const OsInfo> OsCatalog() {
  static const std::vector<OsInfo> catalog = BuildCatalog();
  return catalog;
}

namespace {

// Letters and digits only, in lower case: "Windows Server 2019" and
// "server-2019" both hold "server2019".
std::string Squeezed(std::string_view s) {
  std::string out;
  for (char c : Lower(s)) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

// The ids an unknown --os word may mean: those it starts ("win11": every
// win11-*), those whose name holds it ("server2019": ws2019), else the
// nearest id by spelling.
std::vector<std::string> OsCandidates(std::string_view word) {
  std::string want = Lower(word);
  std::string squeezed = Squeezed(word);
  std::vector<std::string> out;
  for (const OsInfo& o : OsCatalog()) {
    bool prefix = !want.empty() && o.id.starts_with(want);
    bool named = squeezed.size() >= 4 && (Squeezed(o.name).find(squeezed) != std::string::npos ||
                                          Squeezed(o.id).find(squeezed) != std::string::npos);
    if (prefix || named) out.push_back(o.id);
  }
  if (!out.empty()) return out;
  // A slip of a key or two ("win10-22h3"), not another name ("win12" is not
  // win7): then the whole list is more use.
  size_t best = std::max<size_t>(1, want.size() / 4) + 1;
  for (const OsInfo& o : OsCatalog()) {
    size_t d = EditDistance(want, o.id);
    if (d < best) {
      best = d;
      out = {o.id};
    }
  }
  return out;
}

}  // namespace

Expected<OsInfo> FindOs(std::string_view id) {
  std::string want = Lower(id);
  std::string ids;
  for (const OsInfo& o : OsCatalog()) {
    if (o.id == want) return o;
    ids += (ids.empty() ? "" : " ") + o.id;
  }
  std::vector<std::string> near = OsCandidates(id);
  if (!near.empty()) {
    std::string list;
    for (const std::string& n : near) list += (list.empty() ? "" : " ") + n;
    return Fail(Error::Usage("unknown --os '" + std::string(id) + "'; did you mean " +
                                 (near.size() == 1 ? "" : "one of: ") + list +
                                 "? (see `secproto os list`)",
                             "unknown-os"));
  }
  return Fail(Error::Usage("unknown --os '" + std::string(id) + "'; choose one of: " + ids +
                               " (see `secproto os list`)",
                           "unknown-os"));
}

Expected<OsFacts> ReadOsFacts(RegistryBackend& backend) {
  OsFacts f;
  if (!backend.HasRoot("HKLM\\SOFTWARE")) return f;
  SECPROTO_ASSIGN_OR_RETURN(build, backend.GetValue(View::k64, kCurrentVersionKey, "CurrentBuild"));
  SECPROTO_ASSIGN_OR_RETURN(type, backend.GetValue(View::k64, kCurrentVersionKey, "InstallationType"));
  SECPROTO_ASSIGN_OR_RETURN(name, backend.GetValue(View::k64, kCurrentVersionKey, "ProductName"));
  SECPROTO_ASSIGN_OR_RETURN(disp, backend.GetValue(View::k64, kCurrentVersionKey, "DisplayVersion"));
  SECPROTO_ASSIGN_OR_RETURN(release, backend.GetValue(View::k64, kCurrentVersionKey, "ReleaseId"));
  SECPROTO_ASSIGN_OR_RETURN(sp, backend.GetValue(View::k64, kCurrentVersionKey, "CSDVersion"));
  f.current_build = StringValue(build);
  if (f.current_build.empty() && build && build->AsDword()) {
    f.current_build = std::to_string(*build->AsDword());
  }
  f.installation_type = StringValue(type);
  f.product_name = StringValue(name);
  f.display_version = StringValue(disp);
  f.release_id = StringValue(release);
  f.service_pack = StringValue(sp);
  return f;
}

Expected<OsDetection> DetectOs(const OsFacts& facts) {
  uint32_t build = 0;
  const std::string& b = facts.current_build;
  auto [ptr, ec] = std::from_chars(b.data(), b.data() + b.size(), build);
  if (b.empty() || ec != std::errc() || ptr != b.data() + b.size() || build == 0) {
    return Fail(Error::Input(
        b.empty() ? "cannot detect the OS: " + std::string(kCurrentVersionKey.substr(5)) +
                        " has no CurrentBuild; pass --os ID (see `secproto os list`)"
                  : "cannot detect the OS: CurrentBuild is '" + b +
                        "'; pass --os ID (see `secproto os list`)",
        "unknown-os"));
  }
  // InstallationType is "Client" on workstations, "Server" / "Server Core" on
  // servers; older releases lack it, so fall back to the product name.
  bool server;
  std::string type = Lower(facts.installation_type);
  if (!type.empty()) {
    server = type.starts_with("server");
  } else {
    server = Lower(facts.product_name).find("server") != std::string::npos;
  }
  const OsInfo* best = nullptr;
  for (const OsInfo& o : OsCatalog()) {
    if (o.server != server || o.build > build) continue;
    if (!best || o.build > best->build) best = &o;
  }
  if (!best) {
    return Fail(Error::Input("cannot detect the OS: build " + b + " (" +
                                 (server ? "server" : "workstation") +
                                 ") is older than every catalog row; pass --os ID",
                             "unknown-os"));
  }
  OsDetection d;
  d.os = *best;
  d.exact = best->build == build;
  if (!d.exact) {
    d.note = "build " + b + " is not in the catalog; using " + best->id +
             " (nearest older " + std::string(best->ProductType()) + " build " +
             std::to_string(best->build) + ") [infer]; pass --os ID to choose";
  }
  return d;
}

}  // namespace secproto
