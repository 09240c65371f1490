// Emitters: golden files for every format, and the properties every artifact
// must have (both views, explicit DWORD, header comment, determinism).
// Regenerate the golden files with SECPROTO_UPDATE_GOLDEN=1.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "core/strings.h"
#include "secproto/emit.h"

namespace secproto {
namespace {

const std::string kGoldenDir = std::string(SECPROTO_SOURCE_DIR) + "/tests/golden/export/";

std::string Utf16(std::string_view s) {
  auto v = Utf8ToUtf16Le(s);
  return std::string(v.begin(), v.end());
}

// The version would make every golden file change with each release.
std::string Normalize(std::string text) {
  for (const std::string& from : {std::string(SECPROTO_VERSION), Utf16(SECPROTO_VERSION)}) {
    std::string to = from.size() == std::string(SECPROTO_VERSION).size() ? "@VERSION@"
                                                                          : Utf16("@VERSION@");
    for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) {
      text.replace(p, from.size(), to);
    }
  }
  return text;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ExportOptions Modern() {
  ExportOptions o;
  o.value = 0x2800;
  o.policy = "modern";
  o.fixed_ids = true;
  return o;
}

ExportOptions Unset() {
  ExportOptions o;
  o.unset = true;
  o.fixed_ids = true;
  return o;
}

struct GoldenCase {
  std::string name;  // file or folder below tests/golden/export/
  ExportFormat format;
  ExportOptions options;
};

std::vector<GoldenCase> Cases() {
  ExportOptions backup = Modern();
  backup.gpo_backup = true;
  ExportOptions role = Modern();
  role.ansible_role = true;
  // Windows 7 / 2008 R2: the Easy Fix 51044 value with its SCHANNEL keys.
  ExportOptions win7 = Modern();
  win7.value = 0xA00;
  win7.policy = "tls1.1,tls1.2";
  win7.with_schannel = true;
  ExportOptions win7_role = win7;
  win7_role.ansible_role = true;
  return {
      {"reg/win7-schannel.reg", ExportFormat::kReg, win7},
      {"ps1/win7-schannel.ps1", ExportFormat::kPs1, win7},
      {"intune/win7-schannel", ExportFormat::kIntune, win7},
      {"gpp/win7-schannel.xml", ExportFormat::kGpp, win7},
      {"ansible/win7-schannel.yml", ExportFormat::kAnsible, win7},
      {"ansible/win7-schannel-role", ExportFormat::kAnsible, win7_role},
      {"dsc/win7-schannel.ps1", ExportFormat::kDsc, win7},
      {"reg/modern.reg", ExportFormat::kReg, Modern()},
      {"reg/unset.reg", ExportFormat::kReg, Unset()},
      {"ps1/modern.ps1", ExportFormat::kPs1, Modern()},
      {"ps1/unset.ps1", ExportFormat::kPs1, Unset()},
      {"intune/modern", ExportFormat::kIntune, Modern()},
      {"intune/unset", ExportFormat::kIntune, Unset()},
      {"gpp/modern.xml", ExportFormat::kGpp, Modern()},
      {"gpp/unset.xml", ExportFormat::kGpp, Unset()},
      {"gpp/backup", ExportFormat::kGpp, backup},
      {"ansible/modern.yml", ExportFormat::kAnsible, Modern()},
      {"ansible/unset.yml", ExportFormat::kAnsible, Unset()},
      {"ansible/role", ExportFormat::kAnsible, role},
      {"dsc/modern.ps1", ExportFormat::kDsc, Modern()},
      {"dsc/unset.ps1", ExportFormat::kDsc, Unset()},
  };
}

TEST(EmitGolden, EveryFormatMatchesItsGoldenFiles) {
  bool update = std::getenv("SECPROTO_UPDATE_GOLDEN") != nullptr;
  for (const GoldenCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto a = Emit(c.format, c.options);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    for (const ArtifactFile& f : a->files) {
      std::string path = kGoldenDir + c.name + (f.path.empty() ? "" : "/" + f.path);
      std::string got = Normalize(f.content);
      if (update) {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path, std::ios::binary) << got;
        continue;
      }
      ASSERT_TRUE(std::filesystem::exists(path)) << path << " (SECPROTO_UPDATE_GOLDEN=1 makes it)";
      EXPECT_EQ(ReadAll(path), got) << path;
    }
  }
}

TEST(Emit, EveryArtifactCoversBothViewsWithAnExplicitDwordAndAHeader) {
  for (const GoldenCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto a = Emit(c.format, c.options);
    ASSERT_TRUE(a.has_value());
    std::string all;
    for (const ArtifactFile& f : a->files) {
      if (c.format == ExportFormat::kReg) {
        ASSERT_GE(f.content.size(), 2u);
        auto text = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(f.content.data()) + 2,
                                  f.content.size() - 2);
        ASSERT_TRUE(text.has_value());
        all += *text;
      } else {
        all += f.content;
      }
    }
    EXPECT_NE(all.find("WOW6432Node"), std::string::npos);
    EXPECT_NE(all.find("made by secproto " SECPROTO_VERSION), std::string::npos);
    EXPECT_NE(all.find("Policy: "), std::string::npos);
    EXPECT_NE(all.find("Regenerate with: secproto export"), std::string::npos);
    if (!c.options.unset) {
      // An explicit DWORD in every format's own spelling.
      std::regex dword(
          "dword:00002800|dword:00000[aA]00|-PropertyType DWord|type=\"REG_DWORD\" "
          "value=\"00002800\"|type=\"REG_DWORD\" value=\"00000A00\"|type: dword|"
          "ValueType = 'Dword'");
      EXPECT_TRUE(std::regex_search(all, dword));
    }
  }
}

