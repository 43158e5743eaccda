// Readers of what the Service Fabric progress bodies share: the UpgradeState
// enum, upgrade domains and units, current-domain node progress, monitoring
// policies and the 10.0+ health-check fields.
#pragma once

#include <array>
#include <vector>
#include <string_view>

#include "model/upgrade.h"
#include "sources/json_fields.h"
#include "sources/state_table.h"

namespace ue {

// `UpgradeState`, used by cluster, cluster_config and application progress.
inline constexpr std::array<StatePhase, 7> kUpgradeStates = {{
    {"Invalid", Phase::idle},
    {"RollingBackInProgress", Phase::rolling_back},
    {"RollingBackCompleted", Phase::rolled_back},
    {"RollingForwardPending", Phase::rolling_forward},
    {"RollingForwardInProgress", Phase::rolling_forward},
    {"RollingForwardCompleted", Phase::completed},
    {"Failed", Phase::failed},
}};

// The phase of a Service Fabric state. A value the table does not know (a
// newer runtime) is guessed from its name: "...RollingBack..." → rolling_back,
// "...RollingForward..." or "...Provisioning..." → rolling_forward, else idle.
Phase sf_phase(std::string_view state, StateTable table);

// `UpgradeState` with its phase; a body without one is not an upgrade (schema error).
void read_state(const Json& body, StateTable table, Upgrade& up);

// Everything a cluster or application progress body shares (all but `info`).
Upgrade parse_domain_upgrade(const Json& body);

// current_domain, nodes and pending_safety_checks from one
// `Current...Progress` object. With `names_if_no_domain`, an empty DomainName
// is replaced by the node names joined with "," (node-by-node upgrades).
void read_node_progress(const Json& progress, bool names_if_no_domain, Upgrade& up);

// start_time and failure_time from StartTimestampUtc / FailureTimestampUtc.
void read_timestamps(const Json& body, Upgrade& up);
// The pending safety checks of one node (a PendingSafetyChecks array).
std::vector<SafetyCheck> read_safety_checks(const Json& pending);
// unhealthy_evaluations and unhealthy_evaluations_by_kind from the array `key`.
void read_unhealthy_evaluations(const Json& body, std::string_view key, Upgrade& up);
// The timeouts and health-check durations of a MonitoringPolicy; unset or
// infinite → absent, and a zero timeout is unset.
void read_monitoring_policy(const Json* monitoring_policy, Upgrade& up);
// "Infinite" UpgradeReplicaSetCheckTimeoutInSeconds (uint32 max).
inline constexpr double kInfiniteReplicaSetCheckSeconds = 4294967295.0;
// replica_set_check_timeout from the object holding UpgradeReplicaSetCheckTimeoutInSeconds.
void read_replica_set_check_timeout(const Json& holder, Upgrade& up);
// The rolling_upgrade_mode label of upgrade_info, from RollingUpgradeMode, and
// awaiting_operator: an UnmonitoredManual upgrade that has finished a domain
// (RollingForwardPending) waits for an operator to start the next one. After read_state.
void add_rolling_upgrade_mode(const Json& body, Upgrade& up);
// The failure_reason label of upgrade_info, from FailureReason; left out when
// it is "None", Service Fabric's "nothing failed".
void add_failure_reason(const Json& body, Upgrade& up);
// The failure_action label of upgrade_info, from a MonitoringPolicy's FailureAction.
void add_failure_action(const Json* monitoring_policy, Upgrade& up);
// UpgradeDescription.MonitoringPolicy, or a top-level MonitoringPolicy (compose deployments).
const Json* monitoring_policy_of(const Json& body);
// The 10.0+ HealthCheck* fields.
void read_health_check(const Json& body, Upgrade& up);
// progress_ratio: completed domains / all domains when there are any; 1 once completed.
void finish_progress_ratio(Upgrade& up);

}  // namespace ue
