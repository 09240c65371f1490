// Inspect, set, check, unset and restore the DefaultSecureProtocols setting.
#include "secproto/setting.h"

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/strings.h"
#include "ops/backup_json.h"
#include "ops/commit.h"
#include "secproto/changeset.h"
#include "secproto/write.h"
#include "util/file.h"
#include "util/time.h"

namespace secproto {
namespace {

constexpr std::array<WinHttpConsumer, 6> kConsumers = {{
    {"WinRM", "Windows Remote Management (WinRM)"},
    {"WebClient", "WebClient (WebDAV)"},
    {"iphlpsvc", "IP Helper (DirectAccess IP-HTTPS)"},
    {"wuauserv", "Windows Update (scans)"},
    {"", "Office applications opening SharePoint documents"},
    {"", ".NET applications using WinHttpHandler"},
}};

std::string Quote(const RegValue& v) {
  if (auto d = v.AsDword()) return ProtocolSet(*d).Hex();
  return RegTypeName(v.type) + " " + v.HexData();
}

using backup_json::RootParts;

// Findings for one view's stored value.
void FindingsForView(ViewState& vs) {
  std::string view(ViewName(vs.view));
  if (!vs.value) return;
  const RegValue& v = *vs.value;
  if (v.type != kRegDword || v.data.size() != 4) {
    vs.findings.push_back(
        {"wrong-type", "error", view,
         "view " + view + ": the value is " + RegTypeName(v.type) +
             (v.type == kRegDword ? " of " + std::to_string(v.data.size()) + " bytes" : "") +
             "; WinHTTP reads only a REG_DWORD and silently uses its built-in default"});
    return;
  }
  uint32_t d = *v.AsDword();
  if (d == 0) {
    vs.findings.push_back({"zero-value", "error", view,
                           "view " + view + ": the value is 0; WinHTTP ignores it and uses its "
                           "built-in default"});
  } else if (d & ~kKnownBits) {
    vs.findings.push_back({"invalid-bits", "error", view,
                           "view " + view + ": " + *WinHttpIgnoreReason(d)});
  }
}

}  // namespace

std::span<const WinHttpConsumer> KnownWinHttpConsumers() { return kConsumers; }

bool ViewState::UsedByWinHttp() const {
  auto d = dword();
  return d && ProtocolSet(*d).IsValid();
}

const ViewState* Inspection::Find(View v) const {
  for (const ViewState& vs : views) {
    if (vs.view == v) return &vs;
  }
  return nullptr;
}

Expected<ViewSelection> ParseViewSelection(std::string_view text) {
  if (text == "both") return ViewSelection::kBoth;
  if (text == "64") return ViewSelection::k64;
  if (text == "32") return ViewSelection::k32;
  return Fail(Error::Usage("--view takes both, 64 or 32, not '" + std::string(text) + "'",
                           "bad-view"));
}

std::vector<View> ResolveViews(ViewSelection sel, Architecture arch, std::string* note) {
  switch (sel) {
    case ViewSelection::k64:
      return {View::k64};
    case ViewSelection::k32:
      return {View::k32};
    case ViewSelection::kBoth:
      break;
  }
  if (arch == Architecture::k32Bit) {
    if (note) {
      *note = "32-bit OS (Windows NT\\CurrentVersion present, no Wow6432Node): only the native "
              "view exists, so only it is written";
    }
    return {View::k64};
  }
  return {View::k64, View::k32};
}

Expected<Inspection> Inspect(RegistryBackend& backend) {
  Inspection ins;
  ins.target = backend.Describe();
  SECPROTO_ASSIGN_OR_RETURN(arch, backend.DetectArchitecture());
  ins.architecture = arch;
  ins.required_views = ResolveViews(ViewSelection::kBoth, arch, nullptr);
  for (View v : ins.required_views) {
    ViewState vs;
    vs.view = v;
    vs.key = std::string(kWinHttpKey);
    vs.physical_key = PhysicalKey(v, kWinHttpKey);
    SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(v, kWinHttpKey));
    vs.key_exists = exists;
    if (exists) {
      SECPROTO_ASSIGN_OR_RETURN(val, backend.GetValue(v, kWinHttpKey, kValueName));
      vs.value = std::move(val);
    }
    FindingsForView(vs);
    for (const Finding& f : vs.findings) ins.findings.push_back(f);
    ins.views.push_back(std::move(vs));
  }
  if (ins.views.size() == 2) {
    const ViewState& a = ins.views[0];
    const ViewState& b = ins.views[1];
    if (a.value.has_value() != b.value.has_value()) {
      const ViewState& set = a.value ? a : b;
      const ViewState& unset = a.value ? b : a;
      ins.findings.push_back(
          {"one-view", "error", std::string(ViewName(unset.view)),
           "the value is set in view " + std::string(ViewName(set.view)) + " only; " +
               (unset.view == View::k32 ? "32-bit" : "64-bit") +
               " processes use the built-in default"});
    } else if (a.value && b.value && !(*a.value == *b.value)) {
      ins.findings.push_back({"views-differ", "warning", "",
                              "the views differ: 64 holds " + Quote(*a.value) + ", 32 holds " +
                                  Quote(*b.value) +
                                  "; 64-bit and 32-bit processes offer different protocols"});
    }
  }
  if (ins.findings.empty() && !ins.views.empty() && !ins.views[0].value) {
    ins.findings.push_back({"not-set", "info", "",
                            "DefaultSecureProtocols is not set; WinHTTP uses the OS built-in "
                            "default (see `secproto explain`)"});
  }
  SECPROTO_ASSIGN_OR_RETURN(force, backend.GetValue(View::k64, kWinHttpKey,
                                                    kForceDefaultValue));
  if (force) {
    ins.force_default = force;
    ins.findings.push_back({"force-default-secure-protocols", "info", "64",
                            "ForceDefaultSecureProtocols is present (" + Quote(*force) +
                                "): undocumented, reported but not modelled"});
  }
  return ins;
}

