#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "secproto/interrupt.h"
#include "util/file.h"

namespace secproto {
namespace {

Error ErrnoError(int err, const std::string& what, const std::string& path) {
  return Error::Io(what + " " + path + ": " + std::strerror(err), "io");
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Registered with the interrupt handler while it exists under its temp name,
// so that an interrupt removes it (secproto/interrupt.h).
class PosixTempFile : public TempFile {
 public:
  PosixTempFile(std::string path, int fd, int slot)
      : path_(std::move(path)), fd_(fd), slot_(slot) {}
  ~PosixTempFile() override {
    if (fd_ >= 0) close(fd_);
    // Removed before it is unregistered: an interrupt in between finds a
    // name that is gone, never a file left behind.
    if (!published_) unlink(path_.c_str());
    UnregisterTempPath(slot_);
  }
  const std::string& path() const override { return path_; }
  Status Publish(const std::string& target) override {
    if (fsync(fd_) != 0) return Fail(ErrnoError(errno, "fsync", path_));
    close(fd_);
    fd_ = -1;
    // rename(2) is atomic: an interrupt leaves the old target or the new one,
    // and the handler's unlink of the temp name then fails harmlessly.
    if (rename(path_.c_str(), target.c_str()) != 0) return Fail(ErrnoError(errno, "rename onto", target));
    published_ = true;
    UnregisterTempPath(slot_);
    slot_ = -1;
    int dfd = open(DirName(target).c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
    return {};
  }
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_;
  int slot_;
  bool published_ = false;
};

// The lock file exists only while a writer holds it: the holder removes it
// before unlocking, and a waiter that wins the lock on a file already
// removed (or replaced) starts again on the current one.
// The holder registers the lock file with the interrupt handler, which
// removes it on an interrupt as the destructor would (a waiter never does:
// the file it opened may be another process's lock).
class PosixFileLock : public FileLock {
 public:
  PosixFileLock(int fd, std::string lock_path)
      : fd_(fd), lock_path_(std::move(lock_path)), slot_(RegisterTempPath(lock_path_.c_str())) {}
  ~PosixFileLock() override {
    // Unregistered first: an interrupt in between leaves an unlocked lock
    // file, which the next writer simply takes, rather than removing a lock
    // file another process may have created meanwhile.
    UnregisterTempPath(slot_);
    unlink(lock_path_.c_str());
    flock(fd_, LOCK_UN);
    close(fd_);
  }

 private:
  int fd_;
  std::string lock_path_;
  int slot_;
};

// "folder X does not exist" when the folder that would hold `path` is
// missing; nullopt otherwise.
std::optional<Error> MissingFolder(const std::string& path) {
  std::string dir = DirName(path);
  struct stat st;
  if (stat(dir.c_str(), &st) == 0 || errno != ENOENT) return std::nullopt;
  return Error::Target("folder " + dir + " does not exist (create it first)", "no-folder");
}

}  // namespace

Expected<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Fail(Error::Target("cannot open " + path + ": " + std::strerror(err),
                              err == ENOENT ? "not-found" : "open-failed"));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    close(fd);
    return Fail(Error::Target(path + " is a directory, not a file", "not-a-file"));
  }
  std::vector<uint8_t> data;
  data.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return Fail(Error::Target("cannot read " + path + ": " + std::strerror(err), "read-failed"));
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  close(fd);
  return data;
}

Expected<std::unique_ptr<TempFile>> TempFile::CreateBeside(const std::string& path) {
  std::string tmpl = DirName(path) + "/." + BaseName(path) + ".secproto-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  // Created and registered as one step: an interrupt waits for the slot.
  InterruptDeferral creating;
  int fd = mkstemp(buf.data());
  if (fd < 0) {
    int err = errno;
    if (auto missing = MissingFolder(path)) return Fail(*missing);
    return Fail(Error::Target("cannot create a temp file beside " + path + ": " +
                                  std::strerror(err),
                              err == EACCES || err == EROFS ? "read-only" : "io"));
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    fchmod(fd, st.st_mode & 07777);
  } else {
    // A new file gets the mode open(2) would give it, not mkstemp's 0600.
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  int slot = RegisterTempPath(buf.data());
  return std::unique_ptr<TempFile>(std::make_unique<PosixTempFile>(buf.data(), fd, slot));
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  SECPROTO_ASSIGN_OR_RETURN(tmp, TempFile::CreateBeside(path));
  int fd = open(tmp->path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return Fail(ErrnoError(errno, "open", tmp->path()));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return Fail(ErrnoError(err, "write", tmp->path()));
    }
    off += static_cast<size_t>(n);
  }
  close(fd);
  return tmp->Publish(path);
}

Expected<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path, int timeout_ms) {
  if (auto missing = MissingFolder(path)) return Fail(*missing);
  std::string lock_path = path + ".secproto.lock";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      int err = errno;
      return Fail(Error::Target("cannot create lock file " + lock_path + ": " + std::strerror(err),
                                err == EACCES || err == EROFS ? "read-only" : "lock"));
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        int err = errno;
        close(fd);
        return Fail(Error::Target("cannot lock " + lock_path + ": " + std::strerror(err), "lock"));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        close(fd);
        return Fail(Error::Target(path + " is locked by another secproto process", "locked"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // The previous holder may have removed the file while this process
    // waited: the lock counts only on the file the path names now.
    struct stat held, now;
    if (fstat(fd, &held) == 0 && stat(lock_path.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
        held.st_ino == now.st_ino) {
      return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd, lock_path));
    }
    close(fd);
  }
}

bool IsWritable(const std::string& path) { return access(path.c_str(), W_OK) == 0; }

}  // namespace secproto
