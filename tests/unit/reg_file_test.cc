// The .reg document (src/registry/reg_file.h) and the reg: target.
#include "registry/reg_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/utf16.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"
#include "secproto/setting.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

constexpr const char* kWinHttp =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
constexpr const char* kWinHttp32 =
    "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

std::string Fixture(const std::string& name) {
  return ReadAll(std::string(SECPROTO_SOURCE_DIR) + "/tests/data/regfile/" + name);
}

// UTF-16LE with BOM from UTF-8 text, "\n" becoming "\r\n".
std::string Utf16File(const std::string& text) {
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::vector<uint8_t> u = Utf8ToUtf16Le(crlf);
  return "\xFF\xFE" + std::string(u.begin(), u.end());
}

// The text of a UTF-16LE (BOM) file as UTF-8.
std::string TextOf(const std::string& bytes) {
  EXPECT_EQ(bytes.substr(0, 2), "\xFF\xFE");
  auto t = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(bytes.data()) + 2, bytes.size() - 2);
  EXPECT_TRUE(t.has_value());
  return t.value_or("");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

RegValue Wide(const std::string& utf8, bool terminate = true) {
  RegValue v{kRegSz, Utf8ToUtf16Le(utf8)};
  if (terminate) v.data.insert(v.data.end(), {0, 0});
  return v;
}

RegDocument MustParse(const std::string& bytes) {
  auto doc = RegDocument::Parse(bytes, "t.reg");
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  if (!doc) return RegDocument::NewEmpty();
  return std::move(*doc);
}

std::string ParseError(const std::string& bytes) {
  auto doc = RegDocument::Parse(bytes, "bad.reg");
  EXPECT_FALSE(doc.has_value());
  if (doc) return "";
  EXPECT_EQ(doc.error().kind, ErrorKind::kTarget);
  EXPECT_EQ(doc.error().code, "bad-reg-file");
  EXPECT_EQ(doc.error().message.find('\n'), std::string::npos);
  return doc.error().message;
}

// --- reading files shaped like regedit / reg export output -------------------

TEST(RegFileRead, Version5ExportAllValueForms) {
  RegDocument doc = MustParse(Fixture("export-v5.reg"));
  EXPECT_EQ(doc.format(), RegFormat::kVersion5);
  EXPECT_EQ(doc.encoding(), RegEncoding::kUtf16Le);
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0xA80));
  EXPECT_EQ(doc.GetValue(kWinHttp, "defaultsecureprotocols"), RegValue::Dword(0xA80));
  EXPECT_EQ(doc.GetValue(kWinHttp, "Tracing"), (RegValue{kRegBinary, {1, 2, 3}}));
  EXPECT_EQ(doc.GetValue(kWinHttp, ""), Wide("default text"));
  EXPECT_TRUE(doc.KeyExists(std::string(kWinHttp) + "\\Tracing"));
  EXPECT_TRUE(doc.KeyExists("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft"));
  EXPECT_EQ(doc.ListSubkeys(kWinHttp), std::vector<std::string>{"Tracing"});

  const char* ex = "HKLM\\SOFTWARE\\Example";
  EXPECT_EQ(doc.GetValue(ex, "Path"), Wide("C:\\Program Files\\Example"));
  EXPECT_EQ(doc.GetValue(ex, "Quote"), Wide("say \"hi\""));
  RegValue expand = Wide("%SystemRoot%\\system32");
  expand.type = kRegExpandSz;
  EXPECT_EQ(doc.GetValue(ex, "Expand"), expand);
  RegValue multi = Wide(std::string("first") + '\0' + "second" + '\0' + "third line \xC3\xB6" +
                        '\0');
  multi.type = kRegMultiSz;
  EXPECT_EQ(doc.GetValue(ex, "Multi"), multi);
  EXPECT_EQ(doc.GetValue(ex, "Big"), (RegValue{kRegQword, {0, 0x28, 0, 0, 0, 0, 0, 0}}));
  EXPECT_EQ(doc.GetValue(ex, "None"), (RegValue{kRegNone, {}}));
  EXPECT_EQ(doc.GetValue(ex, "Odd"), (RegValue{0x100, {0xde, 0xad}}));
  EXPECT_EQ(doc.GetValue(ex, "Unicode"), Wide("Gr\xC3\xBC\xC3\x9F" "e \xE2\x9C\x93"));
  EXPECT_FALSE(doc.GetValue(ex, "Missing").has_value());
  EXPECT_FALSE(doc.modified());
}

