// The harness's own promise: a sanitizer report on a child's stderr fails the
// test that ran the child, and nothing else on stderr does.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "integration/harness.h"

namespace ue::test {
namespace {

TEST(Harness, RecognizesSanitizerReports) {
  EXPECT_EQ(sanitizer_report("ts=1 level=info msg=listening port=1\n"), "");
  EXPECT_EQ(sanitizer_report("level=warn msg=\"poll failed\" err=\"HTTP 500: runtime error: boom\"\n"), "")
      << "an upstream's words quoted in a log line are not a report";
  EXPECT_EQ(sanitizer_report("log line\n==7==ERROR: AddressSanitizer: heap-use-after-free\n  #0 f\n"),
            "==7==ERROR: AddressSanitizer: heap-use-after-free\n  #0 f\n");
  EXPECT_NE(sanitizer_report("==7==ERROR: LeakSanitizer: detected memory leaks\n"), "");
  EXPECT_NE(sanitizer_report("WARNING: ThreadSanitizer: data race (pid=7)\n"), "");
  EXPECT_NE(sanitizer_report("exporter/render/render.cpp:12:3: runtime error: signed integer overflow\n"), "");
}

TEST(Harness, AChildsSanitizerReportFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        Process child("/bin/sh", {"-c", "echo 'WARNING: ThreadSanitizer: data race (pid=7)' >&2"});
        child.wait_exit(5s);
      },
      "sanitizer report from child");
}

}  // namespace
}  // namespace ue::test
