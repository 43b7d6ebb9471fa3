// Builds the JSON the HTML views embed; see report_data.h. Numbers are rounded to what a
// chart can show (ms for times, 0.1 I/O per second) so an hour at 100 ms stays a few MB.
#include "reports/report_data.h"

#include <cmath>

#include "reports/histogram_bins.h"
#include "reports/results_json.h"

namespace healbench::report {
namespace {

using nlohmann::json;

// v rounded to decimals places; integral results are written without ".0".
json Compact(double v, int decimals) {
  if (!std::isfinite(v)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(v * scale) / scale;
  if (rounded == std::floor(rounded) && std::fabs(rounded) < 9e15) {
    return static_cast<std::int64_t>(rounded);
  }
  return rounded;
}

json Opt(const std::optional<std::uint64_t>& v) { return v ? json(*v) : json(nullptr); }

json PhasesJson(const RunResult& r) {
  json out = json::array();
  for (const Phase& p : r.phases) {
    out.push_back(
        {{"name", p.name}, {"start_s", Compact(p.start_s, 3)}, {"end_s", Compact(p.end_s, 3)}});
  }
  return out;
}

// The run's own start/end events frame the whole timeline and would only add clutter.
json EventsJson(const RunResult& r, bool faults_only) {
  json out = json::array();
  for (const Event& e : r.events) {
    if (e.kind == "run" || (faults_only && e.kind != "fault")) continue;
    out.push_back({{"id", e.id},
                   {"t_s", Compact(e.t_s, 3)},
                   {"end_s", e.end_s ? Compact(*e.end_s, 3) : json(nullptr)},
                   {"kind", e.kind},
                   {"action", e.action},
                   {"node", e.node},
                   {"ok", e.ok}});
  }
  return out;
}

json StallsJson(const RunResult& r) {
  json out = json::array();
  for (const StallEntry& s : r.stalls) {
    out.push_back({{"start_s", Compact(s.start_s, 3)},
                   {"end_s", Compact(s.end_s, 3)},
                   {"duration_s", Compact(s.duration_s, 3)},
                   {"open", s.open},
                   {"ops", s.ops}});
  }
  return out;
}

// Sync state as spans: each probe sample holds until the next one (the last until the end
// of the run). Without samples, the time series' per-row states are collapsed instead.
json SyncJson(const RunResult& r) {
  json out = json::array();
  auto add = [&](double t_s, const std::string& state, json pending, json bytes) {
    if (!out.empty()) out.back()["end_s"] = Compact(t_s, 3);
    out.push_back({{"t_s", Compact(t_s, 3)},
                   {"end_s", Compact(r.duration_s, 3)},
                   {"state", state},
                   {"pending_entries", std::move(pending)},
                   {"out_of_sync_bytes", std::move(bytes)}});
  };
  if (!r.sync_samples.empty()) {
    for (const SyncSample& s : r.sync_samples) {
      add(s.t_s, s.state, Opt(s.pending_entries), Opt(s.out_of_sync_bytes));
    }
    return out;
  }
  std::string last;
  double prev_end = 0;
  for (const IntervalRow& row : r.timeseries) {
    if (!row.sync_state.empty() && row.sync_state != last) {
      add(out.empty() ? prev_end : row.t_s, row.sync_state, nullptr, nullptr);
      last = row.sync_state;
    }
    prev_end = row.t_s;
  }
  return out;
}

json HistogramsJson(const RunResult& r) {
  json out = json::array();
  for (const Phase& p : r.phases) {
    json h = {{"phase", p.name}};
    for (int op = 0; op < 3; ++op) {
      json bins = json::array();
      for (const auto& [index, count] : p.ops[op].histogram) {
        bins.push_back({HistogramBinLowerBound(index), HistogramBinUpperBound(index), count});
      }
      h[kOpNames[op]] = std::move(bins);
    }
    out.push_back(std::move(h));
  }
  return out;
}

// One column of the time series; get returns the row's value, rounded to decimals.
template <typename Get>
json Column(const RunResult& r, int decimals, Get get) {
  json out = json::array();
  out.get_ref<json::array_t&>().reserve(r.timeseries.size());
  for (const IntervalRow& row : r.timeseries) out.push_back(Compact(get(row), decimals));
  return out;
}

}  // namespace

std::optional<Event> FirstFault(const RunResult& r) {
  std::optional<Event> first;
  for (const Event& e : r.events) {
    if (e.kind == "fault" && (!first || e.t_s < first->t_s)) first = e;
  }
  return first;
}

json ReportData(const RunResult& r) {
  using R = const IntervalRow&;
  json series = {
      {"t_s", Column(r, 3, [](R row) { return row.t_s; })},
      {"read_iops", Column(r, 1, [](R row) { return row.read_iops; })},
      {"write_iops", Column(r, 1, [](R row) { return row.write_iops; })},
      {"flush_iops", Column(r, 1, [](R row) { return row.flush_iops; })},
      {"read_mib_s", Column(r, 2, [](R row) { return row.read_mib_s; })},
      {"write_mib_s", Column(r, 2, [](R row) { return row.write_mib_s; })},
      {"p50_ns", Column(r, 0, [](R row) { return static_cast<double>(row.p50_ns); })},
      {"p99_ns", Column(r, 0, [](R row) { return static_cast<double>(row.p99_ns); })},
      {"p999_ns", Column(r, 0, [](R row) { return static_cast<double>(row.p999_ns); })},
      {"max_ns", Column(r, 0, [](R row) { return static_cast<double>(row.max_ns); })},
      {"inflight", Column(r, 0, [](R row) { return static_cast<double>(row.inflight); })},
      {"oldest_inflight_age_s", Column(r, 3, [](R row) { return row.oldest_inflight_age_s; })},
      {"errors", Column(r, 0, [](R row) { return static_cast<double>(row.errors); })}};
  return {{"duration_s", Compact(r.duration_s, 3)},
          {"series", std::move(series)},
          {"phases", PhasesJson(r)},
          {"events", EventsJson(r, false)},
          {"stalls", StallsJson(r)},
          {"sync", SyncJson(r)},
          {"histograms", HistogramsJson(r)}};
}

json CompareRunData(const RunResult& r, const std::string& label) {
  using R = const IntervalRow&;
  const std::optional<Event> fault = FirstFault(r);
  json series = {
      {"t_s", Column(r, 3, [](R row) { return row.t_s; })},
      {"iops", Column(r, 1, [](R row) { return row.read_iops + row.write_iops + row.flush_iops; })},
      {"p99_ns", Column(r, 0, [](R row) { return static_cast<double>(row.p99_ns); })},
      {"oldest_inflight_age_s", Column(r, 3, [](R row) { return row.oldest_inflight_age_s; })}};
  return {{"label", label},
          {"duration_s", Compact(r.duration_s, 3)},
          {"align_s", fault ? Compact(fault->t_s, 3) : json(0)},
          {"align_event",
           fault ? fault->action + (fault->node.empty() ? "" : " " + fault->node) : std::string()},
          {"series", std::move(series)},
          {"stalls", StallsJson(r)},
          {"events", EventsJson(r, true)}};
}

std::string EmbedJson(const json& j) {
  std::string out;
  if (j.is_object()) {
    out = "{";
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      out += first ? "\n" : ",\n";
      first = false;
      out += json(key).dump() + ":" + value.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    out += "\n}";
  } else {
    out = j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  // '<' only occurs inside JSON strings, where "\u003c" means the same; without it a string
  // holding "</script>" or "<!--" could end or confuse the element.
  std::string safe;
  safe.reserve(out.size());
  for (char c : out) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return safe;
}

}  // namespace healbench::report
