// The series of one object, from its Upgrade and, for clusters and
// applications, its history: StateSets with one series per known value,
// counts per label value, and gauges only where upstream gave a value.
#include "render/object_series.h"

#include <array>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>
#include <string_view>

#include "model/history.h"
#include "sources/source.h"

namespace ue {
namespace {

void add_optional(SampleWriter& w, Family family, const std::optional<double>& value) {
  if (value) w.add(family, *value);
}

template <class Values>
void add_state_set(SampleWriter& w, Family family, const char* label, const Values& known, std::string_view current) {
  bool seen = false;
  for (auto value : known) {
    bool on = value == current;
    seen |= on;
    w.add(family, on ? 1 : 0, {{label, value}});
  }
  // A value the enum did not know yet (a newer upstream) is still exported.
  if (!seen && !current.empty()) w.add(family, 1, {{label, current}});
}

template <class Names, class Counts>
void add_counts(SampleWriter& w, Family family, const char* label, const Names& names, const Counts& counts) {
  for (std::size_t i = 0; i < names.size(); ++i) w.add(family, counts[i], {{label, names[i]}});
}

// The current domain's nodes: node_info, the pending checks of each node per
// kind, then the partitions they wait for. Families are written in order, so
// each is a pass of its own.
void add_node_detail(SampleWriter& w, const std::vector<NodeProgress>& nodes) {
  for (const NodeProgress& node : nodes) w.add(Family::node_info, 1, {{"node", node.name}, {"phase", node.phase}});
  std::map<std::string_view, double> per_kind;
  for (const NodeProgress& node : nodes) {
    per_kind.clear();
    for (const SafetyCheck& check : node.pending) per_kind[check.kind] += 1;
    for (const auto& [check, count] : per_kind)
      w.add(Family::node_pending_safety_checks, count, {{"node", node.name}, {"check", check}});
  }
  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> seen;
  for (const NodeProgress& node : nodes) {
    for (const SafetyCheck& check : node.pending) {
      if (check.partition_id.empty() || seen.size() >= kMaxBlockingPartitions) continue;
      if (!seen.emplace(node.name, check.kind, check.partition_id).second) continue;  // one series each
      w.add(Family::blocking_partition_info, 1,
            {{"node", node.name}, {"check", check.kind}, {"partition_id", check.partition_id}});
    }
  }
}

// Qumulo's cluster nodes: node_info, one per node, phase its node_status.
void add_cluster_nodes(SampleWriter& w, const std::vector<ClusterNode>& nodes) {
  for (const ClusterNode& node : nodes) w.add(Family::node_info, 1, {{"node", node.name}, {"phase", node.status}});
}

// Qumulo data protection: the restriper and the failures the cluster can still take.
void add_qumulo_protection(SampleWriter& w, const Upgrade& u) {
  if (u.restriper && u.restriper->data_at_risk) w.add(Family::data_at_risk, *u.restriper->data_at_risk ? 1 : 0);
  if (u.protection) {
    add_optional(w, Family::remaining_node_failures, u.protection->remaining_node_failures);
    add_optional(w, Family::max_node_failures, u.protection->max_node_failures);
    add_optional(w, Family::remaining_drive_failures, u.protection->remaining_drive_failures);
  }
  if (u.restriper && !u.restriper->state.empty())
    add_state_set(w, Family::restriper_state, "state", kRestriperStates, u.restriper->state);
  if (u.restriper) add_optional(w, Family::restriper_progress_ratio, u.restriper->progress_ratio);
}

// A repair task's nodes, then its two health checks (each only once upstream names its state or start).
void add_repair_task(SampleWriter& w, const RepairTaskDetail& task) {
  for (const RepairTaskNode& node : task.nodes) {
    if (node.impact.empty())
      w.add(Family::repair_task_node_info, 1, {{"node", node.name}});
    else
      w.add(Family::repair_task_node_info, 1, {{"node", node.name}, {"impact", node.impact}});
  }
  const std::array<std::pair<const char*, const RepairHealthCheck*>, 2> checks = {
      {{"preparing", &task.preparing}, {"restoring", &task.restoring}}};
  for (const auto& [name, check] : checks) {
    if (check->state.empty()) continue;
    bool seen = false;
    for (std::string_view state : kRepairHealthCheckStates) {
      seen |= state == check->state;
      w.add(Family::repair_task_health_check_state, state == check->state ? 1 : 0, {{"check", name}, {"state", state}});
    }
    if (!seen) w.add(Family::repair_task_health_check_state, 1, {{"check", name}, {"state", check->state}});
  }
  for (const auto& [name, check] : checks)
    if (check->start_time) w.add(Family::repair_task_health_check_start, *check->start_time, {{"check", name}});
}

// The outcomes upgrade_last_outcome is a StateSet over.
constexpr std::array<std::string_view, 2> kFinishedOutcomes = {"completed", "rolled_back"};

// Only cluster and application objects have a history (EventStore's events
// name no other kind); null for the rest, and when none is read.
const ObjectHistory* history_of(Kind kind, const ObjectState& object) {
  return kind == Kind::cluster || kind == Kind::application ? object.history.get() : nullptr;
}

// An object's history. With a history, the window's counts and the number of
// domain samples are always there, so 0 completed, 0 rolled back and 0
// samples say "nothing yet" rather than "not read"; the last finished
// upgrade's series appear once one has finished, the typical domain time
// once there are kMinDomainSamples.
void add_history(SampleWriter& w, const ObjectHistory& history) {
  w.add(Family::history_upgrades, history.completed, {{"outcome", "completed"}});
  w.add(Family::history_upgrades, history.rolled_back, {{"outcome", "rolled_back"}});
  if (const std::optional<PastUpgrade>& last = history.last_finished) {
    add_state_set(w, Family::last_outcome, "outcome", kFinishedOutcomes, upgrade_outcome_name(last->outcome));
    add_optional(w, Family::last_finished, last->end);
    add_optional(w, Family::last_duration, last->duration);
    w.add(Family::last_info, 1, {{"from_version", last->from_version}, {"to_version", last->to_version}});
  }
  add_optional(w, Family::domain_typical_duration, history.typical_domain_seconds);
  w.add(Family::domain_duration_samples, static_cast<double>(history.domain_samples));
}

}  // namespace

void render_object(SampleWriter& w, Kind kind, const ObjectState& object) {
  const Upgrade& u = object.upgrade;
  add_state_set(w, Family::state, "state", source_for(kind).states, u.state);
  for (Phase phase : kAllPhases) w.add(Family::phase, phase == u.phase ? 1 : 0, {{"phase", phase_name(phase)}});
  w.add(Family::in_progress, in_progress(u.phase) ? 1 : 0);
  add_optional(w, Family::progress_ratio, u.progress_ratio);
  if (u.domains) add_counts(w, Family::domains, "state", kDomainStates, *u.domains);
  add_optional(w, Family::start_timestamp, u.start_time);
  add_optional(w, Family::failure_timestamp, u.failure_time);
  add_optional(w, Family::duration, u.duration);
  add_optional(w, Family::domain_duration, u.domain_duration);
  add_optional(w, Family::pending_safety_checks, u.pending_safety_checks);
  if (u.nodes) add_counts(w, Family::nodes, "phase", kNodePhases, *u.nodes);
  add_cluster_nodes(w, u.cluster_nodes);  // qumulo: no current domain, so node_info stays in order
  add_node_detail(w, u.current_nodes);
  add_optional(w, Family::unhealthy_evaluations, u.unhealthy_evaluations);
  for (const auto& [evaluation_kind, count] : u.unhealthy_evaluations_by_kind)
    w.add(Family::unhealthy_evaluations_by_kind, count, {{"evaluation_kind", evaluation_kind}});
  for (const ReplicaProgress& r : u.replicas) {
    w.add(Family::replicas, r.completed, {{"service_name", r.service_name}, {"state", "completed"}});
    w.add(Family::replicas, r.pending, {{"service_name", r.service_name}, {"state", "pending"}});
  }
  add_optional(w, Family::timeout, u.timeout);
  add_optional(w, Family::domain_timeout, u.domain_timeout);
  add_optional(w, Family::health_check_wait, u.health_check_wait);
  add_optional(w, Family::health_check_stable, u.health_check_stable);
  add_optional(w, Family::health_check_retry_timeout, u.health_check_retry_timeout);
  add_optional(w, Family::replica_set_check_timeout, u.replica_set_check_timeout);
  if (!u.health_check_phase.empty())
    add_state_set(w, Family::health_check_phase, "phase", kHealthCheckPhases, u.health_check_phase);
  add_optional(w, Family::health_check_elapsed, u.health_check_elapsed);
  add_optional(w, Family::health_check_retry_flips, u.health_check_retry_flips);
  w.add_labels(Family::info, 1, u.info.begin(), u.info.end());
  const ObjectHistory* history = history_of(kind, object);
  if (const std::optional<Forecast> forecast = forecast_completion(u, history, object.read_at))
    w.add(Family::estimated_completion, forecast->completion);
  w.add(Family::last_transition, object.last_transition);
  w.add(Family::awaiting_operator, u.awaiting_operator ? 1 : 0);
  add_optional(w, Family::config_progress_status, u.config_progress_status);
  if (u.reboot) {
    add_state_set(w, Family::reboot_state, "state", kRebootStates, u.reboot->state);
    w.add(Family::reboot_nodes, u.reboot->total_nodes);
    w.add(Family::reboot_rebooted_nodes, u.reboot->rebooted_nodes);
  }
  if (u.blocked) {
    w.add(Family::blocked, u.blocked->is_blocked ? 1 : 0);
    w.add(Family::cluster_degraded, u.blocked->cluster_degraded ? 1 : 0);
  }
  if (history) add_history(w, *history);
  add_qumulo_protection(w, u);
  if (u.repair_task) add_repair_task(w, *u.repair_task);
}

}  // namespace ue
