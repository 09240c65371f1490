#include "cli/explain_common.h"

#include <cctype>

namespace secproto::cli {
namespace {

// Quotes a word for a POSIX shell / PowerShell when it needs it.
std::string Quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./:=,@+\\").find(c) !=
                                                             std::string_view::npos)) {
      plain = false;
    }
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Expected<ResolvedOs> ResolveOs(RegistryBackend* backend, const std::string& os_flag,
                               const std::string& builtin_default_flag) {
  ResolvedOs r;
  if (!os_flag.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(os, FindOs(os_flag));
    r.os = std::move(os);
    r.how = "--os";
  } else if (backend) {
    SECPROTO_ASSIGN_OR_RETURN(facts, ReadOsFacts(*backend));
    SECPROTO_ASSIGN_OR_RETURN(det, DetectOs(facts));
    r.os = std::move(det.os);
    r.how = "detected";
    r.note = det.note;
  } else {
    return Fail(Error::Usage(
        "a what-if --value needs --os ID to know the built-in default (see `secproto os list`)",
        "no-os"));
  }
  if (!builtin_default_flag.empty()) {
    std::optional<uint32_t> v;
    if (auto n = ParseNumber(builtin_default_flag)) {
      v = *n;
    } else if (auto spec = ParseProtocols(std::vector<std::string>{builtin_default_flag});
               spec && !spec->relative) {
      v = spec->absolute;
    }
    if (!v || !ProtocolSet(*v).IsValid()) {
      return Fail(Error::Input("--builtin-default takes a non-zero protocol mask (0xAA0, "
                               "tls1.2,tls1.3), not '" + builtin_default_flag + "'",
                               "bad-builtin-default"));
    }
    r.os.builtin_default = *v;
    r.os.builtin_default_overridden = true;
  }
  return r;
}

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
