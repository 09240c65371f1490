// Text helpers the library offers its clients: registry strings are
// UTF-16LE, names are matched forgivingly, and printed commands must paste the
// same into cmd, PowerShell and bash. Implemented in src/core/strings.cc.
#ifndef SECPROTO_TEXT_H_
#define SECPROTO_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secproto {

/// UTF-16LE bytes to UTF-8. nullopt for an odd length or an unpaired
/// surrogate (broken UTF-16).
std::optional<std::string> Utf16LeToUtf8(const uint8_t* data, size_t size);

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbours ("clac" for "calc") each count as one edit.
/// Byte-wise and case-sensitive; callers fold case first where they want.
size_t EditDistance(std::string_view a, std::string_view b);

/// Whether `word`, put between double quotes, reaches a program unchanged
/// from cmd, PowerShell and bash alike: printable ASCII without the
/// characters one of them reads inside double quotes (" % $ ` !), and no
/// backslash doubled (bash) or last (it would escape the closing quote).
bool PastesInDoubleQuotes(std::string_view word);

/// A count as a person reads it, thousands grouped: 4812 gives "4,812".
std::string GroupedNumber(uint64_t n);

/// The pieces of `s` between the `sep` characters, empty pieces left out:
/// "a,,b," gives {"a", "b"}.
std::vector<std::string> SplitNonEmpty(std::string_view s, char sep);

}  // namespace secproto

#endif  // SECPROTO_TEXT_H_