namespace {

// The state of one value, with every key on its physical path that is
// missing, so that a rollback removes exactly what a write creates.
Expected<BackupView> RecordValue(RegistryBackend& backend, View v, const std::string& key,
                                 const std::string& name) {
  BackupView bv;
  bv.view = v;
  bv.key = key;
  SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(v, key));
  bv.key_existed = exists;
  if (exists) {
    SECPROTO_ASSIGN_OR_RETURN(val, backend.GetValue(v, key, name));
    bv.value = std::move(val);
    return bv;
  }
  std::set<std::string> seen;
  SECPROTO_TRY(backup_json::MissingKeys(backend, v, key, bv.missing_keys, seen));
  return bv;
}

}  // namespace

Expected<Backup> TakeBackup(RegistryBackend& backend, const std::vector<View>& views) {
  Backup b;
  b.target = backend.Describe();
  b.machine = backend.MachineName();
  b.created = FormatUtcNow("%Y-%m-%dT%H:%M:%SZ");
  for (View v : views) {
    SECPROTO_ASSIGN_OR_RETURN(
        bv, RecordValue(backend, v, std::string(kWinHttpKey), std::string(kValueName)));
    b.views.push_back(std::move(bv));
  }
  return b;
}

Expected<Backup> TakeValuesBackup(RegistryBackend& backend,
                                  const std::vector<BackupValueRef>& values) {
  Backup b;
  b.target = backend.Describe();
  b.machine = backend.MachineName();
  b.created = FormatUtcNow("%Y-%m-%dT%H:%M:%SZ");
  for (const BackupValueRef& r : values) {
    bool seen = false;
    for (const BackupView& x : b.views) {
      seen = seen ||
             (x.view == r.view && KeyNameEquals(x.key, r.key) && KeyNameEquals(x.name, r.name));
    }
    if (seen) continue;
    SECPROTO_ASSIGN_OR_RETURN(bv, RecordValue(backend, r.view, r.key, r.name));
    bv.name = r.name;
    b.views.push_back(std::move(bv));
  }
  return b;
}

