#include <gtest/gtest.h>

#include "secproto/protocols.h"

namespace secproto {
namespace {

uint32_t Parse(std::vector<std::string> args) {
  auto r = ParseProtocols(args);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? r->absolute : 0xFFFFFFFF;
}

struct AliasCase {
  const char* text;
  uint32_t bits;
};

void PrintTo(const AliasCase& c, std::ostream* os) { *os << c.text; }

class AliasTest : public ::testing::TestWithParam<AliasCase> {};

TEST_P(AliasTest, ParsesToBit) { EXPECT_EQ(Parse({GetParam().text}), GetParam().bits); }

INSTANTIATE_TEST_SUITE_P(
    Aliases, AliasTest,
    ::testing::Values(
        AliasCase{"ssl2", 0x8}, AliasCase{"SSL2", 0x8}, AliasCase{"ssl2.0", 0x8},
        AliasCase{"SSL 2.0", 0x8}, AliasCase{"sslv2", 0x8}, AliasCase{"ssl3", 0x20},
        AliasCase{"SSL3.0", 0x20}, AliasCase{"SSL 3.0", 0x20}, AliasCase{"sslv3", 0x20},
        AliasCase{"ssl30", 0x20}, AliasCase{"tls1", 0x80}, AliasCase{"tls10", 0x80},
        AliasCase{"tls1.0", 0x80}, AliasCase{"TLS 1.0", 0x80}, AliasCase{"TLS1.0", 0x80},
        AliasCase{"tlsv1", 0x80}, AliasCase{"tlsv1.0", 0x80}, AliasCase{"tls1_0", 0x80},
        AliasCase{"tls11", 0x200}, AliasCase{"tls1.1", 0x200}, AliasCase{"TLS 1.1", 0x200},
        AliasCase{"TLS1.1", 0x200}, AliasCase{"tls12", 0x800}, AliasCase{"tls1.2", 0x800},
        AliasCase{"TLS 1.2", 0x800}, AliasCase{"TLS1.2", 0x800}, AliasCase{"tlsv1.2", 0x800},
        AliasCase{"Tls12", 0x800}, AliasCase{"tls13", 0x2000}, AliasCase{"tls1.3", 0x2000},
        AliasCase{"TLS 1.3", 0x2000}, AliasCase{"TLS1.3", 0x2000},
        AliasCase{"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2", 0x800},
        AliasCase{"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1", 0x80},
        AliasCase{"SP_PROT_TLS1_3_CLIENT", 0x2000}, AliasCase{"0x2800", 0x2800},
        AliasCase{"0X2800", 0x2800}, AliasCase{"10240", 0x2800}, AliasCase{"0xa80", 0xA80},
        AliasCase{"modern", 0x2800}, AliasCase{"tls12", 0x800}, AliasCase{"compat", 0x2A80},
        AliasCase{"easyfix", 0xA00}, AliasCase{"Modern", 0x2800}));

TEST(ParseProtocols, SeparatorsAndMultipleArgs) {
  EXPECT_EQ(Parse({"tls1.2,tls1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"tls1.2", "tls1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"tls1.2 tls1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"TLS 1.2,TLS 1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"TLS 1.2 TLS 1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"TLS 1.0, TLS 1.1 ,TLS 1.2"}), 0xA80u);
  EXPECT_EQ(Parse({"0x800,tls1.3"}), 0x2800u);
  EXPECT_EQ(Parse({"tls1.2,tls1.2"}), 0x800u);
}

TEST(ParseProtocols, RelativeEdits) {
  auto r = ParseProtocols(std::vector<std::string>{"+tls1.3", "-tls1.0"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->relative);
  EXPECT_EQ(r->add, 0x2000u);
  EXPECT_EQ(r->remove, 0x80u);
  EXPECT_EQ(r->Apply(0xA80), 0x2A00u);
  EXPECT_EQ(r->Apply(0x2800), 0x2800u);
  auto later_wins = ParseProtocols(std::vector<std::string>{"+tls1.0 -tls1.0"});
  ASSERT_TRUE(later_wins);
  EXPECT_EQ(later_wins->Apply(0x880), 0x800u);
  auto plus_space = ParseProtocols(std::vector<std::string>{"+TLS 1.3"});
  ASSERT_TRUE(plus_space);
  EXPECT_EQ(plus_space->add, 0x2000u);
}

struct ErrorCase {
  std::vector<std::string> args;
  std::string code;
  std::string message_part;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.code; }

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, Rejects) {
  auto r = ParseProtocols(GetParam().args);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::kInput);
  EXPECT_EQ(r.error().code, GetParam().code);
  EXPECT_NE(r.error().message.find(GetParam().message_part), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseErrorTest,
    ::testing::Values(
        ErrorCase{{"tls1.4"}, "unknown-protocol", "tls1.4 is not a protocol; did you mean tls1.3?"},
        ErrorCase{{"tls1.2,tsl1.3"}, "unknown-protocol", "did you mean tls1.3?"},
        ErrorCase{{"ssl4"}, "unknown-protocol", "did you mean ssl3?"},
        ErrorCase{{"moden"}, "unknown-protocol", "did you mean modern?"},
        ErrorCase{{"banana"}, "unknown-protocol", "banana is not a protocol"},
        ErrorCase{{"all"}, "unknown-protocol", "0xA8"},
        ErrorCase{{"0x2801"}, "unknown-bits", "0x00000001"},
        ErrorCase{{"3072"}, "unknown-bits", ".NET SecurityProtocolType number for TLS 1.2"},
        ErrorCase{{"0x10000"}, "unknown-bits", "0x00010000"},
        ErrorCase{{"0x1FFFFFFFF"}, "bad-number", "does not fit"},
        ErrorCase{{"0xZZ"}, "bad-number", "not a number"},
        ErrorCase{{"tls1.2", "+tls1.3"}, "mixed-edits", "either a full list"},
        ErrorCase{{""}, "empty", "no protocols"},
        ErrorCase{{" , "}, "empty", "no protocols"},
        ErrorCase{{"+"}, "bad-input", "no protocol after the sign"}));

TEST(ProtocolSet, Formats) {
  ProtocolSet s(0x2800);
  EXPECT_EQ(s.Hex(), "0x00002800");
  EXPECT_EQ(s.Names(), (std::vector<std::string>{"TLS 1.2", "TLS 1.3"}));
  EXPECT_EQ(s.ShortNames(), (std::vector<std::string>{"tls1.2", "tls1.3"}));
  EXPECT_EQ(s.Describe(), "TLS 1.2, TLS 1.3");
  EXPECT_EQ(*s.Highest(), Protocol::kTls13);
  EXPECT_EQ(ProtocolSet(0).Describe(), "(none)");
  EXPECT_EQ(ProtocolSet(0x2AA8).Names().size(), 6u);
  EXPECT_EQ(ProtocolSet(0x801).Describe(), "TLS 1.2, unknown bits 0x00000001");
}

TEST(ProtocolSet, Validity) {
  EXPECT_TRUE(ProtocolSet(0x800).IsValid());
  EXPECT_FALSE(ProtocolSet(0).IsValid());
  EXPECT_FALSE(ProtocolSet(0x801).IsValid());
  EXPECT_FALSE(ProtocolSet(0xC00).IsValid());
  EXPECT_TRUE(WinHttpIgnoreReason(0).has_value());
  EXPECT_TRUE(WinHttpIgnoreReason(0x4000).has_value());
  EXPECT_FALSE(WinHttpIgnoreReason(0xAA0).has_value());
}

TEST(Warnings, FlagsInsecureDeprecatedAndTraps) {
  auto codes = [](uint32_t v) {
    std::vector<std::string> out;
    for (const auto& w : WarningsFor(ProtocolSet(v))) out.push_back(w.code);
    return out;
  };
  EXPECT_EQ(codes(0x2800), (std::vector<std::string>{"tls13-os"}));
  EXPECT_EQ(codes(0x800), (std::vector<std::string>{}));
  EXPECT_EQ(codes(0xA8), (std::vector<std::string>{"insecure", "insecure", "deprecated", "flag-all",
                                                   "no-tls12"}));
  EXPECT_EQ(codes(0xA00), (std::vector<std::string>{"deprecated"}));
  EXPECT_EQ(codes(0), (std::vector<std::string>{"ignored"}));
}

TEST(ProtocolTable, IsConsistent) {
  uint32_t all = 0;
  for (const auto& p : AllProtocols()) {
    EXPECT_EQ(all & p.bit, 0u);
    all |= p.bit;
    EXPECT_EQ(&Info(p.id), &p);
    auto back = ParseProtocolName(p.short_name);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, p.id);
    auto by_name = ParseProtocolName(p.name);
    ASSERT_TRUE(by_name);
    EXPECT_EQ(*by_name, p.id);
    auto by_flag = ParseProtocolName(p.flag_name);
    ASSERT_TRUE(by_flag);
    EXPECT_EQ(*by_flag, p.id);
  }
  EXPECT_EQ(all, kKnownBits);
}

}  // namespace
}  // namespace secproto