TEST(RegFileRead, Regedit4AnsiIsWindows1252) {
  RegDocument doc = MustParse(Fixture("regedit4.reg"));
  EXPECT_EQ(doc.format(), RegFormat::kRegedit4);
  EXPECT_EQ(doc.encoding(), RegEncoding::kAnsi);
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0xA00));
  EXPECT_EQ(doc.GetValue(kWinHttp, "Owner"), Wide("Caf\xC3\xA9 \xE2\x82\xAC" "5"));
  // hex(2)/hex(7) data in a REGEDIT4 file are ANSI bytes, widened on import.
  RegValue expand = Wide("%SystemRoot%");
  expand.type = kRegExpandSz;
  EXPECT_EQ(doc.GetValue(kWinHttp, "Expand"), expand);
  RegValue multi = Wide(std::string("a") + '\0' + "\xC3\xA9" + '\0', false);
  multi.data.insert(multi.data.end(), {0, 0});
  multi.type = kRegMultiSz;
  EXPECT_EQ(doc.GetValue(kWinHttp, "Multi"), multi);
  EXPECT_FALSE(doc.KeyExists("HKLM\\SOFTWARE\\Old"));
}

TEST(RegFileRead, Utf8WithoutBomShortRootsAndLf) {
  RegDocument doc = MustParse(Fixture("utf8-nobom.reg"));
  EXPECT_EQ(doc.encoding(), RegEncoding::kUtf8);
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0x2800));
  EXPECT_EQ(doc.GetValue("HKEY_CURRENT_USER\\Software\\Test", "Name"),
            Wide("\xC3\xBCn\xC3\xAF" "code"));
}

TEST(RegFileRead, Utf8WithBomAndUtf16WithoutBom) {
  std::string text = "Windows Registry Editor Version 5.00\r\n\r\n[HKCU\\A]\r\n\"x\"=dword:1\r\n";
  RegDocument a = MustParse("\xEF\xBB\xBF" + text);
  EXPECT_EQ(a.encoding(), RegEncoding::kUtf8);
  EXPECT_EQ(a.GetValue("HKCU\\A", "x"), RegValue::Dword(1));
  std::vector<uint8_t> u = Utf8ToUtf16Le(text);
  RegDocument b = MustParse(std::string(u.begin(), u.end()));
  EXPECT_EQ(b.encoding(), RegEncoding::kUtf16Le);
  EXPECT_EQ(b.GetValue("HKCU\\A", "x"), RegValue::Dword(1));
}

TEST(RegFileRead, ImportSemanticsDeletionsAndLaterLinesWin) {
  RegDocument doc = MustParse(Utf16File(
      "Windows Registry Editor Version 5.00\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B]\n\"v\"=dword:1\n\"w\"=dword:2\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B]\n\"v\"=dword:3\n\"w\"=-\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\C\\D]\n\"x\"=\"1\"\n\n"
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\C]\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\C]\n"
      "; comment\n"
      "\"y\" = dword:00000004 ; trailing comment\n"));
  EXPECT_EQ(doc.GetValue("HKLM\\SOFTWARE\\A\\B", "v"), RegValue::Dword(3));
  EXPECT_FALSE(doc.GetValue("HKLM\\SOFTWARE\\A\\B", "w").has_value());
  EXPECT_TRUE(doc.KeyExists("HKLM\\SOFTWARE\\A"));
  EXPECT_TRUE(doc.KeyExists("HKLM\\SOFTWARE\\C"));
  EXPECT_FALSE(doc.KeyExists("HKLM\\SOFTWARE\\C\\D"));
  EXPECT_EQ(doc.GetValue("HKLM\\SOFTWARE\\C", "y"), RegValue::Dword(4));
  EXPECT_EQ(doc.Dump(),
            "HKLM\\\nHKLM\\SOFTWARE\\\nHKLM\\SOFTWARE\\A\\\nHKLM\\SOFTWARE\\A\\B\\\n"
            "HKLM\\SOFTWARE\\A\\B\\v=REG_DWORD:03000000\n"
            "HKLM\\SOFTWARE\\C\\\nHKLM\\SOFTWARE\\C\\y=REG_DWORD:04000000\n");
}

TEST(RegFileRead, UnmodifiedDocumentSerialisesToTheSameBytes) {
  for (const char* name :
       {"export-v5.reg", "regedit4.reg", "utf8-nobom.reg", "planted-sz.reg", "wow64.reg"}) {
    std::string bytes = Fixture(name);
    RegDocument doc = MustParse(bytes);
    EXPECT_EQ(doc.Serialize(), bytes) << name;
  }
}

