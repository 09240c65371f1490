// The HTML digest of the whole-stack audit (issue 30): the worst N machines
// in the order a full sort gives, the drift grouped by line, and the cap on
// groups that counts what it leaves out.
#include <gtest/gtest.h>

#include <string>

#include "secproto/fleet_policy.h"

namespace secproto {
namespace {

PolicyMachineResult Machine(const std::string& host, MachineClass cls,
                            std::vector<std::pair<AuditComponent, std::string>> drift = {}) {
  PolicyMachineResult r;
  r.base.host = host;
  r.base.cls = cls;
  r.base.detail = cls == MachineClass::kInvalid ? "truncated" : "";
  for (auto& [c, line] : drift) {
    r.components[static_cast<int>(c)] = ComponentVerdict::kDrift;
    r.drift_components.push_back(c);
    r.drift.push_back(line);
  }
  return r;
}

TEST(PolicyReportDigestTest, KeepsTheWorstInFullSortOrder) {
  PolicyReportDigest d(3);
  d.Add(Machine("A", MachineClass::kCompliant));
  d.Add(Machine("B", MachineClass::kDrift, {{AuditComponent::kSuites, "s: x, policy y"}}));
  d.Add(Machine("C", MachineClass::kInvalid));
  d.Add(Machine("D", MachineClass::kDrift,
                {{AuditComponent::kSuites, "s: x, policy y"},
                 {AuditComponent::kWinHttp, "w: 0x00000a00, policy 0x00002800"}}));
  d.Add(Machine("E", MachineClass::kDrift, {{AuditComponent::kSuites, "s: x, policy y"}}));
  auto rows = d.Worst();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].host, "C");  // invalid before any drift
  EXPECT_EQ(rows[1].host, "D");  // two components
  EXPECT_EQ(rows[2].host, "B");  // ties: input order
}

TEST(PolicyReportDigestTest, GroupsByLineAndCountsWhatTheCapLeavesOut) {
  PolicyReportDigest d(0, 2);
  for (int i = 0; i < 5; ++i) {
    d.Add(Machine("S" + std::to_string(i), MachineClass::kDrift,
                  {{AuditComponent::kSuites, "s: x, policy y"}}));
  }
  d.Add(Machine("I", MachineClass::kInvalid));
  d.Add(Machine("W", MachineClass::kDrift, {{AuditComponent::kWinHttp, "w: 0, policy 1"}}));
  d.Add(Machine("V", MachineClass::kDrift,
                {{AuditComponent::kSuites, "s: x, policy y"},
                 {AuditComponent::kWinHttp, "w: 2, policy 1"}}));
  auto groups = d.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].label, "suites");
  EXPECT_EQ(groups[0].machines, 6u);
  EXPECT_EQ(groups[1].label, "invalid");
  EXPECT_EQ(groups[1].text, "truncated");
  EXPECT_EQ(d.left_out_lines(), 2u);
  EXPECT_EQ(d.left_out_machines(), 2u);
  EXPECT_TRUE(d.Worst().empty());

  AuditSummary s;
  s.total = 8;
  std::string h = PolicyHtmlReport("modern", s, ComponentSummary{}, d, "r.csv");
  EXPECT_NE(h.find("<table id=\"drift\">"), std::string::npos);
  EXPECT_NE(h.find("id=\"drift-left-out\">2 further lines on 2 machines"), std::string::npos);
  EXPECT_NE(h.find("href=\"r.csv\""), std::string::npos);
}

TEST(PolicyReportDigestTest, CutsLongLines) {
  PolicyReportDigest d(1, 10);
  std::string a(1000, 'a'), b = a + "b";
  d.Add(Machine("A", MachineClass::kDrift, {{AuditComponent::kSuites, a}}));
  d.Add(Machine("B", MachineClass::kDrift, {{AuditComponent::kSuites, b}}));
  auto groups = d.Groups();
  ASSERT_EQ(groups.size(), 2u);  // told apart by the whole line
  EXPECT_EQ(groups[0].text.size(), PolicyReportDigest::kGroupTextMax + 3);
}

}  // namespace
}  // namespace secproto
