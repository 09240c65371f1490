// .reg file parsing, state replay and minimal-change editing (reg_file.h).
#include "registry/reg_file.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/strings.h"

namespace secproto {

// The state: a key tree. Map keys are ASCII-lower-case names.
struct RegDocument::Node {
  std::string name;  // as first written
  std::map<std::string, Node> subkeys;
  std::map<std::string, std::pair<std::string, RegValue>> values;  // folded -> (name, value)
};

namespace {

constexpr std::string_view kHeader5 = "Windows Registry Editor Version 5.00";
constexpr std::string_view kHeader4 = "REGEDIT4";

// Registry limits (MSDN "Registry Element Size Limits").
constexpr size_t kMaxKeyPartChars = 255;
constexpr size_t kMaxValueNameChars = 16383;

// Windows-1252 bytes 0x80..0x9F. The five bytes that code page leaves
// undefined map to the C1 control of the same number, as Windows does, so
// that every byte has exactly one character.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

uint16_t Cp1252ToUnicode(uint8_t b) { return b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b; }


// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

// Counts the characters of UTF-8 text (not its bytes).
size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

// Counts line breaks ("\r\n", "\n", "\r") in s; used to turn an offset into a
// line number.
int CountLines(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') ++n;
    if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n')) ++n;
  }
  return n;
}

// "<source>:<line>: what"; without a source name "line <line>: what".
Error BadFile(std::string_view source, int line, const std::string& what) {
  std::string msg(source);
  if (source.empty()) {
    if (line > 0) msg = "line " + std::to_string(line) + ": ";
  } else {
    if (line > 0) msg += ":" + std::to_string(line);
    msg += ": ";
  }
  return Error::Target(msg + what, "bad-reg-file");
}

struct Decoded {
  std::string text;
  RegEncoding encoding = RegEncoding::kUtf8;
};

Expected<Decoded> DecodeUtf16Le(std::string_view bytes, std::string_view source) {
  Decoded d;
  d.encoding = RegEncoding::kUtf16Le;
  d.text.reserve(bytes.size() / 2);
  int line = 1;
  bool after_cr = false;
  auto unit = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) |
           (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8);
  };
  size_t even = bytes.size() & ~size_t{1};
  for (size_t i = 0; i < even; i += 2) {
    uint32_t u = unit(i);
    if (u == '\n' || after_cr) ++line;  // "\r\n" and "\n" count at the LF, a lone "\r" after it
    after_cr = u == '\r';
    if (u == 0) return Fail(BadFile(source, line, "NUL character in the text; not a .reg file"));
    if (u >= 0xD800 && u <= 0xDBFF) {
      uint32_t lo = i + 3 < even ? unit(i + 2) : 0;
      if (lo < 0xDC00 || lo > 0xDFFF) {
        return Fail(BadFile(source, line, "broken UTF-16LE: unpaired high surrogate"));
      }
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return Fail(BadFile(source, line, "broken UTF-16LE: unpaired low surrogate"));
    }
    AppendUtf8(d.text, u);
  }
  if (bytes.size() % 2) {
    return Fail(BadFile(source, 0,
                        "broken UTF-16LE: odd number of bytes (" + std::to_string(bytes.size()) +
                            "); the file is truncated or not UTF-16"));
  }
  return d;
}

Expected<Decoded> DecodeUtf8(std::string_view bytes, std::string_view source) {
  for (size_t i = 0; i < bytes.size();) {
    if (bytes[i] == 0) {
      return Fail(BadFile(source, 1 + CountLines(bytes.substr(0, i)),
                          "NUL byte in the text; not a .reg file"));
    }
    size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) {
      return Fail(BadFile(source, 1 + CountLines(bytes.substr(0, i)), "invalid UTF-8"));
    }
    i += n;
  }
  return Decoded{std::string(bytes), RegEncoding::kUtf8};
}

Expected<Decoded> DecodeAnsi(std::string_view bytes, std::string_view source) {
  Decoded d;
  d.encoding = RegEncoding::kAnsi;
  d.text.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<uint8_t>(bytes[i]);
    if (b == 0) {
      return Fail(BadFile(source, 1 + CountLines(bytes.substr(0, i)),
                          "NUL byte in the text; not a .reg file"));
    }
    AppendUtf8(d.text, Cp1252ToUnicode(b));
  }
  return d;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

