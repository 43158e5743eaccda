// The plain model every source produces and the renderer consumes.
// Nothing here knows about HTTP, JSON or the exposition format.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"  // Reason, SourceError

namespace ue {

// Every kind the exporter reads, in export order: X(kind, source), where
// `kind` is the Kind value and its `kind` label, and `source` the function
// of sources/<kind>.cpp that describes it. A new kind is one line here and
// its source file; the enum, kAllKinds, kind_name and the table of sources
// (sources/registry.cpp) all follow from this list.
#define UE_FOR_EACH_KIND(X)                               \
  X(cluster, cluster_source)                              \
  X(cluster_config, cluster_config_source)                \
  X(application, applications_source)                     \
  X(application_resource, application_resources_source)   \
  X(compose_deployment, compose_deployments_source)       \
  X(repair_task, repair_tasks_source)                     \
  X(qumulo, qumulo_source)

#define UE_KIND_ENUMERATOR(kind, source) kind,
enum class Kind { UE_FOR_EACH_KIND(UE_KIND_ENUMERATOR) };
#undef UE_KIND_ENUMERATOR
#define UE_KIND_VALUE(kind, source) Kind::kind,
inline constexpr auto kAllKinds = std::to_array<Kind>({UE_FOR_EACH_KIND(UE_KIND_VALUE)});
#undef UE_KIND_VALUE
std::string_view kind_name(Kind kind);  // the `kind` label value

// What a target is: which upstream API its url serves.
enum class TargetType { service_fabric, qumulo };
std::string_view target_type_name(TargetType type);  // the config's `type` value

// The normalized phases (README, metrics reference), in the order they are exported.
enum class Phase { idle, rolling_forward, rolling_back, completed, rolled_back, failed };
inline constexpr std::array<Phase, 6> kAllPhases = {Phase::idle,      Phase::rolling_forward, Phase::rolling_back,
                                                    Phase::completed, Phase::rolled_back,     Phase::failed};
std::string_view phase_name(Phase phase);
inline bool in_progress(Phase p) { return p == Phase::rolling_forward || p == Phase::rolling_back; }

// Upgrade-domain (or node-by-node unit) states, all exported even when zero.
inline constexpr std::array<std::string_view, 4> kDomainStates = {"Pending", "InProgress", "Completed", "Failed"};
using DomainCounts = std::array<double, 4>;  // indexed like kDomainStates

// Node phases of the current domain, all exported even when zero.
inline constexpr std::array<std::string_view, 3> kNodePhases = {"PreUpgradeSafetyCheck", "Upgrading",
                                                                "PostUpgradeSafetyCheck"};
using NodePhaseCounts = std::array<double, 3>;  // indexed like kNodePhases

inline constexpr std::array<std::string_view, 3> kHealthCheckPhases = {"WaitDuration", "StableDuration", "Retry"};

// One service's replicas; a read holds each service name once, in name order.
struct ReplicaProgress {
  std::string service_name;
  double completed = 0;
  double pending = 0;
};

// A pending safety check of a node (SafetyCheck.Kind verbatim, e.g.
// EnsurePartitionQuorum) and the partition it waits for, when it names one.
struct SafetyCheck {
  std::string kind;
  std::string partition_id;  // empty: the check names none (EnsureSeedNodeQuorum)
};

// A node of the current upgrade domain (or unit) and what it waits on.
struct NodeProgress {
  std::string name;
  std::string phase;  // UpgradePhase verbatim
  std::vector<SafetyCheck> pending;  // PendingSafetyChecks with a Kind, in upstream order
};

// The most nodes of one object kept with their detail, and the most
// partitions exported as blocking: a domain holds a handful of nodes, and a
// hostile body must not turn into unbounded series.
inline constexpr std::size_t kMaxDetailedNodes = 200;
inline constexpr std::size_t kMaxBlockingPartitions = 50;
// The most distinct health-evaluation kinds counted for one object.
inline constexpr std::size_t kMaxEvaluationKinds = 50;

// Qumulo's GET /v2/upgrade/blocked.
struct UpgradeBlocked {
  bool is_blocked = false;
  bool cluster_degraded = false;
};

// Qumulo's rolling-reboot manager (/v1/shutdown/reboot/status): its state
// enum, exported as a StateSet, and what it reports.
inline constexpr std::array<std::string_view, 4> kRebootStates = {"REBOOT_IDLE", "REBOOT_IN_PROGRESS", "REBOOT_PAUSED",
                                                                  "REBOOT_PAUSED_DUE_TO_ERROR"};
struct RebootProgress {
  std::string state;  // REBOOT_IDLE, REBOOT_IN_PROGRESS, ...
  double rebooted_nodes = 0;
  double total_nodes = 0;
};

// Qumulo's data protection during a rolling reboot: the restriper
// (/v1/cluster/protection/restriper/status), the failures the cluster can
// still take (/v1/cluster/protection/status) and its nodes
// (/v1/cluster/nodes/). Each is read when served, independently.
inline constexpr std::array<std::string_view, 3> kRestriperStates = {"NOT_STARTED", "RUNNING", "FINISHED"};
struct RestriperStatus {
  std::string state;  // NOT_STARTED, RUNNING, FINISHED, a newer value verbatim, or empty when unreported
  std::string phase;  // PLANNING, REPROTECT, ... while running, else empty
  std::optional<bool> data_at_risk;
  std::optional<double> progress_ratio;  // percent_complete / 100, only while RUNNING
  std::optional<double> elapsed_seconds;
  std::string blocked_reason;
};
struct ProtectionStatus {
  std::optional<double> remaining_node_failures;
  std::optional<double> max_node_failures;
  std::optional<double> remaining_drive_failures;
  std::optional<double> max_drive_failures;
  std::string protection_system_type;
};
struct ClusterNode {
  std::string name;    // node_name, else the id
  std::string status;  // node_status verbatim: online, offline, ...
};
inline bool node_online(const ClusterNode& node) { return node.status == "online"; }
// Service Fabric repair tasks (kind repair_task): the nodes a task holds and
// its two health checks. Node lists are bounded by kMaxDetailedNodes.
inline constexpr std::array<std::string_view, 5> kRepairHealthCheckStates = {"NotStarted", "InProgress", "Succeeded",
                                                                             "Skipped", "TimedOut"};
struct RepairTaskNode {
  std::string name;
  std::string impact;  // ImpactLevel verbatim; empty for a node of Target.NodeNames
};
struct RepairHealthCheck {
  std::string state;                  // PreparingHealthCheckState / RestoringHealthCheckState, or empty
  std::optional<double> start_time;   // Unix seconds, when set
};
struct RepairTaskDetail {
  std::vector<RepairTaskNode> nodes;  // each name once, in upstream order
  RepairHealthCheck preparing;
  RepairHealthCheck restoring;
};

// One object's upgrade as last read from its upstream. Optional fields are
// absent from /metrics when the upstream gave nothing to derive them from.
struct Upgrade {
  std::string state;  // upstream enum string, verbatim
  Phase phase = Phase::idle;
  std::optional<double> progress_ratio;  // 0..1
  std::optional<DomainCounts> domains;
  std::string current_domain;  // part of the transition signal
  std::optional<double> start_time;    // Unix seconds
  std::optional<double> failure_time;  // Unix seconds
  std::optional<double> duration;         // seconds
  std::optional<double> domain_duration;  // seconds
  std::optional<double> pending_safety_checks;
  std::optional<NodePhaseCounts> nodes;
  std::vector<NodeProgress> current_nodes;  // the current domain's nodes, each name once, in upstream order
  std::optional<double> unhealthy_evaluations;
  // Top-level unhealthy evaluations counted by HealthEvaluation.Kind, in kind order.
  std::vector<std::pair<std::string, double>> unhealthy_evaluations_by_kind;
  std::vector<ReplicaProgress> replicas;
  std::optional<double> timeout;         // seconds; absent when unset or infinite
  std::optional<double> domain_timeout;  // seconds; absent when unset or infinite
  // The rest of the monitoring policy, in seconds; absent when unset or infinite.
  std::optional<double> health_check_wait;
  std::optional<double> health_check_stable;
  std::optional<double> health_check_retry_timeout;
  std::optional<double> replica_set_check_timeout;  // UpgradeReplicaSetCheckTimeoutInSeconds
  std::string health_check_phase;        // one of kHealthCheckPhases, or empty
  std::optional<double> health_check_elapsed;  // seconds
  std::optional<double> health_check_retry_flips;
  std::optional<double> config_progress_status;  // cluster_config ProgressStatus, exported raw
  std::optional<RebootProgress> reboot;          // qumulo only
  std::optional<UpgradeBlocked> blocked;         // qumulo only
  std::optional<RestriperStatus> restriper;      // qumulo only
  std::optional<ProtectionStatus> protection;    // qumulo only
  // qumulo only: the cluster's nodes, each name once, in upstream order, at
  // most kMaxDetailedNodes.
  std::vector<ClusterNode> cluster_nodes;
  // The upgrade waits for a person, not for itself: a Service Fabric upgrade
  // in UnmonitoredManual mode that finished a domain (RollingForwardPending),
  // or a Qumulo upgrade prepared without auto_commit. Never "stalled".
  bool awaiting_operator = false;
  // When the upstream itself says the object last changed state (Unix
  // seconds): the snapshot takes it as the transition time instead of the
  // time it saw the change, so an exporter restart does not reset it.
  std::optional<double> transition_time;
  // When the object ended for good (Unix seconds; a completed repair task):
  // it stays exported for the kind's retention after that.
  std::optional<double> end_time;
  std::optional<RepairTaskDetail> repair_task;  // repair_task only
  // upgrade_info labels in export order; a label without an upstream value is
  // left out. Label names are string literals: one object holds several, and
  // a fleet ten thousand objects.
  std::vector<std::pair<std::string_view, std::string>> info;
};

// The naive linear forecast of when an upgrade in progress ends: start time +
// elapsed duration ÷ progress ratio, while 0 < progress < 1; absent otherwise.
std::optional<double> estimated_completion(const Upgrade& u);

}  // namespace ue
