// The simulated world as a pure function of simulated time: every test sets
// the time explicitly, none sleeps.
#include "world.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};  // 2024-03-01T10:00:00Z

World default_world() { return World(load_scenario_file(UE_SIM_DEFAULT_SCENARIO), kEpoch); }
World world_of(const std::string& yaml) { return World(parse_scenario(yaml, "test.yml"), kEpoch); }

Json app(const World& w, SimTime t, const std::string& name, double api = 8.2) {
  auto body = w.application_progress(t, name, api);
  EXPECT_TRUE(body) << name;
  return body ? *body : Json();
}

std::vector<std::string> domain_states(const Json& domains) {
  std::vector<std::string> out;
  for (const auto& d : domains) out.push_back(d["Name"].get<std::string>() + "=" + d["State"].get<std::string>());
  return out;
}

size_t pending_safety_checks(const Json& body) {
  size_t n = 0;
  for (const auto& node : body["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"])
    n += node["PendingSafetyChecks"].size();
  return n;
}

// The exporter's normalized phase (README, Phase mapping), to check the scenario covers them all.
std::string phase_of(Kind kind, const std::string& state, bool error = false) {
  if (kind == Kind::qumulo) return error ? "failed" : state == "UPGRADE_STATE_IDLE" ? "idle" : "rolling_forward";
  if (state == "Invalid") return "idle";
  if (state == "Failed") return "failed";
  if (state == "RollingForwardCompleted" || state == "CompletedRollforward") return "completed";
  if (state == "RollingBackCompleted" || state == "CompletedRollback") return "rolled_back";
  if (state == "RollingBackInProgress" || state == "RollingBack" || state == "UnprovisioningTarget")
    return "rolling_back";
  return "rolling_forward";
}

const char* kWalk = R"(
domains: [UD_0, UD_1, UD_2, UD_3, UD_4]
nodes_per_domain: 2
objects:
  - kind: cluster
    mode: Monitored
    steps:
      - {state: RollingForwardInProgress, for: 100s, progress: 100}
      - {state: RollingForwardCompleted, for: forever}
)";

TEST(World, ClusterStartsInSafetyChecksOnTheFirstDomain) {
  World w = world_of(kWalk);
  Json c = w.cluster_progress(0s, 8.2);
  EXPECT_EQ(c["UpgradeState"], "RollingForwardInProgress");
  EXPECT_EQ(domain_states(c["UpgradeDomains"]),
            (std::vector<std::string>{"UD_0=InProgress", "UD_1=Pending", "UD_2=Pending", "UD_3=Pending", "UD_4=Pending"}));
  EXPECT_EQ(c["NextUpgradeDomain"], "UD_1");
  EXPECT_EQ(c["CurrentUpgradeDomainProgress"]["DomainName"], "UD_0");
  const Json& nodes = c["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"];
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0]["NodeName"], "_Node_0");
  EXPECT_EQ(nodes[0]["UpgradePhase"], "PreUpgradeSafetyCheck");
  const Json& check = nodes[0]["PendingSafetyChecks"][0]["SafetyCheck"];
  EXPECT_EQ(check.begin().key(), "Kind");  // the .NET client needs Kind first
  EXPECT_EQ(check["Kind"], "EnsureSeedNodeQuorum");
  EXPECT_FALSE(check.contains("PartitionId"));
  EXPECT_EQ(nodes[1]["PendingSafetyChecks"][0]["SafetyCheck"]["PartitionId"].get<std::string>().size(), 36u);
  EXPECT_EQ(c["StartTimestampUtc"], "2024-03-01T10:00:00.000Z");
  EXPECT_EQ(c["FailureTimestampUtc"], "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(c["HealthCheckPhase"], "Invalid");
}

TEST(World, MonitoredDomainsUpgradeThenHealthCheck) {
  World w = world_of(kWalk);  // 20s per domain: 12s upgrading, 8s health check
  EXPECT_EQ(w.cluster_progress(5s, 8.2)["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"][0]["UpgradePhase"],
            "Upgrading");
  EXPECT_EQ(w.cluster_progress(11s, 8.2)["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"][0]["UpgradePhase"],
            "PostUpgradeSafetyCheck");

  Json wait = w.cluster_progress(13s, 8.2);
  EXPECT_EQ(wait["UpgradeState"], "RollingForwardPending");
  EXPECT_EQ(wait["HealthCheckPhase"], "WaitDuration");
  EXPECT_EQ(wait["HealthCheckElapsedTime"], "PT0H0M1S");
  EXPECT_EQ(wait["NextUpgradeDomain"], "UD_1");
  EXPECT_EQ(wait["CurrentUpgradeDomainProgress"]["DomainName"], "UD_1");  // as in the SFX fixture
  EXPECT_TRUE(wait["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"].empty());
  EXPECT_EQ(domain_states(wait["UpgradeDomains"]).back(), "UD_0=Completed");
  EXPECT_EQ(w.cluster_progress(18s, 8.2)["HealthCheckPhase"], "StableDuration");
}

