// How a finished task is judged: GOOD is done, UNIT ATTENTION and BUSY are sent again, other
// CHECK CONDITIONs fail with an errno and a message naming the sense key and ASC/ASCQ, and a
// task lost with its connection waits for a reconnect.
#ifdef HEALBENCH_HAVE_ISCSI
#include "backends/iscsi/iscsi_status.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#endif

#include <gtest/gtest.h>

#include <cerrno>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_ISCSI

TEST(IscsiStatus, GoodIsDone) {
  EXPECT_EQ(JudgeTask(SCSI_STATUS_GOOD, 0, 0).action, TaskAction::kDone);
}

TEST(IscsiStatus, UnitAttentionIsSentAgainAndNamed) {
  const TaskVerdict v =
      JudgeTask(SCSI_STATUS_CHECK_CONDITION, SCSI_SENSE_UNIT_ATTENTION, SCSI_SENSE_ASCQ_BUS_RESET);
  EXPECT_EQ(v.action, TaskAction::kRetry);
  EXPECT_EQ(v.what, "CHECK CONDITION: sense key UNIT_ATTENTION (0x6), ASC/ASCQ 0x2900 (BUS_RESET)");
}

TEST(IscsiStatus, WriteProtectedFailsWithEaccesNamingSenseKeyAndAscq) {
  const TaskVerdict v = JudgeTask(SCSI_STATUS_CHECK_CONDITION, SCSI_SENSE_DATA_PROTECTION,
                                  SCSI_SENSE_ASCQ_WRITE_PROTECTED);
  EXPECT_EQ(v.action, TaskAction::kFail);
  EXPECT_EQ(v.error, EACCES);
  EXPECT_EQ(v.what,
            "CHECK CONDITION: sense key DATA_PROTECT (0x7), ASC/ASCQ 0x2700 "
            "(WRITE_PROTECTED)");
}

TEST(IscsiStatus, MediumErrorIsEioAndIllegalRequestEinval) {
  const TaskVerdict medium =
      JudgeTask(SCSI_STATUS_CHECK_CONDITION, SCSI_SENSE_MEDIUM_ERROR, 0x1100);
  EXPECT_EQ(medium.action, TaskAction::kFail);
  EXPECT_EQ(medium.error, EIO);
  EXPECT_NE(medium.what.find("MEDIUM_ERROR (0x3), ASC/ASCQ 0x1100 (UNRECOVERED_READ_ERROR)"),
            std::string::npos)
      << medium.what;
  const TaskVerdict illegal = JudgeTask(SCSI_STATUS_CHECK_CONDITION, SCSI_SENSE_ILLEGAL_REQUEST,
                                        SCSI_SENSE_ASCQ_LBA_OUT_OF_RANGE);
  EXPECT_EQ(illegal.error, EINVAL);
  EXPECT_NE(illegal.what.find("LBA_OUT_OF_RANGE"), std::string::npos) << illegal.what;
}

TEST(IscsiStatus, BusyAndTaskSetFullAreSentAgain) {
  EXPECT_EQ(JudgeTask(SCSI_STATUS_BUSY, 0, 0).action, TaskAction::kRetry);
  EXPECT_EQ(JudgeTask(SCSI_STATUS_TASK_SET_FULL, 0, 0).action, TaskAction::kRetry);
}

TEST(IscsiStatus, ConnectionFailuresWaitForAReconnect) {
  EXPECT_EQ(JudgeTask(SCSI_STATUS_CANCELLED, 0, 0).action, TaskAction::kReconnect);
  EXPECT_EQ(JudgeTask(SCSI_STATUS_ERROR, 0, 0).action, TaskAction::kReconnect);
  EXPECT_EQ(JudgeTask(SCSI_STATUS_TIMEOUT, 0, 0).action, TaskAction::kReconnect);
}

TEST(IscsiStatus, ReservationConflictAndUnknownStatusFail) {
  const TaskVerdict conflict = JudgeTask(SCSI_STATUS_RESERVATION_CONFLICT, 0, 0);
  EXPECT_EQ(conflict.action, TaskAction::kFail);
  EXPECT_EQ(conflict.what, "RESERVATION CONFLICT");
  const TaskVerdict odd = JudgeTask(0x22, 0, 0);
  EXPECT_EQ(odd.action, TaskAction::kFail);
  EXPECT_EQ(odd.error, EIO);
  EXPECT_EQ(odd.what, "SCSI status 0x22");
}

#else
TEST(IscsiStatus, SkippedWithoutLibiscsi) { GTEST_SKIP() << "built without libiscsi"; }
#endif

}  // namespace
}  // namespace healbench
