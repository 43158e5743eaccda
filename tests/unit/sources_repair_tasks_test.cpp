// Kind repair_task: the parser of GET /$/GetRepairTaskList on real-shaped
// and hostile payloads, and its series.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "render/object_series.h"
#include "render/target_samples.h"
#include "render/page.h"
#include "snapshot/snapshot.h"
#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

const WholeObject* find_task(const std::vector<WholeObject>& tasks, std::string_view id) {
  for (const WholeObject& task : tasks)
    if (task.name == id) return &task;
  return nullptr;
}

std::string info_of(const Upgrade& up, std::string_view label) {
  for (const auto& [name, value] : up.info)
    if (name == label) return value;
  return "(none)";
}

TEST(RepairTasks, ReadsEveryTaskOfTheArrayNamedByTaskId) {
  const std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/repair_tasks.json"), kNow);
  ASSERT_EQ(tasks.size(), 7u);
  EXPECT_EQ(tasks[0].name, "Azure/PlatformUpdate/7b3c2f4e-1a9d-4c2e-9f0b-5d6e7f8a9b0c/1/6810");
  EXPECT_TRUE(parse_repair_tasks(payload("service_fabric/repair_tasks_empty.json"), kNow).empty());
}

TEST(RepairTasks, AnExecutingTaskIsUnderWaySinceItsHistorySaysSo) {
  const std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/repair_tasks.json"), kNow);
  const WholeObject& task = tasks[0];
  const Upgrade& up = task.upgrade;
  EXPECT_EQ(up.state, "Executing");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_FALSE(task.upgrade.end_time);
  ASSERT_TRUE(up.start_time && up.transition_time && up.duration);
  EXPECT_DOUBLE_EQ(*up.start_time, kNow - 4800 + 0.12);     // CreatedUtcTimestamp 22:40:00.120
  EXPECT_DOUBLE_EQ(*up.transition_time, kNow - 4069);       // ExecutingUtcTimestamp 22:52:11
  EXPECT_DOUBLE_EQ(*up.duration, 4799.88);                   // created to now
  EXPECT_EQ(info_of(up, "action"), "System.Azure.Job.PlatformUpdate");
  EXPECT_EQ(info_of(up, "executor"), "fabric:/System/InfrastructureService/FrontEnd");
  EXPECT_EQ(info_of(up, "result_status"), "Pending");
  ASSERT_TRUE(up.repair_task);
  ASSERT_EQ(up.repair_task->nodes.size(), 1u);
  EXPECT_EQ(up.repair_task->nodes[0].name, "_FrontEnd_1");
  EXPECT_EQ(up.repair_task->nodes[0].impact, "Restart");
  EXPECT_EQ(up.repair_task->preparing.state, "Succeeded");
  EXPECT_DOUBLE_EQ(*up.repair_task->preparing.start_time, kNow - 4800 + 2.5);
  EXPECT_EQ(up.repair_task->restoring.state, "NotStarted");
  EXPECT_FALSE(up.repair_task->restoring.start_time) << "0001-01-01 is unset";
}

TEST(RepairTasks, ACompletedTaskMapsByItsResultStatus) {
  const std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/repair_tasks.json"), kNow);
  const WholeObject* succeeded = find_task(tasks, "Azure/PlatformUpdate/7b3c2f4e-1a9d-4c2e-9f0b-5d6e7f8a9b0c/0/6809");
  const WholeObject* cancelled = find_task(tasks, "ops/manual-reimage-2");
  const WholeObject* failed = find_task(tasks, "SFExt/PlatformUpdate/failed-1");
  ASSERT_TRUE(succeeded && cancelled && failed);
  EXPECT_EQ(succeeded->upgrade.phase, Phase::completed);
  EXPECT_EQ(cancelled->upgrade.phase, Phase::rolled_back);
  EXPECT_EQ(failed->upgrade.phase, Phase::failed);
  ASSERT_TRUE(succeeded->upgrade.end_time);
  EXPECT_DOUBLE_EQ(*succeeded->upgrade.end_time, kNow - 81 * 60);  // CompletedUtcTimestamp 22:39
  EXPECT_DOUBLE_EQ(*succeeded->upgrade.transition_time, *succeeded->upgrade.end_time);
  EXPECT_DOUBLE_EQ(*succeeded->upgrade.duration, 39 * 60) << "created to completed, not to now";
  EXPECT_EQ(failed->upgrade.repair_task->restoring.state, "Skipped");
}

TEST(RepairTasks, WithoutAnImpactListTheTargetNodesAreHeldWithoutImpact) {
  const std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/repair_tasks.json"), kNow);
  const WholeObject* created = find_task(tasks, "IM/Node/9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->upgrade.state, "Created");
  EXPECT_EQ(created->upgrade.phase, Phase::rolling_forward);
  const std::vector<RepairTaskNode>& nodes = created->upgrade.repair_task->nodes;
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, "_BackEnd_4");
  EXPECT_EQ(nodes[1].name, "_BackEnd_5");
  EXPECT_TRUE(nodes[0].impact.empty() && nodes[1].impact.empty());
  EXPECT_EQ(info_of(created->upgrade, "executor"), "(none)") << "an empty Executor is left out";
}

