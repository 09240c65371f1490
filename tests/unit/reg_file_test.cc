// The .reg document (src/registry/reg_file.h) and the reg: target.
#include "registry/reg_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/strings.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"
#include "secproto/setting.h"
#include "secproto/testing.h"
#include "unit/reg_file_test_util.h"

namespace secproto {
namespace {

using namespace regtest;  // NOLINT: test helpers

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
  RegValue multi =
      Wide(std::string("first") + '\0' + "second" + '\0' + "third line \xC3\xB6" + '\0');
  multi.type = kRegMultiSz;
  EXPECT_EQ(doc.GetValue(ex, "Multi"), multi);
  EXPECT_EQ(doc.GetValue(ex, "Big"), (RegValue{kRegQword, {0, 0x28, 0, 0, 0, 0, 0, 0}}));
  EXPECT_EQ(doc.GetValue(ex, "None"), (RegValue{kRegNone, {}}));
  EXPECT_EQ(doc.GetValue(ex, "Odd"), (RegValue{0x100, {0xde, 0xad}}));
  EXPECT_EQ(doc.GetValue(ex, "Unicode"), Wide("Gr\xC3\xBC\xC3\x9F"
                                              "e \xE2\x9C\x93"));
  EXPECT_FALSE(doc.GetValue(ex, "Missing").has_value());
  EXPECT_FALSE(doc.modified());
}

TEST(RegFileRead, Regedit4AnsiIsWindows1252) {
  RegDocument doc = MustParse(Fixture("regedit4.reg"));
  EXPECT_EQ(doc.format(), RegFormat::kRegedit4);
  EXPECT_EQ(doc.encoding(), RegEncoding::kAnsi);
  EXPECT_EQ(doc.GetValue(kWinHttp, "DefaultSecureProtocols"), RegValue::Dword(0xA00));
  EXPECT_EQ(doc.GetValue(kWinHttp, "Owner"), Wide("Caf\xC3\xA9 \xE2\x82\xAC"
                                                  "5"));
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
  EXPECT_EQ(doc.GetValue("HKEY_CURRENT_USER\\Software\\Test", "Name"), Wide("\xC3\xBCn\xC3\xAF"
                                                                            "code"));
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
  RegDocument doc =
      MustParse(Utf16File("Windows Registry Editor Version 5.00\n\n"
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
  EXPECT_EQ(ParseError(good + "x"), "bad.reg: broken UTF-16LE: odd number of bytes (" +
                                        std::to_string(good.size() - 1) +
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
    for (const char* key :
         {"HKLM\\SOFTWARE\\T", "HKLM\\SYSTEM\\CurrentControlSet\\T", "HKCU\\T\\U"}) {
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
  EXPECT_NE(text.find("\"Owner\"=\"Caf\xC3\xA9 \xE2\x82\xAC"
                      "5\"\r\n"),
            std::string::npos);
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

TEST(RegFileWrite, RefusesNamesThatCannotBeWritten) {
  RegDocument doc = RegDocument::NewEmpty();
  auto a = doc.SetValue("HKCU\\A", "two\nlines", RegValue::Dword(1));
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, "bad-name");
  EXPECT_FALSE(doc.SetValue("HKCU\\A", std::string("nul\0", 4), RegValue::Dword(1)).has_value());
  auto root = doc.SetValue("HKCU", "x", RegValue::Dword(1));
  ASSERT_FALSE(root.has_value());
  EXPECT_EQ(root.error().code, "no-such-root");
  EXPECT_FALSE(doc.SetValue("HKEY_NOWHERE\\A", "x", RegValue::Dword(1)).has_value());
  EXPECT_FALSE(doc.modified());
}

TEST(RegFileWrite, UnchangedSetKeepsARegedit4FileAsItIs) {
  std::string bytes = Fixture("regedit4.reg");
  RegDocument doc = MustParse(bytes);
  ASSERT_TRUE(doc.SetValue(kWinHttp, "DefaultSecureProtocols", RegValue::Dword(0xA00)));
  EXPECT_FALSE(doc.modified());
  EXPECT_EQ(doc.format(), RegFormat::kRegedit4);
  EXPECT_EQ(doc.Serialize(), bytes);
}

// Bug found while writing the tests: the UTF-16 decoder counted a CRLF line
// break as no line at all, so errors named line 1.
TEST(RegFileRegression, Utf16CrLfCountsAsOneLine) {
  std::string file =
      Utf16File("Windows Registry Editor Version 5.00\n\n[HKCU\\A]\n") + std::string("\x00\xDC", 2);
  EXPECT_EQ(ParseError(file), "bad.reg:4: broken UTF-16LE: unpaired low surrogate");
  std::string lone_cr = std::string("\xFF\xFE") + std::string(
                                                      "R\0E\0G\0E\0D\0I\0T\0"
                                                      "4\0\r\0\r\0\n\0\0\xDC",
                                                      24);
  EXPECT_EQ(ParseError(lone_cr), "bad.reg:3: broken UTF-16LE: unpaired low surrogate");
}

}  // namespace
}  // namespace secproto
