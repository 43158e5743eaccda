// ISO-8601 durations and UTC timestamps as plain text.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/time_formats.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

// ---- ISO-8601 durations ----

struct DurationCase {
  const char* text;
  double seconds;
};

TEST(SourcesDuration, ParsesTheShapesServiceFabricSends) {
  const DurationCase cases[] = {
      {"PT0H10M0.1752S", 600.1752},
      {"PT0H0M0.0154527S", 0.0154527},
      {"PT0H0M03.0001S", 3.0001},
      {"PT0H0M35.8401S", 35.8401},
      {"PT0H0M0S", 0},
      {"PT16H0M0S", 57600},
      {"PT2H30M0S", 9000},
      {"P10675199DT2H48M5.4775807S", 922337203685.4775807},
      {"P1D", 86400},
      {"PT5M", 300},
      {"PT1H", 3600},
      {"PT0.5S", 0.5},
      {"P2DT3H", 2 * 86400 + 3 * 3600},
      {"P0D", 0},
      {"PT1H2M3.5S", 3723.5},
      {"PT0H0M0.1234567S", 0.1234567},
      {"PT0H0M0.123456789S", 0.123456789},
  };
  for (const DurationCase& c : cases) EXPECT_DOUBLE_EQ(parse_iso8601_duration(c.text), c.seconds) << c.text;
}

TEST(SourcesDuration, RejectsEverythingElseAsSchema) {
  const std::string forty_digits = "P" + std::string(40, '9') + "D";
  for (const std::string text :
       {"", "P", "PT", "T5M", "5M", "PT5", "PT1.5M", "PT5S5M", "PT1H1H", "P1H", "PT1D", "P1DT", "-PT1H", "PT 5M",
        "P1Y", "P1W", "P1M", "PT1.S", "PT.5S", "pt5m", "PT5m", "PT5M ", " PT5M", "PT-5M", "PT+5M", "PT1,5S",
        "P1DT1H1M1S1", "PTT1H", "P1D1D", forty_digits.c_str(), "120000"}) {
    EXPECT_SOURCE_ERROR(parse_iso8601_duration(text), Reason::schema) << "input: " << text;
  }
}

TEST(SourcesDuration, TimeSpanMaxValueIsInfinite) {
  EXPECT_TRUE(is_infinite_duration(parse_iso8601_duration("P10675199DT2H48M5.4775807S")));
  EXPECT_TRUE(is_infinite_duration(parse_iso8601_duration("P36525DT1H")));
  EXPECT_FALSE(is_infinite_duration(parse_iso8601_duration("P3650D")));
  EXPECT_FALSE(is_infinite_duration(parse_iso8601_duration("PT16H0M0S")));
}

// ---- UTC timestamps ----

struct TimestampCase {
  const char* text;
  double unix_seconds;
};

TEST(SourcesTimestamp, ParsesUtcToUnixSeconds) {
  const TimestampCase cases[] = {
      {"2022-10-31T18:48:39.781Z", 1667242119.781},
      {"2023-05-11T20:41:02.659Z", 1683837662.659},
      {"2021-08-04T21:02:29.882Z", 1628110949.882},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:00.000Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"2000-02-29T12:00:00Z", 951825600},
      {"2000-03-01T00:00:00Z", 951868800},
      {"2100-03-01T00:00:00Z", 4107542400},
      {"2022-10-31T18:48:39.781+00:00", 1667242119.781},
      {"2022-10-31T20:48:39.781+02:00", 1667242119.781},
      {"2022-10-31T13:18:39.781-05:30", 1667242119.781},
      {"2020-06-30T23:59:59.9999999Z", 1593561599.9999999},
      {"2016-12-31T23:59:60Z", 1483228800},  // a leap second, counted like POSIX does
      {"9999-12-31T23:59:59Z", 253402300799},
  };
  for (const TimestampCase& c : cases) {
    const std::optional<double> parsed = parse_utc_timestamp(c.text);
    ASSERT_TRUE(parsed) << c.text;
    EXPECT_DOUBLE_EQ(*parsed, c.unix_seconds) << c.text;
  }
}

TEST(SourcesTimestamp, YearOneSentinelMeansNotSet) {
  EXPECT_FALSE(parse_utc_timestamp("0001-01-01T00:00:00.000Z"));
  EXPECT_FALSE(parse_utc_timestamp("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_utc_timestamp("0001-01-01T00:00:00+00:00"));
  EXPECT_FALSE(parse_utc_timestamp("0000-06-15T12:00:00Z"));
  EXPECT_TRUE(parse_utc_timestamp("0002-01-01T00:00:00Z"));
}

TEST(SourcesTimestamp, RejectsMalformedAsSchema) {
  for (const char* text :
       {"", "yesterday", "2022-10-31", "2022-10-31T18:48:39", "2022-10-31T18:48:39.781", "2022-13-01T00:00:00Z",
        "2022-00-01T00:00:00Z", "2022-01-00T00:00:00Z", "2021-02-29T00:00:00Z", "2022-04-31T00:00:00Z",
        "2022-10-31 18:48:39Z", "2022-10-31T24:00:00Z", "2022-10-31T23:60:00Z", "2022-10-31T23:59:61Z",
        "2022-10-31T18:48:39.Z", "2022-10-31T18:48:39.781Zjunk", "2022-10-31T18:48:39+0200",
        "2022-10-31T18:48:39+02", "2022-10-31T18:48:39+24:00", "22-10-31T18:48:39Z", "2022-1-31T18:48:39Z",
        "+2022-10-31T18:48:39Z", "2022-10-31t18:48:39z", "2022-10-31T18:48:39.78a1Z", "２０２２-10-31T18:48:39Z"}) {
    EXPECT_SOURCE_ERROR(parse_utc_timestamp(text), Reason::schema) << "input: " << text;
  }
}

}  // namespace
}  // namespace ue

namespace ue {
namespace {

TEST(UtcTimestamp, FormatsRfc3339InUtcAndReadsBack) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1'796'184'245), "2026-12-02T04:04:05Z");
  EXPECT_EQ(format_rfc3339(951'782'400), "2000-02-29T00:00:00Z") << "a leap day";
  EXPECT_EQ(format_rfc3339(1'667'242'119.781), "2022-10-31T18:48:39.781Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(59.9999), "1970-01-01T00:01:00Z") << "rounded to the millisecond";
  for (double t : {0.0, 1'796'184'245.0, 1'667'242'119.781, 4'102'444'800.5})
    EXPECT_NEAR(parse_utc_timestamp(format_rfc3339(t)).value(), t, 1e-6);
}

}  // namespace
}  // namespace ue
