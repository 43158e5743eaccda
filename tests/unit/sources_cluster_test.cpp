// Cluster and cluster-configuration upgrade progress: every model field of
// the reference payloads, phase mapping, domain counting rules, the
// api-version fallback and hostile bodies.
#include <gtest/gtest.h>

#include <string>

#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;
using Info = decltype(Upgrade::info);

Upgrade cluster(const std::string& file) { return parse_cluster_upgrade(payload("service_fabric/" + file)); }

TEST(SourcesCluster, CompletedUpgradeFromTheSpec) {
  const Upgrade up = cluster("cluster_completed_9_1.json");
  EXPECT_EQ(up.state, "RollingForwardCompleted");
  EXPECT_EQ(up.phase, Phase::completed);
  EXPECT_EQ(up.progress_ratio, 1.0);
  EXPECT_EQ(up.domains, (DomainCounts{0, 0, 1, 0}));
  EXPECT_EQ(up.current_domain, "");
  ASSERT_TRUE(up.start_time);
  EXPECT_DOUBLE_EQ(*up.start_time, 1667242119.781);
  EXPECT_FALSE(up.failure_time);
  EXPECT_DOUBLE_EQ(*up.duration, 600.1752);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 0.0154527);
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_TRUE(up.replicas.empty());
  EXPECT_EQ(up.timeout, 57600.0);
  EXPECT_EQ(up.domain_timeout, 10800.0);
  EXPECT_EQ(up.health_check_phase, "");
  EXPECT_FALSE(up.health_check_elapsed);
  EXPECT_FALSE(up.health_check_retry_flips);
  EXPECT_FALSE(up.config_progress_status);
  EXPECT_FALSE(up.reboot);
  EXPECT_EQ(up.info, (Info{{"target_version", "9.1.1390.9590"},
                           {"rolling_upgrade_mode", "Monitored"},
                           {"target_config_version", "3"}, {"failure_action", "Rollback"}}));
}

TEST(SourcesCluster, InProgressHealthCheckRetryFromSfx10) {
  const Upgrade up = cluster("cluster_in_progress_10_0_retry.json");
  EXPECT_EQ(up.state, "RollingForwardPending");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_EQ(up.domains, (DomainCounts{3, 0, 2, 0}));
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.4);
  EXPECT_EQ(up.current_domain, "UD_3");
  EXPECT_DOUBLE_EQ(*up.start_time, 1683837662.659);
  EXPECT_FALSE(up.failure_time);
  EXPECT_DOUBLE_EQ(*up.duration, 35.8401);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 15.4141);
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_FALSE(up.timeout);  // the trimmed description has no MonitoringPolicy
  EXPECT_FALSE(up.domain_timeout);
  EXPECT_EQ(up.health_check_phase, "Retry");
  EXPECT_DOUBLE_EQ(*up.health_check_elapsed, 10.0001);
  EXPECT_FALSE(up.health_check_retry_flips);
  EXPECT_EQ(up.info, (Info{{"target_version", "10.0.100.9494"},
                           {"rolling_upgrade_mode", "Monitored"},
                           {"target_config_version", "v1"}}));
}

TEST(SourcesCluster, NodeByNodeCountsUnitsAndNamesTheNodes) {
  const Upgrade up = cluster("cluster_node_by_node_8_2.json");
  EXPECT_EQ(up.state, "RollingForwardInProgress");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_EQ(up.domains, (DomainCounts{2, 1, 2, 1}));  // the Invalid unit is not counted
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 2.0 / 6.0);
  EXPECT_EQ(up.current_domain, "MyNode3,MyNode4");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{1, 1, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1632760001.118);
  EXPECT_DOUBLE_EQ(*up.duration, 3723.5);
  EXPECT_EQ(up.domain_duration, 0.0);
  EXPECT_FALSE(up.timeout);  // TimeSpan.MaxValue: infinite
  EXPECT_FALSE(up.domain_timeout);
  EXPECT_EQ(up.info, (Info{{"target_version", "8.2.1486.9590"},
                           {"rolling_upgrade_mode", "UnmonitoredDeferred"},
                           {"target_config_version", "5"}, {"failure_action", "Manual"}}));
}

