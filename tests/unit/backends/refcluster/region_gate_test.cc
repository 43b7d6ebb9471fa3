// The primary's region gate: a guest write waits only while the resync holds one of its
// regions, the resync waits for guest writes already in its region, and writes elsewhere
// never wait.
#include "backends/refcluster/region_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "backends/refcluster/image_store.h"

namespace healbench::ref {
namespace {

const int kImage = 0;  // any stable address serves as the image key

TEST(RegionGate, WritesToOtherRegionsPassWhileOneIsHeld) {
  RegionGate gate;
  gate.Lock(&kImage, 3);
  // Regions 0..2 and 4.. and another image: no wait (a wait here would hang the test).
  gate.Enter(&kImage, 0, 4096);
  gate.Enter(&kImage, 4 * kRegionBytes, 4096);
  const int other = 0;
  gate.Enter(&other, 3 * kRegionBytes, 4096);
  EXPECT_EQ(gate.ActiveWrites(), 3);
  gate.Leave(&kImage, 0, 4096);
  gate.Leave(&kImage, 4 * kRegionBytes, 4096);
  gate.Leave(&other, 3 * kRegionBytes, 4096);
  gate.Unlock();
  EXPECT_EQ(gate.ActiveWrites(), 0);
}

TEST(RegionGate, AWriteIntoTheHeldRegionWaitsForUnlock) {
  RegionGate gate;
  gate.Lock(&kImage, 2);
  std::atomic<bool> entered{false};
  // Straddles regions 1 and 2: held back by region 2.
  std::thread writer([&] {
    gate.Enter(&kImage, 2 * kRegionBytes - 2048, 4096);
    entered.store(true);
    gate.Leave(&kImage, 2 * kRegionBytes - 2048, 4096);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(entered.load()) << "a write into the held region went through";
  gate.Unlock();
  writer.join();
  EXPECT_TRUE(entered.load());
}

TEST(RegionGate, TheResyncWaitsForAWriteAlreadyInItsRegion) {
  RegionGate gate;
  gate.Enter(&kImage, 5 * kRegionBytes + 100, 512);
  std::promise<void> locked;
  std::future<void> locked_f = locked.get_future();
  std::thread resync([&] {
    gate.Lock(&kImage, 5);
    locked.set_value();
    gate.Unlock();
  });
  EXPECT_EQ(locked_f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "the copy started while a guest write was still in its region";
  gate.Leave(&kImage, 5 * kRegionBytes + 100, 512);
  EXPECT_EQ(locked_f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  resync.join();
}

}  // namespace
}  // namespace healbench::ref
