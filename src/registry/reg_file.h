// A .reg file (regedit's import format) as an editable document.
//
// Reads "Windows Registry Editor Version 5.00" files (UTF-16LE with or
// without BOM, or UTF-8 with or without BOM) and "REGEDIT4" files (ANSI,
// read as Windows-1252). Keeps every line as it was written, so that a file
// written back after an edit differs only in the lines of the values and keys
// that changed. Pure C++: no OS calls, no I/O (the caller reads and writes
// the bytes).
//
// Reading model: a .reg file describes changes to import. Its *state* is the
// registry that importing it onto an empty registry produces: `[KEY]` creates
// the key and its parents, `[-KEY]` deletes the key and everything below it,
// `"name"=-` deletes a value, later lines win over earlier ones.
#ifndef SECPROTO_REGISTRY_REG_FILE_H_
#define SECPROTO_REGISTRY_REG_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto {

/// How the bytes of a .reg file were encoded.
enum class RegEncoding {
  kUtf16Le,  ///< UTF-16LE, with or without BOM (what regedit writes)
  kUtf8,     ///< UTF-8, with or without BOM (what some tools write)
  kAnsi,     ///< 8-bit, read as Windows-1252
};

/// The header line of a .reg file.
enum class RegFormat {
  kVersion5,  ///< "Windows Registry Editor Version 5.00"
  kRegedit4,  ///< "REGEDIT4": strings and hex(2)/hex(7) data are ANSI
};

/// The longest line accepted, in bytes of (UTF-8) text. A value continued
/// with trailing backslashes counts as one line.
inline constexpr size_t kMaxRegLineBytes = size_t{1} << 20;

/// One logical line of a .reg file (a value continued over several physical
/// lines is one entry).
struct RegEntry {
  enum class Kind { kHeader, kBlank, kComment, kKey, kDeleteKey, kValue, kDeleteValue };
  Kind kind = Kind::kBlank;
  /// First physical line, 1-based; 0 for a line added by an edit.
  int line = 0;
  /// The raw text as UTF-8: every physical line of the entry, each with its
  /// own terminator ("\r\n", "\n", "\r"; none on a last line without one).
  std::string text;
  /// kKey, kDeleteKey: the key; kValue, kDeleteValue: the key of the section
  /// the value is in. Always with a short root: "HKLM\\SOFTWARE\\X".
  std::string key;
  /// kValue, kDeleteValue: the value name as UTF-8; "" is the default value (@).
  std::string name;
  /// kValue: the value the line sets, in registry form (strings are UTF-16LE
  /// with a terminating NUL, as a registry stores them).
  RegValue value;
  /// ASCII-lower-case `key`, for matching.
  std::string folded_key;
};

/// Normalises a key path: a known root spelled long or short
/// (HKEY_LOCAL_MACHINE / HKLM, HKEY_CURRENT_USER / HKCU, HKEY_CLASSES_ROOT /
/// HKCR, HKEY_USERS / HKU, HKEY_CURRENT_CONFIG / HKCC, any case) becomes the
/// short form, empty parts are dropped. nullopt for an unknown root.
std::optional<std::string> NormalizeRegKey(std::string_view key);

/// The key as a .reg file writes it: "HKLM\\X" becomes "HKEY_LOCAL_MACHINE\\X".
/// REQUIRES: `key` normalised.
std::string LongRegKey(std::string_view key);

/// One value line as regedit writes it, without the final line terminator:
/// `"name"=dword:00002800`, `"name"="text"`, `@=hex(7):41,00,...` with long
/// hex data wrapped near 80 columns by `\` + `newline` + two spaces.
/// Parsing the result gives back exactly `name` and `value`.
std::string FormatRegValueLine(std::string_view name, const RegValue& value,
                               std::string_view newline = "\r\n");

/// The line that deletes a value on import: `"name"=-`.
std::string FormatRegDeleteValueLine(std::string_view name);

/// A parsed .reg file. Movable, not copyable.
class RegDocument {
 public:
  /// Parses a whole file. `source` names it in error messages, which are one
  /// line: "<source>:<line>: <what is wrong>" (or "<source>: ..." for faults
  /// of the whole file: empty, odd-length UTF-16; with an empty `source`
  /// "line <line>: ..."). Errors are kTarget with code "bad-reg-file": a
  /// target that cannot be parsed is a target failure.
  static Expected<RegDocument> Parse(std::string_view bytes, std::string_view source);

