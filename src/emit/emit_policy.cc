// The whole-stack policy for fleets: format names, components, compiling for
// an OS mix (the merge rules of docs/FLEET.md), the shared helpers of the
// emitters, and the .reg emitter.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/strings.h"
#include "emit/emit_policy_common.h"
#include "registry/reg_file.h"
#include "secproto/explain.h"
#include "secproto/keys.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

constexpr emit_internal::FormatName<PolicyExportFormat> kFormats[] = {
    {PolicyExportFormat::kReg, "reg"},
    {PolicyExportFormat::kPs1, "ps1"},
    {PolicyExportFormat::kIntune, "intune"},
    {PolicyExportFormat::kGpp, "gpp"},
    {PolicyExportFormat::kAnsible, "ansible"},
    {PolicyExportFormat::kDsc, "dsc"},
    {PolicyExportFormat::kCollectPs1, "collect-ps1"},
    {PolicyExportFormat::kCollectAnsible, "collect-ansible"},
};

constexpr std::string_view kComponentNames[kAuditComponentCount] = {
    "schannel-client", "schannel-server", "suites",  "curves",
    "dotnet",          "winhttp",         "wininet", "other"};

void AppendMissing(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const std::string& m : more) {
    if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
  }
}

// Whether a value turns a protocol on (SCHANNEL Enabled=1 or DisabledByDefault=0).
bool EnablesProtocol(const FleetItem& item) {
  if (Lower(item.key).find("\\protocols\\") == std::string::npos || !item.value) return false;
  auto d = item.value->AsDword();
  if (!d) return false;
  return (EqualsIgnoreCase(item.name, "Enabled") && *d != 0) ||
         (EqualsIgnoreCase(item.name, "DisabledByDefault") && *d == 0);
}

std::string Describe(const FleetItem& item) {
  return PhysicalKey(item.view, item.key) + "\\" + item.name;
}

std::string ValueOrDelete(const std::optional<RegValue>& v) {
  return v ? policy_emit::ValueText(*v) : std::string("(deleted)");
}

}  // namespace

std::string_view PolicyExportFormatName(PolicyExportFormat f) {
  return emit_internal::NameOfFormat(kFormats, f);
}

Expected<PolicyExportFormat> ParsePolicyExportFormat(std::string_view text) {
  return emit_internal::ParseFormatName(kFormats, text, " for --tls-policy");
}

std::string_view AuditComponentName(AuditComponent c) {
  return kComponentNames[static_cast<int>(c)];
}

AuditComponent ComponentOf(std::string_view key, std::string_view name) {
  std::string k = Lower(key);
  if (k.find("\\protocols\\") != std::string::npos) {
    if (k.ends_with("\\client")) return AuditComponent::kSchannelClient;
    if (k.ends_with("\\server")) return AuditComponent::kSchannelServer;
  }
  if (k == Lower(kSuitePolicyKey)) {
    if (EqualsIgnoreCase(name, "Functions")) return AuditComponent::kSuites;
    if (EqualsIgnoreCase(name, "EccCurves")) return AuditComponent::kCurves;
  }
  if (k.find("\\.netframework\\") != std::string::npos) return AuditComponent::kDotnet;
  if (k == Lower(kWinHttpKey)) return AuditComponent::kWinHttp;
  if (k == Lower(kWinInetKey)) return AuditComponent::kWinInet;
  return AuditComponent::kOther;
}

namespace {

/// The compile notes of an OS mix, each said once: a note that several OSes
/// give alike but for the OS's name ("TLS 1.3 dropped: Windows 10 22H2 does
/// not support it") is one line for all of them ("win10-22h2, ws2019: TLS 1.3
/// dropped: the OS does not support it").
class OsNotes {
 public:
  void Add(const std::string& os_id, const std::string& note) {
    std::string shape = note;
    if (auto os = FindOs(os_id); os && !os->name.empty()) {
      for (size_t at = shape.find(os->name); at != std::string::npos;
           at = shape.find(os->name, at + kTheOs.size())) {
        shape.replace(at, os->name.size(), kTheOs);
      }
    }
    auto it = std::find_if(groups_.begin(), groups_.end(),
                           [&](const Group& g) { return g.shape == shape; });
    if (it == groups_.end()) {
      groups_.push_back({shape, note, {os_id}});
    } else if (std::find(it->ids.begin(), it->ids.end(), os_id) == it->ids.end()) {
      it->ids.push_back(os_id);
    }
  }

