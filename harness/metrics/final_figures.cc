// Final figures. See final_figures.h.
#include "harness/metrics/final_figures.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gateway.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

#include "harness/metrics/metrics_endpoints.h"
#include "harness/metrics/run_labels.h"
#include "reports/atomic_file.h"

namespace healbench {
namespace {

constexpr const char* kOps[3] = {"read", "write", "flush"};

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& r, const std::string& name,
                                                   const std::string& help,
                                                   const std::string& run) {
  return prometheus::BuildGauge().Name(name).Help(help).Labels({{"run", run}}).Register(r);
}

void AddOptional(prometheus::Registry& r, const std::string& name, const std::string& help,
                 const std::string& run, const std::optional<double>& value) {
  if (value) GaugeFamily(r, name, help, run).Add({}).Set(*value);
}

// The Pushgateway takes a grouping label value that is not URL-safe in base64url form.
std::pair<std::string, std::string> GroupingLabel(const std::string& run) {
  bool plain = !run.empty();
  for (unsigned char c : run)
    plain = plain && (std::isalnum(c) || c == '_' || c == '-' || c == '.');
  if (plain) return {"run", run};
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : run) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return {"run@base64", out.empty() ? "=" : out};
}

}  // namespace

std::shared_ptr<prometheus::Registry> FinalFiguresRegistry(const report::RunResult& result,
                                                           const Scenario& scenario) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::Registry& r = *registry;
  const std::string& run = scenario.run.name;
  GaugeFamily(r, "healbench_run_info", "The run: scenario, backend, seed, version", run)
      .Add(RunInfoLabels(scenario, result.context))
      .Set(1);
  GaugeFamily(r, "healbench_run_duration_seconds", "How long the run took", run)
      .Add({})
      .Set(result.duration_s);
  auto counter = [&](const char* name, const char* help) -> auto& {
    return prometheus::BuildCounter().Name(name).Help(help).Labels({{"run", run}}).Register(r);
  };
  auto& ios = counter("healbench_result_ios_total", "I/Os completed in the run");
  auto& bytes = counter("healbench_result_bytes_total", "Bytes transferred in the run");
  auto& errors = counter("healbench_result_io_errors_total", "I/Os failed in the run");
  for (int op = 0; op < 3; ++op) {
    ios.Add({{"op", kOps[op]}}).Increment(static_cast<double>(result.totals[op].ios));
    bytes.Add({{"op", kOps[op]}}).Increment(static_cast<double>(result.totals[op].bytes));
    errors.Add({{"op", kOps[op]}}).Increment(static_cast<double>(result.totals[op].errors));
  }
  counter("healbench_result_stalls_total", "Stalls in the run")
      .Add({})
      .Increment(static_cast<double>(result.stalls.size()));

  const report::Derived& d = result.derived;
  AddOptional(r, "healbench_derived_max_stall_seconds", "Longest stall", run, d.max_stall_s);
  AddOptional(r, "healbench_derived_failover_latency_seconds",
              "From a fault to the first completion after the stall it caused", run,
              d.failover_latency_s);
  AddOptional(r, "healbench_derived_heal_stall_max_seconds", "Longest stall while healing", run,
              d.heal_stall_max_s);
  AddOptional(r, "healbench_derived_time_to_in_sync_seconds",
              "From the reconnect to the first in-sync probe sample", run, d.time_to_in_sync_s);
  AddOptional(r, "healbench_derived_degraded_iops_ratio", "Degraded IOPS / baseline IOPS", run,
              d.degraded_iops_ratio);
  AddOptional(r, "healbench_derived_longest_completion_gap_seconds",
              "Longest time between two completions", run, d.longest_completion_gap_s);
  if (result.integrity.lost_writes) {
    GaugeFamily(r, "healbench_integrity_lost_writes", "Acknowledged writes not found", run)
        .Add({})
        .Set(static_cast<double>(*result.integrity.lost_writes));
  }

  auto& pass = GaugeFamily(r, "healbench_slo_pass", "1 when the SLO check passed, 0 not", run);
  auto& value = GaugeFamily(r, "healbench_slo_value", "The SLO check's measured value", run);
  auto& limit = GaugeFamily(r, "healbench_slo_limit", "The SLO check's limit", run);
  for (const report::SloCheck& c : result.slo_checks) {
    limit.Add({{"check", c.name}}).Set(c.limit);
    if (c.value) value.Add({{"check", c.name}}).Set(*c.value);
    if (c.pass) pass.Add({{"check", c.name}}).Set(*c.pass ? 1 : 0);
  }
  GaugeFamily(r, "healbench_slo_all_pass", "1 when every applicable SLO check passed", run)
      .Add({})
      .Set(report::SloPass(result) ? 1 : 0);
  return registry;
}

std::string FinalFiguresText(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

Result<void> PushFinalFigures(const std::string& url, const std::string& run,
                              std::shared_ptr<prometheus::Registry> registry, Nanos timeout_ns) {
  auto target = ParsePushgatewayUrl(url);
  if (!target.ok()) return target.error();
  // libcurl has no deadline of its own here: push on a thread and stop waiting at the
  // timeout (the thread is left to end with the process).
  auto done = std::make_shared<std::promise<int>>();
  std::future<int> status = done->get_future();
  std::thread([target = *target, run, registry, done] {
    int code = -1;
    try {
      prometheus::Gateway gateway(target.host, target.port, "healbench", {GroupingLabel(run)});
      gateway.RegisterCollectable(registry);
      code = gateway.Push();
    } catch (const std::exception&) {
      code = -1;
    }
    done->set_value(code);
  }).detach();
  if (status.wait_for(std::chrono::nanoseconds(timeout_ns)) != std::future_status::ready) {
    return MakeError(ErrorCode::kTimeout, "push to Pushgateway " + url + ": no answer within " +
                                              std::to_string(timeout_ns / kNsPerSec) + " s");
  }
  const int code = status.get();
  if (code >= 200 && code < 300) return {};
  return MakeError(ErrorCode::kUnavailable,
                   "push to Pushgateway " + url + " failed: " +
                       (code < 0 ? "cannot reach it (curl error " + std::to_string(-code) + ")"
                                 : "HTTP status " + std::to_string(code)));
}

int PublishFinalFigures(const report::RunResult& result, const Scenario& scenario,
                        const std::string& pushgateway_url, const std::string& textfile_path) {
  if (pushgateway_url.empty() && textfile_path.empty()) return 0;
  auto registry = FinalFiguresRegistry(result, scenario);
  int rc = 0;
  if (!textfile_path.empty()) {
    std::string err;
    if (!report::WriteFileAtomically(textfile_path, FinalFiguresText(*registry), &err)) {
      fprintf(stderr, "healbench: --textfile: %s\n", err.c_str());
      rc = 3;
    }
  }
  if (!pushgateway_url.empty()) {
    auto pushed = PushFinalFigures(pushgateway_url, scenario.run.name, registry, 30 * kNsPerSec);
    if (!pushed.ok()) {
      fprintf(stderr, "healbench: %s (results are written)\n", pushed.error().message.c_str());
      rc = 3;
    }
  }
  return rc;
}

}  // namespace healbench