// --- bad input: one line with the file name and line number ------------------

TEST(RegFileBadInput, EmptyFile) {
  EXPECT_EQ(ParseError(""),
            "bad.reg: empty file; a .reg file starts with \"Windows Registry Editor Version "
            "5.00\" or \"REGEDIT4\"");
}

TEST(RegFileBadInput, MissingHeader) {
  EXPECT_NE(ParseError(Utf16File("[HKEY_CURRENT_USER\\A]\n\"x\"=dword:1\n"))
                .find("bad.reg:1: missing header"),
            std::string::npos);
  EXPECT_NE(ParseError("REGEDIT\r\n").find("bad.reg:1: missing header"), std::string::npos);
}

TEST(RegFileBadInput, BadSyntaxNamesTheLine) {
  const std::string head = "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n";
  struct Case {
    std::string line;
    std::string error;
  } cases[] = {
      {"\"x\"=dword:123456789", "bad.reg:4: dword data has more than 8 hex digits"},
      {"\"x\"=dword:", "bad.reg:4: dword: needs 1 to 8 hex digits"},
      {"\"x\"=dword:12 34", "bad.reg:4: unexpected text after the dword data"},
      {"\"x\"=\"open", "bad.reg:4: string data has no closing quote"},
      {"\"x=1", "bad.reg:4: value name has no closing quote"},
      {"\"x\" 1", "bad.reg:4: expected '=' after the value name"},
      {"\"x\"=", "bad.reg:4: no data after '='"},
      {"\"x\"=hex:01,02,", "bad.reg:4: hex data ends with ','"},
      {"\"x\"=hex:01 02", "bad.reg:4: expected ',' between hex bytes"},
      {"\"x\"=hex:0g", "bad.reg:4: expected ',' between hex bytes"},
      {"\"x\"=hex:123", "bad.reg:4: hex byte with more than 2 digits"},
      {"\"x\"=hex(zz):01", "bad.reg:4: hex(N): the type number is not hex"},
      {"\"x\"=hex(2)01", "bad.reg:4: expected ':' after hex"},
      {"\"x\"=qword:1", "bad.reg:4: unknown value data"},
      {"\"x\"=-1", "bad.reg:4: unexpected text after '=-'"},
      {"[HKEY_NOWHERE\\A]", "bad.reg:4: unknown root key in [HKEY_NOWHERE\\A]"},
      {"[HKEY_CURRENT_USER\\A", "bad.reg:4: key line has no closing ']'"},
      {"[HKEY_CURRENT_USER\\A] x", "bad.reg:4: unexpected text after the key's closing ']'"},
      {"[-HKEY_CURRENT_USER]", "bad.reg:4: cannot delete a root key"},
      {"x=1", "bad.reg:4: unexpected text; expected [KEY]"},
      {"\"x\"=hex:01,\\", "bad.reg:4: the file ends inside a value continued with '\\'"},
  };
  for (const Case& c : cases) {
    std::string msg = ParseError(Utf16File(head + c.line));
    EXPECT_EQ(msg.substr(0, c.error.size()), c.error) << c.line << " gave: " << msg;
  }
  EXPECT_EQ(ParseError(Utf16File("Windows Registry Editor Version 5.00\n\"x\"=dword:1\n")),
            "bad.reg:2: value outside any [KEY] section");
  EXPECT_NE(ParseError(Utf16File(head + "[-HKEY_CURRENT_USER\\B]\n\"x\"=dword:1\n"))
                .find("bad.reg:5: value under a key deletion"),
            std::string::npos);
  EXPECT_NE(ParseError(Utf16File(head + "\"x\"=hex:01,\\\n\n")).find("bad.reg:5: blank line"),
            std::string::npos);
}

TEST(RegFileBadInput, OverlongLine) {
  std::string big(kMaxRegLineBytes + 1, 'a');
  std::string msg = ParseError("Windows Registry Editor Version 5.00\r\n\r\n; " + big + "\r\n");
  EXPECT_EQ(msg.substr(0, 33), "bad.reg:3: line longer than 10485");
  // A continued hex value counts as one line.
  std::string hex = "Windows Registry Editor Version 5.00\r\n\r\n[HKCU\\A]\r\n\"x\"=hex:";
  std::string row;
  for (int i = 0; i < 25; ++i) row += "00,";
  row += "\\\r\n  ";
  while (hex.size() < kMaxRegLineBytes + kMaxRegLineBytes / 10) hex += row;
  hex += "00\r\n";
  msg = ParseError(hex);
  EXPECT_NE(msg.find("line longer than 1048576 bytes"), std::string::npos) << msg;
}

