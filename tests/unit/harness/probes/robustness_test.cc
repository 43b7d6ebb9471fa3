// Every parser on hostile input: empty, blank, binary, random bytes, other tools' output,
// and every prefix / a byte-flipped copy of every fixture — must return, never throw or
// crash, and say `unknown` where the input carries no answer.
#include <dirent.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "harness/probes/ceph_status.h"
#include "harness/probes/command_output.h"
#include "harness/probes/drbd_status.h"
#include "harness/probes/gluster_heal.h"
#include "harness/probes/md_status.h"
#include "harness/probes/probe_text.h"
#include "tests/unit/harness/probes/fixture.h"

namespace healbench {
namespace {

using Parser = std::function<SyncSample(std::string_view)>;

std::vector<std::pair<std::string, Parser>> Parsers() {
  return {
      {"gluster", [](std::string_view t) { return ParseGlusterHealInfo(t, {}); }},
      {"drbd", [](std::string_view t) { return ParseDrbdStatus(t, {}); }},
      {"ceph", [](std::string_view t) { return ParseCephStatus(t, {}); }},
      {"md", [](std::string_view t) { return ParseMdstat(t, {}); }},
      {"command-regex",
       [](std::string_view t) {
         return ParseCommandOutput(t, {.in_sync_regex = "OK", .pending_regex = R"((\d+) left)"});
       }},
      {"command-json",
       [](std::string_view t) {
         return ParseCommandOutput(t, {.in_sync_pointer = "/ok", .pending_pointer = "/n"});
       }},
      {"ceph-ok-to-stop",
       [](std::string_view t) {
         const CephOkToStop r = ParseCephOkToStop(t);
         SyncSample s;
         if (r.ok_to_stop) s.state = *r.ok_to_stop ? SyncState::kInSync : SyncState::kDegraded;
         s.detail = r.detail;
         return s;
       }},
  };
}

std::vector<std::string> AllFixtures() {
  std::vector<std::string> out;
  for (const char* dir : {"gluster", "drbd", "ceph", "ceph/live", "md"}) {
    const std::string path =
        std::string(HEALBENCH_SOURCE_DIR) + "/tests/unit/harness/probes/fixtures/" + dir;
    DIR* d = opendir(path.c_str());
    if (d == nullptr) continue;
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.ends_with(".txt") || name.ends_with(".tsv"))
        out.push_back(std::string(dir) + "/" + name);
    }
    closedir(d);
  }
  return out;
}

TEST(ProbeRobustness, EmptyBlankAndBinaryAreUnknown) {
  const std::string binary(
      "\x7f"
      "ELF\x02\x01\x01\x00\x00\x00garbage",
      16);
  for (const auto& [name, parse] : Parsers()) {
    EXPECT_EQ(parse("").state, SyncState::kUnknown) << name;
    EXPECT_EQ(parse("").detail, "empty output") << name;
    EXPECT_EQ(parse(" \n\t\n").state, SyncState::kUnknown) << name;
    const SyncSample b = parse(binary);
    EXPECT_EQ(b.state, SyncState::kUnknown) << name;
    EXPECT_EQ(b.detail, "binary output (NUL bytes)") << name;
  }
}

TEST(ProbeRobustness, GarbageTextIsUnknown) {
  const std::vector<std::string> garbage = {"hello world\n",
                                            "{",
                                            "[[[[",
                                            "}}}]]]",
                                            "{\"a\": nan",
                                            "Brick",
                                            "Brick x\nStatus:",
                                            "md0 : active",
                                            "r0 role:Primary\n  volume:0",
                                            "<cliOutput><opRet>0</opRet>",
                                            "Error: connection refused\n",
                                            std::string(100000, '{'),
                                            std::string(50000, '[') + std::string(50000, ']')};
  for (const auto& [name, parse] : Parsers()) {
    for (const std::string& g : garbage) {
      EXPECT_EQ(parse(g).state, SyncState::kUnknown) << name << " on \"" << g.substr(0, 40) << "\"";
    }
  }
}

