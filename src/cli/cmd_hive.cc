// secproto hive create PATH [--force]: a new, empty, valid registry hive.
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "secproto/registry.h"

namespace secproto::cli {
namespace {

struct HiveOptions {
  std::string path;
  bool force = false;
  bool system = false;
  std::string action;
};

}  // namespace

const CommandSetup kSetupHive = [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<HiveOptions>();
      // `create` is a positional rather than a CLI11 subcommand, so that the
      // one runner of `hive` handles it.
      app.add_option("ACTION", o->action,
                     "create: write a new, empty, valid hive (e.g. a blank SOFTWARE hive for "
                     "--target hive:PATH)")
          ->required()
          ->check(CLI::IsMember({"create"}));
      app.add_option("PATH", o->path, "The hive file to create")->required();
      app.add_flag("--force", o->force, "Replace an existing file");
      app.add_flag("--system", o->system,
                   "A blank SYSTEM hive (Select\\Current=1, ControlSet001) for --system-hive");
      app.footer(
          "Example:\n  secproto hive create /tmp/SOFTWARE\n  secproto set tls1.2,tls1.3 --target "
          "hive:/tmp/SOFTWARE\n  secproto hive create --system /tmp/SYSTEM\n  secproto schannel "
          "set tls1.0 "
          "--disable --target hive:/tmp/SOFTWARE --system-hive /tmp/SYSTEM\n\nJSON: {\"path\": "
          "\"/tmp/SOFTWARE\", \"created\": true, "
          "\"replaced\": false}");
      return [o]() -> int {
        bool existed = false;
        {
          std::error_code ec;
          existed = std::filesystem::exists(o->path, ec);
        }
        Status s = o->system ? CreateBlankSystemHiveFile(o->path, o->force)
                             : CreateEmptyHiveFile(o->path, o->force);
        if (!s) return ReportError(s.error());
        if (G().json) {
          PrintJson(Json{
              {"path", o->path}, {"created", true}, {"replaced", existed}, {"system", o->system}});
        } else if (!G().quiet) {
          std::cout << (existed ? "replaced " : "created ") << o->path
                    << (o->system ? ": a blank SYSTEM hive (Select\\Current=1, ControlSet001)\n"
                                  : ": an empty registry hive (root key ROOT)\n");
        }
        return kExitOk;
      };
    };

}  // namespace secproto::cli
