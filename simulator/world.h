// The simulated clusters at a given simulated time: pure state, no sockets.
// Every method takes the time explicitly, so tests drive the clock directly;
// a mutex makes the world safe to share between server threads. The Service
// Fabric and Qumulo sides do the work; the world locks and hands each call on.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "event_store.h"
#include "json.h"
#include "qumulo_cluster.h"
#include "repair_tasks.h"
#include "requests.h"
#include "scenario.h"
#include "sf_cluster.h"
#include "sim_clock.h"
#include "timeline.h"

namespace sim {

class World {
 public:
  // `epoch` is the wall-clock time of simulated time zero (timestamps in bodies).
  World(Scenario scenario, WallClock::time_point epoch);

  const Scenario& scenario() const { return scenario_; }
  WallClock::time_point epoch() const { return epoch_; }  // the wall-clock time of simulated time zero

  // --- Service Fabric. `api` is the request's api-version, already range-checked.
  Json cluster_progress(SimTime t, double api) const;
  Json cluster_config_status(SimTime t) const;
  // Starts a configuration upgrade now; false while one is running (409).
  bool start_cluster_config_upgrade(SimTime t, const ConfigUpgradeRequest& request);

  // Listings: nullopt when the continuation token is not ours (400).
  std::optional<Json> applications(SimTime t, std::string_view token, std::uint64_t max_results, double api,
                                   bool exclude_parameters) const;
  std::optional<Json> application_resources(SimTime t, std::string_view token, std::uint64_t max_results) const;
  std::optional<Json> compose_deployments(SimTime t, std::string_view token, std::uint64_t max_results) const;

  // Progress by name: nullopt when there is no such object (404).
  std::optional<Json> application_progress(SimTime t, std::string_view name, double api) const;
  std::optional<Json> application_resource_progress(SimTime t, std::string_view name) const;
  std::optional<Json> compose_deployment_progress(SimTime t, std::string_view name) const;

  // --- Service Fabric repair tasks: GET /$/GetRepairTaskList, the filters parsed.
  Json repair_tasks(SimTime t, const RepairTaskFilter& filter) const;

  // --- Service Fabric's EventStore: false when the scenario has event_store: false (404).
  bool event_store_available() const { return scenario_.event_store; }
  // The bare array of events, oldest first. Immutable history and pure plays: no lock.
  Json events(EventEntity entity, SimTime now, const EventQuery& query) const {
    return event_store_.events(entity, now, query);
  }

  // --- Qumulo
  bool qumulo_reachable(SimTime t) const;  // false while the simulated reboot takes the API down
  Json qumulo_status(SimTime t) const;
  Json qumulo_reboot_status(SimTime t) const;
  Json qumulo_blocked_status(SimTime t) const;  // GET /v2/upgrade/blocked
  Json qumulo_restriper_status(SimTime t) const;   // GET /v1/cluster/protection/restriper/status
  Json qumulo_protection_status(SimTime t) const;  // GET /v1/cluster/protection/status
  Json qumulo_nodes(SimTime t) const;              // GET /v1/cluster/nodes/
  Json qumulo_version(SimTime t) const;
  bool qumulo_prepare(SimTime t, const PrepareRequest& request);  // false unless IDLE (409)
  bool qumulo_commit(SimTime t);                                   // false unless PREPARED (409)

  // The upstream state string of an object (tests, landing page). Empty for an unknown object.
  std::string state_of(Kind kind, std::string_view name, SimTime t) const;

 private:
  const Scenario scenario_;  // as loaded
  mutable std::mutex mu_;    // guards what POSTs change: both sides' objects and scripts
  ServiceFabricCluster service_fabric_;
  QumuloCluster qumulo_;
  const EventStore event_store_;  // built from the scenario as loaded (scripts that POSTs do not touch)
  const WallClock::time_point epoch_;
};

}  // namespace sim