TEST(RegFileBadInput, BrokenUtf16) {
  std::string good = Utf16File("Windows Registry Editor Version 5.00\n\n[HKCU\\A]\n");
  EXPECT_EQ(ParseError(good + "x"),
            "bad.reg: broken UTF-16LE: odd number of bytes (" + std::to_string(good.size() - 1) +
                "); the file is truncated or not UTF-16");
  EXPECT_EQ(ParseError(good + std::string("\x00\xD8\x41\x00", 4)),
            "bad.reg:4: broken UTF-16LE: unpaired high surrogate");
  EXPECT_EQ(ParseError(good + std::string("\x00\xDC", 2)),
            "bad.reg:4: broken UTF-16LE: unpaired low surrogate");
  EXPECT_EQ(ParseError(good + std::string("\x00\x00", 2)),
            "bad.reg:4: NUL character in the text; not a .reg file");
  EXPECT_NE(ParseError("\xFE\xFF\x00W").find("big-endian"), std::string::npos);
}

TEST(RegFileBadInput, Garbage) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  garbage[0] = 'G';  // not a BOM
  std::string msg = ParseError(garbage);
  EXPECT_EQ(msg.rfind("bad.reg:", 0), 0u) << msg;
  EXPECT_NE(ParseError("\xEF\xBB\xBFWindows Registry Editor Version 5.00\r\n\xC3\x28\r\n")
                .find("bad.reg:2: invalid UTF-8"),
            std::string::npos);
}

// --- writing ---------------------------------------------------------------------

TEST(RegFileWrite, NewDocumentIsRegeditsLayout) {
  RegDocument doc = RegDocument::NewEmpty();
  EXPECT_FALSE(doc.modified());
  ASSERT_TRUE(doc.SetValue(kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x2800)));
  EXPECT_TRUE(doc.modified());
  std::string bytes = doc.Serialize();
  EXPECT_EQ(TextOf(bytes),
            "Windows Registry Editor Version 5.00\r\n\r\n"
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
            "Settings\\WinHttp]\r\n"
            "\"DefaultSecureProtocols\"=dword:00002800\r\n\r\n");
}

TEST(RegFileWrite, WriteThenReadGivesTheSameTree) {
  MemBackend mem;
  RegDocument doc = RegDocument::NewEmpty();
  std::vector<std::pair<std::string, RegValue>> values = {
      {"dword", RegValue::Dword(0xA80)},
      {"sz", Wide("text with \"quotes\" and \\backslashes\\")},
      {"sz-empty", Wide("")},
      {"sz-no-nul", Wide("abc", false)},
      {"sz-newline", Wide("two\nlines")},
      {"sz-odd", RegValue{kRegSz, {0x41}}},
      {"expand", RegValue{kRegExpandSz, Utf8ToUtf16Le(std::string("%TEMP%") + '\0')}},
      {"binary-empty", RegValue{kRegBinary, {}}},
      {"dword-short", RegValue{kRegDword, {1, 2}}},
      {"qword", RegValue{kRegQword, {1, 2, 3, 4, 5, 6, 7, 8}}},
      {"type-0x12345", RegValue{0x12345, {9}}},
      {"", RegValue::Dword(7)},
  };
  std::vector<uint8_t> big;
  for (int i = 0; i < 700; ++i) big.push_back(static_cast<uint8_t>(i * 7));
  values.push_back({"big-binary", RegValue{kRegBinary, big}});
  values.push_back({"big-multi", RegValue{kRegMultiSz, big}});
  for (const auto& [name, v] : values) {
    for (const char* key : {"HKLM\\SOFTWARE\\T", "HKLM\\SYSTEM\\CurrentControlSet\\T", "HKCU\\T\\U"}) {
      ASSERT_TRUE(doc.SetValue(key, name, v));
      ASSERT_TRUE(mem.SetValue(View::k64, key, name, v));
    }
  }
  ASSERT_TRUE(mem.Commit());
  auto back = RegDocument::Parse(doc.Serialize(), "w.reg");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->Dump(), MemBackend::Dump(mem.committed()));
  EXPECT_EQ(back->Dump(), doc.Dump());
  // Every physical line stays short, as regedit wraps hex data.
  for (const std::string& line : Lines(TextOf(doc.Serialize()))) {
    if (line.find("=hex") != std::string::npos || line.rfind("  ", 0) == 0) {
      EXPECT_LE(line.size(), 81u) << line;
    }
  }
}