TEST(SourcesCluster, SumsPendingSafetyChecksOfTheCurrentDomain) {
  const Upgrade up = cluster("cluster_many_safety_checks.json");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_EQ(up.domains, (DomainCounts{2, 1, 0, 0}));
  EXPECT_EQ(up.progress_ratio, 0.0);
  EXPECT_EQ(up.current_domain, "UD_0");
  // From CurrentUpgradeDomainProgress, not the (different) units progress.
  EXPECT_EQ(up.nodes, (NodePhaseCounts{2, 0, 1}));
  EXPECT_EQ(up.pending_safety_checks, 6.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1673249400);
  EXPECT_DOUBLE_EQ(*up.duration, 2527.25);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 2460);
  EXPECT_EQ(up.timeout, 43200.0);
  EXPECT_EQ(up.domain_timeout, 7200.0);
  EXPECT_EQ(up.health_check_phase, "WaitDuration");
  EXPECT_DOUBLE_EQ(*up.health_check_elapsed, 3.0001);
  EXPECT_EQ(up.health_check_retry_flips, 0.0);
}

TEST(SourcesCluster, RuntimeWithout82Fields) {
  const Upgrade up = cluster("cluster_7_1.json");
  EXPECT_EQ(up.state, "RollingForwardInProgress");
  EXPECT_EQ(up.domains, (DomainCounts{2, 1, 2, 0}));
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.4);
  EXPECT_EQ(up.current_domain, "2");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 1, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1593561599.9999999);
  EXPECT_DOUBLE_EQ(*up.duration, 1205);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 120.5);
  EXPECT_EQ(up.timeout, 3600.0);
  EXPECT_EQ(up.domain_timeout, 1800.0);
  EXPECT_EQ(up.health_check_phase, "");
  EXPECT_FALSE(up.health_check_elapsed);
  EXPECT_FALSE(up.health_check_retry_flips);
  EXPECT_EQ(up.info, (Info{{"target_version", "7.1.456.9590"},
                           {"rolling_upgrade_mode", "UnmonitoredAuto"},
                           {"target_config_version", "2"}, {"failure_action", "Manual"}}));
}

struct PhaseCase {
  const char* state;
  Phase phase;
};

// Shared by cluster, cluster_config and application (the `UpgradeState` enum).
const PhaseCase kUpgradeStatePhases[] = {
    {"Invalid", Phase::idle},
    {"RollingBackInProgress", Phase::rolling_back},
    {"RollingBackCompleted", Phase::rolled_back},
    {"RollingForwardPending", Phase::rolling_forward},
    {"RollingForwardInProgress", Phase::rolling_forward},
    {"RollingForwardCompleted", Phase::completed},
    {"Failed", Phase::failed},
    // Unknown (future) values are kept verbatim and guessed from their name.
    {"RollingBackPending", Phase::rolling_back},
    {"RollingForwardPaused", Phase::rolling_forward},
    {"ProvisioningSomething", Phase::rolling_forward},
    {"SomethingNew", Phase::idle},
};

std::string body_with_state(const char* state) { return std::string(R"({"UpgradeState": ")") + state + "\"}"; }

TEST(SourcesCluster, MapsEveryStateToItsPhase) {
  for (const PhaseCase& c : kUpgradeStatePhases) {
    const Upgrade up = parse_cluster_upgrade(body_with_state(c.state));
    EXPECT_EQ(up.state, c.state);
    EXPECT_EQ(phase_name(up.phase), phase_name(c.phase)) << c.state;
    const Upgrade config = parse_cluster_config_upgrade(body_with_state(c.state));
    EXPECT_EQ(phase_name(config.phase), phase_name(c.phase)) << c.state;
  }
}

