// The OS catalog and OS detection.
#include <gtest/gtest.h>

#include <set>

#include "secproto/explain.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

TEST(OsCatalog, HasExactlyTheIssueIds) {
  std::set<std::string> want = {
      "ws2008",     "win7",       "ws2008r2",   "win8",       "ws2012",     "win81",
      "ws2012r2",   "win10-1507", "win10-1511", "win10-1607", "win10-1703", "win10-1709",
      "win10-1803", "win10-1809", "win10-1903", "win10-1909", "win10-2004", "win10-20h2",
      "win10-21h1", "win10-21h2", "win10-22h2", "ws2016",     "ws2019",     "ws2022",
      "win11-21h2", "win11-22h2", "win11-23h2", "win11-24h2", "ws2025"};
  std::set<std::string> got;
  for (const OsInfo& o : OsCatalog()) EXPECT_TRUE(got.insert(o.id).second) << o.id;
  EXPECT_EQ(got, want);
}

TEST(OsCatalog, EveryRowIsSourcedAndConsistent) {
  for (const OsInfo& o : OsCatalog()) {
    SCOPED_TRACE(o.id);
    EXPECT_FALSE(o.source.empty());
    EXPECT_TRUE(ProtocolSet(o.builtin_default).IsValid());
    // Unsure rows say what is unsure.
    if (o.confidence == Confidence::kUnsure) EXPECT_FALSE(o.unsure.empty());
    // TLS 1.3 support and the SCHANNEL table agree.
    EXPECT_EQ(o.tls13, o.schannel_client[5] != SchannelDefault::kNotSupported);
    EXPECT_EQ(o.ssl2, o.schannel_client[0] != SchannelDefault::kNotSupported);
    // The built-in default offers only what the OS supports, except TLS 1.3 bits never appear
    // on OSes without it.
    if (!o.tls13) EXPECT_EQ(o.builtin_default & 0x2000u, 0u);
    EXPECT_EQ(o.KnownBits(), o.tls13 ? 0x2AA8u : 0x0AA8u);
  }
}

TEST(OsCatalog, Windows10_22H2WinHttpConflictIsShown) {
  // "Option Flags" lists TLS 1.0/1.1 for Windows 10 (0xAA0, the reading
  // taken); "TLS 1.0 and TLS 1.1 deprecation in Windows" says WinHTTP has
  // them off: the row is unsure, says both and names the flag for the other.
  auto o = FindOs("win10-22h2");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->builtin_default, 0xAA0u);
  EXPECT_EQ(o->confidence, Confidence::kUnsure);
  EXPECT_NE(o->unsure.find("TLS 1.0 and TLS 1.1 deprecation in Windows"), std::string::npos);
  EXPECT_NE(o->unsure.find("Option Flags"), std::string::npos);
  EXPECT_NE(o->unsure.find("--builtin-default 0xA00"), std::string::npos);
  EXPECT_NE(o->source.find("TLS 1.0 and TLS 1.1 deprecation in Windows"), std::string::npos);
}

TEST(OsCatalog, DocumentedStatusPerRow) {
  // Issue 9: Windows 11 is [doc] (Option Flags since May 2024), Server
  // 2022/2025 [code]+[infer]; KB5017811's caveat only on the releases it lists.
  for (const char* id : {"win11-21h2", "win11-22h2", "win11-23h2", "win11-24h2"}) {
    EXPECT_EQ(FindOs(id)->confidence, Confidence::kDoc) << id;
    EXPECT_TRUE(FindOs(id)->unsure.empty()) << id;
  }
  for (const char* id : {"ws2022", "ws2025"}) EXPECT_EQ(FindOs(id)->confidence, Confidence::kInfer);
  for (const OsInfo& o : OsCatalog()) {
    bool kb = o.unsure.find("KB5017811") != std::string::npos;
    // Issue 26 item 6: 22H2 is not in KB5017811, but "TLS 1.0 and TLS 1.1
    // deprecation in Windows" says WinHTTP has TLS 1.0/1.1 off and links it.
    bool listed = o.id == "win10-20h2" || o.id == "win10-21h1" || o.id == "win10-21h2" ||
                  o.id == "win10-1809" || o.id == "ws2019" || o.id == "win10-22h2";
    EXPECT_EQ(kb, listed) << o.id;
    EXPECT_EQ(o.source.find("FACTS"), std::string::npos) << o.id;
    EXPECT_EQ(o.unsure.find("FACTS"), std::string::npos) << o.id;
    EXPECT_EQ(o.unsure.find("still say"), std::string::npos) << o.id;
  }
  auto ws2008 = FindOs("ws2008");
  ASSERT_TRUE(ws2008);
  EXPECT_EQ(ws2008->builtin_default, 0xA0u);
  EXPECT_EQ(ws2008->confidence, Confidence::kUnsure);
  EXPECT_EQ(DetectOs({"6002", "Server", "Windows Server 2008 Standard", ""})->os.id, "ws2008");
}

