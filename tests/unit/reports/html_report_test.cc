// Tests of report.html: the page structure, tables and embedded data against a golden file
// (the inline CSS/JS elided with "..."), escaping, no external resources, and the size of an
// hour at 100 ms.
#include "reports/html_report.h"

#include <gtest/gtest.h>

#include "reports/report_data.h"
#include "tests/unit/reports/golden_match.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

// The JSON inside <script id="healbench-data">.
nlohmann::json EmbeddedData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"healbench-data\">";
  const auto begin = html.find(open);
  const auto end = html.find("</script>", begin);
  if (begin == std::string::npos || end == std::string::npos) return nullptr;
  return nlohmann::json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

TEST(HtmlReport, MatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("html_report", HtmlReport(SampleRun())));
}

TEST(HtmlReport, EmptyRunMatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("html_report_empty", HtmlReport(RunResult{})));
}

TEST(HtmlReport, EmbedsTheSeriesAsColumns) {
  const nlohmann::json data = EmbeddedData(HtmlReport(SampleRun()));
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(data["series"]["t_s"], nlohmann::json::parse("[1, 21, 40, 60]"));
  EXPECT_EQ(data["series"]["read_iops"], nlohmann::json::parse("[600, 120.5, 500, 700]"));
  EXPECT_EQ(data["series"]["oldest_inflight_age_s"],
            nlohmann::json::parse("[0.012, 1.346, 0.75, 4.2]"));
  EXPECT_EQ(data["histograms"][0]["read"][0], nlohmann::json::parse("[63488, 64000, 6000]"));
  EXPECT_EQ(data["sync"][1]["state"], "degraded");
  EXPECT_EQ(data["sync"][1]["end_s"], 40);
  EXPECT_EQ(data["events"].size(), 3u);
}

TEST(HtmlReport, EscapesTextFromTheRun) {
  RunResult r = SampleRun();
  r.events[0].detail = "</script><script>alert(1)</script> & \"quoted\"";
  r.context.scenario["run"]["name"] = "<b>x</b>";
  const std::string html = HtmlReport(r);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted"),
            std::string::npos);
  EXPECT_NE(html.find("<h1>healbench report: &lt;b&gt;x&lt;/b&gt;</h1>"), std::string::npos);
  // The data block stays one element and parses.
  EXPECT_EQ(EmbeddedData(html)["events"][0]["kind"], "fault");
}

TEST(HtmlReport, LoadsNothingFromTheNetwork) {
  const std::string html = HtmlReport(SampleRun());
  for (const char* needle : {" src=", " href=", "@import", "url(", "https:", "fetch(",
                             "XMLHttpRequest", "<link", "<iframe", "<img"}) {
    EXPECT_EQ(html.find(needle), std::string::npos) << needle;
  }
}

TEST(HtmlReport, AnHourAtOneHundredMillisecondsStaysUnderTenMegabytes) {
  RunResult r = SampleRun();
  r.duration_s = 3600;
  r.timeseries.clear();
  for (int i = 1; i <= 36000; ++i) {
    IntervalRow row;
    row.t_s = i * 0.1;
    row.phase = "baseline";
    row.read_iops = 123456.7 + i;
    row.write_iops = 65432.1 + i;
    row.flush_iops = 4321.5;
    row.read_mib_s = 482.26;
    row.write_mib_s = 255.59;
    row.p50_ns = 812'345;
    row.p99_ns = 3'456'789;
    row.p999_ns = 12'345'678;
    row.max_ns = 1'234'567'890;
    row.inflight = 32;
    row.oldest_inflight_age_s = 0.123;
    row.sync_state = "in_sync";
    r.timeseries.push_back(row);
  }
  const std::string html = HtmlReport(r);
  EXPECT_LT(html.size(), 10u * 1000 * 1000) << html.size();
  EXPECT_EQ(EmbeddedData(html)["series"]["t_s"].size(), 36000u);
}

TEST(EmbedJson, OneMemberPerLineAndNoLessThanSign) {
  const nlohmann::json j = {{"a", "</script><!--"}, {"b", {1, 2}}};
  EXPECT_EQ(EmbedJson(j), "{\n\"a\":\"\\u003c/script>\\u003c!--\",\n\"b\":[1,2]\n}");
  EXPECT_EQ(nlohmann::json::parse(EmbedJson(j)), j);
}

}  // namespace
}  // namespace healbench::report
