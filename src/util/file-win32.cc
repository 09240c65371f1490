// Windows twins of file-posix.cc: temp file beside the target, FlushFileBuffers,
// then MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH).
#include <windows.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "secproto/interrupt.h"
#include "util/file.h"
#include "util/win32.h"

namespace secproto {
namespace {

// Both separators are valid on Windows.
size_t LastSeparator(const std::string& path) { return path.find_last_of("/\\"); }

std::string DirName(const std::string& path) {
  size_t sep = LastSeparator(path);
  if (sep == std::string::npos) return ".";
  if (sep == 0) return path.substr(0, 1);
  if (sep == 2 && path[1] == ':') return path.substr(0, 3);  // "C:\\x"
  return path.substr(0, sep);
}

std::string BaseName(const std::string& path) {
  size_t sep = LastSeparator(path);
  return sep == std::string::npos ? path : path.substr(sep + 1);
}

bool IsNotFound(DWORD err) { return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND; }

// Registered with the interrupt handler while it exists under its temp name,
// so that an interrupt removes it (secproto/interrupt.h).
class Win32TempFile : public TempFile {
 public:
  Win32TempFile(std::string path, HANDLE h, int slot)
      : path_(std::move(path)), handle_(h), slot_(slot) {}
  ~Win32TempFile() override {
    if (handle_ != INVALID_HANDLE_VALUE) CloseHandle(handle_);
    if (!published_) DeleteFileW(Widen(path_).c_str());
    UnregisterTempPath(slot_);
  }
  const std::string& path() const override { return path_; }
  Status Publish(const std::string& target) override {
    if (!FlushFileBuffers(handle_)) return Fail(Win32Error(GetLastError(), "FlushFileBuffers", path_));
    CloseHandle(handle_);
    handle_ = INVALID_HANDLE_VALUE;
    if (!MoveFileExW(Widen(path_).c_str(), Widen(target).c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      return Fail(Win32Error(GetLastError(), "MoveFileExW onto", target));
    }
    published_ = true;
    UnregisterTempPath(slot_);
    slot_ = -1;
    return {};
  }
  HANDLE handle() const { return handle_; }

 private:
  std::string path_;
  HANDLE handle_;
  int slot_;
  bool published_ = false;
};

class Win32FileLock : public FileLock {
 public:
  // The holder registers the lock file with the interrupt handler, which
  // removes it on an interrupt as the destructor would.
  Win32FileLock(HANDLE h, const std::string& lock_path)
      : handle_(h), slot_(RegisterTempPath(lock_path.c_str())) {}
  // The holder marks the lock file for deletion before unlocking; a waiter
  // that then wins the lock sees it pending deletion and starts again.
  ~Win32FileLock() override {
    UnregisterTempPath(slot_);
    FILE_DISPOSITION_INFO del{};
    del.DeleteFile = TRUE;
    SetFileInformationByHandle(handle_, FileDispositionInfo, &del, sizeof del);
    OVERLAPPED ov{};
    UnlockFileEx(handle_, 0, MAXDWORD, MAXDWORD, &ov);
    CloseHandle(handle_);
  }