  /// A new, empty Version 5.00 document (header and one blank line, CRLF).
  /// Not modified(): it is written only after an edit.
  static RegDocument NewEmpty();

  RegDocument(RegDocument&&) noexcept;
  RegDocument& operator=(RegDocument&&) noexcept;
  ~RegDocument();

  RegFormat format() const { return format_; }
  RegEncoding encoding() const { return encoding_; }
  const std::vector<RegEntry>& entries() const { return entries_; }

  // --- the state (see the file comment). Keys are full paths with any root
  // spelling; names compare case-insensitively. -------------------------------

  bool KeyExists(std::string_view key) const;
  /// The value, or nullopt when the key or value is absent.
  std::optional<RegValue> GetValue(std::string_view key, std::string_view name) const;
  /// Names of the direct subkeys, as first written; empty when the key is absent.
  std::vector<std::string> ListSubkeys(std::string_view key) const;
  /// Names of the values of a key, as written; empty when the key is absent.
  std::vector<std::string> ListValues(std::string_view key) const;
  /// A stable dump of the state: one "KEY\\" line per key and one
  /// "KEY\\name=REG_TYPE:hexdata" line per value, sorted case-insensitively.
  std::string Dump() const;

  // --- edits: each changes as few lines as it can ------------------------------

  /// Makes the state hold `value` at key\name: replaces the line that last set
  /// or deleted the value in place; else adds a line to the key's last
  /// section; else appends a new `[KEY]` section at the end.
  /// Errors: kTarget "no-such-root" for a key without a known root or that is
  /// only a root; kInput "bad-name" for a key or name with CR, LF or NUL.
  Status SetValue(std::string_view key, std::string_view name, const RegValue& value);

  /// Makes the state lack key\name. When the file sets the value, the line
  /// that sets it last becomes `"name"=-`, so that importing the file deletes
  /// the value from a real registry too. Returns whether anything changed
  /// (false when the file does not set the value).
  bool DeleteValue(std::string_view key, std::string_view name);

  /// Removes a key that exists in the state with no values and no subkeys,
  /// by removing its `[KEY]` sections, when they hold nothing but value
  /// deletions and blank lines. Returns whether anything changed.
  bool RemoveKeyIfEmpty(std::string_view key);

  /// Whether an edit changed the document since it was parsed or saved.
  bool modified() const { return modified_; }

  /// The file's bytes. Unmodified: exactly the bytes parsed. Modified: a
  /// Version 5.00 file in UTF-16LE with BOM (a REGEDIT4 or UTF-8 file is
  /// converted: new header, hex(2)/hex(7) data re-encoded as UTF-16), every
  /// unchanged line with its text and line terminator as it was.
  std::string Serialize() const;

  /// Records that `bytes` (from Serialize()) were written: the document is
  /// no longer modified().
  void MarkSaved(std::string bytes);

 private:
  struct Node;
  RegDocument();

  const Node* State() const;
  const Node* FindNode(std::string_view key) const;
  void Touch();
  void EnsureVersion5();
  void EnsureNewlineAt(size_t index);

  std::vector<RegEntry> entries_;
  std::string original_;
  RegFormat format_ = RegFormat::kVersion5;
  RegEncoding encoding_ = RegEncoding::kUtf16Le;
  std::string newline_ = "\r\n";
  bool modified_ = false;
  mutable std::unique_ptr<Node> state_;
};

/// Options of ScanRegFile.
struct RegScanOptions {
  /// Also accept a header line (after an optional BOM) between entries: the
  /// file is several exports joined by `copy /b`, each part starting with no
  /// section. RegDocument::Parse rejects such a line.
  bool concatenated = false;
};

/// Reads a .reg file with exactly the grammar of RegDocument::Parse, and the
/// same errors, handing each entry to `visit` in file order without keeping
/// any (RegEntry::text stays empty): for readers of many files that want a
/// few values (the fleet audit). The first entry is the header.
Status ScanRegFile(std::string_view bytes, std::string_view source, const RegScanOptions& options,
                   const std::function<void(const RegEntry&)>& visit);

}  // namespace secproto

#endif  // SECPROTO_REGISTRY_REG_FILE_H_
