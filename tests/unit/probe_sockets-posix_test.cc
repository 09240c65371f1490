// The Linux socket layer's hooks (src/probe/sockets.h).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>

#include "probe/sockets.h"

namespace secproto::sockets {
namespace {

// Regression: a recv failure was a reset whatever the error
// (`err == ECONNRESET ? kReset : kReset`), so a network failure after the
// connect was retried and then believed as "not offered".
TEST(ProbeSocketsPosix, OnlyAResetEndsAnExchangeAsReset) {
  EXPECT_EQ(EndForError(ECONNRESET), TransportEnd::kReset);
  EXPECT_EQ(EndForError(ECONNABORTED), TransportEnd::kReset);
  EXPECT_EQ(EndForError(EPIPE), TransportEnd::kReset);
  EXPECT_EQ(EndForError(ETIMEDOUT), TransportEnd::kConnectFailed);
  EXPECT_EQ(EndForError(EHOSTUNREACH), TransportEnd::kConnectFailed);
  EXPECT_EQ(EndForError(ENETUNREACH), TransportEnd::kConnectFailed);
}

TEST(ProbeSocketsPosix, WouldBlockIsNotAFailure) {
  EXPECT_TRUE(WouldBlock(EAGAIN));
  EXPECT_TRUE(WouldBlock(EINPROGRESS));
  EXPECT_FALSE(WouldBlock(ECONNREFUSED));
}

TEST(ProbeSocketsPosix, ScopedSocketClosesOnce) {
  ScopedSocket s(OpenNonBlocking(AF_INET));
  ASSERT_TRUE(s);
  ScopedSocket moved = std::move(s);
  EXPECT_FALSE(s);
  ASSERT_TRUE(moved);
  moved.Reset(/*abort=*/true);
  EXPECT_FALSE(moved);
}

}  // namespace
}  // namespace secproto::sockets
