// Upstream text in request URLs: request_safe for continuation tokens,
// escape_path_segment for object Ids and names.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "base/url_escape.h"

namespace ue {
namespace {

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

// ---- escape_path_segment ----

// RFC 3986 pchar without pct-encoded: unreserved, sub-delims, ':' and '@'.
constexpr std::string_view kPcharLiterals =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@";

std::string percent_encoded(unsigned char byte) {
  char text[4];
  std::snprintf(text, sizeof text, "%%%02X", byte);
  return text;
}

bool is_hex(char c) { return std::string_view("0123456789ABCDEFabcdef").find(c) != std::string_view::npos; }

// The inverse of percent-encoding, for round trips.
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(SourcesPathSegment, EncodesEveryByteOutsidePchar) {
  for (int byte = 0; byte <= 255; ++byte) {
    const std::string raw(1, static_cast<char>(byte));
    const bool literal = kPcharLiterals.find(raw[0]) != std::string_view::npos;
    EXPECT_EQ(escape_path_segment(raw), literal ? raw : percent_encoded(static_cast<unsigned char>(byte)))
        << "byte " << byte;
  }
}

TEST(SourcesPathSegment, EncodesWhatCouldLeaveTheSegment) {
  const std::pair<const char*, const char*> cases[] = {
      {"/", "%2F"},  {"?", "%3F"}, {"#", "%23"}, {" ", "%20"},  {"<", "%3C"},    {">", "%3E"},
      {"\"", "%22"}, {"{", "%7B"}, {"}", "%7D"}, {"|", "%7C"},  {"\\", "%5C"},   {"^", "%5E"},
      {"`", "%60"},  {"[", "%5B"}, {"]", "%5D"}, {"\n", "%0A"}, {"\x7f", "%7F"}, {"\xC3\xA9", "%C3%A9"},
  };
  for (const auto& [raw, escaped] : cases) EXPECT_EQ(escape_path_segment(raw), escaped) << raw;
  EXPECT_EQ(escape_path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
  EXPECT_EQ(escape_path_segment(std::string("nul\0byte", 8)), "nul%00byte");
}

TEST(SourcesPathSegment, KeepsIdsAndNamesThatAreAlreadySafe) {
  for (const char* raw :
       {"", "samples~CalculatorApp", "a~b", "sampleApplication", "my-deployment_1.2", "!$&'()*+,;=:@", "fabric:app"}) {
    EXPECT_EQ(escape_path_segment(raw), raw);
  }
}

// Application Ids arrive URL-escaped by the runtime: a valid pct-encoding is
// kept, so it is not escaped twice; any other '%' is a literal one.
TEST(SourcesPathSegment, KeepsPctEncodingsAndEncodesOtherPercentSigns) {
  EXPECT_EQ(escape_path_segment("shop~cart%20service"), "shop~cart%20service");
  EXPECT_EQ(escape_path_segment("caf%C3%A9"), "caf%C3%A9");
  EXPECT_EQ(escape_path_segment("%2f%2F"), "%2f%2F");
  EXPECT_EQ(escape_path_segment("%"), "%25");
  EXPECT_EQ(escape_path_segment("100%"), "100%25");
  EXPECT_EQ(escape_path_segment("%2"), "%252");
  EXPECT_EQ(escape_path_segment("50%off"), "50%25off");
  EXPECT_EQ(escape_path_segment("%g1"), "%25g1");
  EXPECT_EQ(escape_path_segment("%%41"), "%25%41");
}

TEST(SourcesPathSegment, EveryTwoByteTextStaysOneSegmentAndRoundTrips) {
  for (int first = 0; first <= 255; ++first) {
    for (int second = 0; second <= 255; ++second) {
      const std::string raw{static_cast<char>(first), static_cast<char>(second)};
      const std::string escaped = escape_path_segment(raw);
      ASSERT_EQ(escaped.find_first_not_of(std::string(kPcharLiterals) + "%"), std::string::npos) << escaped;
      ASSERT_EQ(percent_decoded(escaped), raw) << escaped;
    }
  }
}

// Query values and form bodies (status links, token requests): only unreserved bytes pass; a pct-encoding is not kept.
TEST(SourcesQueryValue, EncodesAllButUnreserved) {
  EXPECT_EQ(escape_query_value("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(escape_query_value("a b&c=d+e/f%20"), "a%20b%26c%3Dd%2Be%2Ff%2520");
  EXPECT_EQ(escape_query_value(std::string("\0\xff", 2)), "%00%FF");
  for (int byte = 0; byte <= 255; ++byte) {
    const std::string raw(1, static_cast<char>(byte));
    ASSERT_EQ(percent_decoded(escape_query_value(raw)), raw) << byte;
  }
}

}  // namespace
}  // namespace ue
