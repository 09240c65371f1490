// Without a Windows service manager every query fails with one reason, and
// nothing is restarted.
#include <gtest/gtest.h>

#include "secproto/services.h"

namespace secproto {
namespace {

TEST(SystemServiceManagerPosix, SaysThereIsNone) {
  std::unique_ptr<ServiceManager> m = NewSystemServiceManager();
  std::vector<ServiceState> s = QueryServices(*m, {"WinRM"});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].state, "unknown: no service manager on this system");
  EXPECT_FALSE(s[0].active);
  RestartReport r = RestartActiveServices(*m, {"WinRM"}, true, 1000);
  EXPECT_TRUE(r.restarts.empty());
}

}  // namespace
}  // namespace secproto
