// What a finished libiscsi task means for the request it carried: done, sent again (UNIT
// ATTENTION, BUSY, TASK SET FULL), failed with an errno and a message naming the SCSI status,
// sense key and ASC/ASCQ, or lost with the connection (sent again after a reconnect).
#pragma once

#include <string>

namespace healbench {

enum class TaskAction {
  kDone,       // GOOD
  kRetry,      // the target asks to send the command again
  kFail,       // counted as an error: the request completes with -error
  kReconnect,  // the connection failed under it: it waits for the next connection
};

struct TaskVerdict {
  TaskAction action = TaskAction::kDone;
  int error = 0;     // errno for kFail
  std::string what;  // for kRetry and kFail, e.g. "CHECK CONDITION: sense key DATA_PROTECT
                     // (0x7), ASC/ASCQ 0x2700 (WRITE_PROTECTED)"
};

// status is the task's SCSI status (SCSI_STATUS_*), sense_key and ascq (ASC << 8 | ASCQ) its
// sense data, read only for CHECK CONDITION.
TaskVerdict JudgeTask(int status, int sense_key, int ascq);

// How often one request is sent again for kRetry before it fails with the last verdict.
constexpr int kIscsiMaxRetries = 16;

}  // namespace healbench