TEST(World, DomainsWalkInTheRuntimeOrderAndComplete) {
  World w = world_of(kWalk);
  Json mid = w.cluster_progress(50s, 8.2);
  EXPECT_EQ(domain_states(mid["UpgradeDomains"]),
            (std::vector<std::string>{"UD_2=InProgress", "UD_3=Pending", "UD_4=Pending", "UD_0=Completed", "UD_1=Completed"}));
  EXPECT_EQ(mid["UpgradeDurationInMilliseconds"], "PT0H0M50S");
  EXPECT_EQ(mid["UpgradeDomainDurationInMilliseconds"], "PT0H0M10S");
  EXPECT_EQ(mid["UpgradeUnits"], mid["UpgradeDomains"]);

  Json done = w.cluster_progress(1h, 8.2);
  EXPECT_EQ(done["UpgradeState"], "RollingForwardCompleted");
  EXPECT_EQ(domain_states(done["UpgradeDomains"]),
            (std::vector<std::string>{"UD_0=Completed", "UD_1=Completed", "UD_2=Completed", "UD_3=Completed", "UD_4=Completed"}));
  EXPECT_EQ(done["UpgradeDurationInMilliseconds"], "PT0H1M40S");  // stops counting when done
  EXPECT_EQ(done["NextUpgradeDomain"], "");
}

TEST(World, ApiVersionBelow82LeavesOutNodeByNodeFields) {
  World w = world_of(kWalk);
  Json old = w.cluster_progress(5s, 6.0), recent = w.cluster_progress(5s, 8.2);
  for (const char* field : {"UpgradeUnits", "CurrentUpgradeUnitsProgress", "IsNodeByNode"}) {
    EXPECT_FALSE(old.contains(field)) << field;
    EXPECT_TRUE(recent.contains(field)) << field;
  }
  // The 10.0 health-check fields come at every api-version (SFX asks with 8.2 and gets them).
  for (const char* field : {"HealthCheckElapsedTime", "HealthCheckPhase"}) {
    EXPECT_TRUE(old.contains(field)) << field;
    EXPECT_TRUE(recent.contains(field)) << field;
  }
}

TEST(World, ManualUpgradeWaitsForAnOperator) {
  World w = default_world();
  std::string name = "fabric:/shop/checkout";
  Json early = app(w, 20s, name);
  for (SimTime t : {SimTime(20s), SimTime(10min), SimTime(100h)}) {
    Json a = app(w, t, name);
    EXPECT_EQ(a["UpgradeState"], "RollingForwardPending");
    EXPECT_EQ(a["RollingUpgradeMode"], "UnmonitoredManual");
    EXPECT_EQ(a["NextUpgradeDomain"], "UD_1");
    EXPECT_EQ(a["UpgradeDomains"], early["UpgradeDomains"]);
    EXPECT_EQ(a["HealthCheckPhase"], "Invalid");  // manual mode: nothing to check, just waiting
  }
  EXPECT_EQ(app(w, 100h, name)["UpgradeDurationInMilliseconds"], "P4DT4H0M0S");
}

