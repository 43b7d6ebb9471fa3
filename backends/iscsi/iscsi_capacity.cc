// READ CAPACITY(16) driven through the session's pump until its callback has run.
#include "backends/iscsi/iscsi_capacity.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include <optional>

#include "backends/iscsi/iscsi_status.h"
#include "harness/core/units.h"

namespace healbench {
namespace {

struct CapacityCall {
  bool done = false;
  TaskVerdict verdict;
  LunCapacity capacity;
  bool unreadable = false;
};

void OnCapacity(iscsi_context*, int status, void* command_data, void* private_data) {
  auto& call = *static_cast<CapacityCall*>(private_data);
  auto* task = static_cast<scsi_task*>(command_data);
  call.done = true;
  call.verdict = JudgeTask(status, task != nullptr ? task->sense.key : 0,
                           task != nullptr ? task->sense.ascq : 0);
  if (task == nullptr) return;
  if (call.verdict.action == TaskAction::kDone) {
    auto* rc16 = static_cast<scsi_readcapacity16*>(scsi_datain_unmarshall(task));
    if (rc16 == nullptr || rc16->block_length == 0) {
      call.unreadable = true;
    } else {
      call.capacity.block_bytes = rc16->block_length;
      call.capacity.size_bytes = (rc16->returned_lba + 1) * rc16->block_length;
    }
  }
  scsi_free_scsi_task(task);
}

}  // namespace

Result<LunCapacity> ReadLunCapacity(IscsiSession& session, const IscsiTarget& target,
                                    Nanos timeout_ns) {
  const std::string what = "READ CAPACITY(16) on " + target.url;
  const Nanos deadline = MonotonicNs() + timeout_ns;
  for (int attempt = 0; attempt <= kIscsiMaxRetries; ++attempt) {
    CapacityCall call;
    if (iscsi_readcapacity16_task(session.context(), target.lun, &OnCapacity, &call) == nullptr) {
      return MakeError(ErrorCode::kUnavailable, what + ": " + session.LastError());
    }
    while (!call.done) {
      std::optional<Error> failure;
      if (!session.Pump(deadline)) {
        failure = MakeError(ErrorCode::kUnavailable, what + ": " + session.LastError());
      } else if (!call.done && MonotonicNs() >= deadline) {
        failure = MakeError(ErrorCode::kTimeout,
                            what + ": no answer within " + FormatDurationExact(timeout_ns));
      }
      if (failure) {
        // The callback points at `call`: run it now, not from a later destroy.
        if (!call.done) iscsi_scsi_cancel_all_tasks(session.context());
        return *failure;
      }
    }
    switch (call.verdict.action) {
      case TaskAction::kDone:
        if (call.unreadable) {
          return MakeError(ErrorCode::kUnavailable, what + ": the answer could not be decoded");
        }
        return call.capacity;
      case TaskAction::kRetry:
        continue;
      case TaskAction::kFail:
        return MakeError(ErrorCode::kUnavailable, what + ": " + call.verdict.what + " (is LUN " +
                                                      std::to_string(target.lun) + " a disk?)");
      case TaskAction::kReconnect:
        return MakeError(ErrorCode::kUnavailable,
                         what + ": connection lost: " + session.LastError());
    }
  }
  return MakeError(ErrorCode::kUnavailable, what + ": still busy or in UNIT ATTENTION after " +
                                                std::to_string(kIscsiMaxRetries) + " retries");
}

}  // namespace healbench
