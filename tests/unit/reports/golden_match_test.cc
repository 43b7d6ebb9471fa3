// Tests of the golden-file matcher itself, so a golden test can only pass for the right
// reason: "..." within a line, "..." as whole lines, and exact text everywhere else.
#include "tests/unit/reports/golden_match.h"

#include <gtest/gtest.h>

namespace healbench::golden {
namespace {

TEST(GoldenLineMatch, ExactTextMustBeEqual) {
  EXPECT_TRUE(LineMatches("abc", "abc"));
  EXPECT_FALSE(LineMatches("abc", "abcd"));
  EXPECT_FALSE(LineMatches("abc", "ab"));
  EXPECT_TRUE(LineMatches("", ""));
}

TEST(GoldenLineMatch, EllipsisInsideALineMatchesAnyText) {
  EXPECT_TRUE(LineMatches("\"host\": \"...\",", "\"host\": \"node-7.example\","));
  EXPECT_TRUE(LineMatches("\"host\": \"...\",", "\"host\": \"\","));
  EXPECT_FALSE(LineMatches("\"host\": \"...\",", "\"host\": \"x\""));
  EXPECT_TRUE(LineMatches("a...b...c", "a-b-c"));
  EXPECT_TRUE(LineMatches("a...b...c", "abc"));
  EXPECT_FALSE(LineMatches("a...b...c", "ac"));
  EXPECT_TRUE(LineMatches("...", "anything at all"));
}

TEST(GoldenLineMatch, PrefixAndSuffixDoNotOverlap) {
  EXPECT_FALSE(LineMatches("ab...ba", "aba"));
  EXPECT_TRUE(LineMatches("ab...ba", "abba"));
}

TEST(GoldenMatch, IdenticalTextMatches) { EXPECT_EQ(Mismatch("a\nb\n", "a\nb\n"), ""); }

TEST(GoldenMatch, EllipsisLineMatchesZeroOrMoreLines) {
  EXPECT_EQ(Mismatch("a\n...\nz\n", "a\nz\n"), "");
  EXPECT_EQ(Mismatch("a\n...\nz\n", "a\nb\nc\nz\n"), "");
  EXPECT_EQ(Mismatch("a\n  ...\n", "a\nb\n"), "");
  EXPECT_NE(Mismatch("a\n...\nz\n", "a\nb\n"), "");
}

TEST(GoldenMatch, EllipsisLineBacktracksToALaterMatch) {
  // The first "z" is taken by the ellipsis so that the last golden line can match.
  EXPECT_EQ(Mismatch("...\nz\nend\n", "z\nx\nz\nend\n"), "");
}

TEST(GoldenMatch, MissingAndExtraLinesFail) {
  EXPECT_NE(Mismatch("a\nb\n", "a\n"), "");
  EXPECT_NE(Mismatch("a\n", "a\nb\n"), "");
}

TEST(GoldenMatch, MismatchNamesTheFirstDifferingLine) {
  std::string why = Mismatch("a\nb\nc\n", "a\nx\nc\n");
  EXPECT_NE(why.find("golden line 2: \"b\""), std::string::npos) << why;
  EXPECT_NE(why.find("actual line 2: \"x\""), std::string::npos) << why;
}

TEST(GoldenMatch, MaskJsonStringsReplacesOnlyNamedValues) {
  std::string text = "  \"host\": \"box\\\"1\",\n  \"name\": \"keep\"\n";
  EXPECT_EQ(MaskJsonStrings(text, {"host"}), "  \"host\": \"...\",\n  \"name\": \"keep\"\n");
}

}  // namespace
}  // namespace healbench::golden
