// The TLS client a policy (or the OS defaults) makes of Windows, for
// `impact --tls-policy`: SCHANNEL client protocols, suite order and curve
// order (include/secproto/impact.h). Per-OS lists come from the catalog.
#include "secproto/catalog.h"
#include "secproto/explain.h"
#include "secproto/impact.h"
#include "secproto/policy.h"

namespace secproto {
namespace {

ProtocolSet DefaultClientProtocols(const OsInfo& os) {
  uint32_t bits = 0;
  for (const ProtocolInfo& p : AllProtocols()) {
    if (!os.Supports(p.id)) continue;
    if (os.schannel_client[static_cast<size_t>(p.id)] == SchannelDefault::kOn) bits |= p.bit;
  }
  return ProtocolSet(bits);
}

std::vector<uint16_t> DefaultSuites(const OsTlsInfo& tls) {
  std::vector<uint16_t> out;
  for (const OsSuite& s : tls.suites) {
    if (s.enabled && s.suite != nullptr && !s.suite->ssl2 && !s.explicit_only && !s.psk) {
      out.push_back(static_cast<uint16_t>(s.suite->code));
    }
  }
  return out;
}

std::vector<uint16_t> DefaultGroups(const OsTlsInfo& tls) {
  std::vector<uint16_t> out;
  for (const OsCurve& c : tls.curves) {
    if (c.enabled && c.curve != nullptr) out.push_back(c.curve->group_id);
  }
  return out;
}

}  // namespace

ClientTls ClientFromOsDefaults(const OsInfo& os, const OsTlsInfo& tls) {
  ClientTls c;
  c.source = "os-default";
  c.protocols = DefaultClientProtocols(os);
  c.suites = DefaultSuites(tls);
  c.groups = DefaultGroups(tls);
  return c;
}

ClientTls ClientFromPolicy(const Policy& policy, const OsInfo& os, const OsTlsInfo& tls) {
  ClientTls c = ClientFromOsDefaults(os, tls);
  c.source = "policy:" + policy.name;
  if (policy.protocols.manage == Manage::kSet) {
    uint32_t bits = 0;
    for (Protocol p : policy.protocols.client.Protocols()) {
      if (os.Supports(p)) {
        bits |= Info(p).bit;
      } else {
        c.notes.push_back(std::string(Info(p).name) + " is not in SCHANNEL on " + os.name +
                          ": dropped");
      }
    }
    c.protocols = ProtocolSet(bits);
  }
  if (policy.suites.manage == Manage::kSet && tls.has_suites) {
    c.suites.clear();
    for (const std::string& name : policy.suites.order) {
      auto info = FindCipherSuite(name);
      if (!info || (*info)->ssl2) continue;
      if (tls.FindSuite(**info) == nullptr) {
        c.notes.push_back(name + " is not a suite of " + os.name + ": dropped");
        continue;
      }
      c.suites.push_back(static_cast<uint16_t>((*info)->code));
    }
  }
  if (policy.curves.manage == Manage::kSet) {
    c.groups.clear();
    for (const std::string& name : policy.curves.order) {
      auto info = FindCurve(name);
      if (!info) continue;
      if (tls.FindCurve(**info) == nullptr) {
        c.notes.push_back(name + " is not a curve of " + os.name + ": dropped");
        continue;
      }
      c.groups.push_back((*info)->group_id);
    }
  }
  return c;
}

}  // namespace secproto
