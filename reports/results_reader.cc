// Parses results.json into the result model; see results_reader.h. Each reader takes the
// JSON path it is at ("phases[1].read") so an error says exactly which value is wrong.
#include "reports/results_reader.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "reports/results_json.h"

namespace healbench::report {
namespace {

using nlohmann::json;

// Collects the first error; every read after it is a no-op, so callers need not check
// after each field.
class Reader {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void Fail(const std::string& where, const std::string& what) {
    if (ok()) error_ = where + ": " + what;
  }

  // The member key of object j, or nullptr when absent or null (the model keeps its default).
  const json* Member(const json& j, const char* key) {
    if (!ok() || !j.is_object()) return nullptr;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
  }

  // Checks that j (at where) has the type; fails otherwise.
  bool Expect(const json& j, const std::string& where, json::value_t type, const char* name) {
    if (!ok()) return false;
    bool good = j.type() == type || (type == json::value_t::number_float && j.is_number()) ||
                (type == json::value_t::number_unsigned && j.is_number());
    if (!good) Fail(where, std::string("expected ") + name + ", got " + j.type_name());
    return good;
  }

  void Double(const json& j, const std::string& where, const char* key, double* out) {
    if (const json* v = Member(j, key)) {
      if (Expect(*v, Join(where, key), json::value_t::number_float, "a number")) {
        *out = v->get<double>();
      }
    }
  }
  void OptDouble(const json& j, const std::string& where, const char* key,
                 std::optional<double>* out) {
    double v = 0;
    if (Member(j, key) == nullptr) return;
    Double(j, where, key, &v);
    *out = v;
  }

  template <typename Int>
  void Integer(const json& j, const std::string& where, const char* key, Int* out) {
    const json* v = Member(j, key);
    if (v == nullptr) return;
    const std::string at = Join(where, key);
    if (!Expect(*v, at, json::value_t::number_unsigned, "an integer")) return;
    if (v->is_number_float()) {
      // A hand-edited or script-made file may write 3.0 for 3.
      double d = v->get<double>();
      if (!std::isfinite(d) || d != std::floor(d)) return Fail(at, "expected an integer");
      *out = static_cast<Int>(d);
    } else if (v->is_number_unsigned()) {
      *out = static_cast<Int>(v->get<std::uint64_t>());
    } else {
      std::int64_t i = v->get<std::int64_t>();
      if (std::is_unsigned_v<Int> && i < 0) return Fail(at, "expected a count >= 0");
      *out = static_cast<Int>(i);
    }
  }
  template <typename Int>
  void OptInteger(const json& j, const std::string& where, const char* key,
                  std::optional<Int>* out) {
    if (Member(j, key) == nullptr) return;
    Int v = 0;
    Integer(j, where, key, &v);
    if (ok()) *out = v;
  }

  void String(const json& j, const std::string& where, const char* key, std::string* out) {
    if (const json* v = Member(j, key)) {
      if (Expect(*v, Join(where, key), json::value_t::string, "a string")) {
        *out = v->get<std::string>();
      }
    }
  }

  void Bool(const json& j, const std::string& where, const char* key, bool* out) {
    if (const json* v = Member(j, key)) {
      if (Expect(*v, Join(where, key), json::value_t::boolean, "true or false")) {
        *out = v->get<bool>();
      }
    }
  }
  void OptBool(const json& j, const std::string& where, const char* key, std::optional<bool>* out) {
    if (Member(j, key) == nullptr) return;
    bool v = false;
    Bool(j, where, key, &v);
    if (ok()) *out = v;
  }

  void Strings(const json& j, const std::string& where, const char* key,
               std::vector<std::string>* out) {
    const json* v = Member(j, key);
    if (v == nullptr) return;
    const std::string at = Join(where, key);
    if (!Expect(*v, at, json::value_t::array, "an array")) return;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& s = (*v)[i];
      if (!Expect(s, Index(at, i), json::value_t::string, "a string")) return;
      out->push_back(s.get<std::string>());
    }
  }