TEST(RegFileWrite, HexWrapsLikeRegedit) {
  std::string text = TextOf(Fixture("export-v5.reg"));
  RegDocument doc = MustParse(Fixture("export-v5.reg"));
  for (const char* name : {"Expand", "Multi"}) {
    auto v = doc.GetValue("HKLM\\SOFTWARE\\Example", name);
    ASSERT_TRUE(v.has_value());
    std::string line = FormatRegValueLine(name, *v) + "\r\n";
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
}

TEST(RegFileWrite, EditChangesOnlyTheValueLine) {
  std::string bytes = Fixture("planted-sz.reg");
  RegDocument doc = MustParse(bytes);
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), Wide("0xA80"));
  ASSERT_TRUE(doc.SetValue(kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x2800)));
  std::string before = TextOf(bytes);
  std::string after = TextOf(doc.Serialize());
  std::string old_line = "\"DefaultSecureProtocols\"=\"0xA80\"";
  std::string new_line = "\"DefaultSecureProtocols\"=dword:00002800";
  size_t at = before.find(old_line);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(after, before.substr(0, at) + new_line + before.substr(at + old_line.size()));
  // And back: the original bytes.
  ASSERT_TRUE(doc.SetValue(kWinHttp, "DefaultSecureProtocols", Wide("0xA80")));
  EXPECT_EQ(doc.Serialize(), bytes);
}

TEST(RegFileWrite, AddsToTheKeysLastSectionOrAppendsOne) {
  std::string bytes = Utf16File(
      "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"x\"=dword:1\n\n"
      "; about B\n[HKEY_CURRENT_USER\\B]\n\"y\"=dword:2");
  RegDocument doc = MustParse(bytes);
  ASSERT_TRUE(doc.SetValue("HKCU\\A", "z", RegValue::Dword(3)));
  ASSERT_TRUE(doc.SetValue("HKCU\\B", "w", RegValue::Dword(4)));
  ASSERT_TRUE(doc.SetValue("HKCU\\C", "v", RegValue::Dword(5)));
  EXPECT_EQ(TextOf(doc.Serialize()),
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n"
            "\"x\"=dword:1\r\n\"z\"=dword:00000003\r\n\r\n"
            "; about B\r\n[HKEY_CURRENT_USER\\B]\r\n\"y\"=dword:2\r\n\"w\"=dword:00000004\r\n"
            "\r\n[HKEY_CURRENT_USER\\C]\r\n\"v\"=dword:00000005\r\n\r\n");
}

TEST(RegFileWrite, DeleteValueWritesADeletionAndRemoveKeyDropsTheSection) {
  std::string original = Utf16File(
      "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Keep]\n\"k\"=dword:1\n\n");
  RegDocument doc = MustParse(original);
  EXPECT_FALSE(doc.DeleteValue("HKCU\\Keep", "absent"));
  EXPECT_FALSE(doc.modified());
  ASSERT_TRUE(doc.SetValue("HKCU\\New\\Key", "v", RegValue::Dword(9)));
  EXPECT_TRUE(doc.DeleteValue("HKCU\\New\\Key", "v"));
  EXPECT_FALSE(doc.GetValue("HKCU\\New\\Key", "v").has_value());
  EXPECT_NE(TextOf(doc.Serialize()).find("[HKEY_CURRENT_USER\\New\\Key]\r\n\"v\"=-\r\n"),
            std::string::npos);
  EXPECT_FALSE(doc.RemoveKeyIfEmpty("HKCU\\New"));  // has a subkey
  EXPECT_TRUE(doc.RemoveKeyIfEmpty("HKCU\\New\\Key"));
  EXPECT_FALSE(doc.KeyExists("HKCU\\New"));
  EXPECT_EQ(doc.Serialize(), original);
  // A key with a value is not empty.
  EXPECT_FALSE(doc.RemoveKeyIfEmpty("HKCU\\Keep"));
  // A section with a comment stays.
  RegDocument commented = MustParse(Utf16File(
      "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\E]\n; note\n\"v\"=-\n"));
  EXPECT_TRUE(commented.KeyExists("HKCU\\E"));
  EXPECT_FALSE(commented.RemoveKeyIfEmpty("HKCU\\E"));
}