 private:
  HANDLE handle_;
  int slot_;
};

}  // namespace

Expected<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::wstring wpath = Widen(path);
  DWORD attrs = GetFileAttributesW(wpath.c_str());
  if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
    return Fail(Error::Target(path + " is a directory, not a file", "not-a-file"));
  }
  HANDLE h = CreateFileW(wpath.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD err = GetLastError();
    return Fail(Error::Target("cannot open " + path + ": " + Win32ErrorText(err),
                              IsNotFound(err) ? "not-found" : "open-failed"));
  }
  std::vector<uint8_t> data;
  LARGE_INTEGER size{};
  if (GetFileSizeEx(h, &size)) data.reserve(static_cast<size_t>(size.QuadPart));
  uint8_t buf[65536];
  while (true) {
    DWORD n = 0;
    if (!ReadFile(h, buf, sizeof buf, &n, nullptr)) {
      DWORD err = GetLastError();
      CloseHandle(h);
      return Fail(Error::Target("cannot read " + path + ": " + Win32ErrorText(err), "read-failed"));
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  CloseHandle(h);
  return data;
}

Expected<std::unique_ptr<TempFile>> TempFile::CreateBeside(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  std::string dir = DirName(path);
  std::string sep = dir.ends_with('\\') || dir.ends_with('/') ? "" : "\\";
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[16];
    unsigned mix = static_cast<unsigned>(GetTickCount64()) * 2654435761u ^
                   (GetCurrentProcessId() << 8) ^ counter.fetch_add(1);
    std::snprintf(suffix, sizeof suffix, "%06x", mix & 0xFFFFFF);
    std::string tmp = dir + sep + "." + BaseName(path) + ".secproto-" + suffix;
    // Shared for writing so that callers may open the path themselves, as
    // they do on POSIX; the handle is kept for FlushFileBuffers.
    // Created and registered as one step: an interrupt waits for the slot.
    InterruptDeferral creating;
    HANDLE h = CreateFileW(Widen(tmp).c_str(), GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h != INVALID_HANDLE_VALUE) {
      int slot = RegisterTempPath(tmp.c_str());
      return std::unique_ptr<TempFile>(std::make_unique<Win32TempFile>(tmp, h, slot));
    }
    DWORD err = GetLastError();
    if (err == ERROR_FILE_EXISTS || err == ERROR_ALREADY_EXISTS) continue;
    return Fail(Error::Target("cannot create a temp file beside " + path + ": " + Win32ErrorText(err),
                              err == ERROR_ACCESS_DENIED || err == ERROR_WRITE_PROTECT ? "read-only"
                                                                                        : "io"));
  }
  return Fail(Error::Target("cannot create a temp file beside " + path + ": too many collisions", "io"));
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  SECPROTO_ASSIGN_OR_RETURN(tmp, TempFile::CreateBeside(path));
  HANDLE h = static_cast<Win32TempFile*>(tmp.get())->handle();
  size_t off = 0;
  while (off < data.size()) {
    DWORD chunk = static_cast<DWORD>(std::min<size_t>(data.size() - off, 1u << 30));
    DWORD n = 0;
    if (!WriteFile(h, data.data() + off, chunk, &n, nullptr)) {
      return Fail(Win32Error(GetLastError(), "WriteFile", tmp->path()));
    }
    off += n;
  }
  return tmp->Publish(path);
}

Expected<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path, int timeout_ms) {
  std::string lock_path = path + ".secproto.lock";
  {
    std::string dir = lock_path;
    size_t slash = dir.find_last_of("/\\");
    dir = slash == std::string::npos ? "." : dir.substr(0, slash == 0 ? 1 : slash);
    DWORD attrs = GetFileAttributesW(Widen(dir).c_str());
    if (attrs == INVALID_FILE_ATTRIBUTES &&
        (GetLastError() == ERROR_FILE_NOT_FOUND || GetLastError() == ERROR_PATH_NOT_FOUND)) {
      return Fail(
          Error::Target("folder " + dir + " does not exist (create it first)", "no-folder"));
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto timed_out = [&] { return std::chrono::steady_clock::now() >= deadline; };
  while (true) {
    HANDLE h = CreateFileW(Widen(lock_path).c_str(), GENERIC_READ | GENERIC_WRITE | DELETE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      DWORD err = GetLastError();
      // A lock file pending deletion refuses new opens for a moment.
      if (err == ERROR_ACCESS_DENIED && !timed_out()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      return Fail(Error::Target(
          "cannot create lock file " + lock_path + ": " + Win32ErrorText(err),
          err == ERROR_ACCESS_DENIED || err == ERROR_WRITE_PROTECT ? "read-only" : "lock"));
    }
    bool locked = false;
    while (true) {
      OVERLAPPED ov{};
      if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD, MAXDWORD,
                     &ov)) {
        locked = true;
        break;
      }
      DWORD err = GetLastError();
      if (err != ERROR_LOCK_VIOLATION && err != ERROR_IO_PENDING) {
        CloseHandle(h);
        return Fail(Error::Target("cannot lock " + lock_path + ": " + Win32ErrorText(err), "lock"));
      }
      if (timed_out()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!locked) {
      CloseHandle(h);
      return Fail(Error::Target(path + " is locked by another secproto process", "locked"));
    }
    FILE_STANDARD_INFO info{};
    if (GetFileInformationByHandleEx(h, FileStandardInfo, &info, sizeof info) &&
        !info.DeletePending) {
      return std::unique_ptr<FileLock>(std::make_unique<Win32FileLock>(h, lock_path));
    }
    OVERLAPPED ov{};
    UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov);
    CloseHandle(h);
  }
}

bool IsWritable(const std::string& path) {
  std::wstring wpath = Widen(path);
  DWORD attrs = GetFileAttributesW(wpath.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES) return false;
  if (attrs & FILE_ATTRIBUTE_DIRECTORY) return true;
  if (attrs & FILE_ATTRIBUTE_READONLY) return false;
  HANDLE h = CreateFileW(wpath.c_str(), GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  CloseHandle(h);
  return true;
}

}  // namespace secproto
