// libFuzzer target for the .reg parser and editor (src/registry/reg_file.cc).
// Properties checked beyond "no crash":
//  - a parse error is one line that starts with the file's name;
//  - an unmodified document serialises to exactly the bytes parsed;
//  - after SetValue / DeleteValue / RemoveKeyIfEmpty the state says what the
//    edit promised, and the written file parses back to the same state;
//  - any value (type, bytes) written by FormatRegValueLine reads back equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/reg_file.h"

namespace {

using secproto::RegDocument;
using secproto::RegValue;

constexpr std::string_view kKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
constexpr std::string_view kName = "DefaultSecureProtocols";

void Check(bool ok) {
  if (!ok) std::abort();
}

// Serialises, parses again, and checks that the state survived.
void CheckRoundTrip(const RegDocument& doc) {
  std::string bytes = doc.Serialize();
  auto again = RegDocument::Parse(bytes, "written.reg");
  Check(again.has_value());
  Check(again->Dump() == doc.Dump());
}

void FuzzDocument(std::string_view in) {
  auto doc = RegDocument::Parse(in, "fuzz.reg");
  if (!doc) {
    const std::string& m = doc.error().message;
    Check(m.rfind("fuzz.reg", 0) == 0);
    Check(m.find('\n') == std::string::npos);
    return;
  }
  Check(!doc->modified());
  Check(doc->Serialize() == in);

  RegValue want = RegValue::Dword(0x2800);
  Check(doc->SetValue(kKey, kName, want).has_value());
  Check(doc->GetValue(kKey, kName) == want);
  CheckRoundTrip(*doc);

  Check(doc->DeleteValue(kKey, kName));
  Check(!doc->GetValue(kKey, kName).has_value());
  doc->RemoveKeyIfEmpty(kKey);
  CheckRoundTrip(*doc);
}

void FuzzValue(std::string_view in) {
  if (in.size() < 2) return;
  static const std::string_view kNames[] = {"", "DefaultSecureProtocols", "a\"b\\c\\",
                                            "\xC3\x9C" "ber \xF0\x9F\x94\x92"};
  std::string_view name = kNames[static_cast<uint8_t>(in[0]) % 4];
  RegValue v;
  v.type = static_cast<uint8_t>(in[1]) % 16;
  if (static_cast<uint8_t>(in[1]) >= 0xF0) v.type = 0x10000u * static_cast<uint8_t>(in[1]);
  v.data.assign(in.begin() + 2, in.end());
  RegDocument doc = RegDocument::NewEmpty();
  Check(doc.SetValue("HKCU\\Software\\Fuzz", name, v).has_value());
  auto again = RegDocument::Parse(doc.Serialize(), "value.reg");
  Check(again.has_value());
  Check(again->GetValue("HKEY_CURRENT_USER\\Software\\Fuzz", name) == v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzDocument(in);
  FuzzValue(in);
  return 0;
}