TEST(RegFileWrite, SetAfterAKeyDeletionRecreatesTheKey) {
  RegDocument doc = MustParse(Utf16File(
      "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A\\B]\n\"v\"=dword:1\n\n"
      "[-HKEY_CURRENT_USER\\A]\n\n"));
  EXPECT_FALSE(doc.KeyExists("HKCU\\A\\B"));
  ASSERT_TRUE(doc.SetValue("HKCU\\A\\B", "v", RegValue::Dword(2)));
  EXPECT_EQ(doc.GetValue("HKCU\\A\\B", "v"), RegValue::Dword(2));
  std::string text = TextOf(doc.Serialize());
  EXPECT_NE(text.find("\"v\"=dword:1\r\n"), std::string::npos);  // the dead line stays
  auto back = RegDocument::Parse(doc.Serialize(), "w.reg");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->Dump(), doc.Dump());
}

TEST(RegFileWrite, Regedit4IsConvertedToVersion5OnWrite) {
  RegDocument doc = MustParse(Fixture("regedit4.reg"));
  std::string before = doc.Dump();
  ASSERT_TRUE(doc.SetValue(kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x2800)));
  std::string bytes = doc.Serialize();
  std::string text = TextOf(bytes);
  EXPECT_EQ(text.rfind("Windows Registry Editor Version 5.00\r\n", 0), 0u);
  EXPECT_NE(text.find("; exported by an old tool\r\n"), std::string::npos);
  EXPECT_NE(text.find("\"Owner\"=\"Caf\xC3\xA9 \xE2\x82\xAC" "5\"\r\n"), std::string::npos);
  RegDocument back = MustParse(bytes);
  EXPECT_EQ(back.format(), RegFormat::kVersion5);
  EXPECT_EQ(back.GetValue(kWinHttp, "Expand"), doc.GetValue(kWinHttp, "Expand"));
  EXPECT_EQ(back.GetValue(kWinHttp, "Multi"), doc.GetValue(kWinHttp, "Multi"));
  EXPECT_EQ(back.Dump(), doc.Dump());
  EXPECT_NE(before, back.Dump());
}

TEST(RegFileWrite, LastLineWithoutTerminatorGetsOne) {
  RegDocument doc =
      MustParse("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"x\"=dword:1");
  ASSERT_TRUE(doc.SetValue("HKCU\\A", "y", RegValue::Dword(2)));
  EXPECT_EQ(TextOf(doc.Serialize()),
            "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"x\"=dword:1\n"
            "\"y\"=dword:00000002\n");
}

// --- the reg: target ------------------------------------------------------------

class RegTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/secproto-regfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

TEST_F(RegTargetTest, MissingFileIsNewForWritingAndAnErrorReadOnly) {
  TargetOptions ro;
  ro.read_only = true;
  auto missing = OpenTarget("reg:" + Path("none.reg"), ro);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kTarget);

  auto target = OpenTarget("reg:" + Path("new.reg"));
  ASSERT_TRUE(target.has_value()) << target.error().message;
  RegistryBackend& b = **target;
  EXPECT_EQ(b.Describe(), "reg:" + Path("new.reg"));
  EXPECT_TRUE(b.IsTransactional());
  EXPECT_TRUE(b.HasRoot("HKLM\\SOFTWARE") && b.HasRoot("hklm\\system") && b.HasRoot("HKCU"));
  EXPECT_EQ(*b.DetectArchitecture(), Architecture::kUnknown);
  EXPECT_TRUE(*b.KeyExists(View::k64, "HKLM\\SOFTWARE"));
  ASSERT_TRUE(b.Commit());
  EXPECT_FALSE(std::ifstream(Path("new.reg")).good());  // nothing changed: nothing written
  ASSERT_TRUE(b.SetValue(View::k32, kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0x800)));
  ASSERT_TRUE(b.Commit());
  RegDocument doc = MustParse(ReadAll(Path("new.reg")));
  EXPECT_EQ(doc.GetValue(kWinHttp32, "DefaultSecureProtocols"), RegValue::Dword(0x800));
  EXPECT_FALSE(doc.KeyExists(kWinHttp));
  EXPECT_FALSE(b.GetValue(View::k64, "HKLM\\HARDWARE\\X", "y").has_value());
}

