#include "scenario.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sim {
namespace {

using namespace std::chrono_literals;

// The message of the ScenarioError `yaml` raises ("" when it loads).
std::string error_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "test.yml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

size_t count_kind(const Scenario& s, Kind kind) {
  return std::count_if(s.objects.begin(), s.objects.end(), [&](const SfObject& o) { return o.kind == kind; });
}

TEST(Scenario, DefaultLoadsWithEveryKind) {
  Scenario s = load_scenario_file(UE_SIM_DEFAULT_SCENARIO);
  EXPECT_EQ(count_kind(s, Kind::cluster), 1u);
  EXPECT_EQ(count_kind(s, Kind::cluster_config), 1u);
  EXPECT_GE(count_kind(s, Kind::application), 12u);  // several pages at MaxResults=5
  EXPECT_GE(count_kind(s, Kind::application_resource), 2u);
  EXPECT_GE(count_kind(s, Kind::compose_deployment), 1u);
  EXPECT_EQ(s.qumulo.script.steps.size(), 6u);
  EXPECT_EQ(s.qumulo.script.steps[0].state, "UPGRADE_STATE_PREPARING");  // prefix added
  EXPECT_EQ(s.faults.rate, 0);
}

TEST(Scenario, EmptyFileStillHasTheClusterSingletons) {
  Scenario s = parse_scenario("", "empty.yml");
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_TRUE(s.objects[0].script.steps.empty());
  EXPECT_TRUE(s.qumulo.script.steps.empty());
}

TEST(Scenario, ReadsStepsAndDefaults) {
  Scenario s = parse_scenario(R"(
domains: 3
nodes_per_domain: 2
latency: 20ms
faults: {rate: 0.25, kinds: [busy, truncated], slow_delay: 1s}
objects:
  - kind: application
    name: fabric:/a/b
    repeat: true
    start: -30s
    steps:
      - {state: RollingForwardInProgress, for: 1m, progress: 40}
      - {state: RollingBackInProgress, for: 20s, progress: 0, failure: HealthCheck, unhealthy: true}
      - {state: RollingBackCompleted, for: 10s}
qumulo: {bearer_token: secret, steps: [{state: REBOOTING, for: 40s, unreachable: 10s}]}
)",
                              "t.yml");
  const SfObject& app = s.objects.back();
  EXPECT_EQ(app.name, "fabric:/a/b");
  EXPECT_EQ(app.type_name, "BType");
  EXPECT_EQ(app.domains, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(app.nodes_per_domain, 2);
  EXPECT_EQ(app.script.start, -30s);
  ASSERT_EQ(app.script.steps.size(), 3u);
  EXPECT_EQ(app.script.steps[0].length, 60s);
  EXPECT_DOUBLE_EQ(*app.script.steps[0].progress, 0.4);
  EXPECT_EQ(app.script.steps[1].failure, "HealthCheck");
  EXPECT_TRUE(app.script.steps[1].unhealthy);
  EXPECT_EQ(s.latency, 20ms);
  EXPECT_DOUBLE_EQ(s.faults.rate, 0.25);
  EXPECT_EQ(s.faults.kinds, (std::vector<FaultKind>{FaultKind::busy, FaultKind::truncated}));
  EXPECT_EQ(s.qumulo.bearer_token, "secret");
  EXPECT_EQ(s.qumulo.script.steps[0].unreachable, 10s);
}

TEST(Scenario, ReadsStallDiagnosisKeys) {
  Scenario s = parse_scenario(R"(
objects:
  - kind: application
    name: fabric:/a/held
    policy: {failure_action: Manual, replica_set_check_timeout: 15m, health_check_retry: 4m}
    steps:
      - {state: RollingForwardInProgress, for: 1m, progress: 40}
      - {state: RollingForwardInProgress, for: 10m, blocked_on: EnsurePartitionQuorum}
qumulo: {steps: [{state: PREPARED, for: 90s, blocked: cluster degraded, degraded: true}, {state: IDLE, for: 1s}]}
)",
                              "t.yml");
  const SfObject& app = s.objects.back();
  EXPECT_EQ(app.policy.failure_action, "Manual");
  EXPECT_EQ(app.policy.replica_set_check_timeout, 15min);
  EXPECT_EQ(app.policy.health_check_retry, 4min);
  EXPECT_EQ(app.script.steps[0].blocked_on, "");
  EXPECT_EQ(app.script.steps[1].blocked_on, "EnsurePartitionQuorum");
  EXPECT_EQ(s.qumulo.script.steps[0].blocked_reason, "cluster degraded");
  EXPECT_TRUE(s.qumulo.script.steps[0].degraded);
  EXPECT_EQ(s.qumulo.script.steps[1].blocked_reason, "");
  EXPECT_FALSE(s.qumulo.script.steps[1].degraded);
  EXPECT_EQ(parse_scenario("", "empty.yml").objects[0].policy.replica_set_check_timeout, std::nullopt);
}

