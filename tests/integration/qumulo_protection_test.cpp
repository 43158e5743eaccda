// Qumulo data protection end to end: upgrade_simulator plays a rolling reboot
// (each node two minutes: one offline, one reprotected), and the built
// exporter reads its restriper, protection status and nodes.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/harness.h"

namespace ue::test {
namespace {

// 4 nodes, one at a time over 8 minutes, started 4 min 45 s ago: qumulo-3 is
// offline for 15 more seconds (time enough for the first polls), then its
// reprotect runs for a minute with data at risk (the simulator's one such
// window, the middle node's).
constexpr const char* kRebootScenario = R"(
qumulo:
  nodes: 4
  nodes_per_reboot: 1
  start: -4m45s
  steps:
    - {state: REBOOTING, for: 8m}
    - {state: IDLE, for: forever}
)";

using Labels = std::map<std::string, std::string>;
const Labels kNas = {{"target", "nas"}, {"kind", "qumulo"}, {"name", "nas"}};

Labels with(Labels labels, const std::string& key, const std::string& value) {
  labels[key] = value;
  return labels;
}

TEST(QumuloProtection, RollingRebootAgainstTheSimulator) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), kRebootScenario);
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), "global:\n  poll_interval: 200ms\n  idle_poll_interval: 1h\n"
                                     "targets:\n"
                                     "  - name: nas\n    type: qumulo\n    url: " + simulator.url() + "\n");
  Exporter exporter(dir.file("config.yml"));
  std::string page;

  // The node being rebooted is offline and the failures left drop.
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    return find_value(page, "upgrade_node_info", with(with(kNas, "node", "qumulo-3"), "phase", "offline")) == 1.0;
  })) << page << exporter.process().output();
  EXPECT_EQ(find_value(page, "upgrade_remaining_node_failures", kNas), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_max_node_failures", kNas), 2.0);
  EXPECT_EQ(find_value(page, "upgrade_node_info", with(with(kNas, "node", "qumulo-1"), "phase", "online")), 1.0);
  EXPECT_EQ(count_samples(page, "upgrade_node_info", kNas), 4u);
  EXPECT_EQ(find_value(page, "upgrade_restriper_state", with(kNas, "state", "FINISHED")), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_restriper_progress_ratio", kNas), std::nullopt) << "only while running";
  EXPECT_EQ(find_value(page, "upgrade_data_at_risk", kNas), 0.0);

  // Back online, the restriper reprotects it with data at risk.
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    return find_value(page, "upgrade_data_at_risk", kNas) == 1.0 &&
           find_value(page, "upgrade_restriper_progress_ratio", kNas) > 0.0;
  }, std::chrono::seconds(45))) << page;
  EXPECT_EQ(find_value(page, "upgrade_restriper_state", with(kNas, "state", "RUNNING")), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_restriper_state", with(kNas, "state", "NOT_STARTED")), 0.0);
  EXPECT_EQ(find_value(page, "upgrade_remaining_node_failures", kNas), 2.0);
  EXPECT_EQ(find_value(page, "upgrade_node_info", with(with(kNas, "node", "qumulo-3"), "phase", "online")), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_remaining_drive_failures", kNas), 2.0);

  // Every route was counted under its own endpoint.
  for (const char* endpoint : {"qumulo_restriper_status", "qumulo_protection_status", "qumulo_nodes"})
    EXPECT_GE(find_value(page, "upgrade_exporter_requests_total", {{"target", "nas"}, {"endpoint", endpoint}}), 1.0)
        << endpoint;

  // The status page's card and the API show it too.
  const std::string status = exporter.get("/").second;
  EXPECT_NE(status.find("data at risk"), std::string::npos);
  EXPECT_NE(status.find("<span class=\"mono\">RUNNING REPROTECT</span>"), std::string::npos);
  EXPECT_NE(exporter.get("/api/v1/upgrades").second.find("\"data_at_risk\":true"), std::string::npos);
}

}  // namespace
}  // namespace ue::test
