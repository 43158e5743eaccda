// The streamed JSON array reader (base/json_array_stream.h): the same
// elements as parsing the body whole, wherever the chunks are cut; errors of
// the same reasons; and hostile bodies bounded by the element limit.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/json_array_stream.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

constexpr std::uint64_t kUnbounded = 1 << 30;

std::vector<Json> parsed_whole(std::string_view body) {
  const Json array = parse_json_array(body);
  return {array.begin(), array.end()};
}

// The elements of `body` fed in pieces of at most `chunk` bytes, then finished.
std::vector<Json> read_in_chunks(std::string_view body, std::size_t chunk, std::uint64_t max_element = kUnbounded) {
  std::vector<Json> elements;
  JsonArrayReader reader([&](Json& element) { elements.push_back(std::move(element)); }, max_element);
  for (std::size_t at = 0; at < body.size(); at += chunk) reader.feed(body.substr(at, chunk));
  reader.finish();
  return elements;
}

using Pieces = std::vector<std::pair<std::string, std::uint64_t>>;

// The text and offset of each element of `body` fed as two pieces cut at `cut`.
Pieces split_at(std::string_view body, std::size_t cut) {
  Pieces pieces;
  JsonArraySplitter splitter([&](std::string_view text, std::uint64_t offset) { pieces.emplace_back(text, offset); },
                             kUnbounded);
  splitter.feed(body.substr(0, cut));
  splitter.feed(body.substr(cut));
  splitter.finish();
  return pieces;
}

// The body split in one piece gives the elements parse_json_array gives, and
// a cut anywhere gives that same split.
void expect_same_wherever_cut(std::string_view body, std::size_t elements) {
  const std::vector<Json> expected = parsed_whole(body);
  ASSERT_EQ(expected.size(), elements);
  ASSERT_EQ(read_in_chunks(body, body.size()), expected);
  const Pieces whole = split_at(body, body.size());
  for (std::size_t cut = 0; cut < body.size(); ++cut) ASSERT_EQ(split_at(body, cut), whole) << "cut at " << cut;
}


TEST(JsonArrayStream, ACutAtEveryByteOfARepairTaskListGivesTheSameTasks) {
  expect_same_wherever_cut(payload("service_fabric/repair_tasks.json"), 7);
}

TEST(JsonArrayStream, ByteByByteAndInOnePieceGiveTheSameElements) {
  for (const char* file : {"service_fabric/repair_tasks.json", "service_fabric/hostile_repair_tasks.json",
                           "service_fabric/repair_tasks_empty.json"}) {
    const std::string body = payload(file);
    const std::vector<Json> expected = parsed_whole(body);
    EXPECT_EQ(read_in_chunks(body, 1), expected) << file;
    EXPECT_EQ(read_in_chunks(body, 4096), expected) << file;
    EXPECT_EQ(read_in_chunks(body, body.size() + 1), expected) << file;
  }
}

TEST(JsonArrayStream, BracketsBracesQuotesAndBackslashesInStringsAreText) {
  const std::string body =
      R"([{"a": "]}[{", "b": ["x\"]", "\\"]}, "\\\"]", "\\", "}", {"c\\": "\\\\"}, "\u005d", ["]"]])";
  expect_same_wherever_cut(body, 7);
  EXPECT_EQ(read_in_chunks(body, 1), parsed_whole(body));
}

TEST(JsonArrayStream, EveryKindOfElementAndTheWhitespaceBetween) {
  const std::string body = " \r\n\t[ 1 ,\t-2.5e3\r\n, true,false , null,\"x\" ,{} ,[ ] ,{\"k\" : [ 1 , 2 ] } ] \n";
  expect_same_wherever_cut(body, 9);
  EXPECT_EQ(read_in_chunks("[1234,\"5678\"]", 2), (std::vector<Json>{1234, "5678"})) << "scalars cut in two";
}

TEST(JsonArrayStream, AnEmptyArrayHasNoElements) {
  for (const char* body : {"[]", "  [ ]  ", "\n[\n]\n", "\xEF\xBB\xBF[]"})
    EXPECT_TRUE(read_in_chunks(body, 1).empty()) << body;
}

TEST(JsonArrayStream, EachElementComesWithItsTextAndWhereItStarts) {
  const std::string body = R"( [ {"a": 1} ,"b", 3 ])";
  Pieces seen;
  JsonArraySplitter splitter([&](std::string_view text, std::uint64_t offset) { seen.emplace_back(text, offset); },
                             kUnbounded);
  for (char c : body) splitter.feed(std::string_view(&c, 1));
  splitter.finish();
  EXPECT_EQ(seen, (Pieces{{R"({"a": 1})", 3}, {R"("b")", 13}, {"3", 18}}));
}

TEST(JsonArrayStream, ABodyThatIsAnotherJsonValueIsSchemaAndNoJsonIsParse) {
  for (const std::string body : {R"({"a": [1]})", R"("[1]")", "42", " null "})
    EXPECT_SOURCE_ERROR(read_in_chunks(body, 1), Reason::schema) << body;
  EXPECT_SOURCE_ERROR(read_in_chunks(payload("service_fabric/hostile_repair_tasks_object.json"), 3), Reason::schema);
  for (const std::string body : {"", "   ", "<html>", "{", "{\"a\": 1} x", "\xEF\xBB[]", "]"})
    EXPECT_SOURCE_ERROR(read_in_chunks(body, 1), Reason::parse) << body;
  EXPECT_SOURCE_ERROR(read_in_chunks(payload("service_fabric/hostile_html_error_page.json"), 7), Reason::parse);
  EXPECT_SOURCE_ERROR(read_in_chunks(payload("service_fabric/hostile_empty.json"), 7), Reason::parse);
}

