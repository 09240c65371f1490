// `--set KEY=VALUE` lines over a policy (LoadPolicy with lines, docs/POLICY.md
// "--set"): the overlay and every error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "secproto/policy.h"

namespace secproto {
namespace {

Policy Load(std::string_view base, std::vector<std::string> sets) {
  auto p = LoadPolicy(base, sets);
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return p ? *p : Policy{};
}

// The error of a load that must fail: one line, kInput (exit 2).
std::string LoadError(std::string_view base, std::vector<std::string> sets) {
  auto p = LoadPolicy(base, sets);
  EXPECT_FALSE(p);
  if (p) return "";
  EXPECT_EQ(p.error().kind, ErrorKind::kInput);
  EXPECT_EQ(ExitCodeFor(p.error().kind), 2);
  EXPECT_EQ(p.error().code, "bad-policy");
  EXPECT_EQ(p.error().message.find('\n'), std::string::npos) << p.error().message;
  return p.error().message;
}

TEST(PolicySet, LinesAloneAreThePolicy) {
  Policy p = Load("", {"cipher_suites.order=['TLS_AES_128_GCM_SHA256', "
                       "'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']",
                       "legacy.ciphers.'RC4 128/128'=false", "key_sizes.dh_server_min=2048"});
  EXPECT_EQ(p.origin, "--set");
  EXPECT_EQ(p.name, "--set");
  EXPECT_EQ(p.suites.manage, Manage::kSet);
  EXPECT_EQ(p.suites.order, (std::vector<std::string>{"TLS_AES_128_GCM_SHA256",
                                                      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
  EXPECT_EQ(p.legacy.manage, Manage::kSet);
  EXPECT_EQ(p.legacy.ciphers, (std::map<std::string, bool>{{"RC4 128/128", false}}));
  EXPECT_EQ(p.key_sizes.manage, Manage::kSet);
  EXPECT_EQ(p.key_sizes.dh_server_min, 2048u);
  EXPECT_FALSE(p.key_sizes.dh_client_min);
  // Every other part is left alone.
  EXPECT_EQ(p.protocols.manage, Manage::kLeave);
  EXPECT_EQ(p.curves.manage, Manage::kLeave);
  EXPECT_EQ(p.dotnet.manage, Manage::kLeave);
  EXPECT_EQ(p.fips.manage, Manage::kLeave);
  EXPECT_EQ(p.logging.manage, Manage::kLeave);
}

// Issue 29: a bare word where TOML wants a string gets the line that parses,
// not toml++'s "Error while parsing boolean".
TEST(PolicySet, BareWordsGetTheQuotedLine) {
  auto p = LoadPolicy("", std::vector<std::string>{"cipher_suites.order=[TLS_AES_128_GCM_SHA256]"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message,
            "--set \"cipher_suites.order=[TLS_AES_128_GCM_SHA256]\": strings need quotes in TOML; "
            "write --set \"cipher_suites.order=['TLS_AES_128_GCM_SHA256']\"");
  auto q = LoadPolicy("", std::vector<std::string>{"protocols.client=[tls1.2, \"tls1.3\"]"});
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("write --set \"protocols.client=['tls1.2', \"tls1.3\"]\""),
            std::string::npos)
      << q.error().message;
  auto fixed =
      LoadPolicy("", std::vector<std::string>{"cipher_suites.order=['TLS_AES_128_GCM_SHA256']"});
  EXPECT_TRUE(fixed) << fixed.error().message;
}

TEST(PolicySet, ResetAndInlineTables) {
  EXPECT_EQ(Load("", {"cipher_suites.reset=true"}).suites.manage, Manage::kReset);
  EXPECT_EQ(Load("", {"logging.event_logging = 1"}).logging.event_logging, 1u);
  // An inline table is one value: it replaces the whole key.
  Policy p = Load("modern", {"cipher_suites={reset=true}"});
  EXPECT_EQ(p.suites.manage, Manage::kReset);
  // Double-quoted TOML strings work too.
  p = Load("", {"legacy.hashes.\"MD5\"=false"});
  EXPECT_EQ(p.legacy.hashes, (std::map<std::string, bool>{{"MD5", false}}));
}

TEST(PolicySet, OverlayReplacesOnlyTheKeyItNames) {
  auto base = LoadPolicy("modern");
  ASSERT_TRUE(base) << base.error().message;
  Policy p = Load("modern", {"key_sizes.dh_server_min=3072",
                             "cipher_suites.order=['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']"});
  EXPECT_EQ(p.origin, "template:modern with --set");
  EXPECT_EQ(p.name, "modern");
  EXPECT_EQ(p.key_sizes.dh_server_min, 3072u);
  // Siblings of the key stay as the template has them.
  EXPECT_EQ(p.key_sizes.dh_client_min, base->key_sizes.dh_client_min);
  EXPECT_EQ(p.key_sizes.rsa_client_min, base->key_sizes.rsa_client_min);
  EXPECT_EQ(p.suites.order, std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"});
  EXPECT_EQ(p.curves.order, base->curves.order);
  EXPECT_EQ(p.protocols.client.bits(), base->protocols.client.bits());
  EXPECT_EQ(p.protocols.drop_tls13_on_older_os, base->protocols.drop_tls13_on_older_os);
  // A later line over an earlier one: the last wins.
  p = Load("modern", {"key_sizes.dh_server_min=3072", "key_sizes.dh_server_min=4096"});
  EXPECT_EQ(p.key_sizes.dh_server_min, 4096u);
  // No lines: exactly LoadPolicy.
  EXPECT_EQ(PolicyToToml(Load("modern", {})), PolicyToToml(*base));
}

TEST(PolicySet, OverFilesTomlAndJson) {
  auto dir = std::filesystem::temp_directory_path() /
             ("secproto_policy_set_" + std::to_string(std::random_device()()));
  std::filesystem::create_directories(dir);
  std::string toml = (dir / "base.toml").string();
  std::string json = (dir / "base.json").string();
  std::ofstream(toml) << "[legacy]\nciphers = { \"RC4 128/128\" = false, \"NULL\" = false }\n";
  std::ofstream(json) << R"({"legacy": {"ciphers": {"RC4 128/128": false, "NULL": false}}})";
  for (const std::string& file : {toml, json}) {
    SCOPED_TRACE(file);
    Policy p = Load(file, {"legacy.ciphers.NULL=true", "legacy.hashes.MD5=false"});
    EXPECT_EQ(p.name, "base");
    EXPECT_EQ(p.origin, file + " with --set");
    EXPECT_EQ(p.legacy.ciphers,
              (std::map<std::string, bool>{{"NULL", true}, {"RC4 128/128", false}}));
    EXPECT_EQ(p.legacy.hashes, (std::map<std::string, bool>{{"MD5", false}}));
  }
  // The base's own errors still name the file and its line.
  std::string bad = (dir / "bad.toml").string();
  std::ofstream(bad) << "\n[logging]\nevent_logging = 9\n";
  std::string e = LoadError(bad, {"key_sizes.dh_server_min=2048"});
  EXPECT_EQ(e, bad + ":3: logging.event_logging: must be between 0 and 7");
  std::filesystem::remove_all(dir);
}

TEST(PolicySet, BadTomlNamesTheLine) {
  std::string e = LoadError("", {"cipher_suites.order=['TLS_AES_128_GCM_SHA256'"});
  EXPECT_EQ(e.rfind("--set \"cipher_suites.order=['TLS_AES_128_GCM_SHA256'\": ", 0), 0u) << e;
  e = LoadError("modern", {"key_sizes.dh_server_min"});
  EXPECT_EQ(e.rfind("--set \"key_sizes.dh_server_min\": ", 0), 0u) << e;
  EXPECT_NE(e.find("KEY=VALUE"), std::string::npos) << e;
  // One key per line: a header, two keys, a line break.
  e = LoadError("", {"[cipher_suites]"});
  EXPECT_EQ(e, "--set \"[cipher_suites]\": give one KEY=VALUE, e.g. key_sizes.dh_server_min=2048");
  e = LoadError("", {"a=1 b=2"});
  EXPECT_EQ(e.rfind("--set \"a=1 b=2\": ", 0), 0u) << e;
  e = LoadError("", {"logging.event_logging=1\nfips.enabled=true"});
  EXPECT_EQ(e,
            "--set \"logging.event_logging=1\\nfips.enabled=true\": one KEY=VALUE per --set, "
            "without line breaks");
  e = LoadError("", {""});
  EXPECT_NE(e.find("give one KEY=VALUE"), std::string::npos) << e;
}

TEST(PolicySet, UnknownKeys) {
  std::string e = LoadError("", {"key_sizes.dh_server_mim=2048"});
  EXPECT_EQ(e,
            "--set \"key_sizes.dh_server_mim=2048\": key_sizes.dh_server_mim: unknown field; did "
            "you mean 'dh_server_min'?");
  e = LoadError("modern", {"cipher_suite.order=['TLS_AES_128_GCM_SHA256']"});
  EXPECT_NE(e.find("--set \"cipher_suite.order=['TLS_AES_128_GCM_SHA256']\": cipher_suite: "
                   "unknown field; did you mean 'cipher_suites'?"),
            std::string::npos)
      << e;
  e = LoadError("", {"legacy.ciphers.'RC4 128/129'=false"});
  EXPECT_EQ(e,
            "--set \"legacy.ciphers.'RC4 128/129'=false\": legacy.ciphers.\"RC4 128/129\": unknown "
            "key name; did you mean 'RC4 128/128'?");
}

TEST(PolicySet, WrongTypes) {
  std::string e = LoadError("modern", {"key_sizes.dh_server_min='2048'"});
  EXPECT_EQ(e,
            "--set \"key_sizes.dh_server_min='2048'\": key_sizes.dh_server_min: must be an "
            "integer");
  e = LoadError("", {"legacy.ciphers.'RC4 128/128'=0"});
  EXPECT_NE(e.find("legacy.ciphers.\"RC4 128/128\": must be true or false"), std::string::npos)
      << e;
  e = LoadError("", {"cipher_suites.order='TLS_AES_128_GCM_SHA256'"});
  EXPECT_NE(e.find("cipher_suites.order: must be a list of strings"), std::string::npos) << e;
  e = LoadError("", {"cipher_suites=1"});
  EXPECT_EQ(e, "--set \"cipher_suites=1\": cipher_suites: must be a table");
}

TEST(PolicySet, LinesThatMakeThePolicyInvalid) {
  std::string e = LoadError("modern", {"cipher_suites.order=[]"});
  EXPECT_NE(e.find("--set \"cipher_suites.order=[]\": cipher_suites.order: an empty suite list"),
            std::string::npos)
      << e;
  e = LoadError("", {"cipher_suites.order=['TLS_AES_128_GCM_SHA256', 'TLS_BOGUS']"});
  EXPECT_NE(e.find("cipher_suites.order[1]: unknown cipher suite"), std::string::npos) << e;
  e = LoadError("", {"logging.event_logging=9"});
  EXPECT_EQ(e, "--set \"logging.event_logging=9\": logging.event_logging: must be between 0 and 7");
  // Over a section that has values, reset is one more key: the policy file's rule.
  e = LoadError("modern", {"cipher_suites.reset=true"});
  EXPECT_NE(e.find("--set \"cipher_suites.reset=true\": cipher_suites.reset: reset = true must be "
                   "the section's only field"),
            std::string::npos)
      << e;
  // Half a section: the error names the line that brought it.
  e = LoadError("", {"protocols.client=['TLS 1.2']"});
  EXPECT_EQ(e,
            "--set \"protocols.client=['TLS 1.2']\": protocols.server: missing (list the "
            "enabled protocols, e.g. [\"TLS 1.2\"])");
  // A policy file's base error comes first, unchanged.
  auto missing = LoadPolicy("no-such-policy.toml", std::vector<std::string>{"fips.enabled=true"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "no-policy");
  EXPECT_EQ(missing.error().message.rfind("cannot read policy 'no-such-policy.toml'", 0), 0u);
}

TEST(PolicySet, CompilesLikeTheSamePolicyFile) {
  Policy set = Load("", {"cipher_suites.order=['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']",
                         "key_sizes.dh_server_min=2048", "legacy.ciphers.'RC4 128/128'=false"});
  auto file = ParsePolicy(
      "[cipher_suites]\norder = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]\n"
      "[key_sizes]\ndh_server_min = 2048\n[legacy]\nciphers = { \"RC4 128/128\" = false }\n",
      "toml", "same.toml");
  ASSERT_TRUE(file) << file.error().message;
  auto a = CompilePolicy(set, "win10-22h2");
  auto b = CompilePolicy(*file, "win10-22h2");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(a->changes.size(), b->changes.size());
  for (size_t i = 0; i < a->changes.size(); ++i) {
    EXPECT_EQ(a->changes[i].key, b->changes[i].key);
    EXPECT_EQ(a->changes[i].name, b->changes[i].name);
    EXPECT_EQ(a->changes[i].value, b->changes[i].value);
  }
}

}  // namespace
}  // namespace secproto
