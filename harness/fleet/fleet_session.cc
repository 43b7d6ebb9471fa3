// A rank's side of a fleet run. See fleet_session.h.
#include "harness/fleet/fleet_session.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

namespace healbench {
namespace {

constexpr Nanos kPollSleepNs = 2 * kNsPerMs;

// Events that are rank 0's own business (its run's start and end, its I/O and backend).
bool RankLocalEvent(const std::string& kind) {
  return kind == "run" || kind == "io" || kind == "backend" || kind == "cleanup" || kind == "fleet";
}

}  // namespace

FleetSession::FleetSession(FleetTransport* transport, Nanos timeout_ns)
    : t_(transport), timeout_ns_(timeout_ns) {
  hellos_.resize(static_cast<std::size_t>(t_->size()));
}

// Polls until `done` says so or the deadline passes, handling every message that arrives.
static bool PollUntil(FleetTransport* t, const std::function<void(const FleetMessage&)>& handle,
                      const std::function<bool()>& done, Nanos deadline_ns) {
  while (!done()) {
    if (auto m = t->Poll()) {
      handle(*m);
      continue;
    }
    if (MonotonicNs() >= deadline_ns) return false;
    std::this_thread::sleep_for(std::chrono::nanoseconds(kPollSleepNs));
  }
  return true;
}

void FleetSession::SendSetup(const FleetSetup& setup) {
  if (setup_sent_) return;
  setup_sent_ = true;
  for (int r = 1; r < size(); ++r) t_->Send(r, EncodeSetup(setup));
}

Result<FleetSetup> FleetSession::WaitSetup() {
  std::optional<FleetSetup> setup;
  const bool got = PollUntil(
      t_,
      [&](const FleetMessage& m) {
        FleetSetup s;
        if (m.source == 0 && DecodeSetup(m.bytes, &s)) setup = s;
      },
      [&] { return setup.has_value(); }, MonotonicNs() + timeout_ns_);
  setup_sent_ = true;  // nothing more to send for this step either way
  if (!got) {
    return MakeError(ErrorCode::kTimeout, "fleet rank " + std::to_string(rank()) +
                                              ": rank 0 did not finish setting up within " +
                                              std::to_string(timeout_ns_ / kNsPerSec) +
                                              " s (run.fleet_timeout)");
  }
  if (!setup->error.empty()) {
    return MakeError(ErrorCode::kUnavailable,
                     "fleet rank " + std::to_string(rank()) + ": rank 0 failed: " + setup->error);
  }
  return *setup;
}

void FleetSession::SendHello(const FleetHello& hello) {
  if (hello_sent_) return;
  hello_sent_ = true;
  t_->Send(0, EncodeHello(hello));
}

Result<void> FleetSession::GatherHellos(const FleetHello& own) {
  hello_sent_ = true;
  hellos_[0] = own;
  std::vector<bool> seen(hellos_.size(), false);
  seen[0] = true;
  auto all = [&] { return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }); };
  PollUntil(
      t_,
      [&](const FleetMessage& m) {
        FleetHello h;
        if (m.source > 0 && m.source < size() && DecodeHello(m.bytes, &h)) {
          hellos_[static_cast<std::size_t>(m.source)] = h;
          seen[static_cast<std::size_t>(m.source)] = true;
        }
      },
      all, MonotonicNs() + timeout_ns_);
  std::string missing, failed;
  for (int r = 1; r < size(); ++r) {
    const FleetHello& h = hellos_[static_cast<std::size_t>(r)];
    if (!seen[static_cast<std::size_t>(r)])
      missing += (missing.empty() ? "" : ", ") + std::to_string(r);
    else if (!h.error.empty())
      failed += "\n  rank " + std::to_string(r) + " (" + h.host + "): " + h.error;
  }
  if (!failed.empty())
    return MakeError(ErrorCode::kUnavailable, "fleet: ranks could not set up:" + failed);
  if (!missing.empty()) {
    return MakeError(ErrorCode::kTimeout, "fleet: rank(s) " + missing +
                                              " did not report ready within " +
                                              std::to_string(timeout_ns_ / kNsPerSec) +
                                              " s (run.fleet_timeout): hung or died during setup");
  }
  offsets_.clear();
  std::size_t next = 0;
  for (const FleetHello& h : hellos_) {
    offsets_.push_back(next);
    next += h.workers;
  }
  offsets_.push_back(next);
  return Ok();
}

