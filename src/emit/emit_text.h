// Text shared by both families of emitters (export PROTOCOLS, emit_*.cc, and
// export --tls-policy, emit_policy*.cc): the --format name tables, header
// comments, .reg file bytes. Internal to the emitters.
#ifndef SECPROTO_EMIT_EMIT_TEXT_H_
#define SECPROTO_EMIT_EMIT_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "secproto/error.h"

namespace secproto::emit_internal {

/// One row of a format table: the enum value and its --format name (the
/// shape of an enum name table: {value, name}).
template <typename Format>
struct FormatName {
  Format value;
  std::string_view name;
};

/// The name of `f` in `table`, or "?" for a value the table lacks.
template <typename Format, size_t N>
std::string_view NameOfFormat(const FormatName<Format> (&table)[N], Format f) {
  for (const FormatName<Format>& x : table) {
    if (x.value == f) return x.name;
  }
  return "?";
}

/// The format named `text` (ASCII case ignored). Otherwise a usage error
/// "unknown format "x"<context>; choose one of: reg, ps1, ..." (code
/// unknown-format); `context` is "" or, say, " for --tls-policy".
template <typename Format, size_t N>
Expected<Format> ParseFormatName(const FormatName<Format> (&table)[N], std::string_view text,
                                 std::string_view context) {
  std::string lower = Lower(text);
  for (const FormatName<Format>& x : table) {
    if (x.name == lower) return x.value;
  }
  std::string names;
  for (const FormatName<Format>& x : table) {
    names += (names.empty() ? "" : ", ") + std::string(x.name);
  }
  return Fail(Error::Usage("unknown format \"" + std::string(text) + "\"" + std::string(context) +
                               "; choose one of: " + names,
                           "unknown-format"));
}

/// The header lines of an artifact, each word-wrapped at 76 columns (comment
/// markers take up to 2 more: within 78 for yamllint and readable diffs);
/// continuation lines are indented two columns more than their line.
std::vector<std::string> WrapHeader(const std::vector<std::string>& raw);

/// Each line prefixed with `prefix` ("; ", "# ") and ended with `eol`.
std::string Comment(const std::vector<std::string>& lines, std::string_view prefix,
                    std::string_view eol = "\n");

/// `lines` as a PowerShell block comment: "<#", each line indented by two,
/// "#>".
std::string PsBlockComment(const std::vector<std::string>& lines);

/// The start of a .reg file: the version line reg import requires first,
/// then `header` as "; " comments. LF line ends (RegBytes converts).
std::string RegFileHead(const std::vector<std::string>& header);

/// UTF-8 LF text as a .reg file's bytes: CRLF line ends, UTF-16LE with BOM
/// (docs/REGFILE.md).
std::string RegBytes(const std::string& text);

}  // namespace secproto::emit_internal

#endif  // SECPROTO_EMIT_EMIT_TEXT_H_