TEST_F(RegTargetTest, ArchitectureFollowsTheHiveRule) {
  WriteAll(Path("64.reg"), Fixture("wow64.reg"));
  WriteAll(Path("32.reg"), Utf16File("Windows Registry Editor Version 5.00\n\n"
                                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows "
                                     "NT\\CurrentVersion]\n\n"));
  TargetOptions ro;
  ro.read_only = true;
  auto a = OpenTarget("reg:" + Path("64.reg"), ro);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*(*a)->DetectArchitecture(), Architecture::k64Bit);
  EXPECT_EQ(*(*a)->GetValue(View::k32, kWinHttp, "DefaultSecureProtocols"),
            RegValue::Dword(0xA00));
  EXPECT_FALSE((*a)->GetValue(View::k64, kWinHttp, "DefaultSecureProtocols")->has_value());
  EXPECT_FALSE((*a)->SetValue(View::k64, kWinHttp, "x", RegValue::Dword(1)).has_value());
  auto b = OpenTarget("reg:" + Path("32.reg"), ro);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*(*b)->DetectArchitecture(), Architecture::k32Bit);
}

TEST_F(RegTargetTest, ParseErrorsAndDirectoriesAreTargetErrors) {
  WriteAll(Path("bad.reg"), "not a reg file\r\n");
  auto bad = OpenTarget("reg:" + Path("bad.reg"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(ExitCodeFor(bad.error().kind), 3);
  EXPECT_EQ(bad.error().message, Path("bad.reg") + ":1: missing header: the first line must be "
                                                    "\"Windows Registry Editor Version 5.00\" "
                                                    "or \"REGEDIT4\"");
  auto dir = OpenTarget("reg:" + dir_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(ExitCodeFor(dir.error().kind), 3);
  auto empty = OpenTarget("reg:");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().kind, ErrorKind::kUsage);
}

TEST_F(RegTargetTest, SettingOperationsRoundTrip) {
  std::string path = Path("planted.reg");
  std::string original = Fixture("planted-sz.reg");
  WriteAll(path, original);
  auto opened = OpenTarget("reg:" + path);
  ASSERT_TRUE(opened.has_value());
  auto ins = Inspect(**opened);
  ASSERT_TRUE(ins.has_value());
  ASSERT_FALSE(ins->findings.empty());
  EXPECT_EQ(ins->findings[0].code, "wrong-type");
  auto set = SetSetting(**opened, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->views[0].action, "replaced-type");
  EXPECT_EQ(set->views[1].action, "created");
  Backup backup = set->backup;
  opened->reset();

  auto again = OpenTarget("reg:" + path);
  ASSERT_TRUE(again.has_value());
  auto check = CheckSetting(**again, 0x2800, {View::k64, View::k32});
  ASSERT_TRUE(check.has_value());
  EXPECT_TRUE(check->compliant);
  auto restored = RestoreBackup(**again, backup);
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  EXPECT_EQ(ReadAll(path), original);  // byte for byte
}

TEST_F(RegTargetTest, FaultInjectedCommitLeavesTheFileAlone) {
  std::string path = Path("f.reg");
  std::string original = Fixture("export-v5.reg");
  WriteAll(path, original);
  auto opened = OpenTarget("reg:" + path);
  ASSERT_TRUE(opened.has_value());
  FaultPlan plan;
  plan.fail_write = 2;
  auto faulty = NewFaultInjectingBackend(std::move(*opened), plan);
  auto set = SetSetting(*faulty, 0x2800, {View::k64, View::k32});
  EXPECT_FALSE(set.has_value());
  EXPECT_EQ(ReadAll(path), original);
}

// --- the CLI ----------------------------------------------------------------------

struct RunResult {
  int code = -1;
  std::string out;
};

RunResult RunCli(const std::string& args) {
  RunResult r;
  std::string cmd = std::string(SECPROTO_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_F(RegTargetTest, CliSetShowCheckUnsetRollback) {
  std::string t = "--target reg:" + Path("cli.reg");
  RunResult set = RunCli("set tls1.2,tls1.3 " + t + " --backup " + Path("b1.json"));
  ASSERT_EQ(set.code, 0) << set.out;
  RegDocument doc = MustParse(ReadAll(Path("cli.reg")));
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0x2800));
  EXPECT_EQ(doc.GetValue(kWinHttp32, "DefaultSecureProtocols"), RegValue::Dword(0x2800));
  std::string after_set = ReadAll(Path("cli.reg"));

  RunResult same = RunCli("set tls1.2,tls1.3 " + t);
  EXPECT_EQ(same.code, 0);
  EXPECT_NE(same.out.find("unchanged"), std::string::npos) << same.out;
  EXPECT_EQ(ReadAll(Path("cli.reg")), after_set);

  RunResult show = RunCli("show " + t + " --json");
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("\"hex\": \"0x00002800\""), std::string::npos) << show.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 0);
  EXPECT_EQ(RunCli("check tls1.2 " + t).code, 1);

  RunResult unset = RunCli("unset " + t + " --backup " + Path("b2.json"));
  ASSERT_EQ(unset.code, 0) << unset.out;
  std::string text = TextOf(ReadAll(Path("cli.reg")));
  EXPECT_NE(text.find("\"DefaultSecureProtocols\"=-\r\n"), std::string::npos) << text;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 1);

  ASSERT_EQ(RunCli("rollback " + Path("b2.json") + " " + t).code, 0);
  EXPECT_EQ(ReadAll(Path("cli.reg")), after_set);
  ASSERT_EQ(RunCli("rollback " + Path("b1.json") + " " + t).code, 0);
  RegDocument empty = MustParse(ReadAll(Path("cli.reg")));
  EXPECT_EQ(empty.Dump(), "");
}

