// One .reg grammar (issue 11): the .reg target (RegDocument::Parse) and the
// fleet audit's reader (ReadRegSnapshot, ScanRegFile underneath) must give the
// same answer for every input: both reject it with the same message, or both
// accept it and agree on the WinHttp keys' state and the architecture.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "reg_file_test_util.h"
#include "registry/reg_file.h"
#include "secproto/audit.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

using regtest::kWinHttp;
using regtest::kWinHttp32;
using regtest::ReadAll;
using regtest::Utf16File;

constexpr const char* kForce = "ForceDefaultSecureProtocols";

// What the document model says the audit should see.
struct Expectation {
  bool key_exists[2] = {false, false};
  std::optional<RegValue> value[2];
  std::optional<RegValue> force;
  Architecture arch = Architecture::kUnknown;
};

Expectation FromDocument(const RegDocument& doc) {
  Expectation x;
  const char* keys[2] = {kWinHttp, kWinHttp32};
  for (int i = 0; i < 2; ++i) {
    x.key_exists[i] = doc.KeyExists(keys[i]);
    x.value[i] = doc.GetValue(keys[i], kValueName);
  }
  x.force = doc.GetValue(kWinHttp, kForce);
  x.arch = doc.KeyExists("HKLM\\SOFTWARE\\WOW6432Node") ? Architecture::k64Bit
           : doc.KeyExists("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
               ? Architecture::k32Bit
               : Architecture::kUnknown;
  return x;
}

Expectation FromSnapshot(RegistryBackend& b) {
  Expectation x;
  View views[2] = {View::k64, View::k32};
  for (int i = 0; i < 2; ++i) {
    x.key_exists[i] = b.KeyExists(views[i], kWinHttpKey).value();
    x.value[i] = b.GetValue(views[i], kWinHttpKey, kValueName).value();
  }
  x.force = b.GetValue(View::k64, kWinHttpKey, kForce).value();
  x.arch = b.DetectArchitecture().value();
  return x;
}

// Feeds `bytes` through both entry points; returns whether they accepted it.
bool ExpectSameAnswer(const std::string& bytes, const std::string& what) {
  SCOPED_TRACE(what);
  auto doc = RegDocument::Parse(bytes, "");
  auto snap = ReadRegSnapshot(bytes, "t", RegSnapshotOptions{.concatenated = false});
  EXPECT_EQ(doc.has_value(), snap.has_value())
      << (doc ? "" : doc.error().message) << (snap ? "" : snap.error().message);
  if (!doc || !snap) {
    if (!doc && !snap) {
      EXPECT_EQ(doc.error().message, snap.error().message);
      EXPECT_EQ(doc.error().code, snap.error().code);
      EXPECT_EQ(doc.error().kind, snap.error().kind);
    }
    return false;
  }
  Expectation want = FromDocument(*doc);
  Expectation got = FromSnapshot(**snap);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(got.key_exists[i], want.key_exists[i]) << "view " << i;
    EXPECT_EQ(got.value[i], want.value[i]) << "view " << i;
  }
  EXPECT_EQ(got.force, want.force);
  EXPECT_EQ(got.arch, want.arch);
  return true;
}

TEST(RegGrammar, FuzzCorpusAndFixturesGiveTheSameAnswerThroughBothEntryPoints) {
  size_t files = 0;
  for (const char* dir : {"/fuzz/corpus/regfile", "/tests/data/regfile"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(SECPROTO_SOURCE_DIR) + dir)) {
      if (!entry.is_regular_file()) continue;
      ExpectSameAnswer(ReadAll(entry.path().string()), entry.path().string());
      ++files;
    }
  }
  EXPECT_GE(files, 5u);
}

// Random files from fragments that exercise every rule the two readers once
// disagreed on (escapes, comments after data, deletions of a parent key,
// continuations, roots spelled short, bad lines), in UTF-16LE and UTF-8.
std::string RandomFile(std::mt19937& rng) {
  static const std::vector<std::string> kKeys = {
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]",
      "[HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]",
      "[hkey_local_machine\\software\\microsoft\\windows\\currentversion\\internet "
      "settings\\winhttp]",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp\\Sub]",
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]",
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion]",
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node]",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Other]",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432NodeX]",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]",
      "[HKEY_CURRENT_USER\\Software\\X]",
      "[HKEY_NOWHERE\\X]",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X] ; trailing",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X",
  };
  static const std::vector<std::string> kValues = {
      "\"DefaultSecureProtocols\"=dword:00002800",
      "\"defaultsecureprotocols\"=dword:00000a80",
      "\"DefaultSecureProtocols\"=dword:00002800 ; after the data",
      "\"DefaultSecureProtocols\"=dword:xyz",
      "\"DefaultSecureProtocols\"=dword:123456789",
      "\"DefaultSecureProtocols\"=\"0x2800\"",
      "\"DefaultSecureProtocols\"=\"a\\x\\\\b\\\"c\"",
      "\"DefaultSecureProtocols\"=\"open",
      "\"DefaultSecureProtocols\"=-",
      "\"DefaultSecureProtocols\"=- junk",
      "\"DefaultSecureProtocols\"=hex(4):00,28,00,00",
      "\"DefaultSecureProtocols\"=hex:00,28,\\\n  00,00",
      "\"DefaultSecureProtocols\"=hex:00,28,",
      "\"DefaultSecureProtocols\"=hex(b):00,28,00,00,00,00,00,00",
      "\"Default\\SecureProtocols\"=dword:00000800",
      "\"ForceDefaultSecureProtocols\"=dword:00000001",
      "\"ForceDefaultSecureProtocols\"=-",
      "\"Tracing\"=dword:00000000",
      "@=\"default\"",
      "\"x\" = dword:1",
      "\"x\"dword:1",
      "garbage",
      "; a comment",
      "",
      "   ",
  };
  std::string text = rng() % 10 == 0 ? "REGEDIT4\n" : "Windows Registry Editor Version 5.00\n";
  if (rng() % 20 == 0) text = "; comment first\n" + text;
  size_t lines = 1 + rng() % 12;
  for (size_t i = 0; i < lines; ++i) {
    if (rng() % 3 == 0) {
      text += kKeys[rng() % kKeys.size()] + "\n";
    } else {
      text += kValues[rng() % kValues.size()] + "\n";
    }
  }
  return rng() % 2 ? Utf16File(text) : text;
}