TEST(World, HealthCheckRetriesIntoRollback) {
  World w = default_world();
  std::string name = "fabric:/shop/search";  // retrying since 100s before start-up, 4m retry timeout: rollback at 140s
  Json start = app(w, 0s, name, 6.0);  // the exporter's api-version for applications
  EXPECT_EQ(start["UpgradeState"], "RollingForwardPending");
  EXPECT_EQ(start["HealthCheckPhase"], "Retry");
  EXPECT_EQ(start["HealthCheckElapsedTime"], "PT0H1M40S");
  EXPECT_EQ(start["UpgradeDescription"]["MonitoringPolicy"]["HealthCheckRetryTimeoutInMilliseconds"], "PT0H4M0S");
  EXPECT_EQ(start["UpgradeDescription"]["MonitoringPolicy"]["FailureAction"], "Rollback");
  EXPECT_EQ(app(w, 20s, name)["HealthCheckElapsedTime"], "PT0H2M0S");  // half the retry timeout

  Json checking = app(w, 100s, name);
  EXPECT_EQ(checking["UpgradeState"], "RollingForwardPending");
  EXPECT_EQ(checking["HealthCheckPhase"], "Retry");
  EXPECT_EQ(checking["HealthCheckElapsedTime"], "PT0H3M20S");
  EXPECT_EQ(checking["HealthCheckRetryFlips"], 1);
  EXPECT_EQ(checking["UnhealthyEvaluations"], start["UnhealthyEvaluations"]);
  EXPECT_EQ(checking["FailureReason"], "None");

  Json back = app(w, 150s, name);
  EXPECT_EQ(back["UpgradeState"], "RollingBackInProgress");
  EXPECT_EQ(back["FailureReason"], "HealthCheck");
  EXPECT_EQ(back["FailureTimestampUtc"], "2024-03-01T10:02:20.000Z");
  EXPECT_EQ(back["UnhealthyEvaluations"][0]["HealthEvaluation"]["Kind"], "Services");
  EXPECT_EQ(back["UpgradeDomainProgressAtFailure"]["DomainName"], "UD_2");
  auto states = domain_states(back["UpgradeDomains"]);
  EXPECT_EQ(states.front(), "UD_1=InProgress");  // undoing the last completed domain
  EXPECT_EQ(states.back(), "UD_0=Completed");

  Json done = app(w, 180s, name);
  EXPECT_EQ(done["UpgradeState"], "RollingBackCompleted");
  EXPECT_EQ(done["FailureReason"], "HealthCheck");
  EXPECT_TRUE(done["UnhealthyEvaluations"].empty());
  for (const auto& d : done["UpgradeDomains"]) EXPECT_EQ(d["State"], "Pending");
}

// The node of the current domain that holds it, and its only pending check.
struct Holder {
  std::string node, phase, check, partition;
};
Holder holder_of(const Json& body) {
  const Json& nodes = body["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"];
  if (nodes.empty() || nodes[0]["PendingSafetyChecks"].size() != 1) return {};
  const Json& check = nodes[0]["PendingSafetyChecks"][0]["SafetyCheck"];
  return {nodes[0]["NodeName"], nodes[0]["UpgradePhase"], check["Kind"], check.value("PartitionId", "")};
}

TEST(World, DomainHeldOnOnePartitionUntilItTimesOut) {
  World w = default_world();
  std::string name = "fabric:/shop/orders";  // held on UD_2 since 7m before start-up; 10m domain timeout
  Json first = app(w, 0s, name, 6.0);
  Holder held = holder_of(first);
  EXPECT_EQ(held.node, "_Node_4");
  EXPECT_EQ(held.phase, "PreUpgradeSafetyCheck");
  EXPECT_EQ(held.check, "EnsurePartitionQuorum");
  EXPECT_EQ(held.partition.size(), 36u);
  const Json& other = first["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"][1];
  EXPECT_EQ(other["UpgradePhase"], "PreUpgradeSafetyCheck");  // waits with it
  EXPECT_TRUE(other["PendingSafetyChecks"].empty());
  EXPECT_EQ(first["UpgradeDescription"]["MonitoringPolicy"]["UpgradeDomainTimeoutInMilliseconds"], "PT0H10M0S");
  EXPECT_EQ(first["UpgradeDescription"]["MonitoringPolicy"]["UpgradeTimeoutInMilliseconds"], "PT0H14M0S");
  EXPECT_EQ(first["UpgradeDescription"]["UpgradeReplicaSetCheckTimeoutInSeconds"], 900);
  EXPECT_EQ(first["UpgradeStatusDetails"], "Waiting for safety checks to pass.");

  for (SimTime t : {SimTime(60s), SimTime(72s), SimTime(179s)}) {
    Json a = app(w, t, name, 6.0);
    Holder h = holder_of(a);
    EXPECT_EQ(a["UpgradeState"], "RollingForwardInProgress");
    EXPECT_EQ(a["UpgradeDomains"], first["UpgradeDomains"]);
    EXPECT_EQ(h.node, held.node);
    EXPECT_EQ(h.check, held.check);
    EXPECT_EQ(h.partition, held.partition) << "the same partition throughout";
    EXPECT_EQ(a["HealthCheckPhase"], "Invalid");
  }
  // 80% of the domain timeout at 60s, of the upgrade timeout at 72s.
  EXPECT_EQ(app(w, 60s, name)["UpgradeDomainDurationInMilliseconds"], "PT0H8M0S");
  EXPECT_EQ(app(w, 72s, name)["UpgradeDurationInMilliseconds"], "PT0H11M12S");

  Json back = app(w, 190s, name);
  EXPECT_EQ(back["UpgradeState"], "RollingBackInProgress");
  EXPECT_EQ(back["FailureReason"], "UpgradeDomainTimeout");
  EXPECT_EQ(back["FailureTimestampUtc"], "2024-03-01T10:03:00.000Z");
  EXPECT_EQ(back["UpgradeDomainProgressAtFailure"]["DomainName"], "UD_2");
  EXPECT_EQ(holder_of(Json{{"CurrentUpgradeDomainProgress", back["UpgradeDomainProgressAtFailure"]}}).partition,
            held.partition);
  EXPECT_EQ(app(w, 250s, name)["UpgradeState"], "RollingBackCompleted");
}

