// Run orchestration. See runner.h. The main thread is the sampler: it wakes at each
// interval boundary, collects the workers' interval reports, reads the live in-flight
// figures, and draws the progress line; it never touches the I/O path.
#include "harness/run/runner.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "backends/backend_registry.h"
#include "harness/core/build_info.h"
#include "harness/core/units.h"
#include "harness/faults/injector_factory.h"
#include "harness/faults/netfilter_injector.h"
#include "harness/fleet/fleet_merge.h"
#include "harness/fleet/fleet_session.h"
#include "harness/fleet/worker_capture.h"
#include "harness/metrics/final_figures.h"
#include "harness/metrics/run_metrics.h"
#include "harness/probes/backend_state_probe.h"
#include "harness/probes/sync_probe.h"
#include "harness/run/event_recorder.h"
#include "harness/run/fault_timeline.h"
#include "harness/run/interrupt.h"
#include "harness/run/interval_aggregator.h"
#include "harness/run/owned_node_fronts.h"
#include "harness/run/owned_node_watch.h"
#include "harness/run/phase_tracker.h"
#include "harness/run/probe_poller.h"
#include "harness/run/progress_line.h"
#include "harness/run/result_assembly.h"
#include "harness/run/run_setup.h"
#include "harness/run/run_verify.h"
#include "harness/run/worker.h"
#include "harness/scenario/scenario_loader.h"
#include "reports/atomic_file.h"
#include "reports/html_report.h"
#include "reports/results_json.h"
#include "reports/terminal_summary.h"
#include "reports/timeseries_csv.h"

namespace healbench {
namespace {

// After an interval ends, how long the sampler waits for every worker's report before it
// emits the row anyway (workers come round at least every 10 ms).
constexpr Nanos kIntervalGraceNs = 200 * kNsPerMs;
constexpr Nanos kSamplerTickNs = 20 * kNsPerMs;

std::string HostName() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

// The backend options a fleet rank uses: the nodes rank 0 runs instead of its own.
std::map<std::string, std::string> RankBackendOptions(const Scenario& s, const FleetSetup& setup) {
  std::map<std::string, std::string> o = s.backend.options;
  if (s.backend.kind != "ref" || setup.nodes.empty()) return o;
  std::string list;
  for (const std::string& n : setup.nodes) list += (list.empty() ? "\"" : ", \"") + n + "\"";
  o["nodes"] = "[" + list + "]";
  o.erase("test_faults");  // the nodes' own business, set where they were started
  return o;
}

report::Context MakeContext(const Scenario& s, std::uint64_t seed, int threads) {
  report::Context c;
  c.version = kVersion;
  c.git_sha = kGitSha;
  c.build_type = kBuildType;
  c.seed = seed;
  c.host = HostName();
  utsname u{};
  if (uname(&u) == 0) c.kernel = std::string(u.sysname) + " " + u.release;
  c.started_at = WallClockIso8601();
  Scenario resolved = s;
  resolved.run.seed = seed;  // the seed actually used, so the stored scenario replays the run
  c.scenario = ScenarioToJson(resolved);
  c.backend = s.backend.kind;
  c.threads = threads;
  return c;
}

report::Resources ReadResources() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  report::Resources r;
  r.cpu_user_s =
      static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  r.cpu_sys_s =
      static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  r.max_rss_kib = static_cast<std::uint64_t>(ru.ru_maxrss);
  return r;
}

}  // namespace