TEST(RepairTasks, NotAnArrayIsASchemaErrorAndNotJsonAParseError) {
  EXPECT_SOURCE_ERROR(parse_repair_tasks(payload("service_fabric/hostile_repair_tasks_object.json"), kNow),
                      Reason::schema);
  EXPECT_SOURCE_ERROR(parse_repair_tasks(payload("service_fabric/hostile_empty.json"), kNow), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_repair_tasks(payload("service_fabric/hostile_html_error_page.json"), kNow),
                      Reason::parse);
  EXPECT_SOURCE_ERROR(parse_repair_tasks(payload("service_fabric/hostile_deep_nesting.json"), kNow), Reason::parse);
}

TEST(RepairTasks, HostileEntriesAreSkippedOrBoundedNotTheWholeAnswer) {
  const std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/hostile_repair_tasks.json"), kNow);
  std::vector<std::string> names;
  for (const WholeObject& task : tasks) names.push_back(task.name.size() > 40 ? task.name.substr(0, 8) : task.name);
  EXPECT_EQ(names, (std::vector<std::string>{"<script>", "wrong-history-type", "nulls", "impact-list-object", "impact-entries-odd",
                                              "many-nodes", "future-state", "completed-unknown-result",
                                              "completed-no-time", "health-check-odd", "dup", "dup"}))
      << "non-objects, no TaskId or State, and a TaskId that is no string or too long are skipped; "
         "duplicates are for the poller to settle";
  EXPECT_FALSE(find_task(tasks, "wrong-history-type")->upgrade.start_time) << "a timestamp that is no string is unset";

  const Upgrade& markup = tasks[0].upgrade;
  ASSERT_EQ(markup.repair_task->nodes.size(), 2u) << "each node once";
  EXPECT_EQ(markup.repair_task->nodes[1].name, "node\"2\"");
  EXPECT_EQ(find_task(tasks, "many-nodes")->upgrade.repair_task->nodes.size(), kMaxDetailedNodes);
  const std::vector<RepairTaskNode>& odd = find_task(tasks, "impact-entries-odd")->upgrade.repair_task->nodes;
  ASSERT_EQ(odd.size(), 1u);
  EXPECT_EQ(odd[0].name, "ok");
  EXPECT_EQ(odd[0].impact, "") << "an ImpactLevel that is no string is left out";
  EXPECT_TRUE(find_task(tasks, "impact-list-object")->upgrade.repair_task->nodes.empty());

  const WholeObject* nulls = find_task(tasks, "nulls");
  EXPECT_TRUE(nulls->upgrade.info.empty());
  EXPECT_FALSE(nulls->upgrade.start_time || nulls->upgrade.transition_time || nulls->upgrade.duration);

  EXPECT_EQ(find_task(tasks, "future-state")->upgrade.phase, Phase::rolling_forward) << "not Completed: under way";
  EXPECT_EQ(find_task(tasks, "completed-unknown-result")->upgrade.phase, Phase::failed);
  const WholeObject* no_time = find_task(tasks, "completed-no-time");
  EXPECT_EQ(no_time->upgrade.phase, Phase::completed);
  EXPECT_FALSE(no_time->upgrade.end_time);
  EXPECT_FALSE(no_time->upgrade.duration);
  const RepairTaskDetail& odd_check = *find_task(tasks, "health-check-odd")->upgrade.repair_task;
  EXPECT_EQ(odd_check.preparing.state, "Frobnicating");
  EXPECT_FALSE(odd_check.preparing.start_time) << "a timestamp that is no time is left out";
  EXPECT_EQ(odd_check.restoring.state, "");
}

TEST(RepairTasks, SeriesOfATaskNameItsNodesAndHealthChecks) {
  std::vector<WholeObject> tasks = parse_repair_tasks(payload("service_fabric/hostile_repair_tasks.json"), kNow);
  Snapshot snapshot;
  for (WholeObject& task : tasks)
    if (task.name == "health-check-odd" || task.name == "impact-entries-odd" || task.name == "nulls")
      snapshot.record(Kind::repair_task, task.name, std::move(task.upgrade), kNow, SteadyTime{});
  const std::string page = assemble_page({std::make_shared<TargetSamples>(render_target("sf", snapshot))}, "");
  EXPECT_NE(page.find("upgrade_repair_task_node_info{target=\"sf\",kind=\"repair_task\",name=\"impact-entries-odd\","
                      "node=\"ok\"} 1"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("upgrade_repair_task_health_check_state{target=\"sf\",kind=\"repair_task\","
                      "name=\"health-check-odd\",check=\"preparing\",state=\"Frobnicating\"} 1"),
            std::string::npos)
      << "an unknown check state is exported like an unknown state";
  EXPECT_EQ(page.find("check=\"restoring\""), std::string::npos) << "a check without a state has no series";
  EXPECT_NE(page.find("upgrade_state{target=\"sf\",kind=\"repair_task\",name=\"nulls\",state=\"Claimed\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace ue