  /// "ID: note" for a note of one OS, "ID, ID: note" (the OS's name as "the
  /// OS") for a note several give.
  std::vector<std::string> Lines() const {
    std::vector<std::string> out;
    for (const Group& g : groups_) {
      std::string ids;
      for (const std::string& id : g.ids) ids += (ids.empty() ? "" : ", ") + id;
      out.push_back(ids + ": " + (g.ids.size() == 1 ? g.first : g.shape));
    }
    return out;
  }

 private:
  static constexpr std::string_view kTheOs = "the OS";
  struct Group {
    std::string shape;  ///< the note with the OS's name as "the OS"
    std::string first;  ///< the note as the first OS gave it
    std::vector<std::string> ids;
  };
  std::vector<Group> groups_;
};

}  // namespace

bool FleetPolicy::NeedsReboot() const {
  return std::any_of(items.begin(), items.end(),
                     [](const FleetItem& i) { return i.effect == Effect::kReboot; });
}

Expected<FleetPolicy> CompileFleetPolicy(const Policy& policy, std::string policy_name,
                                         const std::vector<std::string>& os_ids, bool unset) {
  if (os_ids.empty()) {
    return Fail(
        Error::Usage("give --os ID or --os-mix ID,ID,... (see `secproto os list`)", "usage"));
  }
  FleetPolicy fp;
  fp.policy = std::move(policy_name);
  fp.unset = unset;
  // Per item: the OS ids that compiled it, and what each wants.
  struct Slot {
    size_t index;
    std::vector<std::string> os;
    std::vector<std::optional<RegValue>> values;
  };
  std::map<std::string, Slot> slots;
  std::vector<std::string> ids;
  OsNotes notes;
  for (const std::string& id : os_ids) {
    auto compiled = CompilePolicy(policy, id);
    if (!compiled) return Fail(compiled.error());
    if (std::find(ids.begin(), ids.end(), compiled->os_id) != ids.end()) continue;
    ids.push_back(compiled->os_id);
    for (const std::string& n : compiled->notes) notes.Add(compiled->os_id, n);
    for (const RegChange& c : compiled->changes) {
      std::string k = Lower(PhysicalKey(c.view, c.key)) + "\n" + Lower(c.name);
      auto it = slots.find(k);
      if (it == slots.end()) {
        it = slots.emplace(k, Slot{fp.items.size(), {}, {}}).first;
        fp.items.push_back(FleetItem{c.view, c.key, c.name, c.value, c.effect, c.why, {}});
      }
      it->second.os.push_back(compiled->os_id);
      it->second.values.push_back(c.value);
    }
  }
  fp.notes = notes.Lines();
  fp.os_ids = ids;
  bool mix = ids.size() > 1;
  // First the protocols: one turned on for an OS that another OS of the mix
  // does not support is the conflict to report.
  for (auto& [k, slot] : slots) {
    const FleetItem& item = fp.items[slot.index];
    if (slot.os.size() < ids.size() && EnablesProtocol(item)) {
      {
        std::string lacking;
        for (const std::string& id : ids) {
          if (std::find(slot.os.begin(), slot.os.end(), id) == slot.os.end()) {
            lacking += (lacking.empty() ? "" : ", ") + id;
          }
        }
        return Fail(Error::Input(
            "the OS mix cannot share one artifact: " + Describe(item) +
                " turns a protocol on for " + slot.os.front() + ", and " + lacking +
                " does not support it (Protocols in TLS/SSL (Schannel SSP)); export one artifact "
                "per OS group (--os ID or a smaller --os-mix)",
            "os-mix-conflict"));
      }
    }
  }
  for (auto& [k, slot] : slots) {
    FleetItem& item = fp.items[slot.index];
    const std::optional<RegValue>& first = slot.values.front();
    for (size_t i = 1; i < slot.values.size(); ++i) {
      const std::optional<RegValue>& v = slot.values[i];
      if (v == item.value) continue;
      bool same_type = v && item.value && v->type == item.value->type;
      if (same_type && v->type == kRegSz && EqualsIgnoreCase(item.name, "Functions")) {
        std::vector<std::string> list = SplitNonEmpty(policy_emit::SzText(*item.value), ',');
        AppendMissing(list, SplitNonEmpty(policy_emit::SzText(*v), ','));
        std::string joined;
        for (const std::string& s : list) joined += (joined.empty() ? "" : ",") + s;
        item.value = RegValue::String(joined);
        continue;
      }
      if (same_type && v->type == kRegMultiSz) {
        std::vector<std::string> list = policy_emit::MultiSzItems(*item.value);
        AppendMissing(list, policy_emit::MultiSzItems(*v));
        item.value = RegValue::MultiString(list);
        continue;
      }
      return Fail(Error::Input(
          "the OS mix needs two values for one setting: " + Describe(item) + " is " +
              ValueOrDelete(first) + " on " + slot.os.front() + " but " + ValueOrDelete(v) +
              " on " + slot.os[i] +
              "; one artifact cannot hold both: export one artifact per OS group (--os ID or a "
              "smaller --os-mix)",
          "os-mix-conflict"));
    }
    if (slot.os.size() < ids.size()) {
      item.only_on = slot.os;
    }
  }
  for (const FleetItem& item : fp.items) {
    if (item.value && item.value->type == kRegSz && EqualsIgnoreCase(item.name, "Functions") &&
        policy_emit::SzText(*item.value).size() > kMaxSuiteListChars) {
      return Fail(Error::Input(
          "the suite list merged for the OS mix is " +
              std::to_string(policy_emit::SzText(*item.value).size()) +
              " characters; the SSL Cipher Suite Order policy holds at most 1,023 (Manage "
              "Transport Layer Security (TLS)): export per OS group",
          "suite-list-too-long"));
    }
  }
  if (mix) {
    for (const FleetItem& item : fp.items) {
      if (!item.only_on.empty()) {
        std::string on;
        for (const std::string& id : item.only_on) on += (on.empty() ? "" : ", ") + id;
        fp.notes.push_back("written for every OS, compiled only for " + on + ": " + Describe(item) +
                           " (an OS that does not read it ignores it)");
      }
    }
  }
  if (unset) {
    for (FleetItem& item : fp.items) item.value.reset();
  }
  if (fp.items.empty()) {
    return Fail(Error::Input("the policy manages nothing: no value to write", "empty-policy"));
  }
  return fp;
}