TEST(RegGrammar, GeneratedFilesGiveTheSameAnswerThroughBothEntryPoints) {
  std::mt19937 rng(11);
  size_t accepted = 0;
  const size_t kFiles = 3000;
  for (size_t i = 0; i < kFiles; ++i) {
    std::string bytes = RandomFile(rng);
    if (ExpectSameAnswer(bytes, "generated file " + std::to_string(i))) ++accepted;
    if (HasFailure()) break;
  }
  // Both outcomes are exercised.
  EXPECT_GT(accepted, kFiles / 20);
  EXPECT_LT(accepted, kFiles);
}

// A concatenated export (`copy /b native.reg wow.reg`) reads as the two files
// applied one after the other.
TEST(RegGrammar, ConcatenatedExportsReadAsTheirPartsInOrder) {
  std::string native = Utf16File(
      "Windows Registry Editor Version 5.00\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]\n"
      "\"DefaultSecureProtocols\"=dword:00002800\n\n");
  std::string wow = Utf16File(
      "Windows Registry Editor Version 5.00\n\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]\n"
      "\"DefaultSecureProtocols\"=dword:00000a80\n\n");
  auto joined = ReadRegSnapshot(native + wow, "t");
  ASSERT_TRUE(joined.has_value()) << joined.error().message;
  Expectation got = FromSnapshot(**joined);
  EXPECT_EQ(got.value[0], RegValue::Dword(0x2800));
  EXPECT_EQ(got.value[1], RegValue::Dword(0xA80));
  EXPECT_EQ(got.arch, Architecture::k64Bit);
  // The strict entry points reject the second header, at its line.
  auto strict = ReadRegSnapshot(native + wow, "t", RegSnapshotOptions{.concatenated = false});
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().message.rfind("line 6: ", 0), 0u) << strict.error().message;
  EXPECT_FALSE(RegDocument::Parse(native + wow, "x.reg").has_value());
}

// Regressions of the two grammars' old disagreements.

// What the audit reads from a UTF-16 export of the native WinHttp key with
// `lines` after its [KEY] line.
Expectation AuditOfWinHttpSection(const std::string& lines) {
  std::string file = Utf16File(
      "Windows Registry Editor Version 5.00\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp]\n" +
      lines);
  auto snap = ReadRegSnapshot(file, "t");
  EXPECT_TRUE(snap.has_value()) << snap.error().message;
  return snap ? FromSnapshot(**snap) : Expectation{};
}

TEST(RegGrammar, AuditKeepsAnUnknownEscapeAsRegeditDoes) {
  EXPECT_EQ(AuditOfWinHttpSection("\"DefaultSecureProtocols\"=\"a\\x\"\n").value[0],
            RegValue::String("a\\x"));
}

TEST(RegGrammar, AuditAcceptsACommentAfterTheData) {
  EXPECT_EQ(
      AuditOfWinHttpSection("\"DefaultSecureProtocols\"=dword:00002800 ; TLS 1.2 + 1.3\n").value[0],
      RegValue::Dword(0x2800));
}

TEST(RegGrammar, AuditSeesAParentKeyDeletion) {
  Expectation got = AuditOfWinHttpSection(
      "\"DefaultSecureProtocols\"=dword:00002800\n"
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion]\n");
  EXPECT_FALSE(got.key_exists[0]);
  EXPECT_FALSE(got.value[0].has_value());
}

TEST(RegGrammar, AuditErrorsAreTheRegTargetsWithTheLine) {
  std::string file =
      "Windows Registry Editor Version 5.00\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n"
      "\"v\"=dword:xyz\n";
  auto snap = ReadRegSnapshot(file, "t");
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().code, "bad-reg-file");
  EXPECT_EQ(snap.error().message, "line 3: dword: needs 1 to 8 hex digits");
}

}  // namespace
}  // namespace secproto
