// The fleet's messages survive encoding exactly (counts, raw histogram bins, slow I/Os, events)
// and a truncated or foreign message is refused, never read past its end.
#include "harness/fleet/fleet_messages.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

LatencyHistogram Latencies(std::initializer_list<std::int64_t> values) {
  LatencyHistogram h;
  for (std::int64_t v : values) h.Record(v);
  return h;
}

TEST(FleetMessages, IntervalsRoundTripWithExactHistograms) {
  FleetIntervals in;
  in.inflight = 17;
  in.oldest_age_ns = 1234567;
  IntervalReport r;
  r.index = 42;
  r.ops[0] = {100, 409600, 2};
  r.ops[1] = {50, 204800, 0};
  r.latency[0] = Latencies({1000, 250000, 3000000000});
  r.latency[1] = Latencies({77});
  r.inflight_max = 32;
  in.reports.emplace_back(3, r);
  FleetIntervals out;
  ASSERT_TRUE(DecodeIntervals(EncodeIntervals(in), &out));
  EXPECT_EQ(out.inflight, 17u);
  EXPECT_EQ(out.oldest_age_ns, 1234567);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].first, 3u);
  const IntervalReport& o = out.reports[0].second;
  EXPECT_EQ(o.index, 42);
  EXPECT_EQ(o.ops[0].ios, 100u);
  EXPECT_EQ(o.ops[0].bytes, 409600u);
  EXPECT_EQ(o.ops[0].errors, 2u);
  EXPECT_EQ(o.latency[0].NonEmptyBins(), r.latency[0].NonEmptyBins());
  EXPECT_EQ(o.latency[0].Min(), 1000);
  EXPECT_EQ(o.latency[0].Max(), 3000000000);
  EXPECT_DOUBLE_EQ(o.latency[0].Mean(), r.latency[0].Mean());
  EXPECT_EQ(o.latency[0].Percentile(0.99), r.latency[0].Percentile(0.99));
  EXPECT_EQ(o.latency[1].Count(), 1u);
  EXPECT_EQ(o.latency[2].Count(), 0u);
  EXPECT_EQ(o.inflight_max, 32u);
}

TEST(FleetMessages, FinalRoundTripKeepsPhasesAndStallData) {
  FleetFinal f;
  f.exit_code = 1;
  f.results_json = "{\"schema\": \"healbench/1\"}";
  FleetWorkerData d;
  PhaseStats ps;
  ps.ops[1] = {9, 36864, 1};
  ps.latency[1] = Latencies({5000, 6000, 900000000});
  ps.service[1] = Latencies({4000});
  d.phases = {ps, PhaseStats{}};
  d.threshold_ns = 500000000;
  d.last_completion_rel_ns = 9000000000;
  d.completions = 12345;
  d.finished = true;
  d.slow = {{100, 900000100, OpKind::kWrite, 2}, {200, -1, OpKind::kFlush, 0}};
  d.gaps = {{3000000000, 4000000000}};
  f.workers = {d};
  FleetFinal out;
  ASSERT_TRUE(DecodeFinal(EncodeFinal(f), &out));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.results_json, f.results_json);
  ASSERT_EQ(out.workers.size(), 1u);
  const FleetWorkerData& o = out.workers[0];
  ASSERT_EQ(o.phases.size(), 2u);
  EXPECT_EQ(o.phases[0].ops[1].ios, 9u);
  EXPECT_EQ(o.phases[0].latency[1].NonEmptyBins(), ps.latency[1].NonEmptyBins());
  EXPECT_EQ(o.phases[0].service[1].Count(), 1u);
  EXPECT_EQ(o.threshold_ns, 500000000);
  EXPECT_EQ(o.last_completion_rel_ns, 9000000000);
  EXPECT_EQ(o.completions, 12345u);
  EXPECT_TRUE(o.finished);
  ASSERT_EQ(o.slow.size(), 2u);
  EXPECT_EQ(o.slow[0].end_ns, 900000100);
  EXPECT_EQ(o.slow[0].op, OpKind::kWrite);
  EXPECT_EQ(o.slow[0].image, 2u);
  EXPECT_EQ(o.slow[1].end_ns, -1);
  ASSERT_EQ(o.gaps.size(), 1u);
  EXPECT_EQ(o.gaps[0].end_ns, 4000000000);
}

