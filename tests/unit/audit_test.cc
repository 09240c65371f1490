// Fleet audit: input sniffing, the fast .reg and JSON readers, the classes,
// the report formats, and agreement with the reg: backend.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "secproto/audit.h"

namespace secproto {
namespace {

constexpr uint32_t kPolicy = 0x2800;
const std::string kNative =
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp]";
const std::string kWow =
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
    "Settings\\WinHttp]";

// One `reg export` as Windows writes it: UTF-16LE, BOM, CRLF.
std::string Export(const std::string& section, const std::vector<std::string>& values) {
  std::string text = "Windows Registry Editor Version 5.00\r\n\r\n" + section + "\r\n";
  for (const std::string& v : values) text += v + "\r\n";
  text += "\r\n";
  auto u = Utf8ToUtf16Le(text);
  return "\xFF\xFE" + std::string(u.begin(), u.end());
}

std::string Dword(uint32_t v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"DefaultSecureProtocols\"=dword:%08x", v);
  return buf;
}

MachineResult Audit(const std::string& bytes) { return AuditBytes("site/host1.reg", bytes, kPolicy); }

TEST(AuditSniff, TellsKindsFromTheFirstBytes) {
  EXPECT_EQ(SniffInputKind(std::string_view("\xFF\xFEW\0", 4)), InputKind::kReg);
  EXPECT_EQ(SniffInputKind("REGEDIT4\r\n"), InputKind::kReg);
  EXPECT_EQ(SniffInputKind("\r\nWindows Registry Editor Version 5.00"), InputKind::kReg);
  EXPECT_EQ(SniffInputKind(std::string_view("W\0i\0", 4)), InputKind::kReg);
  EXPECT_EQ(SniffInputKind(std::string_view("regf\0\0\0\0", 8)), InputKind::kHive);
  EXPECT_EQ(SniffInputKind("\xEF\xBB\xBF  {\"target\":1}"), InputKind::kShowJson);
  EXPECT_EQ(SniffInputKind("ERROR: The system was unable"), InputKind::kUnknown);
  EXPECT_EQ(SniffInputKind(""), InputKind::kUnknown);
}

TEST(AuditClassify, EachClassFromRegExports) {
  struct Case {
    std::string name;
    std::string bytes;
    MachineClass want;
  };
  std::vector<Case> cases = {
      {"compliant", Export(kNative, {Dword(0x2800)}) + Export(kWow, {Dword(0x2800)}),
       MachineClass::kCompliant},
      {"drift", Export(kNative, {Dword(0xA00)}) + Export(kWow, {Dword(0x2800)}),
       MachineClass::kDrift},
      {"zero is drift", Export(kNative, {Dword(0)}) + Export(kWow, {Dword(0)}),
       MachineClass::kDrift},
      {"missing value", Export(kNative, {}) + Export(kWow, {}), MachineClass::kMissing},
      {"missing key", Export(kNative, {}), MachineClass::kMissing},
      {"wrong type",
       Export(kNative, {"\"DefaultSecureProtocols\"=\"0x2800\""}) + Export(kWow, {Dword(0x2800)}),
       MachineClass::kWrongType},
      {"qword", Export(kNative, {"\"DefaultSecureProtocols\"=hex(b):00,28,00,00,00,00,00,00"}) +
                    Export(kWow, {Dword(0x2800)}),
       MachineClass::kWrongType},
      {"only wow", Export(kNative, {}) + Export(kWow, {Dword(0x2800)}), MachineClass::kOneView},
      {"only native, unknown OS", Export(kNative, {Dword(0x2800)}), MachineClass::kOneView},
      {"truncated UTF-16", Export(kNative, {Dword(0x2800)}).substr(0, 41), MachineClass::kInvalid},
      {"not a .reg", "ERROR: The system was unable to find the key\r\n", MachineClass::kInvalid},
  };
  for (const Case& c : cases) {
    MachineResult r = Audit(c.bytes);
    EXPECT_EQ(MachineClassName(r.cls), MachineClassName(c.want)) << c.name << ": " << r.detail;
    EXPECT_EQ(r.host, "host1");
  }
}