Result<void> FleetSession::StartTogether() { return t_->Barrier(timeout_ns_); }

void FleetSession::AbandonSetup(const std::string& error) {
  if (root()) {
    FleetSetup s;
    s.error = error;
    SendSetup(s);
  } else {
    FleetHello h;
    h.error = error.empty() ? "failed" : error;
    SendHello(h);
  }
}

void FleetSession::Attach(RunControl* control, EventRecorder* events, PhaseTracker* phases,
                          IntervalAggregator* fleet_agg) {
  control_ = control;
  events_ = events;
  phases_ = phases;
  fleet_agg_ = fleet_agg;
}

void FleetSession::Forward(std::uint32_t worker, const IntervalReport& report) {
  outbox_.reports.emplace_back(worker, report);
}

void FleetSession::QueueEvent(const report::Event& e) {
  if (RankLocalEvent(e.kind)) return;
  FleetControlItem c;
  c.kind = FleetControlItem::Kind::kEvent;
  c.t_rel_ns = static_cast<Nanos>(e.t_s * 1e9);
  c.end_rel_ns = e.end_s ? static_cast<Nanos>(*e.end_s * 1e9) : -1;
  c.kind_name = e.kind;
  c.action = e.action;
  c.node = e.node;
  c.ok = e.ok;
  c.detail = e.detail;
  std::lock_guard<std::mutex> lock(queue_mu_);
  queue_.push_back(std::move(c));
}

void FleetSession::QueuePhase(const std::string& name) {
  FleetControlItem c;
  c.kind = FleetControlItem::Kind::kPhase;
  c.t_rel_ns = control_ ? MonotonicNs() - control_->start_ns : 0;
  c.action = name;
  std::lock_guard<std::mutex> lock(queue_mu_);
  queue_.push_back(std::move(c));
}

void FleetSession::Pump(std::uint32_t inflight, Nanos oldest_age_ns) {
  if (root() && control_ != nullptr) {
    std::vector<FleetControlItem> items;
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      items.swap(queue_);
    }
    const std::uint32_t epoch = control_->fault_epoch.load();
    const std::uint32_t end_epoch = control_->fault_end_epoch.load();
    if (epoch != sent_epoch_ || end_epoch != sent_end_epoch_) {
      FleetControlItem c;
      c.kind = FleetControlItem::Kind::kEpochs;
      c.fault_epoch = sent_epoch_ = epoch;
      c.fault_end_epoch = sent_end_epoch_ = end_epoch;
      items.push_back(c);
    }
    const Nanos now = MonotonicNs();
    if (!stop_sent_ && control_->stop.load() && now < control_->end_ns.load() + kNsPerSec) {
      // Rank 0 stopped early (Ctrl-C, a failure, an aborted timeline): so does the fleet.
      stop_sent_ = true;
      FleetControlItem c;
      c.kind = FleetControlItem::Kind::kStop;
      c.t_rel_ns = now - control_->start_ns;
      items.push_back(c);
    }
    if (!items.empty()) {
      const std::vector<std::uint8_t> bytes = EncodeControl(items);
      for (int r = 1; r < size(); ++r) t_->Send(r, bytes);
    }
  } else if (!root()) {
    outbox_.inflight = inflight;
    outbox_.oldest_age_ns = oldest_age_ns;
    t_->Send(0, EncodeIntervals(outbox_));
    outbox_.reports.clear();
  }
  while (auto m = t_->Poll()) Handle(*m);
}

