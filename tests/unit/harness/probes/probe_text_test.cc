// Shared probe helpers: sync state names, worst-state ordering, nan/inf replacement that
// leaves strings alone, JSON extraction around log lines and trailing stderr.
#include "harness/probes/probe_text.h"

#include <gtest/gtest.h>

#include "harness/probes/sync_sample.h"

namespace healbench {
namespace {

TEST(SyncSample, NamesAndOrdering) {
  EXPECT_EQ(SyncStateName(SyncState::kInSync), "in_sync");
  EXPECT_EQ(SyncStateName(SyncState::kDegraded), "degraded");
  EXPECT_EQ(SyncStateName(SyncState::kHealing), "healing");
  EXPECT_EQ(SyncStateName(SyncState::kUnknown), "unknown");
  EXPECT_EQ(WorseState(SyncState::kInSync, SyncState::kHealing), SyncState::kHealing);
  EXPECT_EQ(WorseState(SyncState::kDegraded, SyncState::kHealing), SyncState::kDegraded);
  EXPECT_EQ(WorseState(SyncState::kDegraded, SyncState::kUnknown), SyncState::kUnknown);
  const SyncSample u = UnknownSample("why");
  EXPECT_EQ(u.state, SyncState::kUnknown);
  EXPECT_EQ(u.detail, "why");
}

TEST(ProbeText, NonFiniteTokensBecomeNullOutsideStrings) {
  EXPECT_EQ(probe_text::ReplaceNonFiniteTokens(
                R"({"a": nan, "b": -nan, "c": inf, "d": -Infinity, "s": "nan inf", "t": true})"),
            R"({"a": null, "b": null, "c": null, "d": null, "s": "nan inf", "t": true})");
  EXPECT_EQ(probe_text::ReplaceNonFiniteTokens(R"(["x\"nan", NaN])"), R"(["x\"nan", null])");
}

TEST(ProbeText, ExtractJsonSkipsLogLinesAndTrailingStderr) {
  std::string why;
  const auto j = probe_text::ExtractJson(
      "2026-11-26T11:39:42 asok(0x7f) failed: {bind}\n\n{\"a\": [1, 2]}\n\nError EBUSY: x\n", &why);
  ASSERT_TRUE(j.has_value()) << why;
  EXPECT_EQ((*j)["a"][1], 2);
  EXPECT_FALSE(probe_text::ExtractJson("{\"a\": [1, 2}", &why).has_value());
  EXPECT_EQ(why, "truncated or malformed JSON (brackets do not close)");
  EXPECT_FALSE(probe_text::ExtractJson("{\"a\": tru}", &why).has_value());
  EXPECT_EQ(why, "malformed JSON");
}

TEST(ProbeText, Numbers) {
  EXPECT_EQ(probe_text::ParseU64(" 42 "), 42u);
  EXPECT_EQ(probe_text::ParseU64("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(probe_text::ParseU64("18446744073709551616").has_value());
  EXPECT_FALSE(probe_text::ParseU64("-1").has_value());
  EXPECT_FALSE(probe_text::ParseU64("").has_value());
  EXPECT_DOUBLE_EQ(*probe_text::ParseDecimal("23.53"), 23.53);
  EXPECT_FALSE(probe_text::ParseDecimal("1.2.3").has_value());
  EXPECT_EQ(probe_text::Normalize("a\xC2\xA0\tb\r\n"), "a  b\n");
}

TEST(ProbeText, ClipCutsLongTextWithoutSplittingACharacter) {
  EXPECT_EQ(probe_text::Clip("short", 10), "short");
  EXPECT_EQ(probe_text::Clip("0123456789", 10), "0123456789");
  EXPECT_EQ(probe_text::Clip("0123456789A", 10), "0123456...");
  // Room for 3 bytes before "...", and the third would be half of the 2-byte é: keep "ab".
  EXPECT_EQ(probe_text::Clip("ab\xC3\xA9"
                             "cdefgh",
                             6),
            "ab...");
}

TEST(ProbeText, JoinLimitedClipsEachItem) {
  const std::string long_item(500, 'b');
  const std::string joined = probe_text::JoinLimited({"a", long_item, "c"}, 2);
  EXPECT_EQ(joined,
            "a; " + long_item.substr(0, probe_text::kMaxJoinItemBytes - 3) + "...; +1 more");
}

}  // namespace
}  // namespace healbench
