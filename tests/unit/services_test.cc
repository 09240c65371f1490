// The restart procedure of --restart-services over the shipped
// FakeServiceManager: which services, in which order, only active ones,
// timeouts, refusals and failed starts. Time is the fake's virtual clock.
#include "secproto/services.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secproto/testing.h"

namespace secproto {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Svc = FakeServiceManager::Service;

constexpr int kTimeoutMs = 30000;

Svc Running() { return Svc{.status = ServiceStatus::kRunning}; }
Svc Stopped() { return Svc{.status = ServiceStatus::kStopped}; }

// The four known WinHTTP services as a machine might have them.
FakeServiceManager Machine(Svc winrm, Svc webclient, Svc wuauserv) {
  FakeServiceManager m;
  m.Add("WinRM", winrm);
  m.Add("WebClient", webclient);
  m.Add("wuauserv", wuauserv);  // iphlpsvc is not installed
  return m;
}

TEST(ServiceNames, KnownWinHttpServicesInTableOrder) {
  EXPECT_THAT(KnownWinHttpServiceNames(),
              ElementsAre("WinRM", "WebClient", "iphlpsvc", "wuauserv"));
}

TEST(ServiceNames, ActiveStates) {
  EXPECT_TRUE(IsServiceActive(ServiceStatus::kRunning));
  EXPECT_TRUE(IsServiceActive(ServiceStatus::kPaused));
  EXPECT_TRUE(IsServiceActive(ServiceStatus::kStartPending));
  EXPECT_FALSE(IsServiceActive(ServiceStatus::kStopped));
  EXPECT_FALSE(IsServiceActive(ServiceStatus::kNotInstalled));
  EXPECT_EQ(ServiceStatusName(ServiceStatus::kStopPending), "stop-pending");
}

TEST(QueryServices, ReportsEachStateInOrder) {
  FakeServiceManager m = Machine(Running(), Stopped(), Svc{.status = ServiceStatus::kPaused});
  std::vector<ServiceState> s = QueryServices(m, KnownWinHttpServiceNames());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].state, "running");
  EXPECT_TRUE(s[0].active);
  EXPECT_EQ(s[1].state, "stopped");
  EXPECT_FALSE(s[1].active);
  EXPECT_EQ(s[2].name, "iphlpsvc");
  EXPECT_EQ(s[2].state, "not-installed");
  EXPECT_EQ(s[3].state, "paused");
  EXPECT_TRUE(s[3].active);
}

TEST(RestartActiveServices, OnlyActiveServicesEachOnceInTableOrder) {
  FakeServiceManager m = Machine(Running(), Stopped(), Running());
  RestartReport r = RestartActiveServices(m, KnownWinHttpServiceNames(), true, kTimeoutMs);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(m.actions(),
              ElementsAre("stop WinRM", "start WinRM", "stop wuauserv", "start wuauserv"));
  ASSERT_EQ(r.restarts.size(), 2u);
  EXPECT_EQ(r.restarts[0].name, "WinRM");
  EXPECT_EQ(r.restarts[0].code, "restarted");
  EXPECT_EQ(r.restarts[0].final_state, "running");
  EXPECT_EQ(r.restarts[1].name, "wuauserv");
  EXPECT_EQ(m.service("WinRM").starts, 1);
  EXPECT_EQ(m.service("WebClient").starts, 0);
  EXPECT_EQ(m.service("WebClient").status, ServiceStatus::kStopped);
  EXPECT_EQ(m.service("wuauserv").status, ServiceStatus::kRunning);
  EXPECT_EQ(r.before.size(), 4u);
}

TEST(RestartActiveServices, UnchangedValueRestartsNothing) {
  FakeServiceManager m = Machine(Running(), Running(), Running());
  RestartReport r = RestartActiveServices(m, KnownWinHttpServiceNames(), false, kTimeoutMs);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.restarts.empty());
  EXPECT_TRUE(m.log().empty());
}

TEST(RestartActiveServices, NothingRunningRestartsNothing) {
  FakeServiceManager m = Machine(Stopped(), Stopped(), Stopped());
  RestartReport r = RestartActiveServices(m, KnownWinHttpServiceNames(), true, kTimeoutMs);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.restarts.empty());
  EXPECT_TRUE(m.actions().empty());
}

TEST(RestartServices, SlowStopWithinTheTimeoutRestarts) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .stop_ms = 5000}, Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].ok) << r[0].result;
  EXPECT_EQ(m.service("WinRM").starts, 1);
}