Expected<Decoded> Decode(std::string_view bytes, std::string_view source) {
  if (bytes.empty()) {
    return Fail(BadFile(source, 0,
                        "empty file; a .reg file starts with \"" + std::string(kHeader5) +
                            "\" or \"" + std::string(kHeader4) + "\""));
  }
  if (StartsWith(bytes, "\xFF\xFE")) return DecodeUtf16Le(bytes.substr(2), source);
  if (StartsWith(bytes, "\xFE\xFF")) {
    return Fail(BadFile(source, 0,
                        "UTF-16 big-endian is not a .reg encoding; save it as "
                        "UTF-16LE (\"Unicode\")"));
  }
  if (StartsWith(bytes, "\xEF\xBB\xBF")) return DecodeUtf8(bytes.substr(3), source);
  // UTF-16LE without BOM: the header's first character has a zero high byte.
  if (bytes.size() >= 2 && bytes[0] != 0 && bytes[1] == 0) return DecodeUtf16Le(bytes, source);
  if (StartsWith(bytes, kHeader4)) return DecodeAnsi(bytes, source);
  // Version 5.00 without BOM: UTF-8 when it is valid UTF-8, else ANSI.
  for (size_t i = 0; i < bytes.size();) {
    size_t n = bytes[i] == 0 ? 0 : Utf8SequenceLength(bytes, i);
    if (n == 0) return DecodeAnsi(bytes, source);  // reports a NUL byte itself
    i += n;
  }
  return Decoded{std::string(bytes), RegEncoding::kUtf8};
}

// A cursor over the physical lines of decoded text.
struct LineReader {
  std::string_view text;
  size_t pos = 0;
  int line = 0;  // number of the line last returned

  bool AtEnd() const { return pos >= text.size(); }
  // The next line without its terminator, and the raw line with it.
  void Next(std::string_view* content, std::string_view* raw) {
    size_t start = pos;
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    size_t next = end;
    if (next < text.size())
      next += (text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n') ? 2 : 1;
    *content = text.substr(start, end - start);
    *raw = text.substr(start, next - start);
    pos = next;
    ++line;
  }
};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  return s.substr(i);
}

std::string_view TrimRight(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsSpace(s[n - 1])) --n;
  return s.substr(0, n);
}

// Whether only blanks and an optional ";" comment follow.
bool OnlyCommentLeft(std::string_view s) {
  s = TrimLeft(s);
  return s.empty() || s[0] == ';';
}

bool StartsWithFolded(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && EqualsIgnoreCase(s.substr(0, p.size()), p);
}

struct RootName {
  std::string_view longname;
  std::string_view shortname;
};
constexpr RootName kRoots[] = {
    {"HKEY_LOCAL_MACHINE", "HKLM"}, {"HKEY_CURRENT_USER", "HKCU"},   {"HKEY_CLASSES_ROOT", "HKCR"},
    {"HKEY_USERS", "HKU"},          {"HKEY_CURRENT_CONFIG", "HKCC"},
};

// Reads a quoted string starting at s[0] == '"'. Escapes: \\ and \"; any
// other backslash stays as written (as regedit keeps it). Sets *rest to what
// follows the closing quote. False when the string is not closed.
bool ReadQuoted(std::string_view s, std::string* out, std::string_view* rest) {
  out->clear();
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      *rest = s.substr(i + 1);
      return true;
    }
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '"')) {
      out->push_back(s[i + 1]);
      ++i;
      continue;
    }
    out->push_back(c);
  }
  return false;
}

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::vector<uint8_t> AnsiToUtf16Le(const std::vector<uint8_t>& ansi) {
  std::vector<uint8_t> out;
  out.reserve(ansi.size() * 2);
  for (uint8_t b : ansi) {
    uint16_t u = Cp1252ToUnicode(b);
    out.push_back(static_cast<uint8_t>(u & 0xFF));
    out.push_back(static_cast<uint8_t>(u >> 8));
  }
  return out;
}

// Whether REG_SZ data can be written as a quoted string and read back to the
// same bytes: valid UTF-16 ending in exactly one NUL, no other NUL, no line
// break.
std::optional<std::string> QuotableString(const RegValue& v) {
  if (v.type != kRegSz || v.data.size() < 2 || v.data.size() % 2) return std::nullopt;
  size_t n = v.data.size();
  if (v.data[n - 1] != 0 || v.data[n - 2] != 0) return std::nullopt;
  for (size_t i = 0; i + 2 < n; i += 2) {
    if (v.data[i] == 0 && v.data[i + 1] == 0) return std::nullopt;
  }
  auto utf8 = Utf16LeToUtf8(v.data.data(), n - 2);
  if (!utf8 || utf8->find_first_of("\r\n") != std::string::npos) return std::nullopt;
  return utf8;
}

