// Repair tasks on the status page and in the API: the view model
// (render/status_model) ranks active tasks among the upgrades that matter,
// lists every task once in full in the Repair tasks section, and says which
// task holds which node of an upgrade's current domain; the page writes it
// (render/status_page); the API gives the same (render/upgrades_api).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "render/status_model.h"
#include "render/status_page.h"
#include "render/upgrades_api.h"
#include "unit/view_util.h"

namespace ue {
namespace {

using test::object_view;

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

// A task under way in `state` since `in_state` seconds, created 2 h ago, on `nodes`.
Upgrade task(std::string state, double in_state, std::vector<RepairTaskNode> nodes, std::string action) {
  Upgrade up;
  up.state = std::move(state);
  up.phase = Phase::rolling_forward;
  up.start_time = kNow - 2 * 3600;
  up.transition_time = kNow - in_state;
  up.info = {{"action", std::move(action)}, {"executor", "fabric:/System/InfrastructureService/FE"},
             {"result_status", "Pending"}};
  up.repair_task = RepairTaskDetail{std::move(nodes), {"Succeeded", kNow - 3000}, {"NotStarted", std::nullopt}};
  return up;
}

Upgrade completed_task(std::string result, Phase phase, std::vector<RepairTaskNode> nodes) {
  Upgrade up = task("Completed", 0, std::move(nodes), "System.Azure.Job.TenantUpdate");
  up.phase = phase;
  up.info[2].second = std::move(result);
  up.end_time = kNow - 20 * 60;
  return up;
}

// An application whose current domain holds _Node_1 and _Node_2.
Upgrade app_on_nodes() {
  Upgrade up;
  up.state = "RollingForwardInProgress";
  up.phase = Phase::rolling_forward;
  up.current_domain = "UD1";
  up.current_nodes = {{"_Node_1", "PreUpgradeSafetyCheck", {{"EnsureSafeToRestart", ""}}}, {"_Node_2", "Upgrading", {}}};
  return up;
}

std::shared_ptr<TargetView> target(std::string name) {
  auto view = std::make_shared<TargetView>();
  view->name = std::move(name);
  view->poll_interval = 15;
  view->polled = true;
  view->up = true;
  return view;
}

// prod-west: the application, two tasks under way on _Node_1 (one also on
// _Node_3), one completed a while ago (notable: its phase changed 20 min ago),
// one completed at start (not notable) that still held _Node_2.
// prod-east: a task under way on its own _Node_2.
FleetView repair_fleet() {
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - 3600;
  auto west = target("prod-west");
  west->objects = {
      object_view(Kind::application, "fabric:/shop", app_on_nodes(), kNow - 60, kNow - 600),
      object_view(Kind::repair_task, "Azure/PlatformUpdate/job/UD1/0",
                  task("Executing", 10 * 60, {{"_Node_1", "Restart"}}, "System.Azure.Job.PlatformUpdate"),
                  kNow - 10 * 60, kNow - 2 * 3600),
      object_view(Kind::repair_task, "IM/Node/<b>1</b>",
                  task("Preparing", 40 * 60, {{"_Node_3", ""}, {"_Node_1", ""}}, "External.RestartNode"),
                  kNow - 40 * 60),
      object_view(Kind::repair_task, "done-cancelled",
                  completed_task("Cancelled", Phase::rolled_back, {{"_Node_2", "Restart"}}), kNow - 20 * 60,
                  kNow - 20 * 60),
      object_view(Kind::repair_task, "done-old", completed_task("Succeeded", Phase::completed, {{"_Node_2", "None"}}),
                  kNow - 20 * 60),
  };
  west->objects_per_kind = {{Kind::application, 1}, {Kind::repair_task, 4}};
  auto east = target("prod-east");
  east->objects = {object_view(Kind::repair_task, "east-task",
                               task("Executing", 60, {{"_Node_2", "RemoveData"}}, "System.Azure.Job.PlatformUpdate"),
                               kNow - 60)};
  east->objects_per_kind = {{Kind::repair_task, 1}};
  fleet.targets = {west, east};
  return fleet;
}

const UpgradeItem* item_named(const StatusModel& model, std::string_view name) {
  for (const UpgradeItem& item : model.upgrades)
    if (item.object->name == name) return &item;
  return nullptr;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// ---- the view model ----

TEST(StatusRepair, ActiveTasksRankAmongTheUpgradesThatMatterAndCount) {
  const FleetView fleet = repair_fleet();
  const StatusModel model = build_status_model(fleet, {}, {});
  // The Preparing task has not moved for 40 min, but a repair task is never stalled (is_stalled: the
  // RepairTask* alerts judge its states): rolling forward by target, kind, name; then the cancelled one
  // (rolled back). The one completed at start is not notable.
  std::vector<std::string> names;
  for (const UpgradeItem& item : model.upgrades) names.push_back(item.object->name);
  EXPECT_EQ(names, (std::vector<std::string>{"fabric:/shop", "Azure/PlatformUpdate/job/UD1/0", "IM/Node/<b>1</b>",
                                             "east-task", "done-cancelled"}));
  for (const UpgradeItem& item : model.upgrades) EXPECT_FALSE(item.stalled) << item.object->name;
  EXPECT_EQ(model.counts.in_progress, 4u);
  EXPECT_EQ(model.counts.stalled, 0u);
  EXPECT_EQ(model.counts.rolled_back, 1u);
}

TEST(StatusRepair, TheSectionListsEveryTaskOnceUnderWayFirstAndNeverAmongTheSettled) {
  const FleetView fleet = repair_fleet();
  const StatusModel model = build_status_model(fleet, {}, {});
  ASSERT_EQ(model.repair_tasks.size(), 2u);
  const RepairSection& west = model.repair_tasks[0];
  EXPECT_EQ(west.target->name, "prod-west");
  EXPECT_EQ(west.target_index, 0u);
  EXPECT_EQ(west.total, 4u);
  ASSERT_EQ(west.rows.size(), 4u);
  EXPECT_EQ(west.rows[0].object->name, "Azure/PlatformUpdate/job/UD1/0");
  EXPECT_EQ(west.rows[1].object->name, "IM/Node/<b>1</b>");
  EXPECT_EQ(west.rows[2].object->name, "done-cancelled");
  EXPECT_EQ(west.rows[3].object->name, "done-old");

  const RepairTaskRow& executing = west.rows[0];
  EXPECT_TRUE(executing.active);
  EXPECT_FALSE(executing.stalled);
  EXPECT_EQ(executing.in_state, 10 * 60);
  EXPECT_EQ(executing.action, "System.Azure.Job.PlatformUpdate");
  EXPECT_EQ(executing.executor, "fabric:/System/InfrastructureService/FE");
  EXPECT_EQ(executing.result, "") << "Pending is no result";
  ASSERT_EQ(executing.nodes->size(), 1u);
  EXPECT_EQ((*executing.nodes)[0].impact, "Restart");
  EXPECT_EQ(executing.preparing.state, "Succeeded");
  EXPECT_FALSE(executing.preparing.running_for) << "only an InProgress check runs";
  EXPECT_EQ(executing.restoring.state, "NotStarted");
  EXPECT_FALSE(west.rows[1].stalled) << "40 min Preparing: RepairTaskAwaitingApproval's case, never stalled";
  EXPECT_FALSE(west.rows[2].active);
  EXPECT_EQ(west.rows[2].result, "Cancelled");
  EXPECT_TRUE(west.rows[2].notable);
  EXPECT_FALSE(west.rows[3].notable);
  EXPECT_EQ(west.rows[3].result, "Succeeded");

  // The completed one that is not notable is not folded into "completed: 1" of the target.
  ASSERT_EQ(model.targets.size(), 2u);
  EXPECT_TRUE(model.targets[0].settled.empty());

  // Each task listed above links to its row; the row is its one full listing.
  const UpgradeItem* cancelled = item_named(model, "done-cancelled");
  ASSERT_TRUE(cancelled && cancelled->repair_row);
  EXPECT_EQ(cancelled->repair_row->section, 0u);
  EXPECT_EQ(cancelled->repair_row->row, 2u);
  const UpgradeItem* east = item_named(model, "east-task");
  ASSERT_TRUE(east && east->repair_row);
  EXPECT_EQ(east->repair_row->section, 1u);
  EXPECT_FALSE(item_named(model, "fabric:/shop")->repair_row);
}

TEST(StatusRepair, AHealthCheckInProgressRunsAndIsStuckPastHalfTheStallWindowInItsState) {
  FleetView fleet = repair_fleet();
  auto west = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  Upgrade preparing = west->objects[2]->upgrade;
  preparing.repair_task->preparing = {"InProgress", kNow - 20 * 60};
  preparing.repair_task->restoring = {"InProgress", kNow - 20 * 60};  // not its state: never stuck
  west->objects[2] = object_view(Kind::repair_task, west->objects[2]->name, preparing, kNow - 40 * 60);
  const StatusModel model = build_status_model(fleet, {}, {});
  const RepairTaskRow& row = model.repair_tasks[0].rows[1];
  ASSERT_EQ(row.object->name, "IM/Node/<b>1</b>");
  EXPECT_EQ(row.preparing.running_for, 20 * 60);
  EXPECT_TRUE(row.preparing.stuck) << "20 min > 15 min, half the default window";
  EXPECT_FALSE(row.restoring.stuck);
  west->stall_window = 3600;
  EXPECT_FALSE(build_status_model(fleet, {}, {}).repair_tasks[0].rows[1].preparing.stuck);
}

TEST(StatusRepair, NodeRowsNameEveryActiveTaskOnTheSameTargetHoldingThem) {
  const FleetView fleet = repair_fleet();
  for (const StatusQuery& query : {StatusQuery{}, StatusQuery{.kinds = {Kind::application}}}) {
    const StatusModel model = build_status_model(fleet, query, {});
    const UpgradeItem* shop = item_named(model, "fabric:/shop");
    ASSERT_TRUE(shop);
    ASSERT_EQ(shop->node_holds.size(), 2u) << "one entry per node of the current domain";
    const std::vector<NodeHold>& node_1 = shop->node_holds[0];
    ASSERT_EQ(node_1.size(), 2u) << "both tasks under way on _Node_1, by TaskId";
    EXPECT_EQ(node_1[0].task->name, "Azure/PlatformUpdate/job/UD1/0");
    EXPECT_EQ(node_1[0].action, "System.Azure.Job.PlatformUpdate");
    EXPECT_EQ(node_1[0].held_for, 2 * 3600) << "since the task was created";
    EXPECT_EQ(node_1[1].task->name, "IM/Node/<b>1</b>");
    EXPECT_EQ(node_1[1].task->upgrade.state, "Preparing");
    EXPECT_TRUE(shop->node_holds[1].empty()) << "completed tasks and prod-east's task hold no node of prod-west";
  }
  StatusQuery only_apps{.kinds = {Kind::application}};
  EXPECT_TRUE(build_status_model(fleet, only_apps, {}).repair_tasks.empty()) << "the filter hides the section";
}

TEST(StatusRepair, NoHoldsWhenNoActiveTaskHoldsANode) {
  FleetView fleet = repair_fleet();
  auto west = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  west->objects.erase(west->objects.begin() + 1, west->objects.begin() + 3);
  const StatusModel model = build_status_model(fleet, {}, {});
  ASSERT_TRUE(item_named(model, "fabric:/shop"));
  EXPECT_TRUE(item_named(model, "fabric:/shop")->node_holds.empty());
}

TEST(StatusRepair, ASectionListsAtMostkMaxRepairRowsTasksUnderWayFirst) {
  FleetView fleet;
  fleet.generated = kNow;
  auto big = target("big");
  for (std::size_t i = 0; i < kMaxRepairRows + 50; ++i)
    big->objects.push_back(object_view(Kind::repair_task, "a-done-" + std::to_string(1000 + i),
                                       completed_task("Succeeded", Phase::completed, {}), kNow - 20 * 60));
  big->objects.push_back(object_view(Kind::repair_task, "z-active", task("Executing", 60, {}, ""), kNow - 60));
  fleet.targets = {big};
  const StatusModel model = build_status_model(fleet, {}, {});
  ASSERT_EQ(model.repair_tasks.size(), 1u);
  EXPECT_EQ(model.repair_tasks[0].total, kMaxRepairRows + 51);
  ASSERT_EQ(model.repair_tasks[0].rows.size(), kMaxRepairRows);
  EXPECT_EQ(model.repair_tasks[0].rows[0].object->name, "z-active");
  const std::string page = render_status_page(fleet, {}, {});
  EXPECT_NE(page.find("51 more not shown; <a href=\"/api/v1/upgrades?target=big&amp;kind=repair_task\">"),
            std::string::npos);
}

// ---- the page ----

TEST(StatusRepair, PageShowsTasksInFullOnceAndBrieflyAmongTheUpgrades) {
  const std::string page = render_status_page(repair_fleet(), {}, {});
  EXPECT_EQ(count(page, "<h2 class=\"section-title\" id=\"repair-tasks\">Repair tasks</h2>"), 1u);
  EXPECT_EQ(count(page, "<section class=\"repair-tasks\">"), 2u);
  EXPECT_EQ(count(page, "<tr id=\"repair-"), 5u) << "every task, once";
  EXPECT_EQ(count(page, "<p class=\"repair-brief\">"), 4u) << "the notable ones, briefly";
  EXPECT_NE(page.find("<p class=\"repair-brief\">External.RestartNode · 2 nodes · <a href=\"#repair-1-2\">details "
                      "under Repair tasks</a></p>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr id=\"repair-1-2\"><td class=\"wrap-cell mono\">IM/Node/&lt;b&gt;1&lt;/b&gt;</td>"),
            std::string::npos);
  EXPECT_NE(page.find("result <span class=\"mono\">Cancelled</span> · 1 node"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"wrap-cell\">_Node_1 <span class=\"muted\">(Restart)</span></td>"),
            std::string::npos);
  EXPECT_EQ(page.find("IM/Node/<b>"), std::string::npos) << "a TaskId is text";
  // The section comes between the upgrades and the targets.
  EXPECT_LT(page.find("Upgrades that matter"), page.find("id=\"repair-tasks\""));
  EXPECT_LT(page.find("id=\"repair-tasks\""), page.find(">Targets</h2>"));
}

TEST(StatusRepair, PageNodeRowsSayWhichTaskHoldsThem) {
  const std::string page = render_status_page(repair_fleet(), {}, {});
  EXPECT_NE(page.find("<th>Held by repair task</th>"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"wrap-cell hold\"><div><span class=\"mono\">Azure/PlatformUpdate/job/UD1/0</span> · "
                      "System.Azure.Job.PlatformUpdate · <span class=\"state\">Executing</span> · for 2 h</div>"
                      "<div><span class=\"mono\">IM/Node/&lt;b&gt;1&lt;/b&gt;</span> · External.RestartNode · "
                      "<span class=\"state\">Preparing</span> · for 2 h</div></td>"),
            std::string::npos);
  EXPECT_EQ(count(page, "<th>Held by repair task</th>"), 1u);
}

// ---- the API ----

TEST(StatusRepair, ApiGivesTaskNodesHealthChecksAndTheHoldersOfEachNode) {
  const FleetView fleet = repair_fleet();
  for (const StatusQuery& query : {StatusQuery{}, StatusQuery{.kinds = {Kind::application}}}) {
    const nlohmann::json doc = nlohmann::json::parse(render_upgrades_json(fleet, query, {}));
    const nlohmann::json& shop = doc["upgrades"][0];
    ASSERT_EQ(shop["name"], "fabric:/shop");
    EXPECT_EQ(shop["current_nodes"][0]["held_by"],
              (nlohmann::json{"Azure/PlatformUpdate/job/UD1/0", "IM/Node/<b>1</b>"}));
    EXPECT_FALSE(shop["current_nodes"][1].contains("held_by")) << "no active task on prod-west holds _Node_2";
  }
  const nlohmann::json doc = nlohmann::json::parse(render_upgrades_json(fleet, {}, {}));
  const nlohmann::json& preparing = doc["upgrades"][2];
  ASSERT_EQ(preparing["name"], "IM/Node/<b>1</b>");
  EXPECT_EQ(preparing["repair_task"]["nodes"], (nlohmann::json{{{"name", "_Node_3"}}, {{"name", "_Node_1"}}}))
      << "a node of Target.NodeNames has no impact";
  const nlohmann::json& executing = doc["upgrades"][1];
  EXPECT_EQ(executing["repair_task"]["nodes"][0]["impact"], "Restart");
  EXPECT_EQ(executing["repair_task"]["preparing_health_check"]["state"], "Succeeded");
  EXPECT_EQ(executing["repair_task"]["preparing_health_check"]["start_time_unix"], kNow - 3000);
  EXPECT_EQ(executing["repair_task"]["restoring_health_check"], (nlohmann::json{{"state", "NotStarted"}}));
}

}  // namespace
}  // namespace ue
