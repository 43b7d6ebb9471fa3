// One worker's queue on an iSCSI LUN: its own session, READ(16) / WRITE(16) / SYNCHRONIZE
// CACHE(10) tasks straight from and into the worker's buffers, up to `depth` in flight.
// A dropped connection is re-established and the requests it carried are sent again, so an
// outage shows up as a stall, not as errors.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/iscsi/iscsi_capacity.h"
#include "backends/iscsi/iscsi_session.h"
#include "backends/iscsi/iscsi_url.h"

struct scsi_task;
struct iscsi_context;

namespace healbench {

// Reconnect policy, the nbd backend's (the scenario has no key for it yet):
// - after a connection dies, a new session is tried at once and then every
//   kIscsiReconnectIntervalNs; one attempt (TCP connect and login) is abandoned after
//   kIscsiConnectTimeoutNs;
// - the requests that were in flight, and those submitted meanwhile, wait and are sent again
//   in the new session (READ, WRITE and SYNCHRONIZE CACHE are idempotent);
// - once the connection has been down for kIscsiReconnectTimeoutNs, waiting requests, and new
//   ones until a session is back, complete with -ENOTCONN. Attempts go on.
constexpr Nanos kIscsiReconnectIntervalNs = 100 * kNsPerMs;
constexpr Nanos kIscsiConnectTimeoutNs = 5 * kNsPerSec;
constexpr Nanos kIscsiReconnectTimeoutNs = 60 * kNsPerSec;

class IscsiQueue final : public BackendQueue {
 public:
  // bases: the byte offset of each run-wide image on the LUN.
  IscsiQueue(IscsiTarget target, const LunCapacity& capacity, std::vector<std::uint64_t> bases,
             std::uint32_t depth);
  IscsiQueue(const IscsiQueue&) = delete;
  IscsiQueue& operator=(const IscsiQueue&) = delete;
  // Drops the session and prints how many requests each kind of SCSI failure cost.
  ~IscsiQueue() override;

  Result<void> Init();  // logs in; kUnavailable / kTimeout naming the URL when it cannot

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }
  Result<void> Submit(std::span<const IoRequest> requests) override;
  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override;
  // Requests waiting for a connection complete with -ECANCELED; libiscsi cannot take back a
  // task once sent, so with any in flight the session is dropped (the next call reconnects).
  void CancelAll() override;

 private:
  enum class OpState : std::uint8_t { kFree, kInFlight, kWaiting };
  struct Op;

  static void OnTaskDone(iscsi_context* ctx, int status, void* command_data, void* private_data);
  void Issue(Op& op);
  void Complete(Op& op, std::int64_t result);
  void Wait(Op& op);
  void Count(std::map<std::string, std::uint64_t>& counts, const Op& op, const std::string& what,
             const char* consequence);
  std::size_t TakeReady(std::span<IoCompletion> out);
  void DropSession();
  void MarkDown();
  void LoseConnection();
  void OnReconnected();
  void Step(Nanos deadline);

  const IscsiTarget target_;
  const LunCapacity capacity_;
  const std::vector<std::uint64_t> bases_;
  std::unique_ptr<IscsiSession> session_;
  bool connected_ = false;  // session_ is logged in and takes tasks
  bool closing_ = false;    // callbacks run while the session is destroyed are ignored
  bool lost_ = false;       // a task came back with the connection gone
  std::vector<Op> ops_;     // one per request that may be out; never resized
  std::vector<Op*> free_;
  std::deque<Op*> waiting_;  // for a connection
  std::vector<Op*> retry_;   // to send again (UNIT ATTENTION, BUSY) once the pump returns
  std::uint32_t outstanding_ = 0;
  std::vector<IoCompletion> ready_;
  std::size_t ready_head_ = 0;
  Nanos down_since_ns_ = 0;
  Nanos next_attempt_ns_ = 0;
  Nanos attempt_deadline_ns_ = 0;
  bool gave_up_ = false;
  std::map<std::string, std::uint64_t> failures_;  // "write: CHECK CONDITION ..." -> count
  std::map<std::string, std::uint64_t> retries_;
};

}  // namespace healbench