TEST(Scenario, BlockedStepsNeedAWalkThatCanHold) {
  auto step = [](const std::string& kind, const std::string& step_text) {
    std::string name = kind == "application" ? "fabric:/x" : "x";
    return error_of("objects: [{kind: " + kind + ", name: " + name + ", steps: [" + step_text + "]}]");
  };
  EXPECT_EQ(step("application", "{state: RollingForwardInProgress, for: 1s, blocked_on: EnsureAvailability}"), "");
  EXPECT_EQ(step("compose_deployment", "{state: RollingBackInProgress, for: 1s, blocked_on: WaitForPrimarySwap}"), "");
  EXPECT_NE(step("application", "{state: RollingForwardInProgress, for: 1s, blocked_on: EnsureQuorum}")
                .find("blocked_on \"EnsureQuorum\" is not one of EnsureSeedNodeQuorum, EnsurePartitionQuorum"),
            std::string::npos);
  EXPECT_NE(step("application", "{state: RollingForwardPending, for: 1s, blocked_on: EnsureAvailability}")
                .find("blocked_on needs state RollingForwardInProgress or RollingBackInProgress"),
            std::string::npos);
  EXPECT_NE(step("application",
                 "{state: RollingForwardInProgress, for: 1s, progress: 5, blocked_on: EnsureAvailability}")
                .find("a blocked_on step holds its progress"),
            std::string::npos);
  EXPECT_NE(step("application_resource", "{state: RollingForward, for: 1s, blocked_on: EnsureAvailability}")
                .find("blocked_on belongs to cluster, application and compose_deployment steps"),
            std::string::npos);
  EXPECT_NE(error_of("qumulo: {steps: [{state: PREPARED, for: 1s, blocked: \"\"}]}").find("blocked needs a reason"),
            std::string::npos);
  EXPECT_NE(error_of("qumulo: {steps: [{state: PREPARED, for: 1s, blocked_on: EnsureAvailability}]}")
                .find("unknown key \"blocked_on\" in a qumulo step"),
            std::string::npos);
  EXPECT_NE(step("application", "{state: RollingForwardInProgress, for: 1s, blocked: x}")
                .find("unknown key \"blocked\" in a step"),
            std::string::npos);
}

TEST(Scenario, ErrorsNameTheFileLineAndProblem) {
  EXPECT_EQ(error_of("objects:\n  - kind: application\n    name: fabric:/x\n    mod: Monitored\n"),
            "test.yml:4: unknown key \"mod\" in an object");
  EXPECT_EQ(error_of("nope: 1\n"), "test.yml:1: unknown key \"nope\" in the scenario");
  EXPECT_NE(error_of("objects: [{kind: application_resource, name: r, steps: [{state: RollingForwardInProgress, for: 1s}]}]")
                .find("state \"RollingForwardInProgress\" is not one of Invalid, ProvisioningTarget"),
            std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: application, name: fabric:/x, steps: [{state: Failed, for: forever}, "
                     "{state: Failed, for: 1s}]}]")
                .find("only the last step"),
            std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: application, name: fabric:/x, repeat: true, steps: [{state: Failed, for: forever}]}]")
                .find("only the last step"),
            std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: application, name: fabric:/x, steps: [{state: Failed, for: 1s, progress: 101}]}]")
                .find("progress must be a number between 0 and 100"),
            std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: application, name: shop/cart}]").find("fabric:/"), std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: application, name: fabric:/x}, {kind: application, name: fabric:/x}]")
                .find("duplicate application \"fabric:/x\""),
            std::string::npos);
  EXPECT_NE(error_of("objects: [{kind: compose_deployment, name: c, mode: UnmonitoredDeferred}]").find("mode"),
            std::string::npos);
  EXPECT_NE(error_of("latency: soon").find("test.yml:1: latency: bad duration"), std::string::npos);
  EXPECT_NE(error_of("objects: [").find("test.yml:"), std::string::npos);  // YAML syntax error
  EXPECT_NE(error_of("qumulo: {steps: [{state: BOOTING, for: 1s}]}").find("UPGRADE_STATE_IDLE"), std::string::npos);
  EXPECT_NE(error_of("qumulo: {steps: [{state: IDLE, for: 1s, unreachable: 2s}]}").find("longer than the step"),
            std::string::npos);
}

