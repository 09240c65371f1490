// regf base block checks and the empty-hive writer. See regf.h.
#include "registry/regf.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util/file.h"

namespace secproto {
namespace {

// Base block field offsets.
constexpr size_t kSeq1 = 4, kSeq2 = 8, kTimestamp = 12, kMajor = 20, kMinor = 24, kFileType = 28,
                 kFileFormat = 32, kRootCell = 36, kBinsSize = 40, kClustering = 44,
                 kFileName = 48, kChecksum = 508;
// The hbin header is 32 bytes; cell offsets count from the first hbin.
constexpr size_t kHbinHeaderSize = 32;

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

void Put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}
void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void Put64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutBytes(std::vector<uint8_t>& b, size_t at, std::string_view s) {
  std::memcpy(b.data() + at, s.data(), s.size());
}

Error Corrupt(const std::string& path, const std::string& what, const char* code = "corrupt-hive") {
  return Error::Target(path + " is not a usable registry hive: " + what, code);
}

// A SID in binary form: revision 1, the NT authority (5) or the world
// authority (1), then the sub-authorities.
std::vector<uint8_t> Sid(uint8_t authority, std::initializer_list<uint32_t> subs) {
  std::vector<uint8_t> s = {1, static_cast<uint8_t>(subs.size()), 0, 0, 0, 0, 0, authority};
  for (uint32_t sub : subs) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<uint8_t>(sub >> (8 * i)));
  }
  return s;
}

// A self-relative SECURITY_DESCRIPTOR: owner Administrators, group SYSTEM,
// DACL: Administrators and SYSTEM full control (KEY_ALL_ACCESS), Everyone
// read (KEY_READ), each inherited by subkeys (CONTAINER_INHERIT_ACE).
std::vector<uint8_t> DefaultSecurityDescriptor() {
  const std::vector<uint8_t> admins = Sid(5, {32, 544});
  const std::vector<uint8_t> system = Sid(5, {18});
  const std::vector<uint8_t> everyone = Sid(1, {0});
  constexpr uint32_t kKeyAllAccess = 0xF003F, kKeyRead = 0x20019;
  constexpr uint8_t kContainerInherit = 0x02;

  std::vector<uint8_t> acl(8, 0);
  uint16_t aces = 0;
  auto add_ace = [&](uint32_t mask, const std::vector<uint8_t>& sid) {
    size_t at = acl.size();
    acl.resize(at + 8 + sid.size());
    acl[at] = 0;  // ACCESS_ALLOWED_ACE_TYPE
    acl[at + 1] = kContainerInherit;
    Put16(acl, at + 2, static_cast<uint16_t>(8 + sid.size()));
    Put32(acl, at + 4, mask);
    std::memcpy(acl.data() + at + 8, sid.data(), sid.size());
    ++aces;
  };
  add_ace(kKeyAllAccess, admins);
  add_ace(kKeyAllAccess, system);
  add_ace(kKeyRead, everyone);
  acl[0] = 2;  // ACL_REVISION
  Put16(acl, 2, static_cast<uint16_t>(acl.size()));
  Put16(acl, 4, aces);

  constexpr uint16_t kSelfRelative = 0x8000, kDaclPresent = 0x0004;
  std::vector<uint8_t> sd(20, 0);
  sd[0] = 1;  // SECURITY_DESCRIPTOR_REVISION
  Put16(sd, 2, kSelfRelative | kDaclPresent);
  Put32(sd, 4, static_cast<uint32_t>(sd.size()));  // owner
  sd.insert(sd.end(), admins.begin(), admins.end());
  Put32(sd, 8, static_cast<uint32_t>(sd.size()));  // group
  sd.insert(sd.end(), system.begin(), system.end());
  Put32(sd, 16, static_cast<uint32_t>(sd.size()));  // DACL; SACL (12) stays 0
  sd.insert(sd.end(), acl.begin(), acl.end());
  return sd;
}

size_t Align8(size_t n) { return (n + 7) & ~static_cast<size_t>(7); }

}  // namespace

uint32_t RegfChecksum(const uint8_t* block) {
  uint32_t sum = 0;
  for (size_t i = 0; i < kChecksum; i += 4) sum ^= Le32(block + i);
  if (sum == 0xFFFFFFFFu) return 0xFFFFFFFEu;
  if (sum == 0) return 1;
  return sum;
}

