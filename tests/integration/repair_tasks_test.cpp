// Repair tasks through the built binaries: upgrade_simulator plays a quick
// platform update and a task stuck in its preparing health check; the
// exporter reads the tasks under way every poll, the completed ones once at
// start, and a task that completes once by its id.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/harness.h"

namespace ue::test {
namespace {

constexpr const char* kScenario = R"(
domains: [UD_0, UD_1]
nodes_per_domain: 1
repair_tasks:
  - play: walk_domains
    id: Azure/PlatformUpdate/job
    state_length: 2s
  - play: stuck_preparing_health_check
    id: POS___stuck
    action: External.RestartNode
    executor: fabric:/System/MaintenanceService
    nodes: [_Node_1]
    start: -20m
)";

using Labels = std::map<std::string, std::string>;
Labels task(const std::string& id, Labels extra = {}) {
  extra.insert({{"target", "sf"}, {"kind", "repair_task"}, {"name", id}});
  return extra;
}
Labels endpoint(const std::string& name) { return {{"target", "sf"}, {"endpoint", name}}; }

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(RepairTasks, ActiveTasksEveryPollACompletedOneByItsIdAndTheStuckCheckFromUpstream) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), kScenario);
  const double simulator_start = unix_now();
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), "global:\n  poll_interval: 200ms\n  idle_poll_interval: 1h\n"
                                     "targets:\n"
                                     "  - name: sf\n    type: service_fabric\n    url: " + simulator.url() + "\n"
                                     "    collect: [repair_tasks]\n");
  Exporter exporter(dir.file("config.yml"));

  const std::string first = "Azure/PlatformUpdate/job/UD_0/0";
  std::string page;
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    return find_value(page, "upgrade_phase", task(first, {{"phase", "completed"}})) == 1.0;
  })) << page << exporter.process().output();

  EXPECT_EQ(find_value(page, "upgrade_in_progress", task(first)), 0.0);
  EXPECT_EQ(find_value(page, "upgrade_info", task(first, {{"action", "System.Azure.Job.PlatformUpdate"},
                                                          {"executor", "fabric:/System/InfrastructureService/FrontEnd"},
                                                          {"result_status", "Succeeded"}})),
            1.0);
  EXPECT_GE(find_value(page, "upgrade_exporter_requests_total", endpoint("repair_task_result")).value_or(0), 1.0)
      << "the completed task was read by its id";
  EXPECT_EQ(find_value(page, "upgrade_exporter_requests_total", endpoint("repair_tasks_completed")), 1.0)
      << "the completed list only at start within idle_poll_interval";
  EXPECT_GT(find_value(page, "upgrade_exporter_requests_total", endpoint("repair_tasks_active")).value_or(0), 3.0);

  const std::string stuck = "POS___stuck";
  EXPECT_EQ(find_value(page, "upgrade_state", task(stuck, {{"state", "Preparing"}})), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_repair_task_health_check_state",
                       task(stuck, {{"check", "preparing"}, {"state", "InProgress"}})),
            1.0);
  EXPECT_EQ(find_value(page, "upgrade_repair_task_node_info", task(stuck, {{"node", "_Node_1"}, {"impact", "Restart"}})),
            1.0);
  const auto started = find_value(page, "upgrade_repair_task_health_check_start_timestamp_seconds",
                                  task(stuck, {{"check", "preparing"}}));
  ASSERT_TRUE(started);
  EXPECT_NEAR(*started, simulator_start - 20 * 60, 5.0);
  EXPECT_NEAR(find_value(page, "upgrade_last_transition_timestamp_seconds", task(stuck)).value_or(0),
              simulator_start - 20 * 60, 5.0)
      << "Preparing since 20 minutes before the simulator started, not since the exporter's start";
}

}  // namespace
}  // namespace ue::test
