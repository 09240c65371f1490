// Plan, apply and restore a list of registry changes as one change.
#include "secproto/changeset.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/strings.h"
#include "ops/backup_json.h"
#include "ops/commit.h"
#include "registry/pair_journal.h"
#include "secproto/keys.h"
#include "util/time.h"

namespace secproto {
namespace {

using Json = nlohmann::ordered_json;

// The identity of a value on the target: two views of a shared key are one.
std::string Identity(View view, std::string_view key, std::string_view name) {
  return Lower(PhysicalKey(view, key)) + "\n" + Lower(name);
}

using backup_json::MissingKeys;
using backup_json::RootParts;

std::string ActionFor(const std::optional<RegValue>& current, const std::optional<RegValue>& want) {
  if (!want) return current ? "delete" : "absent";
  if (!current) return "create";
  if (*current == *want) return "unchanged";
  return current->type != want->type ? "replace-type" : "update";
}

int Rank(Effect e) {
  switch (e) {
    case Effect::kNextProcess:
      return 0;
    case Effect::kServiceRestart:
      return 1;
    case Effect::kReboot:
      return 2;
  }
  return 2;
}

size_t Depth(const std::string& key) { return SplitKey(key).size(); }

// One change compared with the target.
Expected<PlannedChange> PlanOne(RegistryBackend& backend, RegChange c) {
  PlannedChange pc;
  SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(c.view, c.key));
  pc.key_exists = exists;
  if (exists) {
    SECPROTO_ASSIGN_OR_RETURN(v, backend.GetValue(c.view, c.key, c.name));
    pc.current = std::move(v);
  }
  pc.action = ActionFor(pc.current, c.value);
  pc.change = std::move(c);
  return pc;
}

}  // namespace

bool Plan::changes_anything() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const PlannedChange& c) { return c.needed(); });
}

std::optional<Effect> Plan::strongest_effect() const {
  std::optional<Effect> best;
  for (const PlannedChange& c : changes) {
    if (!c.needed()) continue;
    if (!best || Rank(c.change.effect) > Rank(*best)) best = c.change.effect;
  }
  return best;
}

Expected<Plan> PlanChanges(RegistryBackend& backend, const std::vector<RegChange>& changes) {
  Plan plan;
  plan.target = backend.Describe();
  // The last change of each value wins; keep the list order of the winners.
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < changes.size(); ++i) {
    last[Identity(changes[i].view, changes[i].key, changes[i].name)] = i;
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    const RegChange& c = changes[i];
    if (last[Identity(c.view, c.key, c.name)] != i) continue;
    SECPROTO_ASSIGN_OR_RETURN(pc, PlanOne(backend, c));
    plan.changes.push_back(std::move(pc));
  }
  return plan;
}

Expected<ChangeSetBackup> TakeChangeSetBackup(RegistryBackend& backend, const Plan& plan) {
  ChangeSetBackup b;
  b.target = backend.Describe();
  b.machine = backend.MachineName();
  b.created = FormatUtcNow("%Y-%m-%dT%H:%M:%SZ");
  std::set<std::string> seen;
  for (const PlannedChange& pc : plan.changes) {
    if (!pc.needed()) continue;
    b.values.push_back(ChangeSetEntry{pc.change.view, pc.change.key, pc.change.name, pc.current,
                                      pc.change.effect});
    if (pc.change.value && !pc.key_exists) {
      SECPROTO_TRY(MissingKeys(backend, pc.change.view, pc.change.key, b.created_keys, seen));
    }
  }
  return b;
}