void FleetSession::Handle(const FleetMessage& m) {
  const auto type = MessageType(m.bytes);
  if (!type) return;
  if (root()) {
    if (m.source <= 0 || m.source >= size()) return;
    if (*type == FleetMsg::kIntervals) {
      FleetIntervals in;
      if (!DecodeIntervals(m.bytes, &in)) return;
      const std::size_t offset = WorkerOffset(m.source);
      const std::size_t workers = hellos_[static_cast<std::size_t>(m.source)].workers;
      for (const auto& [w, rep] : in.reports) {
        if (fleet_agg_ != nullptr && w < workers)
          fleet_agg_->Add(static_cast<int>(offset + w), rep);
      }
      in.reports.clear();
      live_[m.source] = std::move(in);
    } else if (*type == FleetMsg::kFinal) {
      FleetFinal f;
      if (DecodeFinal(m.bytes, &f)) finals_[m.source] = std::move(f);
    }
    return;
  }
  if (m.source != 0) return;
  if (*type == FleetMsg::kDone) {
    done_received_ = true;
    return;
  }
  std::vector<FleetControlItem> items;
  if (*type != FleetMsg::kControl || control_ == nullptr || !DecodeControl(m.bytes, &items)) return;
  for (const FleetControlItem& c : items) {
    const Nanos at = control_->start_ns + c.t_rel_ns;
    switch (c.kind) {
      case FleetControlItem::Kind::kEvent:
        events_->Add(c.kind_name, c.action, c.node, c.ok, c.detail, at,
                     c.end_rel_ns >= 0 ? std::optional<Nanos>(control_->start_ns + c.end_rel_ns)
                                       : std::nullopt);
        break;
      case FleetControlItem::Kind::kPhase:
        phases_->Enter(c.action, at);
        break;
      case FleetControlItem::Kind::kEpochs:
        control_->fault_epoch.store(c.fault_epoch);
        control_->fault_end_epoch.store(c.fault_end_epoch);
        break;
      case FleetControlItem::Kind::kStop:
        if (!control_->stop.exchange(true)) {
          const Nanos now = MonotonicNs();
          control_->end_ns.store(std::min(control_->end_ns.load(), now));
          events_->Add("fleet", "stop", "", true,
                       "rank 0 ended the run early; this rank ends with it", now);
        }
        break;
    }
  }
}

std::uint32_t FleetSession::RemoteInflight() const {
  std::uint32_t n = 0;
  for (const auto& [r, in] : live_) n += in.inflight;
  return n;
}

Nanos FleetSession::RemoteOldestAgeNs() const {
  Nanos age = 0;
  for (const auto& [r, in] : live_) age = std::max(age, in.oldest_age_ns);
  return age;
}

std::size_t FleetSession::TotalWorkers() const { return offsets_.empty() ? 0 : offsets_.back(); }

std::size_t FleetSession::WorkerOffset(int rank) const {
  return offsets_.empty() ? 0 : offsets_[static_cast<std::size_t>(rank)];
}

bool FleetSession::HandOver(const FleetFinal& final) {
  if (!outbox_.reports.empty()) Pump(0, 0);  // the last intervals go before the final
  t_->Send(0, EncodeFinal(final));
  return PollUntil(
      t_, [this](const FleetMessage& m) { Handle(m); }, [this] { return done_received_; },
      MonotonicNs() + timeout_ns_ + 30 * kNsPerSec);
}

std::map<int, FleetFinal> FleetSession::CollectFinals(Nanos deadline_ns) {
  PollUntil(
      t_, [this](const FleetMessage& m) { Handle(m); },
      [this] { return static_cast<int>(finals_.size()) >= size() - 1; }, deadline_ns);
  return std::move(finals_);
}

void FleetSession::SayDone(const std::map<int, FleetFinal>& finals) {
  for (const auto& [r, f] : finals) t_->Send(r, EncodeDone());
}

}  // namespace healbench
