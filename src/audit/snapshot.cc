// The read-only snapshot backend and its .reg reader (the `show --json` reader
// lives beside its writer, in show_json.cc). Hives go through the hive backend
// instead (audit.cc).
#include <cctype>
#include <string>
#include <utility>

#include "core/strings.h"
#include "registry/reg_file.h"
#include "secproto/audit.h"
#include "secproto/emit.h"
#include "secproto/keys.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

class SnapshotBackend : public RegistryBackend {
 public:
  SnapshotBackend(std::string describe, Architecture arch, SnapshotView v64, SnapshotView v32)
      : describe_(std::move(describe)), arch_(arch), views_{std::move(v64), std::move(v32)} {}

  std::string Describe() const override { return describe_; }
  bool HasRoot(std::string_view root) const override {
    return KeyNameEquals(root, "HKLM\\SOFTWARE");
  }
  Expected<Architecture> DetectArchitecture() override { return arch_; }
  Expected<bool> KeyExists(View view, std::string_view key) override {
    return KeyNameEquals(key, kWinHttpKey) && Get(view).key_exists;
  }
  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override {
    if (view == View::k64 && KeyNameEquals(key, kCurrentVersionKey)) {
      for (const auto& [n, v] : views_[0].current_version) {
        if (KeyNameEquals(n, name)) return v;
      }
      return std::nullopt;
    }
    if (!KeyNameEquals(key, kWinHttpKey)) return std::nullopt;
    if (KeyNameEquals(name, kValueName)) return Get(view).value;
    if (KeyNameEquals(name, kForceDefaultValue)) return Get(view).force_default;
    return std::nullopt;
  }
  Expected<std::vector<std::string>> ListSubkeys(View, std::string_view) override {
    return std::vector<std::string>{};
  }
  Status SetValue(View, std::string_view, std::string_view, const RegValue&) override {
    return ReadOnly();
  }
  Status DeleteValue(View, std::string_view, std::string_view) override { return ReadOnly(); }
  Status DeleteKeyIfEmpty(View, std::string_view) override { return ReadOnly(); }
  bool IsTransactional() const override { return true; }
  Status Commit() override { return {}; }

 private:
  const SnapshotView& Get(View v) const { return views_[v == View::k64 ? 0 : 1]; }
  Status ReadOnly() const {
    return Fail(Error::Target(describe_ + " is a collected snapshot: read-only", "read-only"));
  }

  std::string describe_;
  Architecture arch_;
  SnapshotView views_[2];
};

// ---- .reg reader ----

// Whether folded key `a` is `b` or below it.
bool AtOrBelow(std::string_view a, std::string_view b) {
  return a.starts_with(b) && (a.size() == b.size() || a[b.size()] == '\\');
}

// One key whose existence the audit needs, replayed as importing the file
// onto an empty registry leaves it (reg_file.h): `[KEY]` creates it when KEY
// is it or below it, `[-KEY]` removes it when KEY is it or above it.
struct TrackedKey {
  std::string folded;
  bool exists = false;

  // Returns true when the entry removed the key.
  bool Apply(const RegEntry& e) {
    if (e.kind == RegEntry::Kind::kKey && AtOrBelow(e.folded_key, folded)) exists = true;
    if (e.kind == RegEntry::Kind::kDeleteKey && AtOrBelow(folded, e.folded_key)) {
      exists = false;
      return true;
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<RegistryBackend> NewSnapshotBackend(std::string describe, Architecture arch,
                                                    SnapshotView v64, SnapshotView v32) {
  return std::make_unique<SnapshotBackend>(std::move(describe), arch, std::move(v64),
                                           std::move(v32));
}

Expected<std::unique_ptr<RegistryBackend>> ReadRegSnapshot(std::string_view bytes,
                                                           std::string describe,
                                                           const RegSnapshotOptions& options) {
  // The .reg grammar is RegDocument's (registry/reg_file.h), in its scanning
  // mode: no lines kept, only the WinHttp keys' state replayed.
  TrackedKey keys[2] = {{Lower("HKLM\\" + WinHttpSubkey(false))},
                        {Lower("HKLM\\" + WinHttpSubkey(true))}};
  TrackedKey wow{"hklm\\software\\wow6432node"};
  TrackedKey current_version{"hklm\\software\\microsoft\\windows nt\\currentversion"};
  const std::string dsp = Lower(kValueName);
  const std::string force = "forcedefaultsecureprotocols";
  SnapshotView views[2];
  int section = -1;  // the WinHttp key of the current [KEY] section, -1 for others
  bool in_current_version = false;  // the current [KEY] section is CurrentVersion
  std::vector<std::pair<std::string, RegValue>> facts;
  auto visit = [&](const RegEntry& e) {
    wow.Apply(e);
    bool current_version_removed = current_version.Apply(e);
    switch (e.kind) {
      case RegEntry::Kind::kHeader:
        section = -1;
        in_current_version = false;
        break;
      case RegEntry::Kind::kKey:
      case RegEntry::Kind::kDeleteKey:
        section = -1;
        if (current_version_removed) facts.clear();
        in_current_version =
            e.kind == RegEntry::Kind::kKey && e.folded_key == current_version.folded;
        for (int i = 0; i < 2; ++i) {
          if (keys[i].Apply(e)) views[i] = SnapshotView{};
          views[i].key_exists = keys[i].exists;
          if (e.kind == RegEntry::Kind::kKey && e.folded_key == keys[i].folded) section = i;
        }
        break;
      case RegEntry::Kind::kValue:
      case RegEntry::Kind::kDeleteValue: {
        if (in_current_version) {
          std::erase_if(facts, [&](const auto& f) { return KeyNameEquals(f.first, e.name); });
          if (e.kind == RegEntry::Kind::kValue) facts.emplace_back(e.name, e.value);
        }
        if (section < 0) break;
        std::optional<RegValue>* slot = nullptr;
        if (e.name.size() == dsp.size() && Lower(e.name) == dsp) {
          slot = &views[section].value;
        } else if (section == 0 && e.name.size() == force.size() && Lower(e.name) == force) {
          slot = &views[section].force_default;
        }
        if (!slot) break;
        if (e.kind == RegEntry::Kind::kValue) {
          *slot = e.value;
        } else {
          slot->reset();
        }
        break;
      }
      case RegEntry::Kind::kBlank:
      case RegEntry::Kind::kComment:
        break;
    }
  };
  SECPROTO_TRY(ScanRegFile(bytes, "", RegScanOptions{.concatenated = options.concatenated}, visit));
  Architecture arch = wow.exists               ? Architecture::k64Bit
                      : current_version.exists ? Architecture::k32Bit
                                               : Architecture::kUnknown;
  views[0].current_version = std::move(facts);
  return NewSnapshotBackend(std::move(describe), arch, std::move(views[0]), std::move(views[1]));
}

}  // namespace secproto
