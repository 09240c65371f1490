// Offline hives through libhivex: the `hive:PATH` and `image:DIR` targets.
//
// Reads go straight to hivex. Writes stay in hivex's memory until Commit(),
// which writes each changed hive to a temp file beside it (hivex_commit with
// a file name never touches the original), reopens that temp file and checks
// every changed value reads back, fsyncs it and renames it over the original.
// A writer holds a FileLock on each hive for its whole life, so two secproto
// processes never interleave; a reader takes no lock and never writes.
#include <errno.h>
#include <fcntl.h>
#include <hivex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>
#include <chrono>

#include "registry/pair_journal.h"
#include "registry/regf.h"
#include "secproto/registry.h"
#include "util/file.h"

namespace secproto {
namespace {

// How long a writer waits for another secproto process to finish with a hive.
constexpr int kLockTimeoutMs = 60000;

struct HivexCloser {
  void operator()(hive_h* h) const {
    if (h) hivex_close(h);
  }
};
using HivePtr = std::unique_ptr<hive_h, HivexCloser>;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
using Malloced = std::unique_ptr<T, FreeDeleter>;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "\\" : "") + parts[i];
  return out;
}

// The one place hivex errors become secproto errors.
Error HivexError(int err, std::string_view function, const std::string& path,
                 std::string_view detail = "") {
  std::string msg = std::string(function) + " failed on " + path;
  if (!detail.empty()) msg += " (" + std::string(detail) + ")";
  msg += ": " + std::string(err ? std::strerror(err) : "unknown error");
  if (err == EACCES || err == EPERM || err == EROFS) {
    return Error::Target(msg, "read-only");
  }
  return Error::Target(msg, "hivex");
}