namespace {

// Applies per-view writes; on failure restores (non-transactional) or drops
// (transactional) and returns the error with what recovery did.
template <typename WriteFn>
Expected<ChangeResult> ApplyPerView(RegistryBackend& backend, const std::vector<View>& views,
                                    WriteFn write_view) {
  ChangeResult result;
  SECPROTO_ASSIGN_OR_RETURN(backup, TakeBackup(backend, views));
  result.backup = backup;
  std::vector<View> written;
  for (size_t i = 0; i < views.size(); ++i) {
    ViewChange change;
    change.view = views[i];
    change.before = backup.views[i].value;
    auto wrote = write_view(backup.views[i], change);
    if (!wrote) {
      Error err = wrote.error();
      err.message = "view " + std::string(ViewName(views[i])) + ": " + err.message;
      if (backend.IsTransactional()) {
        err.message += "; nothing was written";
      } else if (!written.empty()) {
        Backup partial = backup;
        partial.views.clear();
        for (size_t j = 0; j < i; ++j) partial.views.push_back(backup.views[j]);
        auto restored = RestoreBackup(backend, partial);
        err.message += restored ? "; the views already written were restored"
                                : "; restoring the views already written failed too: " +
                                      restored.error().message;
      }
      return Fail(err);
    }
    if (*wrote) {
      result.changed = true;
      written.push_back(views[i]);
    }
    result.views.push_back(std::move(change));
  }
  if (result.changed) {
    SECPROTO_TRY(CommitWrites(backend));
    result.committed = !backend.IsDryRun();
  }
  return result;
}

}  // namespace

Expected<ChangeResult> SetSetting(RegistryBackend& backend, uint32_t value,
                                  const std::vector<View>& views) {
  if (auto why = WinHttpIgnoreReason(value)) {
    return Fail(Error::Input("refusing to write " + ProtocolSet(value).Hex() + ": " + *why +
                                 (value == 0 ? "; use `secproto unset` to return to the OS default"
                                             : ""),
                             value == 0 ? "zero-value" : "unknown-bits"));
  }
  RegValue want = RegValue::Dword(value);
  return ApplyPerView(backend, views,
                      [&](const BackupView& bv, ViewChange& change) -> Expected<bool> {
                        change.after = want;
                        if (bv.value && *bv.value == want) {
                          change.action = "unchanged";
                          return false;
                        }
                        change.action = !bv.value                    ? "created"
                                        : bv.value->type != kRegDword ? "replaced-type"
                                                                      : "updated";
                        SECPROTO_TRY(backend.SetValue(bv.view, bv.key, kValueName, want));
                        return true;
                      });
}

Expected<ChangeResult> UnsetSetting(RegistryBackend& backend, const std::vector<View>& views) {
  return ApplyPerView(backend, views,
                      [&](const BackupView& bv, ViewChange& change) -> Expected<bool> {
                        if (!bv.value) {
                          change.action = "absent";
                          return false;
                        }
                        change.action = "deleted";
                        SECPROTO_TRY(backend.DeleteValue(bv.view, bv.key, kValueName));
                        return true;
                      });
}

std::string DescribeValue(const std::optional<RegValue>& v) {
  if (!v) return "missing";
  if (auto d = v->AsDword()) {
    ProtocolSet s(*d);
    return "REG_DWORD " + s.Hex() + " (" + s.Describe() + ")";
  }
  if (v->type == kRegSz || v->type == kRegExpandSz) {
    if (auto text = Utf16LeText(v->data)) return RegTypeName(v->type) + " \"" + *text + "\"";
  }
  return RegTypeName(v->type) + " hex:" + v->HexData();
}