TEST(SourcesCluster, MinimalBodyLeavesEverythingElseAbsent) {
  const Upgrade up = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress"})");
  EXPECT_FALSE(up.progress_ratio);
  EXPECT_FALSE(up.domains);
  EXPECT_FALSE(up.nodes);
  EXPECT_FALSE(up.pending_safety_checks);
  EXPECT_FALSE(up.start_time);
  EXPECT_FALSE(up.duration);
  EXPECT_FALSE(up.unhealthy_evaluations);
  EXPECT_FALSE(up.timeout);
  EXPECT_TRUE(up.info.empty());
  // Completed still has a ratio: there is nothing left to do.
  EXPECT_EQ(parse_cluster_upgrade(body_with_state("RollingForwardCompleted")).progress_ratio, 1.0);
}

TEST(SourcesCluster, ChoosesBetweenUpgradeDomainsAndUnits) {
  // Both present, not node-by-node: domains.
  EXPECT_EQ(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "UpgradeDomains": [{"Name": "0", "State": "Completed"}],
      "UpgradeUnits": [{"Name": "n0", "State": "Pending"}]})").domains,
            (DomainCounts{0, 0, 1, 0}));
  // Node-by-node: units even when domains are listed.
  EXPECT_EQ(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress", "IsNodeByNode": true,
      "UpgradeDomains": [{"Name": "0", "State": "Completed"}],
      "UpgradeUnits": [{"Name": "n0", "State": "Pending"}]})").domains,
            (DomainCounts{1, 0, 0, 0}));
  // Empty domains, non-empty units: units.
  EXPECT_EQ(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress", "UpgradeDomains": [],
      "UpgradeUnits": [{"Name": "n0", "State": "Failed"}, {"Name": "n1", "State": "InProgress"}]})").domains,
            (DomainCounts{0, 1, 0, 1}));
  // Only units (missing domains): units.
  EXPECT_EQ(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "UpgradeUnits": [{"Name": "n0", "State": "Completed"}]})").domains,
            (DomainCounts{0, 0, 1, 0}));
  // Both empty: present, all zero, no ratio.
  const Upgrade empty = parse_cluster_upgrade(
      R"({"UpgradeState": "RollingForwardInProgress", "UpgradeDomains": [], "UpgradeUnits": []})");
  EXPECT_EQ(empty.domains, (DomainCounts{0, 0, 0, 0}));
  EXPECT_FALSE(empty.progress_ratio);
  // Entries with unknown, missing or null states are not counted.
  EXPECT_EQ(parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress", "UpgradeDomains": [
      {"Name": "a", "State": "Invalid"}, {"Name": "b"}, {"Name": "c", "State": null}, {"Name": "d", "State": "Pending"}]})")
                .domains,
            (DomainCounts{1, 0, 0, 0}));
}

TEST(SourcesCluster, NodeByNodeKeepsADomainNameWhenGiven) {
  const Upgrade up = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress", "IsNodeByNode": true,
      "CurrentUpgradeDomainProgress": {"DomainName": "ignored", "NodeUpgradeProgressList": []},
      "CurrentUpgradeUnitsProgress": {"DomainName": "UD_7", "NodeUpgradeProgressList": [
        {"NodeName": "n1", "UpgradePhase": "Upgrading", "PendingSafetyChecks": [{}, {}]}]}})");
  EXPECT_EQ(up.current_domain, "UD_7");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 1, 0}));
  EXPECT_EQ(up.pending_safety_checks, 2.0);
}

TEST(SourcesCluster, FallsBackToUnitsProgressWhenTheDomainOneIsMissing) {
  const Upgrade up = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardInProgress",
      "CurrentUpgradeUnitsProgress": {"DomainName": "UD_1", "NodeUpgradeProgressList": [
        {"NodeName": "n1", "UpgradePhase": "PostUpgradeSafetyCheck"}, {"NodeName": "n2", "UpgradePhase": "Invalid"}]}})");
  EXPECT_EQ(up.current_domain, "UD_1");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 1}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
}