TEST(ProbeRobustness, RandomBytesNeverCrash) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(1, 255);  // no NUL: reach the parsers proper
  for (int round = 0; round < 50; ++round) {
    std::string text(static_cast<std::size_t>(rng() % 4096), ' ');
    for (char& c : text) c = static_cast<char>(byte(rng));
    for (const auto& [name, parse] : Parsers()) {
      const SyncSample s = parse(text);
      (void)s;
    }
  }
}

TEST(ProbeRobustness, EveryPrefixAndFlipOfEveryFixtureReturns) {
  const auto fixtures = AllFixtures();
  ASSERT_GE(fixtures.size(), 60u);
  std::mt19937 rng(7);
  for (const std::string& f : fixtures) {
    const std::string text = testing::Fixture(f);
    const std::size_t step = std::max<std::size_t>(1, text.size() / 48);
    for (const auto& [name, parse] : Parsers()) {
      for (std::size_t n = 0; n < text.size(); n += step) (void)parse(text.substr(0, n));
      for (int i = 0; i < 10 && !text.empty(); ++i) {
        std::string flipped = text;
        flipped[rng() % flipped.size()] = static_cast<char>(1 + rng() % 255);
        (void)parse(flipped);
      }
    }
  }
}

// Found with the fuzz targets' detail property (tests/fuzz/fuzz_check.h) on long-line inputs:
// a name or line from the output was copied whole into the detail, so one 3000-byte line
// made a 3000-byte "summary" (md, gluster text and XML, ceph ok-to-stop).
TEST(ProbeRobustness, LongLinesGiveAShortDetail) {
  const std::string x(3000, 'x');
  std::vector<std::string> lines;
  for (int i = 0; i < 8; ++i) lines.push_back("Brick h" + std::to_string(i) + x + "\n");
  const std::vector<std::string> inputs = {
      "Personalities : [raid1]\nmd" + x + " : active\n",
      "md0 : active raid1 sda1[0] sdb1[1]\n      100 blocks [2/1] [U_]\nmd1" + x +
          " : inactive sdc1[0]\n",
      "Brick " + x + "\nNumber of entries: abc\n",
      "Brick h:/b\nNumber of entries: " + x + "\n",
      lines[0] + "Status: Transport endpoint is not connected\n" + lines[1] +
          "Status: Transport endpoint is not connected\n",
      "<cliOutput><opRet>-1</opRet><opErrstr>" + x + "</opErrstr></cliOutput>",
      "Error EBUSY " + x + "\n",
      x + " role:Primary\n  disk:UpToDate\n  " + x + " connection:Connecting\n",
      "[{\"name\":\"" + x + "\",\"devices\":[{\"volume\":0,\"disk-state\":\"" + x +
          "\"}],\"connections\":[]}]",
  };
  for (const auto& [name, parse] : Parsers()) {
    for (const std::string& in : inputs) {
      const SyncSample s = parse(in);
      EXPECT_LE(s.detail.size(), kMaxDetailBytes) << name << " on \"" << in.substr(0, 60) << "\"";
      EXPECT_FALSE(s.detail.empty()) << name;
    }
  }
}

TEST(ProbeRobustness, OtherToolsOutputIsUnknown) {
  // Each parser handed another probe's healthy output.
  const std::string gluster = testing::Fixture("gluster/healthy-heal-info-summary.xml.txt");
  const std::string drbd = testing::Fixture("drbd/drbd9_status_json_connected_uptodate.txt");
  const std::string ceph = testing::Fixture("ceph/live/healthy_status.json.txt");
  const std::string md = testing::Fixture("md/mdstat_clean_raid1_raid5.txt");
  EXPECT_EQ(ParseGlusterHealInfo(drbd, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseGlusterHealInfo(md, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseDrbdStatus(gluster, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseDrbdStatus(ceph, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseDrbdStatus(md, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseCephStatus(drbd, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseCephStatus(gluster, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseMdstat(gluster, {}).state, SyncState::kUnknown);
  EXPECT_EQ(ParseMdstat(ceph, {}).state, SyncState::kUnknown);
}

}  // namespace
}  // namespace healbench
