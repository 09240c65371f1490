// secproto os show ID: every fact the catalogs hold about one OS: the WinHTTP
// and SCHANNEL defaults (client and server), its cipher suites in default
// order and the rest it supports, its curves; each part with its source.
#include "cmd_os_show.h"

#include <cstdio>

#include "common.h"
#include "secproto/catalog.h"
#include "secproto/explain.h"
#include "secproto/protocols.h"

namespace secproto::cli {
namespace {

Json SuiteJson(const OsSuite& s) {
  Json j;
  j["name"] = s.windows_name;
  j["iana_name"] = std::string(s.suite->iana_name);
  char code[16];
  std::snprintf(code, sizeof code, "0x%04X", s.suite->code);
  j["code"] = code;
  j["enabled"] = s.enabled;
  j["protocols"] = ProtocolSet(s.protocols).Names();
  j["tls13"] = s.suite->tls13;
  j["strong_crypto"] = s.strong;
  j["http2_blocked"] = s.suite->http2_blocked;
  j["fips"] = s.fips;
  j["explicit_only"] = s.explicit_only;
  j["psk"] = s.psk;
  return j;
}

// "26100.8514" or "29550": the build a group needs beyond the OS's own.
std::string NeedsBuild(const OsCurve& c) {
  return std::to_string(c.needs_build) +
         (c.needs_revision ? "." + std::to_string(c.needs_revision) : "");
}

std::string Mark(SchannelDefault d) {
  return d == SchannelDefault::kOn ? "on" : d == SchannelDefault::kOff ? "off" : "n/s";
}

Json OsShowJson(const OsInfo& os, const OsTlsInfo& tls) {
  Json j;
  AddOsIdentityJson(j, os);
  AddOsFlagsJson(j, os);
  j["schannel_client_defaults"] = SchannelDefaultsJson(os.schannel_client);
  j["schannel_server_defaults"] = SchannelDefaultsJson(tls.schannel_server);
  j["schannel_source"] = tls.schannel_source;
  Json suites = Json::array();
  for (const OsSuite& s : tls.suites) suites.push_back(SuiteJson(s));
  j["cipher_suites"] = {{"available", tls.has_suites},
                        {"source", tls.suites_source},
                        {"confidence", std::string(ConfidenceName(tls.suites_confidence))},
                        {"note", tls.suites_note.empty() ? Json(nullptr) : Json(tls.suites_note)},
                        {"curve_suffixes", tls.curve_suffixes},
                        {"default_order", tls.DefaultSuiteOrder()},
                        {"suites", suites}};
  Json curves = Json::array();
  for (const OsCurve& c : tls.curves) {
    curves.push_back({{"name", c.windows_name},
                      {"iana_name", std::string(c.curve->iana_name)},
                      {"group_id", c.curve->group_id},
                      {"enabled", c.enabled},
                      {"fips", c.fips},
                      {"post_quantum", c.curve->post_quantum},
                      {"needs_build", c.needs_build ? Json(NeedsBuild(c)) : Json(nullptr)}});
  }
  j["curves"] = {{"order_setting", tls.curve_order_setting},
                 {"source", tls.curves_source},
                 {"confidence", std::string(ConfidenceName(tls.curves_confidence))},
                 {"default_order", tls.DefaultCurveOrder()},
                 {"curves", curves}};
  return j;
}

void PrintSuites(const OsTlsInfo& tls) {
  std::printf("\nCipher suites (%s; %s)\n", tls.has_suites ? tls.suites_source.c_str() : "none",
              std::string(ConfidenceName(tls.suites_confidence)).c_str());
  if (!tls.suites_note.empty()) std::printf("  note: %s\n", tls.suites_note.c_str());
  std::printf("  %-3s %-48s %-6s %-24s %s\n", "#", "NAME", "CODE", "PROTOCOLS", "FLAGS");
  int n = 0;
  bool shown_rest = false;
  for (const OsSuite& s : tls.suites) {
    if (!s.enabled && !shown_rest) {
      shown_rest = true;
      std::printf("  supported, not enabled by default:\n");
    }
    std::string flags;
    if (s.suite->tls13) flags += " tls1.3";
    if (!s.strong) flags += " weak";
    if (s.suite->http2_blocked) flags += " h2-blocked";
    if (s.fips) flags += " fips";
    if (s.explicit_only) flags += " explicit-only";
    if (s.psk) flags += " psk";
    char code[16];
    std::snprintf(code, sizeof code, "0x%04X", s.suite->code);
    std::string idx = s.enabled ? std::to_string(++n) : "-";
    std::printf("  %-3s %-48s %-6s %-24s%s\n", idx.c_str(), s.windows_name.c_str(), code,
                ProtocolSet(s.protocols).Describe().c_str(), flags.c_str());
  }
}

void PrintOsShow(const OsInfo& os, const OsTlsInfo& tls) {
  std::printf("%s (%s): build %u, %s\n", os.name.c_str(), os.id.c_str(), os.build,
              std::string(os.ProductType()).c_str());
  std::printf("WinHTTP default:  %s (%s)\n", ProtocolSet(os.builtin_default).Hex().c_str(),
              ProtocolSet(os.builtin_default).Describe().c_str());
  std::printf("Confidence:       %s; source: %s\n",
              std::string(ConfidenceName(os.confidence)).c_str(), os.source.c_str());
  if (!os.unsure.empty()) std::printf("Unsure:           %s\n", os.unsure.c_str());
  std::printf("\nSCHANNEL defaults (%s)\n  %-8s %-6s %s\n", tls.schannel_source.c_str(), "",
              "CLIENT", "SERVER");
  for (const ProtocolInfo& p : AllProtocols()) {
    size_t i = static_cast<size_t>(p.id);
    std::printf("  %-8s %-6s %s\n", std::string(p.name).c_str(),
                Mark(os.schannel_client[i]).c_str(), Mark(tls.schannel_server[i]).c_str());
  }
  PrintSuites(tls);
  std::printf("\nCurves (%s; %s)%s\n", tls.curves_source.c_str(),
              std::string(ConfidenceName(tls.curves_confidence)).c_str(),
              tls.curve_order_setting ? "" : " - no curve order setting on this OS");
  for (const OsCurve& c : tls.curves) {
    std::string needs = c.needs_build ? " needs build " + NeedsBuild(c) : "";
    std::printf("  %-3s %-20s %-20s group %-5u%s%s%s\n", c.enabled ? "on" : "-",
                c.windows_name.c_str(), std::string(c.curve->iana_name).c_str(), c.curve->group_id,
                c.fips ? " fips" : "", c.curve->post_quantum ? " pq" : "", needs.c_str());
  }
}

}  // namespace

void AddOsIdentityJson(Json& j, const OsInfo& os) {
  j["id"] = os.id;
  j["name"] = os.name;
  j["build"] = os.build;
  j["product_type"] = std::string(os.ProductType());
  j["builtin_default"] = os.builtin_default;
  j["builtin_default_hex"] = ProtocolSet(os.builtin_default).Hex();
}

void AddOsFlagsJson(Json& j, const OsInfo& os) {
  j["tls13"] = os.tls13;
  j["ssl2"] = os.ssl2;
  j["needs_kb3140245"] = os.needs_kb3140245;
  j["confidence"] = std::string(ConfidenceName(os.confidence));
  j["source"] = os.source;
  j["unsure"] = os.unsure.empty() ? Json(nullptr) : Json(os.unsure);
}

Json SchannelDefaultsJson(const std::array<SchannelDefault, kProtocolCount>& d) {
  Json j = Json::object();
  for (const ProtocolInfo& p : AllProtocols()) {
    j[std::string(p.name)] = std::string(SchannelDefaultName(d[static_cast<size_t>(p.id)]));
  }
  return j;
}

int RunOsShow(const std::string& id) {
  auto os = FindOs(id);
  if (!os) return ReportError(os.error());
  auto tls = FindOsTls(os->id);
  if (!tls) return ReportError(tls.error());
  if (G().json) {
    PrintJson(OsShowJson(*os, *tls));
    return kExitOk;
  }
  PrintOsShow(*os, *tls);
  return kExitOk;
}
}  // namespace secproto::cli
