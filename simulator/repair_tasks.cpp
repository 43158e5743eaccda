#include "repair_tasks.h"

#include <algorithm>
#include <array>
#include <optional>

#include "sf_format.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

// RepairTaskState, in order; the StateFilter bit of each is 1 << index.
constexpr std::array<const char*, 7> kStates = {"Created",   "Claimed",   "Preparing", "Approved",
                                                "Executing", "Restoring", "Completed"};
constexpr const char* kHistoryFields[7] = {"CreatedUtcTimestamp",   "ClaimedUtcTimestamp",   "PreparingUtcTimestamp",
                                           "ApprovedUtcTimestamp",  "ExecutingUtcTimestamp", "RestoringUtcTimestamp",
                                           "CompletedUtcTimestamp"};
constexpr const char* kUnset = "0001-01-01T00:00:00.000Z";
// How many past runs of a domain walk the Repair Manager still lists.
constexpr long kKeptRuns = 3;

struct HealthCheck {
  std::string state = "NotStarted";
  std::optional<SimTime> start, end;
};

// One task as it stands at a time.
struct Task {
  std::string id, action, executor, impact = "Restart";
  std::vector<std::string> nodes;
  int state = 0;                                // index into kStates
  std::array<std::optional<SimTime>, 7> entered;  // when it entered each state
  HealthCheck preparing, restoring;
  std::string result = "Pending";
};

Task new_task(const RepairTaskPlay& play, std::string id) {
  Task task;
  task.id = std::move(id);
  task.action = play.action;
  task.executor = play.executor;
  return task;
}

std::string stamp(const std::optional<SimTime>& t, WallClock::time_point epoch) {
  return t ? utc_timestamp(epoch + *t) : kUnset;
}

Json task_json(const Task& task, WallClock::time_point epoch) {
  Json nodes = Json::array(), impacts = Json::array();
  for (const std::string& node : task.nodes) {
    nodes.push_back(node);
    impacts.push_back({{"NodeName", node}, {"ImpactLevel", task.impact}});
  }
  Json history = Json::object();
  for (std::size_t i = 0; i < kStates.size(); ++i) history[kHistoryFields[i]] = stamp(task.entered[i], epoch);
  history["PreparingHealthCheckStartUtcTimestamp"] = stamp(task.preparing.start, epoch);
  history["PreparingHealthCheckEndUtcTimestamp"] = stamp(task.preparing.end, epoch);
  history["RestoringHealthCheckStartUtcTimestamp"] = stamp(task.restoring.start, epoch);
  history["RestoringHealthCheckEndUtcTimestamp"] = stamp(task.restoring.end, epoch);
  return {{"Scope", {{"Kind", "Cluster"}}},
          {"TaskId", task.id},
          {"Version", "1"},
          {"Description", ""},
          {"State", kStates[task.state]},
          {"Flags", 0},
          {"Action", task.action},
          {"Target", {{"Kind", "Node"}, {"NodeNames", nodes}}},
          {"Executor", task.executor},
          {"ExecutorData", ""},
          {"Impact", {{"Kind", "Node"}, {"NodeImpactList", impacts}}},
          {"ResultStatus", task.result},
          {"ResultCode", 0},
          {"ResultDetails", ""},
          {"History", history},
          {"PreparingHealthCheckState", task.preparing.state},
          {"RestoringHealthCheckState", task.restoring.state},
          {"PerformPreparingHealthCheck", true},
          {"PerformRestoringHealthCheck", true}};
}

// A health check run from `start` for `length`; Succeeded after it.
HealthCheck check_run(SimTime start, Micros length, SimTime t) {
  HealthCheck check;
  check.start = start;
  check.state = t < start + length ? "InProgress" : "Succeeded";
  if (t >= start + length) check.end = start + length;
  return check;
}

