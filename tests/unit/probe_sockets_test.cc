// The prober's socket layer hooks (src/probe/sockets.h), on Linux and under
// Wine. Only the error constants differ per OS.
#include <gtest/gtest.h>

#ifdef _WIN32
#include <winsock2.h>
#else
#include <sys/socket.h>

#include <cerrno>
#endif

#include "probe/sockets.h"

namespace secproto::sockets {
namespace {

#ifdef _WIN32
constexpr int kReset = WSAECONNRESET, kAborted = WSAECONNABORTED, kTimedOut = WSAETIMEDOUT,
              kUnreachable = WSAEHOSTUNREACH, kWouldBlock = WSAEWOULDBLOCK,
              kRefused = WSAECONNREFUSED;
#else
constexpr int kReset = ECONNRESET, kAborted = ECONNABORTED, kTimedOut = ETIMEDOUT,
              kUnreachable = EHOSTUNREACH, kWouldBlock = EAGAIN, kRefused = ECONNREFUSED;
#endif

// Regression: a recv failure ended as a reset whatever the error
// (`err == ECONNRESET ? kReset : kReset`), so a network failure after the
// connect was retried and then believed as "not offered".
TEST(ProbeSockets, OnlyAResetEndsAnExchangeAsReset) {
  EXPECT_EQ(EndForError(kReset), TransportEnd::kReset);
  EXPECT_EQ(EndForError(kAborted), TransportEnd::kReset);
  EXPECT_EQ(EndForError(kTimedOut), TransportEnd::kConnectFailed);
  EXPECT_EQ(EndForError(kUnreachable), TransportEnd::kConnectFailed);
}

TEST(ProbeSockets, WouldBlockIsNotAFailure) {
  EXPECT_TRUE(WouldBlock(kWouldBlock));
  EXPECT_FALSE(WouldBlock(kRefused));
}

TEST(ProbeSockets, ScopedSocketOwnsItsSocket) {
  auto poller = NewPoller();  // on Windows this starts winsock
  ASSERT_TRUE(poller.has_value()) << poller.error().message;
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
