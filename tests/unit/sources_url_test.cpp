// request_safe: upstream text made safe for a request line.
#include <gtest/gtest.h>

#include <string>

#include "sources/url.h"

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

}  // namespace
}  // namespace ue
