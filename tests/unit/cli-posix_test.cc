// End-to-end tests of the real CLI binary: output shapes and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct CliRun {
  int code;
  std::string out;
};

// Runs the binary with shell-quoted arguments; stderr is folded into out when
// `with_stderr`.
CliRun Secproto(const std::string& args, bool with_stderr = false) {
  std::string cmd = std::string(SECPROTO_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(Cli, CalcHumanAndJson) {
  CliRun r = Secproto("calc tls1.2 tls1.3");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "0x00002800  10240  TLS 1.2, TLS 1.3");
  r = Secproto("--json calc 'TLS 1.2,TLS 1.3'");
  ASSERT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["value"], 10240);
  EXPECT_EQ(j["hex"], "0x00002800");
  EXPECT_EQ(j["protocols"], nlohmann::json::array({"TLS 1.2", "TLS 1.3"}));
  EXPECT_TRUE(j["warnings"].is_array());
}

TEST(Cli, CalcRejectsUnknownNameWithSuggestion) {
  CliRun r = Secproto("calc tls1.4", true);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "secproto: error: tls1.4 is not a protocol; did you mean tls1.3?\n");
}

TEST(Cli, DecodeUnknownBitsExits2) {
  CliRun r = Secproto("decode 0x2801", true);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("ignores the whole value"), std::string::npos);
  r = Secproto("decode 0xA80");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("TLS 1.0, TLS 1.1, TLS 1.2"), std::string::npos);
  r = Secproto("decode --json 3072");
  EXPECT_EQ(r.code, 2);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "unknown-bits");
  EXPECT_EQ(j["unknown_bits"], 0x400);
}

TEST(Cli, UsageErrorsExit2) {
  EXPECT_EQ(Secproto("").code, 2);
  EXPECT_EQ(Secproto("frobnicate").code, 2);
  EXPECT_EQ(Secproto("calc").code, 2);
  EXPECT_EQ(Secproto("set tls1.2 --target mem: --view 16").code, 2);
  CliRun r = Secproto("show", true);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("no --target given"), std::string::npos);
  r = Secproto("show --target nope:x", true);
  EXPECT_EQ(r.code, 2);
  r = Secproto("--json show");
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["exit_code"], 2);
}

TEST(Cli, EditsAreNotMistakenForOptions) {
  // On mem: there is no stored value, so the edit is parsed and then refused
  // for lack of a base value: proof that "-tls1.0" reached the parser.
  CliRun r = Secproto("set +tls1.3 -tls1.0 --target mem:", true);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("+/- edits need a valid REG_DWORD"), std::string::npos) << r.out;
}

TEST(Cli, SetOnMemReportsViews) {
  CliRun r = Secproto("--json set tls1.2,tls1.3 --target mem:");
  ASSERT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["value"], 0x2800);
  EXPECT_EQ(j["views"]["64"]["action"], "created");
  EXPECT_EQ(j["views"]["32"]["action"], "created");
  EXPECT_EQ(j["changed"], true);
  EXPECT_EQ(Secproto("set 0 --target mem:").code, 2);
  EXPECT_EQ(Secproto("check tls1.2 --target mem:").code, 1);
}

}  // namespace
