// secproto calc PROTOCOLS... / secproto decode VALUE
#include <iostream>

#include "commands.h"
#include "common.h"
#include "secproto/protocols.h"

namespace secproto::cli {
namespace {

Json ValueReport(uint32_t value) {
  ProtocolSet s(value);
  Json j = ProtocolSetJson(value);
  j["short_names"] = s.ShortNames();
  j["unknown_bits"] = s.unknown_bits();
  auto why = WinHttpIgnoreReason(value);
  j["winhttp_uses"] = !why.has_value();
  j["ignored_reason"] = why ? Json(*why) : Json(nullptr);
  Json w = Json::array();
  for (const Warning& x : WarningsFor(s)) {
    if (x.code != "ignored") w.push_back(Json{{"code", x.code}, {"message", x.message}});
  }
  j["warnings"] = w;
  return j;
}

// The value on stdout, its warnings through Warn(); the "ignored" warning is
// left out when the caller reports the same text as an error.
void PrintHuman(uint32_t value, bool ignored_is_error = false) {
  ProtocolSet s(value);
  std::cout << s.Hex() << "  " << value << "  " << s.Describe() << "\n";
  for (const Warning& w : WarningsFor(s)) {
    if (!(ignored_is_error && w.code == "ignored")) Warn(w.message);
  }
}

struct CalcOptions {
  std::vector<std::string> protocols;
};

}  // namespace

const CommandSetup kSetupCalc = [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<CalcOptions>();
       app.add_option("PROTOCOLS", o->protocols,
                      "Protocols: tls1.2,tls1.3 | \"TLS 1.2\" | 0x2800 | a profile (modern, tls12, "
                      "compat, easyfix)")
           ->required();
       app.footer(
           "Examples:\n  secproto calc tls1.2 tls1.3\n  secproto calc \"TLS 1.2,TLS 1.3\" --json");
       return [o]() -> int {
         auto spec = ParseProtocols(o->protocols);
         if (!spec) return ReportError(spec.error());
         if (spec->relative) {
           return ReportError(Error::Input(
               "+/- edits are relative to a stored value; calc takes a full list (use `secproto "
               "set` for edits)",
               "relative-edit"));
         }
         if (G().json) {
           PrintJson(ValueReport(spec->absolute));
         } else {
           PrintHuman(spec->absolute);
         }
         return kExitOk;
       };
     };

namespace {

struct DecodeOptions {
  std::string value;
};

}  // namespace

const CommandSetup kSetupDecode = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<DecodeOptions>();
      app.add_option("VALUE", o->value, "A value: 0x2800 or 10240")->required();
      return [o]() -> int {
        auto n = ParseNumber(o->value);
        if (!n) return ReportError(n.error());
        uint32_t value = *n;
        bool unknown = (value & ~kKnownBits) != 0;
        if (G().json) {
          Json j = ValueReport(value);
          if (unknown) {
            j["error"] = {{"code", "unknown-bits"},
                          {"message", *WinHttpIgnoreReason(value)},
                          {"exit_code", kExitUsage}};
          }
          PrintJson(j);
        } else {
          PrintHuman(value, unknown);
        }
        if (unknown) {
          std::cerr << "secproto: error: " << ProtocolSet(value).Hex() << ": "
                    << *WinHttpIgnoreReason(value) << "\n";
          return kExitUsage;
        }
        return kExitOk;
      };
    };

}  // namespace secproto::cli