std::vector<std::string> CollectKeys(const FleetPolicy& fp) {
  std::vector<std::string> keys;
  for (const FleetItem& item : fp.items) {
    std::string k = PhysicalKey(item.view, item.key);
    bool covered = false;
    for (const std::string& have : keys) {
      std::string a = Lower(k), b = Lower(have);
      if (a == b || (a.starts_with(b) && a[b.size()] == '\\')) covered = true;
    }
    if (covered) continue;
    // A new key that covers earlier ones replaces them.
    std::erase_if(keys, [&](const std::string& have) {
      std::string a = Lower(have), b = Lower(k);
      return a.starts_with(b) && a.size() > b.size() && a[b.size()] == '\\';
    });
    keys.push_back(k);
  }
  return keys;
}

namespace policy_emit {

std::string SzText(const RegValue& v) {
  if (v.type != kRegSz && v.type != 2) return "";
  auto s = Utf16LeToUtf8(v.data.data(), v.data.size() & ~size_t{1});
  if (!s) return "";
  while (!s->empty() && s->back() == '\0') s->pop_back();
  return *s;
}

std::vector<std::string> MultiSzItems(const RegValue& v) {
  std::vector<std::string> out;
  auto s = Utf16LeToUtf8(v.data.data(), v.data.size() & ~size_t{1});
  if (!s) return out;
  std::string cur;
  for (char c : *s) {
    if (c == '\0') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string SingleQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

const TypeNames& TypeNamesOf(const RegValue& v) {
  static constexpr TypeNames kMultiSz{"MultiString", "MultiString", "multistring"};
  static constexpr TypeNames kSz{"String", "String", "string"};
  static constexpr TypeNames kDword{"DWord", "Dword", "dword"};
  if (v.type == kRegMultiSz) return kMultiSz;
  if (v.type == kRegSz) return kSz;
  return kDword;
}

std::string TypeName(const RegValue& v) { return RegTypeName(v.type); }

std::string ValueText(const RegValue& v) {
  if (auto d = v.AsDword()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%08x (%u)", *d, *d);
    return buf;
  }
  if (v.type == kRegSz) return "\"" + SzText(v) + "\"";
  if (v.type == kRegMultiSz) {
    std::string s = "[";
    for (const std::string& i : MultiSzItems(v)) s += (s.size() > 1 ? ", " : "") + i;
    return s + "]";
  }
  return RegTypeName(v.type) + " " + v.HexData();
}

std::string SubkeyOf(const FleetItem& item) {
  std::string k = PhysicalKey(item.view, item.key);
  return k.substr(std::string_view("HKLM\\").size());
}

bool IsWow(const FleetItem& item) {
  return Lower(PhysicalKey(item.view, item.key)).starts_with("hklm\\software\\wow6432node\\");
}

std::string RebootLine(const FleetPolicy& fp) {
  std::set<std::string> parts;
  for (const FleetItem& i : fp.items) {
    if (i.effect == Effect::kReboot)
      parts.insert(std::string(AuditComponentName(ComponentOf(i.key, i.name))));
  }
  if (parts.empty()) {
    return "Reboot: not needed; WinHTTP, SCHANNEL and .NET read their values when a process or "
           "service starts: restart them, or reboot.";
  }
  std::string list;
  for (const std::string& p : parts) list += (list.empty() ? "" : ", ") + p;
  return "Reboot: REQUIRED after a change to " + list +
         " (read at boot: Manage Transport Layer Security (TLS); Transport Layer Security (TLS) "
         "registry settings).";
}

std::string RegenerateCommand(const FleetPolicy& fp, PolicyExportFormat format) {
  std::string os;
  for (const std::string& id : fp.os_ids) os += (os.empty() ? "" : ",") + id;
  return "secproto export --tls-policy " + fp.policy + " --format " +
         std::string(PolicyExportFormatName(format)) +
         (fp.os_ids.size() > 1 ? " --os-mix " : " --os ") + os + (fp.unset ? " --unset" : "");
}

std::vector<std::string> PolicyHeader(const FleetPolicy& fp, PolicyExportFormat format,
                                      const std::vector<std::string>& apply) {
  std::vector<std::string> raw;
  raw.push_back("Whole-stack TLS policy \"" + fp.policy + "\", made by secproto " +
                std::string(SECPROTO_VERSION));
  std::string os;
  for (const std::string& id : fp.os_ids) os += (os.empty() ? "" : ", ") + id;
  raw.push_back((fp.os_ids.size() > 1 ? "Compiled for the OS mix: " : "Compiled for: ") + os);
  std::map<std::string, int> counts;
  for (const FleetItem& i : fp.items) ++counts[i.value ? TypeName(*i.value) : "removal"];
  std::string c;
  for (const auto& [t, n] : counts) c += (c.empty() ? "" : ", ") + std::to_string(n) + " " + t;
  raw.push_back(std::to_string(fp.items.size()) + " values: " + c +
                (fp.unset ? " (removes the policy's values; keys stay)"
                          : "; each written with its exact type, a missing key is created"));
  raw.push_back(
      "Views: a SOFTWARE value the policy needs in both views is written to the native key and "
      "to its WOW6432Node twin (absent on 32-bit Windows).");
  if (fp.os_ids.size() > 1) {
    raw.push_back(
        "OS mix: the suite and curve lists hold every OS's names; an OS skips the names it "
        "does not have (Manage Transport Layer Security (TLS)).");
  }
  raw.push_back(RebootLine(fp));
  for (const std::string& n : fp.notes) raw.push_back("Note: " + n);
  for (const std::string& a : apply) raw.push_back(a);
  raw.push_back("Regenerate with: " + RegenerateCommand(fp, format));
  return WrapHeader(raw);
}

Artifact EmitPolicyReg(const FleetPolicy& fp) {
  std::string text =
      RegFileHead(PolicyHeader(fp, PolicyExportFormat::kReg,
                               {"Apply: reg import <this file> from an elevated prompt; on 32-bit "
                                "Windows the WOW6432Node sections only add unused keys."}));
  std::string section;
  for (const FleetItem& i : fp.items) {
    std::string key = PhysicalKey(i.view, i.key);
    if (key != section) {
      text += "\n[" + LongRegKey(key) + "]\n";
      section = key;
    }
    text += i.value ? FormatRegValueLine(i.name, *i.value, "\n") : FormatRegDeleteValueLine(i.name);
    text += "\n";
  }
  return Artifact{false, {{"", RegBytes(text)}}};
}

}  // namespace policy_emit

Expected<Artifact> EmitFleetPolicy(PolicyExportFormat format, const FleetPolicy& fp,
                                   const PolicyExportOptions& options) {
  using namespace policy_emit;
  if (options.gpo_backup && format != PolicyExportFormat::kGpp) {
    return Fail(Error::Usage("--gpo-backup applies to --format gpp only", "usage"));
  }
  switch (format) {
    case PolicyExportFormat::kReg:
      return EmitPolicyReg(fp);
    case PolicyExportFormat::kPs1:
      return EmitPolicyPs1(fp);
    case PolicyExportFormat::kIntune:
      return EmitPolicyIntune(fp);
    case PolicyExportFormat::kGpp:
      return EmitPolicyGpp(fp, options);
    case PolicyExportFormat::kAnsible:
      return EmitPolicyAnsible(fp);
    case PolicyExportFormat::kDsc:
      return EmitPolicyDsc(fp);
    case PolicyExportFormat::kCollectPs1:
      return EmitCollectPs1(fp);
    case PolicyExportFormat::kCollectAnsible:
      return EmitCollectAnsible(fp);
  }
  return Fail(Error::Usage("unknown format", "unknown-format"));
}

}  // namespace secproto
