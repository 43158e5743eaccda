// Kind `repair_task`: Service Fabric repair tasks (platform updates, OS
// patching, node repairs), GET /$/GetRepairTaskList. One answer is a JSON
// array holding every task whole, so the kind is listed whole: no per-object
// read. A cluster without the Repair Manager answers 4xx: a feature probe.
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>

#include "base/json_array_stream.h"
#include "base/json_fields.h"
#include "base/url_escape.h"
#include "sources/parsers.h"
#include "sources/state_table.h"

namespace ue {

namespace {

// RepairTaskState, in the order a task walks it. Completed maps by
// ResultStatus (completed_phase); the table's value is only its default.
constexpr std::array<StatePhase, 7> kRepairStates = {{
    {"Created", Phase::rolling_forward},
    {"Claimed", Phase::rolling_forward},
    {"Preparing", Phase::rolling_forward},
    {"Approved", Phase::rolling_forward},
    {"Executing", Phase::rolling_forward},
    {"Restoring", Phase::rolling_forward},
    {"Completed", Phase::failed},
}};

// The History field that says when a task entered each state.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kStateTimestamps = {{
    {"Created", "CreatedUtcTimestamp"},
    {"Claimed", "ClaimedUtcTimestamp"},
    {"Preparing", "PreparingUtcTimestamp"},
    {"Approved", "ApprovedUtcTimestamp"},
    {"Executing", "ExecutingUtcTimestamp"},
    {"Restoring", "RestoringUtcTimestamp"},
    {"Completed", "CompletedUtcTimestamp"},
}};

// Real ids are under a hundred bytes; a longer one is not a task id.
constexpr std::size_t kMaxTaskIdBytes = 1024;

// StateFilter: 63 is every state but Completed (64).
std::string task_path(const std::string& task_id) {
  return "/$/GetRepairTaskList?api-version=6.0&TaskIdFilter=" + escape_query_value(task_id);
}

constexpr WholeListing kWholeListing{
    .active_endpoint = "repair_tasks_active",
    .active_path = "/$/GetRepairTaskList?api-version=6.0&StateFilter=63",
    .ended_endpoint = "repair_tasks_completed",
    .ended_path = "/$/GetRepairTaskList?api-version=6.0&StateFilter=64",
    .object_endpoint = "repair_task_result",
    .object_path = task_path,
    .parse_element = parse_repair_task,
};

// Lenient readers: in an answer of thousands of tasks, a field of the wrong
// type is left out rather than costing its task or the answer.
const Json* object_or_null(const Json& holder, std::string_view key) {
  const Json* value = find_field(holder, key);
  return value && value->is_object() ? value : nullptr;
}
const Json* array_or_null(const Json& holder, std::string_view key) {
  const Json* value = find_field(holder, key);
  return value && value->is_array() ? value : nullptr;
}
std::string text_of(const Json& holder, std::string_view key) { return string_or_empty(find_field(holder, key)); }
// A History field; the 0001-01-01 sentinel and text that is no time are unset.
std::optional<double> history_time(const Json* history, std::string_view key) {
  if (!history) return std::nullopt;
  try {
    return timestamp_field(*history, key);
  } catch (const SourceError&) {
    return std::nullopt;
  }
}
void add_text_info(Upgrade& up, std::string_view label, const Json& task, std::string_view key) {
  std::string text = text_of(task, key);
  if (!text.empty()) up.info.emplace_back(label, std::move(text));
}

Phase completed_phase(std::string_view result_status) {
  if (result_status == "Succeeded") return Phase::completed;
  if (result_status == "Cancelled") return Phase::rolled_back;
  return Phase::failed;  // Failed, Interrupted, and whatever else ends a task
}

// Every state but Completed is a task under way, a newer unknown one too.
Phase repair_phase(std::string_view state, std::string_view result_status) {
  return state == "Completed" ? completed_phase(result_status) : Phase::rolling_forward;
}