TEST(Emit, RegIsUtf16LeWithBomAndCrlfAndBothKeys) {
  auto a = Emit(ExportFormat::kReg, Modern());
  ASSERT_TRUE(a.has_value());
  const std::string& bytes = a->files[0].content;
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 2), "\xFF\xFE");
  auto text = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(bytes.data()) + 2, bytes.size() - 2);
  ASSERT_TRUE(text.has_value());
  EXPECT_TRUE(text->starts_with("Windows Registry Editor Version 5.00\r\n"));
  for (size_t i = 0; i < text->size(); ++i) {
    if ((*text)[i] == '\n') ASSERT_TRUE(i > 0 && (*text)[i - 1] == '\r') << "bare LF at " << i;
  }
  EXPECT_NE(text->find("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                       "Internet Settings\\WinHttp]\r\n\"DefaultSecureProtocols\"=dword:00002800"),
            std::string::npos);
  EXPECT_NE(text->find("[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
                       "CurrentVersion\\Internet Settings\\WinHttp]\r\n\"DefaultSecureProtocols\""
                       "=dword:00002800"),
            std::string::npos);
  auto u = Emit(ExportFormat::kReg, Unset());
  ASSERT_TRUE(u.has_value());
  auto ut = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(u->files[0].content.data()) + 2,
                          u->files[0].content.size() - 2);
  ASSERT_TRUE(ut.has_value());
  EXPECT_NE(ut->find("\"DefaultSecureProtocols\"=-\r\n"), std::string::npos);
  EXPECT_EQ(ut->find("dword:"), std::string::npos);
}

TEST(Emit, GppHasFreshUidsUnlessFixed) {
  ExportOptions o = Modern();
  o.fixed_ids = false;
  auto a = Emit(ExportFormat::kGpp, o);
  auto b = Emit(ExportFormat::kGpp, o);
  ASSERT_TRUE(a.has_value() && b.has_value());
  std::regex uid("uid=\"(\\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\\})\"");
  std::vector<std::string> uids;
  for (const std::string& doc : {a->files[0].content, b->files[0].content}) {
    for (auto it = std::sregex_iterator(doc.begin(), doc.end(), uid); it != std::sregex_iterator();
         ++it) {
      uids.push_back((*it)[1]);
    }
  }
  ASSERT_EQ(uids.size(), 4u);  // one item per view, two documents
  std::sort(uids.begin(), uids.end());
  EXPECT_EQ(std::unique(uids.begin(), uids.end()), uids.end()) << "uids repeat";
  auto f1 = Emit(ExportFormat::kGpp, Modern());
  auto f2 = Emit(ExportFormat::kGpp, Modern());
  EXPECT_EQ(f1->files[0].content, f2->files[0].content);
  EXPECT_NE(f1->files[0].content.find("action=\"U\""), std::string::npos);
  EXPECT_EQ(Emit(ExportFormat::kGpp, Unset())->files[0].content.find("action=\"U\""),
            std::string::npos);
}

TEST(Emit, GpoBackupLaysOutTheTreeAndNamesTheCsePair) {
  ExportOptions o = Modern();
  o.gpo_backup = true;
  auto a = Emit(ExportFormat::kGpp, o);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->is_directory);
  ASSERT_EQ(a->files.size(), 2u);
  EXPECT_EQ(a->files[0].path, "Machine/Preferences/Registry/Registry.xml");
  EXPECT_NE(a->files[1].content.find(
                "[{B087BE9D-ED37-454F-AF9C-04291E351182}{BEE07A6A-EC9F-4659-B8C9-0B1937907C83}]"),
            std::string::npos);
}

