// The audit of collected files against a whole-stack policy (docs/FLEET.md,
// "Whole-stack audit"): one pass over each .reg with the .reg grammar's
// scanning mode keeping only the values some compiled policy names and the
// OS facts, then a value-by-value comparison with the policy compiled for
// that machine's OS. Hives are read through the hive backend.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.h"
#include "registry/reg_file.h"
#include "secproto/explain.h"
#include "secproto/fleet_policy.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

constexpr std::string_view kVerdictNames[3] = {"n/a", "ok", "drift"};
constexpr std::string_view kOsFactsKey = "hklm\\software\\microsoft\\windows nt\\currentversion";
constexpr std::string_view kWowPrefix = "hklm\\software\\wow6432node\\";

// The folded physical key, then '\n', then the folded value name.
std::string SlotKey(std::string_view folded_key, std::string_view name) {
  std::string k;
  k.reserve(folded_key.size() + 1 + name.size());
  k += folded_key;
  k += '\n';
  for (char c : name) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

std::string Short(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) return ProtocolSet(*d).Hex();
  if (v->type == kRegSz) {
    std::string s;
    auto u = v->data;
    // REG_SZ data as UTF-8, for the report.
    for (size_t i = 0; i + 1 < u.size(); i += 2) {
      uint16_t c = static_cast<uint16_t>(u[i] | (u[i + 1] << 8));
      if (c == 0) break;
      s += c < 0x80 ? static_cast<char>(c) : '?';
    }
    return "\"" + s + "\"";
  }
  if (v->type == kRegMultiSz) {
    std::string s = "[";
    std::string cur;
    for (size_t i = 0; i + 1 < v->data.size(); i += 2) {
      uint16_t c = static_cast<uint16_t>(v->data[i] | (v->data[i + 1] << 8));
      if (c == 0) {
        if (!cur.empty()) s += (s.size() > 1 ? ", " : "") + cur;
        cur.clear();
      } else {
        cur += c < 0x80 ? static_cast<char>(c) : '?';
      }
    }
    return s + "]";
  }
  return RegTypeName(v->type);
}

std::string ViewField(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) return ProtocolSet(*d).Hex();
  return RegTypeName(v->type);
}


}  // namespace

std::string_view ComponentVerdictName(ComponentVerdict v) {
  return kVerdictNames[static_cast<int>(v)];
}

PolicyAuditor::PolicyAuditor(Policy policy, std::string policy_name, std::string default_os)
    : policy_(std::move(policy)),
      policy_name_(std::move(policy_name)),
      default_os_(std::move(default_os)) {
  // The keys and values to keep while scanning: those of the policy compiled
  // for every OS of the catalog (the machine's OS is known only at the end of
  // its file). An OS the policy does not compile for adds nothing.
  for (const OsInfo& os : OsCatalog()) {
    auto fp = CompileFleetPolicy(policy_, policy_name_, {os.id}, false);
    if (!fp) continue;
    for (const FleetItem& item : fp->items) {
      std::string key = Lower(PhysicalKey(item.view, item.key));
      tracked_slots_.insert(SlotKey(key, item.name));
      tracked_keys_.insert(std::move(key));
    }
  }
}

Status PolicyAuditor::Check() {
  if (default_os_.empty()) return {};
  auto fp = For(default_os_);
  if (!fp) return Fail(fp.error());
  return {};
}

Expected<std::shared_ptr<const FleetPolicy>> PolicyAuditor::For(const std::string& os_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(os_id);
  if (it != cache_.end()) return it->second;
  Expected<std::shared_ptr<const FleetPolicy>> r = Fail(Error::Input("", ""));
  auto fp = CompileFleetPolicy(policy_, policy_name_, {os_id}, false);
  if (fp) {
    r = std::shared_ptr<const FleetPolicy>(std::make_shared<FleetPolicy>(std::move(*fp)));
  } else {
    r = Fail(fp.error());
  }
  cache_.emplace(os_id, r);
  return r;
}

struct PolicyAuditor::Prepared {
  struct Item {
    const FleetItem* item;
    std::string slot;  ///< SlotKey of the physical key and name
    bool wow;
    int component;
  };
  std::shared_ptr<const FleetPolicy> fp;
  std::vector<Item> items;
};

