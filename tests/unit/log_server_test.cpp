#include <gtest/gtest.h>

#include "http/server.h"
#include "log/log.h"

namespace ue {
namespace {

TEST(Log, LogfmtQuotesAndEscapesValues) {
  EXPECT_EQ(format_log_line(LogFormat::logfmt, "T", LogLevel::warn, "poll failed",
                            {{"target", "prod"}, {"err", "HTTP 503 \"busy\"\nnext"}, {"empty", ""}}),
            R"(ts=T level=warn msg="poll failed" target=prod err="HTTP 503 \"busy\"\nnext" empty="")");
}

TEST(Log, JsonIsOneObjectPerLineEvenWithInvalidUtf8) {
  std::string line = format_log_line(LogFormat::json, "T", LogLevel::info, "m", {{"name", "bad\xff\nx"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind(R"({"ts":"T","level":"info","msg":"m","name":)", 0), 0u) << line;
}

TEST(Log, LevelsAndFormatsParse) {
  LogLevel level;
  EXPECT_TRUE(parse_log_level("debug", level));
  EXPECT_EQ(level, LogLevel::debug);
  EXPECT_FALSE(parse_log_level("verbose", level));
  LogFormat format;
  EXPECT_TRUE(parse_log_format("json", format));
  EXPECT_FALSE(parse_log_format("xml", format));
}

TEST(ListenAddress, Forms) {
  EXPECT_EQ(parse_listen_address(":9731"), (std::pair<std::string, int>{"0.0.0.0", 9731}));
  EXPECT_EQ(parse_listen_address("127.0.0.1:0"), (std::pair<std::string, int>{"127.0.0.1", 0}));
  EXPECT_EQ(parse_listen_address("[::1]:9731"), (std::pair<std::string, int>{"::1", 9731}));
  EXPECT_THROW(parse_listen_address("9731"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("host:http"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("host:70000"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("host:"), std::invalid_argument);
}

}  // namespace
}  // namespace ue