Expected<uint32_t> EditBase(const Inspection& inspection, const std::vector<View>& views) {
  std::optional<uint32_t> base;
  for (View v : views) {
    const ViewState* vs = inspection.Find(v);
    std::optional<uint32_t> d = vs ? vs->dword() : std::nullopt;
    if (!d || !ProtocolSet(*d).IsValid()) {
      return Fail(Error::Input(
          "+/- edits need a valid REG_DWORD in every view, and view " + std::string(ViewName(v)) +
              (vs && vs->value ? " holds " + DescribeValue(vs->value)
                               : " has no DefaultSecureProtocols value") +
              "; give the full list instead",
          "no-base-value"));
    }
    if (base && *base != *d) {
      return Fail(Error::Input(
          "+/- edits need the views to agree, and they differ; give the full list instead",
          "views-differ"));
    }
    base = d;
  }
  if (!base) return Fail(Error::Input("+/- edits need a view to edit", "no-base-value"));
  return *base;
}

Expected<SettingWriteResult> WriteSetting(RegistryBackend& backend, const SettingWrite& w) {
  // A dry run gives the answer the real run would: an existing backup file
  // is refused by both.
  if (!w.backup_path.empty()) SECPROTO_TRY(RefuseExistingBackup(w.backup_path));
  SECPROTO_ASSIGN_OR_RETURN(backup, TakeBackup(backend, w.views));
  bool would_change = false;
  for (const BackupView& bv : backup.views) {
    would_change = would_change || (w.value ? bv.value != RegValue::Dword(*w.value)
                                            : bv.value.has_value());
  }
  SettingWriteResult out;
  if (would_change) {
    for (View v : w.views) SECPROTO_TRY(backend.PrepareWrite(v, kWinHttpKey));
    if (!w.backup_path.empty() && !backend.IsDryRun()) {
      if (auto wrote = WriteFileAtomically(w.backup_path, BackupToJson(backup)); !wrote) {
        return Fail(Error::Io(
            "cannot write the backup, so nothing was changed: " + wrote.error().message,
            "backup-failed"));
      }
      out.backup_saved = true;
    } else if (w.save_backup) {
      SECPROTO_TRY(w.save_backup(backup));
      out.backup_saved = true;
    }
  }
  auto result =
      w.value ? SetSetting(backend, *w.value, w.views) : UnsetSetting(backend, w.views);
  if (!result) {
    if (out.backup_saved && backend.IsTransactional()) {
      if (!w.backup_path.empty()) {
        std::error_code ec;
        std::filesystem::remove(w.backup_path, ec);
      } else if (w.drop_backup) {
        w.drop_backup();
      }
    }
    return Fail(result.error());
  }
  out.change = std::move(*result);
  return out;
}

Expected<ChangeResult> RestoreBackup(RegistryBackend& backend, const Backup& backup) {
  // The values go back through the change-set path, all-or-nothing; then the
  // keys the change created are removed (deepest first) where still empty.
  std::vector<ChangeSetEntry> entries;
  for (const BackupView& bv : backup.views) {
    entries.push_back(
        {bv.view, bv.key, bv.name.empty() ? backup.value_name : bv.name, bv.value, std::nullopt});
  }
  SECPROTO_ASSIGN_OR_RETURN(plan, PlanRestore(backend, entries));
  SECPROTO_ASSIGN_OR_RETURN(before, TakeChangeSetBackup(backend, plan));
  SECPROTO_ASSIGN_OR_RETURN(written, WritePlan(backend, plan, before));
  ChangeResult result;
  result.changed = written > 0;
  for (size_t i = 0; i < backup.views.size(); ++i) {
    const BackupView& bv = backup.views[i];
    const PlannedChange& pc = plan.changes[i];
    ViewChange change;
    change.view = bv.view;
    change.before = pc.current;
    change.after = bv.value;
    change.action = !pc.needed() ? "unchanged" : bv.value ? "restored" : "deleted";
    // A value that did not exist: remove the keys its write created.
    for (auto it = bv.missing_keys.rbegin(); !bv.value && it != bv.missing_keys.rend(); ++it) {
      SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(View::k64, *it));
      if (!exists) continue;
      SECPROTO_TRY(backend.DeleteKeyIfEmpty(View::k64, *it));
      SECPROTO_ASSIGN_OR_RETURN(still, backend.KeyExists(View::k64, *it));
      if (!still) {
        result.changed = true;
        if (change.action == "unchanged") change.action = "restored";
      }
    }
    result.views.push_back(std::move(change));
  }
  if (result.changed) {
    SECPROTO_TRY(backend.Commit());
    result.committed = !backend.IsDryRun();
  }
  return result;
}

