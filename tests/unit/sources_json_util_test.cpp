// JSON parsing limits, lenient field readers, ISO-8601 durations, UTC
// timestamps and request_safe.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sources/json_util.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

// ---- parse_json ----

TEST(SourcesParseJson, AcceptsAnObject) {
  const Json doc = parse_json(R"({"a": 1, "b": [true, null]})");
  EXPECT_EQ(doc.at("a"), 1);
}

TEST(SourcesParseJson, RejectsBodiesThatAreNotJsonAsParse) {
  EXPECT_SOURCE_ERROR(parse_json(""), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json("   "), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json("{"), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json("{\"a\": 1} trailing"), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json("{'a': 1}"), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_empty.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_truncated.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_html_error_page.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_invalid_utf8.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_number_overflow.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(std::string("{\"a\": \"x\0y\"}", 12)), Reason::parse);
}

TEST(SourcesParseJson, ParseErrorsDoNotEchoTheBody) {
  const SourceError e = test::source_error([] { parse_json("<html>secret-token-123</html>"); });
  EXPECT_EQ(e.message.find("secret"), std::string::npos) << e.message;
}

TEST(SourcesParseJson, RejectsATopLevelThatIsNotAnObjectAsSchema) {
  EXPECT_SOURCE_ERROR(parse_json("[]"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_json("null"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_json("42"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_top_level_array.json")), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_top_level_string.json")), Reason::schema);
}

TEST(SourcesParseJson, LimitsNestingTo64Levels) {
  EXPECT_NO_THROW(parse_json(payload("service_fabric/edge_nesting_64.json")));
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/edge_nesting_65.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_deep_nesting.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(payload("service_fabric/hostile_deep_in_field.json")), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_json(std::string(1'000'000, '[')), Reason::parse);
}

// ---- field readers ----

TEST(SourcesFieldReaders, MissingAndNullAreAbsent) {
  const Json doc = parse_json(R"({"n": null})");
  for (const char* key : {"n", "missing"}) {
    EXPECT_EQ(find_field(doc, key), nullptr);
    EXPECT_EQ(object_field(doc, key), nullptr);
    EXPECT_EQ(array_field(doc, key), nullptr);
    EXPECT_FALSE(string_field(doc, key));
    EXPECT_FALSE(bool_field(doc, key));
    EXPECT_FALSE(number_field(doc, key));
    EXPECT_FALSE(array_length(doc, key));
    EXPECT_FALSE(duration_field(doc, key));
    EXPECT_FALSE(timestamp_field(doc, key));
  }
}

TEST(SourcesFieldReaders, NumbersMayArriveAsStrings) {
  const Json doc = parse_json(
      R"({"i": 40, "f": 40.5, "s": "40", "sf": "40.5", "neg": "-3", "exp": "1e3", "big": 123456789012345678901234567890})");
  EXPECT_EQ(number_field(doc, "i"), 40);
  EXPECT_EQ(number_field(doc, "f"), 40.5);
  EXPECT_EQ(number_field(doc, "s"), 40);
  EXPECT_EQ(number_field(doc, "sf"), 40.5);
  EXPECT_EQ(number_field(doc, "neg"), -3);
  EXPECT_EQ(number_field(doc, "exp"), 1000);
  EXPECT_DOUBLE_EQ(*number_field(doc, "big"), 1.2345678901234568e29);
}

TEST(SourcesFieldReaders, RejectsNonNumbersAsSchema) {
  const Json doc = parse_json(R"({"nan": "NaN", "nan2": "nan", "inf": "inf", "inf2": "-Infinity", "over": "1e400",
    "empty": "", "space": " 2 ", "word": "forty", "suffix": "40abc", "plus": "+4", "hex": "0x10",
    "bool": true, "obj": {}, "arr": [1]})");
  for (const char* key : {"nan", "nan2", "inf", "inf2", "over", "empty", "space", "word", "suffix", "plus", "hex",
                          "bool", "obj", "arr"}) {
    const SourceError e = test::source_error([&] { number_field(doc, key); });
    EXPECT_EQ(e.reason, Reason::schema) << key;
    EXPECT_EQ(e.message.rfind(std::string(key) + ": expected ", 0), 0u) << e.message;
  }
}

TEST(SourcesFieldReaders, WrongTypesAreSchemaErrorsNamingTheField) {
  const Json doc = parse_json(R"({"s": {"x": 1}, "b": "true", "o": [], "a": {}, "n": 5})");
  const SourceError e = test::source_error([&] { string_field(doc, "s"); });
  EXPECT_EQ(e.reason, Reason::schema);
  EXPECT_EQ(e.message, "s: expected a string");
  EXPECT_SOURCE_ERROR(string_field(doc, "n"), Reason::schema);
  EXPECT_SOURCE_ERROR(bool_field(doc, "b"), Reason::schema);
  EXPECT_SOURCE_ERROR(object_field(doc, "o"), Reason::schema);
  EXPECT_SOURCE_ERROR(array_field(doc, "a"), Reason::schema);
  EXPECT_SOURCE_ERROR(array_length(doc, "a"), Reason::schema);
  EXPECT_SOURCE_ERROR(timestamp_field(doc, "n"), Reason::schema);
}