TEST(OsCatalog, FactsTableValues) {
  EXPECT_EQ(FindOs("win7")->builtin_default, 0xA0u);
  EXPECT_TRUE(FindOs("ws2012")->needs_kb3140245);
  EXPECT_FALSE(FindOs("win81")->needs_kb3140245);
  EXPECT_EQ(FindOs("ws2012r2")->builtin_default, 0xAA0u);
  EXPECT_EQ(FindOs("ws2019")->builtin_default, 0xAA0u);
  EXPECT_EQ(FindOs("ws2025")->builtin_default, 0x2800u);
  EXPECT_TRUE(FindOs("WS2022")->tls13);  // case-insensitive
  EXPECT_FALSE(FindOs("win10-1607")->ssl2);
  EXPECT_TRUE(FindOs("win10-1511")->ssl2);
  EXPECT_EQ(FindOs("win7")->schannel_client[4], SchannelDefault::kOff);  // TLS 1.2 off on 7
  auto bad = FindOs("win12");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kUsage);
  EXPECT_NE(bad.error().message.find("win11-24h2"), std::string::npos);
}

TEST(OsDetect, ExactBuildsAndProductType) {
  struct Case {
    OsFacts facts;
    const char* id;
  } cases[] = {
      {{"19045", "Client", "Windows 10 Pro", "22H2"}, "win10-22h2"},
      {{"17763", "Server", "Windows Server 2019 Datacenter", ""}, "ws2019"},
      {{"17763", "Client", "Windows 10 Enterprise LTSC 2019", ""}, "win10-1809"},
      {{"26100", "Server Core", "Windows Server 2025 Standard", "24H2"}, "ws2025"},
      {{"26100", "Client", "Windows 10 Pro", "24H2"}, "win11-24h2"},  // 11 says "Windows 10" here
      {{"7601", "", "Windows Server 2008 R2 Enterprise", ""}, "ws2008r2"},  // no InstallationType
      {{"7601", "", "Windows 7 Professional", ""}, "win7"},
      {{"20348", "Server", "Windows Server 2022 Standard", "21H2"}, "ws2022"},
  };
  for (const Case& c : cases) {
    auto d = DetectOs(c.facts);
    ASSERT_TRUE(d) << c.id;
    EXPECT_EQ(d->os.id, c.id);
    EXPECT_TRUE(d->exact);
  }
}

TEST(OsDetect, UnknownBuildUsesNearestOlderWithANote) {
  auto d = DetectOs({"26200", "Client", "Windows 11 Pro", "25H2"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->os.id, "win11-24h2");
  EXPECT_FALSE(d->exact);
  EXPECT_NE(d->note.find("26200"), std::string::npos);
  d = DetectOs({"16299", "Server", "Windows Server Datacenter", "1709"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->os.id, "ws2016");
}

TEST(OsDetect, NoBuildIsAnErrorThatNamesOs) {
  for (OsFacts f : {OsFacts{}, OsFacts{"abc", "Client", "", ""}, OsFacts{"6001", "Client", "", ""}}) {
    auto d = DetectOs(f);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, "unknown-os");
    EXPECT_NE(d.error().message.find("--os"), std::string::npos);
  }
}

TEST(OsDetect, ReadsFactsFromTheRegistry) {
  MemBackend mem;
  const std::string cv = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
  ASSERT_TRUE(mem.SetValue(View::k64, cv, "CurrentBuild", RegValue::String("22631")));
  ASSERT_TRUE(mem.SetValue(View::k64, cv, "InstallationType", RegValue::String("Client")));
  ASSERT_TRUE(mem.SetValue(View::k64, cv, "ProductName", RegValue::String("Windows 10 Pro")));
  ASSERT_TRUE(mem.SetValue(View::k64, cv, "DisplayVersion", RegValue::String("23H2")));
  auto f = ReadOsFacts(mem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->current_build, "22631");
  EXPECT_EQ(f->display_version, "23H2");
  EXPECT_EQ(DetectOs(*f)->os.id, "win11-23h2");
}

}  // namespace
}  // namespace secproto
