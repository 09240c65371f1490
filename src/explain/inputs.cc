// Reads what the model and the doctor need from a target (docs/MODEL.md R1,
// R5, R10, R14, R15).
#include <cctype>

#include "secproto/keys.h"
#include "secproto/explain.h"
#include "core/strings.h"

namespace secproto {
namespace {

Expected<RegRead> Read(RegistryBackend& backend, View view, std::string_view key,
                       std::string_view name) {
  RegRead r;
  r.view = view;
  r.key = std::string(key);
  r.name = std::string(name);
  SECPROTO_ASSIGN_OR_RETURN(v, backend.GetValue(view, key, name));
  r.value = std::move(v);
  return r;
}

RegRead Missing(View view, std::string_view key, std::string_view name) {
  RegRead r;
  r.view = view;
  r.key = std::string(key);
  r.name = std::string(name);
  return r;
}

// R5: an installed update has a Package_for_KB3140245~... key under the
// servicing Packages key. A .reg file holds only what was written into it,
// so it cannot tell; neither can a target without that key.
Status ReadKb3140245(RegistryBackend& backend, RegistryInputs& in) {
  if (!backend.HasRoot("HKLM\\SOFTWARE") || backend.Describe().starts_with("reg:")) {
    return {};
  }
  SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(View::k64, kCbsPackagesKey));
  if (!exists) return {};
  SECPROTO_ASSIGN_OR_RETURN(names, backend.ListSubkeys(View::k64, kCbsPackagesKey));
  in.kb3140245 = KbStatus::kMissing;
  in.kb3140245_key = std::string(kCbsPackagesKey);
  for (const std::string& n : names) {
    if (StartsWithIgnoreCase(n, "Package_for_KB3140245~")) {
      in.kb3140245 = KbStatus::kInstalled;
      in.kb3140245_key = std::string(kCbsPackagesKey) + "\\" + n;
      break;
    }
  }
  return {};
}

}  // namespace

constexpr EnumName<KbStatus> kKbStatusNames[] = {
    {KbStatus::kInstalled, "installed"},
    {KbStatus::kMissing, "missing"},
    {KbStatus::kUnknown, "unknown"},
};

std::string_view KbStatusName(KbStatus s) { return NameIn(kKbStatusNames, s, "unknown"); }

const SchannelProtocol* RegistryInputs::Schannel(Protocol p) const {
  for (const SchannelProtocol& s : schannel) {
    if (s.protocol == p) return &s;
  }
  return nullptr;
}

std::vector<View> ProcessViews(Architecture arch) {
  if (arch == Architecture::k32Bit) return {View::k64};
  return {View::k64, View::k32};
}

Expected<RegistryInputs> ReadRegistryInputs(RegistryBackend& backend) {
  RegistryInputs in;
  in.target = backend.Describe();
  SECPROTO_ASSIGN_OR_RETURN(ins, Inspect(backend));
  in.architecture = ins.architecture;
  in.setting_findings = ins.findings;
  for (View v : {View::k64, View::k32}) {
    RegRead r = Missing(v, kWinHttpKey, kValueName);
    if (const ViewState* vs = ins.Find(v)) r.value = vs->value;
    in.dsp[v == View::k64 ? 0 : 1] = std::move(r);
  }
  in.force_default = Missing(View::k64, kWinHttpKey, kForceDefaultValue);
  in.force_default.value = ins.force_default;

  in.has_system = backend.HasRoot("HKLM\\SYSTEM");
  if (in.has_system) {
    for (const ProtocolInfo& p : AllProtocols()) {
      SchannelProtocol s;
      s.protocol = p.id;
      std::string base = std::string(kSchannelProtocolsKey) + "\\" + std::string(p.name);
      std::string client = base + "\\Client";
      std::string server = base + "\\Server";
      SECPROTO_ASSIGN_OR_RETURN(ce, Read(backend, View::k64, client, kEnabledValue));
      SECPROTO_ASSIGN_OR_RETURN(cd, Read(backend, View::k64, client, kDisabledByDefaultValue));
      SECPROTO_ASSIGN_OR_RETURN(se, Read(backend, View::k64, server, kEnabledValue));
      SECPROTO_ASSIGN_OR_RETURN(sd, Read(backend, View::k64, server, kDisabledByDefaultValue));
      s.client = {std::move(ce), std::move(cd)};
      s.server = {std::move(se), std::move(sd)};
      in.schannel.push_back(std::move(s));
    }
  }

  std::vector<View> views = ProcessViews(in.architecture);
  if (backend.HasRoot("HKLM\\SOFTWARE")) {
    for (View v : views) {
      SECPROTO_ASSIGN_OR_RETURN(r, Read(backend, v, kWinInetKey, kSecureProtocolsValue));
      in.wininet.push_back(std::move(r));
    }
    SECPROTO_ASSIGN_OR_RETURN(pol, Read(backend, View::k64, kWinInetPolicyKey, kSecureProtocolsValue));
    in.wininet.push_back(std::move(pol));
  }
  in.has_user = backend.HasRoot("HKCU");
  if (in.has_user) {
    SECPROTO_ASSIGN_OR_RETURN(u, Read(backend, View::k64, kWinInetUserKey, kSecureProtocolsValue));
    in.wininet.push_back(std::move(u));
    SECPROTO_ASSIGN_OR_RETURN(up,
                              Read(backend, View::k64, kWinInetUserPolicyKey, kSecureProtocolsValue));
    in.wininet.push_back(std::move(up));
  }

  if (backend.HasRoot("HKLM\\SOFTWARE")) {
    for (std::string_view key : kDotNetKeys) {
      for (View v : views) {
        for (std::string_view name : {kSystemDefaultTlsVersionsValue, kSchUseStrongCryptoValue}) {
          SECPROTO_ASSIGN_OR_RETURN(r, Read(backend, v, key, name));
          in.dotnet.push_back(std::move(r));
        }
      }
    }
  }
  SECPROTO_TRY(ReadKb3140245(backend, in));
  return in;
}

RegistryInputs WhatIfInputs(std::optional<RegValue> value, Architecture arch) {
  RegistryInputs in;
  in.target = "what-if";
  in.architecture = arch;
  for (View v : {View::k64, View::k32}) {
    RegRead r = Missing(v, kWinHttpKey, kValueName);
    if (v == View::k64 || arch != Architecture::k32Bit) r.value = value;
    in.dsp[v == View::k64 ? 0 : 1] = std::move(r);
  }
  in.force_default = Missing(View::k64, kWinHttpKey, kForceDefaultValue);
  return in;
}

}  // namespace secproto
