// The regf (Windows registry hive) file format, as far as secproto needs it
// without hivex: checking a base block before handing a file to hivex, and
// writing a new, empty hive from scratch (hivex cannot create one). Pure C++,
// so `secproto hive create` works on every platform.
//
// Format facts: the "Windows registry file format specification" (M. Suhanov)
// and the hivex sources; the code here is our own.
#ifndef SECPROTO_REGISTRY_REGF_H_
#define SECPROTO_REGISTRY_REGF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto {

/// Size of the base block at the start of every hive, and of one hbin page.
inline constexpr size_t kRegfBaseBlockSize = 4096;

/// The fields of a base block that secproto checks.
struct RegfBaseBlock {
  uint32_t primary_sequence = 0;
  uint32_t secondary_sequence = 0;
  uint32_t major_version = 0;
  uint32_t minor_version = 0;
  uint32_t root_cell_offset = 0;
  uint32_t hive_bins_size = 0;
  /// The base block's file name field: the tail of the path the hive was
  /// loaded from on Windows ("\\SystemRoot\\System32\\Config\\SYSTEM",
  /// "\\??\\C:\\Users\\x\\ntuser.dat"), ASCII only, possibly empty.
  std::string file_name;
  /// Primary != secondary: the hive's .LOG1/.LOG2 hold changes not yet
  /// written into it (it was not unloaded cleanly).
  bool dirty() const { return primary_sequence != secondary_sequence; }
};

/// The base block checksum: XOR of the first 127 little-endian dwords, with
/// 0xFFFFFFFF mapped to 0xFFFFFFFE and 0 to 1. REQUIRES: block has >= 508 bytes.
uint32_t RegfChecksum(const uint8_t* block);

/// Checks the start of a hive file: `head` holds the file's first bytes (at
/// least kRegfBaseBlockSize + 32 of them when the file is that long) and
/// `file_size` its length. Checks the "regf" magic, the checksum, the
/// version, the sizes against the file's length, the first "hbin" header and
/// the root cell offset. Errors are kTarget with a one-line message naming
/// `path` and what is wrong ("corrupt-hive", "not-a-hive", "truncated-hive").
/// A dirty hive is not an error here; see RegfBaseBlock::dirty().
Expected<RegfBaseBlock> CheckRegfHeader(const std::vector<uint8_t>& head, uint64_t file_size,
                                        const std::string& path);

/// The bytes of a new hive with one empty root key named `root_name` (ASCII,
/// 1..255 characters), a security cell that grants Administrators and SYSTEM
/// full control and Everyone read, equal sequence numbers and a valid
/// checksum. `filetime` is the Windows FILETIME stamped on the hive.
/// `file_name` goes into the base block's file name field (the root name
/// when empty; at most 31 characters are kept).
std::vector<uint8_t> BuildEmptyHive(std::string_view root_name, uint64_t filetime,
                                    std::string_view file_name = {});

/// The current time as a Windows FILETIME (100 ns units since 1601).
uint64_t FileTimeNow();

/// Whether a new hive may be written at `path`: a directory is refused
/// (kInput, "is-directory"), an existing file too (kInput, "exists") unless
/// `overwrite`.
Status CheckNewHivePath(const std::string& path, bool overwrite);



}  // namespace secproto

#endif  // SECPROTO_REGISTRY_REGF_H_