Expected<CheckResult> CheckSetting(RegistryBackend& backend, uint32_t value,
                                   const std::vector<View>& views) {
  CheckResult r;
  SECPROTO_ASSIGN_OR_RETURN(ins, Inspect(backend));
  for (View v : views) {
    std::string name(ViewName(v));
    std::optional<RegValue> stored;
    if (const ViewState* vs = ins.Find(v)) {
      stored = vs->value;
    } else {
      SECPROTO_ASSIGN_OR_RETURN(val, backend.GetValue(v, kWinHttpKey, kValueName));
      stored = val;
    }
    if (!stored) {
      r.differences.push_back({v, "view " + name + ": DefaultSecureProtocols is missing, expected " +
                                      ProtocolSet(value).Hex()});
    } else if (!stored->AsDword()) {
      r.differences.push_back({v, "view " + name + ": the value is " + RegTypeName(stored->type) +
                                      ", expected REG_DWORD " + ProtocolSet(value).Hex()});
    } else if (*stored->AsDword() != value) {
      ProtocolSet have(*stored->AsDword());
      r.differences.push_back({v, "view " + name + ": holds " + have.Hex() + " (" +
                                      have.Describe() + "), expected " + ProtocolSet(value).Hex() +
                                      " (" + ProtocolSet(value).Describe() + ")"});
    }
  }
  r.compliant = r.differences.empty();
  r.inspection = std::move(ins);
  return r;
}

// --- backup JSON -------------------------------------------------------------

bool Backup::HasNamedValues() const {
  for (const BackupView& bv : views) {
    if (!bv.name.empty()) return true;
  }
  return false;
}

std::string BackupToJson(const Backup& b) {
  nlohmann::ordered_json j;
  bool named = b.HasNamedValues();
  j["format"] = "secproto-backup";
  j["version"] = named ? 2 : 1;
  j["target"] = b.target;
  if (!b.machine.empty()) j["machine"] = b.machine;
  j["created"] = b.created;
  if (!named) j["value_name"] = b.value_name;
  nlohmann::ordered_json views = nlohmann::ordered_json::object();
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (const BackupView& bv : b.views) {
    nlohmann::ordered_json v;
    if (named) {
      v["view"] = std::string(ViewName(bv.view));
      v["name"] = bv.name;
    }
    v["key"] = bv.key;
    v["key_existed"] = bv.key_existed;
    v["missing_keys"] = bv.missing_keys;
    backup_json::PutValue(v, bv.value);
    if (named) {
      values.push_back(v);
    } else {
      views[std::string(ViewName(bv.view))] = v;
    }
  }
  if (named) {
    j["values"] = values;
  } else {
    j["views"] = views;
  }
  return j.dump(2) + "\n";
}

