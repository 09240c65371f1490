// doctor's one fix (secproto/doctor.h, docs/MODEL.md "One fix"): the
// findings' own fixes, merged where two write the same value (the safer
// value wins), applied to an in-memory copy of the target, and repeated
// until no finding with a registry fix is left; then written as one policy,
// compiled, applied again to a fresh copy to prove it clears them, and
// compared with the target to prove it weakens nothing.
#include "secproto/doctor.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "core/strings.h"
#include "explain/fix_steps.h"
#include "secproto/catalog.h"
#include "secproto/keys.h"
#include "secproto/stack.h"
#include "secproto/suites.h"

namespace secproto {
namespace {

constexpr int kMaxRounds = 6;

// A RegistryBackend that forwards to one it does not own, so that the dry
// run overlay (NewDryRunBackend) can sit on the caller's target.
class Borrowed : public RegistryBackend {
 public:
  explicit Borrowed(RegistryBackend& b) : b_(b) {}
  std::string Describe() const override { return b_.Describe(); }
  bool HasRoot(std::string_view root) const override { return b_.HasRoot(root); }
  Expected<Architecture> DetectArchitecture() override { return b_.DetectArchitecture(); }
  Expected<bool> KeyExists(View v, std::string_view k) override { return b_.KeyExists(v, k); }
  Expected<std::optional<RegValue>> GetValue(View v, std::string_view k,
                                             std::string_view n) override {
    return b_.GetValue(v, k, n);
  }
  Expected<std::vector<std::string>> ListSubkeys(View v, std::string_view k) override {
    return b_.ListSubkeys(v, k);
  }
  Status SetValue(View, std::string_view, std::string_view, const RegValue&) override {
    return Fail(Error::Target("doctor never writes its target", "read-only"));
  }
  Status DeleteValue(View, std::string_view, std::string_view) override {
    return Fail(Error::Target("doctor never writes its target", "read-only"));
  }
  Status DeleteKeyIfEmpty(View, std::string_view) override { return {}; }
  Status PrepareWrite(View, std::string_view) override { return {}; }
  std::vector<std::string> Notices() const override { return b_.Notices(); }
  std::string MachineName() const override { return b_.MachineName(); }
  bool IsPartial() const override { return b_.IsPartial(); }
  bool IsTransactional() const override { return true; }
  bool IsLive() const override { return b_.IsLive(); }
  Status Commit() override { return {}; }

