// The messages a fleet's ranks exchange, and their encoding. Times travel relative to the
// sender's run start (the start barrier), so each host's monotonic clock stays its own.
//   rank 0 -> others: Setup (where results go, the seed, the nodes rank 0 runs), Control
//                     (events, phase changes, fault epochs, stop), Done.
//   others -> rank 0: Hello (ready or failed, host, workers, images), Intervals (per-interval
//                     counts and raw histograms, live in-flight), Final (results and raw data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/stall_detector.h"
#include "harness/run/worker.h"

namespace healbench {

enum class FleetMsg : std::uint8_t {
  kSetup = 1,
  kHello = 2,
  kIntervals = 3,
  kControl = 4,
  kFinal = 5,
  kDone = 6,
};

struct FleetSetup {
  std::string error;  // non-empty: rank 0 could not set up; every rank stops with it
  std::string out_dir;
  std::uint64_t seed = 0;
  std::vector<std::string> nodes;  // HOST:PORT of the nodes rank 0's backend runs (ref)
};

struct FleetHello {
  std::string error;  // non-empty: this rank could not set up
  std::string host;
  std::uint32_t workers = 0;
  std::vector<std::string> images;
};

struct FleetIntervals {
  std::uint32_t inflight = 0;
  Nanos oldest_age_ns = 0;
  std::vector<std::pair<std::uint32_t, IntervalReport>> reports;  // (local worker, report)
};

struct FleetControlItem {
  enum class Kind : std::uint8_t { kEvent = 1, kPhase = 2, kEpochs = 3, kStop = 4 };
  Kind kind = Kind::kEvent;
  Nanos t_rel_ns = 0;
  Nanos end_rel_ns = -1;                        // event: when it ended; -1 none
  std::string kind_name, action, node, detail;  // event (phase: action is the phase name)
  bool ok = true;
  std::uint32_t fault_epoch = 0, fault_end_epoch = 0;  // epochs
};

// One worker's end-of-run measurements, times relative to the sender's run start.
struct FleetWorkerData {
  std::vector<PhaseStats> phases;
  Nanos threshold_ns = 0;
  Nanos last_completion_rel_ns = 0;
  std::uint64_t completions = 0;
  bool finished = false;
  std::vector<SlowIo> slow;  // end_ns -1: never completed
  std::vector<Gap> gaps;
};

struct FleetFinal {
  int exit_code = 0;
  std::string results_json;  // the rank's own results.json
  std::vector<FleetWorkerData> workers;
};

std::optional<FleetMsg> MessageType(const std::vector<std::uint8_t>& bytes);

std::vector<std::uint8_t> EncodeSetup(const FleetSetup& m);
std::vector<std::uint8_t> EncodeHello(const FleetHello& m);
std::vector<std::uint8_t> EncodeIntervals(const FleetIntervals& m);
std::vector<std::uint8_t> EncodeControl(const std::vector<FleetControlItem>& items);
std::vector<std::uint8_t> EncodeFinal(const FleetFinal& m);
std::vector<std::uint8_t> EncodeDone();

// Each returns false on a message of another type or a malformed one.
bool DecodeSetup(const std::vector<std::uint8_t>& bytes, FleetSetup* m);
bool DecodeHello(const std::vector<std::uint8_t>& bytes, FleetHello* m);
bool DecodeIntervals(const std::vector<std::uint8_t>& bytes, FleetIntervals* m);
bool DecodeControl(const std::vector<std::uint8_t>& bytes, std::vector<FleetControlItem>* items);
bool DecodeFinal(const std::vector<std::uint8_t>& bytes, FleetFinal* m);

}  // namespace healbench