TEST(FleetMessages, SetupHelloAndControlRoundTrip) {
  FleetSetup s{"", "/tmp/out", 99, {"127.0.0.1:4001", "127.0.0.1:4002"}};
  FleetSetup so;
  ASSERT_TRUE(DecodeSetup(EncodeSetup(s), &so));
  EXPECT_EQ(so.out_dir, "/tmp/out");
  EXPECT_EQ(so.seed, 99u);
  EXPECT_EQ(so.nodes, s.nodes);

  FleetHello h{"", "host7", 2, {"vm-r3-0", "vm-r3-1"}};
  FleetHello ho;
  ASSERT_TRUE(DecodeHello(EncodeHello(h), &ho));
  EXPECT_EQ(ho.host, "host7");
  EXPECT_EQ(ho.workers, 2u);
  EXPECT_EQ(ho.images, h.images);

  FleetControlItem e;
  e.kind = FleetControlItem::Kind::kEvent;
  e.t_rel_ns = 3000000000;
  e.end_rel_ns = 6000000000;
  e.kind_name = "fault";
  e.action = "freeze";
  e.node = "node2";
  e.ok = false;
  e.detail = "SIGSTOP";
  FleetControlItem ep;
  ep.kind = FleetControlItem::Kind::kEpochs;
  ep.fault_epoch = 2;
  ep.fault_end_epoch = 1;
  std::vector<FleetControlItem> items;
  ASSERT_TRUE(DecodeControl(EncodeControl({e, ep}), &items));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].action, "freeze");
  EXPECT_EQ(items[0].end_rel_ns, 6000000000);
  EXPECT_FALSE(items[0].ok);
  EXPECT_EQ(items[1].kind, FleetControlItem::Kind::kEpochs);
  EXPECT_EQ(items[1].fault_epoch, 2u);
}

TEST(FleetMessages, TruncatedOrForeignMessagesAreRefused) {
  FleetIntervals in;
  in.reports.emplace_back(0, IntervalReport{});
  std::vector<std::uint8_t> bytes = EncodeIntervals(in);
  FleetIntervals out;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    EXPECT_FALSE(DecodeIntervals(cut, &out)) << "truncated to " << n << " bytes";
  }
  FleetSetup s;
  EXPECT_FALSE(DecodeSetup(bytes, &s));  // an Intervals message is not a Setup
  bytes.push_back(0);
  EXPECT_FALSE(DecodeIntervals(bytes, &out));  // trailing garbage
  EXPECT_FALSE(MessageType({}).has_value());
  EXPECT_FALSE(MessageType({0x7f}).has_value());
}

TEST(FleetMessages, HugeCountsAreRefusedWithoutAllocating) {
  std::vector<std::uint8_t> bytes = EncodeSetup(FleetSetup{});
  // The node count is the last 8 bytes: claim 2^60 nodes.
  bytes[bytes.size() - 1] = 0x10;
  FleetSetup s;
  EXPECT_FALSE(DecodeSetup(bytes, &s));
}

TEST(FleetMessages, BinIndexOutOfRangeIsRefused) {
  FleetIntervals in;
  IntervalReport r;
  r.latency[0] = Latencies({1000});
  in.reports.emplace_back(0, r);
  std::vector<std::uint8_t> bytes = EncodeIntervals(in);
  // Layout: type 1, inflight 4, age 8, count 8, worker 4, index 8, counters 24, bins count 8,
  // then the first bin's index (4 bytes).
  const std::size_t bin_index_at = 1 + 4 + 8 + 8 + 4 + 8 + 24 + 8;
  bytes[bin_index_at + 3] = 0x7f;
  FleetIntervals out;
  EXPECT_FALSE(DecodeIntervals(bytes, &out));
}

}  // namespace
}  // namespace healbench
