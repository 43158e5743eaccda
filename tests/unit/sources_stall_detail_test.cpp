// What the Service Fabric bodies say about why an upgrade waits: the current
// domain's nodes and their pending safety checks, the rest of the monitoring
// policy, the failure action and the unhealthy evaluations by kind.
#include <gtest/gtest.h>

#include <string>

#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

std::vector<std::string> node_names(const Upgrade& up) {
  std::vector<std::string> names;
  for (const NodeProgress& node : up.current_nodes) names.push_back(node.name + ":" + node.phase);
  return names;
}

std::string info(const Upgrade& up, std::string_view label) {
  for (const auto& [name, value] : up.info)
    if (name == label) return value;
  return "(absent)";
}

TEST(SourcesStallDetail, NodesOfTheCurrentDomainWithTheirChecks) {
  const Upgrade up = parse_cluster_upgrade(payload("service_fabric/cluster_many_safety_checks.json"));
  EXPECT_EQ(node_names(up), (std::vector<std::string>{"_nt_0:PreUpgradeSafetyCheck", "_nt_1:PreUpgradeSafetyCheck",
                                                      "_nt_2:PostUpgradeSafetyCheck"}));
  ASSERT_EQ(up.current_nodes[0].pending.size(), 3u);
  EXPECT_EQ(up.current_nodes[0].pending[0].kind, "EnsurePartitionQuorum");
  EXPECT_EQ(up.current_nodes[0].pending[0].partition_id, "1f5a8f4c-3b50-4c4e-9a2a-0d1b4d2f6b01");
  EXPECT_EQ(up.current_nodes[0].pending[1].kind, "WaitForPrimarySwap");
  EXPECT_EQ(up.current_nodes[0].pending[2].kind, "EnsureSeedNodeQuorum");
  EXPECT_EQ(up.current_nodes[0].pending[2].partition_id, "") << "EnsureSeedNodeQuorum names no partition";
}

TEST(SourcesStallDetail, NodeByNodeUnitsAreTheNodes) {
  const Upgrade up = parse_cluster_upgrade(payload("service_fabric/cluster_node_by_node_8_2.json"));
  EXPECT_EQ(node_names(up), (std::vector<std::string>{"MyNode3:PreUpgradeSafetyCheck", "MyNode4:Upgrading"}));
  EXPECT_TRUE(up.current_nodes[0].pending.empty());
}

TEST(SourcesStallDetail, AnEmptyOrMissingNodeListHasNoNodes) {
  EXPECT_TRUE(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "CurrentUpgradeDomainProgress": {"DomainName": "UD_1", "NodeUpgradeProgressList": []}})")
                  .current_nodes.empty());
  EXPECT_TRUE(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress"})").current_nodes.empty());
  EXPECT_TRUE(parse_application_upgrade(payload("service_fabric/application_never_upgraded.json")).current_nodes.empty());
}

TEST(SourcesStallDetail, UnknownKindsNamelessNodesRepeatsAndOddEntries) {
  const Upgrade up = parse_application_upgrade(payload("service_fabric/application_blocked_on_safety_checks.json"));
  // _Node_4 listed twice keeps its first entry; the nameless node is left out.
  EXPECT_EQ(node_names(up), (std::vector<std::string>{"_Node_4:PreUpgradeSafetyCheck", "_Node_5:PreUpgradeSafetyCheck",
                                                      "_Node_6:SomeFuturePhase"}));
  ASSERT_EQ(up.current_nodes[0].pending.size(), 4u);
  EXPECT_EQ(up.current_nodes[0].pending[2].kind, "EnsureFutureThing") << "unknown kinds are kept verbatim";
  EXPECT_EQ(up.current_nodes[1].pending.size(), 60u);
  EXPECT_EQ(up.pending_safety_checks, 64.0) << "the sum still counts every entry";

  const Upgrade odd = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "CurrentUpgradeDomainProgress": {"NodeUpgradeProgressList": [{"NodeName": "n", "PendingSafetyChecks": [
        {"SafetyCheck": {"Kind": "EnsureAvailability", "PartitionId": "p"}},
        {"Kind": "WaitForPrimaryPlacement"}, {"SafetyCheck": {"PartitionId": "no-kind"}}, {"SafetyCheck": "x"},
        7, null, {"SafetyCheck": {"Kind": 3}}]}]}})");
  ASSERT_EQ(odd.current_nodes.size(), 1u);
  EXPECT_EQ(odd.current_nodes[0].phase, "") << "no UpgradePhase: an empty phase";
  ASSERT_EQ(odd.current_nodes[0].pending.size(), 2u);
  EXPECT_EQ(odd.current_nodes[0].pending[1].kind, "WaitForPrimaryPlacement") << "an unwrapped check is read too";
  EXPECT_EQ(odd.pending_safety_checks, 7.0);
}