namespace {

// Version 2: a list of named values anywhere under the three roots (the
// backups of schannel, wininet and dotnet writes).
Expected<Backup> ValuesFromJson(const nlohmann::ordered_json& j, Backup b) {
  auto bad = [](const std::string& why) {
    return Fail(Error::Input("not a secproto backup: " + why, "bad-backup"));
  };
  if (!j.contains("values") || !j["values"].is_array()) return bad("no \"values\" list");
  for (const auto& v : j["values"]) {
    SECPROTO_ASSIGN_OR_RETURN(place, backup_json::ReadPlace(v, bad));
    BackupView bv;
    bv.view = place.view;
    bv.key = std::move(place.key);
    bv.name = std::move(place.name);
    if (bv.name.empty()) return bad("a value has no name");
    std::vector<std::string> parts = SplitKey(bv.key);
    bool rooted = (parts.size() > 2 && KeyNameEquals(parts[0], "HKLM") &&
                   (KeyNameEquals(parts[1], "SOFTWARE") || KeyNameEquals(parts[1], "SYSTEM"))) ||
                  (parts.size() > 1 && KeyNameEquals(parts[0], "HKCU"));
    if (!rooted) return bad("key " + bv.key + " is not under HKLM\\SOFTWARE, HKLM\\SYSTEM or HKCU");
    bv.key_existed = v.at("key_existed").get<bool>();
    std::string physical = PhysicalKey(bv.view, bv.key);
    for (const auto& k : v.value("missing_keys", nlohmann::ordered_json::array())) {
      std::string key = k.get<std::string>();
      std::vector<std::string> kp = SplitKey(key);
      if (kp.size() <= RootParts(kp) || !KeyNameEquals(key, physical.substr(0, key.size())) ||
          (key.size() < physical.size() && physical[key.size()] != '\\')) {
        return bad("missing_keys entry " + key + " is not on the path of " + bv.key);
      }
      bv.missing_keys.push_back(key);
    }
    SECPROTO_ASSIGN_OR_RETURN(value, backup_json::ReadValue(v, bad));
    bv.value = std::move(value);
    b.views.push_back(std::move(bv));
  }
  if (b.views.empty()) return bad("no values recorded");
  return b;
}

}  // namespace

Expected<Backup> BackupFromJson(std::string_view text) {
  auto bad = [](const std::string& why) {
    return Fail(Error::Input("not a secproto backup: " + why, "bad-backup"));
  };
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  try {
    if (j.value("format", "") != "secproto-backup") return bad("\"format\" is not secproto-backup");
    int version = j.value("version", 0);
    if (version != 1 && version != 2) return bad("unsupported version");
    Backup b;
    b.target = j.value("target", "");
    b.machine = j.value("machine", "");
    b.created = j.value("created", "");
    if (version == 2) return ValuesFromJson(j, std::move(b));
    b.value_name = j.value("value_name", std::string(kValueName));
    if (!KeyNameEquals(b.value_name, kValueName)) return bad("value_name is not " + std::string(kValueName));
    if (!j.contains("views") || !j["views"].is_object()) return bad("no \"views\" object");
    for (const auto& [name, v] : j["views"].items()) {
      BackupView bv;
      auto view = ParseViewName(name);
      if (!view) return bad("unknown view '" + name + "'");
      bv.view = *view;
      bv.key = v.at("key").get<std::string>();
      if (!KeyNameEquals(bv.key, kWinHttpKey)) return bad("unexpected key " + bv.key);
      bv.key_existed = v.at("key_existed").get<bool>();
      for (const auto& k : v.value("missing_keys", nlohmann::ordered_json::array())) {
        std::string key = k.get<std::string>();
        // Only keys on the setting's own path may be removed by a rollback.
        if (!KeyNameEquals(key, PhysicalKey(bv.view, kWinHttpKey).substr(0, key.size()))) {
          return bad("missing_keys entry " + key + " is not on the setting's path");
        }
        bv.missing_keys.push_back(key);
      }
      SECPROTO_ASSIGN_OR_RETURN(value, backup_json::ReadValue(v, bad));
      bv.value = std::move(value);
      b.views.push_back(std::move(bv));
    }
    if (b.views.empty()) return bad("no views recorded");
    return b;
  } catch (const nlohmann::ordered_json::exception& e) {
    return bad(std::string("a field is missing or has the wrong type (") + e.what() + ")");
  }
}

}  // namespace secproto