Expected<int> WritePlan(RegistryBackend& backend, const Plan& plan,
                        const ChangeSetBackup& before) {
  ChangeSetBackup done = before;
  done.values.clear();
  int written = 0;
  for (const PlannedChange& pc : plan.changes) {
    if (!pc.needed()) continue;
    const RegChange& c = pc.change;
    // The failed write may have created keys or half-written: restore it too.
    done.values.push_back(ChangeSetEntry{c.view, c.key, c.name, pc.current, c.effect});
    Status s = c.value ? backend.SetValue(c.view, c.key, c.name, *c.value)
                       : backend.DeleteValue(c.view, c.key, c.name);
    if (s) {
      ++written;
      continue;
    }
    Error err = s.error();
    err.message = c.key + "\\" + c.name + ": " + err.message;
    if (backend.IsTransactional()) {
      err.message += "; nothing was written";
    } else {
      auto restored = RestoreChangeSetBackup(backend, done);
      err.message += restored ? "; the values already written were restored"
                              : "; restoring the values already written failed too: " +
                                    restored.error().message;
    }
    return Fail(err);
  }
  return written;
}

Effect EffectOfValue(std::string_view key, std::string_view /*name*/) {
  if (StartsWithIgnoreCase(key, std::string(kSchannelProtocolsKey) + "\\")) {
    return Effect::kServiceRestart;
  }
  if (EqualsIgnoreCase(key, kWinHttpKey)) return Effect::kServiceRestart;
  if (StartsWithIgnoreCase(key, "HKLM\\SYSTEM\\") ||
      StartsWithIgnoreCase(key, std::string(kSuitePolicyKey))) {
    return Effect::kReboot;
  }
  return Effect::kNextProcess;
}

Expected<Plan> PlanRestore(RegistryBackend& backend, const std::vector<ChangeSetEntry>& entries) {
  Plan plan;
  plan.target = backend.Describe();
  for (const ChangeSetEntry& e : entries) {
    SECPROTO_ASSIGN_OR_RETURN(
        pc, PlanOne(backend, RegChange{e.view, e.key, e.name, e.value,
                                       e.effect.value_or(EffectOfValue(e.key, e.name)),
                                       "restore from backup"}));
    plan.changes.push_back(std::move(pc));
  }
  return plan;
}

Expected<ChangeSetResult> ApplyPlan(RegistryBackend& backend, const Plan& plan) {
  ChangeSetResult result;
  result.plan = plan;
  SECPROTO_ASSIGN_OR_RETURN(backup, TakeChangeSetBackup(backend, plan));
  result.backup = backup;
  if (!plan.changes_anything()) return result;
  SECPROTO_ASSIGN_OR_RETURN(written, WritePlan(backend, plan, backup));
  result.written = written;
  result.changed = true;
  SECPROTO_TRY(CommitWrites(backend));
  result.committed = !backend.IsDryRun();
  return result;
}

Expected<ChangeSetResult> ApplyChanges(RegistryBackend& backend,
                                       const std::vector<RegChange>& changes) {
  SECPROTO_ASSIGN_OR_RETURN(plan, PlanChanges(backend, changes));
  return ApplyPlan(backend, plan);
}

Expected<ChangeSetResult> RestoreChangeSetBackup(RegistryBackend& backend,
                                                 const ChangeSetBackup& backup) {
  ChangeSetResult result;
  result.backup = backup;
  SECPROTO_ASSIGN_OR_RETURN(plan, PlanRestore(backend, backup.values));
  result.plan = plan;
  // What the restore itself would create, for its own compensation.
  SECPROTO_ASSIGN_OR_RETURN(before, TakeChangeSetBackup(backend, plan));
  SECPROTO_ASSIGN_OR_RETURN(written, WritePlan(backend, plan, before));
  result.written = written;
  result.changed = written > 0;
  std::vector<std::string> keys = backup.created_keys;
  std::stable_sort(keys.begin(), keys.end(),
                   [](const std::string& a, const std::string& b) { return Depth(a) > Depth(b); });
  for (const std::string& k : keys) {
    SECPROTO_ASSIGN_OR_RETURN(exists, backend.KeyExists(View::k64, k));
    if (!exists) continue;
    SECPROTO_TRY(backend.DeleteKeyIfEmpty(View::k64, k));
    SECPROTO_ASSIGN_OR_RETURN(still, backend.KeyExists(View::k64, k));
    if (!still) {
      ++result.keys_removed;
      result.changed = true;
    }
  }
  if (result.changed) {
    SECPROTO_TRY(backend.Commit());
    result.committed = !backend.IsDryRun();
  }
  return result;
}

