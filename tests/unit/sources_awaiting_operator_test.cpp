// What the parsers decide once, for every renderer: whether an upgrade waits
// for an operator (awaiting_operator), and that Service Fabric's FailureReason
// "None" is no failure reason.
#include <gtest/gtest.h>

#include <string>

#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

using Parse = Upgrade (*)(std::string_view);

std::string body(std::string_view state, std::string_view mode) {
  return std::string(R"({"UpgradeState": ")") + std::string(state) + R"(", "RollingUpgradeMode": ")" +
         std::string(mode) + "\"}";
}

bool has_info(const Upgrade& up, std::string_view label) {
  for (const auto& entry : up.info)
    if (entry.first == label) return true;
  return false;
}

// Cluster, application and compose deployment progress share the state and the mode.
TEST(SourcesAwaitingOperator, ServiceFabricManualModeBetweenDomains) {
  for (Parse parse : {parse_cluster_upgrade, parse_application_upgrade, parse_compose_deployment_upgrade}) {
    EXPECT_TRUE(parse(body("RollingForwardPending", "UnmonitoredManual")).awaiting_operator);
    EXPECT_FALSE(parse(body("RollingForwardPending", "Monitored")).awaiting_operator) << "health checks run";
    EXPECT_FALSE(parse(body("RollingForwardPending", "UnmonitoredAuto")).awaiting_operator);
    EXPECT_FALSE(parse(body("RollingForwardInProgress", "UnmonitoredManual")).awaiting_operator) << "still moving";
    EXPECT_FALSE(parse(body("RollingForwardCompleted", "UnmonitoredManual")).awaiting_operator);
    EXPECT_FALSE(parse(R"({"UpgradeState": "RollingForwardPending"})").awaiting_operator) << "no mode";
  }
}

TEST(SourcesAwaitingOperator, ReferencePayloads) {
  EXPECT_TRUE(
      parse_application_upgrade(payload("service_fabric/application_awaiting_manual_step.json")).awaiting_operator);
  EXPECT_FALSE(
      parse_cluster_upgrade(payload("service_fabric/cluster_in_progress_10_0_retry.json")).awaiting_operator)
      << "RollingForwardPending, but Monitored";
  EXPECT_FALSE(parse_application_upgrade(payload("service_fabric/application_in_progress.json")).awaiting_operator);
  EXPECT_TRUE(parse_qumulo_upgrade_status(payload("qumulo/upgrade_status_prepared.json")).awaiting_operator);
  EXPECT_FALSE(parse_qumulo_upgrade_status(payload("qumulo/upgrade_status_preparing.json")).awaiting_operator);
  EXPECT_FALSE(parse_qumulo_upgrade_status(payload("qumulo/upgrade_status_committing.json")).awaiting_operator);
}

// Application resources and cluster configuration upgrades have no state that waits between domains.
TEST(SourcesAwaitingOperator, KindsWithoutAPendingState) {
  EXPECT_FALSE(parse_application_resource_upgrade(body("RollingForward", "UnmonitoredManual")).awaiting_operator);
  EXPECT_FALSE(parse_cluster_config_upgrade(R"({"UpgradeState": "RollingForwardPending"})").awaiting_operator);
}

TEST(SourcesAwaitingOperator, QumuloPreparedWithoutAutoCommit) {
  const auto prepared = [](std::string settings, std::string error = "null") {
    return parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARED", "settings": )" + settings +
                                       R"(, "error_info": )" + error + "}");
  };
  EXPECT_TRUE(prepared(R"({"auto_commit": false})").awaiting_operator);
  EXPECT_FALSE(prepared(R"({"auto_commit": true})").awaiting_operator) << "commits by itself";
  // Qumulo shows PREPARED only without auto_commit: a body that leaves it out waits too.
  EXPECT_TRUE(prepared("{}").awaiting_operator);
  EXPECT_TRUE(prepared("null").awaiting_operator);
  EXPECT_FALSE(prepared(R"({"auto_commit": false})", R"("disk full")").awaiting_operator) << "failed, not waiting";
  EXPECT_FALSE(parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARING", "settings": {"auto_commit": false}})")
                   .awaiting_operator);
}

TEST(SourcesFailureReason, NoneIsLeftOut) {
  for (Parse parse : {parse_cluster_upgrade, parse_application_upgrade, parse_compose_deployment_upgrade}) {
    EXPECT_FALSE(has_info(parse(R"({"UpgradeState": "RollingForwardInProgress", "FailureReason": "None"})"),
                          "failure_reason"));
    EXPECT_TRUE(
        has_info(parse(R"({"UpgradeState": "RollingBackInProgress", "FailureReason": "HealthCheck"})"), "failure_reason"));
  }
  EXPECT_FALSE(has_info(parse_cluster_upgrade(payload("service_fabric/cluster_completed_9_1.json")), "failure_reason"));
  EXPECT_SOURCE_ERROR(parse_cluster_upgrade(R"({"UpgradeState": "Failed", "FailureReason": ["None"]})"),
                      Reason::schema);
}

}  // namespace
}  // namespace ue