  // Member key of j that must be an object (or absent); nullptr when absent or wrong.
  const json* Object(const json& j, const std::string& where, const char* key) {
    const json* v = Member(j, key);
    if (v == nullptr) return nullptr;
    return Expect(*v, Join(where, key), json::value_t::object, "an object") ? v : nullptr;
  }
  const json* Array(const json& j, const std::string& where, const char* key) {
    const json* v = Member(j, key);
    if (v == nullptr) return nullptr;
    return Expect(*v, Join(where, key), json::value_t::array, "an array") ? v : nullptr;
  }

  static std::string Join(const std::string& where, const char* key) {
    return where.empty() ? std::string(key) : where + "." + key;
  }
  static std::string Index(const std::string& where, std::size_t i) {
    return where + "[" + std::to_string(i) + "]";
  }

 private:
  std::string error_;
};

void ReadLatency(Reader& rd, const json& j, const std::string& at, LatencySummary* l) {
  rd.Integer(j, at, "p50", &l->p50);
  rd.Integer(j, at, "p90", &l->p90);
  rd.Integer(j, at, "p99", &l->p99);
  rd.Integer(j, at, "p999", &l->p999);
  rd.Integer(j, at, "max", &l->max);
  rd.Double(j, at, "mean", &l->mean);
}

void ReadPhaseOp(Reader& rd, const json& j, const std::string& at, PhaseOpStats* s) {
  rd.Integer(j, at, "ios", &s->ios);
  rd.Integer(j, at, "bytes", &s->bytes);
  rd.Integer(j, at, "errors", &s->errors);
  rd.Double(j, at, "iops", &s->iops);
  rd.Double(j, at, "mib_s", &s->mib_s);
  if (const json* l = rd.Object(j, at, "latency_ns")) {
    ReadLatency(rd, *l, at + ".latency_ns", &s->latency_ns);
  }
  if (const json* l = rd.Object(j, at, "service_latency_ns")) {
    ReadLatency(rd, *l, at + ".service_latency_ns", &s->service_latency_ns);
  }
  const json* h = rd.Object(j, at, "histogram");
  if (h == nullptr) return;
  const std::string hat = at + ".histogram";
  std::string layout = kHistogramLayout;
  rd.String(*h, hat, "layout", &layout);
  if (rd.ok() && layout != kHistogramLayout) {
    return rd.Fail(hat + ".layout", "\"" + layout + "\" is not the layout this version reads (" +
                                        kHistogramLayout + ")");
  }
  const json* bins = rd.Array(*h, hat, "bins");
  if (bins == nullptr) return;
  for (std::size_t i = 0; i < bins->size() && rd.ok(); ++i) {
    const json& b = (*bins)[i];
    const std::string bat = Reader::Index(hat + ".bins", i);
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_integer() || !b[1].is_number_integer() ||
        b[0].get<std::int64_t>() < 0 || b[1].get<std::int64_t>() < 0) {
      return rd.Fail(bat, "expected [bin index, count]");
    }
    s->histogram.emplace_back(b[0].get<int>(), b[1].get<std::uint64_t>());
  }
}

void ReadStall(Reader& rd, const json& j, const std::string& at, StallEntry* s) {
  rd.Double(j, at, "start_s", &s->start_s);
  rd.Double(j, at, "end_s", &s->end_s);
  rd.Double(j, at, "duration_s", &s->duration_s);
  rd.Bool(j, at, "open", &s->open);
  rd.Integer(j, at, "inflight_max", &s->inflight_max);
  rd.Integer(j, at, "slow_ios", &s->slow_ios);
  rd.Strings(j, at, "ops", &s->ops);
  rd.String(j, at, "phase", &s->phase);
  rd.Strings(j, at, "images", &s->images);
  rd.OptInteger(j, at, "cause", &s->cause);
}

void ReadStallList(Reader& rd, const json& arr, const std::string& at,
                   std::vector<StallEntry>* out) {
  if (!rd.Expect(arr, at, json::value_t::array, "an array")) return;
  for (std::size_t i = 0; i < arr.size() && rd.ok(); ++i) {
    const std::string sat = Reader::Index(at, i);
    if (!rd.Expect(arr[i], sat, json::value_t::object, "an object")) return;
    ReadStall(rd, arr[i], sat, &out->emplace_back());
  }
}

