// secproto/interrupt.h on POSIX: what an interrupt does under polling, under
// a deferral and by default, with real signals (raise) and, where the
// process must exit, in a death test's child.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "secproto/interrupt.h"

namespace secproto {
namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string MakeFile(const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "w");
  if (f) std::fclose(f);
  return path;
}

TEST(Interrupt, PollingOnlyRecords) {
  InstallInterruptHandlers();
  {
    InterruptPolling polling;
    EXPECT_FALSE(Interrupted());
    raise(SIGINT);
    EXPECT_TRUE(Interrupted());
    EXPECT_TRUE(TakeDeferredInterrupt());
    EXPECT_FALSE(Interrupted());
    EXPECT_FALSE(TakeDeferredInterrupt());
  }
}

TEST(Interrupt, DeferralInsidePollingDoesNotExit) {
  InstallInterruptHandlers();
  InterruptPolling polling;
  {
    InterruptDeferral deferral;
    raise(SIGTERM);
    raise(SIGINT);  // a second one is deferred too, never an exit
  }
  EXPECT_TRUE(TakeDeferredInterrupt());
}

TEST(Interrupt, TableFillsAndFrees) {
  std::vector<int> slots;
  for (int i = 0; i < 1000; ++i) {
    int s = RegisterTempPath("/nonexistent/secproto-test");
    if (s < 0) break;
    slots.push_back(s);
  }
  EXPECT_GT(slots.size(), 8u);
  EXPECT_LT(slots.size(), 1000u);
  EXPECT_EQ(RegisterTempPath("/nonexistent/x"), -1);
  UnregisterTempPath(slots.back());
  EXPECT_EQ(RegisterTempPath("/nonexistent/x"), slots.back());
  for (int s : slots) UnregisterTempPath(s);
  EXPECT_EQ(RegisterTempPath(std::string(5000, 'a').c_str()), -1);
  UnregisterTempPath(-1);  // a no-op, as for a file the table had no room for
}

TEST(InterruptDeathTest, DefaultRemovesRegisteredFilesAndExits130) {
  std::string kept = MakeFile("interrupt-kept");
  std::string temp = MakeFile("interrupt-temp");
  EXPECT_EXIT(
      {
        InstallInterruptHandlers();
        RegisterTempPath(temp.c_str());
        int gone = RegisterTempPath(kept.c_str());
        UnregisterTempPath(gone);
        raise(SIGINT);
      },
      ::testing::ExitedWithCode(kExitInterrupted), "^secproto: interrupted\n$");
  EXPECT_FALSE(FileExists(temp));
  EXPECT_TRUE(FileExists(kept));
  std::remove(kept.c_str());
}

TEST(InterruptDeathTest, SecondInterruptWhilePollingExits) {
  EXPECT_EXIT(
      {
        InstallInterruptHandlers();
        InterruptPolling polling;
        raise(SIGINT);
        raise(SIGINT);
      },
      ::testing::ExitedWithCode(kExitInterrupted), "secproto: interrupted");
}

TEST(InterruptDeathTest, DeferralEndActsWithTheMessageSet) {
  EXPECT_EXIT(
      {
        InstallInterruptHandlers();
        InterruptDeferral deferral;
        raise(SIGINT);
        SetInterruptMessage("secproto: interrupted after the change was committed");
      },
      ::testing::ExitedWithCode(kExitInterrupted),
      "^secproto: interrupted after the change was committed\n$");
}

TEST(Interrupt, TakenDeferredInterruptDoesNotExit) {
  InstallInterruptHandlers();
  {
    InterruptDeferral deferral;
    raise(SIGINT);
    EXPECT_TRUE(TakeDeferredInterrupt());
  }
  SUCCEED();
}

}  // namespace
}  // namespace secproto