TEST(World, BlockedStepsHoldEveryKindOfWalk) {
  World w = world_of(R"(
nodes_per_domain: 2
objects:
  - kind: cluster
    steps:
      - {state: RollingForwardInProgress, for: 10s, progress: 40}
      - {state: RollingForwardInProgress, for: 1m, blocked_on: EnsureSeedNodeQuorum}
      - {state: RollingBackInProgress, for: 1m, blocked_on: WaitForPrimarySwap}
  - kind: application
    name: fabric:/by/node
    mode: UnmonitoredDeferred
    steps: [{state: RollingForwardInProgress, for: forever, blocked_on: EnsureAvailability}]
  - kind: compose_deployment
    name: held
    steps: [{state: RollingForwardInProgress, for: forever, blocked_on: WaitForInbuildReplica}]
)");
  Holder seed = holder_of(w.cluster_progress(30s, 8.2));
  EXPECT_EQ(seed.node, "_Node_4");
  EXPECT_EQ(seed.check, "EnsureSeedNodeQuorum");
  EXPECT_EQ(seed.partition, "") << "EnsureSeedNodeQuorum names no partition";

  Json back = w.cluster_progress(100s, 8.2);
  EXPECT_EQ(back["UpgradeState"], "RollingBackInProgress");
  EXPECT_EQ(back["CurrentUpgradeDomainProgress"]["DomainName"], "1");
  EXPECT_EQ(holder_of(back).check, "WaitForPrimarySwap");
  EXPECT_EQ(holder_of(back).phase, "PreUpgradeSafetyCheck");
  EXPECT_EQ(back["UpgradeDomainDurationInMilliseconds"], "PT0H0M30S");

  Json by_node = app(w, 5min, "fabric:/by/node");
  const Json& unit = by_node["CurrentUpgradeUnitsProgress"]["NodeUpgradeProgressList"];
  ASSERT_EQ(unit.size(), 1u);
  EXPECT_EQ(unit[0]["NodeName"], "_Node_0");
  EXPECT_EQ(unit[0]["PendingSafetyChecks"][0]["SafetyCheck"]["Kind"], "EnsureAvailability");

  Json compose = *w.compose_deployment_progress(5min, "held");
  EXPECT_EQ(holder_of(compose).check, "WaitForInbuildReplica");
  EXPECT_EQ(holder_of(compose).partition.size(), 36u);
}

TEST(World, UnhealthyStepsReportEvaluationsOfTwoKinds) {
  World w = default_world();
  auto kinds = [](const Json& evaluations) {
    std::vector<std::string> out;
    for (const auto& e : evaluations) out.push_back(e["HealthEvaluation"]["Kind"]);
    return out;
  };
  Json cluster = w.cluster_progress(105s, 8.2);  // the cluster's failing health check, 100-115s
  EXPECT_EQ(cluster["HealthCheckPhase"], "Retry");
  EXPECT_EQ(kinds(cluster["UnhealthyEvaluations"]),
            (std::vector<std::string>{"UpgradeDomainNodes", "DeltaNodesCheck"}));
  EXPECT_EQ(cluster["UnhealthyEvaluations"][1]["HealthEvaluation"]["TotalCount"], 10);
  EXPECT_EQ(kinds(app(w, 0s, "fabric:/shop/search")["UnhealthyEvaluations"]),
            (std::vector<std::string>{"Services", "Event"}));

  World unhealthy_compose = world_of(
      "objects: [{kind: compose_deployment, name: c,"
      " steps: [{state: RollingForwardPending, for: forever, unhealthy: true}]}]");
  EXPECT_EQ(kinds(unhealthy_compose.compose_deployment_progress(1s, "c")->at("ApplicationUnhealthyEvaluations")),
            (std::vector<std::string>{"Services", "Event"}));
}