TEST_F(RegTargetTest, CliReplacesAPlantedStringAndRollbackRestoresIt) {
  std::string path = Path("planted.reg");
  std::string original = Fixture("planted-sz.reg");
  WriteAll(path, original);
  std::string t = "--target reg:" + path;
  RunResult show = RunCli("show " + t + " --json");
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("wrong-type"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("REG_SZ"), std::string::npos) << show.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 1);
  RunResult set = RunCli("set tls1.2,tls1.3 " + t + " --backup " + Path("b.json") + " --json");
  ASSERT_EQ(set.code, 0) << set.out;
  EXPECT_NE(set.out.find("replaced-type"), std::string::npos) << set.out;
  EXPECT_EQ(RunCli("check tls1.2,tls1.3 " + t).code, 0);
  std::string text = TextOf(ReadAll(path));
  EXPECT_NE(text.find("; keep this comment\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Unrelated]\r\n"
                      "\"Keep\"=dword:00000001\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]"), std::string::npos);
  ASSERT_EQ(RunCli("rollback " + Path("b.json") + " " + t).code, 0);
  EXPECT_EQ(ReadAll(path), original);
}

TEST_F(RegTargetTest, CliBadInputLeavesTheFileAndExits3) {
  std::string overlong = "Windows Registry Editor Version 5.00\r\n;" +
                         std::string(kMaxRegLineBytes + 10, 'x') + "\r\n";
  struct Case {
    const char* name;
    std::string bytes;
    const char* error;
  } cases[] = {
      {"syntax.reg", Utf16File("Windows Registry Editor Version 5.00\n\n[HKCU\\A]\n\"x\"=dword:zz\n"),
       ":4: dword: needs 1 to 8 hex digits"},
      {"overlong.reg", overlong, ":2: line longer than 1048576 bytes"},
      {"odd.reg", Utf16File("Windows Registry Editor Version 5.00\n") + "x",
       ": broken UTF-16LE: odd number of bytes"},
      {"surrogate.reg", Utf16File("Windows Registry Editor Version 5.00\n") + std::string("\x00\xD8", 2),
       ":2: broken UTF-16LE: unpaired high surrogate"},
      {"garbage.reg", "\x01\x02\x03\x04garbage\xff\r\n", ":1: missing header"},
      {"empty.reg", "", ": empty file"},
      {"noheader.reg", Utf16File("[HKEY_CURRENT_USER\\A]\n"), ":1: missing header"},
  };
  for (const Case& c : cases) {
    std::string path = Path(c.name);
    WriteAll(path, c.bytes);
    for (const std::string& cmd :
         {"show --target reg:" + path, "set tls1.2 --target reg:" + path,
          "unset --target reg:" + path, "check tls1.2 --target reg:" + path}) {
      RunResult r = RunCli(cmd);
      EXPECT_EQ(r.code, 3) << cmd << ": " << r.out;
      EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
      EXPECT_NE(r.out.find(path + c.error), std::string::npos) << r.out;
      EXPECT_EQ(ReadAll(path), c.bytes) << c.name;
    }
  }
  RunResult dir = RunCli("set tls1.2 --target reg:" + dir_);
  EXPECT_EQ(dir.code, 3) << dir.out;
  RunResult missing = RunCli("show --target reg:" + Path("missing.reg"));
  EXPECT_EQ(missing.code, 3) << missing.out;
}

}  // namespace
}  // namespace secproto