void ReadStallMap(Reader& rd, const json& j, const char* key,
                  std::map<std::string, std::vector<StallEntry>>* out) {
  const json* m = rd.Object(j, "", key);
  if (m == nullptr) return;
  for (const auto& [name, list] : m->items()) {
    if (!rd.ok()) return;
    ReadStallList(rd, list, std::string(key) + "." + name, &(*out)[name]);
  }
}

void ReadEvent(Reader& rd, const json& j, const std::string& at, Event* e) {
  rd.Integer(j, at, "id", &e->id);
  rd.Double(j, at, "t_s", &e->t_s);
  rd.OptDouble(j, at, "end_s", &e->end_s);
  rd.String(j, at, "kind", &e->kind);
  rd.String(j, at, "action", &e->action);
  rd.String(j, at, "node", &e->node);
  rd.Bool(j, at, "ok", &e->ok);
  rd.String(j, at, "detail", &e->detail);
}

void ReadSyncSample(Reader& rd, const json& j, const std::string& at, SyncSample* s) {
  rd.Double(j, at, "t_s", &s->t_s);
  rd.String(j, at, "state", &s->state);
  rd.OptInteger(j, at, "pending_entries", &s->pending_entries);
  rd.OptInteger(j, at, "out_of_sync_bytes", &s->out_of_sync_bytes);
  rd.Bool(j, at, "estimate", &s->estimate);
  if (const json* safe = rd.Object(j, at, "safe_to_stop")) {
    for (const auto& [node, v] : safe->items()) {
      bool b = false;
      rd.Bool(*safe, at + ".safe_to_stop", node.c_str(), &b);
      s->safe_to_stop[node] = b;
    }
  }
}

void ReadInterval(Reader& rd, const json& j, const std::string& at, IntervalRow* row) {
  rd.Double(j, at, "t_s", &row->t_s);
  rd.String(j, at, "phase", &row->phase);
  rd.Double(j, at, "read_iops", &row->read_iops);
  rd.Double(j, at, "write_iops", &row->write_iops);
  rd.Double(j, at, "flush_iops", &row->flush_iops);
  rd.Double(j, at, "read_mib_s", &row->read_mib_s);
  rd.Double(j, at, "write_mib_s", &row->write_mib_s);
  rd.Integer(j, at, "p50_ns", &row->p50_ns);
  rd.Integer(j, at, "p99_ns", &row->p99_ns);
  rd.Integer(j, at, "p999_ns", &row->p999_ns);
  rd.Integer(j, at, "max_ns", &row->max_ns);
  rd.Integer(j, at, "inflight", &row->inflight);
  rd.Double(j, at, "oldest_inflight_age_s", &row->oldest_inflight_age_s);
  rd.Integer(j, at, "errors", &row->errors);
  rd.String(j, at, "sync_state", &row->sync_state);
}

// Calls read(element, "key[i]", &out->emplace_back()) for each object in the array j[key].
template <typename T, typename F>
void ReadList(Reader& rd, const json& j, const char* key, std::vector<T>* out, F read) {
  const json* arr = rd.Array(j, "", key);
  if (arr == nullptr) return;
  out->reserve(arr->size());
  for (std::size_t i = 0; i < arr->size() && rd.ok(); ++i) {
    const std::string at = Reader::Index(key, i);
    if (!rd.Expect((*arr)[i], at, json::value_t::object, "an object")) return;
    read(rd, (*arr)[i], at, &out->emplace_back());
  }
}

void ReadContext(Reader& rd, const json& c, Context* ctx) {
  const std::string at = "context";
  rd.String(c, at, "version", &ctx->version);
  rd.String(c, at, "git_sha", &ctx->git_sha);
  rd.Integer(c, at, "seed", &ctx->seed);
  rd.String(c, at, "host", &ctx->host);
  rd.String(c, at, "kernel", &ctx->kernel);
  rd.String(c, at, "build_type", &ctx->build_type);
  rd.String(c, at, "started_at", &ctx->started_at);
  if (const json* s = rd.Member(c, "scenario")) ctx->scenario = *s;
  rd.String(c, at, "backend", &ctx->backend);
  rd.Integer(c, at, "threads", &ctx->threads);
}

void ReadDocument(Reader& rd, const json& j, RunResult* r);

