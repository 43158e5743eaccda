// Kind repair_task through whole polls (scripted upstream, fake clock): which
// tasks are objects (retention, max_objects), where their transition time
// comes from, and an absent Repair Manager.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time_formats.h"
#include "config/config.h"
#include "poll/target_poller.h"
#include "poll/whole_listing.h"
#include "render/page.h"
#include "unit/poll_test_util.h"

namespace ue {
namespace {

using namespace std::chrono_literals;
using test::FakeClock;
using test::ScriptedUpstream;

constexpr const char* kActive = "/$/GetRepairTaskList?api-version=6.0&StateFilter=63";
constexpr const char* kCompleted = "/$/GetRepairTaskList?api-version=6.0&StateFilter=64";
std::string by_id(const std::string& id) { return "/$/GetRepairTaskList?api-version=6.0&TaskIdFilter=" + id; }

std::shared_ptr<const TargetConfig> target(const std::string& extra = "") {
  Config config = parse_config(R"(
targets:
  - name: sf
    type: service_fabric
    url: http://127.0.0.1:1
    collect: [repair_tasks]
    poll_interval: 30s
    idle_poll_interval: 1h
)" + extra,
                               "test.yml");
  return std::make_shared<const TargetConfig>(config.targets.at(0));
}

struct Task {
  std::string id;
  std::string state;
  double created_ago = 600;  // seconds before now
  double state_ago = 60;     // when it entered its state, seconds before now
  std::string result = "Pending";
};

class RepairTasksPollTest : public ::testing::Test {
 protected:
  std::string at(double ago) const { return format_rfc3339(clock.unix_now() - ago); }
  std::string body(const std::vector<Task>& tasks) const {
    std::string out = "[";
    for (const Task& task : tasks) {
      if (out.size() > 1) out += ",";
      out += R"({"TaskId": ")" + task.id + R"(", "State": ")" + task.state + R"(", "ResultStatus": ")" + task.result +
             R"(", "History": {"CreatedUtcTimestamp": ")" + at(task.created_ago) + R"(", ")" + task.state +
             R"(UtcTimestamp": ")" + at(task.state_ago) + R"("}})";
    }
    return out + "]";
  }
  // Serves both lists as the Repair Manager would, and each task by its id.
  void serve(const std::vector<Task>& tasks) {
    std::vector<Task> active, completed;
    for (const Task& task : tasks) (task.state == "Completed" ? completed : active).push_back(task);
    upstream.set_json(kActive, body(active));
    upstream.set_json(kCompleted, body(completed));
    for (const Task& task : tasks) upstream.set_json(by_id(task.id), body({task}));
  }
  void make_poller(std::shared_ptr<const TargetConfig> config = target()) {
    poller = std::make_unique<TargetPoller>(std::move(config), metrics, nullptr, upstream, clock);
  }
  std::string page() const { return assemble_page({poller->samples()}, ""); }
  bool exported(const std::string& id) const {
    return page().find("upgrade_in_progress{target=\"sf\",kind=\"repair_task\",name=\"" + id + "\"}") !=
           std::string::npos;
  }
  std::string series(const std::string& family, const std::string& id) const {
    const std::string text = page();
    const std::string head = family + "{target=\"sf\",kind=\"repair_task\",name=\"" + id + "\"} ";
    const auto found = text.find(head);
    return found == std::string::npos ? "(absent)" : text.substr(found + head.size(), text.find('\n', found) - found - head.size());
  }

  FakeClock clock;
  ScriptedUpstream upstream;
  SelfMetrics metrics;
  std::unique_ptr<TargetPoller> poller;
};

TEST_F(RepairTasksPollTest, ActiveTasksAndRecentlyCompletedOnesAreObjects) {
  make_poller();
  serve({{"active", "Executing"},
         {"done-recently", "Completed", 3000, 30 * 60, "Succeeded"},
         {"done-long-ago", "Completed", 9000, 2 * 3600, "Succeeded"}});
  poller->poll_once();
  EXPECT_TRUE(exported("active")) << page();
  EXPECT_TRUE(exported("done-recently"));
  EXPECT_FALSE(exported("done-long-ago")) << "past the default repair_task_retention of 1h";
  EXPECT_EQ(series("upgrade_in_progress", "active"), "1");
  EXPECT_EQ(series("upgrade_in_progress", "done-recently"), "0");

  clock.advance(31min);  // done-recently completed 61 minutes ago now
  serve({{"active", "Executing", 600 + 31 * 60, 60 + 31 * 60}, {"done-recently", "Completed", 3000 + 31 * 60, 61 * 60, "Succeeded"}});
  poller->poll_once();
  EXPECT_TRUE(exported("active"));
  EXPECT_FALSE(exported("done-recently")) << "retention ran out";
}

