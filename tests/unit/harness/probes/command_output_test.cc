// The command probe's parser: regex and JSON-pointer modes, precedence between them, and
// bad patterns that must become `unknown` (or a validation error) instead of throwing.
#include "harness/probes/command_output.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(CommandOutput, InSyncRegex) {
  CommandProbeOptions o{.in_sync_regex = "Health: OK"};
  EXPECT_EQ(ParseCommandOutput("Health: OK\n", o).state, SyncState::kInSync);
  SyncSample s = ParseCommandOutput("Health: WARN\n", o);
  EXPECT_EQ(s.state, SyncState::kUnknown);  // as a failing CLI's error text would be
  EXPECT_EQ(s.detail, "no pattern matched the output");
  o.no_match_is_degraded = true;
  EXPECT_EQ(ParseCommandOutput("Health: WARN\n", o).state, SyncState::kDegraded);
}

TEST(CommandOutput, PendingRegexFirstGroup) {
  const CommandProbeOptions o{.in_sync_regex = "all clean", .pending_regex = R"(pending: (\d+))"};
  SyncSample s = ParseCommandOutput("state: resync\npending: 42\n", o);
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 42u);
  EXPECT_EQ(s.detail, "42 entries pending");
  s = ParseCommandOutput("pending: 0\n", o);
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.pending_entries, 0u);
  EXPECT_EQ(ParseCommandOutput("all clean\n", o).state, SyncState::kInSync);
}

TEST(CommandOutput, PendingBytes) {
  const CommandProbeOptions o{.pending_regex = R"(dirty=(\d+))", .pending_is_bytes = true};
  const SyncSample s = ParseCommandOutput("dirty=1048576", o);
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, 1048576u);
  EXPECT_FALSE(s.pending_entries.has_value());
}

TEST(CommandOutput, DegradedRegexWins) {
  const CommandProbeOptions o{.in_sync_regex = "ok",
                              .degraded_regex = "node (\\w+) down",
                              .pending_regex = R"(pending: (\d+))"};
  const SyncSample s = ParseCommandOutput("ok\npending: 3\nnode b down\n", o);
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.detail, "degraded_regex matched \"node b down\"");
}

TEST(CommandOutput, JsonPointers) {
  const CommandProbeOptions o{.in_sync_pointer = "/health/in_sync", .pending_pointer = "/pending"};
  SyncSample s = ParseCommandOutput(R"({"health": {"in_sync": true}, "pending": 0})", o);
  EXPECT_EQ(s.state, SyncState::kInSync);
  s = ParseCommandOutput(R"({"health": {"in_sync": false}, "pending": 12})", o);
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 12u);
  s = ParseCommandOutput(R"({"health": {"in_sync": false}, "pending": 0})", o);
  EXPECT_EQ(s.state, SyncState::kDegraded);
  s = ParseCommandOutput("warning: slow\n{\"health\": {\"in_sync\": true}}\n", o);
  EXPECT_EQ(s.state, SyncState::kInSync);  // log line before the JSON, no pending key
  s = ParseCommandOutput(R"({"pending": "x"})", o);
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "/pending is not a non-negative number");
  s = ParseCommandOutput(R"({"other": 1})", o);
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "command output has none of /pending, /health/in_sync");
}

TEST(CommandOutput, BadPatternsAreUnknownNotThrown) {
  const CommandProbeOptions bad_regex{.in_sync_regex = "(unclosed"};
  const SyncSample s = ParseCommandOutput("anything", bad_regex);
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_TRUE(s.detail.starts_with("bad in_sync_regex \"(unclosed\": ")) << s.detail;
  const CommandProbeOptions bad_pointer{.in_sync_pointer = "no-slash"};
  EXPECT_EQ(ParseCommandOutput("{}", bad_pointer).state, SyncState::kUnknown);
  const CommandProbeOptions no_group{.pending_regex = "pending"};
  EXPECT_EQ(ParseCommandOutput("pending", no_group).detail,
            "pending_regex has no first capture group");
  EXPECT_EQ(ParseCommandOutput("x", {}).detail,
            "no in_sync_regex, pending_regex or JSON pointer configured");
}

TEST(CommandOutput, Validation) {
  EXPECT_EQ(ValidateCommandProbeOptions({.in_sync_regex = "OK"}), "");
  EXPECT_EQ(ValidateCommandProbeOptions({.pending_regex = "pending"}),
            "pending_regex needs a capture group for the amount");
  EXPECT_TRUE(ValidateCommandProbeOptions({.in_sync_regex = "["}).starts_with("bad in_sync_regex"));
  EXPECT_TRUE(
      ValidateCommandProbeOptions({.in_sync_pointer = "x"}).starts_with("bad JSON pointer \"x\""));
  EXPECT_EQ(ValidateCommandProbeOptions({}),
            "command probe needs in_sync_regex, pending_regex or a JSON pointer");
  EXPECT_EQ(ValidateCommandProbeOptions({.in_sync_regex = "a", .pending_pointer = "/p"}),
            "command probe takes regexes or JSON pointers, not both");
}

}  // namespace
}  // namespace healbench