TEST(Scenario, ReadsTheTokenEndpointAndQumuloLogin) {
  Scenario open = load_scenario_file(UE_SIM_DEFAULT_SCENARIO);
  EXPECT_FALSE(open.oauth2);  // the bundled scenario needs no tokens
  EXPECT_FALSE(open.qumulo.login);

  Scenario s = parse_scenario(R"(
service_fabric:
  oauth2: {client_id: c1, client_secret: "s e", scope: "api://cluster/.default", expires_in: 5m, tenant: t1}
qumulo:
  login: {username: monitoring, password: pw, session_lifetime: 1h}
)",
                              "test.yml");
  ASSERT_TRUE(s.oauth2);
  EXPECT_EQ(s.oauth2->client_id, "c1");
  EXPECT_EQ(s.oauth2->client_secret, "s e");
  EXPECT_EQ(s.oauth2->scope, "api://cluster/.default");
  EXPECT_EQ(s.oauth2->expires_in, 5min);
  EXPECT_EQ(s.oauth2->tenant, "t1");
  ASSERT_TRUE(s.qumulo.login);
  EXPECT_EQ(s.qumulo.login->username, "monitoring");
  EXPECT_EQ(s.qumulo.login->password, "pw");
  EXPECT_EQ(s.qumulo.login->session_lifetime, 1h);

  Scenario defaults = parse_scenario(
      "service_fabric: {oauth2: {client_id: c, client_secret: s, scope: x/.default}}\n"
      "qumulo: {login: {username: u, password: p}}\n",
      "test.yml");
  EXPECT_EQ(defaults.oauth2->expires_in, 3599s);  // what Entra answers
  EXPECT_EQ(defaults.qumulo.login->session_lifetime, 10h);
}

TEST(Scenario, TokenKeysAreValidated) {
  EXPECT_EQ(error_of("service_fabric: {oauth2: {client_id: c, client_secret: s}}"),
            "test.yml:1: oauth2 needs scope");
  EXPECT_EQ(error_of("service_fabric: {oauth2: {client_id: c, client_secret: s, scope: api://x}}"),
            "test.yml:1: scope must be one resource's \"<application id or URI>/.default\"");
  EXPECT_EQ(error_of("service_fabric: {oauth2: {client_id: c, client_secret: \"\", scope: x/.default}}"),
            "test.yml:1: client_secret must not be empty");
  EXPECT_EQ(error_of("service_fabric: {oauth2: {client_id: c, client_secret: s, scope: x/.default, expires_in: 0s}}"),
            "test.yml:1: expires_in must be at least 1s");
  EXPECT_EQ(error_of("service_fabric: {oauth2: {client_id: c, client_secret: s, scope: x/.default, scopes: [y]}}"),
            "test.yml:1: unknown key \"scopes\" in oauth2");
  EXPECT_EQ(error_of("service_fabric: {bearer_token: x}"),
            "test.yml:1: unknown key \"bearer_token\" in service_fabric");
  EXPECT_EQ(error_of("qumulo: {login: {username: u}}"), "test.yml:1: login needs password");
  EXPECT_EQ(error_of("qumulo: {login: {username: u, password: p, session_lifetime: 0s}}"),
            "test.yml:1: session_lifetime must be positive");
  EXPECT_EQ(error_of("qumulo: {login: {user: u, password: p}}"), "test.yml:1: unknown key \"user\" in qumulo login");
}

TEST(Scenario, MissingFileIsOneLine) {
  try {
    load_scenario_file("/nonexistent/scenario.yml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/scenario.yml: cannot read the scenario file");
  }
}

TEST(Scenario, ScaleModeAddsApplicationsOfWhichSomeUpgrade) {
  Scenario s = parse_scenario("", "empty.yml");
  add_generated_applications(s, 25, 10);
  ASSERT_EQ(count_kind(s, Kind::application), 25u);
  auto repeating = std::count_if(s.objects.begin(), s.objects.end(), [](const SfObject& o) { return o.script.repeat; });
  EXPECT_EQ(repeating, 10);
  EXPECT_EQ(s.objects[2].name, "fabric:/scale/app-01");
  EXPECT_EQ(s.objects.back().name, "fabric:/scale/app-25");

  Scenario few = parse_scenario("", "empty.yml");
  add_generated_applications(few, 3, 10);  // K is capped at N
  EXPECT_EQ(std::count_if(few.objects.begin(), few.objects.end(), [](const SfObject& o) { return o.script.repeat; }), 3);
}

TEST(ApplicationId, ReplacesSlashesAndEscapes) {
  EXPECT_EQ(application_id("fabric:/shop/payments/api"), "shop~payments~api");
  EXPECT_EQ(application_id("fabric:/shop/payments/api", /*tilde=*/false), "shop/payments/api");
  EXPECT_EQ(application_id("fabric:/samples/CalculatorApp"), "samples~CalculatorApp");
  EXPECT_EQ(application_id("fabric:/a b"), "a%20b");
}

}  // namespace
}  // namespace sim