TEST(AuditClassify, DetailsNameTheViewAndTheValues) {
  MachineResult r = Audit(Export(kNative, {Dword(0x2800)}) + Export(kWow, {Dword(0xA00)}));
  EXPECT_EQ(r.cls, MachineClass::kDrift);
  EXPECT_EQ(r.view64, "0x00002800");
  EXPECT_EQ(r.view32, "0x00000A00");
  EXPECT_NE(r.detail.find("view 32 holds 0x00000A00 (TLS 1.1, TLS 1.2)"), std::string::npos);
  EXPECT_EQ(r.architecture, Architecture::k64Bit);
}

// Issue 23: `audit --policy modern` and `policy check modern` agree. The
// profile name means, on an input that says its OS (CurrentVersion in the
// export), the value the `modern` template writes there: 0x800 on Server
// 2019, whose WinHTTP has no TLS 1.3. A number means what it says, and an
// input without CurrentVersion keeps the profile's own bits.
TEST(AuditClassify, AProfileNameMeansWhatItsTemplateWritesOnTheInputsOs) {
  const std::string cv = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]";
  const std::string os =
      Export(cv, {"\"CurrentBuild\"=\"17763\"", "\"InstallationType\"=\"Server\""});
  auto modern = ParseProtocols(std::vector<std::string>{"modern"});
  ASSERT_TRUE(modern);
  std::string tls12 = Export(kNative, {Dword(0x800)}) + Export(kWow, {Dword(0x800)});
  MachineResult r = AuditBytes("site/ws2019.reg", os + tls12, *modern);
  EXPECT_EQ(r.cls, MachineClass::kCompliant) << r.detail;
  EXPECT_EQ(AuditBytes("site/ws2019.reg", os + tls12, kPolicy).cls, MachineClass::kDrift);
  EXPECT_EQ(AuditBytes("site/noos.reg", tls12, *modern).cls, MachineClass::kDrift);
  std::string both = Export(kNative, {Dword(0x2800)}) + Export(kWow, {Dword(0x2800)});
  r = AuditBytes("site/ws2019.reg", os + both, *modern);
  EXPECT_EQ(r.cls, MachineClass::kDrift);
  EXPECT_NE(r.detail.find("policy 0x00000800"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("modern on Windows Server 2019"), std::string::npos) << r.detail;
  EXPECT_EQ(AuditBytes("site/noos.reg", both, *modern).cls, MachineClass::kCompliant);
}

TEST(AuditRegReader, ReadsRegedit4ContinuationsCommentsAndDeletions) {
  std::string text =
      "REGEDIT4\r\n\r\n; collected by a script\r\n"
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
      "\"ProductName\"=\"Windows 7 Professional\"\r\n\r\n" +
      kNative +
      "\r\n\"Other\"=hex:01,02,\\\r\n  03,04\r\n"
      "\"DefaultSecureProtocols\"=hex(4):00,\\\r\n  28,00,00\r\n";
  MachineResult r = Audit(text);
  // Windows NT\CurrentVersion without WOW6432Node: a 32-bit OS, one view.
  EXPECT_EQ(r.cls, MachineClass::kCompliant) << r.detail;
  EXPECT_EQ(r.architecture, Architecture::k32Bit);
  EXPECT_EQ(r.view32, "n/a");

  std::string deleted = Export(kNative, {Dword(0x2800)}) + Export(kWow, {Dword(0x2800)}) +
                        Export(kWow, {"\"DefaultSecureProtocols\"=-"});
  EXPECT_EQ(Audit(deleted).cls, MachineClass::kOneView);
}

TEST(AuditRegReader, RejectsBrokenSyntaxWithTheLine) {
  auto r = ReadRegSnapshot("Windows Registry Editor Version 5.00\r\n\r\n" + kNative +
                               "\r\n\"DefaultSecureProtocols\"=dword:xyz\r\n",
                           "t");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("line 4"), std::string::npos) << r.error().message;
  EXPECT_FALSE(ReadRegSnapshot("Windows Registry Editor Version 5.00\r\n" + kNative.substr(0, 20),
                               "t")
                   .has_value());
  EXPECT_FALSE(ReadRegSnapshot("\"x\"=dword:1\r\n", "t").has_value());
  EXPECT_FALSE(ReadRegSnapshot("", "t").has_value());
}

