// The in-memory registry (`mem:`) and the fault-injecting, recording wrapper.
#include <cctype>

#include "secproto/keys.h"
#include "secproto/testing.h"
#include "core/strings.h"

namespace secproto {
namespace {

constexpr std::string_view kRoots[] = {"HKLM\\SOFTWARE", "HKLM\\SYSTEM", "HKCU"};

// The number of leading parts of a physical key that name its root.
Expected<size_t> RootParts(const std::vector<std::string>& parts, std::string_view key) {
  if (!parts.empty() && KeyNameEquals(parts[0], "HKCU")) return 1;
  if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM") &&
      (KeyNameEquals(parts[1], "SOFTWARE") || KeyNameEquals(parts[1], "SYSTEM"))) {
    return 2;
  }
  return Fail(Error::Target("mem: has no root for key " + std::string(key), "no-such-root"));
}

const bool kRegistered = RegisterTargetScheme(
    "mem", "mem: (in-memory, for tests)",
    [](std::string_view, const TargetOptions&) -> Expected<std::unique_ptr<RegistryBackend>> {
      return std::unique_ptr<RegistryBackend>(std::make_unique<MemBackend>());
    });

}  // namespace

std::unique_ptr<RegistryBackend> NewMemBackend(Architecture arch) {
  return std::make_unique<MemBackend>(arch);
}

MemBackend::MemBackend(Architecture arch, bool transactional)
    : arch_(arch), transactional_(transactional) {
  (void)kRegistered;
}

bool MemBackend::HasRoot(std::string_view root) const {
  for (std::string_view r : kRoots) {
    if (KeyNameEquals(r, root)) return true;
  }
  return false;
}

Expected<Architecture> MemBackend::DetectArchitecture() {
  if (arch_ != Architecture::kUnknown) return arch_;
  SECPROTO_ASSIGN_OR_RETURN(cv, KeyExists(View::k64, kCurrentVersionKey));
  SECPROTO_ASSIGN_OR_RETURN(wow, KeyExists(View::k64, kWow6432NodeKey));
  return ArchitectureFromSoftwareKeys(cv, wow);
}

MemBackend::Node* MemBackend::Find(Node& root, std::string_view physical, bool create) {
  Node* node = &root;
  for (const std::string& part : SplitKey(physical)) {
    std::string k = Lower(part);
    auto it = node->subkeys.find(k);
    if (it == node->subkeys.end()) {
      if (!create) return nullptr;
      it = node->subkeys.emplace(k, Node{}).first;
      it->second.name = part;
    }
    node = &it->second;
  }
  return node;
}

Expected<bool> MemBackend::KeyExists(View view, std::string_view key) {
  std::string phys = PhysicalKey(view, key);
  auto parts = SplitKey(phys);
  SECPROTO_TRY(RootParts(parts, key));
  return Find(tree(), phys, false) != nullptr;
}

Expected<std::optional<RegValue>> MemBackend::GetValue(View view, std::string_view key,
                                                       std::string_view name) {
  std::string phys = PhysicalKey(view, key);
  SECPROTO_TRY(RootParts(SplitKey(phys), key));
  Node* n = Find(tree(), phys, false);
  if (!n) return std::optional<RegValue>();
  auto it = n->values.find(Lower(name));
  if (it == n->values.end()) return std::optional<RegValue>();
  return std::optional<RegValue>(it->second);
}

Expected<std::vector<std::string>> MemBackend::ListSubkeys(View view, std::string_view key) {
  std::string phys = PhysicalKey(view, key);
  SECPROTO_TRY(RootParts(SplitKey(phys), key));
  std::vector<std::string> out;
  if (Node* n = Find(tree(), phys, false)) {
    for (const auto& [k, child] : n->subkeys) out.push_back(child.name);
  }
  return out;
}

Status MemBackend::SetValue(View view, std::string_view key, std::string_view name,
                            const RegValue& value) {
  std::string phys = PhysicalKey(view, key);
  SECPROTO_TRY(RootParts(SplitKey(phys), key));
  Node* n = Find(tree(), phys, true);
  n->values[Lower(name)] = value;
  n->names[Lower(name)] = std::string(name);
  dirty_ = true;
  return {};
}

Status MemBackend::DeleteValue(View view, std::string_view key, std::string_view name) {
  std::string phys = PhysicalKey(view, key);
  SECPROTO_TRY(RootParts(SplitKey(phys), key));
  if (Node* n = Find(tree(), phys, false)) {
    if (n->values.erase(Lower(name))) {
      n->names.erase(Lower(name));
      dirty_ = true;
    }
  }
  return {};
}

