// The configuration's units: durations and sizes as written in files, with
// their exact errors.
#include "config/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "config/errors.h"

namespace ue {
namespace {

using namespace std::chrono_literals;

TEST(ConfigUnitsTest, ParseDuration) {
  const std::pair<std::string_view, Duration> cases[] = {
      {"0", 0ms},
      {"0s", 0ms},
      {"500ms", 500ms},
      {"30s", 30s},
      {"5m", 5min},
      {"1h30m", 90min},
      {"1h30m15s250ms", 1h + 30min + 15s + 250ms},
      {"1d", 24h},
      {"2w", 14 * 24h},
      {"1y", 365 * 24h},
      {"1y2w3d4h5m6s7ms", 365 * 24h + 14 * 24h + 3 * 24h + 4h + 5min + 6s + 7ms},
      {"90m", 90min},  // a unit may exceed the next one up
      {"0001s", 1s},
      {"292y", 292 * 365 * 24h},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration(text), expected);
  }
}

TEST(ConfigUnitsTest, ParseDurationRejects) {
  for (std::string_view text : {"",     "s",    "5",     "5x",   "1.5s",   "-1s", "+1s", " 5s", "5s ",   "5S",
                                "1m1h", "1s1s", "1ms1s", "30s5", "1h 30m", "1us", "1ns", "1sm", "10mss", "h1"}) {
    SCOPED_TRACE(text);
    try {
      parse_duration(text);
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.what(), "invalid duration \"" + std::string(text) + "\" (use e.g. 500ms, 30s, 5m, 1h30m)");
    }
  }
}

TEST(ConfigUnitsTest, ParseDurationOverflow) {
  // Like Prometheus: at most a signed 64-bit count of nanoseconds (about 292 years).
  for (std::string_view text :
       {"293y", "106752d", "99999999999999999999s", "18446744073709551616ms", "292y52w", "9223372036855s"}) {
    SCOPED_TRACE(text);
    try {
      parse_duration(text);
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.what(), "duration \"" + std::string(text) + "\" is out of range");
    }
  }
  EXPECT_EQ(parse_duration("9223372036854ms"), Duration(9223372036854));
  EXPECT_EQ(parse_duration("9223372036s"), Duration(9223372036000));
}

TEST(ConfigUnitsTest, ParseSize) {
  const std::pair<std::string_view, std::uint64_t> cases[] = {
      {"0", 0},
      {"1024", 1024},
      {"100B", 100},
      {"1KB", 1000},
      {"10MB", 10'000'000},
      {"2GB", 2'000'000'000},
      {"512KiB", 512 * 1024},
      {"16MiB", 16ull << 20},
      {"1GiB", 1ull << 30},
      {"17179869183GiB", 17179869183ull << 30},  // the largest GiB count below 2^64
      {"18446744073709551615", UINT64_MAX},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_size(text), expected);
  }
}

TEST(ConfigUnitsTest, ParseSizeRejects) {
  for (std::string_view text : {"", "B", "16M", "16mib", "16 MiB", "1.5MiB", "-1", "0x10", "1TiB", "MiB16", "16MiBs"}) {
    SCOPED_TRACE(text);
    try {
      parse_size(text);
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.what(), "invalid size \"" + std::string(text) + "\" (use e.g. 1048576, 512KiB, 16MiB, 1GB)");
    }
  }
}

TEST(ConfigUnitsTest, ParseSizeOverflow) {
  for (std::string_view text :
       {"18446744073709551616", "17179869184GiB", "18446744073709552KB", "99999999999999999999999B"}) {
    SCOPED_TRACE(text);
    try {
      parse_size(text);
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.what(), "size \"" + std::string(text) + "\" is out of range");
    }
  }
}

TEST(ConfigUnitsTest, FormatDuration) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(365 * 24h + 14 * 24h + 3 * 24h + 4h + 5min + 6s + 7ms), "1y2w3d4h5m6s7ms");
  for (std::string_view text : {"30s", "1h", "2w1d", "1y1ms"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(format_duration(parse_duration(text)), text);  // what parse_duration reads back
  }
}

}  // namespace
}  // namespace ue
