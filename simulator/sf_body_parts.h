// The pieces several Service Fabric bodies share: domain and node progress,
// domain lists, policies, the upgrade description, health evaluations, status
// details and timestamps, each in the runtime's field order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json.h"
#include "scenario.h"
#include "timeline.h"
#include "unit_walk.h"

namespace sim {

inline constexpr std::int64_t kInfiniteSeconds = 4294967295;  // "infinite" UpgradeReplicaSetCheckTimeout
inline constexpr double kNodeByNodeApi = 8.2;  // UpgradeUnits, CurrentUpgradeUnitsProgress, IsNodeByNode from here on

// NodeUpgradeProgressInfo for every node of the current unit.
Json node_progress_list(const SfObject& o, const Walk& w, double api);
// {DomainName, NodeUpgradeProgressList}: the shape of every "...DomainProgress" field.
Json domain_progress(const std::string& domain_name, Json nodes);
// The current domain: the one upgrading, or the one waited for between domains.
Json current_domain_progress(const SfObject& o, const Walk& w, double api);
// UpgradeDomains / UpgradeUnits, in the runtime's order: in progress, pending, completed.
Json unit_list(const Walk& w, bool with_failed_state);

// The timestamp of simulated time `t`, or the unset one.
Json timestamp_or_unset(const std::optional<SimTime>& t, WallClock::time_point epoch);

Json monitoring_policy(const Policy& p);
// UpgradeReplicaSetCheckTimeoutInSeconds: whole seconds, or kInfiniteSeconds when unset.
std::int64_t replica_set_check_timeout(const Policy& p);
Json application_health_policy();
Json upgrade_description(const SfObject& o);
// Why health checks fail: two top-level HealthEvaluationWrappers of different
// kinds (UpgradeDomainNodes and DeltaNodesCheck for the cluster, Services and
// Event otherwise), nested in the kind's usual shape.
Json unhealthy_evaluations(const SfObject& o, const Walk& w);
// UpgradeStatusDetails: what the current unit or health check is doing.
std::string status_details(const Walk& w);

}  // namespace sim
