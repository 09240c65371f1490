// Helpers shared by the .reg tests (reg_file_test.cc, reg_file-posix_test.cc).
#ifndef SECPROTO_TESTS_UNIT_REG_FILE_TEST_UTIL_H_
#define SECPROTO_TESTS_UNIT_REG_FILE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/strings.h"
#include "registry/reg_file.h"
#include "secproto/registry.h"

namespace secproto::regtest {

inline constexpr const char* kWinHttp =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
inline constexpr const char* kWinHttp32 =
    "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";

inline std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

inline std::string Fixture(const std::string& name) {
  return ReadAll(std::string(SECPROTO_SOURCE_DIR) + "/tests/data/regfile/" + name);
}

// UTF-16LE with BOM from UTF-8 text, "\n" becoming "\r\n".
inline std::string Utf16File(const std::string& text) {
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::vector<uint8_t> u = Utf8ToUtf16Le(crlf);
  return "\xFF\xFE" + std::string(u.begin(), u.end());
}

// The text of a UTF-16LE (BOM) file as UTF-8.
inline std::string TextOf(const std::string& bytes) {
  EXPECT_EQ(bytes.substr(0, 2), "\xFF\xFE");
  auto t = Utf16LeToUtf8(reinterpret_cast<const uint8_t*>(bytes.data()) + 2, bytes.size() - 2);
  EXPECT_TRUE(t.has_value());
  return t.value_or("");
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

inline RegValue Wide(const std::string& utf8, bool terminate = true) {
  RegValue v{kRegSz, Utf8ToUtf16Le(utf8)};
  if (terminate) v.data.insert(v.data.end(), {0, 0});
  return v;
}

inline RegDocument MustParse(const std::string& bytes) {
  auto doc = RegDocument::Parse(bytes, "t.reg");
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  if (!doc) return RegDocument::NewEmpty();
  return std::move(*doc);
}

inline std::string ParseError(const std::string& bytes) {
  auto doc = RegDocument::Parse(bytes, "bad.reg");
  EXPECT_FALSE(doc.has_value());
  if (doc) return "";
  EXPECT_EQ(doc.error().kind, ErrorKind::kTarget);
  EXPECT_EQ(doc.error().code, "bad-reg-file");
  EXPECT_EQ(doc.error().message.find('\n'), std::string::npos);
  return doc.error().message;
}

}  // namespace secproto::regtest

#endif  // SECPROTO_TESTS_UNIT_REG_FILE_TEST_UTIL_H_
