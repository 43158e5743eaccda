// Readers of what the Service Fabric progress bodies share: the UpgradeState
// enum, upgrade domains and units, current-domain node progress, monitoring
// policies and the 10.0+ health-check fields.
#pragma once

#include <array>
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
// timeout and domain_timeout from a MonitoringPolicy; zero or infinite → absent.
void read_timeouts(const Json* monitoring_policy, Upgrade& up);
// The 10.0+ HealthCheck* fields.
void read_health_check(const Json& body, Upgrade& up);
// progress_ratio: completed domains / all domains when there are any; 1 once completed.
void finish_progress_ratio(Upgrade& up);

}  // namespace ue
