// The table of kinds: one Source per Kind in kAllKinds order, with its
// collect name, state enum and how it is fetched.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sources/parsers.h"

namespace ue {
namespace {

using Names = std::vector<std::string_view>;

TEST(SourcesRegistry, OneSourcePerKindInExportOrder) {
  const std::vector<Source>& sources = all_sources();
  ASSERT_EQ(sources.size(), kAllKinds.size());
  for (std::size_t i = 0; i < kAllKinds.size(); ++i) {
    EXPECT_EQ(sources[i].kind, kAllKinds[i]);
    EXPECT_EQ(&source_for(kAllKinds[i]), &sources[i]);
  }
}

TEST(SourcesRegistry, CollectNamesAndTargetTypes) {
  const std::pair<Kind, const char*> collect[] = {
      {Kind::cluster, "cluster"},
      {Kind::cluster_config, "cluster_config"},
      {Kind::application, "applications"},
      {Kind::application_resource, "application_resources"},
      {Kind::compose_deployment, "compose_deployments"},
      {Kind::repair_task, "repair_tasks"},
      {Kind::qumulo, "qumulo"},
  };
  for (const auto& [kind, name] : collect) {
    EXPECT_EQ(source_for(kind).collect_name, name);
    EXPECT_EQ(source_for(kind).target_type, kind == Kind::qumulo ? TargetType::qumulo : TargetType::service_fabric);
  }
  EXPECT_EQ(target_type_name(TargetType::service_fabric), "service_fabric");
  EXPECT_EQ(target_type_name(TargetType::qumulo), "qumulo");
}

TEST(SourcesRegistry, EachKindIsReadListedOrListedWhole) {
  for (const Source& source : all_sources()) {
    const bool single = source.kind == Kind::cluster || source.kind == Kind::cluster_config || source.kind == Kind::qumulo;
    const bool whole = source.kind == Kind::repair_task;
    EXPECT_EQ(source.read != nullptr, single) << kind_name(source.kind);
    EXPECT_EQ(source.whole != nullptr, whole) << kind_name(source.kind);
    EXPECT_EQ(source.listing != nullptr, !single && !whole) << kind_name(source.kind);
  }
}

TEST(SourcesRegistry, FeatureProbes) {
  EXPECT_FALSE(source_for(Kind::cluster).feature_probe);
  EXPECT_TRUE(source_for(Kind::cluster_config).feature_probe);
  EXPECT_FALSE(source_for(Kind::application).feature_probe);
  EXPECT_TRUE(source_for(Kind::application_resource).feature_probe);
  EXPECT_FALSE(source_for(Kind::compose_deployment).feature_probe);
  EXPECT_TRUE(source_for(Kind::repair_task).feature_probe) << "no Repair Manager: 4xx";
  EXPECT_FALSE(source_for(Kind::qumulo).feature_probe);
}

TEST(SourcesRegistry, StatesAreTheFullUpstreamEnumsInReferenceOrder) {
  const Names upgrade_state = {"Invalid",
                               "RollingBackInProgress",
                               "RollingBackCompleted",
                               "RollingForwardPending",
                               "RollingForwardInProgress",
                               "RollingForwardCompleted",
                               "Failed"};
  EXPECT_EQ(source_for(Kind::cluster).states, upgrade_state);
  EXPECT_EQ(source_for(Kind::cluster_config).states, upgrade_state);
  EXPECT_EQ(source_for(Kind::application).states, upgrade_state);
  EXPECT_EQ(source_for(Kind::compose_deployment).states,
            (Names{"Invalid", "ProvisioningTarget", "RollingForwardInProgress", "RollingForwardPending",
                   "UnprovisioningCurrent", "RollingForwardCompleted", "RollingBackInProgress", "UnprovisioningTarget",
                   "RollingBackCompleted", "Failed"}));
  EXPECT_EQ(source_for(Kind::application_resource).states,
            (Names{"Invalid", "ProvisioningTarget", "RollingForward", "UnprovisioningCurrent", "CompletedRollforward",
                   "RollingBack", "UnprovisioningTarget", "CompletedRollback", "Failed"}));
  EXPECT_EQ(source_for(Kind::repair_task).states,
            (Names{"Created", "Claimed", "Preparing", "Approved", "Executing", "Restoring", "Completed"}));
  EXPECT_EQ(source_for(Kind::qumulo).states,
            (Names{"UPGRADE_STATE_IDLE", "UPGRADE_STATE_PREPARING", "UPGRADE_STATE_PREPARED",
                   "UPGRADE_STATE_COMMITTING", "UPGRADE_STATE_COMMITTED", "UPGRADE_STATE_REBOOTING"}));
}

TEST(SourcesRegistry, EndpointsAreTheContractNames) {
  std::set<std::string_view> endpoints;
  for (const Source& source : all_sources()) {
    if (source.whole) {
      endpoints.insert(source.whole->active_endpoint);
      endpoints.insert(source.whole->ended_endpoint);
      endpoints.insert(source.whole->object_endpoint);
    }
    if (!source.listing) continue;
    endpoints.insert(source.listing->list_endpoint);
    endpoints.insert(source.listing->progress_endpoint);
  }
  EXPECT_EQ(endpoints, (std::set<std::string_view>{"applications_list", "application_upgrade",
                                                   "application_resources_list", "application_resource_upgrade",
                                                   "compose_deployments_list", "compose_deployment_upgrade",
                                                   "repair_tasks_active", "repair_tasks_completed",
                                                   "repair_task_result"}));
}

TEST(SourcesRegistry, RepairTasksAreReadByStateAndOneByIdAsThePlanSays) {
  const WholeListing& whole = *source_for(Kind::repair_task).whole;
  EXPECT_EQ(whole.active_path, "/$/GetRepairTaskList?api-version=6.0&StateFilter=63");
  EXPECT_EQ(whole.ended_path, "/$/GetRepairTaskList?api-version=6.0&StateFilter=64");
  EXPECT_EQ(whole.object_path("Azure/PlatformUpdate/x/1/2 &a=b"),
            "/$/GetRepairTaskList?api-version=6.0&TaskIdFilter=Azure%2FPlatformUpdate%2Fx%2F1%2F2%20%26a%3Db");
}

}  // namespace
}  // namespace ue