std::string DirOf(const std::string& path) {
  std::filesystem::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

// The raw values of one key, in stored order.
struct NamedValue {
  std::string name;
  RegValue value;
};

// One hive file opened by hivex. `role` names its root for messages.
class HiveFile {
 public:
  static Expected<std::unique_ptr<HiveFile>> Open(const std::string& path, std::string role,
                                                  const TargetOptions& options) {
    auto f = std::unique_ptr<HiveFile>(new HiveFile(path, std::move(role), !options.read_only));
    SECPROTO_TRY(f->OpenFile(options));
    return f;
  }

  const std::string& path() const { return path_; }
  hive_h* h() const { return h_.get(); }

  // The node at `parts` below the root: 0 when a key on the way is missing.
  Expected<hive_node_h> Find(const std::vector<std::string>& parts) const {
    return FindIn(h_.get(), path_, parts);
  }

  Expected<std::optional<RegValue>> GetValue(const std::vector<std::string>& parts,
                                             std::string_view name) const {
    return GetValueIn(h_.get(), path_, parts, name);
  }

  Expected<std::vector<std::string>> ListSubkeys(const std::vector<std::string>& parts) const {
    std::vector<std::string> out;
    SECPROTO_ASSIGN_OR_RETURN(node, Find(parts));
    if (!node) return out;
    errno = 0;
    Malloced<hive_node_h> children(hivex_node_children(h_.get(), node));
    if (!children) return Fail(HivexError(errno, "hivex_node_children", path_, Join(parts)));
    for (hive_node_h* c = children.get(); *c; ++c) {
      Malloced<char> name(hivex_node_name(h_.get(), *c));
      if (!name) return Fail(HivexError(errno, "hivex_node_name", path_, Join(parts)));
      out.emplace_back(name.get());
    }
    return out;
  }

  Status SetValue(const std::vector<std::string>& parts, std::string_view name,
                  const RegValue& value) {
    SECPROTO_TRY(RequireWritable());
    SECPROTO_ASSIGN_OR_RETURN(node, FindOrCreate(parts));
    SECPROTO_ASSIGN_OR_RETURN(values, ReadValues(h_.get(), path_, node, Join(parts)));
    bool replaced = false;
    for (NamedValue& nv : values) {
      if (KeyNameEquals(nv.name, name)) {
        if (nv.value == value) return {};  // already so: nothing to write
        nv.value = value;
        replaced = true;
        break;
      }
    }
    if (!replaced) values.push_back(NamedValue{std::string(name), value});
    SECPROTO_TRY(WriteValues(node, values, Join(parts)));
    Expect(parts, name, value);
    return {};
  }

  Status DeleteValue(const std::vector<std::string>& parts, std::string_view name) {
    SECPROTO_TRY(RequireWritable());
    SECPROTO_ASSIGN_OR_RETURN(node, Find(parts));
    if (!node) return {};
    SECPROTO_ASSIGN_OR_RETURN(values, ReadValues(h_.get(), path_, node, Join(parts)));
    size_t before = values.size();
    std::erase_if(values, [&](const NamedValue& nv) { return KeyNameEquals(nv.name, name); });
    if (values.size() == before) return {};
    SECPROTO_TRY(WriteValues(node, values, Join(parts)));
    Expect(parts, name, std::nullopt);
    return {};
  }

  Status DeleteKeyIfEmpty(const std::vector<std::string>& parts) {
    SECPROTO_TRY(RequireWritable());
    if (parts.empty()) return {};  // never the root
    SECPROTO_ASSIGN_OR_RETURN(node, Find(parts));
    if (!node) return {};
    errno = 0;
    size_t nvalues = hivex_node_nr_values(h_.get(), node);
    if (nvalues == 0 && errno) return Fail(HivexError(errno, "hivex_node_nr_values", path_, Join(parts)));
    errno = 0;
    size_t nchildren = hivex_node_nr_children(h_.get(), node);
    if (nchildren == 0 && errno) {
      return Fail(HivexError(errno, "hivex_node_nr_children", path_, Join(parts)));
    }
    if (nvalues || nchildren) return {};
    if (hivex_node_delete_child(h_.get(), node) != 0) {
      return Fail(HivexError(errno, "hivex_node_delete_child", path_, Join(parts)));
    }
    changed_ = true;
    deleted_keys_.push_back(parts);
    // Values expected under a deleted key are gone with it.
    std::string prefix = Lower(Join(parts)) + "\\";
    std::erase_if(expected_, [&](const auto& kv) {
      return kv.first.rfind(prefix, 0) == 0 || kv.first.rfind(Lower(Join(parts)) + "\n", 0) == 0;
    });
    return {};
  }

  bool changed() const { return changed_; }
  /// The prepared new hive, "" before Prepare().
  std::string temp_path() const { return temp_ ? temp_->path() : std::string(); }

  // Writes the changed hive to a temp file beside the original and checks it
  // reads back. The original is not touched; Publish() renames.
  Status Prepare() {
    if (!changed_) return {};
    SECPROTO_ASSIGN_OR_RETURN(tmp, TempFile::CreateBeside(path_));
    if (hivex_commit(h_.get(), tmp->path().c_str(), 0) != 0) {
      return Fail(HivexError(errno, "hivex_commit", tmp->path(), "writing the new " + role_ + " hive"));
    }
    SECPROTO_TRY(Verify(tmp->path()));
    temp_ = std::move(tmp);
    return {};
  }

  Status Publish() {
    if (!temp_) return {};
    SECPROTO_TRY(temp_->Publish(path_));
    temp_.reset();
    changed_ = false;
    expected_.clear();
    deleted_keys_.clear();
    return {};
  }

 private:
  HiveFile(std::string path, std::string role, bool writer)
      : path_(std::move(path)), role_(std::move(role)), writer_(writer) {}

  Status RequireWritable() const {
    if (!writer_) {
      return Fail(Error::Target(path_ + " was opened read-only", "read-only"));
    }
    return {};
  }

  Status OpenFile(const TargetOptions& options) {
    struct stat st;
    if (stat(path_.c_str(), &st) != 0) {
      int err = errno;
      return Fail(Error::Target("cannot open " + role_ + " hive " + path_ + ": " + std::strerror(err),
                                err == ENOENT ? "not-found" : "open-failed"));
    }
    if (S_ISDIR(st.st_mode)) {
      return Fail(Error::Target(path_ + " is a directory, not a " + role_ +
                                    " hive file (for a mounted Windows volume use image:DIR)",
                                "not-a-file"));
    }
    if (!S_ISREG(st.st_mode)) {
      return Fail(Error::Target(path_ + " is not a regular file", "not-a-file"));
    }
    if (writer_) {
      // A file nobody may write is read-only by intent, even for root.
      if ((st.st_mode & 0222) == 0 || access(path_.c_str(), W_OK) != 0) {
        return Fail(Error::Target(path_ + " is read-only; make it writable (chmod u+w) or use a copy",
                                  "read-only"));
      }
      std::string dir = DirOf(path_);
      if (access(dir.c_str(), W_OK) != 0) {
        return Fail(Error::Target("the folder " + dir + " is read-only; secproto writes the new hive "
                                  "beside the old one and renames it, so the folder must be writable",
                                  "read-only"));
      }
      SECPROTO_ASSIGN_OR_RETURN(lock, FileLock::Acquire(path_, kLockTimeoutMs));
      lock_ = std::move(lock);
      RemoveStaleTempFiles();
    }
    SECPROTO_ASSIGN_OR_RETURN(bb, ReadHeader());
    if (bb.dirty() && writer_ && !options.force_dirty) {
      return Fail(Error::Target(
          path_ + " is dirty (base block sequence numbers " + std::to_string(bb.primary_sequence) +
              " != " + std::to_string(bb.secondary_sequence) +
              "): its .LOG1/.LOG2 files hold changes not yet written into it, and writing would lose "
              "them; shut Windows down or unmount the volume cleanly, or replay the logs with "
              "a tool that applies transaction logs (such as regipy), or pass --force-dirty to "
              "discard them",
          "dirty-hive"));
    }
    errno = 0;
    h_.reset(hivex_open(path_.c_str(), writer_ ? HIVEX_OPEN_WRITE : 0));
    if (!h_) return Fail(HivexError(errno, "hivex_open", path_, role_ + " hive"));
    return {};
  }

  Expected<RegfBaseBlock> ReadHeader() const {
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      return Fail(Error::Target("cannot open " + role_ + " hive " + path_ + ": " + std::strerror(err),
                                err == EACCES ? "denied" : "open-failed"));
    }
    struct stat st;
    std::vector<uint8_t> head(kRegfBaseBlockSize + 32);
    size_t got = 0;
    int err = 0;
    if (fstat(fd, &st) != 0) err = errno;
    while (!err && got < head.size()) {
      ssize_t n = read(fd, head.data() + got, head.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) err = errno;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    close(fd);
    if (err) {
      return Fail(Error::Target("cannot read " + path_ + ": " + std::strerror(err), "read-failed"));
    }
    head.resize(got);
    return CheckRegfHeader(head, static_cast<uint64_t>(st.st_size), path_);
  }

  // Temp files of writers that were killed: only writers holding the lock
  // create them, and this process holds it now.
  void RemoveStaleTempFiles() const {
    std::error_code ec;
    std::filesystem::path p(path_);
    std::string prefix = "." + p.filename().string() + ".secproto-";
    for (const auto& e : std::filesystem::directory_iterator(DirOf(path_), ec)) {
      std::string n = e.path().filename().string();
      if (n.rfind(prefix, 0) == 0 && n.size() == prefix.size() + 6) {
        std::filesystem::remove(e.path(), ec);
      }
    }
  }

  static Expected<hive_node_h> FindIn(hive_h* h, const std::string& path,
                                      const std::vector<std::string>& parts) {
    hive_node_h node = hivex_root(h);
    if (!node) return Fail(HivexError(errno, "hivex_root", path));
    for (const std::string& part : parts) {
      // hivex_node_get_child returns 0 for a missing key without setting errno.
      errno = 0;
      hive_node_h child = hivex_node_get_child(h, node, part.c_str());
      if (!child) {
        if (errno) return Fail(HivexError(errno, "hivex_node_get_child", path, part));
        return hive_node_h{0};
      }
      node = child;
    }
    return node;
  }

  static Expected<std::vector<NamedValue>> ReadValues(hive_h* h, const std::string& path,
                                                      hive_node_h node, const std::string& where) {
    errno = 0;
    Malloced<hive_value_h> handles(hivex_node_values(h, node));
    if (!handles) return Fail(HivexError(errno, "hivex_node_values", path, where));
    std::vector<NamedValue> out;
    for (hive_value_h* v = handles.get(); *v; ++v) {
      errno = 0;
      Malloced<char> key(hivex_value_key(h, *v));
      if (!key) return Fail(HivexError(errno, "hivex_value_key", path, where));
      hive_type t;
      size_t len = 0;
      errno = 0;
      Malloced<char> data(hivex_value_value(h, *v, &t, &len));
      if (!data && len != 0) return Fail(HivexError(errno, "hivex_value_value", path, where));
      NamedValue nv;
      nv.name = key.get();
      nv.value.type = static_cast<uint32_t>(t);
      if (data) nv.value.data.assign(data.get(), data.get() + len);
      out.push_back(std::move(nv));
    }
    return out;
  }

  static Expected<std::optional<RegValue>> GetValueIn(hive_h* h, const std::string& path,
                                                      const std::vector<std::string>& parts,
                                                      std::string_view name) {
    SECPROTO_ASSIGN_OR_RETURN(node, FindIn(h, path, parts));
    if (!node) return std::optional<RegValue>();
    SECPROTO_ASSIGN_OR_RETURN(values, ReadValues(h, path, node, Join(parts)));
    for (NamedValue& nv : values) {
      if (KeyNameEquals(nv.name, name)) return std::optional<RegValue>(std::move(nv.value));
    }
    return std::optional<RegValue>();
  }

  Expected<hive_node_h> FindOrCreate(const std::vector<std::string>& parts) {
    hive_node_h node = hivex_root(h_.get());
    if (!node) return Fail(HivexError(errno, "hivex_root", path_));
    for (const std::string& part : parts) {
      errno = 0;
      hive_node_h child = hivex_node_get_child(h_.get(), node, part.c_str());
      if (!child && errno) return Fail(HivexError(errno, "hivex_node_get_child", path_, part));
      if (!child) {
        errno = 0;
        child = hivex_node_add_child(h_.get(), node, part.c_str());
        if (!child) return Fail(HivexError(errno, "hivex_node_add_child", path_, part));
        changed_ = true;
      }
      node = child;
    }
    return node;
  }

  // Replaces all values of `node`. Value handles of this node are invalid
  // afterwards (hivex frees the old cells).
  Status WriteValues(hive_node_h node, std::vector<NamedValue>& values, const std::string& where) {
    std::vector<hive_set_value> set(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      set[i].key = values[i].name.data();
      set[i].t = static_cast<hive_type>(values[i].value.type);
      set[i].len = values[i].value.data.size();
      set[i].value = reinterpret_cast<char*>(values[i].value.data.data());
    }
    errno = 0;
    if (hivex_node_set_values(h_.get(), node, set.size(), set.data(), 0) != 0) {
      return Fail(HivexError(errno, "hivex_node_set_values", path_, where));
    }
    changed_ = true;
    return {};
  }

  void Expect(const std::vector<std::string>& parts, std::string_view name,
              std::optional<RegValue> value) {
    std::string k = Lower(Join(parts)) + "\n" + Lower(name);
    expected_[k] = Expectation{parts, std::string(name), std::move(value)};
  }

  // Reopens a freshly written hive and checks that every change is in it.
  Status Verify(const std::string& tmp) const {
    SECPROTO_ASSIGN_OR_RETURN(bytes, ReadFileBytes(tmp));
    auto bb = CheckRegfHeader(bytes, bytes.size(), tmp);
    if (!bb || bb->dirty()) {
      return Fail(Error::Io("the hive hivex wrote to " + tmp + " does not pass its own header check" +
                                (bb ? std::string(" (dirty)") : ": " + bb.error().message) +
                                "; " + path_ + " was left unchanged",
                            "verify-failed"));
    }
    errno = 0;
    HivePtr check(hivex_open(tmp.c_str(), 0));
    if (!check) return Fail(HivexError(errno, "hivex_open", tmp, "re-reading the new hive"));
    for (const auto& [k, e] : expected_) {
      SECPROTO_ASSIGN_OR_RETURN(got, GetValueIn(check.get(), tmp, e.parts, e.name));
      if (got != e.value) {
        return Fail(Error::Io("the new hive " + tmp + " does not hold what was written at " +
                                  Join(e.parts) + "\\" + e.name + "; " + path_ +
                                  " was left unchanged",
                              "verify-failed"));
      }
    }
    for (const auto& parts : deleted_keys_) {
      SECPROTO_ASSIGN_OR_RETURN(node, FindIn(check.get(), tmp, parts));
      if (node) {
        return Fail(Error::Io("the new hive " + tmp + " still has the deleted key " + Join(parts) +
                                  "; " + path_ + " was left unchanged",
                              "verify-failed"));
      }
    }
    return {};
  }

  struct Expectation {
    std::vector<std::string> parts;
    std::string name;
    std::optional<RegValue> value;
  };

  std::string path_;
  std::string role_;
  bool writer_;
  std::unique_ptr<FileLock> lock_;
  HivePtr h_;
  bool changed_ = false;
  std::map<std::string, Expectation> expected_;
  std::vector<std::vector<std::string>> deleted_keys_;
  std::unique_ptr<TempFile> temp_;
};

void TEST_PauseBeforePublish();

// The `hive:` and `image:` targets: a SOFTWARE hive, and optionally SYSTEM
// and NTUSER.DAT hives, behind one logical registry.
class HiveBackend : public RegistryBackend {
 public:
  HiveBackend(std::string describe, std::unique_ptr<HiveFile> software,
              std::unique_ptr<HiveFile> system, std::unique_ptr<HiveFile> user,
              std::string control_set)
      : describe_(std::move(describe)),
        software_(std::move(software)),
        system_(std::move(system)),
        user_(std::move(user)),
        control_set_(std::move(control_set)) {}

  std::string Describe() const override { return describe_; }

  bool HasRoot(std::string_view root) const override {
    if (KeyNameEquals(root, "HKLM\\SOFTWARE")) return software_ != nullptr;
    if (KeyNameEquals(root, "HKLM\\SYSTEM")) return system_ != nullptr;
    if (KeyNameEquals(root, "HKCU")) return user_ != nullptr;
    return false;
  }

  Expected<Architecture> DetectArchitecture() override {
    SECPROTO_ASSIGN_OR_RETURN(cv, software_->Find({"Microsoft", "Windows NT", "CurrentVersion"}));
    SECPROTO_ASSIGN_OR_RETURN(wow, software_->Find({"Wow6432Node"}));
    return ArchitectureFromSoftwareKeys(cv != 0, wow != 0);
  }

  Expected<bool> KeyExists(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    SECPROTO_ASSIGN_OR_RETURN(node, r.hive->Find(r.parts));
    return node != 0;
  }

  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->GetValue(r.parts, name);
  }

  Expected<std::vector<std::string>> ListSubkeys(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->ListSubkeys(r.parts);
  }

  Status SetValue(View view, std::string_view key, std::string_view name,
                  const RegValue& value) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->SetValue(r.parts, name, value);
  }

  Status DeleteValue(View view, std::string_view key, std::string_view name) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->DeleteValue(r.parts, name);
  }

  Status DeleteKeyIfEmpty(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->DeleteKeyIfEmpty(r.parts);
  }

  bool IsTransactional() const override { return true; }

  // Each changed hive is written and verified before any is renamed, so a
  // failure while writing leaves every file unchanged. Two or more renames
  // go through the intent journal (registry/pair_journal.h).
  Status Commit() override {
    std::vector<HiveFile*> hives;
    for (HiveFile* f : {software_.get(), system_.get(), user_.get()}) {
      if (f && f->changed()) hives.push_back(f);
    }
    for (HiveFile* f : hives) SECPROTO_TRY(f->Prepare());
    // More than one hive: an intent journal makes the renames one step.
    std::unique_ptr<PairJournal> journal;
    if (hives.size() > 1) {
      std::vector<PairJournal::Hive> pair;
      for (HiveFile* f : hives) pair.push_back({f->temp_path(), f->path()});
      SECPROTO_ASSIGN_OR_RETURN(j, PairJournal::Begin(software_->path(), describe_, pair));
      journal = std::move(j);
    }
    TEST_PauseBeforePublish();
    for (size_t i = 0; i < hives.size(); ++i) {
      Status published = hives[i]->Publish();
      if (!published && journal) {
        Error e = published.error();
        e.message += "; run `secproto policy recover --target " + describe_ + "` to finish the commit";
        return Fail(e);
      }
      SECPROTO_TRY(published);
      if (journal) journal->Renamed(i);
    }
    if (journal) SECPROTO_TRY(journal->Finish());
    return {};
  }

 private:
  struct Resolved {
    HiveFile* hive;
    std::vector<std::string> parts;
  };

  Expected<Resolved> Resolve(View view, std::string_view key) const {
    std::vector<std::string> parts = SplitKey(PhysicalKey(view, key));
    auto rest = [&](size_t n) { return std::vector<std::string>(parts.begin() + n, parts.end()); };
    if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM") && KeyNameEquals(parts[1], "SOFTWARE")) {
      return Resolved{software_.get(), rest(2)};
    }
    if (parts.size() >= 2 && KeyNameEquals(parts[0], "HKLM") && KeyNameEquals(parts[1], "SYSTEM")) {
      if (!system_) {
        return Fail(Error::Target(describe_ + " has no HKLM\\SYSTEM hive; add --system-hive PATH "
                                              "(Windows\\System32\\config\\SYSTEM)",
                                  "no-such-root"));
      }
      std::vector<std::string> p = rest(2);
      // An offline SYSTEM hive has no CurrentControlSet: it is the set that
      // Select\Current names.
      if (!p.empty() && KeyNameEquals(p[0], "CurrentControlSet")) p[0] = control_set_;
      return Resolved{system_.get(), std::move(p)};
    }
    if (!parts.empty() && (KeyNameEquals(parts[0], "HKCU") || KeyNameEquals(parts[0], "HKEY_CURRENT_USER"))) {
      if (!user_) {
        return Fail(Error::Target(describe_ + " has no HKCU hive; add --user-hive PATH (NTUSER.DAT)",
                                  "no-such-root"));
      }
      return Resolved{user_.get(), rest(1)};
    }
    return Fail(Error::Target(describe_ + " holds no root for key " + std::string(key) +
                                  " (roots: HKLM\\SOFTWARE, HKLM\\SYSTEM, HKCU)",
                              "no-such-root"));
  }

  std::string describe_;
  std::unique_ptr<HiveFile> software_;
  std::unique_ptr<HiveFile> system_;
  std::unique_ptr<HiveFile> user_;
  std::string control_set_;
};