// The header line's format, or nullopt when `content` is not a header.
std::optional<RegFormat> HeaderFormat(std::string_view content) {
  std::string_view header = TrimRight(content);
  if (header == kHeader5) return RegFormat::kVersion5;
  if (header == kHeader4) return RegFormat::kRegedit4;
  return std::nullopt;
}

// How a Parser hands over entries.
struct ParseMode {
  // Keep each entry's raw text (a document does; a scan does not).
  bool keep_text = true;
  // Accept a header line, after an optional BOM, between entries (see
  // RegScanOptions::concatenated).
  bool concatenated = false;
};

// The parser of one file: the one .reg grammar, behind RegDocument::Parse and
// ScanRegFile.
class Parser {
 public:
  Parser(LineReader reader, std::string_view source, RegFormat format, ParseMode mode)
      : source_(source), format_(format), mode_(mode), reader_(reader) {}

  // Reads the header line of `text`: the format, or the error Parse reports.
  static Expected<RegFormat> ReadHeader(LineReader& reader, std::string_view source,
                                        std::string_view* raw) {
    std::string_view content;
    reader.Next(&content, raw);
    if (content.size() > kMaxRegLineBytes) {
      return Fail(BadFile(source, 1,
                          "line longer than " + std::to_string(kMaxRegLineBytes) +
                              " bytes; not a .reg file regedit would import"));
    }
    if (auto format = HeaderFormat(content)) return *format;
    return Fail(BadFile(source, 1,
                        "missing header: the first line must be \"" + std::string(kHeader5) +
                            "\" or \"" + std::string(kHeader4) + "\""));
  }

  // Parses every line after the header, handing each entry to `sink`
  // (callable as sink(RegEntry&&)).
  template <typename Sink>
  Status Run(Sink&& sink) {
    constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
    while (!reader_.AtEnd()) {
      std::string_view content, raw;
      reader_.Next(&content, &raw);
      SECPROTO_TRY(CheckLength(content.size()));
      RegEntry e;
      e.line = reader_.line;
      if (mode_.keep_text) e.text.assign(raw);
      std::string_view s = TrimLeft(content);
      std::optional<RegFormat> header;
      if (mode_.concatenated) {
        header = HeaderFormat(s.starts_with(kUtf8Bom) ? s.substr(kUtf8Bom.size()) : s);
      }
      if (header) {
        // The next part of a concatenated export: a new file, no section.
        e.kind = RegEntry::Kind::kHeader;
        format_ = *header;
        section_ = Section::kNone;
      } else if (s.empty()) {
        e.kind = RegEntry::Kind::kBlank;
      } else if (s[0] == ';') {
        e.kind = RegEntry::Kind::kComment;
      } else if (s[0] == '[') {
        SECPROTO_TRY(ParseKey(s, e));
        section_ = e.kind == RegEntry::Kind::kKey ? Section::kKey : Section::kDeleted;
        section_key_ = e.key;
        section_folded_ = e.folded_key;
      } else if (s[0] == '"' || s[0] == '@') {
        if (section_ == Section::kNone) return Fail(Err("value outside any [KEY] section"));
        if (section_ == Section::kDeleted) {
          return Fail(Err("value under a key deletion [-" + section_key_ +
                          "]; regedit would ignore it: put it under a [KEY] line"));
        }
        SECPROTO_TRY(ParseValue(s, e));
        e.key = section_key_;
        e.folded_key = section_folded_;
      } else {
        return Fail(
            Err("unexpected text; expected [KEY], [-KEY], \"name\"=value, @=value, "
                "a ; comment or a blank line"));
      }
      sink(std::move(e));
    }
    return {};
  }

 private:
  enum class Section { kNone, kKey, kDeleted };

  Error Err(const std::string& what) const { return BadFile(source_, reader_.line, what); }

  Status CheckLength(size_t n) const {
    if (n > kMaxRegLineBytes) {
      return Fail(Err("line longer than " + std::to_string(kMaxRegLineBytes) +
                      " bytes; not a .reg file regedit would import"));
    }
    return {};
  }

  Status ParseKey(std::string_view s, RegEntry& e) {
    size_t close = s.rfind(']');
    if (close == std::string_view::npos) return Fail(Err("key line has no closing ']'"));
    if (!TrimLeft(s.substr(close + 1)).empty()) {
      return Fail(Err("unexpected text after the key's closing ']'"));
    }
    std::string_view inner = s.substr(1, close - 1);
    bool deletion = !inner.empty() && inner[0] == '-';
    if (deletion) inner.remove_prefix(1);
    auto key = NormalizeRegKey(inner);
    if (!key) {
      return Fail(Err("unknown root key in [" + std::string(inner) +
                      "]; use HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, "
                      "HKEY_USERS or HKEY_CURRENT_CONFIG"));
    }
    for (const std::string& part : SplitKey(*key)) {
      if (Utf8Chars(part) > kMaxKeyPartChars) {
        return Fail(Err("key name part longer than 255 characters"));
      }
    }
    if (deletion && key->find('\\') == std::string::npos) {
      return Fail(Err("cannot delete a root key [-" + std::string(inner) + "]"));
    }
    e.kind = deletion ? RegEntry::Kind::kDeleteKey : RegEntry::Kind::kKey;
    e.key = std::move(*key);
    e.folded_key = Lower(e.key);
    return {};
  }

