// /api/v1/upgrades on a fixed FleetView: the whole document against
// tests/testdata/golden/upgrades.json (regenerate with
//   UE_UPDATE_GOLDEN=1 build/tests/unit_tests --gtest_filter='UpgradesApi.*'
// and review the diff: field names are a public contract), hostile upstream
// strings, and the filters.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "render/upgrades_api.h"
#include "unit/golden_util.h"
#include "unit/view_util.h"

namespace ue {
namespace {

using nlohmann::ordered_json;

constexpr double kNow = 1'796'184'245;  // 2026-12-02T04:04:05Z

using test::object_view;

// An application upgrade with every field a Service Fabric read can fill.
Upgrade full_application() {
  Upgrade u;
  u.state = "RollingForwardInProgress";
  u.phase = Phase::rolling_forward;
  u.progress_ratio = 0.4;
  u.domains = DomainCounts{2, 1, 2, 0};
  u.current_domain = "UD2";
  u.start_time = kNow - 3600.5;
  u.duration = 3600.5;
  u.domain_duration = 600;
  u.timeout = 7200;
  u.domain_timeout = 1800;
  u.health_check_wait = 30;
  u.health_check_stable = 120;
  u.health_check_retry_timeout = 600;
  u.replica_set_check_timeout = 43200;
  u.health_check_phase = "Retry";
  u.health_check_elapsed = 95;
  u.health_check_retry_flips = 3;
  u.pending_safety_checks = 2;
  u.nodes = NodePhaseCounts{1, 1, 0};
  const SafetyCheck quorum{"EnsurePartitionQuorum", "3f1c2a2e-0000-4000-8000-000000000001"};
  u.current_nodes = {{"_Node_3", "PreUpgradeSafetyCheck", {quorum, {"EnsureSeedNodeQuorum", ""}}},
                     {"_Node_4", "Upgrading", {}}};
  u.unhealthy_evaluations = 2;
  u.unhealthy_evaluations_by_kind = {{"DeployedApplications", 1}, {"Services", 1}};
  u.info = {{"target_version", "2.1.0"}, {"rolling_upgrade_mode", "Monitored"}};
  return u;
}

Upgrade qumulo_rebooting() {
  Upgrade u;
  u.state = "UPGRADE_STATE_REBOOTING";
  u.phase = Phase::rolling_forward;
  u.reboot = RebootProgress{"REBOOT_IN_PROGRESS", 2, 4};
  u.blocked = UpgradeBlocked{true, false};
  u.info = {{"target_version", "7.3.1"}, {"upgrade_type", "SOFTWARE_AND_PLATFORM"}, {"auto_commit", "true"}};
  return u;
}

// A platform update executing on the cart's _Node_3, past its preparing health check.
Upgrade repair_task_executing() {
  Upgrade u;
  u.state = "Executing";
  u.phase = Phase::rolling_forward;
  u.start_time = kNow - 1800;
  u.duration = 1800;
  u.transition_time = kNow - 600;
  u.repair_task = RepairTaskDetail{{{"_Node_3", "Restart"}}, {"Succeeded", kNow - 1500}, {"NotStarted", std::nullopt}};
  u.info = {{"action", "System.Azure.Job.PlatformUpdate"},
            {"executor", "fabric:/System/InfrastructureService/FrontEnd"},
            {"result_status", "Pending"}};
  return u;
}

Upgrade settled(std::string state, Phase phase) {
  Upgrade u;
  u.state = std::move(state);
  u.phase = phase;
  return u;
}

// The cart's EventStore history: a completed upgrade with domains of 500, 600
// and 700 s (typical 600 s), one rolled back, and the one under way.
ObjectHistory cart_history() {
  using test::past_upgrade;
  std::vector<PastUpgrade> upgrades;
  upgrades.push_back(past_upgrade("1.9.0", "2.0.0", kNow - 3 * 86400, kNow - 3 * 86400 + 1800,
                                  UpgradeOutcome::completed, {500, 600, 700}));
  PastUpgrade rolled_back = past_upgrade("2.0.0", "2.0.5", kNow - 86400, kNow - 86400 + 2400,
                                         UpgradeOutcome::rolled_back, {650, 900});
  rolled_back.domains.back().rolling_back = true;
  rolled_back.duration = 2399.5;  // OverallUpgradeElapsedTimeInMs, not end − start
  upgrades.push_back(std::move(rolled_back));
  upgrades.push_back(past_upgrade("2.0.0", "2.1.0", kNow - 3600.5, std::nullopt, UpgradeOutcome::running, {1200, 1300}));
  return summarize_history(std::move(upgrades), kNow - 7 * 86400, kHistoryFromEventStore);
}

FleetView golden_fleet() {
  FleetView fleet;
  fleet.version = "0.1.0";
  fleet.revision = "abcdef123456";
  fleet.generated = kNow;
  fleet.started = kNow - 86400;
  fleet.last_reload = ReloadResult{false, kNow - 60, "upgrade_exporter.yml:3: unknown key \"tragets\""};

  auto sf = std::make_shared<TargetView>();
  sf->name = "prod-west";
  sf->type = TargetType::service_fabric;
  sf->poll_interval = 15;
  sf->polled = true;
  sf->up = true;
  sf->last_success = kNow - 5;
  sf->last_poll_duration = 0.25;
  sf->last_error = LastError{"application_upgrade", Reason::timeout, kNow - 300};
  sf->objects_per_kind = {
      {Kind::cluster, 1}, {Kind::application, 4}, {Kind::application_resource, 1}, {Kind::repair_task, 1}};
  Upgrade cluster = settled("RollingForwardCompleted", Phase::completed);
  cluster.progress_ratio = 1;
  cluster.info = {{"target_version", "10.1.2448.9590"}};
  Upgrade resource = settled("RollingForward", Phase::rolling_forward);
  resource.progress_ratio = 0.5;
  resource.replicas = {{"web", 3, 1}};
  Upgrade failed = settled("Failed", Phase::failed);
  failed.failure_time = kNow - 7200;
  failed.info = {{"failure_reason", "HealthCheck"}};
  sf->objects = {
      object_view(Kind::cluster, "prod-west", cluster, kNow - 86400, kNow - 3600),
      test::with_history(object_view(Kind::application, "fabric:/shop/cart", full_application(), kNow - 2400),
                         cart_history(), kNow - 5),
      test::with_history(object_view(Kind::application, "fabric:/shop/legacy",
                                     settled("RollingForwardCompleted", Phase::completed), kNow - 10 * 86400),
                         summarize_history({}, kNow - 7 * 86400, kHistoryObserved), kNow - 5),
      object_view(Kind::application, "fabric:/shop/pay", failed, kNow - 7200, kNow - 7200),
      object_view(Kind::application, "fabric:/shop/search", settled("RollingBackCompleted", Phase::rolled_back),
                  kNow - 900),
      object_view(Kind::application_resource, "web-app", resource, kNow - 30),
      object_view(Kind::repair_task, "Azure/PlatformUpdate/4b2e/UD2/0", repair_task_executing(), kNow - 600,
                  kNow - 1800),
  };

  auto nas = std::make_shared<TargetView>();
  nas->name = "nas";
  nas->type = TargetType::qumulo;
  nas->poll_interval = 30;
  nas->polled = true;
  nas->up = true;
  nas->last_success = kNow - 10;
  nas->last_poll_duration = 0.04;
  nas->objects_per_kind = {{Kind::qumulo, 1}};
  nas->stall_window = 3600;  // its own; prod-west keeps the default
  nas->objects = {object_view(Kind::qumulo, "nas", qumulo_rebooting(), kNow - 120, kNow - 1800)};

  auto fresh = std::make_shared<TargetView>();  // added by a reload, not polled yet
  fresh->name = "new-site";
  fresh->poll_interval = 30;
  fresh->objects_per_kind = {{Kind::cluster, 0}};

  fleet.targets = {sf, nas, fresh};
  return fleet;
}


ordered_json render(const FleetView& fleet, const StatusQuery& query = {}) {
  return ordered_json::parse(render_upgrades_json(fleet, query, StatusOptions{}));
}

std::vector<std::string> names(const ordered_json& doc) {
  std::vector<std::string> out;
  for (const auto& u : doc["upgrades"])
    out.push_back(u["target"].get<std::string>() + " " + u["name"].get<std::string>());
  return out;
}

TEST(UpgradesApi, MatchesTheGoldenDocument) {
  const std::string text = render_upgrades_json(golden_fleet(), {}, StatusOptions{});
  ASSERT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";
  const std::string pretty = ordered_json::parse(text).dump(2) + "\n";
  test::expect_golden_file(pretty, UE_TESTDATA "/golden/upgrades.json");
}

TEST(UpgradesApi, TimestampsComeAsRfc3339AndUnixSeconds) {
  ordered_json doc = render(golden_fleet());
  EXPECT_EQ(doc["generated"], "2026-12-02T04:04:05Z");
  EXPECT_EQ(doc["generated_unix"], kNow);
  ordered_json& cart = doc["upgrades"][1];
  ASSERT_EQ(cart["name"], "fabric:/shop/cart");
  EXPECT_EQ(cart["start_time"], "2026-12-02T03:04:04.500Z");
  EXPECT_EQ(cart["last_transition_unix"], kNow - 2400);
  EXPECT_EQ(cart["time_left_seconds"], 7200 - 3600.5);
  EXPECT_EQ(cart["domain_time_left_seconds"], 1200);
  EXPECT_TRUE(cart["stalled"].get<bool>()) << "40 minutes without a transition, past the 30 minute window";
  EXPECT_FALSE(cart.contains("failure_time")) << "absent values are left out";
  EXPECT_FALSE(cart.contains("phase_changed"));
}

TEST(UpgradesApi, HostileUpstreamStringsAreEscapedAndInvalidUtf8Replaced) {
  FleetView fleet = golden_fleet();
  auto target = std::make_shared<TargetView>(*fleet.targets[0]);
  const std::string hostile = "<img src=x onerror=alert(1)>\"'</script>\x01\x1f\n\xff\xfe\xc3";
  Upgrade u = full_application();
  u.state = hostile;
  u.current_nodes[0].name = hostile;
  u.current_nodes[0].pending[0].partition_id = hostile;
  u.info = {{"target_version", hostile}};
  target->objects = {object_view(Kind::application, hostile, u, kNow)};
  fleet.targets = {target};

  const std::string text = render_upgrades_json(fleet, {}, StatusOptions{});
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "control characters come out escaped";
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  EXPECT_NE(text.find("\\u0001\\u001f\\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\xff'), std::string::npos) << "invalid UTF-8 is replaced";
  EXPECT_NE(text.find("\xef\xbf\xbd"), std::string::npos) << "by U+FFFD";
  ordered_json doc = ordered_json::parse(text);
  const std::string expected = "<img src=x onerror=alert(1)>\"'</script>\x01\x1f\n\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd";
  EXPECT_EQ(doc["upgrades"][0]["name"], expected);
  EXPECT_EQ(doc["upgrades"][0]["state"], expected);
  EXPECT_EQ(doc["upgrades"][0]["current_nodes"][0]["name"], expected);
  EXPECT_EQ(doc["upgrades"][0]["info"]["target_version"], expected);
}

TEST(UpgradesApi, FiltersApplyToTargetsAndUpgrades) {
  const FleetView fleet = golden_fleet();
  StatusQuery by_target;
  by_target.targets = {"nas"};
  ordered_json doc = render(fleet, by_target);
  ASSERT_EQ(doc["targets"].size(), 1u);
  EXPECT_EQ(doc["targets"][0]["name"], "nas");
  EXPECT_EQ(names(doc), std::vector<std::string>{"nas nas"});
  EXPECT_EQ(doc["filter"]["target"], ordered_json::array({"nas"}));

  StatusQuery by_kind_and_phase;
  by_kind_and_phase.kinds = {Kind::application};
  by_kind_and_phase.phases = {Phase::failed, Phase::rolled_back};
  doc = render(fleet, by_kind_and_phase);
  EXPECT_EQ(doc["targets"].size(), 3u) << "kind and phase filter objects, not targets";
  EXPECT_EQ(names(doc), (std::vector<std::string>{"prod-west fabric:/shop/pay", "prod-west fabric:/shop/search"}));

  StatusQuery nothing;
  nothing.targets = {"elsewhere"};
  doc = render(fleet, nothing);
  EXPECT_TRUE(doc["targets"].empty());
  EXPECT_TRUE(doc["upgrades"].empty());
}

TEST(UpgradesApi, TheStallWindowIsEachTargets) {
  FleetView fleet = golden_fleet();
  ordered_json doc = render(fleet);
  EXPECT_EQ(doc["stall_window_seconds"], 1800) << "global's";
  EXPECT_EQ(doc["targets"][0]["stall_window_seconds"], 1800);
  EXPECT_EQ(doc["targets"][1]["stall_window_seconds"], 3600);
  EXPECT_TRUE(doc["upgrades"][1]["stalled"].get<bool>());

  std::const_pointer_cast<TargetView>(fleet.targets[0])->stall_window = 3600;
  fleet.stall_window = 7200;
  doc = render(fleet);
  EXPECT_EQ(doc["stall_window_seconds"], 7200);
  EXPECT_EQ(doc["targets"][0]["stall_window_seconds"], 3600);
  EXPECT_FALSE(doc["upgrades"][1]["stalled"].get<bool>()) << "40 minutes are within prod-west's hour";
}

TEST(UpgradesApi, AnUpgradeAwaitingAnOperatorSaysSoAndIsNotStalled) {
  FleetView fleet = golden_fleet();
  auto sf = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  Upgrade manual = full_application();
  manual.state = "RollingForwardPending";
  manual.awaiting_operator = true;
  sf->objects[1] = object_view(Kind::application, "fabric:/shop/cart", manual, kNow - 2400);
  ordered_json doc = render(fleet);
  ordered_json& cart = doc["upgrades"][1];
  EXPECT_TRUE(cart["in_progress"].get<bool>());
  EXPECT_TRUE(cart["awaiting_operator"].get<bool>());
  EXPECT_FALSE(cart["stalled"].get<bool>());
  EXPECT_FALSE(doc["upgrades"][0]["awaiting_operator"].get<bool>()) << "false, never left out";
}

TEST(UpgradesApi, AnObjectCarriesItsHistoryAndSaysWhereItCameFrom) {
  ordered_json doc = render(golden_fleet());
  const ordered_json& cart = doc["upgrades"][1];
  ASSERT_EQ(cart["name"], "fabric:/shop/cart");
  const ordered_json& history = cart["history"];
  EXPECT_EQ(history["source"], "event_store");
  EXPECT_EQ(history["upgrades_in_window"], ordered_json({{"completed", 1}, {"rolled_back", 1}}));
  EXPECT_EQ(history["typical_domain_seconds"], 675) << "the median of 500, 600, 700, 650, 1200, 1300";
  EXPECT_EQ(history["domain_samples"], 6) << "the domain completed rolling back is no sample";
  EXPECT_EQ(history["last_finished"]["to_version"], "2.0.5");
  EXPECT_EQ(history["last_finished"]["outcome"], "rolled_back");
  EXPECT_EQ(history["last_finished"]["duration_seconds"], 2399.5);
  ASSERT_EQ(history["upgrades"].size(), 3u);
  const ordered_json& running = history["upgrades"][2];
  EXPECT_EQ(running["outcome"], "running");
  EXPECT_FALSE(running.contains("end_time")) << "absent while running";
  EXPECT_FALSE(running.contains("duration_seconds"));
  EXPECT_EQ(running["domains"][1], ordered_json({{"end_time", "2026-12-02T03:45:44.500Z"},
                                                 {"end_time_unix", kNow - 3600.5 + 2500},
                                                 {"duration_seconds", 1300},
                                                 {"rolling_back", false}}));
  EXPECT_EQ(doc["upgrades"][2]["history"]["source"], "observed");
  EXPECT_TRUE(doc["upgrades"][2]["history"]["upgrades"].empty());
  EXPECT_FALSE(doc["upgrades"][2]["history"].contains("typical_domain_seconds")) << "under 3 samples";
  EXPECT_FALSE(doc["upgrades"][3].contains("history")) << "absent without one";
}

TEST(UpgradesApi, TheForecastSaysItsMethod) {
  FleetView fleet = golden_fleet();
  ordered_json doc = render(fleet);
  // Typical 675 s × 2 pending + (675 − 600 s in the current domain), from the read.
  EXPECT_EQ(doc["upgrades"][1]["estimated_completion_unix"], kNow - 5 + 2 * 675 + 75);
  EXPECT_EQ(doc["upgrades"][1]["forecast_method"], "typical_domain");

  auto sf = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  sf->objects[1] = object_view(Kind::application, "fabric:/shop/cart", full_application(), kNow - 2400);
  doc = render(fleet);
  EXPECT_EQ(doc["upgrades"][1]["estimated_completion_unix"], kNow - 3600.5 + 3600.5 / 0.4) << "linear";
  EXPECT_EQ(doc["upgrades"][1]["forecast_method"], "linear");
  EXPECT_FALSE(doc["upgrades"][1].contains("history"));
  EXPECT_FALSE(doc["upgrades"][5].contains("forecast_method")) << "no forecast, no method";
}

}  // namespace
}  // namespace ue
