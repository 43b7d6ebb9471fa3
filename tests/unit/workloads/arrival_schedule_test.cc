// Tests for ArrivalSchedule: fixed spacing lands exactly on i * 1e9 / rate, Poisson gaps have
// the right mean and the coefficient of variation of an exponential (~1).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "workloads/image_stream.h"

namespace healbench {
namespace {

TEST(ArrivalSchedule, FixedSpacingIsExact) {
  ArrivalSchedule s(1000, Spacing::kFixed, 1);
  for (std::int64_t i = 0; i < 100000; ++i) ASSERT_EQ(s.NextNs(), i * 1000000) << i;
}

TEST(ArrivalSchedule, FixedSpacingWithFractionalPeriodDoesNotDrift) {
  ArrivalSchedule s(3, Spacing::kFixed, 1);
  for (std::int64_t i = 0; i < 3000; ++i) {
    const std::int64_t t = s.NextNs();
    if (i % 3 == 0) {  // every third arrival lands on a whole second
      ASSERT_EQ(t, i / 3 * 1000000000) << i;
    }
  }
}

TEST(ArrivalSchedule, PoissonHasTheMeanGapAndExponentialSpread) {
  constexpr double kRate = 5000;
  constexpr int kArrivals = 100000;
  ArrivalSchedule s(kRate, Spacing::kPoisson, 42);
  std::vector<double> gaps;
  gaps.reserve(kArrivals);
  std::int64_t prev = s.NextNs();
  EXPECT_EQ(prev, 0);
  for (int i = 0; i < kArrivals; ++i) {
    const std::int64_t t = s.NextNs();
    ASSERT_GE(t, prev);
    gaps.push_back(static_cast<double>(t - prev));
    prev = t;
  }
  double sum = 0;
  for (double g : gaps) sum += g;
  const double mean = sum / kArrivals;
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  const double cv = std::sqrt(var / kArrivals) / mean;
  EXPECT_NEAR(mean, 1e9 / kRate, 0.03 * 1e9 / kRate);
  EXPECT_NEAR(cv, 1.0, 0.05);
}

TEST(ArrivalSchedule, PoissonIsDeterministicFromTheSeed) {
  ArrivalSchedule a(100, Spacing::kPoisson, 7);
  ArrivalSchedule b(100, Spacing::kPoisson, 7);
  ArrivalSchedule c(100, Spacing::kPoisson, 8);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t ta = a.NextNs();
    ASSERT_EQ(ta, b.NextNs());
    if (ta != c.NextNs()) differs = true;
  }
  EXPECT_TRUE(differs);
}

TEST(ArrivalSchedule, NonPositiveRateMeansNever) {
  ArrivalSchedule s(0, Spacing::kFixed, 1);
  EXPECT_EQ(s.NextNs(), std::numeric_limits<std::int64_t>::max());
  ArrivalSchedule p(-5, Spacing::kPoisson, 1);
  EXPECT_EQ(p.NextNs(), std::numeric_limits<std::int64_t>::max());
}

}  // namespace
}  // namespace healbench
