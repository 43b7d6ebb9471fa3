// The test fault modes a reference node can be started with (`--test-fault MODE`, or the
// scenario key backend.test_faults): their names, parameters and parsing.
#pragma once

#include <cstdint>
#include <string>

#include "harness/core/result.h"

namespace healbench::ref {

// The ground truth is kept per 4 KiB sector; diverge flips this byte of every sector a faulty write
// covers.
constexpr std::uint64_t kFaultSectorBytes = 4096;
constexpr std::uint64_t kDivergeByteInSector = 2048;

enum class TestFaultKind : std::uint8_t { kAckDrop, kDiverge, kStaleAfterHeal };

struct TestFaultMode {
  TestFaultKind kind = TestFaultKind::kAckDrop;
  std::uint32_t every = 0;  // ack-drop and diverge: every Nth guest write (N >= 1)
};

// "ack-drop:every=N" | "diverge:every=N" | "stale-after-heal"; kBadInput naming the text.
Result<TestFaultMode> ParseTestFaultMode(const std::string& text);
std::string TestFaultModeText(const TestFaultMode& mode);

}  // namespace healbench::ref
