// The Service Fabric progress bodies, one per kind, of one object at a
// simulated time: what the GetUpgradeProgress routes and the cluster
// configuration status answer. Pure; `epoch` is the wall-clock time of
// simulated time zero.
#pragma once

#include <string>

#include "json.h"
#include "scenario.h"
#include "timeline.h"

namespace sim {

// Cluster and application progress (reference §1.1 and §4.2). `api` is the request's api-version.
Json domain_upgrade_body(const SfObject& o, SimTime t, double api, WallClock::time_point epoch);
Json config_upgrade_status_body(const SfObject& o, SimTime t);
Json application_resource_upgrade_body(const SfObject& o, SimTime t, WallClock::time_point epoch);
Json compose_deployment_upgrade_body(const SfObject& o, SimTime t, WallClock::time_point epoch);

// The UpgradeState the object's progress body reports at `t`.
std::string reported_state(const SfObject& o, SimTime t);

}  // namespace sim
