// Upgrade history through the built binaries: upgrade_simulator serves a
// week of past upgrades from its EventStore while it plays a cluster upgrade;
// the exporter reads the store at start (again after a restart, mid-upgrade)
// under the endpoint `history`, and a cluster without the store is counted
// as such and keeps being polled. What the histories hold is asserted at the
// poll level (tests/unit/history_poll_test.cpp).
#include <gtest/gtest.h>

#include "integration/harness.h"

namespace ue::test {
namespace {

constexpr const char* kScenario = R"(
domains: 3
objects:
  - kind: cluster
    version: "10.0.2300.9590"
    from_version: "10.0.2226.9590"
    start: -1m
    steps:
      - {state: RollingForwardInProgress, for: 1h, progress: 50}
  - kind: application
    name: fabric:/shop/orders
    type: ShopType
    version: "2.0"
    from_version: "1.0"
)";

using Labels = std::map<std::string, std::string>;
Labels endpoint(const std::string& name) { return {{"target", "sf"}, {"endpoint", name}}; }
Labels history_error(const std::string& reason) { return {{"target", "sf"}, {"endpoint", "history"}, {"reason", reason}}; }

std::string config_for(const Simulator& simulator) {
  return "global:\n  poll_interval: 200ms\n"
         "targets:\n"
         "  - name: sf\n    type: service_fabric\n    url: " +
         simulator.url() + "\n    collect: [cluster, applications]\n";
}

// Waits for the exporter's first read of the store (both requests) and checks it failed nowhere.
void expect_store_read(Exporter& exporter) {
  std::string page;
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    return find_value(page, "upgrade_exporter_requests_total", endpoint("history")) == 2.0 &&
           find_value(page, "upgrade_exporter_target_up", {{"target", "sf"}}) == 1.0;
  })) << page << exporter.process().output();
  for (const char* reason : {"http_status", "schema", "parse", "timeout", "too_large"})
    EXPECT_EQ(find_value(page, "upgrade_exporter_request_errors_total", history_error(reason)), 0.0) << reason;
  EXPECT_EQ(find_value(page, "upgrade_in_progress", {{"target", "sf"}, {"kind", "cluster"}, {"name", "sf"}}), 1.0)
      << "mid-upgrade";
}

TEST(History, TheStoreIsReadAtStartAndAgainByARestartedExporterMidUpgrade) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), kScenario);
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), config_for(simulator));
  {
    Exporter exporter(dir.file("config.yml"));
    expect_store_read(exporter);
  }
  Exporter restarted(dir.file("config.yml"));  // a new process has nothing of the last one's log
  expect_store_read(restarted);
  // Polls go on every 200ms; the store waits for its interval (5m).
  std::string page;
  ASSERT_TRUE(wait_until([&] {
    page = restarted.metrics();
    return find_value(page, "upgrade_exporter_requests_total", endpoint("cluster_upgrade")).value_or(0) >= 5.0;
  })) << page;
  EXPECT_EQ(find_value(page, "upgrade_exporter_requests_total", endpoint("history")), 2.0);
}

TEST(History, AClusterWithoutTheStoreIsCountedUnderHistoryAndStillPolled) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), std::string("event_store: false\n") + kScenario);
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), config_for(simulator));
  Exporter exporter(dir.file("config.yml"));
  std::string page;
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    return find_value(page, "upgrade_exporter_request_errors_total", history_error("http_status")) == 1.0 &&
           find_value(page, "upgrade_exporter_requests_total", endpoint("cluster_upgrade")).value_or(0) >= 5.0;
  })) << page << exporter.process().output();
  EXPECT_EQ(find_value(page, "upgrade_exporter_target_up", {{"target", "sf"}}), 1.0)
      << "a missing store is no reason to call the target down";
  EXPECT_EQ(find_value(page, "upgrade_exporter_requests_total", endpoint("history")), 1.0)
      << "the first request failed, so the second waits for the next interval too";
}

}  // namespace
}  // namespace ue::test