  Status ParseValue(std::string_view s, RegEntry& e) {
    std::string_view rest;
    if (s[0] == '@') {
      e.name.clear();
      rest = s.substr(1);
    } else if (!ReadQuoted(s, &e.name, &rest)) {
      return Fail(Err("value name has no closing quote"));
    }
    if (Utf8Chars(e.name) > kMaxValueNameChars) {
      return Fail(Err("value name longer than 16383 characters"));
    }
    rest = TrimLeft(rest);
    if (rest.empty() || rest[0] != '=') return Fail(Err("expected '=' after the value name"));
    rest = TrimLeft(rest.substr(1));
    if (rest.empty()) return Fail(Err("no data after '='"));
    if (rest[0] == '-') {
      if (!OnlyCommentLeft(rest.substr(1))) return Fail(Err("unexpected text after '=-'"));
      e.kind = RegEntry::Kind::kDeleteValue;
      return {};
    }
    e.kind = RegEntry::Kind::kValue;
    if (rest[0] == '"') {
      std::string str;
      std::string_view after;
      if (!ReadQuoted(rest, &str, &after)) return Fail(Err("string data has no closing quote"));
      if (!OnlyCommentLeft(after)) return Fail(Err("unexpected text after the string data"));
      // A REGEDIT4 string was already decoded from Windows-1252 with the file.
      e.value = RegValue::String(str);
      return {};
    }
    if (StartsWithFolded(rest, "dword:")) {
      std::string_view digits = rest.substr(6);
      size_t n = 0;
      uint32_t v = 0;
      while (n < digits.size() && HexDigitValue(digits[n]) >= 0) {
        if (n == 8) return Fail(Err("dword data has more than 8 hex digits"));
        v = (v << 4) | static_cast<uint32_t>(HexDigitValue(digits[n]));
        ++n;
      }
      if (n == 0) return Fail(Err("dword: needs 1 to 8 hex digits"));
      if (!OnlyCommentLeft(digits.substr(n)))
        return Fail(Err("unexpected text after the dword data"));
      e.value = RegValue::Dword(v);
      return {};
    }
    if (StartsWithFolded(rest, "hex")) {
      std::string_view t = rest.substr(3);
      uint32_t type = kRegBinary;
      if (!t.empty() && t[0] == '(') {
        size_t close = t.find(')');
        if (close == std::string_view::npos || close == 1 || close > 9) {
          return Fail(Err("hex(N): needs a type number of 1 to 8 hex digits"));
        }
        type = 0;
        for (size_t i = 1; i < close; ++i) {
          int d = HexDigitValue(t[i]);
          if (d < 0) return Fail(Err("hex(N): the type number is not hex"));
          type = (type << 4) | static_cast<uint32_t>(d);
        }
        t = t.substr(close + 1);
      }
      if (t.empty() || t[0] != ':') return Fail(Err("expected ':' after hex"));
      e.value.type = type;
      SECPROTO_TRY(ParseHexBytes(t.substr(1), e));
      if (format_ == RegFormat::kRegedit4 && (type == kRegExpandSz || type == kRegMultiSz)) {
        // REGEDIT4 stores these strings as ANSI bytes; regedit widens them.
        e.value.data = AnsiToUtf16Le(e.value.data);
      }
      return {};
    }
    return Fail(Err("unknown value data; expected \"string\", dword:, hex:, hex(N): or -"));
  }

