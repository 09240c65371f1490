// UTF-8 <-> UTF-16LE conversion for registry strings and .reg files.
#ifndef SECPROTO_CORE_UTF16_H_
#define SECPROTO_CORE_UTF16_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secproto {

/// UTF-8 to UTF-16LE bytes (no terminator added). Invalid UTF-8 sequences
/// become U+FFFD.
std::vector<uint8_t> Utf8ToUtf16Le(std::string_view utf8);

/// Appends the UTF-8 encoding of code point `cp` to `out`.
void AppendUtf8(std::string& out, uint32_t cp);

/// UTF-16LE bytes to UTF-8. nullopt for an odd length or an unpaired
/// surrogate (broken UTF-16).
std::optional<std::string> Utf16LeToUtf8(const uint8_t* data, size_t size);

}  // namespace secproto

#endif  // SECPROTO_CORE_UTF16_H_