Result<RunOutcome> ExecuteRun(const Scenario& scenario, const RunOptions& options) {
  if (auto rc = CheckSupported(scenario); !rc.ok()) return rc.error();
  auto params = ResolveWorkload(scenario.workload);
  if (!params.ok()) return params.error();

  const BackendEntry* entry = FindBackend(scenario.backend.kind);
  if (entry == nullptr) {
    return MakeError(ErrorCode::kBadInput, scenario.source + ": backend.kind \"" +
                                               scenario.backend.kind + "\" is unknown");
  }
  if (std::string why = entry->unavailable_reason(); !why.empty()) {
    return MakeError(ErrorCode::kNotSupported,
                     "backend.kind = \"" + entry->name + "\" is not available: " + why);
  }
  // A fleet: rank 0 runs the faults and probes; the other ranks wait for its setup.
  FleetSession* fleet = options.fleet;
  const bool fleet_root = fleet != nullptr && fleet->root();
  const bool fleet_member = fleet != nullptr && !fleet->root();
  std::optional<FleetSetup> setup;
  if (fleet_member) {
    auto got = fleet->WaitSetup();
    if (!got.ok()) return got.error();
    setup = *got;
  }
  // Injectors first: a node that cannot be faulted must stop the run before it starts, and
  // a proxy must be listening before the backend connects through it.
  std::map<std::string, std::unique_ptr<Injector>> injectors;
  bool uses_netfilter = false;
  for (const auto& [name, node] : scenario.nodes) {
    if (fleet_member) break;
    auto inj = MakeInjector(node);
    if (!inj.ok()) return inj.error();
    uses_netfilter = uses_netfilter || node.injector == "netfilter";
    injectors[name] = std::move(*inj);
  }
  OwnedNodeFronts node_fronts;  // before the backend: its proxies outlive the backend's clients
  BackendConfig bc{scenario.backend.kind, scenario.backend.path, scenario.backend.direct,
                   setup ? RankBackendOptions(scenario, *setup) : scenario.backend.options};
  bc.overwrite = scenario.workload.overwrite;
  auto backend_or = entry->make(bc);
  if (!backend_or.ok()) return backend_or.error();
  std::unique_ptr<Backend> backend = std::move(*backend_or);
  const Capabilities caps = backend->Caps();

  // Sizes the backend can take: block sizes and image size against its alignment.
  std::uint32_t max_bs = 0;
  for (const BlockSizeWeight& b : params->bs) {
    if (b.bytes % caps.alignment != 0) {
      return MakeError(ErrorCode::kBadInput,
                       scenario.source + ": workload.bs " + FormatSizeExact(b.bytes) +
                           " is not a multiple of " + std::to_string(caps.alignment) +
                           " bytes, which backend \"" + backend->Kind() + "\" needs" +
                           (scenario.backend.direct
                                ? " for O_DIRECT (set backend.direct = false for buffered I/O)"
                                : ""));
    }
    max_bs = std::max(max_bs, b.bytes);
  }
  if (scenario.images.size_bytes < max_bs) {
    return MakeError(ErrorCode::kBadInput, scenario.source + ": images.size " +
                                               FormatSizeExact(scenario.images.size_bytes) +
                                               " is smaller than the largest block size " +
                                               FormatSizeExact(max_bs));
  }
  if (!caps.flush && params->fsync_every > 0) {
    return MakeError(ErrorCode::kNotSupported,
                     "backend \"" + backend->Kind() +
                         "\" cannot flush, but the workload flushes (workload.fsync_every)");
  }

  // A fleet rank's seed is rank 0's plus its rank: every rank issues its own stream.
  const std::uint64_t seed = setup ? setup->seed + static_cast<std::uint64_t>(fleet->rank())
                             : scenario.run.seed
                                 ? *scenario.run.seed
                                 : std::random_device{}() * 0x100000001ull % 1000000000ull;
  if (!fleet_member) {
    fprintf(stdout, "healbench: seed %llu (replay with --set run.seed=%llu)\n",
            static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    fflush(stdout);
  }

  std::vector<ImageSpec> specs;
  const std::uint64_t image_size = scenario.images.size_bytes / caps.alignment * caps.alignment;
  // In a fleet each rank drives images of its own: vm-r2-0 is rank 2's first.
  const std::string prefix =
      scenario.images.prefix + (fleet ? "-r" + std::to_string(fleet->rank()) : "");
  for (std::uint32_t i = 0; i < scenario.images.count; ++i) {
    specs.push_back({prefix + "-" + std::to_string(i), image_size});
  }
  std::unique_ptr<SyncProbe> probe;
  const bool backend_probe = scenario.probe && scenario.probe->kind == "ref" && !fleet_member;
  if (scenario.probe && !backend_probe && !fleet_member) {
    auto p = MakeSyncProbe(*scenario.probe, scenario.images.size_bytes);
    if (!p.ok()) return p.error();
    probe = std::move(*p);
  }
  // OUT exists before Prepare: nodes the backend starts keep their data and logs there.
  auto out_dir = PrepareOutDir(
      scenario, setup ? RankOutDir(setup->out_dir, fleet->rank()) : options.out_override);
  if (!out_dir.ok()) return out_dir.error();
  backend->HostNodes(node_fronts.Hosting(*out_dir));
  auto prepared = backend->Prepare(specs);
  if (!prepared.ok()) return prepared.error();
  if (fleet_root) {  // the nodes rank 0 runs are the fleet's storage: everyone connects to them
    FleetSetup s;
    s.out_dir = *out_dir;
    s.seed = seed;
    for (const OwnedNode& n : backend->OwnedNodes()) s.nodes.push_back(n.front);
    fleet->SendSetup(s);
  }
  if (backend_probe) {  // the backend's own replication state: there once it is prepared
    auto p = MakeBackendStateProbe(backend.get());
    if (!p.ok()) return p.error();
    probe = std::move(*p);
  }
  // What the storage predicts for a silent fault (GlusterFS: ping-timeout), read before any.
  const std::optional<ExpectedStall> expected_stall =
      probe ? probe->ReadExpectedStall() : std::nullopt;
  // Nodes the backend runs itself are reached by name: their proxies, signals, restart.
  if (!fleet_member) node_fronts.AddInjectors(backend.get(), &injectors);
  std::optional<RunVerify> verify;  // workload.verify: run id and OUT/verify/
  if (scenario.workload.verify) {
    auto v = PrepareRunVerify(scenario, *params, caps, *out_dir, seed);
    if (!v.ok()) return v.error();
    verify = *v;
  }

  // Threads: one per core by default, never more than images.
  std::uint32_t threads = scenario.run.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, scenario.images.count);

  RunOutcome outcome;
  outcome.out_dir = *out_dir;
  report::RunResult& result = outcome.result;
  for (const ImageInfo& im : *prepared) result.images.push_back(im.name);

  report::EventLog log;
  std::string log_error;
  if (!log.Open(*out_dir + "/events.jsonl", &log_error))
    return MakeError(ErrorCode::kBadInput, log_error);

  if (fleet) {  // every rank ready, then all start at once
    FleetHello hello;
    hello.host = HostName();
    hello.workers = threads;
    hello.images = result.images;
    if (fleet_root) {
      if (auto rc = fleet->GatherHellos(hello); !rc.ok()) return rc.error();
    } else {
      fleet->SendHello(hello);
    }
    if (auto rc = fleet->StartTogether(); !rc.ok()) return rc.error();
  }
  RunControl control;
  InstallInterruptHandlers();
  control.start_ns = MonotonicNs();
  control.end_ns.store(control.start_ns + scenario.run.duration_ns);
  result.context = MakeContext(scenario, seed, static_cast<int>(threads));
  EventRecorder events(&log, control.start_ns);
  PhaseTracker phases(&control);
  auto metrics_or = RunMetrics::Create(options.metrics_listen, scenario, result.context);
  if (!metrics_or.ok()) return metrics_or.error();
  RunMetrics& metrics = **metrics_or;  // live Prometheus figures; fed by the observers below
  events.SetObserver([&metrics, fleet_root, fleet](const report::Event& e) {
    metrics.OnEvent(e);
    if (fleet_root) fleet->QueueEvent(e);
  });
  phases.SetObserver([&metrics, fleet_root, fleet](const std::string& p) {
    metrics.OnPhase(p);
    if (fleet_root) fleet->QueuePhase(p);
  });
  if (uses_netfilter) {
    for (const std::string& t : RemoveStaleNetfilterTables()) {
      events.Add("cleanup", "netfilter", "", true,
                 "removed table " + t + " left by a run that died", control.start_ns);
    }
  }
  events.Add("run", "start", "", true,
             "backend " + backend->Kind() + ", " + std::to_string(scenario.images.count) +
                 " image(s) of " + FormatBytes(image_size) + ", profile " + params->profile + ", " +
                 std::to_string(threads) + " thread(s)",
             control.start_ns);

  // A node the backend runs that dies during the run (killed from outside) is an event.
  OwnedNodeWatch node_watch([b = backend.get()] { return b->OwnedNodes(); }, &events);

  std::vector<std::uint64_t> sizes(specs.size(), image_size);
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::uint32_t t = 0; t < threads; ++t) {
    WorkerConfig wc;
    wc.index = static_cast<int>(t);
    for (std::uint32_t i = t; i < scenario.images.count; i += threads) wc.images.push_back(i);
    wc.image_sizes = sizes;
    wc.params = *params;
    wc.alignment = caps.alignment;
    wc.seed = seed;
    wc.interval_ns = scenario.run.interval_ns;
    wc.stall_threshold_ns = scenario.run.stall_threshold_ns;
    wc.drain_timeout_ns = scenario.run.drain_timeout_ns;
    if (verify) {
      wc.verify = true;
      wc.run_id = verify->run_id;
      wc.journal_path = verify->JournalPath(static_cast<int>(t));
    }
    if (params->rate_iops) wc.rate_per_image = *params->rate_iops / scenario.images.count;
    workers.push_back(std::make_unique<Worker>(std::move(wc), backend.get(), &control));
  }
  std::vector<std::thread> threads_v;
  for (auto& w : workers) threads_v.emplace_back([worker = w.get()] { worker->Run(); });
  std::optional<ProbePoller> poller;
  if (probe)
    poller.emplace(std::move(probe), scenario.probe->interval_ns, &control, &events, &phases);
  // A fleet's other ranks run no timeline of their own: rank 0's events and phases reach them.
  FaultTimeline timeline(fleet_member ? std::vector<FaultStep>{} : scenario.faults,
                         std::move(injectors), seed, &control, &events, &phases);
  if (poller) {
    poller->SetObserver([&metrics](const report::SyncSample& s) { metrics.OnSyncSample(s); });
    timeline.SetProbe(&*poller);
    poller->Start();
  }
  timeline.Start();

  // Sampler loop.
  // This rank's intervals; on a fleet's rank 0 also every rank's, which the progress line and
  // the live metrics show.
  IntervalAggregator agg(scenario.run.interval_ns, workers.size());
  std::optional<IntervalAggregator> fleet_agg;
  if (fleet_root) fleet_agg.emplace(scenario.run.interval_ns, fleet->TotalWorkers());
  IntervalAggregator& shown = fleet_agg ? *fleet_agg : agg;
  shown.SetObserver([&metrics](int op, const OpCounters& c, const LatencyHistogram& h) {
    metrics.OnOpInterval(op, c.ios, c.bytes, c.errors, h);
  });
  if (fleet) fleet->Attach(&control, &events, &phases, fleet_agg ? &*fleet_agg : nullptr);
  ProgressLine progress(scenario.run.duration_ns, scenario.run.stall_threshold_ns,
                        options.progress);
  std::int64_t next_index = 0;
  bool interrupted = false;
  std::optional<Error> failure;
  // In flight now on this rank.
  auto live = [&](Nanos now, std::uint32_t* inflight, Nanos* oldest_age) {
    *inflight = 0;
    Nanos oldest = INT64_MAX;
    for (auto& w : workers) {
      *inflight += w->Inflight();
      oldest = std::min(oldest, w->OldestSubmitNs());
    }
    *oldest_age = oldest == INT64_MAX ? 0 : std::max<Nanos>(0, now - oldest);
  };
  // What the progress line and the metrics show: on a fleet's rank 0, every rank's (the other
  // ranks' figures as of their latest message).
  auto add_remote = [&](std::uint32_t* inflight, Nanos* oldest_age) {
    if (!fleet_root) return;
    *inflight += fleet->RemoteInflight();
    *oldest_age = std::max(*oldest_age, fleet->RemoteOldestAgeNs());
  };
  auto collect = [&](std::int64_t below, bool force) {
    for (std::size_t i = 0; i < workers.size(); ++i) {
      for (const IntervalReport& r : workers[i]->TakeIntervals()) {
        agg.Add(static_cast<int>(i), r);
        if (fleet_agg) fleet_agg->Add(static_cast<int>(i), r);  // rank 0's workers come first
        if (fleet_member) fleet->Forward(static_cast<std::uint32_t>(i), r);
      }
    }
    std::uint32_t inflight;
    Nanos age;
    live(MonotonicNs(), &inflight, &age);
    if (fleet) fleet->Pump(inflight, age);
    const std::string phase = phases.Current();
    if (fleet_agg) agg.TakeReady(below, force, inflight, NsToSeconds(age), phase);
    add_remote(&inflight, &age);
    metrics.OnLive(inflight, age);
    for (const report::IntervalRow& row :
         shown.TakeReady(below, force, inflight, NsToSeconds(age), phase)) {
      progress.Update(static_cast<Nanos>(row.t_s * 1e9), row, inflight, age);
    }
  };
  // At the end (or on Ctrl-C), every fault still in force is undone while the workers drain:
  // I/O held only by our own fault (a frozen node) can then complete, and what still does not
  // within drain_timeout is the storage's own hang.
  bool faults_ended = false;
  auto end_faults = [&] {
    if (faults_ended) return;
    faults_ended = true;
    timeline.Stop();
    timeline.UndoAll();
  };
  while (true) {
    const Nanos now = MonotonicNs();
    bool all_done = true;
    for (auto& w : workers) {
      all_done = all_done && w->Done();
      if (w->Done() && w->failure() && !failure) {
        failure = w->failure();
        control.stop.store(true);
      }
    }
    if (Interrupted() && !interrupted) {
      interrupted = true;
      control.stop.store(true);
      control.end_ns.store(now);
      events.Add("run", "interrupt", "", true,
                 "interrupted by signal: ending early, results cover the time that ran", now);
    }
    if (all_done) break;
    node_watch.Check(now);
    if (control.stop.load() || now >= control.end_ns.load()) end_faults();
    const Nanos elapsed = now - control.start_ns;
    const std::int64_t boundary = elapsed / scenario.run.interval_ns;  // intervals fully ended
    if (boundary > next_index) {
      // Emit complete rows at once, late ones after the grace period.
      collect(boundary, false);
      const Nanos grace_over =
          control.start_ns + boundary * scenario.run.interval_ns + kIntervalGraceNs;
      if (now >= grace_over) {
        collect(boundary, true);
        next_index = boundary;
      }
    }
    // Between rows the line still shows a stall growing, at the sampler's tick.
    const bool draw = options.progress && !shown.rows().empty();
    if (fleet || draw) {
      std::uint32_t inflight;
      Nanos age;
      live(now, &inflight, &age);
      if (fleet) fleet->Pump(inflight, age);  // intervals and events to and from the other ranks
      add_remote(&inflight, &age);
      if (draw) progress.Update(elapsed, shown.rows().back(), inflight, age);
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(kSamplerTickNs));
  }
  // A worker whose I/O never completed cannot end its thread: the kernel holds the thread
  // until that I/O returns. Results do not wait for it; such threads are left to finish.
  for (std::size_t i = 0; i < threads_v.size(); ++i) {
    if (workers[i]->abandoned() > 0)
      threads_v[i].detach();
    else
      threads_v[i].join();
  }
  Nanos run_end = control.start_ns;
  for (auto& w : workers) {
    if (w->failure() && !failure) failure = w->failure();
  }
  run_end = std::max(MonotonicNs(), control.start_ns);
  end_faults();  // when the workers ended before the sampler saw the end
  // Every fault undone, the probe still watching: read back what was written.
  if (verify)
    VerifyAfterRun(scenario, backend.get(), workers, poller ? &*poller : nullptr, &events, &result);
  if (poller) {
    poller->Stop();
    result.sync_probe = poller->Kind();
    result.sync_samples = poller->Samples();
  }
  // Everything the workers reported, including the partial last interval.
  const std::int64_t last =
      (run_end - control.start_ns + scenario.run.interval_ns - 1) / scenario.run.interval_ns;
  // A fleet's rank 0 waits (bounded) for every rank's results; their last intervals come first.
  std::map<int, FleetFinal> finals;
  std::vector<int> missing_ranks;
  if (fleet_root) {
    finals = fleet->CollectFinals(std::max(MonotonicNs(), run_end) + scenario.run.drain_timeout_ns +
                                  fleet->timeout_ns());
    for (int r = 1; r < fleet->size(); ++r) {
      if (finals.count(r) != 0) continue;
      missing_ranks.push_back(r);
      events.Add("fleet", "rank_missing", "", false,
                 "rank " + std::to_string(r) + " (" +
                     fleet->hellos()[static_cast<std::size_t>(r)].host +
                     ") never handed over its results within run.fleet_timeout after the run "
                     "ended: it died or hung; the fleet's figures leave it out",
                 MonotonicNs());
    }
  }
  collect(std::max<std::int64_t>(last, 1), true);
  progress.Finish();
  RestoreInterruptHandlers();

  result.duration_s = NsToSeconds(run_end - control.start_ns);
  result.interrupted = interrupted;
  result.timeseries = agg.rows();
  FillSyncColumn(result.sync_samples, &result.timeseries);
  // The last row may cover a partial interval: clamp its end time to the run's end.
  if (!result.timeseries.empty())
    result.timeseries.back().t_s = std::min(result.timeseries.back().t_s, result.duration_s);

  std::uint32_t abandoned = 0;
  for (auto& w : workers) {
    abandoned += w->abandoned();
    if (!w->first_io_error().empty()) {
      events.Add("io", "error", "", false,
                 "first I/O error of worker " + std::to_string(&w - &workers[0]) + ": " +
                     w->first_io_error(),
                 run_end);
    }
  }
  if (abandoned > 0) {
    events.Add("io", "abandoned", "", false,
               std::to_string(abandoned) + " I/O(s) still in flight " +
                   FormatDuration(scenario.run.drain_timeout_ns) +
                   " after the run ended; reported as open stalls",
               run_end);
  }
  if (failure) events.Add("backend", "failure", "", false, failure->message, run_end);
  events.Add("run", "end", "", !failure && !timeline.Aborted() && abandoned == 0,
             interrupted          ? "interrupted"
             : timeline.Aborted() ? "aborted by a failed fault step"
             : abandoned > 0      ? "completed, with I/O that never completed"
                                  : "completed",
             run_end);
  result.events = events.Snapshot();

  AssemblyInput in;
  in.workers = MeasurementsOf(workers);
  in.phases = phases.Spans(run_end);
  in.stall_threshold_ns = scenario.run.stall_threshold_ns;
  in.image_names = result.images;
  in.run_start_ns = control.start_ns;
  in.run_end_ns = run_end;
  in.slo = scenario.slo;
  AssembleMeasurements(in, &result);
  if (expected_stall) {
    result.derived.expected_stall_s = expected_stall->seconds;
    result.derived.expected_stall_basis = expected_stall->basis;
  }
  result.resources = ReadResources();
  if (fleet) fleet->Detach();  // events rank 0 sends from now on are not this run's
  log.Close();

  if (fleet_member) {  // this rank's own results stay in its OUT/ranks/rank-N; rank 0 gets a copy
    FleetFinal final;
    final.results_json = report::ResultsJsonText(result);
    for (const auto& w : workers) final.workers.push_back(CaptureWorker(*w, control.start_ns));
    final.exit_code = failure || timeline.Aborted() || abandoned > 0 ? 3
                      : report::SloPass(result)                      ? 0
                                                                     : 1;
    outcome.handed_over = fleet->HandOver(final);
  }
  std::string fleet_problem;  // rank 0: ranks that are missing or failed
  if (fleet_root) {
    std::string err;
    std::error_code ec;
    std::filesystem::create_directories(RankOutDir(*out_dir, 0), ec);
    if (!report::WriteFileAtomically(RankOutDir(*out_dir, 0) + "/results.json",
                                     report::ResultsJsonText(result), &err)) {
      fprintf(stderr, "healbench: could not write rank 0's own results: %s\n", err.c_str());
    }
    FleetMergeInput fm;
    fm.own = &result;
    fm.workers = &workers;
    fm.finals = &finals;
    for (const FleetHello& h : fleet->hellos()) {
      fm.hosts.push_back(h.host);
      fm.images.push_back(h.images);
    }
    fm.fleet_rows = fleet_agg->rows();
    FillSyncColumn(result.sync_samples, &fm.fleet_rows);
    fm.out_dir = *out_dir;
    fm.stall_ranks_spec = scenario.run.fleet_stall_ranks;
    fm.assembly = in;
    report::RunResult merged = MergeFleet(fm);
    fleet->SayDone(finals);
    for (const report::FleetRank& fr : merged.fleet->per_rank) {
      if (fr.status == "finished") continue;
      fleet_problem += "\n  rank " + std::to_string(fr.rank) + " (" + fr.host + "): " + fr.status +
                       (fr.error.empty() ? "" : ", " + fr.error);
    }
    outcome.fleet_complete = missing_ranks.empty();
    result = std::move(merged);
  }

  std::string err;
  const bool results_written = report::WriteFileAtomically(*out_dir + "/results.json",
                                                           report::ResultsJsonText(result), &err);
  if (!results_written ||
      !report::WriteFileAtomically(*out_dir + "/timeseries.csv", report::TimeseriesCsv(result),
                                   &err) ||
      !report::WriteFileAtomically(*out_dir + "/report.html", report::HtmlReport(result), &err)) {
    // Nothing half-written is left under a final name: each file is renamed into place only
    // once it is complete (a results.json that is there is whole).
    fprintf(stderr, "healbench: could not write the results: %s\n", err.c_str());
    outcome.exit_code = 3;
  }
  metrics.OnFinish(result);
  if (PublishFinalFigures(result, scenario, options.pushgateway, options.textfile) != 0)
    outcome.exit_code = 3;
  if (options.print_summary && !fleet_member) {
    fputs(report::TerminalSummary(result).c_str(), stdout);
    if (results_written) fprintf(stdout, "results: %s/results.json\n", out_dir->c_str());
  }
  if (!fleet_problem.empty()) {
    fprintf(stderr, "healbench: not every rank of the fleet finished:%s\n", fleet_problem.c_str());
    outcome.exit_code = 3;
  } else if (failure) {
    fprintf(stderr, "healbench: backend failure during the run: %s\n", failure->message.c_str());
    outcome.exit_code = 3;
  } else if (timeline.Aborted()) {
    fprintf(stderr,
            "healbench: a fault step failed with on_timeout = \"abort\"; the run ended early\n");
    outcome.exit_code = 3;
  } else if (abandoned > 0) {
    // The storage never answered these: a hung backend, whatever the SLOs say.
    fprintf(stderr,
            "healbench: %u I/O(s) never completed (still in flight %s after the run ended): "
            "the storage is hung; reported as open stalls\n",
            abandoned, FormatDuration(scenario.run.drain_timeout_ns).c_str());
    outcome.exit_code = 3;
  } else if (outcome.exit_code == 0 && !report::SloPass(result)) {
    outcome.exit_code = 1;
  }
  return outcome;
}

}  // namespace healbench
