// Choosing the OS row a command models: --os, else detection from the
// target; --builtin-default on top.
#include "secproto/explain.h"
#include "secproto/keys.h"
#include "secproto/protocols.h"

#include <optional>

namespace secproto {

Expected<ResolvedOs> ResolveTargetOs(RegistryBackend& backend, const std::string& os_flag,
                                     OsUse use) {
  ResolvedOs r;
  std::optional<OsDetection> det;
  if (auto facts = ReadOsFacts(backend)) {
    if (auto d = DetectOs(*facts)) det = std::move(*d);
  }
  if (os_flag.empty()) {
    if (!det) {
      return Fail(Error::Usage(
          backend.Describe() + " does not say which Windows it is (no usable CurrentBuild under " +
              std::string(kCurrentVersionKey.substr(5)) + "); pass --os ID (see `secproto os list`)",
          "no-os"));
    }
    r.os = std::move(det->os);
    r.how = "detected";
    r.note = det->note;
    return r;
  }
  SECPROTO_ASSIGN_OR_RETURN(os, FindOs(os_flag));
  r.os = std::move(os);
  r.how = "--os";
  // Only an exact detection contradicts --os: a build the catalog does not
  // know may well be the row the user named.
  if (!det || !det->exact || det->os.id == r.os.id) return r;
  r.detected_id = det->os.id;
  r.what_if = "modelled as " + r.os.id + "; the target says it is " + det->os.id;
  r.note = r.what_if;
  if (use == OsUse::kWrite) {
    return Fail(Error::Usage("--os " + r.os.id + " does not match the target: " +
                                 backend.Describe() + " says it is " + det->os.id +
                                 " (CurrentBuild, InstallationType); drop --os, or pass --force "
                                 "to write for " + r.os.id + " anyway",
                             "os-mismatch"));
  }
  return r;
}

Expected<ResolvedOs> ResolveOs(RegistryBackend* backend, const std::string& os_flag,
                               const std::string& builtin_default_flag, std::string_view what) {
  ResolvedOs r;
  if (!os_flag.empty() && backend) {
    SECPROTO_ASSIGN_OR_RETURN(resolved, ResolveTargetOs(*backend, os_flag, OsUse::kModel));
    r = std::move(resolved);
  } else if (!os_flag.empty()) {
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
    return Fail(Error::Usage(std::string(what) +
                                 " needs --os ID to know the built-in default (see `secproto os "
                                 "list`)",
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

RegistryInputs WithValueInEveryView(RegistryInputs inputs, std::optional<RegValue> value) {
  for (RegRead& r : inputs.dsp) r.value = value;
  return inputs;
}

}  // namespace secproto