 private:
  RegistryBackend& b_;
};

std::unique_ptr<RegistryBackend> Copy(RegistryBackend& target) {
  return NewDryRunBackend(std::make_unique<Borrowed>(target));
}

using ValueId = std::tuple<View, std::string, std::string>;  // view, lower key, lower name

ValueId IdOf(const RegChange& c) {
  // Both views see one key outside HKLM\SOFTWARE: one id.
  View v = IsSharedBetweenViews(c.key) ? View::k64 : c.view;
  return {v, Lower(c.key), Lower(c.name)};
}

std::string Leaf(const std::string& key) {
  std::vector<std::string> parts = SplitKey(key);
  return parts.empty() ? "" : parts.back();
}
std::string Parent(const std::string& key) {
  std::vector<std::string> parts = SplitKey(key);
  return parts.size() < 2 ? "" : parts[parts.size() - 2];
}

// How safe a value is, for the merge of two fixes that write the same one:
// the higher wins; equal keeps the first (errors come first).
int Safety(const RegChange& c, const OsInfo& os) {
  auto d = c.value ? c.value->AsDword() : std::nullopt;
  if (!d) return 0;
  std::string key = Lower(c.key), name = Lower(c.name);
  if (key.starts_with(Lower(kSchannelProtocolsKey))) {
    std::string proto = Lower(Parent(c.key));
    bool want_on = proto == "tls 1.2" || (proto == "tls 1.3" && os.tls13);
    bool on = name == "enabled" ? *d != 0 : *d == 0;  // DisabledByDefault inverts
    return on == want_on ? 1 : 0;
  }
  if (name == "enabled" &&
      (key.find("\\ciphers\\") != std::string::npos || key.find("\\hashes\\") != std::string::npos)) {
    return WeakAlgorithmKey(Leaf(c.key)) ? (*d == 0 ? 1 : 0) : 0;
  }
  if (name.ends_with("minkeybitlength")) return static_cast<int>(*d / 256);
  return 0;
}

// The fixable findings' changes, one per value.
std::vector<RegChange> Merge(const std::vector<DoctorFinding>& findings, const OsInfo& os) {
  std::vector<RegChange> out;
  std::map<ValueId, size_t> at;
  for (const DoctorFinding& f : findings) {
    for (const RegChange& c : f.fix_changes) {
      auto [it, fresh] = at.try_emplace(IdOf(c), out.size());
      if (fresh) {
        out.push_back(c);
      } else if (Safety(c, os) > Safety(out[it->second], os)) {
        out[it->second] = c;
      }
    }
  }
  return out;
}

// --- the fix as a policy --------------------------------------------------------

std::optional<std::string> Canonical(std::string_view name,
                                     std::span<const std::string_view> known) {
  for (std::string_view k : known) {
    if (Lower(k) == Lower(name)) return std::string(k);
  }
  return std::nullopt;
}

// The suite or curve order of the Policies key as its policy part: a delete
// is `reset`, a value of the type the part writes is `order`.
bool OrderPart(const RegChange& c, uint32_t type, Manage& manage,
               std::vector<std::string>& order) {
  if (!c.value) {
    manage = Manage::kReset;
    return true;
  }
  if (c.value->type != type) return false;
  manage = Manage::kSet;
  order = SplitSuiteValue(*c.value);
  return true;
}

// The policy that writes `changes` (each a value that differs from the
// target): the named parts where one says it, [registry] for the rest.
// False when a change is neither (a delete or a string outside the suite
// order).
bool ToPolicy(const std::vector<RegChange>& changes, Policy& p) {
  const std::string schannel = Lower(kSchannelKey);
  for (const RegChange& c : changes) {
    std::string key = Lower(c.key), name = Lower(c.name);
    auto d = c.value ? c.value->AsDword() : std::nullopt;
    if (key == Lower(kSuitePolicyKey) && (name == "functions" || name == "ecccurves")) {
      bool suites = name == "functions";
      if (!OrderPart(c, suites ? kRegSz : kRegMultiSz, suites ? p.suites.manage : p.curves.manage,
                     suites ? p.suites.order : p.curves.order)) {
        return false;
      }
      continue;
    }
    if (!d) return false;
    std::string parent = Lower(Parent(c.key));
    if (name == "enabled" && key.starts_with(schannel) && (*d == 0 || *d == 1)) {
      auto* map = parent == "ciphers"                 ? &p.legacy.ciphers
                  : parent == "hashes"                ? &p.legacy.hashes
                  : parent == "keyexchangealgorithms" ? &p.legacy.key_exchange
                                                      : nullptr;
      auto known = parent == "ciphers"   ? LegacyCipherNames()
                   : parent == "hashes" ? LegacyHashNames()
                                        : LegacyKeyExchangeNames();
      if (map != nullptr) {
        if (auto n = Canonical(Leaf(c.key), known)) {
          p.legacy.manage = Manage::kSet;
          (*map)[*n] = *d == 1;
          continue;
        }
      }
    }
    if (parent == "keyexchangealgorithms" || key.ends_with("\\diffie-hellman") ||
        key.ends_with("\\pkcs")) {
      std::string leaf = Lower(Leaf(c.key));
      std::optional<uint32_t>* field =
          leaf == "diffie-hellman" && name == "serverminkeybitlength"   ? &p.key_sizes.dh_server_min
          : leaf == "diffie-hellman" && name == "clientminkeybitlength" ? &p.key_sizes.dh_client_min
          : leaf == "pkcs" && name == "clientminkeybitlength"           ? &p.key_sizes.rsa_client_min
                                                                        : nullptr;
      if (field != nullptr && *d >= 512 && *d <= 16384) {
        p.key_sizes.manage = Manage::kSet;
        *field = *d;
        continue;
      }
    }
    if (key == schannel && name == "eventlogging" && *d <= 7) {
      p.logging.manage = Manage::kSet;
      p.logging.event_logging = *d;
      continue;
    }
    if (key.starts_with(Lower("HKLM\\SOFTWARE\\Microsoft\\.NETFramework")) && *d == 1) {
      p.dotnet.manage = Manage::kSet;
      continue;
    }
    if (!RegistryKeyAllowed(c.key)) return false;
    p.registry.values.push_back(RegistryDword{c.view, c.key, c.name, *d});
  }
  return true;
}

std::vector<std::string> SetLines(const Policy& p) {
  std::vector<std::string> out;
  if (p.suites.manage == Manage::kReset) out.push_back("cipher_suites.reset=true");
  if (p.suites.manage == Manage::kSet) {
    out.push_back("cipher_suites.order=" + TomlArray(p.suites.order));
  }
  if (p.curves.manage == Manage::kReset) out.push_back("curves.reset=true");
  if (p.curves.manage == Manage::kSet) out.push_back("curves.order=" + TomlArray(p.curves.order));
  for (const auto& [section, map] :
       {std::pair<std::string, const std::map<std::string, bool>*>{"ciphers", &p.legacy.ciphers},
        {"hashes", &p.legacy.hashes},
        {"key_exchange", &p.legacy.key_exchange}}) {
    for (const auto& [name, on] : *map) {
      out.push_back("legacy." + section + ".'" + name + "'=" + (on ? "true" : "false"));
    }
  }
  if (p.dotnet.manage == Manage::kSet) {
    out.push_back("dotnet.strong_crypto=true");
    out.push_back("dotnet.system_default_tls_versions=true");
  }
  for (const auto& [field, v] : {std::pair{"dh_server_min", p.key_sizes.dh_server_min},
                                  std::pair{"dh_client_min", p.key_sizes.dh_client_min},
                                  std::pair{"rsa_client_min", p.key_sizes.rsa_client_min}}) {
    if (v) out.push_back("key_sizes." + std::string(field) + "=" + std::to_string(*v));
  }
  if (p.logging.manage == Manage::kSet) {
    out.push_back("logging.event_logging=" + std::to_string(p.logging.event_logging));
  }
  for (const RegistryDword& v : p.registry.values) {
    out.push_back("registry.'" + PhysicalKey(v.view, v.key) + "'." + v.name + "=" +
                  std::to_string(v.value));
  }
  return out;
}

// --- never weaker ---------------------------------------------------------------

struct Snapshot {
  std::map<std::string, std::set<std::string>> protocols;  // per component (main variant)
  std::map<std::string, std::set<std::string>> suites;
  std::map<std::string, uint32_t> weak_keys;  // weak Ciphers\/Hashes\ key -> Enabled (missing: on)
  std::optional<uint32_t> dh_server, dh_client, rsa_client;
};

std::optional<uint32_t> Dword(const StackValue& v) {
  return v.value ? v.value->AsDword() : std::nullopt;
}

Expected<Snapshot> Snap(const OsInfo& os, const OsTlsInfo& tls, RegistryBackend& b,
                        const ModelOptions& mo) {
  SECPROTO_ASSIGN_OR_RETURN(in, ReadRegistryInputs(b));
  SECPROTO_ASSIGN_OR_RETURN(st, ReadStack(b));
  Snapshot s;
  for (const ComponentExplanation& c : ExplainStack(os, tls, st, in, AllComponents(), mo)) {
    std::string name(ComponentName(c.component));
    for (const std::string& p : c.Main().protocols) s.protocols[name].insert(p);
    for (const std::string& n : c.Main().suites) s.suites[name].insert(n);
  }
  for (const auto* list : {&st.ciphers, &st.hashes}) {
    for (const LegacyKey& k : *list) {
      if (WeakAlgorithmKey(k.name)) s.weak_keys[Lower(k.name)] = Dword(k.enabled).value_or(1);
    }
  }
  s.dh_server = Dword(st.dh_server_min);
  s.dh_client = Dword(st.dh_client_min);
  s.rsa_client = Dword(st.rsa_client_min);
  return s;
}

bool WeakSuiteName(const std::string& n) {
  auto info = FindCipherSuite(n);
  return info && WeakSuite(**info);
}

std::vector<std::string> Weakens(const OsInfo& os, const Snapshot& before, const Snapshot& after) {
  std::vector<std::string> out;
  for (const auto& [component, protos] : after.protocols) {
    const auto& was = before.protocols.count(component) ? before.protocols.at(component)
                                                        : std::set<std::string>{};
    // The lowest protocol the component offered before: gaining TLS 1.0 or
    // 1.1 weakens it only below that (.NET going from its own SSL 3.0 and
    // TLS 1.0 to the OS's TLS 1.0 - 1.2 does not).
    int floor = 99;
    for (const std::string& p : was) {
      if (auto id = ParseProtocolName(p)) floor = std::min(floor, static_cast<int>(*id));
    }
    // A client component that comes to follow SCHANNEL's client side (.NET
    // with SystemDefaultTlsVersions = 1) takes what the machine already
    // offers everywhere else: not a protocol the fix turns on.
    const std::set<std::string> os_client = component == "schannel-client" ||
                                                    component == "schannel-server" ||
                                                    !before.protocols.count("schannel-client")
                                                ? std::set<std::string>{}
                                                : before.protocols.at("schannel-client");
    for (const std::string& p : protos) {
      if (was.count(p) || os_client.count(p)) continue;
      auto id = ParseProtocolName(p);
      bool bad = !id || *id == Protocol::kSsl2 || *id == Protocol::kSsl3 ||
                 (*id == Protocol::kTls13 && !os.tls13) ||
                 ((*id == Protocol::kTls10 || *id == Protocol::kTls11) &&
                  static_cast<int>(*id) < floor);
      if (bad) out.push_back("turns on " + p + " for " + component);
    }
  }
  for (const auto& [component, suites] : after.suites) {
    const auto& was = before.suites.count(component) ? before.suites.at(component)
                                                     : std::set<std::string>{};
    for (const std::string& n : suites) {
      if (!was.count(n) && WeakSuiteName(n)) out.push_back("brings in " + n + " for " + component);
    }
  }
  for (const auto& [key, enabled] : after.weak_keys) {
    auto it = before.weak_keys.find(key);
    bool was_on = it == before.weak_keys.end() || it->second != 0;
    if (enabled != 0 && !was_on) out.push_back("turns the " + key + " key back on");
  }
  auto lowered = [&](std::optional<uint32_t> b, std::optional<uint32_t> a, std::string what) {
    if (b && (!a || *a < *b)) out.push_back("lowers " + what);
  };
  lowered(before.dh_server, after.dh_server, "the Diffie-Hellman server minimum key size");
  lowered(before.dh_client, after.dh_client, "the Diffie-Hellman client minimum key size");
  lowered(before.rsa_client, after.rsa_client, "the RSA client minimum key size");
  return out;
}

bool Fixable(const DoctorFinding& f) { return !f.fix_changes.empty(); }

}  // namespace

std::string ComponentOfFinding(const DoctorFinding& f) {
  if (f.code == "wininet-mismatch") return "wininet";
  if (f.code == "dotnet-strong-crypto") return "dotnet";
  if (f.code.starts_with("schannel-") || f.code == "tls12-disabled") {
    for (const Evidence& e : f.evidence) {
      if (e.key.ends_with("\\Server")) return "schannel-server";
    }
    return "schannel-client";
  }
  return "winhttp";
}

Expected<TargetFindings> DiagnoseTarget(const OsInfo& os, RegistryBackend& backend,
                                        std::string_view target_args,
                                        const ModelOptions& options) {
  SECPROTO_ASSIGN_OR_RETURN(inputs, ReadRegistryInputs(backend));
  TargetFindings r;
  r.findings = Diagnose(os, inputs, target_args, options);
  for (const DoctorFinding& f : r.findings) r.components.push_back(ComponentOfFinding(f));
  r.model_findings = r.findings.size();
  SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(os.id));
  SECPROTO_ASSIGN_OR_RETURN(stack, ReadStack(backend));
  std::vector<StackFinding> more = DiagnoseStack(os, tls, stack, inputs, &backend, target_args);
  std::stable_sort(more.begin(), more.end(), [](const StackFinding& a, const StackFinding& b) {
    return a.component < b.component;
  });
  for (StackFinding& f : more) {
    r.findings.push_back(std::move(f.finding));
    r.components.push_back(std::move(f.component));
  }
  return r;
}