  // Parses "aa,bb,\" lists, pulling continuation lines from the reader.
  Status ParseHexBytes(std::string_view s, RegEntry& e) {
    std::vector<uint8_t>& out = e.value.data;
    bool expect_byte = true;  // after ':' or ','
    size_t logical = s.size();
    while (true) {
      s = TrimLeft(s);
      if (s.empty() || s[0] == ';') {
        if (expect_byte && !out.empty()) return Fail(Err("hex data ends with ','"));
        return {};
      }
      if (s[0] == '\\' && TrimLeft(s.substr(1)).empty()) {
        if (!expect_byte) return Fail(Err("expected ',' before the continuation '\\'"));
        if (reader_.AtEnd()) return Fail(Err("the file ends inside a value continued with '\\'"));
        std::string_view content, raw;
        reader_.Next(&content, &raw);
        SECPROTO_TRY(CheckLength(content.size()));
        logical += content.size();
        SECPROTO_TRY(CheckLength(logical));
        if (mode_.keep_text) e.text.append(raw);
        s = TrimLeft(content);
        if (s.empty()) return Fail(Err("blank line where the continued hex data should go on"));
        continue;
      }
      if (expect_byte) {
        int hi = HexDigitValue(s[0]);
        if (hi < 0) return Fail(Err("bad hex byte in the data"));
        int v = hi;
        size_t n = 1;
        if (s.size() > 1 && HexDigitValue(s[1]) >= 0) {
          v = v * 16 + HexDigitValue(s[1]);
          n = 2;
        }
        if (s.size() > n && HexDigitValue(s[n]) >= 0)
          return Fail(Err("hex byte with more than 2 digits"));
        out.push_back(static_cast<uint8_t>(v));
        s.remove_prefix(n);
        expect_byte = false;
      } else {
        if (s[0] != ',') return Fail(Err("expected ',' between hex bytes"));
        s.remove_prefix(1);
        expect_byte = true;
      }
    }
  }

  std::string_view source_;
  RegFormat format_;
  ParseMode mode_;
  LineReader reader_;
  Section section_ = Section::kNone;
  std::string section_key_;
  std::string section_folded_;
};

}  // namespace

std::optional<std::string> NormalizeRegKey(std::string_view key) {
  size_t slash = key.find('\\');
  std::string_view root = key.substr(0, slash);
  for (const RootName& r : kRoots) {
    if (EqualsIgnoreCase(root, r.longname) || EqualsIgnoreCase(root, r.shortname)) {
      std::string out(r.shortname);
      if (slash != std::string_view::npos) {
        for (const std::string& part : SplitKey(key.substr(slash + 1))) {
          out += '\\';
          out += part;
        }
      }
      return out;
    }
  }
  return std::nullopt;
}

std::string LongRegKey(std::string_view key) {
  size_t slash = key.find('\\');
  std::string_view root = key.substr(0, slash);
  for (const RootName& r : kRoots) {
    if (EqualsIgnoreCase(root, r.shortname) || EqualsIgnoreCase(root, r.longname)) {
      return std::string(r.longname) +
             (slash == std::string_view::npos ? "" : std::string(key.substr(slash)));
    }
  }
  return std::string(key);
}

std::string FormatRegDeleteValueLine(std::string_view name) {
  return (name.empty() ? std::string("@") : "\"" + Escape(name) + "\"") + "=-";
}

std::string FormatRegValueLine(std::string_view name, const RegValue& value,
                               std::string_view newline) {
  std::string out = name.empty() ? std::string("@=") : "\"" + Escape(name) + "\"=";
  if (auto str = QuotableString(value)) return out + "\"" + Escape(*str) + "\"";
  if (auto d = value.AsDword()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "dword:%08x", *d);
    return out + buf;
  }
  char prefix[24];
  if (value.type == kRegBinary) {
    std::snprintf(prefix, sizeof prefix, "hex:");
  } else {
    std::snprintf(prefix, sizeof prefix, "hex(%x):", value.type);
  }
  out += prefix;
  // regedit's layout: the column counts from the start of the line; after a
  // comma that reaches column 77 the line ends with "\" and the next one is
  // indented by two spaces. No comma after the last byte.
  size_t column = Utf8Chars(out);
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < value.data.size(); ++i) {
    out.push_back(kHex[value.data[i] >> 4]);
    out.push_back(kHex[value.data[i] & 15]);
    if (i + 1 == value.data.size()) break;
    out.push_back(',');
    column += 3;
    if (column >= 77) {
      out += '\\';
      out += newline;
      out += "  ";
      column = 2;
    }
  }
  return out;
}

RegDocument::RegDocument() = default;
RegDocument::RegDocument(RegDocument&&) noexcept = default;
RegDocument& RegDocument::operator=(RegDocument&&) noexcept = default;
RegDocument::~RegDocument() = default;

RegDocument RegDocument::NewEmpty() {
  RegDocument doc;
  RegEntry header;
  header.kind = RegEntry::Kind::kHeader;
  header.line = 1;
  header.text = std::string(kHeader5) + "\r\n";
  RegEntry blank;
  blank.kind = RegEntry::Kind::kBlank;
  blank.line = 2;
  blank.text = "\r\n";
  doc.entries_.push_back(std::move(header));
  doc.entries_.push_back(std::move(blank));
  doc.format_ = RegFormat::kVersion5;
  doc.encoding_ = RegEncoding::kUtf16Le;
  return doc;
}

