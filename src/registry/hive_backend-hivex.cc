// Offline hives through libhivex: the `hive:PATH` and `image:DIR` targets.
//
// Reads go straight to hivex. Writes stay in hivex's memory until Commit(),
// which writes each changed hive to a temp file beside it (hivex_commit with
// a file name never touches the original), reopens that temp file and checks
// every changed value reads back, fsyncs it and renames it over the original.
// Every hive is opened read-only first. Only a hive that is about to be
// written (PrepareWrite, or the first write) is checked for being writable
// and clean, locked and reopened for writing, so a dirty SYSTEM hive that a
// SOFTWARE write only reads never blocks it, and a read leaves no lock file.
// The writer then holds a FileLock on that hive until it is done, so two
// secproto processes never interleave; the lock file is removed afterwards.
#include <errno.h>
#include <fcntl.h>
#include <hivex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "registry/pair_journal.h"
#include "registry/regf.h"
#include "secproto/interrupt.h"
#include "secproto/registry.h"
#include "util/file.h"
#include "core/strings.h"

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

class HiveFile;
Status CheckHiveKind(const HiveFile& f);

// One hive file opened by hivex. `role` names its root for messages.
class HiveFile {
 public:
  static Expected<std::unique_ptr<HiveFile>> Open(const std::string& path, std::string role,
                                                  const TargetOptions& options) {
    auto f = std::unique_ptr<HiveFile>(
        new HiveFile(path, std::move(role), !options.read_only, options.force_dirty));
    bool declared = false;
    for (const std::string& r : options.write_roots)
      declared = declared || KeyNameEquals(r, f->root());
    // A hive the command says it will write is locked before anything is
    // read from it, so a relative edit starts from the latest commit.
    if (declared && !options.read_only) SECPROTO_TRY(f->LockEarly());
    SECPROTO_TRY(f->OpenFile());
    SECPROTO_TRY(CheckHiveKind(*f));
    if (declared) SECPROTO_TRY(f->PrepareWrite());
    return f;
  }

  const std::string& path() const { return path_; }
  const std::string& role() const { return role_; }
  // The logical root this hive holds.
  std::string root() const {
    if (role_ == "SYSTEM") return "HKLM\\SYSTEM";
    if (role_ == "NTUSER.DAT") return "HKCU";
    return "HKLM\\SOFTWARE";
  }
  const RegfBaseBlock& base_block() const { return bb_; }

  // What a reader must know about this hive: that it is dirty.
  std::string DirtyNotice() const {
    if (!bb_.dirty()) return "";
    return path_ + " (" + role_ + " hive) is dirty (base block sequence numbers " +
           std::to_string(bb_.primary_sequence) + " != " + std::to_string(bb_.secondary_sequence) +
           "): changes still in its .LOG1/.LOG2 files are not seen by this read";
  }

