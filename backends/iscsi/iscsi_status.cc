// SCSI status and sense data to a TaskVerdict. The errno for each sense key follows what
// qemu's iSCSI driver reports to a guest, so errors read the same as in a VM.
#include "backends/iscsi/iscsi_status.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include <cerrno>
#include <cstdio>

namespace healbench {
namespace {

std::string Hex(int value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%0*x", width, static_cast<unsigned>(value));
  return buf;
}

std::string Named(const char* name) { return name != nullptr ? name : "unknown"; }

// The sense keys' names in SPC (libiscsi's own table has gaps, e.g. MEDIUM ERROR).
std::string SenseKeyName(int key) {
  static constexpr const char* kNames[] = {
      "NO_SENSE",       "RECOVERED_ERROR", "NOT_READY",      "MEDIUM_ERROR",
      "HARDWARE_ERROR", "ILLEGAL_REQUEST", "UNIT_ATTENTION", "DATA_PROTECT",
      "BLANK_CHECK",    "VENDOR_SPECIFIC", "COPY_ABORTED",   "ABORTED_COMMAND",
      "OBSOLETE",       "VOLUME_OVERFLOW", "MISCOMPARE",     "COMPLETED"};
  return key >= 0 && key < 16 ? kNames[key] : "unknown";
}

// libiscsi names the common ASC/ASCQ pairs; these come up with tgt and are missing there.
std::string AscqName(int ascq) {
  switch (ascq) {
    case 0x3f0e:
      return "REPORTED_LUNS_DATA_HAS_CHANGED";
    case 0x1100:
      return "UNRECOVERED_READ_ERROR";
    case 0x0c00:
      return "WRITE_ERROR";
    default:
      return Named(scsi_sense_ascq_str(ascq));
  }
}

int ErrnoForSenseKey(int key) {
  switch (key) {
    case SCSI_SENSE_NOT_READY:
      return EBUSY;
    case SCSI_SENSE_ILLEGAL_REQUEST:
      return EINVAL;
    case SCSI_SENSE_DATA_PROTECTION:
      return EACCES;
    case SCSI_SENSE_COMMAND_ABORTED:
      return ECANCELED;
    default:
      return EIO;  // medium, hardware, miscompare and the rest
  }
}

}  // namespace

TaskVerdict JudgeTask(int status, int sense_key, int ascq) {
  switch (status) {
    case SCSI_STATUS_GOOD:
    case SCSI_STATUS_CONDITION_MET:
      return {};
    case SCSI_STATUS_CHECK_CONDITION: {
      const std::string what = "CHECK CONDITION: sense key " + SenseKeyName(sense_key) + " (" +
                               Hex(sense_key, 1) + "), ASC/ASCQ " + Hex(ascq, 4) + " (" +
                               AscqName(ascq) + ")";
      if (sense_key == SCSI_SENSE_UNIT_ATTENTION) return {TaskAction::kRetry, 0, what};
      return {TaskAction::kFail, ErrnoForSenseKey(sense_key), what};
    }
    case SCSI_STATUS_BUSY:
      return {TaskAction::kRetry, 0, "BUSY"};
    case SCSI_STATUS_TASK_SET_FULL:
      return {TaskAction::kRetry, 0, "TASK SET FULL"};
    case SCSI_STATUS_TASK_ABORTED:
      return {TaskAction::kRetry, 0, "TASK ABORTED"};
    case SCSI_STATUS_RESERVATION_CONFLICT:
      return {TaskAction::kFail, EBADE, "RESERVATION CONFLICT"};
    case SCSI_STATUS_CANCELLED:
    case SCSI_STATUS_ERROR:
    case SCSI_STATUS_TIMEOUT:
      return {TaskAction::kReconnect, 0, {}};
    default:
      return {TaskAction::kFail, EIO, "SCSI status " + Hex(status, 2)};
  }
}

}  // namespace healbench