Expected<RegDocument> RegDocument::Parse(std::string_view bytes, std::string_view source) {
  SECPROTO_ASSIGN_OR_RETURN(decoded, Decode(bytes, source));
  RegDocument doc;
  doc.encoding_ = decoded.encoding;
  LineReader reader{decoded.text};
  std::string_view raw;
  SECPROTO_ASSIGN_OR_RETURN(format, Parser::ReadHeader(reader, source, &raw));
  doc.format_ = format;
  std::string_view content = raw.substr(0, raw.find_first_of("\r\n"));
  if (raw.size() > content.size()) doc.newline_ = std::string(raw.substr(content.size()));
  RegEntry h;
  h.kind = RegEntry::Kind::kHeader;
  h.line = 1;
  h.text.assign(raw);
  doc.entries_.push_back(std::move(h));

  Parser parser(reader, source, doc.format_, ParseMode{});
  SECPROTO_TRY(parser.Run([&](RegEntry&& e) { doc.entries_.push_back(std::move(e)); }));
  doc.original_.assign(bytes);
  return doc;
}

Status ScanRegFile(std::string_view bytes, std::string_view source, const RegScanOptions& options,
                   const std::function<void(const RegEntry&)>& visit) {
  SECPROTO_ASSIGN_OR_RETURN(decoded, Decode(bytes, source));
  LineReader reader{decoded.text};
  std::string_view raw;
  SECPROTO_ASSIGN_OR_RETURN(format, Parser::ReadHeader(reader, source, &raw));
  RegEntry h;
  h.kind = RegEntry::Kind::kHeader;
  h.line = 1;
  visit(h);
  Parser parser(reader, source, format,
                ParseMode{.keep_text = false, .concatenated = options.concatenated});
  return parser.Run([&](RegEntry&& e) { visit(e); });
}

// --- state -----------------------------------------------------------------

const RegDocument::Node* RegDocument::State() const {
  if (state_) return state_.get();
  auto root = std::make_unique<Node>();
  Node* current = nullptr;
  for (const RegEntry& e : entries_) {
    switch (e.kind) {
      case RegEntry::Kind::kKey: {
        Node* n = root.get();
        for (const std::string& part : SplitKey(e.key)) {
          auto [it, inserted] = n->subkeys.try_emplace(Lower(part));
          if (inserted) it->second.name = part;
          n = &it->second;
        }
        current = n;
        break;
      }
      case RegEntry::Kind::kDeleteKey: {
        current = nullptr;
        std::vector<std::string> parts = SplitKey(e.folded_key);
        Node* n = root.get();
        for (size_t i = 0; n && i + 1 < parts.size(); ++i) {
          auto it = n->subkeys.find(parts[i]);
          n = it == n->subkeys.end() ? nullptr : &it->second;
        }
        if (n && !parts.empty()) n->subkeys.erase(parts.back());
        break;
      }
      case RegEntry::Kind::kValue:
        if (current) current->values[Lower(e.name)] = {e.name, e.value};
        break;
      case RegEntry::Kind::kDeleteValue:
        if (current) current->values.erase(Lower(e.name));
        break;
      default:
        break;
    }
  }
  state_ = std::move(root);
  return state_.get();
}

const RegDocument::Node* RegDocument::FindNode(std::string_view key) const {
  auto norm = NormalizeRegKey(key);
  if (!norm) return nullptr;
  const Node* n = State();
  for (const std::string& part : SplitKey(Lower(*norm))) {
    auto it = n->subkeys.find(part);
    if (it == n->subkeys.end()) return nullptr;
    n = &it->second;
  }
  return n;
}

bool RegDocument::KeyExists(std::string_view key) const { return FindNode(key) != nullptr; }

std::optional<RegValue> RegDocument::GetValue(std::string_view key, std::string_view name) const {
  const Node* n = FindNode(key);
  if (!n) return std::nullopt;
  auto it = n->values.find(Lower(name));
  if (it == n->values.end()) return std::nullopt;
  return it->second.second;
}

std::vector<std::string> RegDocument::ListSubkeys(std::string_view key) const {
  std::vector<std::string> out;
  if (const Node* n = FindNode(key)) {
    for (const auto& [folded, child] : n->subkeys) out.push_back(child.name);
  }
  return out;
}