TEST_F(RepairTasksPollTest, RetentionIsSetPerTargetOrUnderGlobal) {
  Config config = parse_config(R"(
global:
  repair_task_retention: 3h
targets:
  - name: a
    type: service_fabric
    url: http://127.0.0.1:1
  - name: b
    type: service_fabric
    url: http://127.0.0.1:1
    repair_task_retention: 10m
)",
                               "test.yml");
  EXPECT_EQ(config.targets.at(0).settings.repair_task_retention, Duration(3h));
  EXPECT_EQ(config.targets.at(1).settings.repair_task_retention, Duration(10min));
  EXPECT_EQ(target()->settings.repair_task_retention, Duration(1h)) << "the default";
}

TEST_F(RepairTasksPollTest, ATaskNoLongerListedAnywhereGoesAtOnce) {
  make_poller();
  serve({{"a", "Preparing"}, {"b", "Approved"}});
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("b"));
  serve({{"b", "Executing"}});
  upstream.set_json(by_id("a"), "[]");  // deleted, not completed
  clock.advance(30s);
  poller->poll_once();
  EXPECT_FALSE(exported("a"));
  EXPECT_TRUE(exported("b"));
}

TEST_F(RepairTasksPollTest, TheTransitionTimeIsTheUpstreamsSoARestartKeepsIt) {
  make_poller();
  serve({{"t", "Executing", 7200, 5400}});
  poller->poll_once();
  const std::string executing_since = series("upgrade_last_transition_timestamp_seconds", "t");
  EXPECT_EQ(std::stod(executing_since), clock.unix_now() - 5400) << page();

  clock.advance(10min);
  make_poller();  // an exporter restart
  serve({{"t", "Executing", 7200 + 600, 5400 + 600}});
  poller->poll_once();
  EXPECT_EQ(series("upgrade_last_transition_timestamp_seconds", "t"), executing_since);
  EXPECT_EQ(std::stod(series("upgrade_duration_seconds", "t")), 7800) << "created to now";
}

TEST_F(RepairTasksPollTest, MaxObjectsKeepsTasksUnderWayFirst) {
  make_poller(target("    max_objects: 2\n"));
  serve({{"done", "Completed", 900, 120, "Succeeded"}, {"x", "Executing"}, {"y", "Claimed"}, {"z", "Created"}});
  poller->poll_once();
  EXPECT_TRUE(exported("x") && exported("y"));
  EXPECT_FALSE(exported("z") || exported("done"));
  EXPECT_NE(metrics.render().find("upgrade_exporter_objects_dropped_total{kind=\"repair_task\",target=\"sf\"} 2"),
            std::string::npos)
      << metrics.render();
}

TEST_F(RepairTasksPollTest, AClusterWithoutTheRepairManagerHasNoRepairTasksAndIsUp) {
  make_poller();
  upstream.set(kActive, {400, R"({"Error": {"Code": "FABRIC_E_INVALID_OPERATION", "Message": "no RM"}})"});
  poller->poll_once();
  EXPECT_NE(metrics.render().find("upgrade_exporter_target_up{target=\"sf\"} 1"), std::string::npos);
  const std::size_t asked = upstream.requests().size();
  clock.advance(30s);
  poller->poll_once();
  EXPECT_EQ(upstream.requests().size(), asked) << "not asked again before idle_poll_interval";
}

TEST_F(RepairTasksPollTest, CompletedTasksAreReadAtStartAndEveryIdleInterval) {
  make_poller();
  serve({{"a", "Executing"}, {"done", "Completed", 3000, 600, "Succeeded"}});
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("done"));
  EXPECT_EQ(upstream.count(kActive), 1u);
  EXPECT_EQ(upstream.count(kCompleted), 1u);
  for (int i = 0; i < 3; ++i) {
    clock.advance(30s);
    poller->poll_once();
  }
  EXPECT_EQ(upstream.count(kActive), 4u) << "the tasks under way every poll";
  EXPECT_EQ(upstream.count(kCompleted), 1u) << "the completed ones not before idle_poll_interval";
  EXPECT_TRUE(exported("done")) << "known completed tasks hold between their reads";
  EXPECT_EQ(upstream.count(by_id("a")) + upstream.count(by_id("done")), 0u) << "nothing read by id while listed";
  clock.advance(1h);
  poller->poll_once();
  EXPECT_EQ(upstream.count(kCompleted), 2u);
}

