// secproto verify's endpoint parsing, and its answer off Windows.
#include <gtest/gtest.h>

#include "secproto/verify.h"

namespace secproto {
namespace {

TEST(VerifyEndpoint, HostPortAndDefaults) {
  auto a = ParseVerifyEndpoint("example.com");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "example.com");
  EXPECT_EQ(a->port, 443);
  auto b = ParseVerifyEndpoint("10.0.0.5:3389");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->port, 3389);
  auto c = ParseVerifyEndpoint("[::1]:5986");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 5986);
  EXPECT_EQ(c->Text(), "[::1]:5986");
}

TEST(VerifyEndpoint, BadOnesAreUsageErrors) {
  for (const char* bad : {"", "host:", "host:0", "host:70000", "host:x", "::1", "[::1", ":443"}) {
    auto e = ParseVerifyEndpoint(bad);
    ASSERT_FALSE(e.has_value()) << bad;
    EXPECT_EQ(e.error().code, "bad-endpoint") << bad;
  }
}

#ifndef _WIN32
TEST(Verify, NeedsWindows) {
  EXPECT_FALSE(HaveSchannelClient());
  auto r = SchannelHandshake(VerifyEndpoint{"127.0.0.1", 443}, 1000);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "needs-windows");
}
#endif

}  // namespace
}  // namespace secproto