Status MemBackend::DeleteKeyIfEmpty(View view, std::string_view key) {
  std::string phys = PhysicalKey(view, key);
  auto parts = SplitKey(phys);
  SECPROTO_ASSIGN_OR_RETURN(root_parts, RootParts(parts, key));
  if (parts.size() <= root_parts) return {};  // never delete a root
  std::string parent_path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) parent_path += (i ? "\\" : "") + parts[i];
  Node* parent = Find(tree(), parent_path, false);
  if (!parent) return {};
  auto it = parent->subkeys.find(Lower(parts.back()));
  if (it == parent->subkeys.end()) return {};
  if (!it->second.subkeys.empty() || !it->second.values.empty()) return {};
  parent->subkeys.erase(it);
  dirty_ = true;
  return {};
}

Status MemBackend::Commit() {
  if (!transactional_ || !dirty_) return {};
  committed_ = pending_;
  dirty_ = false;
  ++commits_;
  return {};
}

std::string MemBackend::Dump(const Node& root) {
  std::string out;
  auto walk = [&](auto& self, const Node& n, const std::string& path) -> void {
    if (!path.empty()) out += path + "\\\n";
    for (const auto& [k, v] : n.values) {
      out += path + "\\" + n.names.at(k) + "=" + RegTypeName(v.type) + ":" + v.HexData() + "\n";
    }
    for (const auto& [k, child] : n.subkeys) {
      self(self, child, path.empty() ? child.name : path + "\\" + child.name);
    }
  };
  walk(walk, root, "");
  return out;
}

// --- FaultInjectingBackend -------------------------------------------------

std::unique_ptr<RegistryBackend> NewFaultInjectingBackend(std::unique_ptr<RegistryBackend> target,
                                                          FaultPlan plan) {
  return std::make_unique<FaultInjectingBackend>(std::move(target), plan);
}

Status FaultInjectingBackend::CountWrite(std::string line) {
  ++writes_;
  if (plan_.fail_write == writes_) {
    log_.push_back("FAIL " + line);
    return Fail(Error::Io("injected failure on write " + std::to_string(writes_) + ": " + line,
                          "injected"));
  }
  log_.push_back(std::move(line));
  return {};
}

Status FaultInjectingBackend::CountRead() {
  ++reads_;
  if (plan_.fail_read == reads_) {
    return Fail(Error::Io("injected failure on read " + std::to_string(reads_), "injected"));
  }
  return {};
}

Expected<bool> FaultInjectingBackend::KeyExists(View v, std::string_view k) {
  SECPROTO_TRY(CountRead());
  return RegistryBackendWrapper::KeyExists(v, k);
}

Expected<std::optional<RegValue>> FaultInjectingBackend::GetValue(View v, std::string_view k,
                                                                  std::string_view n) {
  SECPROTO_TRY(CountRead());
  return RegistryBackendWrapper::GetValue(v, k, n);
}

Expected<std::vector<std::string>> FaultInjectingBackend::ListSubkeys(View v, std::string_view k) {
  SECPROTO_TRY(CountRead());
  return RegistryBackendWrapper::ListSubkeys(v, k);
}

Status FaultInjectingBackend::SetValue(View v, std::string_view k, std::string_view n,
                                       const RegValue& val) {
  SECPROTO_TRY(CountWrite("set " + std::string(ViewName(v)) + " " + std::string(k) + " " +
                          std::string(n) + " " + RegTypeName(val.type) + ":" + val.HexData()));
  return RegistryBackendWrapper::SetValue(v, k, n, val);
}

Status FaultInjectingBackend::DeleteValue(View v, std::string_view k, std::string_view n) {
  SECPROTO_TRY(CountWrite("delete-value " + std::string(ViewName(v)) + " " + std::string(k) +
                          " " + std::string(n)));
  return RegistryBackendWrapper::DeleteValue(v, k, n);
}

Status FaultInjectingBackend::DeleteKeyIfEmpty(View v, std::string_view k) {
  SECPROTO_TRY(CountWrite("delete-key " + std::string(ViewName(v)) + " " + std::string(k)));
  return RegistryBackendWrapper::DeleteKeyIfEmpty(v, k);
}

Status FaultInjectingBackend::Commit() {
  if (plan_.fail_commit) {
    log_.push_back("FAIL commit");
    return Fail(Error::Io("injected failure on commit", "injected"));
  }
  log_.push_back("commit");
  return RegistryBackendWrapper::Commit();
}

}  // namespace secproto
