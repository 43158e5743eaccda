// describe_http_status: FabricError bodies summarised for logs, anything else
// (including bodies parse_json refuses) reduced to the status.
#include <gtest/gtest.h>

#include <string>

#include "base/json_fields.h"
#include "sources/sf_error.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

TEST(SourcesDescribeHttpStatus, NamesTheFabricErrorCodeAndMessage) {
  EXPECT_EQ(describe_http_status(
                404, R"({"Error":{"Code":"FABRIC_E_APPLICATION_NOT_FOUND","Message":"Application not found"}})"),
            "HTTP 404 FABRIC_E_APPLICATION_NOT_FOUND: Application not found");
  EXPECT_EQ(describe_http_status(400, R"({"Error":{"Code":"E_INVALIDARG"}})"), "HTTP 400 E_INVALIDARG");
  EXPECT_EQ(describe_http_status(500, R"({"Error":{"Message":"boom"}})"), "HTTP 500: boom");
}

TEST(SourcesDescribeHttpStatus, CutsTheMessageTo200Bytes) {
  const std::string message(300, 'x');
  EXPECT_EQ(describe_http_status(500, R"({"Error":{"Code":"E_FAIL","Message":")" + message + R"("}})"),
            "HTTP 500 E_FAIL: " + std::string(200, 'x'));
  EXPECT_EQ(kMaxErrorMessageBytes, 200u);
}

TEST(SourcesDescribeHttpStatus, IgnoresWhatIsNotAFabricError) {
  for (const char* body : {"", "not found", "<html><body>502 Bad Gateway</body></html>", "{", "[]", "\"Error\"",
                           R"({})", R"({"Error":null})", R"({"Error":"E_FAIL"})", R"({"Error":[]})",
                           R"({"Error":{"Code":5,"Message":null}})", R"({"Error":{"Code":{},"Message":[]}})",
                           R"({"module":"qfsd","error_class":"http_unauthorized_error","description":"x"})"}) {
    EXPECT_EQ(describe_http_status(502, body), "HTTP 502") << body;
  }
}

// The body as `levels` levels of nesting: a well-formed Error beside arrays nested inside "x".
std::string error_nested(int levels) {
  const auto arrays = static_cast<std::size_t>(levels - 1);  // the top-level object is the first level
  return R"({"Error":{"Code":"E_FAIL","Message":"m"},"x":)" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
}

TEST(SourcesDescribeHttpStatus, RefusesBodiesNestedBeyondParseJsonsLimit) {
  EXPECT_EQ(describe_http_status(500, error_nested(kMaxJsonDepth)), "HTTP 500 E_FAIL: m");
  EXPECT_EQ(describe_http_status(500, error_nested(kMaxJsonDepth + 1)), "HTTP 500");
  EXPECT_EQ(describe_http_status(500, test::payload("service_fabric/hostile_deep_nesting.json")), "HTTP 500");
  EXPECT_EQ(describe_http_status(500, test::payload("service_fabric/hostile_deep_in_field.json")), "HTTP 500");
  EXPECT_EQ(describe_http_status(500, std::string(1'000'000, '[')), "HTTP 500");
}

}  // namespace
}  // namespace ue
