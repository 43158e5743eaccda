// The metric catalogue: every upgrade-describing family, in export order, with
// its name and HELP text, and the HELP/TYPE header each gets on the page.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace ue {

// Hand-laid out: the enum packed, the table one family per line.
// clang-format off

// Upgrade-describing families, in export order.
enum class Family : std::size_t {
  state, phase, in_progress, progress_ratio, domains, start_timestamp, failure_timestamp, duration,
  domain_duration, pending_safety_checks, nodes, node_info, node_pending_safety_checks, blocking_partition_info,
  unhealthy_evaluations, unhealthy_evaluations_by_kind, replicas, timeout, domain_timeout, health_check_wait,
  health_check_stable, health_check_retry_timeout, replica_set_check_timeout, health_check_phase,
  health_check_elapsed, health_check_retry_flips, info, estimated_completion, last_transition,
  awaiting_operator, stall_window, config_progress_status, reboot_state, reboot_nodes, reboot_rebooted_nodes, blocked, cluster_degraded,
  // Upgrade history (add_history): cluster and application objects with a history
  history_upgrades, last_outcome, last_finished, last_duration, last_info, domain_typical_duration,
  domain_duration_samples,
  // Qumulo data protection (render_qumulo_protection)
  data_at_risk, remaining_node_failures, max_node_failures, remaining_drive_failures, restriper_state,
  restriper_progress_ratio,
  repair_task_node_info, repair_task_health_check_state, repair_task_health_check_start,
  count_  // keep last
};
inline constexpr std::size_t kFamilyCount = static_cast<std::size_t>(Family::count_);

struct FamilyInfo {
  std::string_view name;
  std::string_view help;
};