// --- backup JSON -------------------------------------------------------------

std::string ChangeSetBackupToJson(const ChangeSetBackup& b) {
  Json j;
  j["format"] = "secproto-backup";
  j["version"] = 2;
  j["kind"] = "changeset";
  j["target"] = b.target;
  if (!b.machine.empty()) j["machine"] = b.machine;
  j["created"] = b.created;
  Json values = Json::array();
  for (const ChangeSetEntry& e : b.values) {
    Json v;
    v["view"] = std::string(ViewName(e.view));
    v["key"] = e.key;
    v["name"] = e.name;
    backup_json::PutValue(v, e.value);
    if (e.effect) v["effect"] = std::string(EffectName(*e.effect));
    values.push_back(std::move(v));
  }
  j["values"] = std::move(values);
  j["created_keys"] = b.created_keys;
  return j.dump(2) + "\n";
}

bool IsChangeSetBackup(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto f = j.find("format");
  auto k = j.find("kind");
  return f != j.end() && *f == "secproto-backup" && k != j.end() && *k == "changeset";
}

Expected<ChangeSetBackup> ChangeSetBackupFromJson(std::string_view text) {
  auto bad = [](const std::string& why) {
    return Fail(Error::Input("not a secproto change-set backup: " + why, "bad-backup"));
  };
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  try {
    if (j.value("format", "") != "secproto-backup") return bad("\"format\" is not secproto-backup");
    if (j.value("version", 0) != 2) return bad("unsupported version");
    if (j.value("kind", "") != "changeset") return bad("\"kind\" is not changeset");
    ChangeSetBackup b;
    b.target = j.value("target", "");
    b.machine = j.value("machine", "");
    b.created = j.value("created", "");
    if (!j.contains("values") || !j["values"].is_array()) return bad("no \"values\" array");
    std::set<std::string> touched;  // physical keys the backup restores values in
    for (const Json& v : j["values"]) {
      SECPROTO_ASSIGN_OR_RETURN(place, backup_json::ReadPlace(v, bad));
      ChangeSetEntry e{place.view, std::move(place.key), std::move(place.name), std::nullopt};
      std::vector<std::string> parts = SplitKey(e.key);
      if (parts.size() < 2 ||
          !(KeyNameEquals(parts[0], "HKLM") || KeyNameEquals(parts[0], "HKCU"))) {
        return bad("key " + e.key + " is not under HKLM or HKCU");
      }
      SECPROTO_ASSIGN_OR_RETURN(value, backup_json::ReadValue(v, [&](const std::string&) {
                                  return bad("data of " + e.key + "\\" + e.name + " is not hex");
                                }));
      e.value = std::move(value);
      if (v.contains("effect")) {
        std::string effect = v.at("effect").get<std::string>();
        for (Effect x : {Effect::kNextProcess, Effect::kServiceRestart, Effect::kReboot}) {
          if (EffectName(x) == effect) e.effect = x;
        }
        if (!e.effect) return bad("unknown effect '" + effect + "' of " + e.key + "\\" + e.name);
      }
      touched.insert(Lower(PhysicalKey(e.view, e.key)));
      b.values.push_back(std::move(e));
    }
    for (const Json& k : j.value("created_keys", Json::array())) {
      std::string key = k.get<std::string>();
      // A rollback removes only keys on the path of a value it restores.
      std::string lk = Lower(key);
      bool on_path = std::any_of(touched.begin(), touched.end(), [&](const std::string& t) {
        return t == lk || t.rfind(lk + "\\", 0) == 0;
      });
      if (!on_path)
        return bad("created_keys entry " + key + " is not on the path of a value it restores");
      if (SplitKey(key).size() <= RootParts(SplitKey(key)))
        return bad("created_keys entry " + key + " is a root");
      b.created_keys.push_back(std::move(key));
    }
    return b;
  } catch (const Json::exception& e) {
    return bad(std::string("a field is missing or has the wrong type (") + e.what() + ")");
  }
}

}  // namespace secproto