TEST(Emit, WithSchannelWritesTheClientKeysInEveryFormat) {
  ExportOptions o;
  o.value = 0xA00;
  o.with_schannel = true;
  o.fixed_ids = true;
  for (ExportFormat f : {ExportFormat::kReg, ExportFormat::kPs1, ExportFormat::kIntune,
                         ExportFormat::kGpp, ExportFormat::kAnsible, ExportFormat::kDsc}) {
    SCOPED_TRACE(std::string(ExportFormatName(f)));
    auto a = Emit(f, o);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    std::string all;
    for (const ArtifactFile& file : a->files) {
      if (f == ExportFormat::kReg) {
        auto text = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(file.content.data()) + 2,
                                  file.content.size() - 2);
        ASSERT_TRUE(text.has_value());
        all += *text;
      } else if (f == ExportFormat::kAnsible) {
        // Paths are YAML double-quoted scalars there: "\\" is one backslash.
        for (size_t i = 0; i < file.content.size(); ++i) {
          all += file.content[i];
          if (file.content.compare(i, 2, "\\\\") == 0) ++i;
        }
      } else {
        all += file.content;
      }
    }
    for (const char* p : {"TLS 1.1", "TLS 1.2"}) {
      EXPECT_NE(all.find(std::string("SCHANNEL\\Protocols\\") + p + "\\Client"), std::string::npos)
          << p;
    }
    EXPECT_EQ(all.find("TLS 1.0\\Client"), std::string::npos);
    EXPECT_NE(all.find("DisabledByDefault"), std::string::npos);
    EXPECT_NE(all.find("Easy Fix 51044"), std::string::npos);
  }
  // Without the flag nothing about SCHANNEL appears.
  o.with_schannel = false;
  // (UTF-16LE "SCHAN": a std::string, as a char* literal would stop at the first NUL.)
  EXPECT_EQ(Emit(ExportFormat::kReg, o)->files[0].content.find(std::string("S\0C\0H\0A\0N", 9)),
            std::string::npos);
  // Refused with --unset, and for a value without TLS 1.0-1.2.
  ExportOptions u;
  u.unset = true;
  u.with_schannel = true;
  EXPECT_EQ(Emit(ExportFormat::kReg, u).error().kind, ErrorKind::kUsage);
  ExportOptions t13;
  t13.value = 0x2000;
  t13.with_schannel = true;
  EXPECT_EQ(Emit(ExportFormat::kReg, t13).error().kind, ErrorKind::kInput);
}

TEST(Emit, RefusesValuesWinHttpIgnoresAndMisplacedOptions) {
  ExportOptions o;
  o.value = 0;
  EXPECT_EQ(Emit(ExportFormat::kReg, o).error().code, "ignored-value");
  o.value = 0x3000;  // 0x1000 is no protocol
  EXPECT_EQ(Emit(ExportFormat::kPs1, o).error().code, "ignored-value");
  o = Modern();
  o.ansible_role = true;
  EXPECT_EQ(Emit(ExportFormat::kReg, o).error().kind, ErrorKind::kUsage);
  o = Modern();
  o.gpo_backup = true;
  EXPECT_EQ(Emit(ExportFormat::kAnsible, o).error().kind, ErrorKind::kUsage);
}

TEST(Emit, ParsesFormatNamesAndListsThemOnError) {
  EXPECT_EQ(*ParseExportFormat("GPP"), ExportFormat::kGpp);
  EXPECT_EQ(*ParseExportFormat("intune"), ExportFormat::kIntune);
  auto bad = ParseExportFormat("msi");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("reg, ps1, intune, gpp, ansible, dsc"), std::string::npos);
}

TEST(Emit, XmlEscapeHandlesMarkupAndControlCharacters) {
  EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(XmlEscape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
}

TEST(Emit, Ps1IsIdempotentWhatIfAwareAndChecksBitness) {
  auto a = Emit(ExportFormat::kPs1, Modern());
  ASSERT_TRUE(a.has_value());
  const std::string& s = a->files[0].content;
  EXPECT_NE(s.find("[CmdletBinding(SupportsShouldProcess = $true)]"), std::string::npos);
  EXPECT_NE(s.find("[Environment]::Is64BitOperatingSystem"), std::string::npos);
  EXPECT_NE(s.find("$PSCmdlet.ShouldProcess("), std::string::npos);
  EXPECT_NE(s.find("unchanged:"), std::string::npos);
  EXPECT_NE(s.find("ConvertTo-Json"), std::string::npos);  // the backup
  EXPECT_NE(s.find("exit 1"), std::string::npos);
  EXPECT_NE(s.find("$Value = 10240"), std::string::npos);
}

}  // namespace
}  // namespace secproto