// HELP texts name the upstream field; "As of the last poll" because scrapes
// never wait for an upstream (README, "How it works"). In the header, so
// the sample writer's name lookups are constants.
inline constexpr std::array<FamilyInfo, kFamilyCount> kFamilies = {{
    {"upgrade_state", "Upstream upgrade state (UpgradeState, state): one series per value of the kind's enum, 1 for the current one. As of the last poll."},
    {"upgrade_phase", "Normalized upgrade phase (idle, rolling_forward, rolling_back, completed, rolled_back, failed): 1 for the current one. As of the last poll."},
    {"upgrade_in_progress", "1 while the upgrade is rolling forward or back, else 0. As of the last poll."},
    {"upgrade_progress_ratio", "Upgrade progress 0..1: completed upgrade domains or units / all, PercentCompleted / 100, or Qumulo progress / 100 while preparing. As of the last poll."},
    {"upgrade_domains", "Upgrade domains (or node-by-node units) per upstream state (UpgradeDomains, UpgradeUnits). As of the last poll."},
    {"upgrade_start_timestamp_seconds", "Upstream start time of the current or last upgrade (StartTimestampUtc), Unix seconds. As of the last poll."},
    {"upgrade_failure_timestamp_seconds", "Upstream failure time of the upgrade (FailureTimestampUtc), Unix seconds. As of the last poll."},
    {"upgrade_duration_seconds", "Elapsed time of the current or last upgrade as reported upstream (UpgradeDurationInMilliseconds, UpgradeDuration). As of the last poll."},
    {"upgrade_domain_duration_seconds", "Elapsed time in the current upgrade domain as reported upstream (UpgradeDomainDurationInMilliseconds, CurrentUpgradeDomainDuration). As of the last poll."},
    {"upgrade_pending_safety_checks", "Pending safety checks summed over the nodes of the current upgrade domain (PendingSafetyChecks). As of the last poll."},
    {"upgrade_nodes", "Nodes of the current upgrade domain per UpgradePhase (NodeUpgradeProgressList). As of the last poll."},
    {"upgrade_node_info", "Constant 1 for each node of the current upgrade domain or unit, its UpgradePhase verbatim in phase (NodeUpgradeProgressList); for Qumulo, each node of the cluster, its node_status verbatim in phase (/v1/cluster/nodes/). As of the last poll."},
    {"upgrade_node_pending_safety_checks", "Pending safety checks of one kind (SafetyCheck.Kind) on a node of the current upgrade domain; only kinds pending appear. As of the last poll."},
    {"upgrade_blocking_partition_info", "Constant 1 for each pending safety check that names a partition (PartitionId), the first 50 of an object in upstream order. As of the last poll."},
    {"upgrade_unhealthy_evaluations", "Length of the upstream unhealthy-evaluations list (UnhealthyEvaluations, ApplicationUnhealthyEvaluations). As of the last poll."},
    {"upgrade_unhealthy_evaluations_by_kind", "Top-level unhealthy evaluations per HealthEvaluation.Kind (UnhealthyEvaluations, ApplicationUnhealthyEvaluations). As of the last poll."},
    {"upgrade_replicas", "Application resource replicas per service, completed or pending (ServiceUpgradeProgress). As of the last poll."},
    {"upgrade_timeout_seconds", "Overall upgrade timeout from the monitoring policy (UpgradeTimeoutInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_domain_timeout_seconds", "Per-domain upgrade timeout from the monitoring policy (UpgradeDomainTimeoutInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_health_check_wait_seconds", "Wait before health checks start after a domain is upgraded (HealthCheckWaitDurationInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_health_check_stable_seconds", "How long health must stay stable before the next domain (HealthCheckStableDurationInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_health_check_retry_timeout_seconds", "How long unhealthy checks are retried before the failure action (HealthCheckRetryTimeoutInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_replica_set_check_timeout_seconds", "Longest wait for a replica set's safety checks before a domain goes on (UpgradeReplicaSetCheckTimeoutInSeconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_health_check_phase", "Health-check phase of a monitored upgrade (HealthCheckPhase, Service Fabric 10.0+): 1 for the current one. As of the last poll."},
    {"upgrade_health_check_elapsed_seconds", "Time spent in the current health-check phase (HealthCheckElapsedTime). As of the last poll."},
    {"upgrade_health_check_retry_flips", "Times the health-check result flipped, restarting the phase timer (HealthCheckRetryFlips). As of the last poll."},
    {"upgrade_info", "Constant 1; labels describe the upgrade (target version, rolling upgrade mode, failure reason, failure action, and for Qumulo upgrade type, auto commit and blocked reason). As of the last poll."},
    {"upgrade_estimated_completion_timestamp_seconds", "Forecast of completion while in progress, Unix seconds: typical domain time (upgrade_domain_typical_duration_seconds) times the domains left, from the read, when rolling forward with at least 3 samples; else linear, start time + elapsed / progress ratio. As of the last poll."},
    {"upgrade_last_transition_timestamp_seconds", "Unix time at which the exporter last saw the upgrade move: its state, progress, current domain, the phases of that domain's nodes, the pending safety checks, the health-check phase or retry flips, or the number of unhealthy evaluations; the stall signal. As of the last poll."},
    {"upgrade_awaiting_operator", "1 while the upgrade waits for an operator, else 0: a Service Fabric upgrade in UnmonitoredManual mode that finished a domain (RollingForwardPending) until the next is started, or a Qumulo upgrade prepared without auto_commit (UPGRADE_STATE_PREPARED) until it is committed. Such an upgrade is not stalled. As of the last poll."},
    {"upgrade_stall_window_seconds", "How long an upgrade in progress of the target may go without a transition (upgrade_last_transition_timestamp_seconds) before the exporter calls it stalled, unless it awaits an operator; the target's stall_window setting."},
    {"upgrade_config_progress_status", "Cluster configuration upgrade ProgressStatus, exported raw: its meaning is not documented upstream. As of the last poll."},
    {"upgrade_reboot_state", "Qumulo reboot manager state (/v1/shutdown/reboot/status state): 1 for the current one. As of the last poll."},
    {"upgrade_reboot_nodes", "Qumulo nodes taking part in the current or last reboot (total_node_count). As of the last poll."},
    {"upgrade_reboot_rebooted_nodes", "Qumulo nodes rebooted so far in the current or last reboot (rebooted_node_count). As of the last poll."},
    {"upgrade_blocked", "1 while Qumulo reports the upgrade blocked (/v2/upgrade/blocked is_blocked), else 0; the reason is upgrade_info's blocked_reason. As of the last poll."},
    {"upgrade_cluster_degraded", "1 while Qumulo reports the cluster degraded (/v2/upgrade/blocked cluster_degraded), else 0. As of the last poll."},
    // Upgrade history
    {"upgrade_history_upgrades", "Upgrades that ended within the history window, by outcome (completed: ClusterUpgradeCompleted, ApplicationUpgradeCompleted; rolled_back: ...UpgradeRollbackCompleted): a gauge over the window, not a counter, it falls as upgrades leave it. As of the last poll."},
    {"upgrade_last_outcome", "Outcome of the last finished upgrade (completed, rolled_back): 1 for the current one; absent until one has finished. As of the last poll."},
    {"upgrade_last_finished_timestamp_seconds", "When the last finished upgrade ended (TimeStamp of its ...UpgradeCompleted or ...UpgradeRollbackCompleted), Unix seconds; absent until one has finished. As of the last poll."},
    {"upgrade_last_duration_seconds", "Duration of the last finished upgrade (OverallUpgradeElapsedTimeInMs of its end event, else end - start); absent until one has finished. As of the last poll."},
    {"upgrade_last_info", "Constant 1; from_version (CurrentClusterVersion, CurrentApplicationTypeVersion) and to_version (TargetClusterVersion, ApplicationTypeVersion) of the last finished upgrade, from its ...UpgradeStarted; absent until one has finished. As of the last poll."},
    {"upgrade_domain_typical_duration_seconds", "Median time an upgrade domain took rolling forward, over the domains completed within the history window (UpgradeDomainElapsedTimeInMs); absent under 3 samples. As of the last poll."},
    {"upgrade_domain_duration_samples", "Upgrade domains completed rolling forward within the history window (...UpgradeDomainCompleted): the samples of upgrade_domain_typical_duration_seconds. As of the last poll."},
    // Qumulo data protection
    {"upgrade_data_at_risk", "1 while Qumulo reports data not fully protected (/v1/cluster/protection/restriper/status data_at_risk), else 0. As of the last poll."},
    {"upgrade_remaining_node_failures", "Node failures the Qumulo cluster can take right now and stay up (/v1/cluster/protection/status remaining_node_failures); 0 means one more is an outage. As of the last poll."},
    {"upgrade_max_node_failures", "Node failures the Qumulo cluster is configured to tolerate when healthy (/v1/cluster/protection/status max_node_failures). As of the last poll."},
    {"upgrade_remaining_drive_failures", "Drive failures the Qumulo cluster can take right now and stay up (/v1/cluster/protection/status remaining_drive_failures). As of the last poll."},
    {"upgrade_restriper_state", "Qumulo restriper state (/v1/cluster/protection/restriper/status state): 1 for the current one. As of the last poll."},
    {"upgrade_restriper_progress_ratio", "Progress 0..1 of the Qumulo restriper's current phase (/v1/cluster/protection/restriper/status percent_complete / 100), only while RUNNING. As of the last poll."},
    {"upgrade_repair_task_node_info", "Constant 1 for each node a Service Fabric repair task holds, its ImpactLevel in impact (Impact.NodeImpactList); without impact for the nodes of Target.NodeNames when that list is empty. As of the last poll."},
    {"upgrade_repair_task_health_check_state", "Repair task health check (check: preparing or restoring) state (PreparingHealthCheckState, RestoringHealthCheckState): 1 for the current one. As of the last poll."},
    {"upgrade_repair_task_health_check_start_timestamp_seconds", "Start of a repair task's health check (History.PreparingHealthCheckStartUtcTimestamp, RestoringHealthCheckStartUtcTimestamp), Unix seconds; absent until it starts. As of the last poll."},
}};
// clang-format on
// A family added to the enum but not here would be exported without a name.
static_assert(!kFamilies.back().name.empty(), "kFamilies needs an entry per Family");

inline std::string_view family_name(Family family) { return kFamilies[static_cast<std::size_t>(family)].name; }

// "# HELP <name> <help>\n# TYPE <name> gauge\n", built once.
const std::string& family_header(std::size_t family);

}  // namespace ue