std::string ShowJson(const std::string& arch, const std::string& v64, const std::string& v32) {
  return "{\"target\":\"live\",\"architecture\":\"" + arch + "\",\"views\":{" + v64 +
         (v32.empty() ? "" : "," + v32) + "},\"findings\":[]}";
}
std::string JsonView(const std::string& name, bool exists, int type, const std::string& raw) {
  return "\"" + name + "\":{\"key_exists\":true,\"value_exists\":" + (exists ? "true" : "false") +
         ",\"type_code\":" + (exists ? std::to_string(type) : "null") + ",\"raw\":" +
         (exists ? "\"" + raw + "\"" : "null") + "}";
}

TEST(AuditShowJson, ClassifiesShowOutput) {
  auto audit = [](const std::string& j) { return AuditBytes("h/pc7.json", j, kPolicy); };
  EXPECT_EQ(audit(ShowJson("64-bit", JsonView("64", true, 4, "00280000"),
                           JsonView("32", true, 4, "00280000")))
                .cls,
            MachineClass::kCompliant);
  EXPECT_EQ(audit(ShowJson("64-bit", JsonView("64", true, 1, "3000780032003800300030000000"),
                           JsonView("32", true, 4, "00280000")))
                .cls,
            MachineClass::kWrongType);
  EXPECT_EQ(audit(ShowJson("32-bit", JsonView("64", true, 4, "00280000"), "")).cls,
            MachineClass::kCompliant);
  EXPECT_EQ(audit(ShowJson("64-bit", JsonView("64", true, 4, "00280000"),
                           JsonView("32", false, 0, "")))
                .cls,
            MachineClass::kOneView);
  MachineResult failed =
      audit("{\"error\":{\"code\":\"denied\",\"message\":\"run elevated\",\"exit_code\":3}}");
  EXPECT_EQ(failed.cls, MachineClass::kUnreadable);
  EXPECT_NE(failed.detail.find("run elevated"), std::string::npos);
  EXPECT_EQ(audit("{\"views\":{}}").cls, MachineClass::kInvalid);
  EXPECT_EQ(audit("{\"views\":{\"64\":{\"value_exists\":true,\"type_code\":4,\"raw\":\"0028\"").cls,
            MachineClass::kInvalid);
  EXPECT_EQ(audit(ShowJson("64-bit", JsonView("64", true, 4, "zz280000"), "")).cls,
            MachineClass::kInvalid);
}

class AuditFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("secproto-audit-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "b" / ".hidden");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& bytes) {
    std::filesystem::path p = dir_ / rel;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(AuditFiles, WalksFoldersSortedAndSkipsHiddenOnes) {
  Write("b/z.reg", "x");
  Write("a.reg", "x");
  Write("b/.hidden/h.reg", "x");
  Write(".dot.reg", "x");
  auto files = ExpandInputs({dir_.string(), (dir_ / "nope.reg").string()});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0], (dir_ / "a.reg").string());
  EXPECT_EQ(files[1], (dir_ / "b" / "z.reg").string());
  EXPECT_EQ(files[2], (dir_ / "nope.reg").string());
}

TEST_F(AuditFiles, BrokenInputsAreClassifiedNeverFatal) {
  EXPECT_EQ(AuditFile((dir_ / "nope.reg").string(), kPolicy).cls, MachineClass::kUnreadable);
  EXPECT_EQ(AuditFile(Write("empty.reg", ""), kPolicy).cls, MachineClass::kInvalid);
  EXPECT_EQ(AuditFile(dir_.string(), kPolicy).cls, MachineClass::kUnreadable);
  // A hive magic with garbage after it: the hive backend rejects it (or
  // this build has none); either way a result, not a crash.
  MachineResult h = AuditFile(Write("bad.dat", std::string("regf") + std::string(600, '\x01')), kPolicy);
  EXPECT_TRUE(h.cls == MachineClass::kInvalid || h.cls == MachineClass::kUnreadable) << h.detail;
  EXPECT_EQ(h.kind, InputKind::kHive);
}

