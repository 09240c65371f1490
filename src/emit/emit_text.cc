// Text shared by both families of emitters (emit_text.h).
#include "emit/emit_text.h"

#include <cstdint>

#include "core/strings.h"

namespace secproto::emit_internal {
namespace {

void Wrap(const std::string& line, size_t width, std::vector<std::string>& out) {
  std::string rest = line;
  std::string indent;
  while (rest.size() > width) {
    size_t cut = rest.rfind(' ', width);
    if (cut == std::string::npos || cut <= indent.size()) break;
    out.push_back(rest.substr(0, cut));
    size_t lead = line.find_first_not_of(' ');
    indent = std::string((lead == std::string::npos ? 0 : lead) + 2, ' ');
    rest = indent + rest.substr(cut + 1);
  }
  out.push_back(rest);
}

}  // namespace

std::vector<std::string> WrapHeader(const std::vector<std::string>& raw) {
  std::vector<std::string> lines;
  for (const std::string& l : raw) Wrap(l, 76, lines);
  return lines;
}

std::string Comment(const std::vector<std::string>& lines, std::string_view prefix,
                    std::string_view eol) {
  std::string out;
  for (const std::string& l : lines) {
    out += prefix;
    out += l;
    out += eol;
  }
  return out;
}

std::string PsBlockComment(const std::vector<std::string>& lines) {
  return "<#\n" + Comment(lines, "  ") + "#>\n";
}

std::string RegFileHead(const std::vector<std::string>& header) {
  return "Windows Registry Editor Version 5.00\n\n" + Comment(header, "; ");
}

std::string RegBytes(const std::string& text) {
  std::string crlf;
  crlf.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::vector<uint8_t> u16 = Utf8ToUtf16Le(crlf);
  std::string bytes = "\xFF\xFE";
  bytes.append(reinterpret_cast<const char*>(u16.data()), u16.size());
  return bytes;
}

}  // namespace secproto::emit_internal
