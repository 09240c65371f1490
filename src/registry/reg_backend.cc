// The `reg:PATH` target: a .reg file as a registry (docs/REGFILE.md).
//
// Reading: the registry that importing the file onto an empty registry
// produces (reg_file.h). Writing: edits of the document, kept in memory until
// Commit(), which replaces the file atomically and writes nothing when nothing
// changed. The roots HKLM\SOFTWARE, HKLM\SYSTEM and HKCU are always present;
// the 32-bit view is the Wow6432Node key, spelled out in the file.
#include <filesystem>
#include <memory>

#include "registry/reg_file.h"
#include "secproto/keys.h"
#include "secproto/registry.h"
#include "util/file.h"

namespace secproto {
namespace {

constexpr std::string_view kRoots[] = {"HKLM\\SOFTWARE", "HKLM\\SYSTEM", "HKCU"};

extern const bool kRegistered;

// How long a writer waits for another secproto process writing the same file.
constexpr int kLockTimeoutMs = 10000;

// A .reg file that exists but may not be written is refused, as a read-only
// hive is: secproto would otherwise replace it by renaming.
Status CheckWritableFile(const std::string& path) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (!std::filesystem::is_regular_file(st)) return {};
  using std::filesystem::perms;
  bool nobody = (st.permissions() &
                 (perms::owner_write | perms::group_write | perms::others_write)) == perms::none;
  if (nobody || !IsWritable(path)) {
    return Fail(
        Error::Target(path + " is read-only; make it writable or write a copy", "read-only"));
  }
  return {};
}

class RegFileBackend : public RegistryBackend {
 public:
  RegFileBackend(std::string path, bool read_only, RegDocument doc, std::unique_ptr<FileLock> lock)
      : path_(std::move(path)),
        read_only_(read_only),
        doc_(std::move(doc)),
        lock_(std::move(lock)) {
    (void)kRegistered;
  }

  std::string Describe() const override { return "reg:" + path_; }

  bool HasRoot(std::string_view root) const override {
    for (std::string_view r : kRoots) {
      if (KeyNameEquals(r, root)) return true;
    }
    return false;
  }

  Expected<Architecture> DetectArchitecture() override {
    // The rule for a SOFTWARE hive: a file with neither key is unknown, so
    // both views are written.
    return ArchitectureFromSoftwareKeys(
        doc_.KeyExists(kCurrentVersionKey),
        doc_.KeyExists(kWow6432NodeKey));
  }

  Expected<bool> KeyExists(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    return phys.is_root || doc_.KeyExists(phys.key);
  }

  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override {
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    return doc_.GetValue(phys.key, name);
  }

  Expected<std::vector<std::string>> ListSubkeys(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    return doc_.ListSubkeys(phys.key);
  }

  Status SetValue(View view, std::string_view key, std::string_view name,
                  const RegValue& value) override {
    SECPROTO_TRY(Writable());
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    return doc_.SetValue(phys.key, name, value);
  }

  Status DeleteValue(View view, std::string_view key, std::string_view name) override {
    SECPROTO_TRY(Writable());
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    doc_.DeleteValue(phys.key, name);
    return {};
  }

  Status DeleteKeyIfEmpty(View view, std::string_view key) override {
    SECPROTO_TRY(Writable());
    SECPROTO_ASSIGN_OR_RETURN(phys, Physical(view, key));
    if (!phys.is_root) doc_.RemoveKeyIfEmpty(phys.key);
    return {};
  }

  Status PrepareWrite(View, std::string_view) override { return CheckWritableFile(path_); }

  // A .reg file lists some keys; the rest of the machine is not in it.
  bool IsPartial() const override { return true; }

  bool IsTransactional() const override { return true; }

  Status Commit() override {
    if (!doc_.modified()) return {};
    SECPROTO_TRY(Writable());
    std::string bytes = doc_.Serialize();
    SECPROTO_TRY(WriteFileAtomically(path_, bytes));
    doc_.MarkSaved(std::move(bytes));
    return {};
  }

 private:
  struct PhysicalPath {
    std::string key;
    bool is_root = false;
  };

  // The key as the file spells it, checked to lie under a root this target
  // holds.
  Expected<PhysicalPath> Physical(View view, std::string_view key) const {
    PhysicalPath p;
    p.key = PhysicalKey(view, key);
    std::vector<std::string> parts = SplitKey(p.key);
    size_t root_parts = 0;
    if (!parts.empty() && KeyNameEquals(parts[0], "HKCU")) {
      root_parts = 1;
    } else if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM") &&
               (KeyNameEquals(parts[1], "SOFTWARE") || KeyNameEquals(parts[1], "SYSTEM"))) {
      root_parts = 2;
    } else {
      return Fail(Error::Target(Describe() + " has no root for key " + std::string(key) +
                                    "; a .reg target holds HKLM\\SOFTWARE, HKLM\\SYSTEM and HKCU",
                                "no-such-root"));
    }
    p.is_root = parts.size() == root_parts;
    return p;
  }

  Status Writable() const {
    if (read_only_) {
      return Fail(Error::Target(Describe() + " was opened read-only", "read-only"));
    }
    return {};
  }

  std::string path_;
  bool read_only_;
  RegDocument doc_;
  std::unique_ptr<FileLock> lock_;  // held while the document may be written
};

Expected<std::unique_ptr<RegistryBackend>> OpenRegFile(std::string_view rest,
                                                       const TargetOptions& options) {
  std::string path(rest);
  if (path.empty()) {
    return Fail(Error::Usage("reg: needs a file: --target reg:PATH.reg", "bad-target"));
  }
  // A writer holds the lock from the read to the commit, so that two
  // processes editing one file cannot lose each other's change.
  std::unique_ptr<FileLock> lock;
  if (!options.read_only) {
    SECPROTO_TRY(CheckWritableFile(path));
    {
      std::error_code ec;
      if (std::filesystem::is_directory(path, ec)) {
        return Fail(Error::Target(path + " is a directory, not a file", "not-a-file"));
      }
    }
    SECPROTO_ASSIGN_OR_RETURN(l, FileLock::Acquire(path, kLockTimeoutMs));
    lock = std::move(l);
  }
  auto bytes = ReadFileBytes(path);
  if (!bytes) {
    if (bytes.error().code != "not-found" || options.read_only) return Fail(bytes.error());
    // Opened for writing, a missing file is a new, empty document that is
    // created on Commit().
    return std::unique_ptr<RegistryBackend>(std::make_unique<RegFileBackend>(
        path, options.read_only, RegDocument::NewEmpty(), std::move(lock)));
  }
  std::string_view view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  SECPROTO_ASSIGN_OR_RETURN(doc, RegDocument::Parse(view, path));
  return std::unique_ptr<RegistryBackend>(
      std::make_unique<RegFileBackend>(path, options.read_only, std::move(doc), std::move(lock)));
}

const bool kRegistered =
    RegisterTargetScheme("reg", "reg:PATH (a .reg file, created when missing)", OpenRegFile);

}  // namespace
}  // namespace secproto