TEST(SourcesCluster, HealthCheckPhaseIsExportedOnlyForTheThreeMeaningfulValues) {
  for (const char* phase : {"WaitDuration", "StableDuration", "Retry"}) {
    const std::string body = std::string(R"({"UpgradeState": "RollingForwardPending", "HealthCheckPhase": ")") + phase +
                             R"(", "HealthCheckElapsedTime": 1500, "HealthCheckRetryFlips": "2"})";
    const Upgrade up = parse_cluster_upgrade(body);
    EXPECT_EQ(up.health_check_phase, phase);
    EXPECT_DOUBLE_EQ(*up.health_check_elapsed, 1.5);  // a bare number is milliseconds
    EXPECT_EQ(up.health_check_retry_flips, 2.0);
  }
  for (const char* phase : {"Invalid", "", "retry", "Something"}) {
    const std::string body =
        std::string(R"({"UpgradeState": "RollingForwardPending", "HealthCheckPhase": ")") + phase + "\"}";
    EXPECT_EQ(parse_cluster_upgrade(body).health_check_phase, "");
  }
}

TEST(SourcesCluster, ZeroTimeoutsAreAbsent) {
  const Upgrade up = parse_cluster_upgrade(R"({"UpgradeState": "RollingForwardPending", "UpgradeDescription": {
      "MonitoringPolicy": {"UpgradeTimeoutInMilliseconds": "PT0H0M0S", "UpgradeDomainTimeoutInMilliseconds": "0"}}})");
  EXPECT_FALSE(up.timeout);
  EXPECT_FALSE(up.domain_timeout);
}

TEST(SourcesCluster, MissingOrUnusableStateIsASchemaError) {
  for (const char* body : {R"({})", R"({"UpgradeState": null})", R"({"UpgradeState": ""})",
                           R"({"Error": {"Code": "FABRIC_E_TIMEOUT"}})"}) {
    EXPECT_SOURCE_ERROR(parse_cluster_upgrade(body), Reason::schema) << body;
    EXPECT_SOURCE_ERROR(parse_cluster_config_upgrade(body), Reason::schema) << body;
  }
}

struct HostileCase {
  const char* file;
  Reason reason;
};

TEST(SourcesCluster, HostileBodiesThrowTheRightReason) {
  const HostileCase cases[] = {
      {"hostile_truncated.json", Reason::parse},
      {"hostile_deep_nesting.json", Reason::parse},
      {"hostile_deep_in_field.json", Reason::parse},
      {"edge_nesting_65.json", Reason::parse},
      {"hostile_empty.json", Reason::parse},
      {"hostile_html_error_page.json", Reason::parse},
      {"hostile_invalid_utf8.json", Reason::parse},
      {"hostile_number_overflow.json", Reason::parse},
      {"hostile_top_level_array.json", Reason::schema},
      {"hostile_top_level_string.json", Reason::schema},
      {"hostile_fabric_error.json", Reason::schema},
      {"hostile_state_object.json", Reason::schema},
      {"hostile_state_number.json", Reason::schema},
      {"hostile_domains_string.json", Reason::schema},
      {"hostile_domain_entry_number.json", Reason::schema},
      {"hostile_duration_garbage.json", Reason::schema},
      {"hostile_duration_bool.json", Reason::schema},
      {"hostile_timestamp_garbage.json", Reason::schema},
      {"hostile_timestamp_number.json", Reason::schema},
      {"hostile_is_node_by_node_string.json", Reason::schema},
      {"hostile_node_list_object.json", Reason::schema},
      {"hostile_progress_string.json", Reason::schema},
      {"hostile_monitoring_policy_array.json", Reason::schema},
      {"hostile_nulls.json", Reason::schema},
  };
  for (const HostileCase& c : cases) {
    const std::string body = payload(std::string("service_fabric/") + c.file);
    EXPECT_SOURCE_ERROR(parse_cluster_upgrade(body), c.reason) << c.file;
    EXPECT_SOURCE_ERROR(parse_application_upgrade(body), c.reason) << c.file;
  }
}

