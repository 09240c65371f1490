// The `show --json` shape (secproto/show_json.h): what InspectionJson writes,
// ReadShowJsonSnapshot reads back to the same inspection.
#include "secproto/show_json.h"

#include <gtest/gtest.h>

#include <string>

#include "secproto/audit.h"
#include "secproto/protocols.h"
#include "secproto/setting.h"
#include "secproto/testing.h"

namespace secproto {
namespace {

// Writes `backend`'s inspection as `show --json` prints it, reads it back,
// and inspects the snapshot: the same document must come out.
void ExpectRoundTrip(RegistryBackend& backend) {
  auto ins = Inspect(backend);
  ASSERT_TRUE(ins.has_value()) << ins.error().message;
  OrderedJson written = InspectionJson(*ins);
  auto snapshot = ReadShowJsonSnapshot(written.dump(2), ins->target);
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message;
  auto again = Inspect(**snapshot);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(InspectionJson(*again).dump(2), written.dump(2));
}

TEST(ShowJson, RoundTripsA64BitTargetWithBothViews) {
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, RegValue::Dword(0x2800)));
  ASSERT_TRUE(mem.SetValue(View::k32, kWinHttpKey, kValueName, RegValue::Dword(0xA80)));
  ASSERT_TRUE(
      mem.SetValue(View::k64, kWinHttpKey, "ForceDefaultSecureProtocols", RegValue::Dword(1)));
  ExpectRoundTrip(mem);
}

TEST(ShowJson, RoundTripsMissingAndWrongTypeValues) {
  MemBackend mem(Architecture::k64Bit);
  ASSERT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, RegValue::String("0x2800")));
  ExpectRoundTrip(mem);
  MemBackend empty(Architecture::k64Bit);
  ExpectRoundTrip(empty);
}

TEST(ShowJson, RoundTripsA32BitTarget) {
  MemBackend mem(Architecture::k32Bit);
  ASSERT_TRUE(mem.SetValue(View::k64, kWinHttpKey, kValueName, RegValue::Dword(0x800)));
  ExpectRoundTrip(mem);
}

TEST(ShowJson, ArchitectureNamesAreWhatTheReaderKnows) {
  EXPECT_EQ(ArchitectureName(Architecture::k64Bit), "64-bit");
  EXPECT_EQ(ArchitectureName(Architecture::k32Bit), "32-bit");
  EXPECT_EQ(ArchitectureName(Architecture::kUnknown), "unknown");
}

}  // namespace
}  // namespace secproto
