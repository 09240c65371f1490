// ReadStack: the one raw reading of every value the stack-wide policy manages
// (include/secproto/stack.h). It reads the keys and value names the compiler
// (compile.cc) writes, the local suite list, and every legacy algorithm
// subkey that is present; it interprets nothing.
#include <string>
#include <vector>

#include "secproto/keys.h"
#include "secproto/policy.h"
#include "secproto/stack.h"

namespace secproto {
namespace {

constexpr std::string_view kSoftwareRoot = "HKLM\\SOFTWARE";
constexpr std::string_view kSystemRoot = "HKLM\\SYSTEM";

// A read failure of the backend, as the kTarget error the contract promises
// (message and code kept).
Error AsTargetError(Error e) {
  if (e.kind == ErrorKind::kTarget) return e;
  return Error::Target(std::move(e.message), e.code.empty() ? "target" : std::move(e.code));
}

class StackReader {
 public:
  explicit StackReader(RegistryBackend& backend) : b_(backend) {}

  Expected<StackConfig> Run() {
    StackConfig s;
    s.target = b_.Describe();
    s.has_system = b_.HasRoot(kSystemRoot);
    s.has_software = b_.HasRoot(kSoftwareRoot);
    std::string schannel(kSchannelKey);

    for (const ProtocolInfo& info : AllProtocols()) {
      size_t i = static_cast<size_t>(info.id);
      std::string base = schannel + "\\Protocols\\" + std::string(info.name);
      SECPROTO_TRY(Side(s.has_system, base + "\\Client", s.client[i]));
      SECPROTO_TRY(Side(s.has_system, base + "\\Server", s.server[i]));
    }

    SECPROTO_TRY(Read(s.has_software, View::k64, std::string(kSuitePolicyKey), "Functions",
                      s.suites_policy));
    SECPROTO_TRY(Read(s.has_software, View::k64, std::string(kSuitePolicyKey), "EccCurves",
                      s.curves_policy));
    SECPROTO_TRY(
        Read(s.has_system, View::k64, std::string(kSuiteLocalKey), "Functions", s.suites_local));
    SECPROTO_TRY(
        Read(s.has_system, View::k64, std::string(kSuiteLocalKey), "EccCurves", s.curves_local));

    SECPROTO_TRY(Legacy(s.has_system, schannel + "\\Ciphers", s.ciphers));
    SECPROTO_TRY(Legacy(s.has_system, schannel + "\\Hashes", s.hashes));
    SECPROTO_TRY(Legacy(s.has_system, schannel + "\\KeyExchangeAlgorithms", s.key_exchange));

    std::string dh = schannel + "\\KeyExchangeAlgorithms\\Diffie-Hellman";
    std::string pkcs = schannel + "\\KeyExchangeAlgorithms\\PKCS";
    SECPROTO_TRY(Read(s.has_system, View::k64, dh, "ServerMinKeyBitLength", s.dh_server_min));
    SECPROTO_TRY(Read(s.has_system, View::k64, dh, "ClientMinKeyBitLength", s.dh_client_min));
    SECPROTO_TRY(Read(s.has_system, View::k64, pkcs, "ClientMinKeyBitLength", s.rsa_client_min));

    // v4 64, v4 32, v2 64, v2 32 (the order stack.h gives).
    for (std::string_view key : kDotNetKeys) {
      std::string_view version = key.substr(key.rfind('\\') + 1);
      for (View view : {View::k64, View::k32}) {
        DotnetKeys d;
        d.version = std::string(version);
        d.view = view;
        SECPROTO_TRY(
            Read(s.has_software, view, std::string(key), "SchUseStrongCrypto", d.strong_crypto));
        SECPROTO_TRY(Read(s.has_software, view, std::string(key), "SystemDefaultTlsVersions",
                          d.system_default_tls));
        s.dotnet.push_back(std::move(d));
      }
    }

    SECPROTO_TRY(Read(s.has_system, View::k64, std::string(kFipsKey), "Enabled", s.fips_enabled));
    SECPROTO_TRY(Read(s.has_system, View::k64, schannel, "EventLogging", s.event_logging));

    const View views[2] = {View::k64, View::k32};
    for (size_t i = 0; i < 2; ++i) {
      SECPROTO_TRY(Read(s.has_software, views[i], std::string(kWinHttpKey), std::string(kValueName),
                        s.winhttp[i]));
      SECPROTO_TRY(Read(s.has_software, views[i], std::string(kWinInetKey), "SecureProtocols",
                        s.wininet[i]));
    }
    SECPROTO_TRY(Read(s.has_software, View::k64, std::string(kWinInetPolicyKey), "SecureProtocols",
                      s.wininet_policy));
    if (b_.IsPartial()) SECPROTO_TRY(Coverage(s));
    return s;
  }

