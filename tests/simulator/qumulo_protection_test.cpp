// The simulated Qumulo cluster's data protection during a rolling reboot:
// the node being rebooted is offline, the node failures left drop, the
// restriper reprotects after each node, and one window has data at risk.
#include <gtest/gtest.h>

#include "world.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};  // 2024-03-01T10:00:00Z

// The default scenario: REBOOTING from 156s for 40s, 4 nodes one at a time,
// so each node has 10s: offline for 5s, then 5s of reprotect.
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

TEST(QumuloProtection, EachNodeGoesOfflineThenIsReprotected) {
  World w = default_world();
  for (int node = 0; node < 4; ++node) {
    const SimTime down = 156s + node * 10s + 2s, reprotect = 156s + node * 10s + 7s;
    EXPECT_EQ(offline(w, down), std::vector<std::string>{"qumulo-" + std::to_string(node + 1)}) << node;
    EXPECT_EQ(w.qumulo_protection_status(down)["remaining_node_failures"], 1) << node;
    EXPECT_TRUE(offline(w, reprotect).empty()) << node;
    EXPECT_EQ(w.qumulo_protection_status(reprotect)["remaining_node_failures"], 2) << node;
    const Json restriper = w.qumulo_restriper_status(reprotect);
    EXPECT_EQ(restriper["state"], "RUNNING") << node;
    EXPECT_EQ(restriper["phase"], "REPROTECT") << node;
    EXPECT_EQ(restriper["percent_complete"], 40) << node;
    // Only the middle node's reprotect has data at risk.
    EXPECT_EQ(restriper["data_at_risk"], node == 2) << node;
  }
  EXPECT_EQ(w.qumulo_restriper_status(168s)["state"], "FINISHED") << "between two nodes";
  EXPECT_EQ(w.qumulo_restriper_status(168s)["phase"], "");
  EXPECT_EQ(w.qumulo_restriper_status(200s)["state"], "FINISHED") << "after the reboot";
  EXPECT_TRUE(offline(w, 200s).empty());
}

TEST(QumuloProtection, RoutesAreServedBehindTheRebootOutage) {
  World w = default_world();
  // The first 10s of REBOOTING the API is down; the routes share that gate.
  EXPECT_FALSE(w.qumulo_reachable(160s));
  EXPECT_TRUE(w.qumulo_reachable(183s));
  EXPECT_EQ(w.qumulo_restriper_status(183s)["data_at_risk"], true);
}

}  // namespace
}  // namespace sim
