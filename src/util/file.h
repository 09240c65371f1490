// Files the tool writes: always to a temp file in the same folder, flushed,
// then renamed over the target (ccache's AtomicFile). A failure leaves the
// original byte-for-byte unchanged. Platform code: file-posix.cc, file-win32.cc.
#ifndef SECPROTO_UTIL_FILE_H_
#define SECPROTO_UTIL_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/files.h"

namespace secproto {


/// Writes `data` to `path` atomically: temp file beside it, fsync, rename,
/// fsync of the folder. Keeps the mode of an existing file.
Status WriteFileAtomically(const std::string& path, std::string_view data);

/// A temp file beside `path` that is removed on destruction unless
/// Publish() renamed it over `path`.
class TempFile {
 public:
  /// Creates "<dir>/.<name>.secproto-XXXXXX".
  static Expected<std::unique_ptr<TempFile>> CreateBeside(const std::string& path);
  virtual ~TempFile() = default;
  virtual const std::string& path() const = 0;
  /// fsyncs the temp file, renames it over the target, fsyncs the folder.
  virtual Status Publish(const std::string& target) = 0;
};

/// An exclusive advisory lock on "<path>.secproto.lock" (or the file itself),
/// held until destruction. Serialises secproto processes writing one file.
class FileLock {
 public:
  /// Waits up to `timeout_ms` for the lock; kTarget error when it is held.
  static Expected<std::unique_ptr<FileLock>> Acquire(const std::string& path, int timeout_ms);
  virtual ~FileLock() = default;
};

/// Whether the path exists and is writable by this process.
bool IsWritable(const std::string& path);

}  // namespace secproto

#endif  // SECPROTO_UTIL_FILE_H_
