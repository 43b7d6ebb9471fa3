// Encoding of the fleet's messages. See fleet_messages.h.
#include "harness/fleet/fleet_messages.h"

#include "harness/fleet/byte_codec.h"

namespace healbench {
namespace {

ByteWriter Start(FleetMsg type) {
  ByteWriter w;
  w.U8(static_cast<std::uint8_t>(type));
  return w;
}

bool Open(ByteReader& r, FleetMsg type) { return r.U8() == static_cast<std::uint8_t>(type); }

void PutStrings(ByteWriter& w, const std::vector<std::string>& v) {
  w.U64(v.size());
  for (const std::string& s : v) w.Str(s);
}

std::vector<std::string> GetStrings(ByteReader& r) {
  std::vector<std::string> v(r.Count(8));
  for (std::string& s : v) s = r.Str();
  return v;
}

void PutHistogram(ByteWriter& w, const LatencyHistogram& h) {
  const LatencyHistogram::Parts p = h.ToParts();
  w.U64(p.bins.size());
  for (const auto& [index, n] : p.bins) {
    w.U32(static_cast<std::uint32_t>(index));
    w.U64(n);
  }
  w.I64(p.min);
  w.I64(p.max);
  w.F64(p.sum_hi);
  w.F64(p.sum_lo);
}

LatencyHistogram GetHistogram(ByteReader& r) {
  LatencyHistogram::Parts p;
  p.bins.resize(r.Count(12));
  for (auto& [index, n] : p.bins) {
    index = static_cast<int>(r.U32());
    n = r.U64();
  }
  p.min = r.I64();
  p.max = r.I64();
  p.sum_hi = r.F64();
  p.sum_lo = r.F64();
  auto h = LatencyHistogram::FromParts(p);
  if (!h) {
    r.Fail();  // a bin index out of range: the message is refused
    return {};
  }
  return *h;
}

void PutCounters(ByteWriter& w, const OpCounters& c) {
  w.U64(c.ios);
  w.U64(c.bytes);
  w.U64(c.errors);
}

OpCounters GetCounters(ByteReader& r) {
  OpCounters c;
  c.ios = r.U64();
  c.bytes = r.U64();
  c.errors = r.U64();
  return c;
}

}  // namespace

std::optional<FleetMsg> MessageType(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty() || bytes[0] < 1 || bytes[0] > 6) return std::nullopt;
  return static_cast<FleetMsg>(bytes[0]);
}

std::vector<std::uint8_t> EncodeSetup(const FleetSetup& m) {
  ByteWriter w = Start(FleetMsg::kSetup);
  w.Str(m.error);
  w.Str(m.out_dir);
  w.U64(m.seed);
  PutStrings(w, m.nodes);
  return w.Take();
}

bool DecodeSetup(const std::vector<std::uint8_t>& bytes, FleetSetup* m) {
  ByteReader r(bytes);
  if (!Open(r, FleetMsg::kSetup)) return false;
  m->error = r.Str();
  m->out_dir = r.Str();
  m->seed = r.U64();
  m->nodes = GetStrings(r);
  return r.ok() && r.at_end();
}

std::vector<std::uint8_t> EncodeHello(const FleetHello& m) {
  ByteWriter w = Start(FleetMsg::kHello);
  w.Str(m.error);
  w.Str(m.host);
  w.U32(m.workers);
  PutStrings(w, m.images);
  return w.Take();
}

bool DecodeHello(const std::vector<std::uint8_t>& bytes, FleetHello* m) {
  ByteReader r(bytes);
  if (!Open(r, FleetMsg::kHello)) return false;
  m->error = r.Str();
  m->host = r.Str();
  m->workers = r.U32();
  m->images = GetStrings(r);
  return r.ok() && r.at_end();
}

std::vector<std::uint8_t> EncodeIntervals(const FleetIntervals& m) {
  ByteWriter w = Start(FleetMsg::kIntervals);
  w.U32(m.inflight);
  w.I64(m.oldest_age_ns);
  w.U64(m.reports.size());
  for (const auto& [worker, rep] : m.reports) {
    w.U32(worker);
    w.I64(rep.index);
    for (int op = 0; op < kReportedOps; ++op) {
      PutCounters(w, rep.ops[op]);
      PutHistogram(w, rep.latency[op]);
    }
    w.U32(rep.inflight_max);
  }
  return w.Take();
}