Expected<RegfBaseBlock> CheckRegfHeader(const std::vector<uint8_t>& head, uint64_t file_size,
                                        const std::string& path) {
  if (file_size == 0) return Fail(Corrupt(path, "the file is empty (0 bytes)", "not-a-hive"));
  if (head.size() < 4 || std::memcmp(head.data(), "regf", 4) != 0) {
    return Fail(Corrupt(path, "no \"regf\" signature at the start (not a hive file)", "not-a-hive"));
  }
  if (file_size < kRegfBaseBlockSize + kHbinHeaderSize || head.size() < kRegfBaseBlockSize) {
    return Fail(Corrupt(path,
                        "the file is " + std::to_string(file_size) +
                            " bytes, shorter than a base block and one hbin (truncated)",
                        "truncated-hive"));
  }
  const uint8_t* b = head.data();
  uint32_t stored = Le32(b + kChecksum), computed = RegfChecksum(b);
  if (stored != computed) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "base block checksum is 0x%08X, expected 0x%08X (damaged header)",
                  stored, computed);
    return Fail(Corrupt(path, buf));
  }
  RegfBaseBlock bb;
  bb.primary_sequence = Le32(b + kSeq1);
  bb.secondary_sequence = Le32(b + kSeq2);
  bb.major_version = Le32(b + kMajor);
  bb.minor_version = Le32(b + kMinor);
  bb.root_cell_offset = Le32(b + kRootCell);
  bb.hive_bins_size = Le32(b + kBinsSize);
  for (size_t i = 0; i < 32; ++i) {
    uint16_t c = static_cast<uint16_t>(b[kFileName + 2 * i] | (b[kFileName + 2 * i + 1] << 8));
    if (c == 0) break;
    bb.file_name.push_back(c < 0x80 ? static_cast<char>(c) : '?');
  }
  if (bb.major_version != 1 || bb.minor_version > 6) {
    return Fail(Corrupt(path, "unsupported format version " + std::to_string(bb.major_version) +
                                  "." + std::to_string(bb.minor_version)));
  }
  if (Le32(b + kFileType) != 0) {
    return Fail(Corrupt(path, "the file type is " + std::to_string(Le32(b + kFileType)) +
                                  ", not a primary hive (is this a .LOG file?)"));
  }
  if (Le32(b + kFileFormat) != 1) {
    return Fail(Corrupt(path, "unknown file format " + std::to_string(Le32(b + kFileFormat))));
  }
  if (bb.hive_bins_size == 0 || bb.hive_bins_size % kRegfBaseBlockSize != 0) {
    return Fail(Corrupt(path, "hive bins size " + std::to_string(bb.hive_bins_size) +
                                  " is not a positive multiple of 4096"));
  }
  if (kRegfBaseBlockSize + static_cast<uint64_t>(bb.hive_bins_size) > file_size) {
    return Fail(Corrupt(path,
                        "the header says " + std::to_string(kRegfBaseBlockSize + bb.hive_bins_size) +
                            " bytes but the file has " + std::to_string(file_size) + " (truncated)",
                        "truncated-hive"));
  }
  if (bb.root_cell_offset < kHbinHeaderSize || bb.root_cell_offset >= bb.hive_bins_size ||
      bb.root_cell_offset % 8 != 0) {
    return Fail(Corrupt(path, "root cell offset " + std::to_string(bb.root_cell_offset) +
                                  " is outside the hive bins"));
  }
  if (head.size() >= kRegfBaseBlockSize + kHbinHeaderSize) {
    const uint8_t* hbin = b + kRegfBaseBlockSize;
    if (std::memcmp(hbin, "hbin", 4) != 0 || Le32(hbin + 4) != 0) {
      return Fail(Corrupt(path, "no \"hbin\" page at offset 4096"));
    }
  }
  return bb;
}

uint64_t FileTimeNow() {
  using namespace std::chrono;
  constexpr uint64_t kUnixEpochIn1601 = 11644473600ull;
  auto since_unix = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  return (kUnixEpochIn1601 * 1000000ull + static_cast<uint64_t>(since_unix)) * 10ull;
}

