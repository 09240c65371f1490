// The writes behind the doctor's fixes for the settings around WinHTTP:
// SCHANNEL protocol keys, WinINet SecureProtocols, the .NET keys (docs/MODEL.md
// R11, R14, R15, R16).
#include "secproto/keys.h"
#include "secproto/explain.h"

namespace secproto {

std::vector<RelatedWrite> SchannelWrites(Protocol p, bool client, bool server, bool enable) {
  std::vector<RelatedWrite> out;
  std::string base = std::string(kSchannelProtocolsKey) + "\\" + std::string(Info(p).name);
  for (auto [wanted, side] : {std::pair{client, "Client"}, std::pair{server, "Server"}}) {
    if (!wanted) continue;
    std::string key = base + "\\" + side;
    out.push_back({View::k64, key, std::string(kEnabledValue), enable ? 1u : 0u});
    out.push_back({View::k64, key, std::string(kDisabledByDefaultValue), enable ? 0u : 1u});
  }
  return out;
}

std::vector<RelatedWrite> WinInetWrites(uint32_t value, WinInetScope scope, Architecture arch) {
  switch (scope) {
    case WinInetScope::kPolicy:
      return {{View::k64, std::string(kWinInetPolicyKey), std::string(kSecureProtocolsValue), value}};
    case WinInetScope::kUser:
      return {{View::k64, std::string(kWinInetUserKey), std::string(kSecureProtocolsValue), value}};
    case WinInetScope::kUserPolicy:
      return {{View::k64, std::string(kWinInetUserPolicyKey), std::string(kSecureProtocolsValue), value}};
    case WinInetScope::kMachine:
      break;
  }
  std::vector<RelatedWrite> out;
  for (View v : ProcessViews(arch)) {
    out.push_back({v, std::string(kWinInetKey), std::string(kSecureProtocolsValue), value});
  }
  return out;
}

std::vector<RelatedWrite> DotNetWrites(Architecture arch) {
  std::vector<RelatedWrite> out;
  for (std::string_view key : kDotNetKeys) {
    for (View v : ProcessViews(arch)) {
      out.push_back({v, std::string(key), std::string(kSystemDefaultTlsVersionsValue), 1});
      out.push_back({v, std::string(key), std::string(kSchUseStrongCryptoValue), 1});
    }
  }
  return out;
}

Expected<int> ApplyWrites(RegistryBackend& backend, const std::vector<RelatedWrite>& writes) {
  int changed = 0;
  for (const RelatedWrite& w : writes) {
    SECPROTO_ASSIGN_OR_RETURN(old, backend.GetValue(w.view, w.key, w.name));
    RegValue want = RegValue::Dword(w.value);
    if (old && *old == want) continue;
    SECPROTO_TRY(backend.SetValue(w.view, w.key, w.name, want));
    ++changed;
  }
  if (changed > 0) SECPROTO_TRY(backend.Commit());
  return changed;
}

}  // namespace secproto
