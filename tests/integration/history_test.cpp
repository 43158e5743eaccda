// Upgrade history through the built binaries: upgrade_simulator serves a
// week of past upgrades from its EventStore while it plays a cluster upgrade;
// the exporter reads the store at start (again after a restart, mid-upgrade)
// under the endpoint `history`, and a cluster without the store is counted
// as such and keeps being polled, its history what the exporter saw. What
// the histories hold is asserted at the poll level (tests/unit/history_poll_test.cpp).
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

// The history series of every object, in page order: what the store said.
std::string history_series(const std::string& page) {
  std::string lines;
  std::size_t at = 0;
  while (at < page.size()) {
    std::size_t end = page.find('\n', at);
    if (end == std::string::npos) end = page.size();
    const std::string_view line(page.data() + at, end - at);
    for (std::string_view family :
         {"upgrade_history_upgrades{", "upgrade_last_outcome{", "upgrade_last_finished_timestamp_seconds{",
          "upgrade_last_duration_seconds{", "upgrade_last_info{", "upgrade_domain_typical_duration_seconds{",
          "upgrade_domain_duration_samples{"})
      if (line.starts_with(family)) lines.append(line).append("\n");
    at = end + 1;
  }
  return lines;
}

TEST(History, TheStoreIsReadAtStartAndAgainByARestartedExporterMidUpgrade) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), kScenario);
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), config_for(simulator));
  std::string before;
  {
    Exporter exporter(dir.file("config.yml"));
    expect_store_read(exporter);
    before = history_series(exporter.metrics());
    EXPECT_NE(before.find("upgrade_last_outcome{"), std::string::npos) << "the simulator's week of upgrades";
    EXPECT_NE(exporter.get("/api/v1/upgrades").second.find(R"("source":"event_store")"), std::string::npos);
  }
  Exporter restarted(dir.file("config.yml"));  // a new process has nothing of the last one's log
  expect_store_read(restarted);
  EXPECT_EQ(history_series(restarted.metrics()), before) << "the same past upgrades after the restart";
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
  EXPECT_NE(exporter.get("/api/v1/upgrades").second.find(R"("source":"observed")"), std::string::npos)
      << "history from what the exporter saw";
}

}  // namespace
}  // namespace ue::test
