// Tests of the results.json reader: the sample run survives ToJson -> FromJson -> ToJson
// unchanged, missing optional keys keep defaults, and errors name the schema, the key path
// or the file.
#include "reports/results_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "reports/results_json.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

using nlohmann::json;

TEST(ResultsReader, SampleRunRoundTripsExactly) {
  const json original = ToJson(SampleRun());
  RunResult back;
  std::string error;
  ASSERT_TRUE(FromJson(original, &back, &error)) << error;
  EXPECT_EQ(ToJson(back), original);
}

TEST(ResultsReader, RoundTripsThroughText) {
  const std::string text = ResultsJsonText(SampleRun());
  RunResult back;
  std::string error;
  ASSERT_TRUE(FromJson(json::parse(text), &back, &error)) << error;
  EXPECT_EQ(ResultsJsonText(back), text);
}

TEST(ResultsReader, ExpectedStallRoundTrips) {
  RunResult r = SampleRun();
  r.derived.expected_stall_s = 5.0;
  r.derived.expected_stall_basis = "network.ping-timeout of volume gv0";
  RunResult back;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(r), &back, &error)) << error;
  EXPECT_EQ(back.derived.expected_stall_s, 5.0);
  EXPECT_EQ(back.derived.expected_stall_basis, "network.ping-timeout of volume gv0");
}

TEST(ResultsReader, EmptyRunRoundTrips) {
  const json original = ToJson(RunResult{});
  RunResult back;
  std::string error;
  ASSERT_TRUE(FromJson(original, &back, &error)) << error;
  EXPECT_EQ(ToJson(back), original);
}

TEST(ResultsReader, MissingOptionalKeysKeepDefaults) {
  RunResult r;
  std::string error;
  ASSERT_TRUE(FromJson(json{{"schema", "healbench/1"}, {"duration_s", 2.5}}, &r, &error)) << error;
  EXPECT_EQ(r.duration_s, 2.5);
  EXPECT_TRUE(r.timeseries.empty());
  EXPECT_FALSE(r.derived.max_stall_s.has_value());
  EXPECT_FALSE(r.integrity.lost_writes.has_value());
}

TEST(ResultsReader, NullsBecomeNullopt) {
  json j = ToJson(SampleRun());
  RunResult r;
  std::string error;
  ASSERT_TRUE(FromJson(j, &r, &error)) << error;
  EXPECT_FALSE(r.derived.heal_stall_max_s.has_value());
  EXPECT_FALSE(r.slo_checks[2].pass.has_value());
  EXPECT_FALSE(r.events[2].end_s.has_value());
  EXPECT_EQ(r.timeseries[3].sync_state, "");
}

TEST(ResultsReader, OtherSchemaIsRefused) {
  RunResult r;
  std::string error;
  EXPECT_FALSE(FromJson(json{{"schema", "healbench/2"}}, &r, &error));
  EXPECT_EQ(error, "schema is \"healbench/2\", expected \"healbench/1\"");
  EXPECT_FALSE(FromJson(json{{"duration_s", 1}}, &r, &error));
  EXPECT_EQ(error, "no \"schema\" key: not a healbench results file (expected \"healbench/1\")");
  EXPECT_FALSE(FromJson(json::array(), &r, &error));
  EXPECT_EQ(error, "expected a JSON object, got array");
}

TEST(ResultsReader, WrongTypeNamesThePath) {
  json j = ToJson(SampleRun());
  j["phases"][1]["read"]["iops"] = "fast";
  RunResult r;
  std::string error;
  EXPECT_FALSE(FromJson(j, &r, &error));
  EXPECT_EQ(error, "phases[1].read.iops: expected a number, got string");

  j = ToJson(SampleRun());
  j["timeseries"][2]["inflight"] = -3;
  EXPECT_FALSE(FromJson(j, &r, &error));
  EXPECT_EQ(error, "timeseries[2].inflight: expected a count >= 0");

  j = ToJson(SampleRun());
  j["phases"][0]["write"]["histogram"]["bins"][1] = json::array({1});
  EXPECT_FALSE(FromJson(j, &r, &error));
  EXPECT_EQ(error, "phases[0].write.histogram.bins[1]: expected [bin index, count]");
}

TEST(ResultsReader, UnknownHistogramLayoutIsRefused) {
  json j = ToJson(SampleRun());
  j["phases"][0]["read"]["histogram"]["layout"] = "hdr-3";
  RunResult r;
  std::string error;
  EXPECT_FALSE(FromJson(j, &r, &error));
  EXPECT_NE(error.find("phases[0].read.histogram.layout: \"hdr-3\""), std::string::npos) << error;
}

class ResultsFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& p : paths_) std::remove(p.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(ResultsFileTest, LoadsAFile) {
  const std::string path = Write("reader_ok.json", ResultsJsonText(SampleRun()));
  RunResult r;
  std::string error;
  ASSERT_TRUE(LoadResultsFile(path, &r, &error)) << error;
  EXPECT_EQ(r.context.seed, 42u);
  EXPECT_EQ(r.timeseries.size(), 4u);
}

TEST_F(ResultsFileTest, ErrorsStartWithThePath) {
  RunResult r;
  std::string error;
  const std::string missing = ::testing::TempDir() + "/no-such-results.json";
  EXPECT_FALSE(LoadResultsFile(missing, &r, &error));
  EXPECT_EQ(error, missing + ": cannot open: No such file or directory [errno 2]");

  const std::string garbage = Write("reader_garbage.json", "{\"schema\": ");
  EXPECT_FALSE(LoadResultsFile(garbage, &r, &error));
  EXPECT_EQ(error.rfind(garbage + ": not JSON: ", 0), 0u) << error;

  const std::string other = Write("reader_other.json", "{\"schema\": \"fio\"}");
  EXPECT_FALSE(LoadResultsFile(other, &r, &error));
  EXPECT_EQ(error, other + ": schema is \"fio\", expected \"healbench/1\"");
}

}  // namespace
}  // namespace healbench::report