TEST(World, ReplicaSetCheckTimeoutIsInfiniteUnlessSet) {
  World w = world_of(R"(
objects:
  - {kind: application, name: fabric:/a/set, policy: {replica_set_check_timeout: 90s},
     steps: [{state: RollingForwardInProgress, for: forever}]}
  - {kind: application, name: fabric:/a/unset, steps: [{state: RollingForwardInProgress, for: forever}]}
  - {kind: compose_deployment, name: c, policy: {replica_set_check_timeout: 2m},
     steps: [{state: RollingForwardInProgress, for: forever}]}
  - {kind: application_resource, name: r, policy: {replica_set_check_timeout: 10m30s},
     steps: [{state: RollingForward, for: forever}]}
)");
  EXPECT_EQ(app(w, 1s, "fabric:/a/set")["UpgradeDescription"]["UpgradeReplicaSetCheckTimeoutInSeconds"], 90);
  EXPECT_EQ(app(w, 1s, "fabric:/a/unset")["UpgradeDescription"]["UpgradeReplicaSetCheckTimeoutInSeconds"], 4294967295);
  EXPECT_EQ(w.compose_deployment_progress(1s, "c")->at("UpgradeReplicaSetCheckTimeoutInSeconds"), 120);
  EXPECT_EQ(w.application_resource_progress(1s, "r")->at("UpgradeReplicaSetCheckTimeoutInSeconds"), 630);
}

TEST(World, FailedUpgradeMarksItsUnitFailed) {
  World w = default_world();
  Json a = app(w, 70s, "fabric:/inventory/sync");
  EXPECT_EQ(a["UpgradeState"], "Failed");
  EXPECT_EQ(a["FailureReason"], "UpgradeDomainTimeout");
  EXPECT_EQ(a["UpgradeUnits"][0], (Json{{"Name", "UD_3"}, {"State", "Failed"}}));
  EXPECT_EQ(a["UpgradeDomains"][0], (Json{{"Name", "UD_3"}, {"State", "InProgress"}}));  // no Failed domain state
  const Json& at_failure = a["UpgradeDomainProgressAtFailure"];
  EXPECT_EQ(at_failure["DomainName"], "UD_3");  // stuck in safety checks when it timed out
  EXPECT_EQ(at_failure["NodeUpgradeProgressList"][0]["UpgradePhase"], "PreUpgradeSafetyCheck");
}

TEST(World, RepeatingScriptsLoopAndShowThePreviousLoopBeforeStart) {
  World w = default_world();
  const std::string cart = "fabric:/shop/cart";  // start 5s, 60s upgrading + 45s rest
  for (SimTime t : {SimTime(7s), SimTime(40s), SimTime(90s)}) {
    Json now = app(w, t, cart), later = app(w, t + 105s * 3, cart);
    EXPECT_EQ(now["UpgradeState"], later["UpgradeState"]);
    EXPECT_EQ(now["UpgradeDomains"], later["UpgradeDomains"]);
  }
  Json before = app(w, 0s, cart);
  EXPECT_EQ(before["UpgradeState"], "RollingForwardCompleted");
  EXPECT_EQ(before["StartTimestampUtc"], "2024-03-01T09:58:20.000Z");  // 5s - 105s
  EXPECT_EQ(before["UpgradeDurationInMilliseconds"], "PT0H1M0S");
}

TEST(World, NeverUpgradedApplicationMatchesTheSpecExample) {
  World w = default_world();
  Json a = app(w, 30s, "fabric:/billing/ledger");
  EXPECT_EQ(a["UpgradeState"], "RollingForwardCompleted");
  EXPECT_EQ(a["RollingUpgradeMode"], "Invalid");
  EXPECT_EQ(a["UpgradeDurationInMilliseconds"], "PT0H0M0S");
  EXPECT_EQ(a["StartTimestampUtc"], "0001-01-01T00:00:00.000Z");
  EXPECT_TRUE(a["UpgradeDomains"].empty());
  EXPECT_FALSE(a.contains("UpgradeDescription"));
  EXPECT_EQ(a["CurrentUpgradeDomainProgress"], (Json{{"NodeUpgradeProgressList", Json::array()}}));
}

TEST(World, NodeByNodeUpgradesWalkNodesAsUnits) {
  World w = default_world();
  Json a = app(w, 45s, "fabric:/identity/tokens");  // starts at 40s, 10 nodes in 90s
  EXPECT_EQ(a["IsNodeByNode"], true);
  EXPECT_EQ(a["RollingUpgradeMode"], "UnmonitoredDeferred");
  EXPECT_TRUE(a["UpgradeDomains"].empty());
  EXPECT_EQ(a["UpgradeUnits"].size(), 10u);
  EXPECT_EQ(a["UpgradeUnits"][0], (Json{{"Name", "_Node_0"}, {"State", "InProgress"}}));
  const Json& node = a["CurrentUpgradeUnitsProgress"]["NodeUpgradeProgressList"][0];
  EXPECT_FALSE(a["CurrentUpgradeUnitsProgress"].contains("DomainName"));
  EXPECT_EQ(node["NodeName"], "_Node_0");
  EXPECT_EQ(node["UpgradeDuration"], "PT0H0M5S");
}

