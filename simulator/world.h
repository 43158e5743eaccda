// The simulated clusters at a given simulated time: pure state, no sockets.
// Every method takes the time explicitly, so tests drive the clock directly;
// a mutex makes the world safe to share between server threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scenario.h"
#include "timeline.h"

namespace sim {

// Insertion-ordered, like the upstream serializers (the .NET client wants
// SafetyCheck "Kind" first, and people compare bodies by eye).
using Json = nlohmann::ordered_json;

// Simulated time runs `speed` times faster than real time, from zero at construction.
class SimClock {
 public:
  explicit SimClock(double speed) : origin_(std::chrono::steady_clock::now()), speed_(speed) {}
  SimTime now() const {
    auto real = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - origin_);
    return Micros(static_cast<std::int64_t>(real.count() * speed_));
  }

 private:
  std::chrono::steady_clock::time_point origin_;
  double speed_;
};

// One page of a listing: items [begin, end) of the sorted names.
struct PageSlice {
  size_t begin = 0, end = 0;
  std::string continuation_token;  // "" on the last page
};
// `token` must be a token this server handed out (the last name of the previous
// page), compared byte for byte; "" starts at the beginning. `max_results` 0 means all.
// nullopt: the token is not one of ours (e.g. re-encoded: %3A, %2F).
std::optional<PageSlice> paginate(const std::vector<std::string>& sorted_names, std::string_view token,
                                  std::uint64_t max_results);

// A validated StartClusterConfigurationUpgrade body.
struct ConfigUpgradeRequest {
  std::optional<std::string> config_version;  // ClusterConfigurationVersion inside ClusterConfig, if any
};
// The request, or a message for a 400 E_INVALIDARG.
std::variant<ConfigUpgradeRequest, std::string> parse_config_upgrade(std::string_view body);

// A validated POST /v2/upgrade/prepare body.
struct PrepareRequest {
  std::string image_path;
  bool auto_commit = false;
  bool do_rolling_reboot = false;
  int num_nodes_to_reboot = 1;
};
std::variant<PrepareRequest, std::string> parse_prepare(std::string_view body, int cluster_nodes);

class World {
 public:
  // `epoch` is the wall-clock time of simulated time zero (timestamps in bodies).
  World(Scenario scenario, WallClock::time_point epoch);

  const Scenario& scenario() const { return scenario_; }

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

  // --- Qumulo
  bool qumulo_reachable(SimTime t) const;  // false while the simulated reboot takes the API down
  Json qumulo_status(SimTime t) const;
  Json qumulo_reboot_status(SimTime t) const;
  Json qumulo_version(SimTime t) const;
  bool qumulo_prepare(SimTime t, const PrepareRequest& request);  // false unless IDLE (409)
  bool qumulo_commit(SimTime t);                                   // false unless PREPARED (409)

  // The upstream state string of an object (tests, landing page). Empty for an unknown object.
  std::string state_of(Kind kind, std::string_view name, SimTime t) const;

 private:
  struct Listing {
    std::vector<std::string> names;  // sorted
    std::vector<size_t> objects;     // parallel to names: index into objects_
  };

  const SfObject* find(Kind kind, std::string_view name) const;
  SfObject* find(Kind kind, std::string_view name);
  Moment moment(const SfObject& o, SimTime t) const;
  Json domain_upgrade_body(const SfObject& o, SimTime t, double api) const;
  Json progress_at_failure(const SfObject& o, const Moment& m, double api) const;
  template <class MakeItem>
  std::optional<Json> page(const Listing& listing, std::string_view token, std::uint64_t max_results,
                           MakeItem make_item) const;

  const Scenario scenario_;        // as loaded
  const WallClock::time_point epoch_;
  mutable std::mutex mu_;          // guards what POSTs change: objects_ and qumulo_
  std::vector<SfObject> objects_;  // the scenario's, with scripts replaced by started upgrades
  Qumulo qumulo_;
  std::map<std::pair<Kind, std::string>, size_t> index_;
  Listing applications_, resources_, composes_;
};

}  // namespace sim
