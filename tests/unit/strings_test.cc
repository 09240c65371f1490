#include "core/strings.h"

#include <gtest/gtest.h>

namespace secproto {
namespace {

TEST(StringsTest, LowerFoldsAsciiOnly) {
  EXPECT_EQ(Lower("HKLM\\Software\\ÄB"), "hklm\\software\\Äb");
  EXPECT_TRUE(EqualsIgnoreCase("SOFTWARE", "software"));
  EXPECT_FALSE(EqualsIgnoreCase("SOFTWARE", "softwar"));
  EXPECT_TRUE(StartsWithIgnoreCase("Package_for_KB3140245~x", "package_FOR_kb"));
  EXPECT_FALSE(StartsWithIgnoreCase("Pack", "Package"));
}

TEST(StringsTest, HexDecode) {
  EXPECT_EQ(HexDecode("00aBfF"), (std::vector<uint8_t>{0x00, 0xab, 0xff}));
  EXPECT_EQ(HexDecode(""), std::vector<uint8_t>{});
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("0g"));
  EXPECT_FALSE(HexDecode(" 1"));
  EXPECT_EQ(HexDigitValue('7'), 7);
  EXPECT_EQ(HexDigitValue('x'), -1);
}

TEST(StringsTest, RegStringsKeepNonAscii) {
  // "Windows 10 Pro für" + NUL + "junk" + NUL: Windows reads up to the first NUL.
  std::vector<uint8_t> data = Utf8ToUtf16Le("Windows 10 Pro für");
  data.insert(data.end(), {0, 0, 'j', 0, 0, 0});
  EXPECT_EQ(Utf16LeString(data), "Windows 10 Pro für");
  std::vector<uint8_t> plain = Utf8ToUtf16Le("22H2");
  plain.insert(plain.end(), {0, 0, 0});  // terminator and an odd byte
  EXPECT_EQ(Utf16LeString(plain), "22H2");
  EXPECT_FALSE(Utf16LeText(plain));  // shown whole: an odd length is not text
  plain.pop_back();
  EXPECT_EQ(Utf16LeText(plain), "22H2");
  EXPECT_FALSE(Utf16LeString(std::vector<uint8_t>{0x00, 0xD8, 0, 0}));  // lone surrogate
}

TEST(StringsTest, EditDistanceCountsSwapsOnce) {
  EXPECT_EQ(EditDistance("calc", "clac"), 1u);
  EXPECT_EQ(EditDistance("tls12", "tls13"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  // Optimal string alignment: a swapped pair is not edited again ("ca" -> "abc" is 3, not 2).
  EXPECT_EQ(EditDistance("ca", "abc"), 3u);
}

TEST(StringsTest, PastesInDoubleQuotes) {
  for (const char* ok : {"", "reg:C:\\t\\with space.reg", "cipher_suites.order=['A', 'B']",
                         "legacy.ciphers.'RC4 128/128'=false", "it's"}) {
    EXPECT_TRUE(PastesInDoubleQuotes(ok)) << ok;
  }
  for (const char* bad : {"a\"b", "%PATH%", "$HOME", "a`b", "a!b", "\\\\server\\share",
                          "C:\\dir\\", "caf\xc3\xa9", "a\tb"}) {
    EXPECT_FALSE(PastesInDoubleQuotes(bad)) << bad;
  }
}

TEST(StringsTest, SplitNonEmptyDropsEmptyPieces) {
  EXPECT_EQ(SplitNonEmpty("a,,b,", ','), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitNonEmpty(",x y,", ','), (std::vector<std::string>{"x y"}));
  EXPECT_TRUE(SplitNonEmpty("", ',').empty());
  EXPECT_TRUE(SplitNonEmpty(",,", ',').empty());
  EXPECT_EQ(SplitNonEmpty("HKLM\\SOFTWARE\\", '\\'),
            (std::vector<std::string>{"HKLM", "SOFTWARE"}));
}

TEST(StringsTest, CsvFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain text"), "plain text");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(StringsTest, EscapeMarkupHtmlKeepsQuoteAndControls) {
  EXPECT_EQ(EscapeMarkup("a<b>&\"'", Markup::kHtml), "a&lt;b&gt;&amp;&quot;'");
  EXPECT_EQ(EscapeMarkup(std::string("x\x01y", 3), Markup::kHtml), std::string("x\x01y", 3));
}

TEST(StringsTest, EscapeMarkupXmlEscapesApostropheAndReplacesControls) {
  EXPECT_EQ(EscapeMarkup("a<b>&\"'", Markup::kXml), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(EscapeMarkup(std::string("x\x01\ty", 4), Markup::kXml), "x\xEF\xBF\xBD\ty");
}

TEST(StringsTest, NonBlankLinesAreTrimmedAndNumbered) {
  std::vector<NumberedLine> lines = NonBlankLines(" a \r\n\n\t\nb\r\n  \nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].number, 4u);
  EXPECT_EQ(lines[1].text, "b");
  EXPECT_EQ(lines[2].number, 6u);
  EXPECT_EQ(lines[2].text, "c");
  EXPECT_TRUE(NonBlankLines("").empty());
  EXPECT_TRUE(NonBlankLines("\n \n\r\n").empty());
}

TEST(StringsTest, Hex16RoundTrips) {
  EXPECT_EQ(Hex16(0x002f), "0x002f");
  EXPECT_EQ(Hex16(0xC02F), "0xc02f");
  EXPECT_EQ(ParseHex16("0xc02f"), 0xc02f);
  EXPECT_EQ(ParseHex16("0xC02F"), 0xc02f);
  EXPECT_EQ(ParseHex16("0x0000"), 0);
  for (const char* bad : {"", "0x", "0x2f", "0x002f0", "c02f00", "0xg02f", "0x0x12", "0x+123"}) {
    EXPECT_FALSE(ParseHex16(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace secproto