TEST(SourcesCluster, InfoFieldsOfTheWrongTypeAreSchemaErrors) {
  EXPECT_SOURCE_ERROR(cluster("hostile_info_object.json"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_cluster_upgrade(R"({"UpgradeState": "Failed", "FailureReason": [2]})"), Reason::schema);
  // A number is plausible drift (an enum sent as its ordinal): kept as text, not a lost object.
  const Upgrade ordinal = parse_cluster_upgrade(R"({"UpgradeState": "Failed", "FailureReason": 2})");
  EXPECT_EQ(ordinal.info, (Info{{"failure_reason", "2"}}));
}

TEST(SourcesCluster, NullsEverywhereButTheStateAreAbsent) {
  const Upgrade up = cluster("hostile_nulls_with_state.json");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_FALSE(up.domains);
  EXPECT_FALSE(up.nodes);
  EXPECT_FALSE(up.start_time);
  EXPECT_FALSE(up.failure_time);
  EXPECT_FALSE(up.duration);
  EXPECT_FALSE(up.unhealthy_evaluations);
  EXPECT_FALSE(up.health_check_elapsed);
  EXPECT_TRUE(up.info.empty());

  const Upgrade nested = cluster("hostile_nulls_nested.json");
  EXPECT_EQ(nested.domains, (DomainCounts{0, 0, 0, 0}));
  EXPECT_EQ(nested.current_domain, "");
  EXPECT_EQ(nested.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_EQ(nested.pending_safety_checks, 0.0);
  EXPECT_FALSE(nested.timeout);
}

TEST(SourcesCluster, HostileByteFuzzNeverCrashes) {
  // Every prefix and a byte-flipped copy of a real body: each either parses
  // or throws SourceError, nothing else.
  const std::string body = payload("service_fabric/cluster_node_by_node_8_2.json");
  for (std::size_t cut = 0; cut < body.size(); cut += 7) {
    try {
      parse_cluster_upgrade(std::string_view(body).substr(0, cut));
    } catch (const SourceError&) {
    }
    std::string flipped = body;
    flipped[cut] = static_cast<char>(flipped[cut] ^ 0x5A);
    try {
      parse_cluster_upgrade(flipped);
    } catch (const SourceError&) {
    }
  }
}

// ---- cluster configuration ----

TEST(SourcesClusterConfig, DocumentedExample) {
  const Upgrade up = parse_cluster_config_upgrade(payload("service_fabric/cluster_config_status.json"));
  EXPECT_EQ(up.state, "RollingBackInProgress");
  EXPECT_EQ(up.phase, Phase::rolling_back);
  EXPECT_EQ(up.config_progress_status, 4.0);
  EXPECT_FALSE(up.progress_ratio);
  EXPECT_FALSE(up.domains);
  EXPECT_FALSE(up.nodes);
  EXPECT_EQ(up.info, (Info{{"target_version", "3"}}));
}

TEST(SourcesClusterConfig, CompletedHasRatioOneAndNumbersMayBeStrings) {
  const Upgrade up = parse_cluster_config_upgrade(
      R"({"UpgradeState": "RollingForwardCompleted", "ProgressStatus": "7", "ConfigVersion": "", "Details": "x"})");
  EXPECT_EQ(up.progress_ratio, 1.0);
  EXPECT_EQ(up.config_progress_status, 7.0);
  EXPECT_TRUE(up.info.empty());
  EXPECT_DOUBLE_EQ(*parse_cluster_config_upgrade(payload("service_fabric/hostile_huge_numbers.json"))
                        .config_progress_status,
                   1.2345678901234568e29);
  EXPECT_SOURCE_ERROR(parse_cluster_config_upgrade(R"({"UpgradeState": "Invalid", "ProgressStatus": "four"})"),
                      Reason::schema);
}

// ---- read functions ----

TEST(SourcesClusterRead, AsksFor82First) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = payload("service_fabric/cluster_completed_9_1.json");
  const Source& source = source_for(Kind::cluster);
  const Upgrade up = source.read(fetch);
  EXPECT_EQ(up.state, "RollingForwardCompleted");
  ASSERT_EQ(fetch.requests.size(), 1u);
  EXPECT_EQ(fetch.requests[0].endpoint, "cluster_upgrade");
  EXPECT_FALSE(fetch.requests[0].feature_probe);
  EXPECT_EQ(fetch.memos["cluster.api_version"], "");
}

TEST(SourcesClusterRead, FallsBackTo60OnHttp400AndRemembers) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = test::http_error(400);
  fetch.answers["/$/GetUpgradeProgress?api-version=6.0"] = payload("service_fabric/cluster_7_1.json");
  const Source& source = source_for(Kind::cluster);
  EXPECT_EQ(source.read(fetch).state, "RollingForwardInProgress");
  ASSERT_EQ(fetch.requests.size(), 2u);
  EXPECT_EQ(fetch.requests[1].path, "/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(fetch.requests[1].endpoint, "cluster_upgrade");
  EXPECT_EQ(fetch.memos["cluster.api_version"], "6.0");

  fetch.requests.clear();
  source.read(fetch);  // the next poll goes straight to 6.0
  ASSERT_EQ(fetch.requests.size(), 1u);
  EXPECT_EQ(fetch.requests[0].path, "/$/GetUpgradeProgress?api-version=6.0");
}

TEST(SourcesClusterRead, OtherErrorsDoNotFallBack) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = test::http_error(503);
  fetch.answers["/$/GetUpgradeProgress?api-version=6.0"] = payload("service_fabric/cluster_7_1.json");
  EXPECT_SOURCE_ERROR(source_for(Kind::cluster).read(fetch), Reason::http_status);
  EXPECT_EQ(fetch.requests.size(), 1u);

  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = SourceError{Reason::timeout, "slow"};
  EXPECT_SOURCE_ERROR(source_for(Kind::cluster).read(fetch), Reason::timeout);
  EXPECT_EQ(fetch.memos["cluster.api_version"], "");
}