TEST_F(RepairTasksPollTest, ATaskThatLeavesTheActiveListIsReadOnceByIdToLearnItsResult) {
  make_poller();
  serve({{"t", "Restoring"}});
  poller->poll_once();
  EXPECT_EQ(series("upgrade_in_progress", "t"), "1");
  clock.advance(30s);
  serve({{"t", "Completed", 630, 10, "Cancelled"}});
  poller->poll_once();
  EXPECT_EQ(upstream.count(by_id("t")), 1u);
  EXPECT_EQ(upstream.count(kCompleted), 1u) << "the completed list is not read for it";
  EXPECT_EQ(series("upgrade_in_progress", "t"), "0") << page();
  EXPECT_NE(page().find("upgrade_phase{target=\"sf\",kind=\"repair_task\",name=\"t\",phase=\"rolled_back\"} 1"),
            std::string::npos);
  clock.advance(30s);
  poller->poll_once();
  EXPECT_EQ(upstream.count(by_id("t")), 1u) << "once";
  EXPECT_TRUE(exported("t")) << "kept for the retention";
}

TEST_F(RepairTasksPollTest, ATaskDeletedWhileUnderWayGoesAndOneThatCannotBeReadStays) {
  make_poller();
  serve({{"deleted", "Executing"}, {"unreadable", "Executing"}, {"prefix", "Executing"}});
  poller->poll_once();
  clock.advance(30s);
  serve({});
  upstream.set_json(by_id("deleted"), body({{"deleted-too-but-longer", "Executing"}}));
  upstream.set(by_id("unreadable"), {500, "oops"});
  upstream.set_json(by_id("prefix"), "[]");
  poller->poll_once();
  EXPECT_FALSE(exported("deleted")) << "the id filter is a prefix: only the exact id counts";
  EXPECT_FALSE(exported("deleted-too-but-longer"));
  EXPECT_FALSE(exported("prefix"));
  EXPECT_TRUE(exported("unreadable")) << "its last values, until max_staleness";
  EXPECT_NE(metrics.render().find("upgrade_exporter_target_up{target=\"sf\"} 1"), std::string::npos);
}

TEST_F(RepairTasksPollTest, AKnownTaskThatTheCompletedListNamesPastItsRetentionIsNotAlsoReadById) {
  make_poller(target("    repair_task_retention: 10m\n"));
  serve({{"t", "Executing"}});
  poller->poll_once();
  EXPECT_TRUE(exported("t"));
  clock.advance(1h);  // the completed list is due again
  serve({{"t", "Completed", 4000, 30 * 60, "Succeeded"}});
  poller->poll_once();
  EXPECT_EQ(upstream.count(kCompleted), 2u);
  EXPECT_EQ(upstream.count(by_id("t")), 0u) << "the completed list named it, though it is not kept";
  EXPECT_FALSE(exported("t")) << "completed 30 minutes ago, past the 10m retention";
}

TEST_F(RepairTasksPollTest, ABrokenStreamedListIsCountedOnceAndLosesOnlyItsKind) {
  make_poller();
  serve({{"a", "Executing"}});
  upstream.set_json(kActive, R"([{"TaskId": "a", "State": "Executing"}, {"TaskId": )");  // cut short
  poller->poll_once();
  upstream.set_json(kActive, "[" + std::string(200, '['));  // too deep: refused while it streams
  clock.advance(30s);
  poller->poll_once();
  const std::string counted =
      "upgrade_exporter_request_errors_total{endpoint=\"repair_tasks_active\",reason=\"parse\",target=\"sf\"} 2";
  EXPECT_NE(metrics.render().find(counted), std::string::npos) << metrics.render();
  EXPECT_NE(metrics.render().find("upgrade_exporter_requests_total{endpoint=\"repair_tasks_active\",target=\"sf\"} 2"),
            std::string::npos);
  EXPECT_FALSE(exported("a"));
}