// Task `index` of a domain walk: created at start + index × 4 state lengths, then a
// state length each in Preparing (its health check the first half), Approved,
// Executing and Restoring (its health check the first half), then Completed.
Task walk_task(const RepairTaskPlay& play, long index, SimTime t) {
  const long domains = static_cast<long>(play.domains.size());
  const Micros length = play.state_length;
  const SimTime created = play.start + index * 4 * length;
  Task task = new_task(play, play.id + "/" + play.domains[index % domains] + "/" + std::to_string(index / domains));
  for (int j = 0; j < play.nodes_per_domain; ++j)
    task.nodes.push_back("_Node_" + std::to_string((index % domains) * play.nodes_per_domain + j));
  const std::array<SimTime, 7> at = {created, created, created, created + length, created + 2 * length,
                                     created + 3 * length, created + 4 * length};
  for (int s = 0; s < 7 && t >= at[s]; ++s) {
    task.state = s;
    task.entered[s] = at[s];
  }
  task.preparing = check_run(created, length / 2, t);
  if (task.state >= 5) task.restoring = check_run(at[5], length / 2, t);
  if (task.state == 6) task.result = "Succeeded";
  return task;
}

void add_walk(const RepairTaskPlay& play, SimTime t, std::vector<Task>& tasks) {
  if (t < play.start || play.domains.empty()) return;
  const long current = (t - play.start) / (4 * play.state_length);
  const long first = std::max(0L, current - kKeptRuns * static_cast<long>(play.domains.size()));
  for (long i = first; i <= current; ++i) tasks.push_back(walk_task(play, i, t));
}

// Claimed at the start, Preparing at once, its health check never ending.
Task stuck_task(const RepairTaskPlay& play) {
  Task task = new_task(play, play.id);
  task.nodes = play.nodes;
  task.state = 2;
  for (int s = 0; s <= 2; ++s) task.entered[s] = play.start;
  task.preparing.state = "InProgress";
  task.preparing.start = play.start;
  return task;
}

// Executing from the start on the node the application's upgrade is on.
Task holding_task(const RepairTaskPlay& play, SimTime t, const HeldNode& held_node) {
  Task task = new_task(play, play.id);
  const std::string node = held_node(play.application, t);
  if (node.empty())
    task.nodes = play.nodes;  // between the application's upgrades
  else
    task.nodes.push_back(node);
  task.state = 4;
  for (int s = 0; s <= 3; ++s) task.entered[s] = play.start - 1min;
  task.entered[4] = play.start;
  task.preparing.state = "Skipped";
  return task;
}

// Task i of `count` completed before the start: created 10 minutes after the
// one before it, each Succeeded 5 minutes after its creation.
Task history_task(const RepairTaskPlay& play, int i) {
  Task task = new_task(play, play.id + "/" + std::to_string(i));
  const int nodes = std::max<int>(1, static_cast<int>(play.domains.size()) * play.nodes_per_domain);
  task.nodes.push_back("_Node_" + std::to_string(i % nodes));
  const SimTime created = play.start - (play.count - i) * 10min;
  for (int s = 0; s < 7; ++s) task.entered[s] = created + (s < 6 ? s * 1min : 5min);
  task.state = 6;
  task.preparing = check_run(created + 2min, 30s, created + 5min);
  task.restoring = check_run(created + 4min, 30s, created + 5min);
  task.result = "Succeeded";
  return task;
}

bool selected(const Task& task, const RepairTaskFilter& filter) {
  if (!task.id.starts_with(filter.task_id_prefix)) return false;
  if (!filter.executor.empty() && task.executor != filter.executor) return false;
  return filter.states == 0 || (filter.states & (1 << task.state)) != 0;
}

}  // namespace

Json repair_task_list(const std::vector<RepairTaskPlay>& plays, SimTime t, const RepairTaskFilter& filter,
                      WallClock::time_point epoch, const HeldNode& held_node) {
  std::vector<Task> tasks;
  for (const RepairTaskPlay& play : plays) {
    if (play.play == RepairTaskPlay::Play::walk_domains) {
      add_walk(play, t, tasks);
    } else if (play.play == RepairTaskPlay::Play::completed_history) {
      for (int i = 0; i < play.count; ++i) tasks.push_back(history_task(play, i));
    } else if (t >= play.start) {
      tasks.push_back(play.play == RepairTaskPlay::Play::stuck_preparing_health_check ? stuck_task(play)
                                                                                       : holding_task(play, t, held_node));
    }
  }
  Json list = Json::array();
  for (const Task& task : tasks)
    if (selected(task, filter)) list.push_back(task_json(task, epoch));
  return list;
}

}  // namespace sim
