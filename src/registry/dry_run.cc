// The --dry-run wrapper: writes land in an overlay that reads see and that
// Commit() throws away, so the target is never touched.
#include <cctype>
#include <map>
#include <set>

#include "secproto/registry.h"
#include "core/strings.h"

namespace secproto {
namespace {

class DryRunBackend : public RegistryBackendWrapper {
 public:
  using RegistryBackendWrapper::RegistryBackendWrapper;

  Expected<bool> KeyExists(View v, std::string_view k) override {
    std::string key = Lower(PhysicalKey(v, k));
    if (deleted_keys_.contains(key)) return false;
    for (const auto& [vk, val] : values_) {
      if (val && (vk.first == key || vk.first.starts_with(key + "\\"))) return true;
    }
    return RegistryBackendWrapper::KeyExists(v, k);
  }

  Expected<std::optional<RegValue>> GetValue(View v, std::string_view k,
                                             std::string_view n) override {
    std::string key = Lower(PhysicalKey(v, k));
    auto it = values_.find({key, Lower(n)});
    if (it != values_.end()) return it->second;
    if (deleted_keys_.contains(key)) return std::optional<RegValue>();
    return RegistryBackendWrapper::GetValue(v, k, n);
  }

  // The target's subkeys, with the keys the overlay created (names as
  // written) and without those it dropped; so that readers that walk a key
  // (the legacy algorithm keys) see what a real write would leave.
  Expected<std::vector<std::string>> ListSubkeys(View v, std::string_view k) override {
    std::string key = Lower(PhysicalKey(v, k));
    std::vector<std::string> out;
    SECPROTO_ASSIGN_OR_RETURN(exists, RegistryBackendWrapper::KeyExists(v, k));
    if (exists) {
      SECPROTO_ASSIGN_OR_RETURN(have, RegistryBackendWrapper::ListSubkeys(v, k));
      out = std::move(have);
    }
    auto listed = [&](std::string_view name) {
      for (const std::string& o : out) {
        if (Lower(o) == Lower(name)) return true;
      }
      return false;
    };
    for (const auto& [vk, val] : values_) {
      if (!val || !vk.first.starts_with(key + "\\")) continue;
      const std::string& shown = names_.at(vk.first);
      std::string rest = shown.substr(key.size() + 1);
      std::string child = rest.substr(0, rest.find('\\'));
      if (!child.empty() && !listed(child)) out.push_back(child);
    }
    std::erase_if(out, [&](const std::string& c) {
      return deleted_keys_.contains(key + "\\" + Lower(c));
    });
    return out;
  }

  Status SetValue(View v, std::string_view k, std::string_view n, const RegValue& val) override {
    std::string shown = PhysicalKey(v, k);
    std::string key = Lower(shown);
    deleted_keys_.erase(key);
    names_[key] = shown;
    values_[{key, Lower(n)}] = val;
    return {};
  }

  Status DeleteValue(View v, std::string_view k, std::string_view n) override {
    std::string shown = PhysicalKey(v, k);
    names_[Lower(shown)] = shown;
    values_[{Lower(shown), Lower(n)}] = std::nullopt;
    return {};
  }

  Status DeleteKeyIfEmpty(View v, std::string_view k) override {
    // Only keys this overlay emptied are dropped; enough for a preview.
    std::string key = Lower(PhysicalKey(v, k));
    for (const auto& [vk, val] : values_) {
      if (val && (vk.first == key || vk.first.starts_with(key + "\\"))) return {};
    }
    deleted_keys_.insert(key);
    return {};
  }

  bool IsTransactional() const override { return true; }
  bool IsDryRun() const override { return true; }
  Status Commit() override { return {}; }

 private:
  std::map<std::pair<std::string, std::string>, std::optional<RegValue>> values_;
  std::set<std::string> deleted_keys_;
  std::map<std::string, std::string> names_;  // lower-case physical key -> as written
};

}  // namespace

std::unique_ptr<RegistryBackend> NewDryRunBackend(std::unique_ptr<RegistryBackend> target) {
  return std::make_unique<DryRunBackend>(std::move(target));
}

}  // namespace secproto
