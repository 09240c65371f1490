// The Windows socket layer's hooks (src/probe/sockets.h), run under Wine.
#include <gtest/gtest.h>
#include <winsock2.h>

#include "probe/sockets.h"

namespace secproto::sockets {
namespace {

// Regression: both transports once ended every recv failure as a reset.
TEST(ProbeSocketsWin32, OnlyAResetEndsAnExchangeAsReset) {
  EXPECT_EQ(EndForError(WSAECONNRESET), TransportEnd::kReset);
  EXPECT_EQ(EndForError(WSAECONNABORTED), TransportEnd::kReset);
  EXPECT_EQ(EndForError(WSAETIMEDOUT), TransportEnd::kConnectFailed);
  EXPECT_EQ(EndForError(WSAEHOSTUNREACH), TransportEnd::kConnectFailed);
}

TEST(ProbeSocketsWin32, WouldBlockIsNotAFailure) {
  EXPECT_TRUE(WouldBlock(WSAEWOULDBLOCK));
  EXPECT_FALSE(WouldBlock(WSAECONNREFUSED));
}

TEST(ProbeSocketsWin32, ScopedSocketClosesOnce) {
  auto poller = NewPoller();  // starts winsock
  ASSERT_TRUE(poller.has_value());
  ScopedSocket s(OpenNonBlocking(AF_INET));
  ASSERT_TRUE(s);
  ScopedSocket moved = std::move(s);
  EXPECT_FALSE(s);
  moved.Reset(/*abort=*/true);
  EXPECT_FALSE(moved);
}

}  // namespace
}  // namespace secproto::sockets