TEST(World, ResourceReplicasMoveAsStrings) {
  World w = default_world();  // storefront: replicas move 35-95s
  auto r = *w.application_resource_progress(65s, "storefront");
  EXPECT_EQ(r["UpgradeState"], "RollingForward");
  EXPECT_EQ(r["PercentCompleted"], "50");
  EXPECT_EQ(r["ServiceUpgradeProgress"][0],
            (Json{{"ServiceName", "web"}, {"CompletedReplicaCount", "3"}, {"PendingReplicaCount", "2"}}));
  EXPECT_EQ(w.application_resource_progress(100s, "storefront")->at("PercentCompleted"), "100");
  EXPECT_EQ(w.application_resource_progress(100s, "static-site")->at("UpgradeState"), "Invalid");
  EXPECT_FALSE(w.application_resource_progress(1s, "nope"));
}

TEST(World, ComposeDeploymentGoesThroughItsStates) {
  World w = default_world();
  std::vector<std::string> seen;
  for (SimTime t = 30s; t < 145s; t += 500ms) {  // one loop: 35s to 148s
    std::string s = w.compose_deployment_progress(t, "storefront-compose")->at("UpgradeState");
    if (seen.empty() || seen.back() != s) seen.push_back(s);
  }
  EXPECT_EQ(seen.front(), "RollingForwardCompleted");  // the previous loop's result
  std::vector<std::string> expected = {"ProvisioningTarget", "RollingForwardInProgress", "RollingForwardPending",
                                       "RollingForwardInProgress"};
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), seen.begin() + 1)) << ::testing::PrintToString(seen);
  EXPECT_EQ(*(seen.end() - 2), "UnprovisioningCurrent");
  EXPECT_EQ(seen.back(), "RollingForwardCompleted");
  Json body = *w.compose_deployment_progress(50s, "storefront-compose");
  EXPECT_FALSE(body.contains("FailureReason"));
  EXPECT_FALSE(body.contains("UpgradeDomains"));
  EXPECT_EQ(w.compose_deployment_progress(50s, "legacy-compose")->at("UpgradeKind"), "Invalid");
}

TEST(World, QumuloCyclesThroughEveryStateWithARebootOutage) {
  // start 10s: PREPARING 40s, PREPARED 90s, COMMITTING 10s, COMMITTED 6s, REBOOTING 60s, IDLE 60s
  World w = default_world();
  Json idle = w.qumulo_status(5s);
  EXPECT_EQ(idle, (Json{{"state", "UPGRADE_STATE_IDLE"}, {"progress", nullptr}, {"settings", nullptr}, {"error_info", nullptr}}));
  Json preparing = w.qumulo_status(30s);
  EXPECT_EQ(preparing["state"], "UPGRADE_STATE_PREPARING");
  EXPECT_EQ(preparing["progress"], 50);
  EXPECT_EQ(preparing["settings"]["target_version"], "7.2.0");
  EXPECT_EQ(w.qumulo_status(55s)["state"], "UPGRADE_STATE_PREPARED");
  EXPECT_EQ(w.qumulo_status(145s)["state"], "UPGRADE_STATE_COMMITTING");
  EXPECT_EQ(w.qumulo_status(153s)["state"], "UPGRADE_STATE_COMMITTED");
  EXPECT_TRUE(w.qumulo_reachable(155s));
  EXPECT_FALSE(w.qumulo_reachable(160s));  // the first 10s of REBOOTING
  EXPECT_TRUE(w.qumulo_reachable(167s));
  EXPECT_EQ(w.qumulo_status(167s)["state"], "UPGRADE_STATE_REBOOTING");
  Json reboot = w.qumulo_reboot_status(167s);
  EXPECT_EQ(reboot["state"], "REBOOT_IN_PROGRESS");
  EXPECT_EQ(reboot["rebooted_node_count"], 0) << "two at a time, 30s a batch";
  EXPECT_EQ(w.qumulo_reboot_status(190s)["rebooted_node_count"], 2);
  EXPECT_EQ(w.qumulo_status(220s)["state"], "UPGRADE_STATE_IDLE");
  EXPECT_EQ(w.qumulo_version(30s)["revision_id"], "Qumulo Core 7.1.3");
  EXPECT_EQ(w.qumulo_version(220s)["revision_id"], "Qumulo Core 7.2.0");
  EXPECT_EQ(w.qumulo_reboot_status(220s)["state"], "REBOOT_IDLE");
}