std::vector<uint8_t> BuildEmptyHive(std::string_view root_name, uint64_t filetime,
                                    std::string_view file_name) {
  if (file_name.empty()) file_name = root_name;
  constexpr size_t kHbinSize = 4096;
  std::vector<uint8_t> out(kRegfBaseBlockSize + kHbinSize, 0);

  // Cells (offsets relative to the first hbin): root nk, then sk, then one
  // free cell filling the rest of the page.
  constexpr size_t kNkFixed = 0x4C;  // nk fields before the name
  const size_t nk_off = kHbinHeaderSize;
  const size_t nk_size = Align8(4 + kNkFixed + root_name.size());
  const std::vector<uint8_t> sd = DefaultSecurityDescriptor();
  const size_t sk_off = nk_off + nk_size;
  const size_t sk_size = Align8(4 + 20 + sd.size());
  const size_t free_off = sk_off + sk_size;
  const size_t free_size = kHbinSize - free_off;

  // Base block.
  PutBytes(out, 0, "regf");
  Put32(out, kSeq1, 1);
  Put32(out, kSeq2, 1);
  Put64(out, kTimestamp, filetime);
  Put32(out, kMajor, 1);
  Put32(out, kMinor, 5);
  Put32(out, kFileType, 0);    // primary file
  Put32(out, kFileFormat, 1);  // direct memory load
  Put32(out, kRootCell, static_cast<uint32_t>(nk_off));
  Put32(out, kBinsSize, static_cast<uint32_t>(kHbinSize));
  Put32(out, kClustering, 1);
  // The file name field holds the tail of the hive's path as UTF-16LE.
  for (size_t i = 0; i < file_name.size() && i < 31; ++i) out[kFileName + 2 * i] = file_name[i];

  // hbin header.
  const size_t hb = kRegfBaseBlockSize;
  PutBytes(out, hb, "hbin");
  Put32(out, hb + 4, 0);  // offset of this hbin
  Put32(out, hb + 8, static_cast<uint32_t>(kHbinSize));
  Put64(out, hb + 20, filetime);

  // Root key node. Allocated cells store their size negated.
  size_t c = hb + nk_off;
  Put32(out, c, static_cast<uint32_t>(-static_cast<int32_t>(nk_size)));
  size_t nk = c + 4;
  PutBytes(out, nk, "nk");
  constexpr uint16_t kKeyHiveEntry = 0x0004, kKeyNoDelete = 0x0008, kKeyCompName = 0x0020;
  Put16(out, nk + 2, kKeyHiveEntry | kKeyNoDelete | kKeyCompName);
  Put64(out, nk + 4, filetime);
  Put32(out, nk + 16, 0);            // parent: meaningless for the root on disk
  Put32(out, nk + 28, 0xFFFFFFFF);   // subkeys list
  Put32(out, nk + 32, 0xFFFFFFFF);   // volatile subkeys list
  Put32(out, nk + 40, 0xFFFFFFFF);   // values list
  Put32(out, nk + 44, static_cast<uint32_t>(sk_off));
  Put32(out, nk + 48, 0xFFFFFFFF);   // class name
  Put16(out, nk + 72, static_cast<uint16_t>(root_name.size()));
  PutBytes(out, nk + kNkFixed, root_name);

  // Security cell: a one-element circular list, referenced once (the root).
  c = hb + sk_off;
  Put32(out, c, static_cast<uint32_t>(-static_cast<int32_t>(sk_size)));
  size_t sk = c + 4;
  PutBytes(out, sk, "sk");
  Put32(out, sk + 4, static_cast<uint32_t>(sk_off));  // flink
  Put32(out, sk + 8, static_cast<uint32_t>(sk_off));  // blink
  Put32(out, sk + 12, 1);                              // reference count
  Put32(out, sk + 16, static_cast<uint32_t>(sd.size()));
  std::memcpy(out.data() + sk + 20, sd.data(), sd.size());

  // The rest of the page is one free cell (positive size).
  Put32(out, hb + free_off, static_cast<uint32_t>(free_size));

  Put32(out, kChecksum, RegfChecksum(out.data()));
  return out;
}

Status CheckNewHivePath(const std::string& path, bool overwrite) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(st)) {
    return Fail(Error::Input(path + " is a directory; give the path of the hive file to create",
                             "is-directory"));
  }
  if (std::filesystem::exists(st) && !overwrite) {
    return Fail(Error::Input(path + " already exists; use --force to replace it", "exists"));
  }
  return {};
}

Status CreateEmptyHiveFile(const std::string& path, bool overwrite) {
  SECPROTO_TRY(CheckNewHivePath(path, overwrite));
  std::vector<uint8_t> bytes = BuildEmptyHive("ROOT", FileTimeNow());
  return WriteFileAtomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace secproto