TEST_F(AuditFiles, FastReaderAgreesWithTheRegBackend) {
  // Single-document exports (the backend reads one document per file).
  auto one = [](std::vector<std::string> native, std::vector<std::string> wow) {
    std::string text = "Windows Registry Editor Version 5.00\r\n\r\n" + kNative + "\r\n";
    for (auto& v : native) text += v + "\r\n";
    text += "\r\n" + kWow + "\r\n";
    for (auto& v : wow) text += v + "\r\n";
    auto u = Utf8ToUtf16Le(text + "\r\n");
    return "\xFF\xFE" + std::string(u.begin(), u.end());
  };
  std::vector<std::string> docs = {
      one({Dword(0x2800)}, {Dword(0x2800)}),
      one({Dword(0xA80)}, {Dword(0x2800)}),
      one({}, {}),
      one({"\"DefaultSecureProtocols\"=\"2800\""}, {Dword(0x2800)}),
      one({}, {Dword(0x2800)}),
      one({Dword(0x10000)}, {Dword(0x2800)}),
  };
  int i = 0;
  for (const std::string& d : docs) {
    std::string path = Write("m" + std::to_string(i++) + ".reg", d);
    MachineResult fast = AuditFile(path, kPolicy, RegReader::kFast);
    MachineResult full = AuditFile(path, kPolicy, RegReader::kBackend);
    EXPECT_EQ(MachineClassName(fast.cls), MachineClassName(full.cls)) << path << ": " << full.detail;
    EXPECT_EQ(fast.view64, full.view64);
    EXPECT_EQ(fast.view32, full.view32);
  }
}

TEST(AuditReport, CsvQuotesAndJsonShapes) {
  MachineResult r;
  r.host = "pc,1";
  r.input = "x/\"pc,1\".reg";
  r.kind = InputKind::kReg;
  r.cls = MachineClass::kDrift;
  r.detail = "a \"b\"";
  EXPECT_EQ(CsvRow(r), "\"pc,1\",drift,reg,unknown,,,\"a \"\"b\"\"\",\"x/\"\"pc,1\"\".reg\"\r\n");
  auto j = nlohmann::json::parse(MachineJson(r));
  EXPECT_EQ(j["class"], "drift");
  EXPECT_EQ(j["host"], "pc,1");
  AuditSummary s;
  s.policy = kPolicy;
  s.Add(r);
  auto sj = nlohmann::json::parse(SummaryJson(s));
  EXPECT_EQ(sj["total"], 1);
  EXPECT_EQ(sj["drift"], 1);
  EXPECT_EQ(sj["compliant"], 0);
  EXPECT_EQ(sj["unreadable"], 0);
  EXPECT_EQ(sj["policy"]["hex"], "0x00002800");
}

TEST(AuditReport, HtmlIsSelfContainedAndEscapesData) {
  MachineResult r;
  r.host = "</script><img src=x>";
  r.cls = MachineClass::kMissing;
  AuditSummary s;
  s.policy = kPolicy;
  s.Add(r);
  std::string h = HtmlReport(s, {r});
  EXPECT_EQ(h.find("<img"), std::string::npos);
  EXPECT_EQ(h.find(" src=\""), std::string::npos);
  EXPECT_EQ(h.find("href="), std::string::npos);
  EXPECT_EQ(h.find("url("), std::string::npos);
  EXPECT_EQ(h.find("@import"), std::string::npos);
  EXPECT_NE(h.find("<svg id=\"chart\""), std::string::npos);
  EXPECT_NE(h.find("<table id=\"machines\""), std::string::npos);
  EXPECT_NE(h.find("\\u003c/script>\\u003cimg"), std::string::npos);
}

TEST(AuditHost, IsTheFileNameWithoutExtension) {
  EXPECT_EQ(HostFromPath("/share/site1/WS-0042.reg"), "WS-0042");
  EXPECT_EQ(HostFromPath("C:\\fleet\\srv.corp.json"), "srv.corp");
  EXPECT_EQ(HostFromPath("SOFTWARE"), "SOFTWARE");
}

}  // namespace
}  // namespace secproto