TEST(SourcesStallDetail, DetailedNodesAreCapped) {
  std::string nodes;
  for (std::size_t i = 0; i < kMaxDetailedNodes + 20; ++i)
    nodes += std::string(i ? "," : "") + R"({"NodeName": "n)" + std::to_string(i) + R"(", "UpgradePhase": "Upgrading"})";
  const Upgrade up = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "CurrentUpgradeDomainProgress": {"NodeUpgradeProgressList": [)" + nodes + "]}}");
  EXPECT_EQ(up.current_nodes.size(), kMaxDetailedNodes);
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, static_cast<double>(kMaxDetailedNodes + 20), 0})) << "counts are not capped";
}

TEST(SourcesStallDetail, TheWholeMonitoringPolicyAndTheFailureAction) {
  const Upgrade up = parse_application_upgrade(payload("service_fabric/application_blocked_on_safety_checks.json"));
  EXPECT_EQ(up.health_check_wait, 30.0);
  EXPECT_EQ(up.health_check_stable, 60.0);
  EXPECT_EQ(up.health_check_retry_timeout, 600.0);
  EXPECT_EQ(up.replica_set_check_timeout, 600.0);
  EXPECT_EQ(up.timeout, 7200.0);
  EXPECT_EQ(up.domain_timeout, 1800.0);
  EXPECT_EQ(info(up, "failure_action"), "Rollback");

  // 4294967295 and TimeSpan.MaxValue are infinite: absent.
  const Upgrade infinite = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "UpgradeDescription": {"UpgradeReplicaSetCheckTimeoutInSeconds": 4294967295, "MonitoringPolicy": {
        "FailureAction": "Manual", "HealthCheckRetryTimeoutInMilliseconds": "P10675199DT2H48M5.4775807S",
        "HealthCheckWaitDurationInMilliseconds": "PT0H0M0S"}}})");
  EXPECT_FALSE(infinite.replica_set_check_timeout);
  EXPECT_FALSE(infinite.health_check_retry_timeout);
  EXPECT_EQ(infinite.health_check_wait, 0.0) << "a zero wait is a real setting";
  EXPECT_FALSE(infinite.health_check_stable);
  EXPECT_EQ(info(infinite, "failure_action"), "Manual");

  const Upgrade none = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress"})");
  EXPECT_FALSE(none.replica_set_check_timeout || none.health_check_wait || none.health_check_retry_timeout);
  EXPECT_EQ(info(none, "failure_action"), "(absent)");

  EXPECT_SOURCE_ERROR(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "UpgradeDescription": {"UpgradeReplicaSetCheckTimeoutInSeconds": "soon"}})"),
                      Reason::schema);
  EXPECT_SOURCE_ERROR(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "UpgradeDescription": {"MonitoringPolicy": {"HealthCheckStableDurationInMilliseconds": true}}})"),
                      Reason::schema);
}

TEST(SourcesStallDetail, ComposeDeploymentsKeepThePolicyAtTheTop) {
  const Upgrade up = parse_compose_deployment_upgrade(payload("service_fabric/compose_deployment_progress.json"));
  EXPECT_EQ(info(up, "failure_action"), "Rollback");
  EXPECT_TRUE(up.health_check_retry_timeout);
  EXPECT_FALSE(up.replica_set_check_timeout) << "4294967295 in the reference payload";
  EXPECT_EQ(node_names(up), std::vector<std::string>{"_Node_1:Upgrading"});
}

TEST(SourcesStallDetail, UnhealthyEvaluationsByKind) {
  const Upgrade up = parse_application_upgrade(payload("service_fabric/application_blocked_on_safety_checks.json"));
  EXPECT_EQ(up.unhealthy_evaluations, 6.0) << "the length still counts every entry";
  EXPECT_EQ(up.unhealthy_evaluations_by_kind,
            (std::vector<std::pair<std::string, double>>{{"DeltaNodesCheck", 1}, {"Event", 2}, {"SomeFutureEvaluation", 1}}));

  const Upgrade compose = parse_compose_deployment_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "ApplicationUnhealthyEvaluations": [{"HealthEvaluation": {"Kind": "Applications"}}]})");
  EXPECT_EQ(compose.unhealthy_evaluations_by_kind, (std::vector<std::pair<std::string, double>>{{"Applications", 1}}));

  std::string many;
  for (std::size_t i = 0; i < kMaxEvaluationKinds + 5; ++i)
    many += std::string(i ? "," : "") + R"({"HealthEvaluation": {"Kind": "K)" + std::to_string(1000 + i) + R"("}})";
  const Upgrade capped =
      parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress", "UnhealthyEvaluations": [)" + many + "]}");
  EXPECT_EQ(capped.unhealthy_evaluations_by_kind.size(), kMaxEvaluationKinds);
  EXPECT_EQ(capped.unhealthy_evaluations, static_cast<double>(kMaxEvaluationKinds + 5));
}

}  // namespace
}  // namespace ue