TEST(SourcesClusterRead, ForgetsNothingWhen60FailsToo) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = test::http_error(400);
  fetch.answers["/$/GetUpgradeProgress?api-version=6.0"] = test::http_error(400);
  EXPECT_SOURCE_ERROR(source_for(Kind::cluster).read(fetch), Reason::http_status);
  EXPECT_EQ(fetch.memos["cluster.api_version"], "");
}

TEST(SourcesClusterRead, MalformedBodiesAreCountedUnderTheEndpoint) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetUpgradeProgress?api-version=8.2"] = std::string("<html>");
  EXPECT_SOURCE_ERROR(source_for(Kind::cluster).read(fetch), Reason::parse);
  ASSERT_EQ(fetch.counted_errors.size(), 1u);
  EXPECT_EQ(fetch.counted_errors[0].first, "cluster_upgrade");
  EXPECT_EQ(fetch.counted_errors[0].second, Reason::parse);
}

TEST(SourcesClusterConfigRead, IsAFeatureProbe) {
  test::ScriptedFetcher fetch;
  fetch.answers["/$/GetClusterConfigurationUpgradeStatus?api-version=6.0"] =
      payload("service_fabric/cluster_config_status.json");
  const Source& source = source_for(Kind::cluster_config);
  EXPECT_EQ(source.read(fetch).config_progress_status, 4.0);
  ASSERT_EQ(fetch.requests.size(), 1u);
  EXPECT_EQ(fetch.requests[0].endpoint, "cluster_config_upgrade");
  EXPECT_TRUE(fetch.requests[0].feature_probe);

  fetch.answers["/$/GetClusterConfigurationUpgradeStatus?api-version=6.0"] = FeatureAbsent{404};
  EXPECT_THROW(source.read(fetch), FeatureAbsent);
}

}  // namespace
}  // namespace ue

namespace ue {
namespace {

TEST(ClusterUpgradeLeniency, NumericVersionIsKeptAsText) {
  Upgrade u = parse_cluster_upgrade(R"({"UpgradeState":"RollingForwardCompleted","CodeVersion":"9.1","ConfigVersion":3})");
  EXPECT_EQ(u.info.back(), (Info::value_type{"target_config_version", "3"}));
}

}  // namespace
}  // namespace ue
