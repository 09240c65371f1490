// secproto profiles: the named policies accepted wherever PROTOCOLS is.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "secproto/protocols.h"

namespace secproto::cli {

const CommandSetup kSetupProfiles = [](CLI::App& app) -> std::function<int()> {
      app.footer("Example:\n  secproto export modern --format reg -o winhttp.reg");
      return []() -> int {
        if (G().json) {
          Json list = Json::array();
          for (const Profile& p : AllProfiles()) {
            ProtocolSet s(p.bits);
            Json j;
            j["name"] = std::string(p.name);
            j["value"] = p.bits;
            j["hex"] = s.Hex();
            j["protocols"] = s.Names();
            j["short_names"] = s.ShortNames();
            j["description"] = std::string(p.description);
            list.push_back(j);
          }
          PrintJson(Json{{"profiles", list}});
          return kExitOk;
        }
        for (const Profile& p : AllProfiles()) {
          ProtocolSet s(p.bits);
          std::cout << std::left << std::setw(9) << p.name << " " << s.Hex() << "  "
                    << std::setw(36) << s.Describe() << " " << p.description << "\n";
        }
        return kExitOk;
      };
    };

}  // namespace secproto::cli
