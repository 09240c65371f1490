// The facts written once: key paths, the views' sharing rule, and the masks
// derived from the protocol table.
#include <gtest/gtest.h>

#include "secproto/keys.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"

namespace secproto {
namespace {

TEST(KeysTest, PoliciesIsSharedWhateverTheCase) {
  EXPECT_TRUE(IsSharedBetweenViews(kSuitePolicyKey));
  EXPECT_TRUE(IsSharedBetweenViews("hklm\\software\\POLICIES\\Microsoft"));
  EXPECT_TRUE(IsSharedBetweenViews(kSchannelKey));  // HKLM\SYSTEM: one view
  EXPECT_TRUE(IsSharedBetweenViews(kWinInetUserKey));
  EXPECT_TRUE(IsSharedBetweenViews("HKLM\\SOFTWARE\\Wow6432Node\\X"));
  EXPECT_FALSE(IsSharedBetweenViews(kWinHttpKey));
  EXPECT_FALSE(IsSharedBetweenViews("hklm\\Software\\PoliciesX"));
  // PhysicalKey follows the same rule.
  EXPECT_EQ(PhysicalKey(View::k32, "hklm\\software\\policies\\A"), "hklm\\software\\policies\\A");
  EXPECT_EQ(PhysicalKey(View::k32, "HKLM\\SOFTWARE\\Microsoft"),
            "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft");
}

TEST(KeysTest, MasksComeFromTheProtocolTable) {
  uint32_t all = 0;
  for (const ProtocolInfo& p : AllProtocols()) {
    EXPECT_EQ(p.bit, ProtocolBit(p.id)) << p.name;
    all |= p.bit;
  }
  EXPECT_EQ(all, kKnownBits);
  EXPECT_EQ(AllProtocols().size(), kProtocolCount);
  EXPECT_EQ(kWinHttpFlagAll, Info(Protocol::kSsl2).bit | Info(Protocol::kSsl3).bit |
                                 Info(Protocol::kTls10).bit);
}

}  // namespace
}  // namespace secproto
