// Event list. See event_recorder.h.
#include "harness/run/event_recorder.h"

#include <cstdio>

#include "reports/results_json.h"

namespace healbench {

int EventRecorder::Add(const std::string& kind, const std::string& action, const std::string& node,
                       bool ok, const std::string& detail, Nanos at_ns,
                       std::optional<Nanos> end_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  report::Event e;
  e.id = static_cast<int>(events_.size()) + 1;
  e.t_s = NsToSeconds(at_ns - start_);
  if (end_ns) e.end_s = NsToSeconds(*end_ns - start_);
  e.kind = kind;
  e.action = action;
  e.node = node;
  e.ok = ok;
  e.detail = detail;
  events_.push_back(e);
  std::string log_error;
  if (log_ != nullptr && !log_->Append(report::EventToJson(e), &log_error) && !log_failed_) {
    // Said once: the events are still kept for results.json.
    log_failed_ = true;
    fprintf(stderr, "healbench: event log: %s (events go on into results.json)\n",
            log_error.c_str());
  }
  lock.unlock();
  if (observer_) observer_(e);
  return e.id;
}

std::vector<report::Event> EventRecorder::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

}  // namespace healbench
