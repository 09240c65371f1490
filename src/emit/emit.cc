// Format dispatch, the header comment, and the .reg emitter.
#include "secproto/emit.h"

#include <cctype>
#include <cstdio>
#include <random>

#include "core/strings.h"
#include "emit/emit_common.h"
#include "emit/emit_text.h"
#include "secproto/protocols.h"
#include "secproto/setting.h"

namespace secproto {
namespace {

constexpr emit_internal::FormatName<ExportFormat> kFormats[] = {
    {ExportFormat::kReg, "reg"},         {ExportFormat::kPs1, "ps1"},
    {ExportFormat::kIntune, "intune"},   {ExportFormat::kGpp, "gpp"},
    {ExportFormat::kAnsible, "ansible"}, {ExportFormat::kDsc, "dsc"},
};

// The key below HKLM\SOFTWARE, shared by both views.
std::string_view RelativeKey() {
  std::string_view k = kWinHttpKey;
  return k.substr(std::string_view("HKLM\\SOFTWARE\\").size());
}

}  // namespace

std::string_view ExportFormatName(ExportFormat f) {
  return emit_internal::NameOfFormat(kFormats, f);
}

Expected<ExportFormat> ParseExportFormat(std::string_view text) {
  return emit_internal::ParseFormatName(kFormats, text, "");
}

std::string WinHttpSubkey(bool wow6432node) {
  return std::string("SOFTWARE\\") + (wow6432node ? "WOW6432Node\\" : "") +
         std::string(RelativeKey());
}

std::string XmlEscape(std::string_view text) { return EscapeMarkup(text, Markup::kXml); }

std::string NewGuid() {
  std::random_device rd;
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    uint32_t r = rd();
    for (int j = 0; j < 4; ++j) b[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf,
                "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return buf;
}

Expected<Artifact> Emit(ExportFormat format, const ExportOptions& options) {
  using namespace emit_internal;
  if (!options.unset) {
    if (auto why = WinHttpIgnoreReason(options.value)) {
      return Fail(Error::Input(ProtocolSet(options.value).Hex() + ": " + *why +
                                   "; refusing to deploy a value WinHTTP would ignore",
                               "ignored-value"));
    }
  }
  if (options.with_schannel) {
    if (options.unset) {
      return Fail(
          Error::Usage("--with-schannel writes SCHANNEL client keys for a value: it "
                       "does not go with --unset",
                       "usage"));
    }
    if (emit_internal::SchannelKeys(options).empty()) {
      return Fail(Error::Input(ProtocolSet(options.value).Hex() +
                                   " holds none of TLS 1.0, 1.1, 1.2: --with-schannel has no "
                                   "SCHANNEL client key to write",
                               "no-schannel-protocol"));
    }
  }
  if (options.gpo_backup && format != ExportFormat::kGpp) {
    return Fail(Error::Usage("--gpo-backup applies to --format gpp only", "usage"));
  }
  if (options.ansible_role && format != ExportFormat::kAnsible) {
    return Fail(Error::Usage("--role applies to --format ansible only", "usage"));
  }
  switch (format) {
    case ExportFormat::kReg: return EmitReg(options);
    case ExportFormat::kPs1: return EmitPs1(options);
    case ExportFormat::kIntune: return EmitIntune(options);
    case ExportFormat::kGpp: return EmitGpp(options);
    case ExportFormat::kAnsible: return EmitAnsible(options);
    case ExportFormat::kDsc: return EmitDsc(options);
  }
  return Fail(Error::Usage("unknown format", "unknown-format"));
}

namespace emit_internal {

std::vector<ViewKey> ViewKeys() {
  return {{"64", WinHttpSubkey(false), "64-bit processes (native key)"},
          {"32", WinHttpSubkey(true), "32-bit processes on 64-bit Windows (WOW6432Node key)"}};
}

std::vector<SchannelKey> SchannelKeys(const ExportOptions& o) {
  std::vector<SchannelKey> out;
  if (!o.with_schannel || o.unset) return out;
  for (Protocol p : {Protocol::kTls10, Protocol::kTls11, Protocol::kTls12}) {
    if (!ProtocolSet(o.value).Contains(p)) continue;
    std::string name(Info(p).name);
    std::string id;
    for (char c : name) {
      if (std::isalnum(static_cast<unsigned char>(c))) id += c;
    }
    // "TLS12" -> "Tls12"
    for (size_t i = 1; i < id.size(); ++i) {
      id[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(id[i])));
    }
    out.push_back({name, id,
                   std::string(kSchannelProtocolsKey.substr(5)) + "\\" + name + "\\Client"});
  }
  return out;
}

std::string Hex(uint32_t v) { return ProtocolSet(v).Hex(); }

std::string Hex8(uint32_t v) { return Hex(v).substr(2); }

std::string RestartServices() {
  std::string s;
  for (const WinHttpConsumer& c : KnownWinHttpConsumers()) {
    if (!c.service.empty()) s += (s.empty() ? "" : ", ") + std::string(c.service);
  }
  return s;
}

std::string PolicyLine(const ExportOptions& o) {
  if (o.unset) {
    return "remove DefaultSecureProtocols from both views (WinHTTP falls back to the OS "
           "built-in default)";
  }
  ProtocolSet s(o.value);
  std::string name = o.policy.empty() ? s.Hex() : o.policy;
  return name + " = REG_DWORD " + s.Hex() + " (" + std::to_string(o.value) + ": " + s.Describe() +
         ")";
}

std::vector<std::string> HeaderLines(const ExportOptions& o, ExportFormat format,
                                     const std::vector<std::string>& apply) {
  std::vector<std::string> raw;
  raw.push_back("WinHTTP DefaultSecureProtocols, made by secproto " +
                std::string(SECPROTO_VERSION));
  raw.push_back("Policy: " + PolicyLine(o));
  raw.push_back("Key (both views): " + std::string(RelativeKey()));
  raw.push_back("  view 64: under HKLM\\SOFTWARE (read by 64-bit processes)");
  raw.push_back("  view 32: under HKLM\\SOFTWARE\\WOW6432Node (32-bit processes on 64-bit "
                "Windows)");
  raw.push_back(o.unset ? "Removes the value named DefaultSecureProtocols; keys stay."
                        : "Type: REG_DWORD, written explicitly; a missing key is created.");
  if (std::vector<SchannelKey> keys = SchannelKeys(o); !keys.empty()) {
    std::string names;
    for (const SchannelKey& k : keys) names += (names.empty() ? "" : ", ") + k.protocol;
    raw.push_back(
        "Also SCHANNEL client keys, as Microsoft's Easy Fix 51044 writes them for "
        "KB3140245: Enabled=1, DisabledByDefault=0 in SCHANNEL\\Protocols\\<name>\\Client "
        "(HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders) for " +
        names +
        ". Windows 7 / Server 2008 R2 have TLS 1.1 and 1.2 off "
        "for clients until then, and WinHTTP cannot use them (secproto docs/MODEL.md "
        "R9, R16).");
  }
  for (const std::string& a : apply) raw.push_back(a);
  raw.push_back("WinHTTP reads the value once per process: afterwards restart " +
                RestartServices() + ", Office and .NET WinHttpHandler apps, or reboot.");
  std::string regen = "secproto export " + (o.policy.empty() ? Hex(o.value) : o.policy) +
                      " --format " + std::string(ExportFormatName(format));
  if (o.unset) regen = "secproto export --unset --format " + std::string(ExportFormatName(format));
  if (o.with_schannel) regen += " --with-schannel";
  raw.push_back("Regenerate with: " + regen);
  return WrapHeader(raw);
}

Artifact EmitReg(const ExportOptions& o) {
  // Built as UTF-8 with LF, then converted: CRLF line ends, UTF-16LE with BOM
  // (docs/REGFILE.md). Comments go after the header line, which reg import
  // requires to be first.
  std::string text =
      RegFileHead(HeaderLines(o, ExportFormat::kReg,
                              {"Apply: reg import <this file> from an elevated prompt (or "
                               "double-click it); the file is the same for every machine.",
                               "On 32-bit Windows the WOW6432Node section only adds an unused "
                               "key."}));
  for (const ViewKey& k : ViewKeys()) {
    text += "\n[HKEY_LOCAL_MACHINE\\" + k.subkey + "]\n";
    text += o.unset ? "\"DefaultSecureProtocols\"=-\n"
                    : "\"DefaultSecureProtocols\"=dword:" + Hex8(o.value) + "\n";
  }
  for (const SchannelKey& k : SchannelKeys(o)) {
    text += "\n[HKEY_LOCAL_MACHINE\\" + k.subkey + "]\n";
    for (const auto& [name, value] : kSchannelValues) {
      text += "\"" + std::string(name) + "\"=dword:" + Hex8(value) + "\n";
    }
  }
  return Artifact{false, {{"", RegBytes(text)}}};
}

}  // namespace emit_internal
}  // namespace secproto