// Test hook for tests/e2e/hive_crash.sh: SECPROTO_TEST_COMMIT_PAUSE_MS widens
// the window between writing the temp file and renaming it, so that SIGKILLs
// land inside a commit often enough to test it.
void TEST_PauseBeforePublish() {
  const char* ms = std::getenv("SECPROTO_TEST_COMMIT_PAUSE_MS");
  if (!ms) return;
  int n = std::atoi(ms);
  if (n > 0 && n <= 10000) std::this_thread::sleep_for(std::chrono::milliseconds(n));
}

// "ControlSet00N" from a SYSTEM hive's Select\Current.
Expected<std::string> CurrentControlSet(const HiveFile& system) {
  SECPROTO_ASSIGN_OR_RETURN(v, system.GetValue({"Select"}, "Current"));
  auto bad = [&](const std::string& why) {
    return Error::Target(system.path() + " is not a usable SYSTEM hive: " + why +
                             " (it names the control set that CurrentControlSet is)",
                         "no-control-set");
  };
  if (!v) return Fail(bad("Select\\Current is missing"));
  std::optional<uint32_t> n = v->AsDword();
  if (!n) return Fail(bad("Select\\Current is " + RegTypeName(v->type) + ", not a 4-byte REG_DWORD"));
  if (*n < 1 || *n > 999) return Fail(bad("Select\\Current is " + std::to_string(*n)));
  char name[32];
  std::snprintf(name, sizeof name, "ControlSet%03u", *n);
  SECPROTO_ASSIGN_OR_RETURN(node, system.Find({name}));
  if (!node) return Fail(bad(std::string("Select\\Current names ") + name + ", which is missing"));
  return std::string(name);
}

