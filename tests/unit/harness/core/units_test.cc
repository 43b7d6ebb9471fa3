// Tests for size and duration parsing and printing: the suffixes people write, the exact
// error text for what is refused, and that the exact formats read back unchanged.
#include "harness/core/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace healbench {
namespace {

std::uint64_t SizeOk(std::string_view text) {
  auto r = ParseSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

std::string SizeError(std::string_view text) {
  auto r = ParseSize(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? *r : 0);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  return r.error().message;
}

Nanos DurationOk(std::string_view text) {
  auto r = ParseDuration(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : -1;
}

std::string DurationError(std::string_view text) {
  auto r = ParseDuration(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? *r : 0);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  return r.error().message;
}

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr std::uint64_t kTiB = 1024 * kGiB;

TEST(ParseSize, BareNumberIsBytes) {
  EXPECT_EQ(SizeOk("4096"), 4096u);
  EXPECT_EQ(SizeOk("0"), 0u);
  EXPECT_EQ(SizeOk("512B"), 512u);
  EXPECT_EQ(SizeOk("512b"), 512u);
}

TEST(ParseSize, EveryKilobyteSpellingIs1024) {
  for (const char* text : {"4k", "4K", "4KiB", "4kib", "4KB", "4kb", "4 KiB", " 4k "}) {
    EXPECT_EQ(SizeOk(text), 4 * kKiB) << text;
  }
}

TEST(ParseSize, LargerUnitsAreBinary) {
  EXPECT_EQ(SizeOk("1M"), kMiB);
  EXPECT_EQ(SizeOk("1MiB"), kMiB);
  EXPECT_EQ(SizeOk("1g"), kGiB);
  EXPECT_EQ(SizeOk("100GiB"), 100 * kGiB);
  EXPECT_EQ(SizeOk("2T"), 2 * kTiB);
  EXPECT_EQ(SizeOk("1PiB"), 1024 * kTiB);
}

TEST(ParseSize, FractionIsAllowedWhenItGivesWholeBytes) {
  EXPECT_EQ(SizeOk("1.5GiB"), kGiB + kGiB / 2);
  EXPECT_EQ(SizeOk("1.5k"), 1536u);
  EXPECT_EQ(SizeOk("0.5k"), 512u);
  EXPECT_EQ(SizeOk("2.0"), 2u);
  EXPECT_EQ(SizeOk(".5k"), 512u);
}

TEST(ParseSize, FractionThatIsNotWholeBytesIsRefused) {
  EXPECT_EQ(SizeError("0.3k"), "invalid size \"0.3k\": not a whole number of bytes");
  EXPECT_EQ(SizeError("1.5"), "invalid size \"1.5\": not a whole number of bytes");
}

TEST(ParseSize, JunkNamesTheInputAndTheExpectedForm) {
  EXPECT_EQ(SizeError("12x"),
            "invalid size \"12x\": expected a number with an optional unit (k, M, G, T; 1k = "
            "1024 bytes)");
  for (const char* text : {"", " ", "k", "4kk", "1e3", "4 k b", "0x10", "1.2.3", "abc", "."}) {
    EXPECT_NE(SizeError(text).find("expected a number with an optional unit"), std::string::npos)
        << text;
  }
}

// Found by hand with `healbench validate` (issue 10): "1ZiB" was called junk ("expected a
// number with an optional unit"), which hides that the unit is real but too large.
TEST(ParseSize, UnitsAbovePetaAreTooLarge) {
  for (const char* text : {"1ZiB", "1EiB", "2e", "1YB", "1 zib"}) {
    EXPECT_EQ(SizeError(text),
              std::string("invalid size \"") + text +
                  "\": units above P (PiB) are too large (a size is below 16 EiB)");
  }
  EXPECT_NE(SizeError("1e3").find("expected a number with an optional unit"), std::string::npos);
}

TEST(ParseSize, NegativeIsRefused) {
  EXPECT_EQ(SizeError("-4k"), "invalid size \"-4k\": must not be negative");
}

TEST(ParseSize, OverflowIsRefused) {
  EXPECT_EQ(SizeOk("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(SizeError("18446744073709551616"),
            "invalid size \"18446744073709551616\": too large (more than 16 EiB)");
  EXPECT_EQ(SizeError("16384P"), "invalid size \"16384P\": too large (more than 16 EiB)");
  EXPECT_EQ(SizeError("99999999999999999999999999999k"),
            "invalid size \"99999999999999999999999999999k\": too large (more than 16 EiB)");
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(DurationOk("250ns"), 250);
  EXPECT_EQ(DurationOk("100us"), 100 * kNsPerUs);
  EXPECT_EQ(DurationOk("100\xc2\xb5s"), 100 * kNsPerUs);
  EXPECT_EQ(DurationOk("500ms"), 500 * kNsPerMs);
  EXPECT_EQ(DurationOk("30s"), 30 * kNsPerSec);
  EXPECT_EQ(DurationOk("5m"), 300 * kNsPerSec);
  EXPECT_EQ(DurationOk("5min"), 300 * kNsPerSec);
  EXPECT_EQ(DurationOk("1h"), 3600 * kNsPerSec);
  EXPECT_EQ(DurationOk("1H"), 3600 * kNsPerSec);
  EXPECT_EQ(DurationOk(" 30 s "), 30 * kNsPerSec);
}

TEST(ParseDuration, BareNumberIsSeconds) {
  EXPECT_EQ(DurationOk("60"), 60 * kNsPerSec);
  EXPECT_EQ(DurationOk("0"), 0);
  EXPECT_EQ(DurationOk("0.25"), 250 * kNsPerMs);
}

TEST(ParseDuration, FractionsAreExact) {
  EXPECT_EQ(DurationOk("1.5s"), 1500 * kNsPerMs);
  EXPECT_EQ(DurationOk("1.1s"), 1100 * kNsPerMs);
  EXPECT_EQ(DurationOk("0.5ms"), 500 * kNsPerUs);
  EXPECT_EQ(DurationOk("1.000000000s"), kNsPerSec);
}

TEST(ParseDuration, PartsAddUp) {
  EXPECT_EQ(DurationOk("1m30s"), 90 * kNsPerSec);
  EXPECT_EQ(DurationOk("2m05s"), 125 * kNsPerSec);
  EXPECT_EQ(DurationOk("1h2m3s4ms"), 3723 * kNsPerSec + 4 * kNsPerMs);
}

TEST(ParseDuration, JunkNamesTheInputAndTheExpectedForm) {
  EXPECT_EQ(DurationError("5x"),
            "invalid duration \"5x\": expected a number with a unit (ns, us, ms, s, m, h; a bare "
            "number is seconds)");
  for (const char* text : {"", "s", "5 seconds", "1m30", "ms5", "1..5s", "5s5x", "abc"}) {
    EXPECT_NE(DurationError(text).find("expected a number with a unit"), std::string::npos) << text;
  }
}

TEST(ParseDuration, NegativeIsRefused) {
  EXPECT_EQ(DurationError("-5s"), "invalid duration \"-5s\": must not be negative");
}

TEST(ParseDuration, SubNanosecondIsRefused) {
  EXPECT_EQ(DurationError("0.5ns"),
            "invalid duration \"0.5ns\": not a whole number of nanoseconds");
}

TEST(ParseDuration, OverflowIsRefused) {
  EXPECT_EQ(DurationOk("9223372036854775807ns"), std::numeric_limits<Nanos>::max());
  EXPECT_EQ(DurationError("9223372036854775808ns"),
            "invalid duration \"9223372036854775808ns\": too large (more than 292 years)");
  EXPECT_EQ(DurationError("3000000h"),
            "invalid duration \"3000000h\": too large (more than 292 years)");
  EXPECT_NE(DurationError("2000000h2000000h").find("too large"), std::string::npos);
}

TEST(FormatBytes, BinaryUnitsWithOneDecimal) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(4096), "4.0 KiB");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(kGiB), "1.0 GiB");
  EXPECT_EQ(FormatBytes(kMiB - 1), "1.0 MiB");  // not "1024.0 KiB"
  EXPECT_EQ(FormatBytes(std::numeric_limits<std::uint64_t>::max()), "16.0 EiB");
}

TEST(FormatDuration, ThreeSignificantDigitsThenMinutesAndHours) {
  EXPECT_EQ(FormatDuration(250), "250 ns");
  EXPECT_EQ(FormatDuration(999), "999 ns");
  EXPECT_EQ(FormatDuration(1000), "1.00 us");
  EXPECT_EQ(FormatDuration(850 * kNsPerUs), "850 us");
  EXPECT_EQ(FormatDuration(999'700), "1.00 ms");  // rounds up into the next unit
  EXPECT_EQ(FormatDuration(12'300 * kNsPerUs), "12.3 ms");
  EXPECT_EQ(FormatDuration(1500 * kNsPerMs), "1.50 s");
  EXPECT_EQ(FormatDuration(45 * kNsPerSec), "45.0 s");
  EXPECT_EQ(FormatDuration(59'990 * kNsPerMs), "1m00s");
  EXPECT_EQ(FormatDuration(125 * kNsPerSec), "2m05s");
  EXPECT_EQ(FormatDuration(3720 * kNsPerSec), "1h02m");
  EXPECT_EQ(FormatDuration(-1500 * kNsPerMs), "-1.50 s");
}

TEST(FormatSizeExact, LargestUnitThatDividesAndReadsBack) {
  EXPECT_EQ(FormatSizeExact(0), "0B");
  EXPECT_EQ(FormatSizeExact(512), "512B");
  EXPECT_EQ(FormatSizeExact(4096), "4KiB");
  EXPECT_EQ(FormatSizeExact(1536 * kKiB), "1536KiB");
  EXPECT_EQ(FormatSizeExact(kGiB), "1GiB");
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{4097}, kGiB * 3,
                          std::numeric_limits<std::uint64_t>::max(), 1024 * kTiB * 7}) {
    EXPECT_EQ(SizeOk(FormatSizeExact(v)), v) << FormatSizeExact(v);
  }
}

TEST(FormatDurationExact, LargestUnitThatDividesAndReadsBack) {
  EXPECT_EQ(FormatDurationExact(0), "0s");
  EXPECT_EQ(FormatDurationExact(60 * kNsPerSec), "1m");
  EXPECT_EQ(FormatDurationExact(90 * kNsPerSec), "90s");
  EXPECT_EQ(FormatDurationExact(500 * kNsPerMs), "500ms");
  EXPECT_EQ(FormatDurationExact(2 * 3600 * kNsPerSec), "2h");
  EXPECT_EQ(FormatDurationExact(250), "250ns");
  for (Nanos v : {Nanos{0}, Nanos{1}, Nanos{1500} * kNsPerUs, 61 * kNsPerSec,
                  std::numeric_limits<Nanos>::max()}) {
    EXPECT_EQ(DurationOk(FormatDurationExact(v)), v) << FormatDurationExact(v);
  }
}

}  // namespace
}  // namespace healbench