TEST(SourcesFieldReaders, AlternateSpellingIsUsedOnlyWhenTheFirstIsAbsent) {
  const Json doc = parse_json(R"({"name": "camel", "Name": "Pascal", "Other": "x", "nil": null})");
  EXPECT_EQ(find_field(doc, "name", "Name")->get<std::string>(), "camel");
  EXPECT_EQ(find_field(doc, "other", "Other")->get<std::string>(), "x");
  EXPECT_EQ(find_field(doc, "nil", "Other")->get<std::string>(), "x");
  EXPECT_EQ(find_field(doc, "a", "b"), nullptr);
}

TEST(SourcesFieldReaders, StringOrEmptyIgnoresOtherTypes) {
  const Json doc = parse_json(R"({"s": "x", "n": 1, "o": {}})");
  EXPECT_EQ(string_or_empty(find_field(doc, "s")), "x");
  EXPECT_EQ(string_or_empty(find_field(doc, "n")), "");
  EXPECT_EQ(string_or_empty(find_field(doc, "o")), "");
  EXPECT_EQ(string_or_empty(nullptr), "");
}

TEST(SourcesFieldReaders, AddInfoKeepsNonEmptyStringsVerbatim) {
  const Json doc = parse_json(R"({"v": "1.0\n\"x\"\\", "empty": "", "nil": null})");
  decltype(Upgrade::info) info;
  add_info(info, "a", doc, "v");
  add_info(info, "b", doc, "empty");
  add_info(info, "c", doc, "nil");
  add_info(info, "d", doc, "missing");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].first, "a");
  EXPECT_EQ(info[0].second, "1.0\n\"x\"\\");
}

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

TEST(SourcesDuration, FieldAcceptsIsoOrMilliseconds) {
  const Json doc = parse_json(R"({"iso": "PT2M", "ms_text": "120000", "ms_number": 120000, "ms_fraction": "1500.5",
    "zero": "0", "bad": "ten minutes", "neg": "-5", "neg_number": -5, "bool": true, "obj": {}, "bad_iso": "PT5X",
    "nan": "NaN"})");
  EXPECT_DOUBLE_EQ(*duration_field(doc, "iso"), 120);
  EXPECT_DOUBLE_EQ(*duration_field(doc, "ms_text"), 120);
  EXPECT_DOUBLE_EQ(*duration_field(doc, "ms_number"), 120);
  EXPECT_DOUBLE_EQ(*duration_field(doc, "ms_fraction"), 1.5005);
  EXPECT_DOUBLE_EQ(*duration_field(doc, "zero"), 0);
  for (const char* key : {"bad", "neg", "neg_number", "bool", "obj", "bad_iso", "nan"}) {
    const SourceError e = test::source_error([&] { duration_field(doc, key); });
    EXPECT_EQ(e.reason, Reason::schema) << key;
    EXPECT_EQ(e.message.rfind(std::string(key) + ": expected ", 0), 0u) << e.message;
  }
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

TEST(SourcesTimestamp, FieldReaderNamesTheField) {
  const Json doc = parse_json(R"({"StartTimestampUtc": "soon", "Unset": "0001-01-01T00:00:00.000Z"})");
  const SourceError e = test::source_error([&] { timestamp_field(doc, "StartTimestampUtc"); });
  EXPECT_EQ(e.reason, Reason::schema);
  EXPECT_EQ(e.message.rfind("StartTimestampUtc: expected ", 0), 0u) << e.message;
  EXPECT_FALSE(timestamp_field(doc, "Unset"));
}

// ---- request_safe ----

TEST(SourcesRequestSafe, PassesTokensAndIdsThroughUntouched) {
  for (const char* raw : {"", "fabric:/samples/PQueueApp1", "samples~CalculatorApp", "a%2Fb", "~/:=&?+;,@!$'()*[]",
                          "ABCxyz0123456789-._"}) {
    EXPECT_EQ(request_safe(raw), raw);
  }
}

TEST(SourcesRequestSafe, EncodesBytesThatCouldBreakTheRequestLine) {
  EXPECT_EQ(request_safe("a b"), "a%20b");
  EXPECT_EQ(request_safe("x\r\nHost: evil"), "x%0D%0AHost:%20evil");
  EXPECT_EQ(request_safe("frag#ment"), "frag%23ment");
  EXPECT_EQ(request_safe("\t\x7f"), "%09%7F");
  EXPECT_EQ(request_safe(std::string("nul\0byte", 8)), "nul%00byte");
  EXPECT_EQ(request_safe("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(request_safe("\xff"), "%FF");
}

}  // namespace
}  // namespace ue
