// render_upgrades_json: the FleetView as the JSON of /api/v1/upgrades. The
// schema is documented in the README ("Status page and API"); absent values
// are left out rather than sent as null.
#include "render/upgrades_api.h"

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "base/time_formats.h"
#include "model/history.h"
#include "render/repair_holds.h"

namespace ue {
namespace {

// Keys keep the order they are written in: identity first, as the README shows them.
using json = nlohmann::ordered_json;

// Whole numbers (counts, most timestamps) as JSON integers, "3" rather than "3.0".
json number(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9e15)
    return static_cast<std::int64_t>(value);
  return value;
}

// A timestamp as two fields: `key` in RFC 3339 UTC and `key_unix` in Unix seconds.
void put_time(json& out, const std::string& key, double unix_seconds) {
  out[key] = format_rfc3339(unix_seconds);
  out[key + "_unix"] = number(unix_seconds);
}

void put_time(json& out, const std::string& key, const std::optional<double>& unix_seconds) {
  if (unix_seconds) put_time(out, key, *unix_seconds);
}

void put(json& out, const char* key, const std::optional<double>& value) {
  if (value) out[key] = number(*value);
}

void put(json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

template <std::size_t N>
json counts(const std::array<std::string_view, N>& names, const std::array<double, N>& values) {
  json out = json::object();
  for (std::size_t i = 0; i < N; ++i) out[std::string(names[i])] = number(values[i]);
  return out;
}

json exporter_json(const FleetView& fleet) {
  json out = {{"version", fleet.version}, {"revision", fleet.revision}};
  put_time(out, "start", fleet.started);
  out["uptime_seconds"] = number(fleet.generated - fleet.started);
  if (fleet.last_reload) {
    json reload = {{"success", fleet.last_reload->success}};
    put_time(reload, "time", fleet.last_reload->time);
    put(reload, "error", fleet.last_reload->error);
    out["last_reload"] = std::move(reload);
  }
  return out;
}

json target_json(const TargetView& target) {
  json out = {{"name", target.name},
              {"type", target_type_name(target.type)},
              {"poll_interval_seconds", number(target.poll_interval)},
              {"stall_window_seconds", number(target.stall_window)},
              {"polled", target.polled},
              {"up", target.up}};
  put_time(out, "last_success", target.last_success);
  if (target.polled) out["last_poll_duration_seconds"] = number(target.last_poll_duration);
  if (target.last_error) {
    json error = {{"endpoint", target.last_error->endpoint}, {"reason", reason_name(target.last_error->reason)}};
    put_time(error, "time", target.last_error->time);
    out["last_error"] = std::move(error);
  }
  json objects = json::object();
  for (const auto& [kind, count] : target.objects_per_kind) objects[std::string(kind_name(kind))] = count;
  out["objects"] = std::move(objects);
  return out;
}

json health_check_json(const Upgrade& u) {
  json out = json::object();
  put(out, "phase", u.health_check_phase);
  put(out, "elapsed_seconds", u.health_check_elapsed);
  put(out, "wait_seconds", u.health_check_wait);
  put(out, "stable_seconds", u.health_check_stable);
  put(out, "retry_timeout_seconds", u.health_check_retry_timeout);
  put(out, "retry_flips", u.health_check_retry_flips);
  return out;
}

json node_json(const NodeProgress& node, const NodeHolders& holders) {
  json checks = json::array();
  for (const SafetyCheck& check : node.pending) {
    json c = {{"kind", check.kind}};
    put(c, "partition_id", check.partition_id);
    checks.push_back(std::move(c));
  }
  json out = {{"name", node.name}, {"phase", node.phase}, {"pending_safety_checks", std::move(checks)}};
  // The active repair tasks on the same target that hold this node, by TaskId; absent when none does.
  if (const auto& tasks = holders.of(node.name); !tasks.empty()) {
    json held_by = json::array();
    for (const ObjectView* task : tasks) held_by.push_back(task->name);
    out["held_by"] = std::move(held_by);
  }
  return out;
}

json repair_check_json(const RepairHealthCheck& check) {
  json out = json::object();
  put(out, "state", check.state);
  put_time(out, "start_time", check.start_time);
  return out;
}

// repair_task: the nodes it holds with their impact, and its two health checks.
json repair_task_json(const RepairTaskDetail& task) {
  json nodes = json::array();
  for (const RepairTaskNode& node : task.nodes) {
    json n = {{"name", node.name}};
    put(n, "impact", node.impact);  // absent for a node of Target.NodeNames
    nodes.push_back(std::move(n));
  }
  return {{"nodes", std::move(nodes)},
          {"preparing_health_check", repair_check_json(task.preparing)},
          {"restoring_health_check", repair_check_json(task.restoring)}};
}

// Qumulo data protection: the restriper, the failures the cluster can still
// take and its nodes, each only when the cluster served it.
void put_qumulo_protection(json& out, const Upgrade& u) {
  if (u.restriper) {
    json restriper = json::object();
    put(restriper, "state", u.restriper->state);
    put(restriper, "phase", u.restriper->phase);  // empty unless running
    if (u.restriper->data_at_risk) restriper["data_at_risk"] = *u.restriper->data_at_risk;
    put(restriper, "progress_ratio", u.restriper->progress_ratio);
    put(restriper, "elapsed_seconds", u.restriper->elapsed_seconds);
    put(restriper, "blocked_reason", u.restriper->blocked_reason);
    out["restriper"] = std::move(restriper);
  }
  if (u.protection) {
    json protection = json::object();
    put(protection, "remaining_node_failures", u.protection->remaining_node_failures);
    put(protection, "max_node_failures", u.protection->max_node_failures);
    put(protection, "remaining_drive_failures", u.protection->remaining_drive_failures);
    put(protection, "max_drive_failures", u.protection->max_drive_failures);
    put(protection, "protection_system_type", u.protection->protection_system_type);
    out["protection"] = std::move(protection);
  }
  if (!u.cluster_nodes.empty()) {
    json nodes = json::array();
    for (const ClusterNode& node : u.cluster_nodes) nodes.push_back({{"name", node.name}, {"status", node.status}});
    out["cluster_nodes"] = std::move(nodes);
  }
}

json past_upgrade_json(const PastUpgrade& upgrade) {
  json out = json::object();
  put(out, "from_version", upgrade.from_version);
  put(out, "to_version", upgrade.to_version);
  put_time(out, "start_time", upgrade.start);  // absent when its start is older than the window
  put_time(out, "end_time", upgrade.end);      // absent while running
  out["outcome"] = upgrade_outcome_name(upgrade.outcome);
  out["rollback_started"] = upgrade.rollback_started;
  put(out, "duration_seconds", upgrade.duration);
  json domains = json::array();
  for (const CompletedDomain& domain : upgrade.domains) {
    json d = json::object();
    put_time(d, "end_time", domain.end);
    d["duration_seconds"] = number(domain.seconds);
    d["rolling_back"] = domain.rolling_back;
    domains.push_back(std::move(d));
  }
  out["domains"] = std::move(domains);
  return out;
}

// What the object's history says: where it came from, the window's counts,
// the last finished upgrade, the typical domain time and every upgrade known.
json history_json(const ObjectHistory& history) {
  json out = {{"source", history.source},
              {"upgrades_in_window", {{"completed", number(history.completed)},
                                      {"rolled_back", number(history.rolled_back)}}}};
  if (history.last_finished) out["last_finished"] = past_upgrade_json(*history.last_finished);
  put(out, "typical_domain_seconds", history.typical_domain_seconds);
  out["domain_samples"] = history.domain_samples;
  json upgrades = json::array();
  for (const PastUpgrade& upgrade : history.upgrades) upgrades.push_back(past_upgrade_json(upgrade));
  out["upgrades"] = std::move(upgrades);
  return out;
}

// The forecast as /metrics has it, and how it was made.
void put_forecast(json& out, const ObjectView& object) {
  const std::optional<Forecast> forecast = forecast_completion(object.upgrade, object.history.get(), object.read_at);
  if (!forecast) return;
  put_time(out, "estimated_completion", forecast->completion);
  out["forecast_method"] = forecast_method_name(forecast->method);
}

json upgrade_json(const TargetView& target, const ObjectView& object, const NodeHolders& holders, double now) {
  const Upgrade& u = object.upgrade;
  json out = {{"target", target.name},
              {"kind", kind_name(object.kind)},
              {"name", object.name},
              {"phase", phase_name(u.phase)},
              {"state", u.state},
              {"in_progress", in_progress(u.phase)},
              {"awaiting_operator", u.awaiting_operator},
              {"stalled", is_stalled(target, object, now)},
              {"notable", is_notable(object, now)}};
  put(out, "progress_ratio", u.progress_ratio);
  if (u.domains) out["domains"] = counts(kDomainStates, *u.domains);
  put(out, "current_domain", u.current_domain);
  put_time(out, "start_time", u.start_time);
  put_time(out, "failure_time", u.failure_time);
  put_forecast(out, object);
  put(out, "duration_seconds", u.duration);
  put(out, "timeout_seconds", u.timeout);
  if (u.duration && u.timeout) out["time_left_seconds"] = number(*u.timeout - *u.duration);
  put(out, "domain_duration_seconds", u.domain_duration);
  put(out, "domain_timeout_seconds", u.domain_timeout);
  if (u.domain_duration && u.domain_timeout)
    out["domain_time_left_seconds"] = number(*u.domain_timeout - *u.domain_duration);
  if (json health_check = health_check_json(u); !health_check.empty()) out["health_check"] = std::move(health_check);
  put(out, "replica_set_check_timeout_seconds", u.replica_set_check_timeout);
  put(out, "pending_safety_checks", u.pending_safety_checks);
  if (u.nodes) out["nodes"] = counts(kNodePhases, *u.nodes);
  if (!u.current_nodes.empty()) {
    json nodes = json::array();
    for (const NodeProgress& node : u.current_nodes) nodes.push_back(node_json(node, holders));
    out["current_nodes"] = std::move(nodes);
  }
  put(out, "unhealthy_evaluations", u.unhealthy_evaluations);
  if (!u.unhealthy_evaluations_by_kind.empty()) {
    json by_kind = json::object();
    for (const auto& [kind, count] : u.unhealthy_evaluations_by_kind) by_kind[kind] = number(count);
    out["unhealthy_evaluations_by_kind"] = std::move(by_kind);
  }
  if (!u.replicas.empty()) {
    json replicas = json::array();
    for (const ReplicaProgress& r : u.replicas)
      replicas.push_back(
          {{"service_name", r.service_name}, {"completed", number(r.completed)}, {"pending", number(r.pending)}});
    out["replicas"] = std::move(replicas);
  }
  put(out, "config_progress_status", u.config_progress_status);
  if (u.reboot) {
    out["reboot"] = {{"state", u.reboot->state},
                     {"rebooted_nodes", number(u.reboot->rebooted_nodes)},
                     {"total_nodes", number(u.reboot->total_nodes)}};
  }
  if (u.blocked)
    out["blocked"] = {{"is_blocked", u.blocked->is_blocked}, {"cluster_degraded", u.blocked->cluster_degraded}};
  put_qumulo_protection(out, u);
  if (u.repair_task) out["repair_task"] = repair_task_json(*u.repair_task);
  json info = json::object();
  for (const auto& [label, value] : u.info) info[std::string(label)] = value;
  out["info"] = std::move(info);
  put_time(out, "last_transition", object.last_transition);
  out["since_transition_seconds"] = number(now - object.last_transition);
  put_time(out, "phase_changed", object.phase_changed);
  if (object.history) out["history"] = history_json(*object.history);
  return out;
}

json filter_json(const StatusQuery& query) {
  json kinds = json::array(), phases = json::array();
  for (Kind kind : query.kinds) kinds.push_back(kind_name(kind));
  for (Phase phase : query.phases) phases.push_back(phase_name(phase));
  return {{"target", query.targets}, {"kind", std::move(kinds)}, {"phase", std::move(phases)}};
}

}  // namespace

// The options are the status page's (its links); the JSON needs none of them.
std::string render_upgrades_json(const FleetView& fleet, const StatusQuery& query, const StatusOptions& /*options*/) {
  // Upstream text may hold any bytes: invalid UTF-8 becomes U+FFFD instead of an exception.
  const auto dump = [](const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); };
  json out = json::object();
  put_time(out, "generated", fleet.generated);
  out["exporter"] = exporter_json(fleet);
  out["stall_window_seconds"] = number(fleet.stall_window);
  out["filter"] = filter_json(query);
  json targets = json::array();
  for (const auto& target : fleet.targets)
    if (query.matches_target(target->name)) targets.push_back(target_json(*target));
  out["targets"] = std::move(targets);
  // The upgrades are written one at a time: a document of every object of a
  // large fleet would hold several times the text's size in memory at once.
  std::string text = dump(out);
  text.pop_back();  // the closing brace; "upgrades" comes last
  text += ",\"upgrades\":[";
  bool first = true;
  for (const auto& target : fleet.targets) {
    if (!query.matches_target(target->name)) continue;
    const NodeHolders holders(*target);  // from every object, whatever the kind filter
    for (const auto& object : target->objects) {
      if (!query.matches(*object)) continue;
      if (!first) text += ',';
      first = false;
      text += dump(upgrade_json(*target, *object, holders, fleet.generated));
    }
  }
  text += "]}\n";
  return text;
}

}  // namespace ue