TEST(World, QumuloCommitIsBlockedWhileTheClusterIsDegraded) {
  World w = default_world();  // PREPARED 50-140s, blocked throughout
  Json clear = {{"is_blocked", false}, {"cluster_degraded", false}, {"blocked_reason", ""}};
  EXPECT_EQ(w.qumulo_blocked_status(30s), clear);
  Json blocked = w.qumulo_blocked_status(100s);
  EXPECT_EQ(blocked["is_blocked"], true);
  EXPECT_EQ(blocked["cluster_degraded"], true);
  EXPECT_EQ(blocked["blocked_reason"],
            "The cluster is degraded: the restriper is reprotecting data after a drive failure.");
  EXPECT_EQ(w.qumulo_status(100s)["state"], "UPGRADE_STATE_PREPARED");
  EXPECT_EQ(w.qumulo_blocked_status(145s), clear);

  World degraded_only = world_of("qumulo: {steps: [{state: IDLE, for: forever, degraded: true}]}");
  EXPECT_EQ(degraded_only.qumulo_blocked_status(1s),
            (Json{{"is_blocked", false}, {"cluster_degraded", true}, {"blocked_reason", ""}}));
}

TEST(World, QumuloErrorInfoComesFromTheStep) {
  World w = world_of("qumulo: {steps: [{state: PREPARING, for: 10s, progress: 30, error: disk full}]}");
  Json s = w.qumulo_status(5s);
  EXPECT_EQ(s["error_info"], "disk full");
  EXPECT_EQ(s["progress"], 15);
}

TEST(World, ConfigurationUpgradeStartsOnlyWhenNoneRuns) {
  World w = default_world();  // scripted: upgrading 20-70s, resting 70-140s
  EXPECT_FALSE(w.start_cluster_config_upgrade(30s, {}));
  EXPECT_TRUE(w.start_cluster_config_upgrade(100s, {.config_version = "9"}));
  Json started = w.cluster_config_status(101s);
  EXPECT_EQ(started["UpgradeState"], "RollingForwardInProgress");
  EXPECT_EQ(started["ConfigVersion"], "9");
  EXPECT_FALSE(w.start_cluster_config_upgrade(102s, {}));
  EXPECT_EQ(w.cluster_config_status(130s)["ProgressStatus"], 3);
  Json done = w.cluster_config_status(10h);  // a started upgrade plays once and its result stays
  EXPECT_EQ(done["UpgradeState"], "RollingForwardCompleted");
  EXPECT_EQ(done["ProgressStatus"], 5);
  EXPECT_TRUE(w.start_cluster_config_upgrade(10h, {}));
}

TEST(World, QumuloPrepareHoldsUntilCommit) {
  World w = world_of("qumulo: {nodes: 5}");
  EXPECT_FALSE(w.qumulo_commit(1s));
  ASSERT_TRUE(w.qumulo_prepare(1s, {.image_path = "/upgrade/qumulo_core_7.3.1.qimg", .num_nodes_to_reboot = 2}));
  EXPECT_FALSE(w.qumulo_prepare(2s, {.image_path = "/x.qimg"}));
  EXPECT_EQ(w.qumulo_status(2s)["settings"]["target_version"], "7.3.1");
  EXPECT_FALSE(w.qumulo_commit(2s));  // still preparing
  EXPECT_EQ(w.qumulo_status(1h)["state"], "UPGRADE_STATE_PREPARED");
  ASSERT_TRUE(w.qumulo_commit(1h));
  EXPECT_EQ(w.qumulo_status(1h + 1s)["state"], "UPGRADE_STATE_COMMITTING");
  EXPECT_FALSE(w.qumulo_reachable(1h + 20s));  // not rolling: the whole reboot is an outage
  EXPECT_EQ(w.qumulo_status(2h)["state"], "UPGRADE_STATE_IDLE");
  EXPECT_EQ(w.qumulo_version(2h)["revision_id"], "Qumulo Core 7.3.1");
}

// What tests/e2e/e2e_test.py plays on a second simulator: a prepare without
// auto_commit that nobody commits, the wait the exporter calls "awaiting an
// operator" and never stalled.
TEST(World, ScriptedPrepareWithoutAutoCommitWaitsForACommit) {
  World w = world_of(R"(
qumulo:
  auto_commit: false
  steps:
    - {state: PREPARING, for: 10s, progress: 100}
    - {state: PREPARED, for: forever}
)");
  for (SimTime t : {SimTime(11s), SimTime(1h), SimTime(24h)}) {
    Json s = w.qumulo_status(t);
    EXPECT_EQ(s["state"], "UPGRADE_STATE_PREPARED");
    EXPECT_EQ(s["progress"], 100);
    EXPECT_EQ(s["settings"]["auto_commit"], false);
    EXPECT_EQ(s["error_info"], nullptr);
    EXPECT_EQ(w.qumulo_blocked_status(t)["is_blocked"], false);
    EXPECT_TRUE(w.qumulo_reachable(t));
  }
  ASSERT_TRUE(w.qumulo_commit(24h));
  EXPECT_EQ(w.qumulo_status(24h + 1s)["state"], "UPGRADE_STATE_COMMITTING");
  EXPECT_EQ(w.qumulo_status(48h)["state"], "UPGRADE_STATE_IDLE");
}