// A fleet run's section: each rank's own figures are a results document of their own (the
// keys a rank keeps there), read like the whole file.
void ReadFleet(Reader& rd, const json& f, RunResult* r) {
  Fleet fleet;
  rd.Integer(f, "fleet", "ranks", &fleet.ranks);
  rd.Integer(f, "fleet", "stall_min_ranks", &fleet.stall_min_ranks);
  ReadList(rd, f, "per_rank", &fleet.per_rank,
           [](Reader& frd, const json& pj, const std::string& at, FleetRank* fr) {
             const std::string where = "fleet." + at;
             frd.Integer(pj, where, "rank", &fr->rank);
             frd.String(pj, where, "host", &fr->host);
             frd.String(pj, where, "status", &fr->status);
             frd.Integer(pj, where, "exit_code", &fr->exit_code);
             frd.String(pj, where, "error", &fr->error);
             frd.String(pj, where, "results", &fr->results_path);
             if (frd.Member(pj, "totals") == nullptr) return;  // a missing rank
             Reader own;
             auto result = std::make_shared<RunResult>();
             ReadDocument(own, pj, result.get());
             if (!own.ok()) return frd.Fail(where, own.error());
             fr->result = std::move(result);
           });
  ReadList(
      rd, f, "fleet_stalls", &fleet.stalls,
      [](Reader& frd, const json& sj, const std::string& at, FleetStall* s) {
        const std::string where = "fleet." + at;
        frd.Double(sj, where, "start_s", &s->start_s);
        frd.Double(sj, where, "end_s", &s->end_s);
        frd.Double(sj, where, "duration_s", &s->duration_s);
        const json* ranks = frd.Array(sj, where, "ranks");
        if (ranks == nullptr) return;
        for (const json& rank : *ranks) {
          if (!frd.Expect(rank, where + ".ranks", json::value_t::number_unsigned, "an integer"))
            return;
          s->ranks.push_back(rank.get<int>());
        }
      });
  r->fleet = std::move(fleet);
}