Expected<std::unique_ptr<RegistryBackend>> OpenHives(std::string describe,
                                                     const std::string& software_path,
                                                     const std::string& system_path,
                                                     const std::string& user_path,
                                                     const TargetOptions& options) {
  SECPROTO_TRY(RecoverPairBeforeOpen(describe, software_path, system_path, options.read_only));
  SECPROTO_ASSIGN_OR_RETURN(software, HiveFile::Open(software_path, "SOFTWARE", options));
  std::unique_ptr<HiveFile> system, user;
  std::string control_set;
  if (!system_path.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(s, HiveFile::Open(system_path, "SYSTEM", options));
    SECPROTO_ASSIGN_OR_RETURN(cs, CurrentControlSet(*s));
    system = std::move(s);
    control_set = std::move(cs);
  }
  if (!user_path.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(u, HiveFile::Open(user_path, "NTUSER.DAT", options));
    user = std::move(u);
  }
  return std::unique_ptr<RegistryBackend>(std::make_unique<HiveBackend>(
      std::move(describe), std::move(software), std::move(system), std::move(user),
      std::move(control_set)));
}

// Finds `components` below `dir`, each matched case-insensitively (a mounted
// NTFS volume may show "windows/system32/CONFIG"). An exact match wins.
Expected<std::string> FindCaseInsensitive(const std::string& dir,
                                          const std::vector<std::string>& components) {
  std::filesystem::path cur(dir);
  for (const std::string& c : components) {
    std::error_code ec;
    if (std::filesystem::exists(cur / c, ec)) {
      cur /= c;
      continue;
    }
    std::filesystem::path found;
    for (const auto& e : std::filesystem::directory_iterator(cur, ec)) {
      if (KeyNameEquals(e.path().filename().string(), c)) {
        found = e.path();
        break;
      }
    }
    if (found.empty()) {
      std::string want;
      for (const std::string& x : components) want += (want.empty() ? "" : "/") + x;
      return Fail(Error::Target("image:" + dir + " has no " + want + " (looked for each name in any "
                                    "case; give the folder where the Windows volume is mounted)",
                                "not-an-image"));
    }
    cur = found;
  }
  return cur.string();
}

