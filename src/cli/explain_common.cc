#include "explain_common.h"

#include <cctype>

#include "secproto/text.h"

namespace secproto::cli {
namespace {

// Quotes a word of a printed command when it needs it: double quotes when
// that pastes the same into cmd, PowerShell and bash (PastesInDoubleQuotes),
// else POSIX single quotes, which bash and PowerShell read, cmd does not.
std::string Quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./:=,@+\\").find(c) !=
                                                             std::string_view::npos)) {
      plain = false;
    }
  }
  if (plain) return s;
  if (!s.empty() && PastesInDoubleQuotes(s)) return "\"" + s + "\"";
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string ShellWord(const std::string& s) { return Quote(s); }

void AddOsFlags(CLI::App& app, std::string& os, std::string& builtin_default, OsFlags& model) {
  app.add_option("--os", os, "The OS catalog id (see `secproto os list`); default: detected");
  app.add_option("--builtin-default", builtin_default,
                 "Override the catalog's WinHTTP built-in default (0xAA0, tls1.2,tls1.3)");
  auto* keeps = app.add_flag("--disabled-by-default-keeps", model.keeps,
                             "The other reading of rule R9 (docs/MODEL.md): a protocol SCHANNEL "
                             "has off for clients by default or by DisabledByDefault=1 stays in "
                             "WinHTTP's set");
  app.add_flag("--disabled-by-default-removes", model.removes,
               "The default reading of rule R9 (docs/MODEL.md): such protocols are removed; "
               "accepted for scripts written before it became the default")
      ->excludes(keeps);
}

std::string ReadingText(const ModelOptions& o) {
  return o.disabled_by_default_removes
             ? "SCHANNEL client protocols off by default or by DisabledByDefault=1 are removed "
               "(R9; --disabled-by-default-keeps for the other reading)"
             : "SCHANNEL client protocols off by default or by DisabledByDefault=1 are kept "
               "(--disabled-by-default-keeps, the other reading of R9)";
}

std::string TargetArgs(const TargetFlags& flags) {
  std::string spec = flags.target.empty() ? DefaultTarget() : flags.target;
  std::string out = spec.empty() ? "" : "--target " + Quote(spec);
  if (!flags.system_hive.empty()) out += " --system-hive " + Quote(flags.system_hive);
  if (!flags.user_hive.empty()) out += " --user-hive " + Quote(flags.user_hive);
  if (flags.force_dirty) out += " --force-dirty";
  return out;
}

}  // namespace secproto::cli