void ReadDocument(Reader& rd, const json& j, RunResult* r) {
  if (const json* c = rd.Object(j, "", "context")) ReadContext(rd, *c, &r->context);
  rd.Double(j, "", "duration_s", &r->duration_s);
  rd.Bool(j, "", "interrupted", &r->interrupted);
  if (const json* t = rd.Object(j, "", "totals")) {
    for (int op = 0; op < 3; ++op) {
      const std::string at = std::string("totals.") + kOpNames[op];
      const json* o = rd.Object(*t, "totals", kOpNames[op]);
      if (o == nullptr) continue;
      rd.Integer(*o, at, "ios", &r->totals[op].ios);
      rd.Integer(*o, at, "bytes", &r->totals[op].bytes);
      rd.Integer(*o, at, "errors", &r->totals[op].errors);
    }
  }
  ReadList(rd, j, "phases", &r->phases,
           [](Reader& prd, const json& pj, const std::string& at, Phase* p) {
             prd.String(pj, at, "name", &p->name);
             prd.Double(pj, at, "start_s", &p->start_s);
             prd.Double(pj, at, "end_s", &p->end_s);
             for (int op = 0; op < 3; ++op) {
               if (const json* o = prd.Object(pj, at, kOpNames[op])) {
                 ReadPhaseOp(prd, *o, at + "." + kOpNames[op], &p->ops[op]);
               }
             }
           });
  if (const json* s = rd.Array(j, "", "stalls")) ReadStallList(rd, *s, "stalls", &r->stalls);
  ReadStallMap(rd, j, "stalls_by_op", &r->stalls_by_op);
  ReadStallMap(rd, j, "stalls_by_image", &r->stalls_by_image);
  ReadList(rd, j, "events", &r->events, ReadEvent);
  if (const json* sync = rd.Object(j, "", "sync")) {
    rd.String(*sync, "sync", "probe", &r->sync_probe);
    ReadList(rd, *sync, "samples", &r->sync_samples, ReadSyncSample);
  }
  if (const json* d = rd.Object(j, "", "derived")) {
    Derived& dv = r->derived;
    rd.OptDouble(*d, "derived", "max_stall_s", &dv.max_stall_s);
    rd.OptDouble(*d, "derived", "failover_latency_s", &dv.failover_latency_s);
    rd.OptDouble(*d, "derived", "heal_stall_max_s", &dv.heal_stall_max_s);
    rd.OptDouble(*d, "derived", "time_to_in_sync_s", &dv.time_to_in_sync_s);
    rd.OptDouble(*d, "derived", "degraded_iops_ratio", &dv.degraded_iops_ratio);
    rd.OptDouble(*d, "derived", "longest_completion_gap_s", &dv.longest_completion_gap_s);
    rd.OptDouble(*d, "derived", "expected_stall_s", &dv.expected_stall_s);
    std::string basis;
    rd.String(*d, "derived", "expected_stall_basis", &basis);
    if (!basis.empty()) dv.expected_stall_basis = basis;
  }
  if (const json* in = rd.Object(j, "", "integrity")) {
    Integrity& ig = r->integrity;
    rd.OptInteger(*in, "integrity", "checked_blocks", &ig.checked_blocks);
    rd.OptInteger(*in, "integrity", "lost_writes", &ig.lost_writes);
    rd.OptInteger(*in, "integrity", "stale_reads", &ig.stale_reads);
    rd.OptInteger(*in, "integrity", "torn_blocks", &ig.torn_blocks);
    rd.OptInteger(*in, "integrity", "misdirected", &ig.misdirected);
    rd.OptInteger(*in, "integrity", "diverged_blocks", &ig.diverged_blocks);
    rd.OptInteger(*in, "integrity", "blocks_read_back", &ig.blocks_read_back);
    rd.OptInteger(*in, "integrity", "unverified_blocks", &ig.unverified_blocks);
  }
  // slo.pass is derived from the checks (SloPass), so only the checks are read.
  if (const json* slo = rd.Object(j, "", "slo")) {
    ReadList(rd, *slo, "checks", &r->slo_checks,
             [](Reader& srd, const json& cj, const std::string& at, SloCheck* c) {
               srd.String(cj, "slo." + at, "name", &c->name);
               srd.String(cj, "slo." + at, "unit", &c->unit);
               srd.Double(cj, "slo." + at, "limit", &c->limit);
               srd.OptDouble(cj, "slo." + at, "value", &c->value);
               srd.OptBool(cj, "slo." + at, "pass", &c->pass);
             });
  }
  ReadList(rd, j, "timeseries", &r->timeseries, ReadInterval);
  if (const json* res = rd.Object(j, "", "resources")) {
    rd.Double(*res, "resources", "cpu_user_s", &r->resources.cpu_user_s);
    rd.Double(*res, "resources", "cpu_sys_s", &r->resources.cpu_sys_s);
    rd.Integer(*res, "resources", "max_rss_kib", &r->resources.max_rss_kib);
  }
  rd.Strings(j, "", "images", &r->images);
  if (const json* fleet = rd.Object(j, "", "fleet")) ReadFleet(rd, *fleet, r);
}

}  // namespace

bool FromJson(const json& j, RunResult* out, std::string* error) {
  if (!j.is_object()) {
    *error = std::string("expected a JSON object, got ") + j.type_name();
    return false;
  }
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string()) {
    *error = std::string("no \"schema\" key: not a healbench results file (expected \"") + kSchema +
             "\")";
    return false;
  }
  if (schema->get<std::string>() != kSchema) {
    *error = "schema is \"" + schema->get<std::string>() + "\", expected \"" + kSchema + "\"";
    return false;
  }
  Reader rd;
  RunResult r;
  ReadDocument(rd, j, &r);
  if (!rd.ok()) {
    *error = rd.error();
    return false;
  }
  *out = std::move(r);
  return true;
}

bool LoadResultsFile(const std::string& path, RunResult* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    *error = path + ": cannot open: " + std::strerror(err) + " [errno " + std::to_string(err) + "]";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    *error = path + ": read failed";
    return false;
  }
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions only for the message (where the syntax error is).
    try {
      j = json::parse(text.str());
    } catch (const json::parse_error& e) {
      *error = path + ": not JSON: " + e.what();
      return false;
    }
  }
  std::string why;
  if (!FromJson(j, out, &why)) {
    *error = path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace healbench::report
