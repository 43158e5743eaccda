// JSON parsing limits and the lenient field readers, durations and
// timestamps in fields included.
#include <gtest/gtest.h>

#include <string>

#include "base/json_fields.h"
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

TEST(SourcesFieldReaders, DurationAcceptsIsoOrMilliseconds) {
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

TEST(SourcesFieldReaders, TimestampNamesTheField) {
  const Json doc = parse_json(R"({"StartTimestampUtc": "soon", "Unset": "0001-01-01T00:00:00.000Z"})");
  const SourceError e = test::source_error([&] { timestamp_field(doc, "StartTimestampUtc"); });
  EXPECT_EQ(e.reason, Reason::schema);
  EXPECT_EQ(e.message.rfind("StartTimestampUtc: expected ", 0), 0u) << e.message;
  EXPECT_FALSE(timestamp_field(doc, "Unset"));
}

}  // namespace
}  // namespace ue
