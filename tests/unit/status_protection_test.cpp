// The Qumulo card's data protection: the view model (render/status_model) and
// what the page writes of it (render/status_page), and the API's fields.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "render/status_model.h"
#include "render/status_page.h"
#include "render/upgrades_api.h"
#include "unit/view_util.h"

namespace ue {
namespace {

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

// A rolling reboot with qumulo-4 down and the restriper reprotecting.
Upgrade rolling_reboot(bool data_at_risk, double remaining) {
  Upgrade up;
  up.state = "UPGRADE_STATE_REBOOTING";
  up.phase = Phase::rolling_forward;
  up.reboot = RebootProgress{"REBOOT_IN_PROGRESS", 3, 4};
  up.restriper = RestriperStatus{"RUNNING", "REPROTECT", data_at_risk, 0.37, 412, ""};
  up.protection = ProtectionStatus{remaining, 2, 1, 2, "PROTECTION_SYSTEM_TYPE_EC"};
  up.cluster_nodes = {{"qumulo-1", "online"}, {"qumulo-2", "online"}, {"qumulo-<4>", "offline"}, {"qumulo-3", "online"}};
  return up;
}

FleetView fleet_of(Upgrade up) {
  FleetView fleet;
  fleet.generated = kNow;
  auto nas = std::make_shared<TargetView>();
  nas->name = "nas-01";
  nas->type = TargetType::qumulo;
  nas->polled = true;
  nas->up = true;
  nas->objects = {test::object_view(Kind::qumulo, "nas-01", std::move(up), kNow - 60)};
  nas->objects_per_kind = {{Kind::qumulo, 1}};
  fleet.targets = {nas};
  return fleet;
}

TEST(StatusProtection, ModelCountsOfflineNodesAndRisk) {
  const Upgrade up = rolling_reboot(false, 1);  // the line holds views into it
  const std::optional<ProtectionLine> line = protection_line(up);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->nodes, 4u);
  ASSERT_EQ(line->offline_nodes.size(), 1u);
  EXPECT_EQ(line->offline_nodes[0], "qumulo-<4>");
  EXPECT_EQ(line->restriper_phase, "REPROTECT");
  EXPECT_EQ(line->restriper_progress, 0.37);
  EXPECT_FALSE(line->at_risk());
  const Upgrade at_risk = rolling_reboot(true, 1), no_failure_left = rolling_reboot(false, 0), nothing = {};
  EXPECT_TRUE(protection_line(at_risk)->at_risk());
  EXPECT_TRUE(protection_line(no_failure_left)->at_risk()) << "no node failure left";
  EXPECT_FALSE(protection_line(nothing)) << "nothing read, nothing shown";
}

TEST(StatusProtection, CardShowsRiskFailuresNodesAndRestriper) {
  const std::string page = render_status_page(fleet_of(rolling_reboot(true, 1)), {}, {});
  EXPECT_NE(page.find("<dt>Data protection</dt><dd class=\"over-text\" data-protection=\"at-risk\">data at risk · "
                      "node failures left: 1 of 2</dd>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<dt>Offline nodes</dt><dd class=\"over-text\">qumulo-&lt;4&gt; of 4 nodes</dd>"),
            std::string::npos)
      << "node names are escaped";
  EXPECT_NE(page.find("<dt>Restriper</dt><dd><div class=\"timing\"><progress class=\"bar\" max=\"1\" "
                      "value=\"0.370\"></progress><span><span class=\"mono\">RUNNING REPROTECT</span> · 37 %</span>"),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find("style=\""), std::string::npos) << "no inline style under the CSP";
}

TEST(StatusProtection, CardWhenFullyProtected) {
  Upgrade up = rolling_reboot(false, 2);
  up.restriper = RestriperStatus{"FINISHED", "", false, std::nullopt, 0, ""};
  for (ClusterNode& node : up.cluster_nodes) node.status = "online";
  const std::string page = render_status_page(fleet_of(up), {}, {});
  EXPECT_NE(page.find("<dd data-protection=\"protected\">fully protected · node failures left: 2 of 2</dd>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<dt>Offline nodes</dt><dd>none of 4 nodes</dd>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"mono\">FINISHED</span></span>"), std::string::npos);
  EXPECT_EQ(page.find("value=\"0.370\""), std::string::npos) << "no restriper bar unless running";

  const std::string without = render_status_page(fleet_of(Upgrade{"UPGRADE_STATE_REBOOTING", Phase::rolling_forward}), {}, {});
  EXPECT_EQ(without.find("Data protection"), std::string::npos);
  EXPECT_EQ(without.find("Restriper"), std::string::npos);
}

TEST(StatusProtection, ApiShowsTheNewFields) {
  const nlohmann::json api = nlohmann::json::parse(render_upgrades_json(fleet_of(rolling_reboot(true, 0)), {}, {}));
  const nlohmann::json& up = api["upgrades"][0];
  EXPECT_EQ(up["restriper"], nlohmann::json::parse(R"({"state": "RUNNING", "phase": "REPROTECT", "data_at_risk": true,
      "progress_ratio": 0.37, "elapsed_seconds": 412})"));
  EXPECT_EQ(up["protection"], nlohmann::json::parse(R"({"remaining_node_failures": 0, "max_node_failures": 2,
      "remaining_drive_failures": 1, "max_drive_failures": 2, "protection_system_type": "PROTECTION_SYSTEM_TYPE_EC"})"));
  ASSERT_EQ(up["cluster_nodes"].size(), 4u);
  EXPECT_EQ(up["cluster_nodes"][2], nlohmann::json::parse(R"({"name": "qumulo-<4>", "status": "offline"})"));
  Upgrade finished = rolling_reboot(false, 2);
  finished.restriper = RestriperStatus{"FINISHED", "", false, std::nullopt, std::nullopt, ""};
  EXPECT_EQ(nlohmann::json::parse(render_upgrades_json(fleet_of(finished), {}, {}))["upgrades"][0]["restriper"],
            nlohmann::json::parse(R"({"state": "FINISHED", "data_at_risk": false})"))
      << "fields only when reported";
  const nlohmann::json bare =
      nlohmann::json::parse(render_upgrades_json(fleet_of(Upgrade{"UPGRADE_STATE_IDLE"}), {}, {}))["upgrades"][0];
  EXPECT_FALSE(bare.contains("restriper"));
  EXPECT_FALSE(bare.contains("protection"));
  EXPECT_FALSE(bare.contains("cluster_nodes"));
}

}  // namespace
}  // namespace ue