Expected<DoctorFix> ComputeDoctorFix(const OsInfo& os, RegistryBackend& backend,
                                     std::string_view target_args, const ModelOptions& options) {
  DoctorFix fix;
  SECPROTO_ASSIGN_OR_RETURN(first, DiagnoseTarget(os, backend, target_args, options));
  // 1. Rounds on a copy: each round applies the merged fixes of what is
  // still found, until nothing fixable is left.
  std::unique_ptr<RegistryBackend> sim = Copy(backend);
  std::vector<DoctorFinding> now = first.findings;
  std::vector<RegChange> touched;  // every value a round wrote
  for (fix.rounds = 0; fix.rounds < kMaxRounds; ++fix.rounds) {
    std::vector<DoctorFinding> fixable;
    for (const DoctorFinding& f : now) {
      if (Fixable(f)) fixable.push_back(f);
    }
    if (fixable.empty()) break;
    SECPROTO_ASSIGN_OR_RETURN(plan, PlanChanges(*sim, Merge(fixable, os)));
    std::vector<RegChange> needed;
    for (const PlannedChange& pc : plan.changes) {
      if (pc.needed()) needed.push_back(pc.change);
    }
    if (needed.empty()) break;  // what is left, its fix does not clear
    SECPROTO_TRY(ApplyChangesForWhatIf(*sim, needed));
    touched.insert(touched.end(), needed.begin(), needed.end());
    SECPROTO_ASSIGN_OR_RETURN(again, DiagnoseTarget(os, *sim, target_args, options));
    now = std::move(again.findings);
  }
  // 2. The values that end different from the target.
  std::vector<RegChange> diff;
  std::set<ValueId> seen;
  for (const RegChange& c : touched) {
    if (!seen.insert(IdOf(c)).second) continue;
    SECPROTO_ASSIGN_OR_RETURN(end, sim->GetValue(c.view, c.key, c.name));
    SECPROTO_ASSIGN_OR_RETURN(was, backend.GetValue(c.view, c.key, c.name));
    if (end == was) continue;
    RegChange d = c;
    d.value = end;
    diff.push_back(std::move(d));
  }
  fix.policy.name = "doctor-fix";
  fix.policy.description = "The one change secproto doctor computed for " + backend.Describe() +
                           " (" + os.id + ")";
  fix.policy.origin = "doctor";
  bool expressible = ToPolicy(diff, fix.policy);
  if (!expressible) {
    fix.unavailable = "a value the fix writes has no form in a policy file (a delete or a string "
                      "outside the suite order)";
  }
  // 3. The policy, compiled and applied to a fresh copy: what it writes and
  // what is left after it.
  std::unique_ptr<RegistryBackend> proof = Copy(backend);
  // A value a named part does not write on this OS (a key size before
  // Windows 10) is written as it is, through [registry].
  auto compiled_or = CompilePolicy(fix.policy, os.id);
  if (compiled_or) {
    size_t named = fix.policy.registry.values.size();
    for (const RegChange& c : diff) {
      auto d = c.value ? c.value->AsDword() : std::nullopt;
      bool written = std::any_of(compiled_or->changes.begin(), compiled_or->changes.end(),
                                 [&](const RegChange& x) {
                                   return IdOf(x) == IdOf(c) && x.value == c.value;
                                 });
      if (written || !d || !RegistryKeyAllowed(c.key)) continue;
      fix.policy.registry.values.push_back(RegistryDword{c.view, c.key, c.name, *d});
    }
    if (fix.policy.registry.values.size() > named) compiled_or = CompilePolicy(fix.policy, os.id);
  }
  if (!compiled_or) {
    fix.unavailable = "the one fix does not compile: " + compiled_or.error().message;
    return fix;
  }
  CompiledPolicy compiled = std::move(*compiled_or);
  auto arch = backend.DetectArchitecture();
  if (arch && *arch == Architecture::k32Bit) {
    std::erase_if(compiled.changes, [](const RegChange& x) { return x.view == View::k32; });
  }
  SECPROTO_ASSIGN_OR_RETURN(plan, PlanChanges(*proof, compiled.changes));
  std::vector<RegChange> needed;
  for (const PlannedChange& pc : plan.changes) {
    if (!pc.needed()) continue;
    fix.changes.push_back(pc);
    needed.push_back(pc.change);
  }
  SECPROTO_TRY(ApplyChangesForWhatIf(*proof, needed));
  SECPROTO_ASSIGN_OR_RETURN(after, DiagnoseTarget(os, *proof, target_args, options));
  fix.converged = expressible;
  std::set<std::string> left_codes;
  for (const DoctorFinding& f : after.findings) {
    if (Fixable(f)) fix.converged = false;
    left_codes.insert(f.code + "\n" + f.message);
    fix.left.push_back(f);
  }
  for (const DoctorFinding& f : first.findings) {
    if (left_codes.count(f.code + "\n" + f.message)) continue;
    if (std::find(fix.clears.begin(), fix.clears.end(), f.code) == fix.clears.end()) {
      fix.clears.push_back(f.code);
    }
  }
  // 4. Never weaker than the target.
  SECPROTO_ASSIGN_OR_RETURN(tls, FindOsTls(os.id));
  SECPROTO_ASSIGN_OR_RETURN(before_snap, Snap(os, tls, backend, options));
  SECPROTO_ASSIGN_OR_RETURN(after_snap, Snap(os, tls, *proof, options));
  fix.weakens = Weakens(os, before_snap, after_snap);
  // 5. The command.
  fix.set_lines = SetLines(fix.policy);
  if (!fix.changes.empty() && fix.weakens.empty() && expressible) {
    std::string cmd = "secproto policy apply";
    bool pastes = true;
    for (const std::string& l : fix.set_lines) {
      if (!PastesInDoubleQuotes(l)) pastes = false;
      cmd += " --set \"" + l + "\"";
    }
    cmd += " --os " + os.id;
    if (!target_args.empty()) cmd += " " + std::string(target_args);
    if (pastes) fix.command = cmd;
  }
  return fix;
}

}  // namespace secproto