std::vector<std::string> RegDocument::ListValues(std::string_view key) const {
  std::vector<std::string> out;
  if (const Node* n = FindNode(key)) {
    for (const auto& [folded, v] : n->values) out.push_back(v.first);
  }
  return out;
}

std::string RegDocument::Dump() const {
  std::string out;
  auto walk = [&](auto& self, const Node& n, const std::string& path) -> void {
    if (!path.empty()) out += path + "\\\n";
    for (const auto& [folded, v] : n.values) {
      out += path + "\\" + v.first + "=" + RegTypeName(v.second.type) + ":" + v.second.HexData() +
             "\n";
    }
    for (const auto& [folded, child] : n.subkeys) {
      self(self, child, path.empty() ? child.name : path + "\\" + child.name);
    }
  };
  walk(walk, *State(), "");
  return out;
}

// --- edits -------------------------------------------------------------------

namespace {

bool IsSectionStart(const RegEntry& e) {
  return e.kind == RegEntry::Kind::kKey || e.kind == RegEntry::Kind::kDeleteKey;
}

bool IsValueLine(const RegEntry& e) {
  return e.kind == RegEntry::Kind::kValue || e.kind == RegEntry::Kind::kDeleteValue;
}

// Whether `key` is `ancestor` or below it (both folded).
bool IsSelfOrBelow(std::string_view key, std::string_view ancestor) {
  return key == ancestor ||
         (key.size() > ancestor.size() && key.substr(0, ancestor.size()) == ancestor &&
          key[ancestor.size()] == '\\');
}

// The sections of a key and the line that decides a value, as import sees
// them: a later deletion of the key or a parent cancels what came before.
struct KeyScan {
  std::vector<size_t> live_sections;  // indexes of the key's [KEY] lines
  std::optional<size_t> last_line;    // the value line that decides `name`
};

KeyScan Scan(const std::vector<RegEntry>& entries, std::string_view folded_key,
             const std::string* folded_name) {
  KeyScan scan;
  bool in_key = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    const RegEntry& e = entries[i];
    if (e.kind == RegEntry::Kind::kKey) {
      in_key = e.folded_key == folded_key;
      if (in_key) scan.live_sections.push_back(i);
    } else if (e.kind == RegEntry::Kind::kDeleteKey) {
      in_key = false;
      if (IsSelfOrBelow(folded_key, e.folded_key)) {
        scan.live_sections.clear();
        scan.last_line.reset();
      }
    } else if (in_key && folded_name && IsValueLine(e) && EqualsIgnoreCase(e.name, *folded_name)) {
      scan.last_line = i;
    }
  }
  return scan;
}

std::string_view Terminator(std::string_view text) {
  size_t n = text.size();
  if (n >= 2 && text.substr(n - 2) == "\r\n") return text.substr(n - 2);
  if (n >= 1 && (text[n - 1] == '\n' || text[n - 1] == '\r')) return text.substr(n - 1);
  return {};
}

}  // namespace

void RegDocument::Touch() {
  modified_ = true;
  state_.reset();
}

void RegDocument::EnsureVersion5() {
  if (format_ != RegFormat::kRegedit4) return;
  for (RegEntry& e : entries_) {
    if (e.kind == RegEntry::Kind::kHeader) {
      e.text = std::string(kHeader5) + std::string(Terminator(e.text));
    } else if (e.kind == RegEntry::Kind::kValue &&
               (e.value.type == kRegExpandSz || e.value.type == kRegMultiSz)) {
      // The data is already UTF-16; write it in the Version 5.00 form.
      std::string term(Terminator(e.text));
      e.text = FormatRegValueLine(e.name, e.value, newline_) + term;
    }
  }
  format_ = RegFormat::kVersion5;
}

void RegDocument::EnsureNewlineAt(size_t index) {
  if (index < entries_.size() && Terminator(entries_[index].text).empty()) {
    entries_[index].text += newline_;
  }
}

