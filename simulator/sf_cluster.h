// The simulated Service Fabric cluster: its objects by kind and name, their
// listings and progress, and what starting a configuration upgrade does.
// Not thread-safe: World holds the lock. The calls are World's; see world.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json.h"
#include "requests.h"
#include "scenario.h"
#include "sf_listings.h"
#include "timeline.h"

namespace sim {

class ServiceFabricCluster {
 public:
  // `epoch` is the wall-clock time of simulated time zero (timestamps in bodies).
  ServiceFabricCluster(std::vector<SfObject> objects, WallClock::time_point epoch);

  Json cluster_progress(SimTime t, double api) const;
  Json cluster_config_status(SimTime t) const;
  bool start_cluster_config_upgrade(SimTime t, const ConfigUpgradeRequest& request);

  std::optional<Json> applications(SimTime t, std::string_view token, std::uint64_t max_results, double api,
                                   bool exclude_parameters) const;
  std::optional<Json> application_resources(SimTime t, std::string_view token, std::uint64_t max_results) const;
  std::optional<Json> compose_deployments(SimTime t, std::string_view token, std::uint64_t max_results) const;

  std::optional<Json> application_progress(SimTime t, std::string_view name, double api) const;
  std::optional<Json> application_resource_progress(SimTime t, std::string_view name) const;
  std::optional<Json> compose_deployment_progress(SimTime t, std::string_view name) const;

  std::string state_of(Kind kind, std::string_view name, SimTime t) const;

 private:
  const SfObject* find(Kind kind, std::string_view name) const;
  SfObject* find(Kind kind, std::string_view name);

  const WallClock::time_point epoch_;
  std::vector<SfObject> objects_;  // the scenario's, with scripts replaced by started upgrades
  std::map<std::pair<Kind, std::string>, size_t> index_;
  Listing applications_, resources_, composes_;
};

}  // namespace sim