TEST(World, AutoCommitSkipsPrepared) {
  World w = world_of("");
  ASSERT_TRUE(w.qumulo_prepare(0s, {.image_path = "/i.qimg", .auto_commit = true, .do_rolling_reboot = true}));
  EXPECT_EQ(w.qumulo_status(31s)["state"], "UPGRADE_STATE_COMMITTING");
}

TEST(World, EveryKindAndPhaseAppearsWithinThreeMinutes) {
  World w = default_world();
  const Scenario& s = w.scenario();
  std::map<Kind, std::set<std::string>> phases;
  std::set<std::string> all_phases, qumulo_states, health_phases;
  size_t most_safety_checks = 0, max_completed_domains = 0;
  bool rollback_unhealthy = false, stalled_throughout = true, outage = false;
  std::set<std::string> percents;
  for (SimTime t = 0s; t <= 180s; t += 500ms) {
    for (const auto& o : s.objects) {
      std::string state = w.state_of(o.kind, o.name, t);
      phases[o.kind].insert(phase_of(o.kind, state));
    }
    Json cluster = w.cluster_progress(t, 8.2);
    most_safety_checks = std::max(most_safety_checks, pending_safety_checks(cluster));
    health_phases.insert(cluster["HealthCheckPhase"].get<std::string>());
    size_t completed = 0;
    for (const auto& d : cluster["UpgradeDomains"]) completed += d["State"] == "Completed";
    max_completed_domains = std::max(max_completed_domains, completed);

    Json search = app(w, t, "fabric:/shop/search");
    if (search["UpgradeState"] == "RollingBackInProgress")
      rollback_unhealthy = !search["UnhealthyEvaluations"].empty() && search["FailureReason"] == "HealthCheck";
    if (t >= 15s) stalled_throughout &= app(w, t, "fabric:/shop/checkout")["UpgradeState"] == "RollingForwardPending";
    percents.insert(w.application_resource_progress(t, "storefront")->at("PercentCompleted").get<std::string>());

    Json q = w.qumulo_status(t);
    qumulo_states.insert(q["state"].get<std::string>());
    phases[Kind::qumulo].insert(phase_of(Kind::qumulo, q["state"], !q["error_info"].is_null()));
    outage |= !w.qumulo_reachable(t);
  }
  for (const auto& [kind, seen] : phases) {
    all_phases.insert(seen.begin(), seen.end());
    EXPECT_TRUE(seen.contains("rolling_forward")) << kind_name(kind);
  }
  EXPECT_EQ(all_phases, (std::set<std::string>{"idle", "rolling_forward", "rolling_back", "completed", "rolled_back", "failed"}));
  for (Kind kind : {Kind::cluster, Kind::cluster_config, Kind::application, Kind::application_resource,
                    Kind::compose_deployment}) {
    EXPECT_TRUE(phases[kind].contains("completed") || phases[kind].contains("rolled_back")) << kind_name(kind);
  }
  EXPECT_TRUE(phases[Kind::application].contains("failed"));
  EXPECT_TRUE(phases[Kind::application].contains("rolled_back"));
  EXPECT_TRUE(phases[Kind::application_resource].contains("rolling_back"));
  EXPECT_EQ(qumulo_states.size(), 6u);
  EXPECT_TRUE(outage);
  EXPECT_GE(most_safety_checks, 3u);
  EXPECT_EQ(max_completed_domains, 5u);
  EXPECT_TRUE(health_phases.contains("WaitDuration") && health_phases.contains("StableDuration"));
  EXPECT_TRUE(rollback_unhealthy);
  EXPECT_TRUE(stalled_throughout);
  EXPECT_GT(percents.size(), 10u);
}

TEST(World, IsSafeToShareBetweenThreads) {
  World w = default_world();
  std::atomic<int> started = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        SimTime t = SimTime(std::chrono::seconds(n + i));
        w.cluster_progress(t, 8.2);
        w.applications(t, "", 5, 6.0, false);
        started += w.start_cluster_config_upgrade(t, {}) ? 1 : 0;
        w.qumulo_prepare(t, {.image_path = "/a.qimg"});
        w.qumulo_commit(t);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(started, 0);
}

}  // namespace
}  // namespace sim