Status RegDocument::SetValue(std::string_view key, std::string_view name, const RegValue& value) {
  auto norm = NormalizeRegKey(key);
  if (!norm || norm->find('\\') == std::string::npos) {
    return Fail(Error::Target("cannot set a value in " + std::string(key) +
                                  " in a .reg file: not a key under a known root",
                              "no-such-root"));
  }
  // A line break or NUL cannot be written inside a .reg line.
  if (name.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos ||
      key.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return Fail(
        Error::Input("a key or value name with a line break or NUL cannot be written to "
                     "a .reg file",
                     "bad-name"));
  }
  std::string folded_key = Lower(*norm);
  std::string folded_name = Lower(name);
  KeyScan scan = Scan(entries_, folded_key, &folded_name);
  if (scan.last_line && entries_[*scan.last_line].kind == RegEntry::Kind::kValue &&
      entries_[*scan.last_line].value == value) {
    return {};
  }
  EnsureVersion5();  // rewrites lines in place: the indexes in `scan` stay valid
  if (scan.last_line) {
    RegEntry& e = entries_[*scan.last_line];
    std::string term(Terminator(e.text));
    e.kind = RegEntry::Kind::kValue;
    e.value = value;
    e.text = FormatRegValueLine(e.name, value, newline_) + term;
    Touch();
    return {};
  }
  RegEntry line;
  line.kind = RegEntry::Kind::kValue;
  line.key = *norm;
  line.folded_key = folded_key;
  line.name = std::string(name);
  line.value = value;
  line.text = FormatRegValueLine(name, value, newline_) + newline_;
  if (!scan.live_sections.empty()) {
    size_t header = scan.live_sections.back();
    size_t at = header;
    for (size_t j = header + 1; j < entries_.size() && !IsSectionStart(entries_[j]); ++j) {
      if (IsValueLine(entries_[j])) at = j;
    }
    EnsureNewlineAt(at);
    line.key = entries_[header].key;
    entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(at + 1), std::move(line));
    Touch();
    return {};
  }
  // A new section at the end, laid out as regedit exports: a blank line
  // before (unless there is one) and after.
  EnsureNewlineAt(entries_.size() - 1);
  if (entries_.back().kind != RegEntry::Kind::kBlank) {
    RegEntry blank;
    blank.text = newline_;
    entries_.push_back(std::move(blank));
  }
  RegEntry header;
  header.kind = RegEntry::Kind::kKey;
  header.key = *norm;
  header.folded_key = folded_key;
  header.text = "[" + LongRegKey(*norm) + "]" + newline_;
  entries_.push_back(std::move(header));
  entries_.push_back(std::move(line));
  RegEntry blank;
  blank.text = newline_;
  entries_.push_back(std::move(blank));
  Touch();
  return {};
}

bool RegDocument::DeleteValue(std::string_view key, std::string_view name) {
  auto norm = NormalizeRegKey(key);
  if (!norm) return false;
  std::string folded_name = Lower(name);
  KeyScan scan = Scan(entries_, Lower(*norm), &folded_name);
  if (!scan.last_line || entries_[*scan.last_line].kind != RegEntry::Kind::kValue) return false;
  EnsureVersion5();
  RegEntry& e = entries_[*scan.last_line];
  std::string term(Terminator(e.text));
  e.kind = RegEntry::Kind::kDeleteValue;
  e.value = RegValue{};
  e.text = FormatRegDeleteValueLine(e.name) + term;
  Touch();
  return true;
}

bool RegDocument::RemoveKeyIfEmpty(std::string_view key) {
  auto norm = NormalizeRegKey(key);
  if (!norm || norm->find('\\') == std::string::npos) return false;
  const Node* n = FindNode(*norm);
  if (!n || !n->values.empty() || !n->subkeys.empty()) return false;
  KeyScan scan = Scan(entries_, Lower(*norm), nullptr);
  if (scan.live_sections.empty()) return false;
  // Each section: its [KEY] line, its value lines, and the blank lines after
  // the last of them. Comments after the last value line stay.
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t header : scan.live_sections) {
    size_t end = header + 1;
    for (size_t j = header + 1; j < entries_.size() && !IsSectionStart(entries_[j]); ++j) {
      if (entries_[j].kind == RegEntry::Kind::kValue) return false;
      if (entries_[j].kind == RegEntry::Kind::kDeleteValue) end = j + 1;
    }
    for (size_t j = header + 1; j < end; ++j) {
      if (entries_[j].kind == RegEntry::Kind::kComment) return false;
    }
    while (end < entries_.size() && entries_[end].kind == RegEntry::Kind::kBlank) ++end;
    spans.emplace_back(header, end);
  }
  EnsureVersion5();
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->first),
                   entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
  }
  // A file whose last line had no terminator may now end in a line that had one.
  Touch();
  return true;
}

std::string RegDocument::Serialize() const {
  if (!modified_) return original_;
  std::string text;
  for (const RegEntry& e : entries_) text += e.text;
  std::vector<uint8_t> utf16 = Utf8ToUtf16Le(text);
  std::string out = "\xFF\xFE";
  out.append(reinterpret_cast<const char*>(utf16.data()), utf16.size());
  return out;
}

void RegDocument::MarkSaved(std::string bytes) {
  original_ = std::move(bytes);
  encoding_ = RegEncoding::kUtf16Le;
  modified_ = false;
}

}  // namespace secproto