const bool kHiveRegistered = RegisterTargetScheme(
    "hive", "hive:PATH (an offline SOFTWARE hive; --system-hive, --user-hive add more)",
    [](std::string_view rest, const TargetOptions& options)
        -> Expected<std::unique_ptr<RegistryBackend>> {
      if (rest.empty()) return Fail(Error::Usage("hive: needs a path, e.g. hive:/mnt/SOFTWARE", "bad-target"));
      std::string path(rest);
      return OpenHives("hive:" + path, path, options.system_hive, options.user_hive, options);
    });

const bool kImageRegistered = RegisterTargetScheme(
    "image", "image:DIR (a mounted Windows volume: its SOFTWARE and SYSTEM hives)",
    [](std::string_view rest, const TargetOptions& options)
        -> Expected<std::unique_ptr<RegistryBackend>> {
      if (rest.empty()) return Fail(Error::Usage("image: needs a folder, e.g. image:/mnt/win", "bad-target"));
      std::string dir(rest);
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec)) {
        return Fail(Error::Target("image:" + dir + " is not a folder (give where the Windows volume "
                                      "is mounted)",
                                  "not-an-image"));
      }
      SECPROTO_ASSIGN_OR_RETURN(software,
                                FindCaseInsensitive(dir, {"Windows", "System32", "config", "SOFTWARE"}));
      std::string system = options.system_hive;
      if (system.empty()) {
        SECPROTO_ASSIGN_OR_RETURN(s, FindCaseInsensitive(dir, {"Windows", "System32", "config", "SYSTEM"}));
        system = std::move(s);
      }
      return OpenHives("image:" + dir, software, system, options.user_hive, options);
    });

}  // namespace
}  // namespace secproto
