// The simulated Qumulo cluster's data protection during a rolling reboot:
// the nodes being rebooted are offline, the node failures left drop, the
// restriper reprotects after each batch, and one window has data at risk.
#include <gtest/gtest.h>

#include "world.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};  // 2024-03-01T10:00:00Z

// The default scenario: REBOOTING from 156s for 60s, 4 nodes two at a time
// (its fault tolerance), so each batch has 30s: offline for 15s, then 15s of
// reprotect.
World default_world() { return World(load_scenario_file(UE_SIM_DEFAULT_SCENARIO), kEpoch); }

std::vector<std::string> offline(const World& w, SimTime t) {
  std::vector<std::string> names;
  for (const Json& node : w.qumulo_nodes(t))
    if (node["node_status"] != "online") names.push_back(node["node_name"]);
  return names;
}

TEST(QumuloProtection, IdleClusterIsFullyProtected) {
  World w = default_world();
  const Json nodes = w.qumulo_nodes(30s);
  ASSERT_EQ(nodes.size(), 4u);
  EXPECT_EQ(nodes[0]["id"], 1);
  EXPECT_EQ(nodes[0]["node_name"], "qumulo-1");
  EXPECT_TRUE(offline(w, 30s).empty());
  const Json protection = w.qumulo_protection_status(30s);
  EXPECT_EQ(protection["max_node_failures"], 2);
  EXPECT_EQ(protection["remaining_node_failures"], 2);
  const Json restriper = w.qumulo_restriper_status(30s);
  EXPECT_EQ(restriper["state"], "NOT_STARTED");
  EXPECT_EQ(restriper["data_at_risk"], false);
}

TEST(QumuloProtection, EachBatchGoesOfflineThenIsReprotected) {
  World w = default_world();
  for (int batch = 0; batch < 2; ++batch) {
    const SimTime down = 156s + batch * 30s + 2s, reprotect = 156s + batch * 30s + 21s;
    const std::vector<std::string> nodes = {"qumulo-" + std::to_string(2 * batch + 1),
                                            "qumulo-" + std::to_string(2 * batch + 2)};
    EXPECT_EQ(offline(w, down), nodes) << batch;
    EXPECT_EQ(w.qumulo_protection_status(down)["remaining_node_failures"], 0) << batch << ": none to spare";
    EXPECT_TRUE(offline(w, reprotect).empty()) << batch;
    EXPECT_EQ(w.qumulo_protection_status(reprotect)["remaining_node_failures"], 2) << batch;
    const Json restriper = w.qumulo_restriper_status(reprotect);
    EXPECT_EQ(restriper["state"], "RUNNING") << batch;
    EXPECT_EQ(restriper["phase"], "REPROTECT") << batch;
    EXPECT_EQ(restriper["percent_complete"], 40) << batch;
    // Only the middle (here the second) batch's reprotect has data at risk.
    EXPECT_EQ(restriper["data_at_risk"], batch == 1) << batch;
  }
  EXPECT_EQ(w.qumulo_restriper_status(191s)["state"], "FINISHED") << "between two batches";
  EXPECT_EQ(w.qumulo_restriper_status(191s)["phase"], "");
  EXPECT_EQ(w.qumulo_restriper_status(220s)["state"], "FINISHED") << "after the reboot";
  EXPECT_TRUE(offline(w, 220s).empty());
}

TEST(QumuloProtection, TheSecondBatchLeavesNoProtectionToSpareFor30s) {
  // 186-216s: its nodes down (no node failure left), then its reprotect with data at risk;
  // long enough for QumuloRebootDataAtRisk at the demo's 5s polls (README, scripts/demo).
  World w = default_world();
  for (SimTime t = 187s; t < 216s; t += 1s) {
    const bool at_risk = w.qumulo_restriper_status(t)["data_at_risk"] == true;
    const bool none_left = w.qumulo_protection_status(t)["remaining_node_failures"] == 0;
    EXPECT_TRUE(at_risk || none_left) << t.count();
  }
  EXPECT_EQ(w.qumulo_protection_status(185s)["remaining_node_failures"], 2);
  EXPECT_EQ(w.qumulo_restriper_status(185s)["data_at_risk"], false);
}

TEST(QumuloProtection, RoutesAreServedBehindTheRebootOutage) {
  World w = default_world();
  // The first 10s of REBOOTING the API is down; the routes share that gate.
  EXPECT_FALSE(w.qumulo_reachable(160s));
  EXPECT_TRUE(w.qumulo_reachable(205s));
  EXPECT_EQ(w.qumulo_restriper_status(205s)["data_at_risk"], true);
}

}  // namespace
}  // namespace sim
