// The string helpers every layer shares: ASCII case folding, hex digits,
// UTF-8 <-> UTF-16LE for registry strings and .reg files, and the edit
// distance behind every "did you mean".
#ifndef SECPROTO_CORE_STRINGS_H_
#define SECPROTO_CORE_STRINGS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/text.h"

namespace secproto {

/// `s` with ASCII letters in lower case; other bytes (UTF-8 included) kept.
std::string Lower(std::string_view s);

/// Whether `a` and `b` are equal ignoring ASCII case (how Windows compares
/// registry key and value names that are ASCII).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Whether `s` starts with `prefix`, ignoring ASCII case.
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

/// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);

/// Pairs of hex digits ("0a0B") as bytes; nullopt for an odd length or a
/// character that is not a hex digit. "" gives an empty vector.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

/// UTF-8 to UTF-16LE bytes (no terminator added). Invalid UTF-8 sequences
/// become U+FFFD.
std::vector<uint8_t> Utf8ToUtf16Le(std::string_view utf8);

/// Appends the UTF-8 encoding of code point `cp` to `out`.
void AppendUtf8(std::string& out, uint32_t cp);


/// REG_SZ-style data shown whole: UTF-16LE to UTF-8 with the trailing NULs
/// removed (NULs inside stay). nullopt for an odd length or broken UTF-16.
std::optional<std::string> Utf16LeText(std::span<const uint8_t> data);

/// The string a REG_SZ / REG_EXPAND_SZ holds, as Windows reads it: the
/// UTF-16LE units up to the first NUL (an odd last byte is ignored), as
/// UTF-8. nullopt for broken UTF-16.
std::optional<std::string> Utf16LeString(std::span<const uint8_t> data);


/// "0x0000A80": a DWORD as registry tools print it.
std::string Hex32(uint32_t v);

/// `s` without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view s);



/// `s` as one CSV field (RFC 4180): as is, or in double quotes with each
/// quote doubled when it holds a comma, a quote, CR or LF.
std::string CsvField(std::string_view s);

/// Which markup a text is escaped for.
enum class Markup {
  kHtml,  ///< & < > " as entities
  kXml,   ///< also ' as &apos;, and the control characters XML 1.0 forbids
          ///< (below 0x20 but tab, LF, CR) as U+FFFD
};
/// `text` safe in element content and quoted attribute values of `markup`.
std::string EscapeMarkup(std::string_view text, Markup markup);

/// One line of a text file, trimmed (Trim), with its number (the first line
/// is 1).
struct NumberedLine {
  size_t number = 0;
  std::string_view text;
};

/// The lines of `text` (split at '\n', so "\r\n" works too), each trimmed,
/// without the blank ones. The views point into `text`.
std::vector<NumberedLine> NonBlankLines(std::string_view text);

/// One row of an enum's name table, the one place the text and JSON names of
/// its values are written: constexpr EnumName<Verdict> kNames[] = {...}.
template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

/// The name of `value` in `table`; `fallback` when the table lacks it.
template <typename E, size_t N>
constexpr std::string_view NameIn(const EnumName<E> (&table)[N], E value,
                                  std::string_view fallback = {}) {
  for (const EnumName<E>& row : table) {
    if (row.value == value) return row.name;
  }
  return fallback;
}

/// The value named `name` in `table` (exact match); nullopt when none is.
template <typename E, size_t N>
constexpr std::optional<E> ValueIn(const EnumName<E> (&table)[N], std::string_view name) {
  for (const EnumName<E>& row : table) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

/// "0x002f": a 16-bit code point (cipher suite, group, version) as the IANA
/// registries and the probe's JSON write it.
std::string Hex16(uint16_t v);

/// Inverse of Hex16: "0x" and exactly four hex digits (either case); nullopt
/// otherwise.
std::optional<uint16_t> ParseHex16(std::string_view s);

}  // namespace secproto

#endif  // SECPROTO_CORE_STRINGS_H_