TEST(WholeListing, SelectsByIncludeOnceEachAndRecentFirst) {
  Config config = parse_config(R"(
targets:
  - name: sf
    type: service_fabric
    url: http://127.0.0.1:1
    exclude: ["^skip"]
    max_objects: 3
)",
                               "test.yml");
  const TargetConfig& t = config.targets.at(0);
  const auto object = [](std::string name, Phase phase, std::optional<double> end_time) {
    WholeObject o{.name = std::move(name), .upgrade = {}};
    o.upgrade.phase = phase;
    o.upgrade.end_time = end_time;
    return o;
  };
  WholeRead read;
  read.active.push_back(object("run", Phase::rolling_forward, std::nullopt));
  read.active.push_back(object("skip-me", Phase::rolling_forward, std::nullopt));
  read.active.push_back(object("run", Phase::rolling_forward, std::nullopt));
  read.ended.emplace();
  read.ended->push_back(object("old", Phase::completed, 1100));
  read.ended->push_back(object("oldest", Phase::completed, 1050));
  read.ended->push_back(object("new", Phase::failed, 1500));
  read.ended->push_back(object("untimed", Phase::completed, std::nullopt));
  read.ended->push_back(object("expired", Phase::completed, 100));
  Snapshot snapshot;
  WholeSelection selection = select_whole(std::move(read), snapshot, Kind::repair_task, t, std::chrono::seconds(1000), 2000);
  std::vector<std::string> names;
  for (const WholeObject& o : selection.fresh) names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"run", "new", "old"}));
  EXPECT_EQ(selection.dropped, 1u) << "oldest";
  EXPECT_TRUE(selection.kept.empty());
}

TEST(WholeListing, OnlyWhatSelectWholeMayKeepOrTheSnapshotHasUnderWayIsHeldAsTheListStreams) {
  Config config = parse_config(
      "targets:\n  - name: sf\n    type: service_fabric\n    url: http://127.0.0.1:1\n    exclude: [\"^skip\"]\n", "t.yml");
  const TargetConfig& t = config.targets.at(0);
  Snapshot snapshot;
  Upgrade running;
  running.phase = Phase::rolling_forward;
  snapshot.record(Kind::repair_task, "was-running", running, 1900, SteadyTime{});
  const auto held = [&](std::string name, Phase phase, std::optional<double> end_time) {
    WholeObject o{.name = std::move(name), .upgrade = {}};
    o.upgrade.phase = phase;
    o.upgrade.end_time = end_time;
    return worth_holding(o, snapshot, Kind::repair_task, t, std::chrono::seconds(1000), 2000);
  };
  EXPECT_TRUE(held("run", Phase::rolling_forward, std::nullopt));
  EXPECT_TRUE(held("recent", Phase::completed, 1500));
  EXPECT_FALSE(held("expired", Phase::completed, 500));
  EXPECT_FALSE(held("untimed", Phase::failed, std::nullopt));
  EXPECT_FALSE(held("skip-run", Phase::rolling_forward, std::nullopt)) << "not selected";
  EXPECT_TRUE(held("was-running", Phase::completed, 500)) << "vanished_objects must see it listed";
}

TEST(WholeListing, BetweenReadsOfTheEndedListTheKnownEndedObjectsHold) {
  Config config = parse_config("targets:\n  - name: sf\n    type: service_fabric\n    url: http://127.0.0.1:1\n", "t.yml");
  Snapshot snapshot;
  Upgrade ended;
  ended.phase = Phase::completed;
  ended.end_time = 9000;
  snapshot.record(Kind::repair_task, "done", ended, 9000, SteadyTime{});
  ended.end_time = 100;
  snapshot.record(Kind::repair_task, "expired", ended, 1900, SteadyTime{});
  Upgrade running;
  running.phase = Phase::rolling_forward;
  snapshot.record(Kind::repair_task, "gone", running, 1900, SteadyTime{});
  snapshot.record(Kind::repair_task, "failing", running, 1900, SteadyTime{});

  WholeRead read;
  EXPECT_EQ(vanished_objects(read, snapshot, Kind::repair_task), (std::vector<std::string>{"failing", "gone"}));
  read.unread = {"failing"};
  WholeSelection selection = select_whole(std::move(read), snapshot, Kind::repair_task, config.targets.at(0),
                                          std::chrono::hours(1), 10000);
  EXPECT_TRUE(selection.fresh.empty());
  EXPECT_EQ(selection.kept, (std::vector<std::string>{"done"}));
  EXPECT_EQ(selection.unread, (std::vector<std::string>{"failing"}));
}

}  // namespace
}  // namespace ue