  // Checks that this hive may be written (writable file and folder, clean or
  // --force-dirty) and, unless the target was opened read-only (a dry run,
  // which only wants the answer), locks it and reopens it for writing.
  Status PrepareWrite() {
    if (writer_) return {};
    struct stat st;
    if (stat(path_.c_str(), &st) != 0) {
      return Fail(Error::Target(
          "cannot open " + role_ + " hive " + path_ + ": " + std::strerror(errno), "open-failed"));
    }
    // A file nobody may write is read-only by intent, even for root.
    if ((st.st_mode & 0222) == 0 || access(path_.c_str(), W_OK) != 0) {
      return Fail(Error::Target(path_ + " is read-only; make it writable (chmod u+w) or use a copy",
                                "read-only"));
    }
    std::string dir = DirOf(path_);
    if (access(dir.c_str(), W_OK) != 0) {
      return Fail(
          Error::Target("the folder " + dir +
                            " is read-only; secproto writes the new hive "
                            "beside the old one and renames it, so the folder must be writable",
                        "read-only"));
    }
    if (bb_.dirty() && !force_dirty_) {
      return Fail(Error::Target(
          path_ + " is dirty (base block sequence numbers " + std::to_string(bb_.primary_sequence) +
              " != " + std::to_string(bb_.secondary_sequence) +
              "): its .LOG1/.LOG2 files hold changes not yet written into it, and writing would "
              "lose "
              "them; shut Windows down or unmount the volume cleanly, or replay the logs with "
              "a tool that applies transaction logs (such as regipy), or pass --force-dirty to "
              "discard them",
          "dirty-hive"));
    }
    if (!may_write_) return {};
    std::unique_ptr<FileLock> lock = std::move(lock_);
    if (!lock) {
      SECPROTO_ASSIGN_OR_RETURN(l, FileLock::Acquire(path_, kLockTimeoutMs));
      lock = std::move(l);
    }
    // What was read so far must still be what is written: another process
    // may have replaced the hive before this one took the lock.
    struct stat now;
    if (stat(path_.c_str(), &now) != 0 || now.st_ino != st_.st_ino || now.st_dev != st_.st_dev ||
        now.st_size != st_.st_size || now.st_mtim.tv_sec != st_.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != st_.st_mtim.tv_nsec) {
      return Fail(Error::Target(path_ + " was changed by another process while secproto read it; "
                                        "run the command again",
                                "changed"));
    }
    RemoveStaleTempFiles();
    errno = 0;
    HivePtr w(hivex_open(path_.c_str(), HIVEX_OPEN_WRITE));
    if (!w) return Fail(NotAHive(errno));
    h_ = std::move(w);
    lock_ = std::move(lock);
    writer_ = true;
    return {};
  }
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
    hive_node_h parent = hivex_node_parent(h_.get(), node);
    if (hivex_node_delete_child(h_.get(), node) != 0) {
      return Fail(HivexError(errno, "hivex_node_delete_child", path_, Join(parts)));
    }
    changed_ = true;
    touched_.erase(node);
    if (parent) touched_.insert(parent);
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
    SECPROTO_TRY(StampTimes(tmp->path()));
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
    touched_.clear();
    return {};
  }

 private:
  HiveFile(std::string path, std::string role, bool may_write, bool force_dirty)
      : path_(std::move(path)),
        role_(std::move(role)),
        may_write_(may_write),
        force_dirty_(force_dirty) {}

  Status RequireWritable() {
    if (!may_write_) {
      return Fail(Error::Target(path_ + " was opened read-only", "read-only"));
    }
    return PrepareWrite();
  }

  // Takes the lock of a hive that will be written before it is read, when it
  // is a writable file in a writable folder; anything else is reported by
  // OpenFile() or PrepareWrite().
  Status LockEarly() {
    struct stat st;
    if (stat(path_.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0222) == 0 ||
        access(path_.c_str(), W_OK) != 0 || access(DirOf(path_).c_str(), W_OK) != 0) {
      return {};
    }
    SECPROTO_ASSIGN_OR_RETURN(lock, FileLock::Acquire(path_, kLockTimeoutMs));
    lock_ = std::move(lock);
    return {};
  }

  // hivex refused a file whose base block passed our checks.
  Error NotAHive(int err) const {
    std::string why = err == ENOTSUP || err == EINVAL || err == 0
                          ? "its hive bins are damaged or the file was cut short"
                          : std::strerror(err);
    return Error::Target(path_ + " is not a valid or not a complete registry hive (" + role_ +
                             " hive): " + why + " (libhivex could not read it)",
                         "corrupt-hive");
  }

  Status OpenFile() {
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
    st_ = st;
    SECPROTO_ASSIGN_OR_RETURN(bb, ReadHeader());
    bb_ = std::move(bb);
    errno = 0;
    h_.reset(hivex_open(path_.c_str(), 0));
    if (!h_) return Fail(NotAHive(errno));
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
        touched_.insert(node);
        touched_.insert(child);
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
    touched_.insert(node);
    return {};
  }

  void Expect(const std::vector<std::string>& parts, std::string_view name,
              std::optional<RegValue> value) {
    std::string k = Lower(Join(parts)) + "\n" + Lower(name);
    expected_[k] = Expectation{parts, std::string(name), std::move(value)};
  }

  // hivex leaves the last-write time of a changed key as it was (a new key
  // inherits its parent's) and the base block's timestamp too: Windows sets
  // both to the time of the change, and so does this, in the new file.
  Status StampTimes(const std::string& tmp) {
    stamp_ = FileTimeNow();
    uint8_t t[8];
    for (int i = 0; i < 8; ++i) t[i] = static_cast<uint8_t>(stamp_ >> (8 * i));
    int fd = open(tmp.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Fail(HivexError(errno, "open", tmp, "stamping last-write times"));
    bool ok = true;
    for (hive_node_h node : touched_) {
      char id[2];
      if (pread(fd, id, 2, static_cast<off_t>(node) + 4) != 2) ok = false;
      if (ok && id[0] == 'n' && id[1] == 'k') {
        ok = pwrite(fd, t, 8, static_cast<off_t>(node) + 8) == 8;
      }
      if (!ok) break;
    }
    uint8_t block[512];
    if (ok) ok = pread(fd, block, sizeof block, 0) == static_cast<ssize_t>(sizeof block);
    if (ok) {
      std::memcpy(block + 12, t, 8);
      uint32_t sum = RegfChecksum(block);
      for (int i = 0; i < 4; ++i) block[508 + i] = static_cast<uint8_t>(sum >> (8 * i));
      ok = pwrite(fd, block, sizeof block, 0) == static_cast<ssize_t>(sizeof block);
    }
    int err = errno;
    close(fd);
    if (!ok) return Fail(HivexError(err, "pwrite", tmp, "stamping last-write times"));
    return {};
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
    for (hive_node_h node : touched_) {
      if (hivex_node_timestamp(check.get(), node) != static_cast<int64_t>(stamp_)) {
        return Fail(Error::Io("the new hive " + tmp + " lost a key's last-write time; " + path_ +
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
  bool may_write_;
  bool force_dirty_;
  bool writer_ = false;
  struct stat st_ {};
  RegfBaseBlock bb_;
  std::unique_ptr<FileLock> lock_;
  HivePtr h_;
  bool changed_ = false;
  std::map<std::string, Expectation> expected_;
  std::vector<std::vector<std::string>> deleted_keys_;
  std::set<hive_node_h> touched_;  // keys whose last-write time the commit sets
  uint64_t stamp_ = 0;
  std::unique_ptr<TempFile> temp_;
};

void TEST_PauseBeforePublish();

// What an interrupt says once a commit is complete (secproto/interrupt.h).
constexpr char kCommittedMessage[] =
    "secproto: interrupted after the change was committed (it is complete; rollback undoes it)";

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
  std::optional<PairRecovery> Recovery() const override { return recovery_; }
  void SetRecovery(std::optional<PairRecovery> r) { recovery_ = std::move(r); }

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

  Status PrepareWrite(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(r, Resolve(view, key));
    return r.hive->PrepareWrite();
  }

  std::vector<std::string> Notices() const override {
    std::vector<std::string> out;
    for (const HiveFile* f : {software_.get(), system_.get(), user_.get()}) {
      if (f && !f->DirtyNotice().empty()) out.push_back(f->DirtyNotice());
    }
    return out;
  }

  bool IsTransactional() const override { return true; }

  // Each changed hive is written and verified before any is renamed, so a
  // failure while writing leaves every file unchanged. Two or more renames
  // go through the intent journal (registry/pair_journal.h).
  //
  // Interrupts (secproto/interrupt.h): while the hives are written an
  // interrupt removes the temp files and exits, leaving every hive old. From
  // the journal (or the single rename) to the end, an interrupt is deferred:
  // the commit completes, and the deferred interrupt then exits saying that
  // the change was committed (a caller holding an InterruptPolling takes it
  // instead).
  Status Commit() override {
    std::vector<HiveFile*> hives;
    for (HiveFile* f : {software_.get(), system_.get(), user_.get()}) {
      if (f && f->changed()) hives.push_back(f);
    }
    for (HiveFile* f : hives) SECPROTO_TRY(f->Prepare());
    if (hives.empty()) return {};
    if (hives.size() == 1) TEST_PauseBeforePublish();
    InterruptDeferral deferral;
    // More than one hive: an intent journal makes the renames one step.
    std::unique_ptr<PairJournal> journal;
    if (hives.size() > 1) {
      std::vector<PairJournal::Hive> pair;
      for (HiveFile* f : hives) pair.push_back({f->temp_path(), f->path()});
      SECPROTO_ASSIGN_OR_RETURN(j, PairJournal::Begin(software_->path(), describe_, pair));
      journal = std::move(j);
      TEST_PauseBeforePublish();
    }
    for (size_t i = 0; i < hives.size(); ++i) {
      Status published = hives[i]->Publish();
      if (!published && journal) {
        Error e = published.error();
        std::string recover = "secproto policy recover --target " + describe_;
        SetInterruptMessage(("secproto: interrupted; the commit did not finish: run `" + recover +
                             "` to complete it")
                                .c_str());
        e.message += "; run `" + recover + "` to finish the commit";
        return Fail(e);
      }
      SECPROTO_TRY(published);
      if (journal) journal->Renamed(i);
    }
    if (journal) SECPROTO_TRY(journal->Finish());
    SetInterruptMessage(kCommittedMessage);
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
  std::optional<PairRecovery> recovery_;
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

// What a hive is, from its base block's file name and its root's subkeys:
// "SOFTWARE", "SYSTEM", "NTUSER.DAT", or "" when it does not say (a blank
// hive, a saved key). `why` gets the evidence.
std::string HiveKind(const HiveFile& f, std::string* why) {
  std::string name = Lower(f.base_block().file_name);
  size_t cut = name.find_last_of("\\/");
  std::string tail = cut == std::string::npos ? name : name.substr(cut + 1);
  if (tail == "system" || tail == "software" || tail == "ntuser.dat" || tail == "usrclass.dat") {
    *why = "its base block names it " + f.base_block().file_name;
    if (tail == "system") return "SYSTEM";
    if (tail == "software") return "SOFTWARE";
    return "NTUSER.DAT";
  }
  auto subkeys = f.ListSubkeys({});
  if (!subkeys) return "";
  auto has = [&](std::string_view k) {
    for (const std::string& s : *subkeys) {
      if (KeyNameEquals(s, k)) return true;
    }
    return false;
  };
  std::string control_set;
  for (const std::string& s : *subkeys) {
    if (s.size() == 13 && KeyNameEquals(s.substr(0, 10), "ControlSet")) control_set = s;
  }
  if (has("Select") && !control_set.empty()) {
    *why = "its root holds Select and " + control_set;
    return "SYSTEM";
  }
  if (has("Software") && (has("Environment") || has("Control Panel") || has("Console"))) {
    *why = std::string("its root holds Software and ") + (has("Environment")     ? "Environment"
                                                          : has("Control Panel") ? "Control Panel"
                                                                                 : "Console");
    return "NTUSER.DAT";
  }
  if (has("Microsoft") && (has("Classes") || has("Policies"))) {
    *why = std::string("its root holds Microsoft and ") + (has("Classes") ? "Classes" : "Policies");
    return "SOFTWARE";
  }
  return "";
}

// Refuses a hive given in the wrong role: a SYSTEM hive as the target, say.
Status CheckHiveKind(const HiveFile& f) {
  std::string why;
  std::string kind = HiveKind(f, &why);
  if (kind.empty() || kind == f.role()) return {};
  auto flag = [](const std::string& k) -> std::string {
    if (k == "SYSTEM") return "--system-hive ";
    if (k == "NTUSER.DAT") return "--user-hive ";
    return "--target hive:";
  };
  std::string role_flag = flag(f.role());
  if (role_flag.back() == ' ') role_flag.pop_back();
  auto a = [](const std::string& k) { return k == "NTUSER.DAT" ? "an " : "a "; };
  return Fail(Error::Usage(f.path() + " is " + a(kind) + kind + " hive (" + why + "), not " +
                               a(f.role()) + f.role() + " hive: give it as " + flag(kind) +
                               f.path() + ", and give " + role_flag + " " + a(f.role()) + f.role() +
                               " hive",
                           "wrong-hive"));
}

Expected<std::unique_ptr<RegistryBackend>> OpenHives(std::string describe,
                                                     const std::string& software_path,
                                                     const std::string& system_path,
                                                     const std::string& user_path,
                                                     const TargetOptions& options) {
  SECPROTO_ASSIGN_OR_RETURN(
      recovery, RecoverPairBeforeOpen(describe, software_path, system_path, options.read_only));
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
  auto backend = std::make_unique<HiveBackend>(std::move(describe), std::move(software),
                                               std::move(system), std::move(user),
                                               std::move(control_set));
  backend->SetRecovery(std::move(recovery));
  return std::unique_ptr<RegistryBackend>(std::move(backend));
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

}  // namespace

Status CreateBlankSystemHiveFile(const std::string& path, bool overwrite) {
  SECPROTO_TRY(CheckNewHivePath(path, overwrite));
  std::vector<uint8_t> bytes = BuildEmptyHive("ROOT", FileTimeNow(), "SYSTEM");
  SECPROTO_ASSIGN_OR_RETURN(tmp, TempFile::CreateBeside(path));
  {
    int fd = open(tmp->path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    bool ok =
        fd >= 0 && write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    int err = errno;
    if (fd >= 0) close(fd);
    if (!ok) return Fail(HivexError(err, "write", tmp->path(), "new SYSTEM hive"));
  }
  errno = 0;
  HivePtr h(hivex_open(tmp->path().c_str(), HIVEX_OPEN_WRITE));
  if (!h) return Fail(HivexError(errno, "hivex_open", tmp->path(), "new SYSTEM hive"));
  hive_node_h root = hivex_root(h.get());
  hive_node_h select = hivex_node_add_child(h.get(), root, "Select");
  hive_node_h cs = select ? hivex_node_add_child(h.get(), root, "ControlSet001") : 0;
  hive_node_h control = cs ? hivex_node_add_child(h.get(), cs, "Control") : 0;
  if (!control)
    return Fail(HivexError(errno, "hivex_node_add_child", tmp->path(), "new SYSTEM hive"));
  RegValue one = RegValue::Dword(1), zero = RegValue::Dword(0);
  std::string names[] = {"Current", "Default", "Failed", "LastKnownGood"};
  hive_set_value values[4];
  for (int i = 0; i < 4; ++i) {
    RegValue& v = names[i] == "Failed" ? zero : one;
    values[i].key = names[i].data();
    values[i].t = hive_t_REG_DWORD;
    values[i].len = v.data.size();
    values[i].value = reinterpret_cast<char*>(v.data.data());
  }
  if (hivex_node_set_values(h.get(), select, 4, values, 0) != 0 ||
      hivex_commit(h.get(), nullptr, 0) != 0) {
    return Fail(HivexError(errno, "hivex_commit", tmp->path(), "new SYSTEM hive"));
  }
  h.reset();
  return tmp->Publish(path);
}

namespace {

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