TEST(RestartServices, ServiceThatNeverStopsTimesOutAndIsNotStarted) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .stop_ms = -1}, Running(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM", "WebClient"}, kTimeoutMs);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0].ok);
  EXPECT_EQ(r[0].code, "stop-timeout");
  EXPECT_EQ(r[0].result, "did not stop within 30 s (still stop-pending)");
  EXPECT_EQ(r[0].final_state, "stop-pending");
  EXPECT_EQ(m.service("WinRM").starts, 0);
  // One service that hangs does not keep the next from its restart.
  EXPECT_TRUE(r[1].ok);
  EXPECT_THAT(m.actions(), ElementsAre("stop WinRM", "stop WebClient", "start WebClient"));
}

TEST(RestartServices, StopLongerThanTheTimeoutIsATimeout) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .stop_ms = 45000}, Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_EQ(r[0].code, "stop-timeout");
  // It stops later on its own; secproto did not start it again.
  m.SleepMs(20000);
  EXPECT_EQ(m.Query("WinRM")->status, ServiceStatus::kStopped);
  EXPECT_EQ(m.service("WinRM").starts, 0);
}

TEST(RestartServices, TimeoutIsNamedInMilliseconds) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .stop_ms = -1}, Stopped(), Stopped());
  EXPECT_EQ(RestartServices(m, {"WinRM"}, 1500)[0].result,
            "did not stop within 1500 ms (still stop-pending)");
}

TEST(RestartServices, RefusedStopIsReportedAtOnce) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .refuse_stop = true}, Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_FALSE(r[0].ok);
  EXPECT_EQ(r[0].code, "stop-refused");
  EXPECT_THAT(r[0].result, HasSubstr("refused to stop"));
  EXPECT_EQ(r[0].final_state, "running");
  EXPECT_EQ(m.NowMs(), 0);  // no wait: the refusal is the answer
  EXPECT_THAT(m.actions(), ElementsAre("stop WinRM"));
}

TEST(RestartServices, ServiceThatFailsToStartAgain) {
  FakeServiceManager m = Machine(
      Running(), Svc{.status = ServiceStatus::kRunning, .start_ms = 1000, .fail_start = true},
      Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM", "WebClient"}, kTimeoutMs);
  EXPECT_TRUE(r[0].ok);
  EXPECT_FALSE(r[1].ok);
  EXPECT_EQ(r[1].code, "start-failed");
  EXPECT_EQ(r[1].result, "stopped, then failed to start again (service-specific exit code 1)");
  EXPECT_EQ(r[1].final_state, "stopped");
  EXPECT_EQ(m.service("WebClient").starts, 1);
  // A fall back to stopped ends the wait: no need to sit out the timeout.
  EXPECT_LT(m.NowMs(), kTimeoutMs);
}

TEST(RestartServices, ServiceThatNeverFinishesStartingTimesOut) {
  FakeServiceManager m =
      Machine(Svc{.status = ServiceStatus::kRunning, .start_ms = -1}, Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_EQ(r[0].code, "start-timeout");
  EXPECT_EQ(r[0].result, "stopped, then did not start within 30 s (still start-pending)");
}

TEST(RestartServices, LockedDatabaseIsRetried) {
  FakeServiceManager m = Machine(
      Svc{.status = ServiceStatus::kRunning, .start_error = "database-locked", .start_errors = 2},
      Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_TRUE(r[0].ok) << r[0].result;
  EXPECT_THAT(m.actions(), ElementsAre("stop WinRM", "start WinRM", "start WinRM", "start WinRM"));
}

TEST(RestartServices, StartErrorIsAFailedStart) {
  FakeServiceManager m = Machine(
      Svc{.status = ServiceStatus::kRunning, .start_error = "access-denied", .start_errors = 1},
      Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_EQ(r[0].code, "start-failed");
  EXPECT_THAT(r[0].result, HasSubstr("failed to start again: fake: WinRM cannot start"));
  EXPECT_EQ(r[0].final_state, "stopped");
}

TEST(RestartServices, StoppedServiceIsOnlyStarted) {
  FakeServiceManager m = Machine(Stopped(), Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"WinRM"}, kTimeoutMs);
  EXPECT_TRUE(r[0].ok);
  EXPECT_THAT(m.actions(), ElementsAre("start WinRM"));
}

TEST(RestartServices, NotInstalledIsAnError) {
  FakeServiceManager m = Machine(Running(), Stopped(), Stopped());
  std::vector<ServiceRestart> r = RestartServices(m, {"iphlpsvc"}, kTimeoutMs);
  EXPECT_FALSE(r[0].ok);
  EXPECT_EQ(r[0].code, "error");
  EXPECT_EQ(r[0].result, "not installed");
}

TEST(RestartReport, OkOnlyWhenEveryRestartSucceeded) {
  RestartReport r;
  EXPECT_TRUE(r.ok());
  r.restarts.push_back({"WinRM", true, "restarted", "restarted", "running"});
  EXPECT_TRUE(r.ok());
  r.restarts.push_back({"WebClient", false, "start-failed", "x", "stopped"});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace secproto