 private:
  // Fills `out` with where the value lives and, when the root is there, what
  // it holds.
  Status Read(bool has_root, View view, std::string key, std::string name, StackValue& out) {
    out.view = view;
    out.key = std::move(key);
    out.name = std::move(name);
    out.value.reset();
    if (!has_root) return {};
    auto v = b_.GetValue(view, out.key, out.name);
    if (!v) return Fail(AsTargetError(v.error()));
    out.value = std::move(*v);
    return {};
  }

  // What a partial source shows (stack.h, StackCoverage): a part with a key
  // of its own is shown when the source holds that key; a part sharing its
  // key with another only when it holds one of the part's values, since the
  // key may be there for the other part's sake.
  Status Coverage(StackConfig& s) {
    StackCoverage& c = s.coverage;
    c.partial = true;
    std::string schannel(kSchannelKey);
    auto any_key = [&](View view, std::initializer_list<std::string> keys) -> Expected<bool> {
      for (const std::string& k : keys) {
        auto root = k.substr(0, k.find('\\', k.find('\\') + 1));
        if (!b_.HasRoot(root)) continue;
        SECPROTO_ASSIGN_OR_RETURN(there, b_.KeyExists(view, k));
        if (there) return true;
      }
      return false;
    };
    SECPROTO_ASSIGN_OR_RETURN(protocols, any_key(View::k64, {schannel + "\\Protocols"}));
    SECPROTO_ASSIGN_OR_RETURN(legacy,
                              any_key(View::k64, {schannel + "\\Ciphers", schannel + "\\Hashes",
                                                  schannel + "\\KeyExchangeAlgorithms"}));
    SECPROTO_ASSIGN_OR_RETURN(fips, any_key(View::k64, {std::string(kFipsKey)}));
    bool dotnet = false;
    for (std::string_view key : kDotNetKeys) {
      for (View view : {View::k64, View::k32}) {
        SECPROTO_ASSIGN_OR_RETURN(there, any_key(view, {std::string(key)}));
        dotnet = dotnet || there;
      }
    }
    c.protocols = protocols;
    c.legacy = legacy;
    c.fips = fips;
    c.dotnet = dotnet;
    c.suites = s.suites_policy.value.has_value();
    c.curves = s.curves_policy.value.has_value();
    c.key_sizes = s.dh_server_min.value || s.dh_client_min.value || s.rsa_client_min.value;
    c.logging = s.event_logging.value.has_value();
    return {};
  }

  Status Side(bool has_root, const std::string& key, ProtocolSideKeys& out) {
    SECPROTO_TRY(Read(has_root, View::k64, key, "Enabled", out.enabled));
    return Read(has_root, View::k64, key, "DisabledByDefault", out.disabled_by_default);
  }

  Status Legacy(bool has_root, const std::string& folder, std::vector<LegacyKey>& out) {
    out.clear();
    if (!has_root) return {};
    auto names = b_.ListSubkeys(View::k64, folder);
    if (!names) return Fail(AsTargetError(names.error()));
    for (const std::string& name : *names) {
      LegacyKey k;
      k.name = name;
      SECPROTO_TRY(Read(true, View::k64, folder + "\\" + name, "Enabled", k.enabled));
      out.push_back(std::move(k));
    }
    return {};
  }

  RegistryBackend& b_;
};

}  // namespace

Expected<StackConfig> ReadStack(RegistryBackend& backend) { return StackReader(backend).Run(); }

}  // namespace secproto