Expected<std::shared_ptr<const PolicyAuditor::Prepared>> PolicyAuditor::PreparedFor(
    const std::string& os_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = prepared_.find(os_id);
    if (it != prepared_.end()) return it->second;
  }
  auto fp = For(os_id);
  if (!fp) return Fail(fp.error());
  auto p = std::make_shared<Prepared>();
  p->fp = *fp;
  for (const FleetItem& item : p->fp->items) {
    std::string key = Lower(PhysicalKey(item.view, item.key));
    p->items.push_back(Prepared::Item{&item, SlotKey(key, item.name), key.starts_with(kWowPrefix),
                                      static_cast<int>(ComponentOf(item.key, item.name))});
  }
  std::lock_guard<std::mutex> lock(mu_);
  prepared_.emplace(os_id, p);
  return std::shared_ptr<const Prepared>(p);
}

namespace {

// What one .reg file says: the tracked values and the OS facts.
struct Collected {
  std::unordered_map<std::string, RegValue> values;  // SlotKey -> value
  OsFacts facts;
  bool has_facts = false;
  bool has_wow = false;
};

}  // namespace

PolicyMachineResult PolicyAuditor::AuditBytes(const std::string& path, std::string_view bytes) {
  PolicyMachineResult r;
  r.base.host = HostFromPath(path);
  r.base.input = path;
  r.base.kind = SniffInputKind(bytes.substr(0, 64));
  auto invalid = [&](MachineClass c, std::string detail) {
    r.base.cls = c;
    r.base.detail = std::move(detail);
    return r;
  };
  Collected col;
  std::unique_ptr<RegistryBackend> hive;
  std::string captured_os;
  std::vector<std::string> captured_drift;
  if (r.base.kind == InputKind::kReg) {
    std::string current;
    bool tracked = false;
    bool facts_section = false;
    auto visit = [&](const RegEntry& e) {
      switch (e.kind) {
        case RegEntry::Kind::kHeader:
          tracked = facts_section = false;
          break;
        case RegEntry::Kind::kKey:
          current = e.folded_key;
          facts_section = current == kOsFactsKey;
          tracked = tracked_keys_.count(current) > 0;
          if (current.starts_with(kWowPrefix)) col.has_wow = true;
          if (facts_section) col.has_facts = true;
          break;
        case RegEntry::Kind::kDeleteKey: {
          tracked = facts_section = false;
          const std::string& k = e.folded_key;
          std::erase_if(col.values, [&](const auto& kv) {
            return kv.first.starts_with(k) &&
                   (kv.first.size() > k.size() &&
                    (kv.first[k.size()] == '\\' || kv.first[k.size()] == '\n'));
          });
          break;
        }
        case RegEntry::Kind::kValue:
        case RegEntry::Kind::kDeleteValue:
          if (facts_section && e.kind == RegEntry::Kind::kValue && e.value.type == kRegSz) {
            std::string n = Lower(e.name);
            std::string text;
            for (size_t i = 0; i + 1 < e.value.data.size(); i += 2) {
              uint16_t c = static_cast<uint16_t>(e.value.data[i] | (e.value.data[i + 1] << 8));
              if (c == 0) break;
              text += c < 0x80 ? static_cast<char>(c) : '?';
            }
            if (n == "currentbuild") col.facts.current_build = text;
            if (n == "installationtype") col.facts.installation_type = text;
            if (n == "productname") col.facts.product_name = text;
            if (n == "displayversion") col.facts.display_version = text;
          }
          if (!tracked) break;
          {
            std::string slot = SlotKey(current, e.name);
            if (!tracked_slots_.count(slot)) break;
            if (e.kind == RegEntry::Kind::kValue) {
              col.values[slot] = e.value;
            } else {
              col.values.erase(slot);
            }
          }
          break;
        case RegEntry::Kind::kBlank:
        case RegEntry::Kind::kComment:
          break;
      }
    };
    // A UTF-16LE export that is all ASCII (every real collection: key and
    // value names, hex data) is narrowed to UTF-8 here in one pass, which the
    // scanner then reads without decoding; the BOMs of concatenated parts go.
    // Anything else is scanned as it is.
    std::string narrow;
    std::string_view text = bytes;
    if (bytes.size() >= 2 && bytes.size() % 2 == 0 && static_cast<uint8_t>(bytes[0]) == 0xFF &&
        static_cast<uint8_t>(bytes[1]) == 0xFE) {
      narrow.resize(bytes.size() / 2);
      size_t n = 0;
      bool ascii = true;
      for (size_t i = 0; i < bytes.size(); i += 2) {
        auto lo = static_cast<uint8_t>(bytes[i]);
        auto hi = static_cast<uint8_t>(bytes[i + 1]);
        if (hi == 0 && lo < 0x80) {
          narrow[n++] = static_cast<char>(lo);
        } else if (!(hi == 0xFE && lo == 0xFF)) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        narrow.resize(n);
        text = narrow;
      }
    }
    Status s = ScanRegFile(text, "", RegScanOptions{.concatenated = true}, visit);
    if (!s) return invalid(MachineClass::kInvalid, s.error().message);
  } else if (r.base.kind == InputKind::kHive) {
    TargetOptions opts;
    opts.read_only = true;
    auto backend = OpenTarget("hive:" + path, opts);
    if (!backend) return invalid(MachineClass::kUnreadable, backend.error().message);
    if ((*backend)->HasRoot("HKLM\\SOFTWARE")) {
      auto facts = ReadOsFacts(**backend);
      if (facts && !facts->current_build.empty()) {
        col.facts = *facts;
        col.has_facts = true;
      }
      auto arch = (*backend)->DetectArchitecture();
      col.has_wow = arch && *arch != Architecture::k32Bit;
    }
    hive = std::move(*backend);
  } else if (r.base.kind == InputKind::kShowJson) {
    // `secproto --json policy capture`: {"policy": <policy JSON>, "notes", "target"}.
    // The captured policy, compiled for the machine's OS, gives the values the
    // machine holds for every part the capture found set; a part it left is
    // missing here, as it is on the machine.
    auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return invalid(MachineClass::kInvalid, "not valid JSON");
    if (j.contains("error")) {
      std::string m = "the collection failed on the machine";
      if (j["error"].is_object() && j["error"].contains("message") &&
          j["error"]["message"].is_string()) {
        m += ": " + j["error"]["message"].get<std::string>();
      }
      return invalid(MachineClass::kUnreadable, m);
    }
    if (!j.contains("policy") || !j["policy"].is_object()) {
      return invalid(MachineClass::kInvalid,
                     "a JSON input other than `secproto --json policy capture` output: collect "
                     "with `export --tls-policy ... --format collect-ps1`");
    }
    std::string os = default_os_;
    if (j.contains("os") && j["os"].is_string()) os = j["os"].get<std::string>();
    if (os.empty()) {
      return invalid(MachineClass::kUnreadable, "a policy capture names no OS: give --os ID");
    }
    auto captured = ParsePolicy(j["policy"].dump(), "json", path);
    if (!captured) return invalid(MachineClass::kInvalid, captured.error().message);
    auto compiled = CompilePolicy(*captured, os);
    if (!compiled)
      return invalid(MachineClass::kInvalid, "captured policy: " + compiled.error().message);
    for (const RegChange& c : compiled->changes) {
      if (!c.value) continue;
      col.values[SlotKey(Lower(PhysicalKey(c.view, c.key)), c.name)] = *c.value;
    }
    // Values capture had to read in another form than the policy writes
    // them (a wrong type, say) are not what the policy says.
    if (j.contains("normalised") && j["normalised"].is_array()) {
      for (const auto& n : j["normalised"]) {
        if (n.is_string()) captured_drift.push_back("captured: " + n.get<std::string>());
      }
    }
    col.has_wow = true;
    if (os != default_os_) {
      col.facts.current_build.clear();
      captured_os = os;
    }
  } else {
    return invalid(MachineClass::kInvalid, "not a .reg export or a hive");
  }

  // The machine's OS.
  std::string os_id = captured_os.empty() ? default_os_ : captured_os;
  r.os_source = captured_os.empty() ? "--os" : "collected";
  if (col.has_facts && !col.facts.current_build.empty()) {
    auto det = DetectOs(col.facts);
    if (det) {
      os_id = det->os.id;
      r.os_source = "collected";
    }
  }
  if (os_id.empty()) {
    return invalid(MachineClass::kUnreadable,
                   "the input holds no CurrentBuild (Windows NT\\CurrentVersion): give --os ID");
  }
  r.os_id = os_id;
  auto prep = PreparedFor(os_id);
  if (!prep) {
    return invalid(MachineClass::kInvalid, "policy for " + os_id + ": " + prep.error().message);
  }
  bool is64 = col.has_wow || !col.has_facts;
  r.base.architecture = col.has_wow     ? Architecture::k64Bit
                        : col.has_facts ? Architecture::k32Bit
                                        : Architecture::kUnknown;
  std::array<bool, kAuditComponentCount> managed{};
  std::array<bool, kAuditComponentCount> drift{};
  r.base.view64 = "n/a";
  r.base.view32 = "n/a";
  for (const Prepared::Item& p : (*prep)->items) {
    const FleetItem& item = *p.item;
    if (p.wow && !is64) continue;
    int c = p.component;
    managed[c] = true;
    std::optional<RegValue> actual;
    if (hive) {
      auto v = hive->GetValue(item.view, item.key, item.name);
      if (!v) return invalid(MachineClass::kUnreadable, v.error().message);
      actual = *v;
    } else {
      auto it = col.values.find(p.slot);
      if (it != col.values.end()) actual = it->second;
    }
    if (c == static_cast<int>(AuditComponent::kWinHttp)) {
      (item.view == View::k64 ? r.base.view64 : r.base.view32) = ViewField(actual);
    }
    if (actual == item.value) continue;
    drift[c] = true;
    r.drift_components.push_back(static_cast<AuditComponent>(c));
    r.drift.push_back(PhysicalKey(item.view, item.key) + "\\" + item.name + ": " + Short(actual) +
                      ", policy " + (item.value ? Short(item.value) : std::string("absent")));
  }
  if (!captured_drift.empty()) {
    drift[static_cast<int>(AuditComponent::kOther)] = true;
    managed[static_cast<int>(AuditComponent::kOther)] = true;
    r.drift.insert(r.drift.end(), captured_drift.begin(), captured_drift.end());
    r.drift_components.resize(r.drift.size(), AuditComponent::kOther);
  }
  for (int c = 0; c < kAuditComponentCount; ++c) {
    r.components[c] = !managed[c] ? ComponentVerdict::kNotManaged
                      : drift[c]  ? ComponentVerdict::kDrift
                                  : ComponentVerdict::kOk;
  }
  if (r.drift.empty()) {
    r.base.cls = MachineClass::kCompliant;
  } else {
    r.base.cls = MachineClass::kDrift;
    r.base.detail = std::to_string(r.drift.size()) + " value" + (r.drift.size() == 1 ? "" : "s") +
                    " differ" + (r.drift.size() == 1 ? "s" : "") + ": " + r.drift.front();
  }
  return r;
}

PolicyMachineResult PolicyAuditor::AuditFile(const std::string& path) {
  auto unreadable = [&](std::string detail, MachineClass c = MachineClass::kUnreadable) {
    PolicyMachineResult r;
    r.base.host = HostFromPath(path);
    r.base.input = path;
    r.base.cls = c;
    r.base.detail = std::move(detail);
    return r;
  };
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return unreadable("cannot open: " + std::string(std::strerror(errno)));
  std::string data;
  char buf[65536];
  while (true) {
    size_t got = std::fread(buf, 1, sizeof buf, f);
    data.append(buf, got);
    if (got < sizeof buf) break;
    if (data.size() >= 8 && data.starts_with("regf")) break;  // a hive: opened by path
  }
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return unreadable("cannot read: " + std::string(std::strerror(errno)));
  if (data.empty()) return unreadable("empty file", MachineClass::kInvalid);
  return AuditBytes(path, data);
}

std::vector<PolicyMachineResult> PolicyAuditor::AuditFiles(const std::vector<std::string>& paths,
                                                           unsigned jobs) {
  size_t n = paths.size();
  std::vector<PolicyMachineResult> results(n);
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < n;) results[i] = AuditFile(paths[i]);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs && t < n; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace secproto