bool DecodeIntervals(const std::vector<std::uint8_t>& bytes, FleetIntervals* m) {
  ByteReader r(bytes);
  if (!Open(r, FleetMsg::kIntervals)) return false;
  m->inflight = r.U32();
  m->oldest_age_ns = r.I64();
  m->reports.resize(r.Count(208));  // the smallest report: empty histograms
  for (auto& [worker, rep] : m->reports) {
    worker = r.U32();
    rep.index = r.I64();
    for (int op = 0; op < kReportedOps; ++op) {
      rep.ops[op] = GetCounters(r);
      rep.latency[op] = GetHistogram(r);
    }
    rep.inflight_max = r.U32();
  }
  return r.ok() && r.at_end();
}

std::vector<std::uint8_t> EncodeControl(const std::vector<FleetControlItem>& items) {
  ByteWriter w = Start(FleetMsg::kControl);
  w.U64(items.size());
  for (const FleetControlItem& c : items) {
    w.U8(static_cast<std::uint8_t>(c.kind));
    w.I64(c.t_rel_ns);
    w.I64(c.end_rel_ns);
    w.Str(c.kind_name);
    w.Str(c.action);
    w.Str(c.node);
    w.Str(c.detail);
    w.U8(c.ok ? 1 : 0);
    w.U32(c.fault_epoch);
    w.U32(c.fault_end_epoch);
  }
  return w.Take();
}

bool DecodeControl(const std::vector<std::uint8_t>& bytes, std::vector<FleetControlItem>* items) {
  ByteReader r(bytes);
  if (!Open(r, FleetMsg::kControl)) return false;
  items->resize(r.Count(58));
  for (FleetControlItem& c : *items) {
    const std::uint8_t kind = r.U8();
    if (kind < 1 || kind > 4) return false;
    c.kind = static_cast<FleetControlItem::Kind>(kind);
    c.t_rel_ns = r.I64();
    c.end_rel_ns = r.I64();
    c.kind_name = r.Str();
    c.action = r.Str();
    c.node = r.Str();
    c.detail = r.Str();
    c.ok = r.U8() != 0;
    c.fault_epoch = r.U32();
    c.fault_end_epoch = r.U32();
  }
  return r.ok() && r.at_end();
}

std::vector<std::uint8_t> EncodeFinal(const FleetFinal& m) {
  ByteWriter w = Start(FleetMsg::kFinal);
  w.U32(static_cast<std::uint32_t>(m.exit_code));
  w.Str(m.results_json);
  w.U64(m.workers.size());
  for (const FleetWorkerData& d : m.workers) {
    w.U64(d.phases.size());
    for (const PhaseStats& p : d.phases) {
      for (int op = 0; op < kReportedOps; ++op) {
        PutCounters(w, p.ops[op]);
        PutHistogram(w, p.latency[op]);
        PutHistogram(w, p.service[op]);
      }
    }
    w.I64(d.threshold_ns);
    w.I64(d.last_completion_rel_ns);
    w.U64(d.completions);
    w.U8(d.finished ? 1 : 0);
    w.U64(d.slow.size());
    for (const SlowIo& s : d.slow) {
      w.I64(s.start_ns);
      w.I64(s.end_ns);
      w.U8(static_cast<std::uint8_t>(s.op));
      w.U32(s.image);
    }
    w.U64(d.gaps.size());
    for (const Gap& g : d.gaps) {
      w.I64(g.start_ns);
      w.I64(g.end_ns);
    }
  }
  return w.Take();
}

bool DecodeFinal(const std::vector<std::uint8_t>& bytes, FleetFinal* m) {
  ByteReader r(bytes);
  if (!Open(r, FleetMsg::kFinal)) return false;
  m->exit_code = static_cast<int>(r.U32());
  m->results_json = r.Str();
  m->workers.resize(r.Count(49));
  for (FleetWorkerData& d : m->workers) {
    d.phases.resize(r.Count(kReportedOps * 104));  // counters 24 + two histograms of 40+
    for (PhaseStats& p : d.phases) {
      for (int op = 0; op < kReportedOps; ++op) {
        p.ops[op] = GetCounters(r);
        p.latency[op] = GetHistogram(r);
        p.service[op] = GetHistogram(r);
      }
    }
    d.threshold_ns = r.I64();
    d.last_completion_rel_ns = r.I64();
    d.completions = r.U64();
    d.finished = r.U8() != 0;
    d.slow.resize(r.Count(21));
    for (SlowIo& s : d.slow) {
      s.start_ns = r.I64();
      s.end_ns = r.I64();
      const std::uint8_t op = r.U8();
      if (op >= kOpKinds) return false;
      s.op = static_cast<OpKind>(op);
      s.image = r.U32();
    }
    d.gaps.resize(r.Count(16));
    for (Gap& g : d.gaps) {
      g.start_ns = r.I64();
      g.end_ns = r.I64();
    }
  }
  return r.ok() && r.at_end();
}

std::vector<std::uint8_t> EncodeDone() { return Start(FleetMsg::kDone).Take(); }

}  // namespace healbench