std::optional<double> state_timestamp(const Json* history, std::string_view state) {
  for (const auto& [name, field] : kStateTimestamps)
    if (name == state) return history_time(history, field);
  return std::nullopt;
}

// Impact.NodeImpactList with each ImpactLevel; when it names no node,
// Target.NodeNames without an impact. Each name once, at most kMaxDetailedNodes.
std::vector<RepairTaskNode> read_nodes(const Json& task) {
  std::vector<RepairTaskNode> nodes;
  std::unordered_set<std::string> seen;
  const auto add = [&](std::string name, std::string impact) {
    if (name.empty() || nodes.size() >= kMaxDetailedNodes || !seen.insert(name).second) return;
    nodes.push_back({std::move(name), std::move(impact)});
  };
  if (const Json* impact = object_or_null(task, "Impact"))
    if (const Json* list = array_or_null(*impact, "NodeImpactList"))
      for (const Json& entry : *list) add(text_of(entry, "NodeName"), text_of(entry, "ImpactLevel"));
  if (!nodes.empty()) return nodes;
  if (const Json* target = object_or_null(task, "Target"))
    if (const Json* names = array_or_null(*target, "NodeNames"))
      for (const Json& name : *names) add(string_or_empty(&name), "");
  return nodes;
}

RepairHealthCheck read_health_check(const Json& task, const Json* history, std::string_view state_key,
                                    std::string_view start_key) {
  RepairHealthCheck check;
  check.state = text_of(task, state_key);
  check.start_time = history_time(history, start_key);
  return check;
}

std::optional<WholeObject> read_task(const Json& task, double now_unix) {
  std::string id = text_of(task, "TaskId");
  std::string state = text_of(task, "State");
  if (id.empty() || id.size() > kMaxTaskIdBytes || state.empty()) return std::nullopt;
  const Json* history = object_or_null(task, "History");
  WholeObject object{.name = std::move(id), .upgrade = {}};
  Upgrade& up = object.upgrade;
  const std::string result_status = text_of(task, "ResultStatus");
  up.phase = repair_phase(state, result_status);
  up.transition_time = state_timestamp(history, state);
  up.start_time = history_time(history, "CreatedUtcTimestamp");
  if (state == "Completed") up.end_time = state_timestamp(history, state);
  const std::optional<double> end = state == "Completed" ? up.end_time : std::optional<double>(now_unix);
  // In milliseconds, as History has them, without the sum's floating-point noise.
  if (up.start_time && end) up.duration = std::max(0.0, std::round((*end - *up.start_time) * 1000) / 1000);
  up.state = std::move(state);
  add_text_info(up, "action", task, "Action");
  add_text_info(up, "executor", task, "Executor");
  add_text_info(up, "result_status", task, "ResultStatus");
  up.repair_task = RepairTaskDetail{
      .nodes = read_nodes(task),
      .preparing = read_health_check(task, history, "PreparingHealthCheckState", "PreparingHealthCheckStartUtcTimestamp"),
      .restoring = read_health_check(task, history, "RestoringHealthCheckState", "RestoringHealthCheckStartUtcTimestamp"),
  };
  return object;
}

}  // namespace

std::vector<WholeObject> parse_repair_tasks(std::string_view body, double now_unix) {
  std::vector<WholeObject> tasks;
  for_each_array_element(body, [&](const Json& element) {
    if (std::optional<WholeObject> task = parse_repair_task(element, now_unix)) tasks.push_back(std::move(*task));
  });
  return tasks;
}

std::optional<WholeObject> parse_repair_task(const Json& element, double now_unix) {
  return read_task(element, now_unix);  // an entry that is no object has no TaskId: skipped
}

Source repair_tasks_source() {
  return Source{
      .kind = Kind::repair_task,
      .target_type = TargetType::service_fabric,
      .collect_name = "repair_tasks",
      .states = state_names(kRepairStates),
      .whole = &kWholeListing,
      .feature_probe = true,
  };
}

}  // namespace ue