TEST(JsonArrayStream, ABodyThatEndsInsideTheArrayIsParse) {
  for (const std::string body : {"[", "[1", "[1,", R"([{"a": 1})", R"([{"a":)", R"(["abc)", R"(["abc\"])", R"(["a\)",
                                 R"([{"a": "}"})"})
    EXPECT_SOURCE_ERROR(read_in_chunks(body, 1), Reason::parse) << body;
}

TEST(JsonArrayStream, BadSeparatorsTrailingBytesAndBrokenElementsAreParse) {
  const std::vector<std::string> bodies = {
      "[1 2]", "[{}{}]", "[,1]", "[1,]", "[1,,2]", "[{]}", "[1]]", "[1][2]", "[1] x", "[1}", "[}", R"([{"a" 1}])",
      "[tru]", "[1[2]]", "[\"\x01\"]", std::string("[1\0, 2]", 7), std::string("[1]\0x", 5),
      std::string("[{}\0]", 5), "[\xEF\xBB\xBF" "0]", "[1, \xEF\xBB\xBF" "2]"};
  for (const std::string& body : bodies) {
    EXPECT_SOURCE_ERROR(read_in_chunks(body, 1), Reason::parse) << body;
    EXPECT_SOURCE_ERROR(read_in_chunks(body, body.size()), Reason::parse) << body;
  }
}

TEST(JsonArrayStream, AParseErrorNamesItsByteInTheWholeBody) {
  const std::string body = R"([{"a": 1}, {"b": x}])";
  const SourceError whole = test::source_error([&] { parse_json_array(body); });
  const SourceError streamed = test::source_error([&] { read_in_chunks(body, 4); });
  EXPECT_EQ(streamed.message, whole.message);
  EXPECT_EQ(test::source_error([&] { read_in_chunks("[1] x", 2); }).message, "invalid JSON at byte 5");
  EXPECT_EQ(test::source_error([&] { read_in_chunks("[1", 2); }).message, "invalid JSON at byte 3");
}

TEST(JsonArrayStream, AnElementOverTheLimitIsTooLargeBeforeItEnds) {
  const std::string giant = "[" + std::string(R"({"a": ")") + std::string(1000, 'x') + R"("}])";
  std::size_t fed = 0;
  JsonArrayReader reader([](Json&) {}, 100);
  const auto feed_all = [&] {
    for (; fed < giant.size(); fed += 10) reader.feed(std::string_view(giant).substr(fed, 10));
  };
  EXPECT_SOURCE_ERROR(feed_all(), Reason::too_large);
  EXPECT_LE(fed, 110u) << "refused as soon as the element outgrew the limit, not at its end";
  EXPECT_SOURCE_ERROR(read_in_chunks(giant, giant.size(), 100), Reason::too_large) << "in one piece too";
  EXPECT_SOURCE_ERROR(read_in_chunks(R"({"a": ")" + std::string(200, 'x') + "\"}", 10, 100), Reason::too_large)
      << "a body that is no array is held only up to the limit as well";

  const std::string at_limit = R"(["12345678"])";  // the element is 10 bytes
  EXPECT_EQ(read_in_chunks(at_limit, 3, 10).size(), 1u);
  EXPECT_SOURCE_ERROR(read_in_chunks(at_limit, 3, 9), Reason::too_large);
  EXPECT_EQ(read_in_chunks("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", 4, 2).size(), 10u) << "the limit is per element";
}

TEST(JsonArrayStream, NestingIsBoundedAsParseJsonBoundsItTheArrayCounted) {
  const auto nested = [](int levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  ASSERT_NO_THROW(parse_json_array(nested(kMaxJsonDepth)));
  EXPECT_EQ(read_in_chunks(nested(kMaxJsonDepth), 5), parsed_whole(nested(kMaxJsonDepth)));
  EXPECT_SOURCE_ERROR(parse_json_array(nested(kMaxJsonDepth + 1)), Reason::parse);
  EXPECT_SOURCE_ERROR(read_in_chunks(nested(kMaxJsonDepth + 1), 5), Reason::parse);
  EXPECT_SOURCE_ERROR(read_in_chunks(std::string(100'000, '['), 4096), Reason::parse) << "unclosed, 100k deep";
  EXPECT_SOURCE_ERROR(read_in_chunks(payload("service_fabric/hostile_deep_nesting.json"), 4096), Reason::parse);
  EXPECT_SOURCE_ERROR(read_in_chunks(R"([{"a": "[[[[", "b": )" + nested(100) + "}]", 7), Reason::parse);
}

TEST(JsonArrayStream, WhatTheCallbackThrowsComesOutOfFeed) {
  JsonArrayReader reader([](Json&) { throw SourceError{Reason::schema, "Field: expected a string"}; }, kUnbounded);
  reader.feed("[1");
  EXPECT_SOURCE_ERROR(reader.feed(", 2]"), Reason::schema);
}

TEST(JsonArrayStream, ABodyHeldWholeReadsTheSame) {
  const std::string body = payload("service_fabric/hostile_repair_tasks.json");
  std::vector<Json> elements;
  for_each_array_element(body, [&](Json& element) { elements.push_back(std::move(element)); });
  EXPECT_EQ(elements, parsed_whole(body));
  EXPECT_SOURCE_ERROR(for_each_array_element("", [](Json&) {}), Reason::parse);
}

}  // namespace
}  // namespace ue
