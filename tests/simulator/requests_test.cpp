// What clients send: paging arguments and POST bodies, validated like the gateway and Qumulo.
#include "requests.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(Paginate, SlicesAfterTheTokenByteForByte) {
  std::vector<std::string> names = {"fabric:/a", "fabric:/b/c", "fabric:/d", "fabric:/e"};
  auto first = paginate(names, "", 2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->begin, 0u);
  EXPECT_EQ(first->end, 2u);
  EXPECT_EQ(first->continuation_token, "fabric:/b/c");
  auto second = paginate(names, first->continuation_token, 2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->begin, 2u);
  EXPECT_EQ(second->continuation_token, "");  // last page
  EXPECT_EQ(paginate(names, "", 0)->end, 4u);   // 0: everything
  EXPECT_FALSE(paginate(names, "fabric%3A%2Fb%2Fc", 2));
  EXPECT_FALSE(paginate(names, "fabric:/b", 2));
}

TEST(ConfigUpgradeBody, ValidatesLikeTheGateway) {
  auto error = [](std::string_view body) {
    auto r = parse_config_upgrade(body);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
  };
  EXPECT_EQ(error(R"({"ClusterConfig": "{}"})"), "");
  EXPECT_EQ(error(R"({"ClusterConfig": "x", "UpgradeTimeoutInSeconds": "PT1H0M0S", "HealthCheckRetryTimeout": "60000",
                     "HealthCheckWaitDurationInSeconds": 5000, "MaxPercentUnhealthyNodes": "10",
                     "MaxPercentDeltaUnhealthyNodes": 0})"),
            "");
  EXPECT_NE(error("not json"), "");
  EXPECT_NE(error("[]"), "");
  EXPECT_NE(error("{}").find("ClusterConfig is required"), std::string::npos);
  EXPECT_NE(error(R"({"ClusterConfig": {"a": 1}})").find("JSON string"), std::string::npos);
  EXPECT_NE(error(R"({"ClusterConfig": "x", "UpgradeTimeoutInSeconds": "1h"})").find("UpgradeTimeoutInSeconds"),
            std::string::npos);
  EXPECT_NE(error(R"({"ClusterConfig": "x", "MaxPercentUnhealthyApplications": 101})").find("MaxPercentUnhealthyApplications"),
            std::string::npos);
  EXPECT_NE(error(R"({"ClusterConfig": "x", "MaxPercentUnhealthyNodes": 10.5})"), "");
  EXPECT_NE(error(R"({"ClusterConfig": "x", "ApplicationHealthPolicies": {"ApplicationHealthPolicyMap": [
              {"Key": "fabric:/a", "Value": {"DefaultServiceTypeHealthPolicy": {"MaxPercentUnhealthyServices": "200"}}}]}})")
                .find("MaxPercentUnhealthyServices"),
            std::string::npos);
  auto ok = parse_config_upgrade(R"({"ClusterConfig": "{\"ClusterConfigurationVersion\": \"2.1.0\"}"})");
  EXPECT_EQ(std::get<ConfigUpgradeRequest>(ok).config_version, "2.1.0");
}

TEST(PrepareBody, NeedsAnImagePath) {
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_prepare("{}", 4)));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_prepare(R"({"image_path": "/a", "auto_commit": "yes"})", 4)));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_prepare(R"({"image_path": "/a", "num_nodes_to_reboot": 0})", 4)));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_prepare(R"({"image_path": "/a", "num_nodes_to_reboot": 3})", 5)));
  auto ok = parse_prepare(R"({"image_path": "/a", "auto_commit": true, "num_nodes_to_reboot": 2})", 5);
  ASSERT_TRUE(std::holds_alternative<PrepareRequest>(ok));
  EXPECT_TRUE(std::get<PrepareRequest>(ok).auto_commit);
  EXPECT_EQ(std::get<PrepareRequest>(ok).num_nodes_to_reboot, 2);
}

}  // namespace
}  // namespace sim
